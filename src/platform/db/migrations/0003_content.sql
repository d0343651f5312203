-- Content: feedback sent through the accessibility statement (§12b BGG: "Feedback-Mechanismus").
CREATE TABLE accessibility_feedback (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- NULL: sent from the region's pages.
  city_id integer REFERENCES cities(id) ON DELETE SET NULL,
  -- Name and e-mail are optional: a barrier can be reported anonymously.
  name text CHECK (char_length(name) <= 200),
  email text CHECK (char_length(email) <= 254),
  page text CHECK (char_length(page) <= 500),
  message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 5000),
  locale text NOT NULL DEFAULT 'de' CHECK (locale IN ('de', 'en')),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'answered')),
  created_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz
);
CREATE INDEX accessibility_feedback_city_idx ON accessibility_feedback (city_id, created_at DESC);
