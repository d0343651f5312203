/**
 * Drizzle table definitions of digital signage. The SQL migration 0013_signage.sql is the source of
 * truth; schema.test.ts in this folder keeps both equal.
 */
import { boolean, customType, integer, pgTable, text, time, timestamp, uuid } from 'drizzle-orm/pg-core';

const point = customType<{ data: string }>({ dataType: () => 'geometry(Point,4326)' });
const tz = (name: string) => timestamp(name, { withTimezone: true });

export const signageSteles = pgTable('signage_steles', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  name: text('name').notNull(),
  place: text('place').notNull(),
  location: point('location'),
  orientation: text('orientation').notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  keyVersion: integer('key_version').notNull(),
  bonusPlaceId: integer('bonus_place_id'),
  active: boolean('active').notNull(),
  lastSeenAt: tz('last_seen_at'),
  lastSlideId: integer('last_slide_id'),
  lastEmergencyId: integer('last_emergency_id'),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const signageSlides = pgTable('signage_slides', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  steleId: integer('stele_id').notNull(),
  position: integer('position').notNull(),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  link: text('link').notNull(),
  durationSeconds: integer('duration_seconds').notNull(),
  weekdays: integer('weekdays').notNull(),
  timeFrom: time('time_from'),
  timeTo: time('time_to'),
  enabled: boolean('enabled').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const signageEmergencies = pgTable('signage_emergencies', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  createdBy: uuid('created_by'),
  createdAt: tz('created_at').notNull().defaultNow(),
  endsAt: tz('ends_at'),
  clearedAt: tz('cleared_at'),
  clearedBy: uuid('cleared_by'),
});

export const signageKioskSettings = pgTable('signage_kiosk_settings', {
  cityId: integer('city_id').primaryKey(),
  idleSeconds: integer('idle_seconds').notNull(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});
