-- Digital signage: steles (displays in public space) with playlists, emergency messages per city,
-- and the settings of the self-service terminals (kiosks).

CREATE TABLE signage_steles (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  name text NOT NULL CHECK (length(name) BETWEEN 3 AND 120),
  -- Where it stands, in words ("Marktplatz, vor dem Rathaus") and as a point (nearby offers).
  place text NOT NULL DEFAULT '' CHECK (length(place) <= 200),
  location geometry(Point, 4326),
  orientation text NOT NULL CHECK (orientation IN ('portrait', 'landscape')),
  width integer NOT NULL CHECK (width BETWEEN 320 AND 7680),
  height integer NOT NULL CHECK (height BETWEEN 240 AND 7680),
  -- The device key is an HMAC of the server secret, the id and this version: never stored, so a
  -- leaked database does not open the device URLs; a new version revokes the old URL.
  key_version integer NOT NULL DEFAULT 1 CHECK (key_version > 0),
  -- Rotating check-in code of the bonus system shown by this stele (a bonus place with code_kind rotating).
  bonus_place_id integer REFERENCES bonus_places(id) ON DELETE SET NULL,
  active boolean NOT NULL DEFAULT true,
  -- Heartbeat: when the device last reported, and which slide it showed then (admin preview).
  last_seen_at timestamptz,
  last_slide_id integer,
  last_emergency_id integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signage_steles_city_idx ON signage_steles (city_id);

CREATE TABLE signage_slides (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stele_id integer NOT NULL REFERENCES signage_steles(id) ON DELETE CASCADE,
  position integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('sensors', 'events', 'news', 'campaigns', 'checkin', 'offers', 'message')),
  title text NOT NULL DEFAULT '' CHECK (length(title) <= 120),
  -- Text of a 'message' slide.
  body text NOT NULL DEFAULT '' CHECK (length(body) <= 600),
  -- "Scan to open on your phone": a path on this platform or an https URL; empty → the kind's default.
  link text NOT NULL DEFAULT '' CHECK (length(link) <= 500),
  duration_seconds integer NOT NULL CHECK (duration_seconds BETWEEN 5 AND 300),
  -- Weekdays as bits, Monday = 1 … Sunday = 64; 127 = every day.
  weekdays integer NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 1 AND 127),
  -- Time window of the day in Europe/Berlin; both null = all day.
  time_from time,
  time_to time,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((time_from IS NULL) = (time_to IS NULL)),
  CHECK (time_from IS NULL OR time_from < time_to)
);
CREATE INDEX signage_slides_stele_idx ON signage_slides (stele_id, position);

-- An emergency message overrides every stele of its city until it ends or is cleared.
CREATE TABLE signage_emergencies (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  title text NOT NULL CHECK (length(title) BETWEEN 3 AND 120),
  body text NOT NULL CHECK (length(body) <= 600),
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  ends_at timestamptz,
  cleared_at timestamptz,
  cleared_by uuid REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX signage_emergencies_open_idx ON signage_emergencies (city_id, created_at DESC) WHERE cleared_at IS NULL;

CREATE TABLE signage_kiosk_settings (
  city_id integer PRIMARY KEY REFERENCES cities(id),
  -- Seconds without a touch before the terminal warns, then clears everything and shows the start.
  idle_seconds integer NOT NULL DEFAULT 90 CHECK (idle_seconds BETWEEN 15 AND 1800),
  updated_at timestamptz NOT NULL DEFAULT now()
);
