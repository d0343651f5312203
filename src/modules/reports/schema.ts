/**
 * Drizzle table definitions of the Mängelmelder. The SQL migrations 0005_reports.sql and
 * 0009_reports_more.sql are the source of truth; schema.test.ts in this folder keeps both equal.
 */
import { bigint, boolean, customType, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const point = customType<{ data: string }>({ dataType: () => 'geometry(Point,4326)' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const tz = (name: string) => timestamp(name, { withTimezone: true });

export const reportCategories = pgTable('report_categories', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  groupName: text('group_name').notNull(),
  description: text('description').notNull(),
  keywords: text('keywords').notNull(),
  department: text('department').notNull(),
  ackDays: integer('ack_days').notNull(),
  slaDays: integer('sla_days').notNull(),
  sort: integer('sort').notNull(),
  active: boolean('active').notNull(),
});

export const reports = pgTable('reports', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  categoryId: integer('category_id').notNull(),
  status: text('status').notNull(),
  description: text('description').notNull(),
  address: text('address'),
  location: point('location'),
  reporterUserId: uuid('reporter_user_id'),
  reporterName: text('reporter_name'),
  reporterEmail: text('reporter_email'),
  reporterTokenHash: text('reporter_token_hash'),
  token: text('token').notNull(),
  publishedAt: tz('published_at'),
  textHidden: boolean('text_hidden').notNull(),
  duplicateOf: bigint('duplicate_of', { mode: 'number' }),
  forwardedTo: text('forwarded_to'),
  source: text('source').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
  acknowledgedAt: tz('acknowledged_at'),
  closedAt: tz('closed_at'),
  assignedTo: uuid('assigned_to'),
  supportCount: integer('support_count').notNull(),
});

export const reportPhotos = pgTable('report_photos', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  reportId: bigint('report_id', { mode: 'number' }).notNull(),
  data: bytea('data').notNull(),
  mediaType: text('media_type').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  hidden: boolean('hidden').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  redactedAt: tz('redacted_at'),
});

export const reportHistory = pgTable('report_history', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  reportId: bigint('report_id', { mode: 'number' }).notNull(),
  at: tz('at').notNull().defaultNow(),
  actorId: uuid('actor_id'),
  kind: text('kind').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status'),
  publicNote: text('public_note'),
  internalNote: text('internal_note'),
});

export const open311ApiKeys = pgTable('open311_api_keys', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  keyHash: text('key_hash').notNull(),
  name: text('name').notNull(),
  cityId: integer('city_id'),
  createdBy: uuid('created_by'),
  createdAt: tz('created_at').notNull().defaultNow(),
  revokedAt: tz('revoked_at'),
});

export const reportSupporters = pgTable('report_supporters', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  reportId: bigint('report_id', { mode: 'number' }).notNull(),
  userId: uuid('user_id'),
  email: text('email'),
  mergedFrom: bigint('merged_from', { mode: 'number' }),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const reportPlaces = pgTable('report_places', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  location: point('location').notNull(),
});
