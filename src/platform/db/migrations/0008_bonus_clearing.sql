-- Bonus system, part 2: monthly settlement per partner and clearing between cities (closed periods
-- are immutable, enforced here), personal member codes, campaign multipliers, and locations of
-- partners and check-in places (public map, anomaly checks).

ALTER TABLE bonus_partners ADD COLUMN location geometry(Point, 4326);
ALTER TABLE bonus_places ADD COLUMN location geometry(Point, 4326);

-- A citizen's personal code: a partner types or scans it to confirm an action for that person.
-- Deleting the account deletes the code; a new code replaces the old one.
CREATE TABLE bonus_member_codes (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{8}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Campaigns: for a time, an action (or every action in a city, or both) pays percent/100 times
-- its points. Overlapping campaigns do not stack: the highest percent applies.
CREATE TABLE bonus_multipliers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  label text NOT NULL,
  action_id integer REFERENCES bonus_actions(id),
  city_id integer REFERENCES cities(id),
  percent integer NOT NULL CHECK (percent BETWEEN 10 AND 1000),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK (action_id IS NOT NULL OR city_id IS NOT NULL)
);
CREATE INDEX bonus_multipliers_time_idx ON bonus_multipliers (ends_at, starts_at);

-- One accounting period per calendar month (Europe/Berlin). Closing it stores the settlement per
-- partner and the clearing matrix between cities; from then on nothing of it changes.
CREATE TABLE bonus_periods (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  month date NOT NULL UNIQUE CHECK (extract(day FROM month) = 1),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  points_per_euro integer NOT NULL CHECK (points_per_euro > 0),
  closed_at timestamptz,
  -- No foreign key: ON DELETE SET NULL would be an UPDATE of a closed period, which is refused.
  closed_by uuid,
  CHECK (ends_at > starts_at),
  CHECK (status = 'open' OR closed_at IS NOT NULL)
);
CREATE INDEX bonus_periods_closed_idx ON bonus_periods (starts_at, ends_at) WHERE status = 'closed';

CREATE TABLE bonus_settlements (
  period_id integer NOT NULL REFERENCES bonus_periods(id),
  partner_id integer NOT NULL REFERENCES bonus_partners(id),
  city_id integer NOT NULL REFERENCES cities(id),
  redemptions integer NOT NULL CHECK (redemptions >= 0),
  points bigint NOT NULL,
  cents bigint NOT NULL,
  PRIMARY KEY (period_id, partner_id)
);

-- points issued by issuing_city and redeemed at partners in redeeming_city during the period.
CREATE TABLE bonus_clearing (
  period_id integer NOT NULL REFERENCES bonus_periods(id),
  issuing_city_id integer NOT NULL REFERENCES cities(id),
  redeeming_city_id integer NOT NULL REFERENCES cities(id),
  points bigint NOT NULL,
  cents bigint NOT NULL,
  PRIMARY KEY (period_id, issuing_city_id, redeeming_city_id)
);

-- A closed period is final: no update, no delete, no reopening.
CREATE FUNCTION bonus_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'bonus period % is closed: % is not allowed', OLD.month, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER bonus_periods_guard BEFORE UPDATE OR DELETE ON bonus_periods
  FOR EACH ROW EXECUTE FUNCTION bonus_period_guard();

-- Figures of a closed period cannot be added, changed or removed.
CREATE FUNCTION bonus_period_lines_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pid integer;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'bonus period figures cannot be truncated' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    pid := OLD.period_id;
  ELSE
    pid := NEW.period_id;
  END IF;
  IF EXISTS (SELECT 1 FROM bonus_periods WHERE id = pid AND status = 'closed')
     OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM bonus_periods WHERE id = OLD.period_id AND status = 'closed')) THEN
    RAISE EXCEPTION 'bonus period % is closed: % on % is not allowed', pid, TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER bonus_settlements_guard BEFORE INSERT OR UPDATE OR DELETE ON bonus_settlements
  FOR EACH ROW EXECUTE FUNCTION bonus_period_lines_guard();
CREATE TRIGGER bonus_clearing_guard BEFORE INSERT OR UPDATE OR DELETE ON bonus_clearing
  FOR EACH ROW EXECUTE FUNCTION bonus_period_lines_guard();
CREATE TRIGGER bonus_settlements_no_truncate BEFORE TRUNCATE ON bonus_settlements
  FOR EACH STATEMENT EXECUTE FUNCTION bonus_period_lines_guard();
CREATE TRIGGER bonus_clearing_no_truncate BEFORE TRUNCATE ON bonus_clearing
  FOR EACH STATEMENT EXECUTE FUNCTION bonus_period_lines_guard();

-- Nor can a booking be dated into a closed period afterwards (the ledger is append-only already).
CREATE FUNCTION bonus_ledger_closed_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM bonus_periods WHERE status = 'closed'
             AND NEW.created_at >= starts_at AND NEW.created_at < ends_at) THEN
    RAISE EXCEPTION 'bonus period of % is closed: no new bookings', NEW.created_at
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_transactions_closed_period BEFORE INSERT ON ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION bonus_ledger_closed_period();

-- Settlement reads redemptions by time; anomaly checks read a person's recent awards.
CREATE INDEX ledger_transactions_kind_created_idx ON ledger_transactions (kind, created_at);
CREATE INDEX bonus_awards_created_idx ON bonus_awards (created_at);

-- A partner redeems a voucher: one round trip for the whole transaction (the hot path at the till).
-- The first redemption wins by the conditional UPDATE; the points move from hold to the partner's
-- account, balanced and audited in the same transaction. Refusals come back as a status; the
-- service turns them into messages. p_backdate: use p_at as booking time (tests, demo history).
CREATE FUNCTION bonus_redeem(p_code text, p_actor uuid, p_at timestamptz, p_backdate boolean)
RETURNS TABLE (status text, voucher_id bigint, points integer, offer_title text, partner_name text,
  redeemed_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v record;
  cur record;
  hold_id bigint;
  partner_acc bigint;
  tid bigint;
BEGIN
  SELECT bv.id, bv.user_id, bv.partner_id, bv.points, o.title, p.name, p.city_id,
    EXISTS (SELECT 1 FROM bonus_partner_members m WHERE m.partner_id = bv.partner_id AND m.user_id = p_actor) AS member
  INTO v
  FROM bonus_vouchers bv JOIN bonus_offers o ON o.id = bv.offer_id JOIN bonus_partners p ON p.id = bv.partner_id
  WHERE bv.code = p_code;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::bigint, NULL::integer, NULL::text, NULL::text, NULL::timestamptz;
    RETURN;
  END IF;
  IF NOT v.member THEN
    RETURN QUERY SELECT 'wrong_partner'::text, v.id, v.points, v.title, v.name, NULL::timestamptz;
    RETURN;
  END IF;
  IF v.user_id = p_actor THEN
    RETURN QUERY SELECT 'own_voucher'::text, v.id, v.points, v.title, v.name, NULL::timestamptz;
    RETURN;
  END IF;
  UPDATE bonus_vouchers SET status = 'redeemed', redeemed_at = p_at, redeemed_by = p_actor
    WHERE id = v.id AND bonus_vouchers.status = 'issued' AND expires_at > p_at;
  IF NOT FOUND THEN
    SELECT bv.status, bv.redeemed_at INTO cur FROM bonus_vouchers bv WHERE bv.id = v.id;
    RETURN QUERY SELECT CASE WHEN cur.status = 'redeemed' THEN 'voucher_used' ELSE 'voucher_expired' END,
      v.id, v.points, v.title, v.name, cur.redeemed_at;
    RETURN;
  END IF;
  SELECT id INTO hold_id FROM bonus_accounts WHERE kind = 'hold';
  SELECT id INTO partner_acc FROM bonus_accounts WHERE kind = 'partner' AND partner_id = v.partner_id;
  IF partner_acc IS NULL THEN
    INSERT INTO bonus_accounts (kind, partner_id) VALUES ('partner', v.partner_id) ON CONFLICT DO NOTHING;
    SELECT id INTO partner_acc FROM bonus_accounts WHERE kind = 'partner' AND partner_id = v.partner_id;
  END IF;
  INSERT INTO ledger_transactions (idempotency_key, kind, reference, actor, created_at)
    VALUES ('redeem:' || v.id, 'redeem', 'voucher:' || v.id, p_actor, CASE WHEN p_backdate THEN p_at ELSE now() END)
    RETURNING id INTO tid;
  INSERT INTO ledger_entries (transaction_id, account_id, amount)
    VALUES (tid, hold_id, -v.points), (tid, partner_acc, v.points);
  UPDATE bonus_vouchers SET settle_transaction_id = tid WHERE id = v.id;
  INSERT INTO audit_log (actor_id, city_id, action, entity_type, entity_id, details)
    VALUES (p_actor, v.city_id, 'bonus.voucher.redeem', 'bonus_voucher', v.id::text,
      jsonb_build_object('partnerId', v.partner_id, 'points', v.points));
  RETURN QUERY SELECT 'ok'::text, v.id, v.points, v.title, v.name, p_at;
END;
$$;
