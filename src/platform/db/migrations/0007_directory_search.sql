-- Directory search at scale (see docs/performance.md). Typo and compound matching used to compare the
-- query with every offer's search_words by trigram similarity: a full scan costing ~0.5 s at 20,000
-- offers. Now the query's words are compared with a small dictionary of the words offers use, the
-- look-alikes join the full-text query, and matching runs on the GIN index of offers.search.

-- Words of titles, tags and category/life-situation labels (the text of search_words).
CREATE TABLE offer_words (word text PRIMARY KEY);
CREATE INDEX offer_words_trgm_idx ON offer_words USING gin (word gin_trgm_ops);

-- Collected per statement, so a bulk insert adds its words in one go. Words of deleted or changed
-- offers stay: they can only widen a query by a term that then matches nothing.
CREATE FUNCTION offer_words_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO offer_words (word)
  SELECT DISTINCT w FROM changed, regexp_split_to_table(changed.search_words, '[^[:alnum:]äöüß]+') w
  WHERE length(w) BETWEEN 3 AND 60
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER offer_words_insert AFTER INSERT ON offers REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION offer_words_collect();
CREATE TRIGGER offer_words_update AFTER UPDATE ON offers REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION offer_words_collect();

INSERT INTO offer_words (word)
SELECT DISTINCT w FROM offers, regexp_split_to_table(offers.search_words, '[^[:alnum:]äöüß]+') w
WHERE length(w) BETWEEN 3 AND 60
ON CONFLICT DO NOTHING;

-- The two full-text queries of a search text:
--   match: the text as typed (German stemming, web-search syntax) OR, word by word, that word or a
--          dictionary word like it: typos ("Persoalausweis") and compounds ("Ausweis" → "Personalausweis");
--   rank:  the text as typed OR its correction (each word, or the dictionary word closest to it), which
--          keeps ts_rank_cd cheap: its cost grows with the number of terms, and a word like "Beratung"
--          has a dozen compounds.
-- Call it once per query (a CTE or scalar subquery), never per row. The planner would scan the small
-- dictionary and compute word_similarity for every word (slow, above all in PGlite's WASM build); the
-- settings make it use the trigram index, which hands over only the few candidates.
CREATE FUNCTION offer_search_query(q text, OUT match tsquery, OUT rank tsquery)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off SET enable_indexscan = off SET enable_indexonlyscan = off
AS $$
DECLARE
  exact tsquery := websearch_to_tsquery('german', q);
  fuzzy tsquery;
  alternatives text;
  closest text;
  corrections text[] := '{}';
  corrected tsquery;
  similar_words text[];
  token text;
BEGIN
  FOR token IN
    -- In the order typed, each once; excluded words (-word) are no alternatives.
    SELECT t
    FROM regexp_split_to_table(lower(regexp_replace(q, '(^|\s)-\S+', ' ', 'g')), '[^[:alnum:]äöüß]+')
      WITH ORDINALITY AS words(t, n)
    WHERE length(t) BETWEEN 3 AND 60
    GROUP BY t ORDER BY min(n)
    LIMIT 8
  LOOP
    SELECT array_agg(s.word) INTO similar_words
    FROM (SELECT w.word FROM offer_words w WHERE token <% w.word
          ORDER BY word_similarity(token, w.word) DESC, w.word LIMIT 20) s;

    SELECT string_agg(DISTINCT lexeme, ' | ') INTO alternatives
    FROM unnest(token || coalesce(similar_words, '{}')) word,
      unnest(tsvector_to_array(to_tsvector('german', word))) lexeme;
    CONTINUE WHEN alternatives IS NULL; -- a stop word without look-alikes
    fuzzy := CASE WHEN fuzzy IS NULL THEN to_tsquery('simple', alternatives)
                  ELSE fuzzy && to_tsquery('simple', alternatives) END;

    -- The word itself when offers use it, else the look-alike closest to it as a whole.
    SELECT string_agg(lexeme, ' & ') INTO closest
    FROM (SELECT word FROM unnest(similar_words) word
          ORDER BY word = token DESC, similarity(token, word) DESC, word LIMIT 1) best,
      unnest(tsvector_to_array(to_tsvector('german', best.word))) lexeme;
    IF closest IS NOT NULL THEN
      corrections := corrections || ('(' || closest || ')');
    END IF;
  END LOOP;

  match := CASE WHEN fuzzy IS NULL THEN exact ELSE exact || fuzzy END;
  rank := exact;
  IF cardinality(corrections) > 0 THEN
    corrected := to_tsquery('simple', array_to_string(corrections, ' & '));
    IF corrected <> exact THEN
      rank := exact || corrected;
    END IF;
  END IF;
END
$$;
