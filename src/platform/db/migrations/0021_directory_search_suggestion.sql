-- "Meinten Sie …?": offer_search_query also returns, for each word of the search text that no offer
-- uses, the dictionary word closest to it as a whole ({"persoalausweis": "personalausweis"}; NULL
-- when there is none). The caller puts them into the text as typed. Matching and ranking stay as in
-- 0007. Texts with search syntax (quotes, -word, "or") get none: plain words would not say the same.
DROP FUNCTION offer_search_query(text);
CREATE FUNCTION offer_search_query(q text, OUT match tsquery, OUT rank tsquery, OUT suggestion jsonb)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off SET enable_indexscan = off SET enable_indexonlyscan = off
AS $$
DECLARE
  exact tsquery := websearch_to_tsquery('german', q);
  fuzzy tsquery;
  alternatives text;
  closest text;
  closest_word text;
  corrections text[] := '{}';
  corrected tsquery;
  similar_words text[];
  token text;
  replacements jsonb := '{}';
  plain boolean := q !~ '["]|(^|\s)-\S|\s(or|OR|Or)\s';
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
    SELECT best.word INTO closest_word
    FROM (SELECT word FROM unnest(similar_words) word
          ORDER BY word = token DESC, similarity(token, word) DESC, word LIMIT 1) best;
    SELECT string_agg(lexeme, ' & ') INTO closest
    FROM unnest(tsvector_to_array(to_tsvector('german', closest_word))) lexeme;
    IF closest IS NOT NULL THEN
      corrections := corrections || ('(' || closest || ')');
    END IF;

    -- Only for a word no offer uses (else it would be its own closest word), and only a look-alike of
    -- the whole word, not a compound that merely contains it.
    IF closest_word <> token AND length(token) >= 4 AND similarity(token, closest_word) >= 0.4 THEN
      replacements := replacements || jsonb_build_object(token, closest_word);
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
  suggestion := CASE WHEN plain AND replacements <> '{}' THEN replacements END;
END
$$;
