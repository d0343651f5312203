-- The log of deleted offers (0020) only serves search indexes that are behind; without a bound it
-- grows with every deletion for ever. Once it holds more than 2,000 entries, the oldest are dropped,
-- keeping at least the newest 1,000 (cut at a version, so a statement's deletions go or stay
-- together), and full_from moves up to the cut: an index older than that loads afresh instead of
-- missing deletions it can no longer see. Patching stops at 500 changes anyway.
CREATE OR REPLACE FUNCTION offers_deleted_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cut bigint;
BEGIN
  INSERT INTO offers_deleted (id, version) SELECT gone.id, v.version FROM gone, offers_version v;
  IF (SELECT count(*) FROM offers_deleted) > 2000 THEN
    SELECT version INTO cut FROM offers_deleted ORDER BY version DESC OFFSET 1000 LIMIT 1;
    DELETE FROM offers_deleted WHERE version <= cut;
    UPDATE offers_version SET full_from = greatest(full_from, cut);
  END IF;
  RETURN NULL;
END
$$;
