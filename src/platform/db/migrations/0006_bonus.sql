-- Bonus system (Stadttaler): scheme, accounts, append-only double-entry ledger, actions, check-in
-- places, partners, offers and vouchers.

-- One scheme per region.
CREATE TABLE bonus_schemes (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  region_id integer NOT NULL DEFAULT 1 UNIQUE REFERENCES region(id),
  name text NOT NULL,
  points_per_euro integer NOT NULL CHECK (points_per_euro > 0),
  -- Points earned in year Y expire at the end of year Y + expiry_years.
  expiry_years integer NOT NULL CHECK (expiry_years >= 0),
  voucher_minutes integer NOT NULL CHECK (voucher_minutes BETWEEN 1 AND 1440)
);

CREATE TABLE bonus_partners (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,80}$'),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  address text NOT NULL DEFAULT '',
  category text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'suspended')),
  approved_by uuid REFERENCES users(id) ON DELETE SET NULL,
  approved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, slug)
);

-- The people who act for a partner (scan and redeem vouchers).
CREATE TABLE bonus_partner_members (
  partner_id integer NOT NULL REFERENCES bonus_partners(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (partner_id, user_id)
);
CREATE INDEX bonus_partner_members_user_idx ON bonus_partner_members (user_id);

-- wallet: one per citizen; partner: one per partner; funding: one per city (pays for points issued
-- there, so it runs negative); expiry: sink for expired points; hold: points of open vouchers.
-- balance is a cache of the sum of the account's entries, kept for wallets by a trigger.
CREATE TABLE bonus_accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('wallet', 'partner', 'funding', 'expiry', 'hold')),
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  partner_id integer REFERENCES bonus_partners(id),
  city_id integer REFERENCES cities(id),
  balance bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Last line of defence: a wallet never goes below zero, whatever code path writes.
  CONSTRAINT bonus_accounts_wallet_nonnegative CHECK (kind <> 'wallet' OR balance >= 0),
  CHECK (kind <> 'partner' OR partner_id IS NOT NULL),
  CHECK (kind <> 'funding' OR city_id IS NOT NULL)
);
CREATE UNIQUE INDEX bonus_accounts_wallet_idx ON bonus_accounts (user_id) WHERE kind = 'wallet';
CREATE UNIQUE INDEX bonus_accounts_partner_idx ON bonus_accounts (partner_id) WHERE kind = 'partner';
CREATE UNIQUE INDEX bonus_accounts_funding_idx ON bonus_accounts (city_id) WHERE kind = 'funding';
CREATE UNIQUE INDEX bonus_accounts_system_idx ON bonus_accounts (kind) WHERE kind IN ('expiry', 'hold');

CREATE TABLE ledger_transactions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('earn', 'redeem', 'expire', 'reverse', 'adjust', 'hold', 'release')),
  reference text NOT NULL DEFAULT '',
  -- City whose funding account issued the points (earn, adjust); for clearing.
  city_id integer REFERENCES cities(id),
  reverses_id bigint UNIQUE REFERENCES ledger_transactions(id),
  reason text,
  -- No foreign key: ON DELETE SET NULL would be an UPDATE, which the ledger refuses.
  actor uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transactions_created_idx ON ledger_transactions (created_at);

CREATE TABLE ledger_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id bigint NOT NULL REFERENCES ledger_transactions(id),
  account_id bigint NOT NULL REFERENCES bonus_accounts(id),
  amount bigint NOT NULL CHECK (amount <> 0)
);
CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, transaction_id);

-- Append-only: corrections are reversals, never updates or deletes.
CREATE FUNCTION bonus_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION bonus_ledger_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION bonus_ledger_append_only();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION bonus_ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION bonus_ledger_append_only();

-- Every transaction balances (sum 0, at least two entries), checked at commit.
CREATE FUNCTION bonus_ledger_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tid bigint;
  total bigint;
  n integer;
BEGIN
  IF TG_TABLE_NAME = 'ledger_transactions' THEN
    tid := NEW.id;
  ELSE
    tid := NEW.transaction_id;
  END IF;
  SELECT coalesce(sum(amount), 0), count(*) INTO total, n FROM ledger_entries WHERE transaction_id = tid;
  IF total <> 0 OR n < 2 THEN
    RAISE EXCEPTION 'ledger transaction % is not balanced (sum %, % entries)', tid, total, n
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bonus_ledger_balanced();
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bonus_ledger_balanced();

-- Wallet balances follow their entries in the same transaction; the CHECK above refuses overdrafts.
CREATE FUNCTION bonus_wallet_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE bonus_accounts SET balance = balance + NEW.amount WHERE id = NEW.account_id AND kind = 'wallet';
  RETURN NULL;
END;
$$;
CREATE TRIGGER ledger_entries_wallet_balance AFTER INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION bonus_wallet_balance();

-- Catalogue of actions that earn points; city_id NULL: the whole region.
CREATE TABLE bonus_actions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer REFERENCES cities(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,80}$'),
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  easy_language text NOT NULL DEFAULT '',
  points integer NOT NULL CHECK (points > 0 AND points <= 100000),
  co2_grams integer NOT NULL DEFAULT 0 CHECK (co2_grams >= 0),
  verification text NOT NULL CHECK (verification IN ('checkin', 'partner', 'participation')),
  limit_per_day integer CHECK (limit_per_day > 0),
  limit_per_week integer CHECK (limit_per_week > 0),
  limit_per_month integer CHECK (limit_per_month > 0),
  -- All people together, per check-in place and day.
  limit_per_place_day integer CHECK (limit_per_place_day > 0),
  active_from timestamptz,
  active_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX bonus_actions_slug_idx ON bonus_actions (coalesce(city_id, 0), slug);

-- Places with a QR code: static printed codes or rotating codes on a stele.
CREATE TABLE bonus_places (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_id integer NOT NULL REFERENCES cities(id),
  action_id integer NOT NULL REFERENCES bonus_actions(id),
  name text NOT NULL,
  address text NOT NULL DEFAULT '',
  code_kind text NOT NULL CHECK (code_kind IN ('static', 'rotating')),
  -- Raising the version invalidates printed codes of older versions.
  code_version integer NOT NULL DEFAULT 1 CHECK (code_version > 0),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every award of points for an action: the basis of per-person and per-place limits.
CREATE TABLE bonus_awards (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  action_id integer NOT NULL REFERENCES bonus_actions(id),
  city_id integer NOT NULL REFERENCES cities(id),
  place_id integer REFERENCES bonus_places(id),
  transaction_id bigint NOT NULL UNIQUE REFERENCES ledger_transactions(id),
  points integer NOT NULL,
  co2_grams integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bonus_awards_user_idx ON bonus_awards (user_id, action_id, created_at);
CREATE INDEX bonus_awards_place_idx ON bonus_awards (place_id, created_at);

-- Prämien: euro credit or a named item for a points price.
CREATE TABLE bonus_offers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner_id integer NOT NULL REFERENCES bonus_partners(id),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  kind text NOT NULL CHECK (kind IN ('credit', 'item')),
  credit_cents integer CHECK (credit_cents > 0),
  points_price integer NOT NULL CHECK (points_price > 0),
  quota_total integer CHECK (quota_total > 0),
  quota_per_person integer CHECK (quota_per_person > 0),
  valid_from timestamptz,
  valid_until timestamptz,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'withdrawn')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'credit' OR credit_cents IS NOT NULL)
);
CREATE INDEX bonus_offers_partner_idx ON bonus_offers (partner_id);

CREATE TABLE bonus_vouchers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code text NOT NULL UNIQUE,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  offer_id integer NOT NULL REFERENCES bonus_offers(id),
  partner_id integer NOT NULL REFERENCES bonus_partners(id),
  points integer NOT NULL CHECK (points > 0),
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'redeemed', 'released')),
  issued_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  redeemed_at timestamptz,
  redeemed_by uuid REFERENCES users(id) ON DELETE SET NULL,
  released_at timestamptz,
  hold_transaction_id bigint NOT NULL REFERENCES ledger_transactions(id),
  settle_transaction_id bigint REFERENCES ledger_transactions(id)
);
CREATE INDEX bonus_vouchers_user_idx ON bonus_vouchers (user_id, issued_at DESC);
CREATE INDEX bonus_vouchers_offer_idx ON bonus_vouchers (offer_id, status);
CREATE INDEX bonus_vouchers_open_idx ON bonus_vouchers (expires_at) WHERE status = 'issued';
