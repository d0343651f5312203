-- Multipliers registered by another module through the bonus service (e.g. a content campaign):
-- `source` names the owner ('content.campaign:12'), so saving that campaign again replaces exactly its
-- own rows. NULL: created in the bonus admin.
ALTER TABLE bonus_multipliers ADD COLUMN source text;
CREATE INDEX bonus_multipliers_source_idx ON bonus_multipliers (source) WHERE source IS NOT NULL;

-- Campaigns published before this migration: register their multipliers once, as saving them would.
INSERT INTO bonus_multipliers (label, action_id, city_id, percent, starts_at, ends_at, source)
SELECT 'Aktion „' || k.title || '“', a.id, k.city_id, k.multiplier_percent, greatest(k.starts_at, k.publish_at),
  k.ends_at, 'content.campaign:' || k.id
FROM campaigns k
JOIN bonus_actions a ON a.id = ANY(k.bonus_action_ids) AND (a.city_id = k.city_id OR a.city_id IS NULL)
WHERE k.status = 'published' AND k.multiplier_percent <> 100 AND k.ends_at > greatest(k.starts_at, k.publish_at);
