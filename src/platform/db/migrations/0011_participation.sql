-- Beteiligung: measures with status, reactions, follows, generic comments with moderation,
-- idea processes with phases and supports, surveys, questions to the mayor, notification settings.

CREATE TABLE participation_measures (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The city that maintains the measure; city_ids lists every city involved (for filters).
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  city_ids integer[] NOT NULL,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,80}$'),
  title text NOT NULL CHECK (char_length(title) BETWEEN 3 AND 200),
  field_of_action text NOT NULL CHECK (char_length(field_of_action) BETWEEN 2 AND 80),
  period_start date NOT NULL,
  period_end date NOT NULL CHECK (period_end >= period_start),
  status text NOT NULL DEFAULT 'geplant' CHECK (status IN ('geplant', 'in_umsetzung', 'umgesetzt', 'pausiert')),
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  summary text NOT NULL DEFAULT '' CHECK (char_length(summary) <= 400),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 20000),
  responsible_office text NOT NULL DEFAULT '',
  -- Links to offers, datasets or pages: [{ "label": …, "href": … }].
  links jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Denormalised counters, maintained in the same transaction as the reaction.
  likes integer NOT NULL DEFAULT 0,
  importants integer NOT NULL DEFAULT 0,
  comment_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participation_measures_cities_idx ON participation_measures USING gin (city_ids);

CREATE TABLE participation_milestones (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  measure_id integer NOT NULL REFERENCES participation_measures(id) ON DELETE CASCADE,
  title text NOT NULL CHECK (char_length(title) BETWEEN 2 AND 200),
  due_on date NOT NULL,
  done_on date
);
CREATE INDEX participation_milestones_measure_idx ON participation_milestones (measure_id, due_on);

CREATE TABLE participation_measure_updates (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  measure_id integer NOT NULL REFERENCES participation_measures(id) ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  title text NOT NULL CHECK (char_length(title) BETWEEN 2 AND 200),
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 5000),
  author_id uuid REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX participation_measure_updates_idx ON participation_measure_updates (measure_id, at DESC);

-- One row per person, target and kind: the primary key makes "once per person" hold under
-- parallel requests (INSERT … ON CONFLICT DO NOTHING).
CREATE TABLE participation_reactions (
  target_kind text NOT NULL CHECK (target_kind IN ('measure', 'idea', 'question')),
  target_id bigint NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('like', 'important', 'support')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (target_kind, target_id, kind, user_id)
);
CREATE INDEX participation_reactions_user_idx ON participation_reactions (user_id);

CREATE TABLE participation_follows (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  target_kind text NOT NULL CHECK (target_kind IN ('measure', 'idea', 'process', 'question_session')),
  target_id bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (target_kind, target_id, user_id)
);
CREATE INDEX participation_follows_user_idx ON participation_follows (user_id);

-- Comments on anything (measures, ideas, reports, news): target_kind + target_id.
CREATE TABLE participation_comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  target_kind text NOT NULL CHECK (target_kind ~ '^[a-z_]{2,30}$'),
  target_id bigint NOT NULL,
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  parent_id bigint REFERENCES participation_comments(id) ON DELETE CASCADE,
  depth integer NOT NULL DEFAULT 0 CHECK (depth BETWEEN 0 AND 2),
  author_id uuid REFERENCES users(id) ON DELETE SET NULL,
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
  -- pending: waits for pre-moderation; hidden: removed by a moderator with a public reason;
  -- deleted: removed by its author (replies stay, the text goes).
  status text NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'pending', 'hidden', 'deleted')),
  hidden_reason text,
  official boolean NOT NULL DEFAULT false,
  ups integer NOT NULL DEFAULT 0,
  downs integer NOT NULL DEFAULT 0,
  flag_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz
);
CREATE INDEX participation_comments_target_idx ON participation_comments (target_kind, target_id, id);
CREATE INDEX participation_comments_author_idx ON participation_comments (author_id, created_at DESC);
CREATE INDEX participation_comments_queue_idx ON participation_comments (city_id, id)
  WHERE status = 'pending' OR flag_count > 0;

CREATE TABLE participation_comment_votes (
  comment_id bigint NOT NULL REFERENCES participation_comments(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  value smallint NOT NULL CHECK (value IN (-1, 1)),
  PRIMARY KEY (comment_id, user_id)
);

CREATE TABLE participation_comment_flags (
  comment_id bigint NOT NULL REFERENCES participation_comments(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  reason text NOT NULL DEFAULT '' CHECK (char_length(reason) <= 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (comment_id, user_id)
);

CREATE TABLE participation_processes (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{2,80}$'),
  title text NOT NULL CHECK (char_length(title) BETWEEN 3 AND 200),
  description text NOT NULL DEFAULT '',
  categories text[] NOT NULL DEFAULT '{}',
  -- Pre-moderation: new comments and ideas wait for a moderator before they are public.
  premoderation boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, slug)
);

-- Phases follow each other by date; the phase "now" decides which actions are allowed.
CREATE TABLE participation_phases (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  process_id integer NOT NULL REFERENCES participation_processes(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('collect', 'discuss', 'rate', 'result')),
  title text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at)
);
CREATE INDEX participation_phases_process_idx ON participation_phases (process_id, starts_at);

CREATE TABLE participation_ideas (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  process_id integer NOT NULL REFERENCES participation_processes(id) ON DELETE CASCADE,
  author_id uuid REFERENCES users(id) ON DELETE SET NULL,
  title text NOT NULL CHECK (char_length(title) BETWEEN 5 AND 150),
  body text NOT NULL CHECK (char_length(body) BETWEEN 10 AND 5000),
  category text NOT NULL DEFAULT '',
  location geometry(Point, 4326),
  image bytea,
  visible boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'eingereicht'
    CHECK (status IN ('eingereicht', 'in_pruefung', 'angenommen', 'abgelehnt')),
  answer text,
  measure_id integer REFERENCES participation_measures(id) ON DELETE SET NULL,
  supports integer NOT NULL DEFAULT 0,
  comment_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participation_ideas_new_idx ON participation_ideas (process_id, id DESC) WHERE visible;
CREATE INDEX participation_ideas_support_idx ON participation_ideas (process_id, supports DESC, id DESC) WHERE visible;

CREATE TABLE participation_surveys (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{2,80}$'),
  title text NOT NULL CHECK (char_length(title) BETWEEN 3 AND 200),
  description text NOT NULL DEFAULT '',
  -- account: one response per account; token: anonymous with a one-time token.
  mode text NOT NULL DEFAULT 'account' CHECK (mode IN ('account', 'token')),
  live_results boolean NOT NULL DEFAULT false,
  opens_at timestamptz NOT NULL,
  closes_at timestamptz NOT NULL CHECK (closes_at > opens_at),
  UNIQUE (city_id, slug)
);

CREATE TABLE participation_survey_questions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  survey_id integer NOT NULL REFERENCES participation_surveys(id) ON DELETE CASCADE,
  position integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('single', 'multiple', 'text', 'scale', 'ranking')),
  prompt text NOT NULL,
  options text[] NOT NULL DEFAULT '{}',
  required boolean NOT NULL DEFAULT false,
  UNIQUE (survey_id, position)
);

-- A response holds no account and no time of day: anonymity by construction. Who answered an
-- account survey is recorded separately (participation_survey_participants) without a link.
CREATE TABLE participation_survey_responses (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  survey_id integer NOT NULL REFERENCES participation_surveys(id) ON DELETE CASCADE,
  answers jsonb NOT NULL,
  submitted_on date NOT NULL DEFAULT current_date
);
CREATE INDEX participation_survey_responses_idx ON participation_survey_responses (survey_id);

CREATE TABLE participation_survey_participants (
  survey_id integer NOT NULL REFERENCES participation_surveys(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (survey_id, user_id)
);

-- One-time tokens for anonymous surveys: only the hash is stored; a flag, not a time, marks it
-- spent, so the order of use cannot be matched against the order of responses.
CREATE TABLE participation_survey_tokens (
  survey_id integer NOT NULL REFERENCES participation_surveys(id) ON DELETE CASCADE,
  token_hash text NOT NULL,
  used boolean NOT NULL DEFAULT false,
  PRIMARY KEY (survey_id, token_hash)
);

CREATE TABLE participation_question_sessions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{2,80}$'),
  title text NOT NULL,
  held_at timestamptz NOT NULL,
  -- open: questions accepted; live: the session is running; closed: archive.
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'live', 'closed')),
  UNIQUE (city_id, slug)
);

CREATE TABLE participation_questions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id integer NOT NULL REFERENCES participation_question_sessions(id) ON DELETE CASCADE,
  author_id uuid REFERENCES users(id) ON DELETE SET NULL,
  body text NOT NULL CHECK (char_length(body) BETWEEN 10 AND 1000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'answered')),
  answer text,
  supports integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz
);
CREATE INDEX participation_questions_session_idx ON participation_questions (session_id, supports DESC, id);

-- How a person wants to hear about what they follow; unsubscribe_token links from every mail.
CREATE TABLE participation_notification_settings (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  mode text NOT NULL DEFAULT 'instant' CHECK (mode IN ('instant', 'digest', 'off')),
  unsubscribe_token text NOT NULL UNIQUE
);

-- Events waiting for delivery; the sender groups them per person (at most one mail per person per
-- hour and process; digest people once a day).
CREATE TABLE participation_notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX participation_notifications_pending_idx ON participation_notifications (user_id, id) WHERE sent_at IS NULL;

-- When the last mail went out per person and scope (process, measure …): the hourly limit.
CREATE TABLE participation_mail_log (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope text NOT NULL,
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, scope)
);
