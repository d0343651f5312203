-- Mängelmelder, second step: assignment to a staff member, supporters ("me too") and merged
-- duplicates, photo redaction, a small gazetteer for the address search, and the indexes the Open311
-- benchmark showed were needed (docs/performance.md).

ALTER TABLE reports ADD COLUMN assigned_to uuid REFERENCES users(id) ON DELETE SET NULL;
-- Kept in step with report_supporters by the service (shown publicly, so no join per list row).
ALTER TABLE reports ADD COLUMN support_count integer NOT NULL DEFAULT 0 CHECK (support_count >= 0);
CREATE INDEX reports_assigned_idx ON reports (assigned_to) WHERE assigned_to IS NOT NULL;

ALTER TABLE report_history DROP CONSTRAINT report_history_kind_check;
ALTER TABLE report_history ADD CONSTRAINT report_history_kind_check CHECK (kind IN
  ('created', 'confirmed', 'status', 'note', 'reopened', 'photo_hidden', 'text_hidden', 'assigned', 'merged',
   'supported', 'photo_redacted'));

-- People who said "me too", and reporters of duplicates merged into this report. Personal data:
-- never public; they get the status e-mails of the report they follow.
CREATE TABLE report_supporters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  report_id bigint NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  email text,
  merged_from bigint REFERENCES reports(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX report_supporters_user_idx ON report_supporters (report_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX report_supporters_merged_idx ON report_supporters (report_id, merged_from) WHERE merged_from IS NOT NULL;
CREATE INDEX report_supporters_report_idx ON report_supporters (report_id);

-- Set when staff blurred part of a photo; the original pixels are overwritten, not kept.
ALTER TABLE report_photos ADD COLUMN redacted_at timestamptz;

-- Gazetteer for the address search: streets and places of the cities (demo: approximate positions).
CREATE TABLE report_places (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 2 AND 200),
  kind text NOT NULL CHECK (kind IN ('street', 'place')),
  location geometry(Point, 4326) NOT NULL,
  UNIQUE (city_id, name)
);
CREATE INDEX report_places_name_trgm_idx ON report_places USING gin (lower(name) gin_trgm_ops);

-- Open311 and the public list read public reports of a city, newest first: one partial index serves
-- the page (no sort step) and the count (index-only).
CREATE INDEX reports_public_city_created_idx ON reports (city_id, created_at DESC, id DESC)
  WHERE published_at IS NOT NULL;
-- Last public note and first visible photo per report: one index probe each instead of a scan.
CREATE INDEX report_history_public_note_idx ON report_history (report_id, at DESC, id DESC)
  WHERE public_note IS NOT NULL;
CREATE INDEX report_photos_visible_idx ON report_photos (report_id, id) WHERE NOT hidden;
