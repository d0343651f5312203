-- Content: news, events with registration and waitlist, campaigns, editable page texts, revisions.
-- Publishing is decided at query time: status = 'published' AND publish_at <= now(). A scheduled item
-- needs no job to go live, and a clock that jumps never publishes something twice.

-- Images for news and events, re-encoded by platform/files (no metadata). Alt text lives with the use.
CREATE TABLE content_images (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  data bytea NOT NULL,
  media_type text NOT NULL DEFAULT 'image/webp',
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE news_items (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- NULL: news of the whole region.
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  teaser text NOT NULL CHECK (char_length(teaser) BETWEEN 1 AND 500),
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 50000),
  easy_language text NOT NULL DEFAULT '' CHECK (char_length(easy_language) <= 20000),
  tags text[] NOT NULL DEFAULT '{}',
  image_id uuid REFERENCES content_images(id) ON DELETE SET NULL,
  image_alt text NOT NULL DEFAULT '' CHECK (char_length(image_alt) <= 300),
  comments_enabled boolean NOT NULL DEFAULT false,
  publish_at timestamptz,
  revision integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- An image is never shown without a text alternative.
  CHECK (image_id IS NULL OR char_length(btrim(image_alt)) > 0),
  CHECK (status = 'draft' OR publish_at IS NOT NULL)
);
CREATE UNIQUE INDEX news_items_slug_idx ON news_items (coalesce(city_id, 0), slug);
CREATE INDEX news_items_published_idx ON news_items (city_id, publish_at DESC) WHERE status = 'published';
CREATE INDEX news_items_tags_idx ON news_items USING gin (tags);

-- Comments on news (only where comments_enabled); shown after a moderator approved them.
CREATE TABLE news_comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  news_id integer NOT NULL REFERENCES news_items(id) ON DELETE CASCADE,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  author_name text NOT NULL CHECK (char_length(author_name) BETWEEN 1 AND 100),
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX news_comments_news_idx ON news_comments (news_id, created_at);

CREATE TABLE events (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 50000),
  -- All-day events: starts_at is local midnight (Europe/Berlin), ends_at the exclusive local midnight after.
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  all_day boolean NOT NULL DEFAULT false,
  -- RFC 5545 RRULE (subset written by the service: FREQ, INTERVAL, BYDAY, COUNT or UNTIL).
  rrule text CHECK (rrule ~ '^FREQ=(DAILY|WEEKLY|MONTHLY)(;[A-Z]+=[A-Z0-9,+-]+)*$'),
  -- Last moment any occurrence ends (for "upcoming" queries); = ends_at without recurrence.
  last_ends_at timestamptz NOT NULL,
  offer_id uuid REFERENCES offers(id) ON DELETE SET NULL,
  place_name text NOT NULL DEFAULT '' CHECK (char_length(place_name) <= 200),
  address text NOT NULL DEFAULT '' CHECK (char_length(address) <= 300),
  location geometry(Point, 4326),
  organiser text NOT NULL DEFAULT '' CHECK (char_length(organiser) <= 200),
  organiser_url text CHECK (organiser_url ~ '^https?://'),
  categories text[] NOT NULL DEFAULT '{}',
  -- NULL: not stated; 0: free of charge.
  price_cents integer CHECK (price_cents >= 0),
  price_note text NOT NULL DEFAULT '' CHECK (char_length(price_note) <= 200),
  accessibility text[] NOT NULL DEFAULT '{}',
  registration text NOT NULL DEFAULT 'none' CHECK (registration IN ('none', 'internal', 'external')),
  capacity integer CHECK (capacity > 0 AND capacity <= 100000),
  waitlist boolean NOT NULL DEFAULT true,
  registration_url text CHECK (registration_url ~ '^https?://'),
  image_id uuid REFERENCES content_images(id) ON DELETE SET NULL,
  image_alt text NOT NULL DEFAULT '' CHECK (char_length(image_alt) <= 300),
  publish_at timestamptz,
  revision integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at >= starts_at),
  CHECK (last_ends_at >= ends_at),
  CHECK (image_id IS NULL OR char_length(btrim(image_alt)) > 0),
  CHECK (registration <> 'internal' OR (capacity IS NOT NULL AND rrule IS NULL)),
  CHECK (registration <> 'external' OR registration_url IS NOT NULL),
  CHECK (status = 'draft' OR publish_at IS NOT NULL)
);
CREATE INDEX events_upcoming_idx ON events (city_id, last_ends_at) WHERE status <> 'draft';
CREATE INDEX events_categories_idx ON events USING gin (categories);
CREATE INDEX events_location_idx ON events USING gist (location);

-- Registrations: seats are confirmed while capacity lasts, then waitlisted in arrival order. Only a
-- hash of the cancellation token is stored; the link goes out by e-mail.
CREATE TABLE event_registrations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  seats integer NOT NULL DEFAULT 1 CHECK (seats BETWEEN 1 AND 10),
  status text NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
  cancel_token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  promoted_at timestamptz,
  cancelled_at timestamptz
);
CREATE INDEX event_registrations_event_idx ON event_registrations (event_id, status, id);
-- One active registration per address and event.
CREATE UNIQUE INDEX event_registrations_email_idx ON event_registrations (event_id, lower(email))
  WHERE status <> 'cancelled';

CREATE TABLE campaigns (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  theme text NOT NULL DEFAULT '' CHECK (char_length(theme) <= 200),
  teaser text NOT NULL DEFAULT '' CHECK (char_length(teaser) <= 500),
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 50000),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  -- Bonus points of the linked actions are multiplied during the period (integer percent: 200 = ×2).
  multiplier_percent integer NOT NULL DEFAULT 100 CHECK (multiplier_percent BETWEEN 100 AND 1000),
  bonus_action_ids integer[] NOT NULL DEFAULT '{}',
  event_ids integer[] NOT NULL DEFAULT '{}',
  -- Short texts for the steles, shown in turn during the period.
  stele_messages text[] NOT NULL DEFAULT '{}',
  publish_at timestamptz,
  revision integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK (status = 'draft' OR publish_at IS NOT NULL)
);
CREATE UNIQUE INDEX campaigns_slug_idx ON campaigns (city_id, slug);
CREATE INDEX campaigns_period_idx ON campaigns (city_id, starts_at, ends_at) WHERE status = 'published';

-- Texts that admins add to the legal and overview pages (per city, NULL = region).
CREATE TABLE content_page_texts (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  page text NOT NULL CHECK (page IN ('impressum', 'datenschutz', 'barrierefreiheit', 'leichte-sprache', 'gebaerdensprache')),
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 50000),
  revision integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX content_page_texts_idx ON content_page_texts (coalesce(city_id, 0), page);

-- Every saved version of news, events, campaigns and page texts, for the editors' history.
CREATE TABLE content_revisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity_type text NOT NULL CHECK (entity_type IN ('news', 'event', 'campaign', 'page')),
  entity_id integer NOT NULL,
  revision integer NOT NULL,
  data jsonb NOT NULL,
  actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
  at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (entity_type, entity_id, revision)
);
