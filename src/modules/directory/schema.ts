/** Drizzle definitions of the directory's tables (see 0002_directory.sql; schema.test.ts keeps them equal). */
import { date, geometry, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tsvector } from '../../platform/db/schema.ts';

const tz = (name: string) => timestamp(name, { withTimezone: true });

export const offers = pgTable('offers', {
  id: uuid('id').primaryKey().defaultRandom(),
  cityId: integer('city_id'),
  slug: text('slug').notNull(),
  kind: text('kind').notNull(),
  status: text('status').notNull(),
  title: text('title').notNull(),
  summary: text('summary').notNull(),
  body: text('body').notNull(),
  easyLanguage: text('easy_language').notNull(),
  categories: text('categories').array().notNull(),
  lifeSituations: text('life_situations').array().notNull(),
  targetGroups: text('target_groups').array().notNull(),
  tags: text('tags').array().notNull(),
  provider: text('provider').notNull(),
  contact: jsonb('contact').notNull(),
  address: jsonb('address'),
  location: geometry('location', { type: 'point', srid: 4326 }),
  openingHours: text('opening_hours'),
  accessibility: jsonb('accessibility').notNull(),
  onlineServiceUrl: text('online_service_url'),
  leikaKey: text('leika_key'),
  lastReviewed: date('last_reviewed'),
  keywords: text('keywords').notNull(),
  search: tsvector('search').notNull(),
  searchWords: text('search_words').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
  publishedAt: tz('published_at'),
});

/** Words of offer titles, tags and labels, for typo and compound matching (0007_directory_search.sql). */
export const offerWords = pgTable('offer_words', {
  word: text('word').primaryKey(),
});

export const offerImports = pgTable('offer_imports', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  actorId: uuid('actor_id'),
  format: text('format').notNull(),
  created: integer('created').notNull(),
  updated: integer('updated').notNull(),
  unchanged: integer('unchanged').notNull(),
  rejected: integer('rejected').notNull(),
  report: jsonb('report').notNull(),
  at: tz('at').notNull().defaultNow(),
});
