-- Mängelmelder: categories per city, reports with photos and history, Open311 API keys.

CREATE TABLE report_categories (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  code text NOT NULL CHECK (code ~ '^[a-z0-9-]{2,60}$'),
  name text NOT NULL,
  group_name text NOT NULL,
  description text NOT NULL DEFAULT '',
  keywords text NOT NULL DEFAULT '',
  department text NOT NULL,
  -- Service levels: days to acknowledge and days to fix.
  ack_days integer NOT NULL DEFAULT 2 CHECK (ack_days > 0),
  sla_days integer NOT NULL CHECK (sla_days > 0),
  sort integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  UNIQUE (city_id, code)
);

CREATE TABLE reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  category_id integer NOT NULL REFERENCES report_categories(id),
  status text NOT NULL DEFAULT 'eingegangen' CHECK (status IN
    ('eingegangen', 'bestaetigt', 'in_bearbeitung', 'erledigt', 'abgelehnt', 'duplikat', 'weitergeleitet')),
  description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 4000),
  address text CHECK (address IS NULL OR char_length(address) <= 300),
  -- NULL only for reports made without a map (address or description only).
  location geometry(Point, 4326),
  -- Personal data: never shown publicly, never in Open311 output.
  reporter_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  reporter_name text,
  reporter_email text,
  -- Hash of the token in the reporter's e-mail: confirms an anonymous report and allows reopening.
  reporter_token_hash text,
  -- Public Open311 token (tokens/{token}); not a secret.
  token text NOT NULL UNIQUE,
  published_at timestamptz,
  text_hidden boolean NOT NULL DEFAULT false,
  duplicate_of bigint REFERENCES reports(id),
  forwarded_to text,
  source text NOT NULL DEFAULT 'web' CHECK (source IN ('web', 'open311', 'seed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  closed_at timestamptz,
  CHECK (location IS NOT NULL OR address IS NOT NULL)
);
CREATE INDEX reports_city_created_idx ON reports (city_id, created_at DESC);
CREATE INDEX reports_city_status_idx ON reports (city_id, status);
CREATE INDEX reports_category_idx ON reports (category_id);
-- Duplicate search and radius queries run on geography (metres).
CREATE INDEX reports_location_geog_idx ON reports USING gist ((location::geography));
CREATE INDEX reports_location_idx ON reports USING gist (location);
CREATE INDEX reports_updated_idx ON reports (city_id, updated_at DESC);

CREATE TABLE report_photos (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  report_id bigint NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  -- Re-encoded WebP without any metadata (see platform/files/images.ts).
  data bytea NOT NULL,
  media_type text NOT NULL DEFAULT 'image/webp',
  width integer NOT NULL,
  height integer NOT NULL,
  hidden boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_photos_report_idx ON report_photos (report_id);

CREATE TABLE report_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  report_id bigint NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('created', 'confirmed', 'status', 'note', 'reopened', 'photo_hidden', 'text_hidden')),
  from_status text,
  to_status text,
  public_note text,
  internal_note text
);
CREATE INDEX report_history_report_idx ON report_history (report_id, at);

-- Open311 API keys: only a hash is stored; city_id NULL = any city of the region.
CREATE TABLE open311_api_keys (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key_hash text NOT NULL UNIQUE,
  name text NOT NULL,
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
