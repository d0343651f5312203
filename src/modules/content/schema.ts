/** Drizzle definitions of the content module's tables (0003_content.sql, 0012_content_news.sql; tests keep them equal). */
import {
  bigint,
  boolean,
  customType,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true });

export const accessibilityFeedback = pgTable('accessibility_feedback', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  name: text('name'),
  email: text('email'),
  page: text('page'),
  message: text('message').notNull(),
  locale: text('locale').notNull(),
  status: text('status').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  answeredAt: tz('answered_at'),
});

// News, events, campaigns (see 0012_content_news.sql; schema.test.ts keeps them equal).
const geometry = customType<{ data: string }>({ dataType: () => 'geometry(Point, 4326)' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

export const contentImages = pgTable('content_images', {
  id: uuid('id').primaryKey().defaultRandom(),
  cityId: integer('city_id'),
  data: bytea('data').notNull(),
  mediaType: text('media_type').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const newsItems = pgTable('news_items', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  slug: text('slug').notNull(),
  status: text('status').notNull(),
  title: text('title').notNull(),
  teaser: text('teaser').notNull(),
  body: text('body').notNull(),
  easyLanguage: text('easy_language').notNull(),
  tags: text('tags').array().notNull(),
  imageId: uuid('image_id'),
  imageAlt: text('image_alt').notNull(),
  commentsEnabled: boolean('comments_enabled').notNull(),
  publishAt: tz('publish_at'),
  revision: integer('revision').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const newsComments = pgTable('news_comments', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  newsId: integer('news_id').notNull(),
  userId: uuid('user_id'),
  authorName: text('author_name').notNull(),
  body: text('body').notNull(),
  status: text('status').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const events = pgTable('events', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  status: text('status').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  startsAt: tz('starts_at').notNull(),
  endsAt: tz('ends_at').notNull(),
  allDay: boolean('all_day').notNull(),
  rrule: text('rrule'),
  lastEndsAt: tz('last_ends_at').notNull(),
  offerId: uuid('offer_id'),
  placeName: text('place_name').notNull(),
  address: text('address').notNull(),
  location: geometry('location'),
  organiser: text('organiser').notNull(),
  organiserUrl: text('organiser_url'),
  categories: text('categories').array().notNull(),
  priceCents: integer('price_cents'),
  priceNote: text('price_note').notNull(),
  accessibility: text('accessibility').array().notNull(),
  registration: text('registration').notNull(),
  capacity: integer('capacity'),
  waitlist: boolean('waitlist').notNull(),
  registrationUrl: text('registration_url'),
  imageId: uuid('image_id'),
  imageAlt: text('image_alt').notNull(),
  publishAt: tz('publish_at'),
  revision: integer('revision').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const eventRegistrations = pgTable('event_registrations', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  eventId: integer('event_id').notNull(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  seats: integer('seats').notNull(),
  status: text('status').notNull(),
  cancelTokenHash: text('cancel_token_hash').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  promotedAt: tz('promoted_at'),
  cancelledAt: tz('cancelled_at'),
});

export const campaigns = pgTable('campaigns', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  slug: text('slug').notNull(),
  status: text('status').notNull(),
  title: text('title').notNull(),
  theme: text('theme').notNull(),
  teaser: text('teaser').notNull(),
  body: text('body').notNull(),
  startsAt: tz('starts_at').notNull(),
  endsAt: tz('ends_at').notNull(),
  multiplierPercent: integer('multiplier_percent').notNull(),
  bonusActionIds: integer('bonus_action_ids').array().notNull(),
  eventIds: integer('event_ids').array().notNull(),
  steleMessages: text('stele_messages').array().notNull(),
  publishAt: tz('publish_at'),
  revision: integer('revision').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const contentPageTexts = pgTable('content_page_texts', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  page: text('page').notNull(),
  body: text('body').notNull(),
  revision: integer('revision').notNull(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const contentRevisions = pgTable('content_revisions', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  entityType: text('entity_type').notNull(),
  entityId: integer('entity_id').notNull(),
  revision: integer('revision').notNull(),
  data: jsonb('data').notNull(),
  actorId: uuid('actor_id'),
  at: tz('at').notNull().defaultNow(),
});
