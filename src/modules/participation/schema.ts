/**
 * Drizzle table definitions of Beteiligung. The SQL migration 0011_participation.sql is the source of
 * truth; schema.test.ts in this folder keeps both equal.
 */
import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const point = customType<{ data: string }>({ dataType: () => 'geometry(Point,4326)' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const tz = (name: string) => timestamp(name, { withTimezone: true });
const big = (name: string) => bigint(name, { mode: 'number' });

export const measures = pgTable('participation_measures', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  cityIds: integer('city_ids').array().notNull(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  fieldOfAction: text('field_of_action').notNull(),
  periodStart: date('period_start').notNull(),
  periodEnd: date('period_end').notNull(),
  status: text('status').notNull(),
  progress: integer('progress').notNull(),
  summary: text('summary').notNull(),
  description: text('description').notNull(),
  responsibleOffice: text('responsible_office').notNull(),
  links: jsonb('links').notNull(),
  likes: integer('likes').notNull(),
  importants: integer('importants').notNull(),
  commentCount: integer('comment_count').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const milestones = pgTable('participation_milestones', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  measureId: integer('measure_id').notNull(),
  title: text('title').notNull(),
  dueOn: date('due_on').notNull(),
  doneOn: date('done_on'),
});

export const measureUpdates = pgTable('participation_measure_updates', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  measureId: integer('measure_id').notNull(),
  at: tz('at').notNull().defaultNow(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  authorId: uuid('author_id'),
});

export const reactions = pgTable('participation_reactions', {
  targetKind: text('target_kind').notNull(),
  targetId: big('target_id').notNull(),
  userId: uuid('user_id').notNull(),
  kind: text('kind').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const follows = pgTable('participation_follows', {
  userId: uuid('user_id').notNull(),
  targetKind: text('target_kind').notNull(),
  targetId: big('target_id').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const comments = pgTable('participation_comments', {
  id: big('id').primaryKey().generatedAlwaysAsIdentity(),
  targetKind: text('target_kind').notNull(),
  targetId: big('target_id').notNull(),
  cityId: integer('city_id').notNull(),
  parentId: big('parent_id'),
  depth: integer('depth').notNull(),
  authorId: uuid('author_id'),
  body: text('body').notNull(),
  status: text('status').notNull(),
  hiddenReason: text('hidden_reason'),
  official: boolean('official').notNull(),
  ups: integer('ups').notNull(),
  downs: integer('downs').notNull(),
  flagCount: integer('flag_count').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  editedAt: tz('edited_at'),
});

export const commentVotes = pgTable('participation_comment_votes', {
  commentId: big('comment_id').notNull(),
  userId: uuid('user_id').notNull(),
  value: smallint('value').notNull(),
});

export const commentFlags = pgTable('participation_comment_flags', {
  commentId: big('comment_id').notNull(),
  userId: uuid('user_id').notNull(),
  reason: text('reason').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const processes = pgTable('participation_processes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  categories: text('categories').array().notNull(),
  premoderation: boolean('premoderation').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const phases = pgTable('participation_phases', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  processId: integer('process_id').notNull(),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  startsAt: tz('starts_at').notNull(),
  endsAt: tz('ends_at').notNull(),
});

export const ideas = pgTable('participation_ideas', {
  id: big('id').primaryKey().generatedAlwaysAsIdentity(),
  processId: integer('process_id').notNull(),
  authorId: uuid('author_id'),
  title: text('title').notNull(),
  body: text('body').notNull(),
  category: text('category').notNull(),
  location: point('location'),
  image: bytea('image'),
  visible: boolean('visible').notNull(),
  status: text('status').notNull(),
  answer: text('answer'),
  measureId: integer('measure_id'),
  supports: integer('supports').notNull(),
  commentCount: integer('comment_count').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const surveys = pgTable('participation_surveys', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  mode: text('mode').notNull(),
  liveResults: boolean('live_results').notNull(),
  opensAt: tz('opens_at').notNull(),
  closesAt: tz('closes_at').notNull(),
});

export const surveyQuestions = pgTable('participation_survey_questions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  surveyId: integer('survey_id').notNull(),
  position: integer('position').notNull(),
  kind: text('kind').notNull(),
  prompt: text('prompt').notNull(),
  options: text('options').array().notNull(),
  required: boolean('required').notNull(),
});

export const surveyResponses = pgTable('participation_survey_responses', {
  id: big('id').primaryKey().generatedAlwaysAsIdentity(),
  surveyId: integer('survey_id').notNull(),
  answers: jsonb('answers').notNull(),
  submittedOn: date('submitted_on').notNull(),
});

export const surveyParticipants = pgTable('participation_survey_participants', {
  surveyId: integer('survey_id').notNull(),
  userId: uuid('user_id').notNull(),
});

export const surveyTokens = pgTable('participation_survey_tokens', {
  surveyId: integer('survey_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  used: boolean('used').notNull(),
});

export const questionSessions = pgTable('participation_question_sessions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  heldAt: tz('held_at').notNull(),
  state: text('state').notNull(),
});

export const questions = pgTable('participation_questions', {
  id: big('id').primaryKey().generatedAlwaysAsIdentity(),
  sessionId: integer('session_id').notNull(),
  authorId: uuid('author_id'),
  body: text('body').notNull(),
  status: text('status').notNull(),
  answer: text('answer'),
  supports: integer('supports').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  answeredAt: tz('answered_at'),
});

export const notificationSettings = pgTable('participation_notification_settings', {
  userId: uuid('user_id').primaryKey(),
  mode: text('mode').notNull(),
  unsubscribeToken: text('unsubscribe_token').notNull(),
});

export const notifications = pgTable('participation_notifications', {
  id: big('id').primaryKey().generatedAlwaysAsIdentity(),
  userId: uuid('user_id').notNull(),
  scope: text('scope').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  sentAt: tz('sent_at'),
});

export const mailLog = pgTable('participation_mail_log', {
  userId: uuid('user_id').notNull(),
  scope: text('scope').notNull(),
  sentAt: tz('sent_at').notNull(),
});
