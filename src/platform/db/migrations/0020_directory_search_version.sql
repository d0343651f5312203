-- The directory's in-process search index (src/modules/directory/search-index.ts) follows the offers
-- by a version number. Every statement that writes offers bumps it, before it touches any row, inside
-- its own transaction: writers of offers queue on this one row lock (always taken first, so they
-- cannot deadlock over it) and hold it until they commit. Versions are therefore handed out in commit
-- order, and a reader at version V gets everything newer from the rows stamped with a higher version
-- and the deletions logged with one.
CREATE TABLE offers_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL,
  -- An index older than this must be rebuilt in full (TRUNCATE leaves no trace per row).
  full_from bigint NOT NULL
);
INSERT INTO offers_version (singleton, version, full_from) VALUES (true, 1, 0);

ALTER TABLE offers ADD COLUMN index_version bigint NOT NULL DEFAULT 0;
CREATE INDEX offers_index_version_idx ON offers (index_version);

CREATE TABLE offers_deleted (
  id uuid NOT NULL,
  version bigint NOT NULL
);
CREATE INDEX offers_deleted_version_idx ON offers_deleted (version);

CREATE FUNCTION offers_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE offers_version SET version = version + 1,
    full_from = CASE WHEN TG_OP = 'TRUNCATE' THEN version + 1 ELSE full_from END;
  RETURN NULL;
END
$$;
CREATE TRIGGER offers_version_bump BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON offers
  FOR EACH STATEMENT EXECUTE FUNCTION offers_version_bump();
-- City slugs name the city facet.
CREATE TRIGGER offers_version_bump BEFORE UPDATE OR DELETE ON cities
  FOR EACH STATEMENT EXECUTE FUNCTION offers_version_bump();

CREATE FUNCTION offers_index_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.index_version := (SELECT version FROM offers_version);
  RETURN NEW;
END
$$;
CREATE TRIGGER offers_index_version BEFORE INSERT OR UPDATE ON offers
  FOR EACH ROW EXECUTE FUNCTION offers_index_version();

CREATE FUNCTION offers_deleted_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO offers_deleted (id, version) SELECT gone.id, v.version FROM gone, offers_version v;
  RETURN NULL;
END
$$;
CREATE TRIGGER offers_deleted_log AFTER DELETE ON offers REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION offers_deleted_log();

-- Matching now runs in the process; nothing reads this index any more, and every write paid for it.
DROP INDEX offers_search_idx;
