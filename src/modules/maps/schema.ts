/**
 * Drizzle table definitions of the map and the open data catalog. The SQL migration
 * 0014_maps_opendata.sql is the source of truth; schema.test.ts keeps both equal.
 */
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const geometry = customType<{ data: string }>({ dataType: () => 'geometry(Geometry,4326)' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const tz = (name: string) => timestamp(name, { withTimezone: true });
const id64 = (name: string) => bigint(name, { mode: 'number' });

export const mapLayers = pgTable('map_layers', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  slug: text('slug').notNull(),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  question: text('question'),
  contributionsOpen: boolean('contributions_open').notNull(),
  color: text('color').notNull(),
  license: text('license').notNull(),
  published: boolean('published').notNull(),
  createdBy: uuid('created_by'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const mapFeatures = pgTable('map_features', {
  id: id64('id').primaryKey().generatedAlwaysAsIdentity(),
  layerId: integer('layer_id').notNull(),
  name: text('name').notNull(),
  url: text('url'),
  properties: jsonb('properties').notNull(),
  geom: geometry('geom').notNull(),
});

export const mapFeatureCells = pgTable(
  'map_feature_cells',
  {
    layerId: integer('layer_id').notNull(),
    zoom: smallint('zoom').notNull(),
    gx: integer('gx').notNull(),
    gy: integer('gy').notNull(),
    n: integer('n').notNull(),
    x: doublePrecision('x').notNull(),
    y: doublePrecision('y').notNull(),
  },
  (t) => [primaryKey({ columns: [t.layerId, t.zoom, t.gx, t.gy] })],
);

export const mapContributions = pgTable('map_contributions', {
  id: id64('id').primaryKey().generatedAlwaysAsIdentity(),
  layerId: integer('layer_id').notNull(),
  userId: uuid('user_id'),
  comment: text('comment').notNull(),
  geom: geometry('geom').notNull(),
  photo: bytea('photo'),
  photoType: text('photo_type'),
  status: text('status').notNull(),
  moderatedBy: uuid('moderated_by'),
  moderatedAt: tz('moderated_at'),
  supporters: integer('supporters').notNull(),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});

export const mapContributionSupports = pgTable(
  'map_contribution_supports',
  {
    contributionId: id64('contribution_id').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: tz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.contributionId, t.userId] })],
);

export const opendataExternalDatasets = pgTable('opendata_external_datasets', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  theme: text('theme').notNull(),
  keywords: text('keywords').array().notNull(),
  license: text('license').notNull(),
  landingPage: text('landing_page'),
  distributions: jsonb('distributions').notNull(),
  createdBy: uuid('created_by'),
  createdAt: tz('created_at').notNull(),
  updatedAt: tz('updated_at').notNull(),
});
