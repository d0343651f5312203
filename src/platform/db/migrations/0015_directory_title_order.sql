-- Browsing without a search text lists offers by title: this index lets the page query walk titles in
-- order and stop after one page instead of sorting every published offer.
CREATE INDEX offers_published_title_idx ON offers (title, id) WHERE status = 'published';
