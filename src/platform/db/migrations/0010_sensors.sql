-- Urban data platform: OGC SensorThings API 1.1 entities, observations, API keys, rejections.
-- Things, Locations, Sensors and Datastreams belong to a city (write permission); ObservedProperties
-- and FeaturesOfInterest are shared vocabulary of the region.

CREATE TABLE sta_things (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  properties jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sta_things_city_idx ON sta_things (city_id);

CREATE TABLE sta_locations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  encoding_type text NOT NULL DEFAULT 'application/geo+json',
  -- The GeoJSON as given; geom is the same shape for spatial filters.
  location jsonb NOT NULL,
  geom geometry(Geometry, 4326),
  properties jsonb
);
CREATE INDEX sta_locations_geom_idx ON sta_locations USING gist (geom);

CREATE TABLE sta_thing_locations (
  thing_id bigint NOT NULL REFERENCES sta_things(id) ON DELETE CASCADE,
  location_id bigint NOT NULL REFERENCES sta_locations(id) ON DELETE CASCADE,
  PRIMARY KEY (thing_id, location_id)
);
CREATE INDEX sta_thing_locations_location_idx ON sta_thing_locations (location_id);

CREATE TABLE sta_historical_locations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  thing_id bigint NOT NULL REFERENCES sta_things(id) ON DELETE CASCADE,
  time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sta_historical_locations_thing_idx ON sta_historical_locations (thing_id, time DESC);

CREATE TABLE sta_historical_location_locations (
  historical_location_id bigint NOT NULL REFERENCES sta_historical_locations(id) ON DELETE CASCADE,
  location_id bigint NOT NULL REFERENCES sta_locations(id) ON DELETE CASCADE,
  PRIMARY KEY (historical_location_id, location_id)
);
CREATE INDEX sta_hll_location_idx ON sta_historical_location_locations (location_id);

CREATE TABLE sta_sensors (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  encoding_type text NOT NULL DEFAULT 'text/html',
  metadata text NOT NULL DEFAULT '',
  properties jsonb
);

CREATE TABLE sta_observed_properties (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  definition text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  properties jsonb
);

CREATE TABLE sta_datastreams (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Copied from the Thing: permission checks and city dashboards without a join.
  city_id integer NOT NULL REFERENCES cities(id),
  thing_id bigint NOT NULL REFERENCES sta_things(id) ON DELETE CASCADE,
  sensor_id bigint NOT NULL REFERENCES sta_sensors(id) ON DELETE CASCADE,
  observed_property_id bigint NOT NULL REFERENCES sta_observed_properties(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  observation_type text NOT NULL,
  unit_of_measurement jsonb NOT NULL,
  observed_area geometry(Geometry, 4326),
  -- Maintained once per ingest batch, never per row (FROST #1576).
  phenomenon_time_start timestamptz,
  phenomenon_time_end timestamptz,
  result_time_start timestamptz,
  result_time_end timestamptz,
  properties jsonb,
  -- Dashboard vocabulary: what the values mean (air_quality, temperature, noise, parking, …).
  kind text NOT NULL DEFAULT 'other',
  -- A notice on dashboards and steles when the latest value crosses the threshold.
  threshold_value double precision,
  threshold_direction text NOT NULL DEFAULT 'above' CHECK (threshold_direction IN ('above', 'below')),
  threshold_message text,
  simulated boolean NOT NULL DEFAULT false
);
CREATE INDEX sta_datastreams_city_idx ON sta_datastreams (city_id);
CREATE INDEX sta_datastreams_thing_idx ON sta_datastreams (thing_id);
CREATE INDEX sta_datastreams_sensor_idx ON sta_datastreams (sensor_id);
CREATE INDEX sta_datastreams_op_idx ON sta_datastreams (observed_property_id);

CREATE TABLE sta_features_of_interest (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  encoding_type text NOT NULL DEFAULT 'application/geo+json',
  feature jsonb NOT NULL,
  geom geometry(Geometry, 4326),
  properties jsonb,
  -- Set when generated from a Location: the next observation of that Thing reuses it.
  location_id bigint REFERENCES sta_locations(id) ON DELETE SET NULL
);
CREATE INDEX sta_foi_geom_idx ON sta_features_of_interest USING gist (geom);
CREATE INDEX sta_foi_location_idx ON sta_features_of_interest (location_id);

-- Observations grow without bound. No other table references them and every index leads with
-- (datastream_id, phenomenon_time), so the table can become a monthly partitioned one on PostgreSQL
-- without changing queries. Numeric results live in result_number (compact, aggregatable); any other
-- JSON result in result_json.
CREATE TABLE sta_observations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  datastream_id bigint NOT NULL REFERENCES sta_datastreams(id) ON DELETE CASCADE,
  phenomenon_time timestamptz NOT NULL,
  phenomenon_time_end timestamptz,
  result_time timestamptz,
  result_number double precision,
  result_json jsonb,
  result_quality jsonb,
  valid_time_start timestamptz,
  valid_time_end timestamptz,
  parameters jsonb,
  feature_of_interest_id bigint REFERENCES sta_features_of_interest(id) ON DELETE CASCADE
);
-- INCLUDE result_number: aggregates over a time range are index-only scans.
CREATE INDEX sta_observations_ds_time_idx ON sta_observations (datastream_id, phenomenon_time DESC) INCLUDE (result_number);
CREATE INDEX sta_observations_time_brin ON sta_observations USING brin (phenomenon_time);
CREATE INDEX sta_observations_foi_idx ON sta_observations (feature_of_interest_id);

-- Hourly rollup of numeric results (count, sum, min, max), upserted once per ingest batch: hourly and
-- daily aggregates over a year read at most 8,760 rows per datastream instead of 52,560 or more.
CREATE TABLE sta_hourly (
  datastream_id bigint NOT NULL REFERENCES sta_datastreams(id) ON DELETE CASCADE,
  hour timestamptz NOT NULL,
  n integer NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  PRIMARY KEY (datastream_id, hour)
);

-- The latest observation per datastream, upserted once per batch: dashboards and steles read this.
CREATE TABLE sta_latest (
  datastream_id bigint PRIMARY KEY REFERENCES sta_datastreams(id) ON DELETE CASCADE,
  observation_id bigint NOT NULL,
  phenomenon_time timestamptz NOT NULL,
  result_number double precision,
  result_json jsonb
);

CREATE TABLE sta_api_keys (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- NULL: a region-wide key.
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  key_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Refused values, counted per datastream and reason (an unknown datastream keeps the id it was sent to).
CREATE TABLE sta_rejections (
  datastream_id bigint NOT NULL,
  reason text NOT NULL CHECK (reason IN ('type', 'unknown_datastream', 'future', 'invalid', 'forbidden')),
  count bigint NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL DEFAULT now(),
  last_detail text,
  PRIMARY KEY (datastream_id, reason)
);

-- $filter compares JSON property values with times: a text that is no time gives NULL, not an error.
CREATE FUNCTION sta_try_time(value text) RETURNS timestamptz
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN value::timestamptz;
EXCEPTION WHEN others THEN
  RETURN NULL;
END;
$$;
