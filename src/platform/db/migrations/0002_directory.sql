-- Directory: offers and digital services of the cities and the region.
CREATE TABLE offers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
  kind text NOT NULL CHECK (kind IN ('online_service', 'facility', 'counselling', 'digital_offer', 'contact_point')),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  title text NOT NULL,
  summary text NOT NULL,
  body text NOT NULL DEFAULT '',
  easy_language text NOT NULL DEFAULT '',
  categories text[] NOT NULL DEFAULT '{}',
  life_situations text[] NOT NULL DEFAULT '{}',
  target_groups text[] NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  provider text NOT NULL DEFAULT '',
  contact jsonb NOT NULL DEFAULT '{}'::jsonb,
  address jsonb,
  location geometry(Point, 4326),
  opening_hours text,
  accessibility jsonb NOT NULL DEFAULT '{}'::jsonb,
  online_service_url text,
  leika_key text CHECK (leika_key ~ '^[0-9]{14}$'),
  last_reviewed date,
  -- Labels of categories and life situations, written by the service so they are searchable.
  keywords text NOT NULL DEFAULT '',
  search tsvector NOT NULL DEFAULT ''::tsvector,
  search_words text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE UNIQUE INDEX offers_city_slug_idx ON offers (coalesce(city_id, 0), slug);
CREATE INDEX offers_search_idx ON offers USING gin (search);
CREATE INDEX offers_words_trgm_idx ON offers USING gin (search_words gin_trgm_ops);
CREATE INDEX offers_life_idx ON offers USING gin (life_situations);
CREATE INDEX offers_categories_idx ON offers USING gin (categories);
CREATE INDEX offers_location_idx ON offers USING gist (location);
CREATE INDEX offers_published_idx ON offers (city_id, title) WHERE status = 'published';

-- Array-to-text is not immutable, so the search columns come from a trigger, not generated columns.
CREATE FUNCTION offers_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search :=
    setweight(to_tsvector('german', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('german', array_to_string(NEW.tags, ' ')), 'A') ||
    setweight(to_tsvector('german', coalesce(NEW.summary, '') || ' ' || coalesce(NEW.keywords, '')), 'B') ||
    setweight(to_tsvector('german', coalesce(NEW.provider, '')), 'C') ||
    setweight(to_tsvector('german', coalesce(NEW.body, '')), 'D');
  NEW.search_words := lower(coalesce(NEW.title, '') || ' ' || array_to_string(NEW.tags, ' ') || ' ' || coalesce(NEW.keywords, ''));
  RETURN NEW;
END
$$;
CREATE TRIGGER offers_search_trigger BEFORE INSERT OR UPDATE ON offers
  FOR EACH ROW EXECUTE FUNCTION offers_search_refresh();

-- Import runs: what came in, what was rejected and why.
CREATE TABLE offer_imports (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
  format text NOT NULL,
  created integer NOT NULL,
  updated integer NOT NULL,
  unchanged integer NOT NULL,
  rejected integer NOT NULL,
  report jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
