/**
 * Drizzle table definitions of the urban data platform. The SQL migrations 0010_sensors.sql,
 * 0019_sensors_daily.sql and 0023_sensors_multi_datastreams.sql are the source of truth; schema.test.ts
 * in this folder keeps both equal.
 */
import {
  bigint,
  boolean,
  customType,
  date,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const geometry = customType<{ data: string }>({ dataType: () => 'geometry(Geometry,4326)' });
const tz = (name: string) => timestamp(name, { withTimezone: true });
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });

export const staThings = pgTable('sta_things', {
  id: id(),
  cityId: integer('city_id').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  properties: jsonb('properties'),
  createdAt: tz('created_at').notNull().defaultNow(),
});

export const staLocations = pgTable('sta_locations', {
  id: id(),
  cityId: integer('city_id').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  encodingType: text('encoding_type').notNull(),
  location: jsonb('location').notNull(),
  geom: geometry('geom'),
  properties: jsonb('properties'),
});

export const staThingLocations = pgTable(
  'sta_thing_locations',
  { thingId: ref('thing_id').notNull(), locationId: ref('location_id').notNull() },
  (t) => [primaryKey({ columns: [t.thingId, t.locationId] })],
);

export const staHistoricalLocations = pgTable('sta_historical_locations', {
  id: id(),
  thingId: ref('thing_id').notNull(),
  time: tz('time').notNull().defaultNow(),
});

export const staHistoricalLocationLocations = pgTable(
  'sta_historical_location_locations',
  { historicalLocationId: ref('historical_location_id').notNull(), locationId: ref('location_id').notNull() },
  (t) => [primaryKey({ columns: [t.historicalLocationId, t.locationId] })],
);

export const staSensors = pgTable('sta_sensors', {
  id: id(),
  cityId: integer('city_id').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  encodingType: text('encoding_type').notNull(),
  metadata: text('metadata').notNull(),
  properties: jsonb('properties'),
});

export const staObservedProperties = pgTable('sta_observed_properties', {
  id: id(),
  name: text('name').notNull(),
  definition: text('definition').notNull(),
  description: text('description').notNull(),
  properties: jsonb('properties'),
});

/** The columns Datastreams and MultiDatastreams share (fresh builders per table). */
const streamColumns = () => ({
  id: id(),
  cityId: integer('city_id').notNull(),
  thingId: ref('thing_id').notNull(),
  sensorId: ref('sensor_id').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  observationType: text('observation_type').notNull(),
  observedArea: geometry('observed_area'),
  phenomenonTimeStart: tz('phenomenon_time_start'),
  phenomenonTimeEnd: tz('phenomenon_time_end'),
  resultTimeStart: tz('result_time_start'),
  resultTimeEnd: tz('result_time_end'),
  properties: jsonb('properties'),
});

export const staDatastreams = pgTable('sta_datastreams', {
  ...streamColumns(),
  observedPropertyId: ref('observed_property_id').notNull(),
  unitOfMeasurement: jsonb('unit_of_measurement').notNull(),
  kind: text('kind').notNull(),
  thresholdValue: doublePrecision('threshold_value'),
  thresholdDirection: text('threshold_direction').notNull(),
  thresholdMessage: text('threshold_message'),
  simulated: boolean('simulated').notNull(),
});

export const staMultiDatastreams = pgTable('sta_multi_datastreams', {
  ...streamColumns(),
  multiObservationDataTypes: jsonb('multi_observation_data_types').notNull(),
  unitOfMeasurements: jsonb('unit_of_measurements').notNull(),
});

export const staMultiDatastreamObservedProperties = pgTable(
  'sta_multi_datastream_observed_properties',
  {
    multiDatastreamId: ref('multi_datastream_id').notNull(),
    observedPropertyId: ref('observed_property_id').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.multiDatastreamId, t.position] })],
);

export const staFeaturesOfInterest = pgTable('sta_features_of_interest', {
  id: id(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  encodingType: text('encoding_type').notNull(),
  feature: jsonb('feature').notNull(),
  geom: geometry('geom'),
  properties: jsonb('properties'),
  locationId: ref('location_id'),
});

export const staObservations = pgTable('sta_observations', {
  id: id(),
  /** Exactly one of datastreamId and multiDatastreamId is set. */
  datastreamId: ref('datastream_id'),
  multiDatastreamId: ref('multi_datastream_id'),
  phenomenonTime: tz('phenomenon_time').notNull(),
  phenomenonTimeEnd: tz('phenomenon_time_end'),
  resultTime: tz('result_time'),
  resultNumber: doublePrecision('result_number'),
  resultJson: jsonb('result_json'),
  resultQuality: jsonb('result_quality'),
  validTimeStart: tz('valid_time_start'),
  validTimeEnd: tz('valid_time_end'),
  parameters: jsonb('parameters'),
  featureOfInterestId: ref('feature_of_interest_id'),
});

export const staHourly = pgTable(
  'sta_hourly',
  {
    datastreamId: ref('datastream_id').notNull(),
    hour: tz('hour').notNull(),
    n: integer('n').notNull(),
    sum: doublePrecision('sum').notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
  },
  (t) => [primaryKey({ columns: [t.datastreamId, t.hour] })],
);

export const staDaily = pgTable(
  'sta_daily',
  {
    datastreamId: ref('datastream_id').notNull(),
    day: date('day').notNull(),
    n: integer('n').notNull(),
    sum: doublePrecision('sum').notNull(),
    min: doublePrecision('min').notNull(),
    max: doublePrecision('max').notNull(),
  },
  (t) => [primaryKey({ columns: [t.datastreamId, t.day] })],
);

export const staLatest = pgTable('sta_latest', {
  datastreamId: ref('datastream_id').primaryKey(),
  observationId: ref('observation_id').notNull(),
  phenomenonTime: tz('phenomenon_time').notNull(),
  resultNumber: doublePrecision('result_number'),
  resultJson: jsonb('result_json'),
});

export const staApiKeys = pgTable('sta_api_keys', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull(),
  createdBy: uuid('created_by'),
  createdAt: tz('created_at').notNull().defaultNow(),
  lastUsedAt: tz('last_used_at'),
  revokedAt: tz('revoked_at'),
});

export const staRejections = pgTable(
  'sta_rejections',
  {
    datastreamId: ref('datastream_id').notNull(),
    reason: text('reason').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
    lastAt: tz('last_at').notNull().defaultNow(),
    lastDetail: text('last_detail'),
  },
  (t) => [primaryKey({ columns: [t.datastreamId, t.reason] })],
);
