-- SensorThings MultiDatastream extension: a Thing's Sensor observing several ObservedProperties at once;
-- each Observation's result is an array with one value per ObservedProperty, in their order.
CREATE TABLE sta_multi_datastreams (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Copied from the Thing, as for Datastreams: permission checks without a join.
  city_id integer NOT NULL REFERENCES cities(id),
  thing_id bigint NOT NULL REFERENCES sta_things(id) ON DELETE CASCADE,
  sensor_id bigint NOT NULL REFERENCES sta_sensors(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 300),
  description text NOT NULL DEFAULT '',
  observation_type text NOT NULL,
  -- One entry per ObservedProperty, in the same order.
  multi_observation_data_types jsonb NOT NULL CHECK (jsonb_typeof(multi_observation_data_types) = 'array'),
  unit_of_measurements jsonb NOT NULL CHECK (jsonb_typeof(unit_of_measurements) = 'array'),
  observed_area geometry(Geometry, 4326),
  phenomenon_time_start timestamptz,
  phenomenon_time_end timestamptz,
  result_time_start timestamptz,
  result_time_end timestamptz,
  properties jsonb
);
CREATE INDEX sta_multi_datastreams_city_idx ON sta_multi_datastreams (city_id);
CREATE INDEX sta_multi_datastreams_thing_idx ON sta_multi_datastreams (thing_id);
CREATE INDEX sta_multi_datastreams_sensor_idx ON sta_multi_datastreams (sensor_id);

-- The ordered ObservedProperties of a MultiDatastream (position 0, 1, …).
CREATE TABLE sta_multi_datastream_observed_properties (
  multi_datastream_id bigint NOT NULL REFERENCES sta_multi_datastreams(id) ON DELETE CASCADE,
  observed_property_id bigint NOT NULL REFERENCES sta_observed_properties(id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 0),
  PRIMARY KEY (multi_datastream_id, position),
  UNIQUE (multi_datastream_id, observed_property_id)
);
CREATE INDEX sta_mdop_op_idx ON sta_multi_datastream_observed_properties (observed_property_id);

-- An Observation belongs to exactly one Datastream or MultiDatastream. Results of MultiDatastreams are
-- arrays (result_json); the rollups and sta_latest stay Datastream-only.
ALTER TABLE sta_observations ALTER COLUMN datastream_id DROP NOT NULL;
ALTER TABLE sta_observations ADD COLUMN multi_datastream_id bigint
  REFERENCES sta_multi_datastreams(id) ON DELETE CASCADE;
ALTER TABLE sta_observations ADD CONSTRAINT sta_observations_one_stream
  CHECK ((datastream_id IS NULL) <> (multi_datastream_id IS NULL));
-- Partial: Datastream rows (the bulk) are not in it.
CREATE INDEX sta_observations_mds_time_idx ON sta_observations (multi_datastream_id, phenomenon_time DESC)
  WHERE multi_datastream_id IS NOT NULL;
