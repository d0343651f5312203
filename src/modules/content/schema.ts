/** Drizzle definition of the content module's table (see 0003_content.sql; content.test.ts keeps them equal). */
import { bigint, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
