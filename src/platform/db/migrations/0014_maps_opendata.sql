-- Citizen map and open data catalog: admin-uploaded and contribution layers, citizen contributions
-- with moderation and support, external datasets in the DCAT-AP.de catalog, map places of the bonus
-- system.

-- A map layer kept by the platform: uploaded GeoJSON (kind 'upload') or a layer that collects
-- citizen contributions around a question (kind 'contributions'). city_id NULL: the whole region.
CREATE TABLE map_layers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,60}$'),
  kind text NOT NULL CHECK (kind IN ('upload', 'contributions')),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 4000),
  -- Contribution layers: the question citizens answer, and whether new contributions are accepted.
  question text CHECK (question IS NULL OR char_length(question) <= 300),
  contributions_open boolean NOT NULL DEFAULT false,
  color text NOT NULL DEFAULT '#00537a' CHECK (color ~ '^#[0-9a-f]{6}$'),
  -- IRI of the licence in the catalog (dcat-ap.de licence vocabulary).
  license text NOT NULL DEFAULT 'http://dcat-ap.de/def/licenses/dl-by-de/2.0',
  published boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'contributions' OR question IS NOT NULL)
);
CREATE UNIQUE INDEX map_layers_slug_idx ON map_layers (coalesce(city_id, 0), slug);

-- Features of uploaded layers; properties as uploaded (name and url are shown, the rest listed).
CREATE TABLE map_features (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_id integer NOT NULL REFERENCES map_layers(id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  url text,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  geom geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX map_features_geom_idx ON map_features USING gist (geom);
CREATE INDEX map_features_layer_idx ON map_features (layer_id, id);

-- Uploaded layers pre-aggregated into cells of 64 px per zoom level (8–16): a layer with 100,000
-- features answers a city-wide view from a few hundred cells instead of reading every feature.
CREATE TABLE map_feature_cells (
  layer_id integer NOT NULL REFERENCES map_layers(id) ON DELETE CASCADE,
  zoom smallint NOT NULL CHECK (zoom BETWEEN 0 AND 22),
  gx integer NOT NULL,
  gy integer NOT NULL,
  n integer NOT NULL CHECK (n > 0),
  x double precision NOT NULL,
  y double precision NOT NULL,
  PRIMARY KEY (layer_id, zoom, gx, gy)
);

-- A citizen's point or line on a contribution layer; public once a moderator published it.
CREATE TABLE map_contributions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_id integer NOT NULL REFERENCES map_layers(id) ON DELETE CASCADE,
  -- Personal data: never shown publicly, never exported.
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  comment text NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 1000),
  geom geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'LINESTRING')),
  -- Re-encoded WebP without metadata (platform/files/images.ts).
  photo bytea,
  photo_type text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'rejected')),
  moderated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  moderated_at timestamptz,
  supporters integer NOT NULL DEFAULT 0 CHECK (supporters >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX map_contributions_geom_idx ON map_contributions USING gist (geom);
CREATE INDEX map_contributions_layer_idx ON map_contributions (layer_id, status, id);

-- One support per person and contribution.
CREATE TABLE map_contribution_supports (
  contribution_id bigint NOT NULL REFERENCES map_contributions(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (contribution_id, user_id)
);

-- Datasets kept elsewhere that the catalog lists (e.g. Bebauungspläne as PDF and GeoJSON).
CREATE TABLE opendata_external_datasets (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,80}$'),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 4000),
  -- EU data theme code (AGRI, ECON, EDUC, ENER, ENVI, GOVE, HEAL, INTR, JUST, REGI, SOCI, TECH, TRAN).
  theme text NOT NULL CHECK (theme ~ '^[A-Z]{4}$'),
  keywords text[] NOT NULL DEFAULT '{}',
  license text NOT NULL DEFAULT 'http://dcat-ap.de/def/licenses/dl-by-de/2.0',
  landing_page text,
  -- [{title, url, format (EU file type code), mediaType}]
  distributions jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Where bonus partners and check-in places are comes from 0008_bonus_clearing.sql.
