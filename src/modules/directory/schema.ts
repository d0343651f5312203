/** Drizzle definitions of the directory's tables (see 0002_directory.sql; schema.test.ts keeps them equal). */
import {
  bigint,
  boolean,
  date,
  geometry,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
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
  /** offers_version at the row's last write (0020_directory_search_version.sql). */
  indexVersion: bigint('index_version', { mode: 'bigint' }).notNull().default(0n),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
  publishedAt: tz('published_at'),
});

/** Words of offer titles, tags and labels, for typo and compound matching (0007_directory_search.sql). */
export const offerWords = pgTable('offer_words', {
  word: text('word').primaryKey(),
});

/** Bumped by every write to offers; the in-process search index follows it (search-index.ts). */
export const offersVersion = pgTable('offers_version', {
  singleton: boolean('singleton').primaryKey().default(true),
  version: bigint('version', { mode: 'bigint' }).notNull(),
  fullFrom: bigint('full_from', { mode: 'bigint' }).notNull(),
});

/** Deleted offers with the version of their deletion, for the search index's patches. */
export const offersDeleted = pgTable('offers_deleted', {
  id: uuid('id').notNull(),
  version: bigint('version', { mode: 'bigint' }).notNull(),
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
