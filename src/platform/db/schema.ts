/**
 * Drizzle table definitions of the platform core. The SQL migrations are the source of truth for the
 * database; these definitions give typed queries and are kept equal to the migrations by schema.test.ts.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  customType,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const multiPolygon = customType<{ data: string }>({ dataType: () => 'geometry(MultiPolygon,4326)' });
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const tz = (name: string) => timestamp(name, { withTimezone: true });

export const region = pgTable('region', {
  id: integer('id').primaryKey(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  contact: jsonb('contact').notNull(),
});

export const cities = pgTable('cities', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  shortName: text('short_name').notNull(),
  ags: char('ags', { length: 8 }).notNull(),
  boundary: multiPolygon('boundary').notNull(),
  contact: jsonb('contact').notNull(),
  theme: jsonb('theme').notNull(),
  sort: integer('sort').notNull(),
  geonamesId: integer('geonames_id'),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash'),
  emailConfirmedAt: tz('email_confirmed_at'),
  locale: text('locale').notNull(),
  oidcIssuer: text('oidc_issuer'),
  oidcSubject: text('oidc_subject'),
  disabledAt: tz('disabled_at'),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const roleAssignments = pgTable('role_assignments', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  userId: uuid('user_id').notNull(),
  cityId: integer('city_id'),
  role: text('role').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  lastSeenAt: tz('last_seen_at').notNull().defaultNow(),
  expiresAt: tz('expires_at').notNull(),
});

export const authTokens = pgTable('auth_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull(),
  purpose: text('purpose').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  expiresAt: tz('expires_at').notNull(),
  usedAt: tz('used_at'),
});

export const loginFailures = pgTable('login_failures', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  accountKey: text('account_key').notNull(),
  clientKey: text('client_key').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const mailOutbox = pgTable('mail_outbox', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  purpose: text('purpose').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  sentAt: tz('sent_at'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
});

export const auditLog = pgTable('audit_log', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: tz('at').notNull().defaultNow(),
  actorId: uuid('actor_id'),
  cityId: integer('city_id'),
  action: text('action').notNull(),
  entityType: text('entity_type').notNull(),
  entityId: text('entity_id'),
  details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
});

export const jobs = pgTable('jobs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  queue: text('queue').notNull(),
  payload: jsonb('payload').notNull(),
  dedupeKey: text('dedupe_key'),
  runAt: tz('run_at').notNull().defaultNow(),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(5),
  lockedUntil: tz('locked_until'),
  doneAt: tz('done_at'),
  failedAt: tz('failed_at'),
  lastError: text('last_error'),
  createdAt: tz('created_at').notNull().defaultNow(),
});
