/**
 * Bonus system (Stadttaler): the only part of this module other modules may import.
 * Rules and transactions live here; SQL reads without rules live in queries.ts.
 *
 * Ledger invariants (also enforced by the database, see 0006_bonus.sql):
 * - every transaction balances (sum of its entries is 0) and has an idempotency key;
 * - entries are never updated or deleted; corrections are reversals;
 * - a wallet never goes below zero: wallets are locked (FOR UPDATE, in id order) before a debit.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { audit } from '../../platform/audit/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { type GeoSource, sqlSource } from '../../platform/geo/source.ts';
import { enqueue } from '../../platform/jobs/service.ts';

export type BonusErrorCode =
  | 'insufficient'
  | 'not_found'
  | 'limit'
  | 'inactive'
  | 'duplicate'
  | 'invalid_token'
  | 'expired_token'
  | 'voucher_used'
  | 'voucher_expired'
  | 'own_voucher'
  | 'wrong_partner'
  | 'quota'
  | 'invalid';

/** A refusal meant for the person: the message is shown as it is. */
export class BonusError extends Error {
  constructor(
    readonly code: BonusErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const TZ = 'Europe/Berlin';
/** Rotating stele codes change every 30 s; the current and the previous window are accepted. */
export const ROTATION_SECONDS = 30;

// ---------------------------------------------------------------- scheme

export interface Scheme {
  name: string;
  pointsPerEuro: number;
  expiryYears: number;
  voucherMinutes: number;
}

export const DEFAULT_SCHEME: Scheme = {
  name: 'Stadttaler',
  pointsPerEuro: 100,
  expiryYears: 2,
  voucherMinutes: 15,
};

export async function getScheme(db: Db): Promise<Scheme> {
  const r = await one<{
    name: string;
    points_per_euro: number;
    expiry_years: number;
    voucher_minutes: number;
  }>(
    db,
    sql`SELECT name, points_per_euro, expiry_years, voucher_minutes FROM bonus_schemes WHERE region_id = 1`,
  );
  if (!r) return DEFAULT_SCHEME;
  return {
    name: r.name,
    pointsPerEuro: r.points_per_euro,
    expiryYears: r.expiry_years,
    voucherMinutes: r.voucher_minutes,
  };
}

export async function saveScheme(db: Db, s: Scheme): Promise<void> {
  await db.execute(sql`INSERT INTO bonus_schemes (region_id, name, points_per_euro, expiry_years, voucher_minutes)
    VALUES (1, ${s.name}, ${s.pointsPerEuro}, ${s.expiryYears}, ${s.voucherMinutes})
    ON CONFLICT (region_id) DO UPDATE SET name = EXCLUDED.name, points_per_euro = EXCLUDED.points_per_euro,
      expiry_years = EXCLUDED.expiry_years, voucher_minutes = EXCLUDED.voucher_minutes`);
}

// ---------------------------------------------------------------- accounts

export type AccountKind = 'wallet' | 'partner' | 'funding' | 'expiry' | 'hold';

async function ensureAccount(
  db: Db,
  kind: AccountKind,
  where: ReturnType<typeof sql>,
  values: {
    userId?: string;
    partnerId?: number;
    cityId?: number;
  },
): Promise<number> {
  const found = await one<{ id: string | number }>(
    db,
    sql`SELECT id FROM bonus_accounts WHERE kind = ${kind} AND ${where}`,
  );
  if (found) return Number(found.id);
  // Created on first use; a concurrent creator wins the unique index and we read its row.
  await db.execute(sql`INSERT INTO bonus_accounts (kind, user_id, partner_id, city_id)
    VALUES (${kind}, ${values.userId ?? null}, ${values.partnerId ?? null}, ${values.cityId ?? null})
    ON CONFLICT DO NOTHING`);
  const row = await one<{ id: string | number }>(
    db,
    sql`SELECT id FROM bonus_accounts WHERE kind = ${kind} AND ${where}`,
  );
  if (!row) throw new Error(`bonus account ${kind} could not be created`);
  return Number(row.id);
}

export const walletAccount = (db: Db, userId: string) =>
  ensureAccount(db, 'wallet', sql`user_id = ${userId}`, { userId });
export const partnerAccount = (db: Db, partnerId: number) =>
  ensureAccount(db, 'partner', sql`partner_id = ${partnerId}`, { partnerId });
export const fundingAccount = (db: Db, cityId: number) =>
  ensureAccount(db, 'funding', sql`city_id = ${cityId}`, { cityId });
export const holdAccount = (db: Db) => ensureAccount(db, 'hold', sql`TRUE`, {});
export const expiryAccount = (db: Db) => ensureAccount(db, 'expiry', sql`TRUE`, {});

/** Balance of a citizen's wallet (0 without a wallet). */
export async function walletBalance(db: Db, userId: string): Promise<number> {
  const r = await one<{ balance: string | number }>(
    db,
    sql`SELECT balance FROM bonus_accounts WHERE kind = 'wallet' AND user_id = ${userId}`,
  );
  return r ? Number(r.balance) : 0;
}

// ---------------------------------------------------------------- ledger

export type TransactionKind = 'earn' | 'redeem' | 'expire' | 'reverse' | 'adjust' | 'hold' | 'release';

export interface Posting {
  accountId: number;
  amount: number;
}

export interface PostInput {
  key: string;
  kind: TransactionKind;
  reference?: string;
  cityId?: number | null;
  reversesId?: number;
  reason?: string;
  actor?: string | null;
  entries: Posting[];
  /** Backdating for demo history and tests only; the API never sets it. */
  at?: Date;
}

export interface Posted {
  id: number;
  /** false: the idempotency key was known, nothing was posted again. */
  created: boolean;
}

/**
 * Posts one balanced transaction. Wallets it debits are locked and checked first, so the balance
 * check and the debit cannot interleave with another transaction on the same wallet.
 */
export async function postTransaction(db: Db, input: PostInput): Promise<Posted> {
  const { entries } = input;
  if (entries.length < 2) throw new Error('a ledger transaction needs at least two entries');
  if (entries.some((e) => !Number.isSafeInteger(e.amount) || e.amount === 0))
    throw new Error('ledger amounts are non-zero integers');
  if (entries.reduce((s, e) => s + e.amount, 0) !== 0) throw new Error('ledger transaction is not balanced');
  return db.transaction(async (tx) => {
    const known = await one<{ id: string | number }>(
      tx,
      sql`SELECT id FROM ledger_transactions WHERE idempotency_key = ${input.key}`,
    );
    if (known) return { id: Number(known.id), created: false };

    const deltas = new Map<number, number>();
    for (const e of entries) deltas.set(e.accountId, (deltas.get(e.accountId) ?? 0) + e.amount);
    const ids = [...deltas.keys()].sort((a, b) => a - b);
    const wallets = await rows<{ id: string | number; balance: string | number }>(
      tx,
      sql`SELECT id, balance FROM bonus_accounts WHERE id = ANY(${sql.param(ids)}::bigint[]) AND kind = 'wallet'
          ORDER BY id FOR UPDATE`,
    );
    for (const w of wallets) {
      const after = Number(w.balance) + (deltas.get(Number(w.id)) ?? 0);
      if (after < 0)
        throw new BonusError(
          'insufficient',
          `Ihr Guthaben reicht dafür nicht aus: Sie haben ${Number(w.balance)} und bräuchten ${Number(w.balance) - after}.`,
        );
    }

    const inserted = await one<{ id: string | number }>(
      tx,
      sql`INSERT INTO ledger_transactions (idempotency_key, kind, reference, city_id, reverses_id, reason, actor, created_at)
          VALUES (${input.key}, ${input.kind}, ${input.reference ?? ''}, ${input.cityId ?? null},
            ${input.reversesId ?? null}, ${input.reason ?? null}, ${input.actor ?? null}, ${input.at ?? sql`now()`})
          ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    );
    if (!inserted) {
      // A concurrent request with the same key committed first.
      const other = await one<{ id: string | number }>(
        tx,
        sql`SELECT id FROM ledger_transactions WHERE idempotency_key = ${input.key}`,
      );
      return { id: Number(other!.id), created: false };
    }
    const id = Number(inserted.id);
    await tx.execute(
      sql`INSERT INTO ledger_entries (transaction_id, account_id, amount) VALUES ${sql.join(
        entries.map((e) => sql`(${id}, ${e.accountId}, ${e.amount})`),
        sql`, `,
      )}`,
    );
    return { id, created: true };
  });
}

/** Sum over all ledger entries: 0 in a healthy ledger (tests and health checks). */
export async function ledgerTotal(db: Db): Promise<number> {
  const r = await one<{ total: string | number }>(
    db,
    sql`SELECT coalesce(sum(amount), 0) AS total FROM ledger_entries`,
  );
  return Number(r!.total);
}

/** Staff correction with a reason; positive adds points to the wallet, negative takes them back. */
export async function adjustWallet(
  db: Db,
  input: {
    actorId: string;
    userId: string;
    cityId: number;
    points: number;
    reason: string;
    requestKey?: string;
  },
): Promise<Posted> {
  const reason = input.reason.trim();
  if (reason.length < 5) throw new BonusError('invalid', 'Bitte geben Sie einen Grund für die Korrektur an.');
  if (!Number.isSafeInteger(input.points) || input.points === 0)
    throw new BonusError('invalid', 'Die Punkte müssen eine ganze Zahl ungleich 0 sein.');
  return db.transaction(async (tx) => {
    const wallet = await walletAccount(tx, input.userId);
    const funding = await fundingAccount(tx, input.cityId);
    const posted = await postTransaction(tx, {
      key: `adjust:${input.requestKey ?? `${input.actorId}:${Date.now()}:${randomInt(1e9)}`}`,
      kind: 'adjust',
      reference: `user:${input.userId}`,
      cityId: input.cityId,
      reason,
      actor: input.actorId,
      entries: [
        { accountId: funding, amount: -input.points },
        { accountId: wallet, amount: input.points },
      ],
    });
    if (posted.created)
      await audit(tx, {
        actorId: input.actorId,
        cityId: input.cityId,
        action: 'bonus.adjust',
        entityType: 'ledger_transaction',
        entityId: String(posted.id),
        details: { points: input.points, reason },
      });
    return posted;
  });
}

/** Reverses an earn or adjust transaction once (the wallet must still hold the points). */
export async function reverseTransaction(
  db: Db,
  input: { actorId: string; transactionId: number; reason: string },
): Promise<Posted> {
  const reason = input.reason.trim();
  if (reason.length < 5)
    throw new BonusError('invalid', 'Bitte geben Sie einen Grund für die Stornierung an.');
  return db.transaction(async (tx) => {
    const t = await one<{ kind: string; city_id: number | null }>(
      tx,
      sql`SELECT kind, city_id FROM ledger_transactions WHERE id = ${input.transactionId}`,
    );
    if (!t) throw new BonusError('not_found', 'Diese Buchung gibt es nicht.');
    if (t.kind !== 'earn' && t.kind !== 'adjust')
      throw new BonusError('invalid', 'Nur Gutschriften und Korrekturen können storniert werden.');
    const entries = await rows<{ account_id: string | number; amount: string | number }>(
      tx,
      sql`SELECT account_id, amount FROM ledger_entries WHERE transaction_id = ${input.transactionId} ORDER BY id`,
    );
    const posted = await postTransaction(tx, {
      key: `reverse:${input.transactionId}`,
      kind: 'reverse',
      reference: `transaction:${input.transactionId}`,
      cityId: t.city_id,
      reversesId: input.transactionId,
      reason,
      actor: input.actorId,
      entries: entries.map((e) => ({ accountId: Number(e.account_id), amount: -Number(e.amount) })),
    });
    if (posted.created)
      await audit(tx, {
        actorId: input.actorId,
        cityId: t.city_id,
        action: 'bonus.reverse',
        entityType: 'ledger_transaction',
        entityId: String(input.transactionId),
        details: { reversal: posted.id, reason },
      });
    return posted;
  });
}

// ---------------------------------------------------------------- earning

export interface ActionRow {
  id: number;
  city_id: number | null;
  slug: string;
  name: string;
  points: number;
  co2_grams: number;
  limit_per_day: number | null;
  limit_per_week: number | null;
  limit_per_month: number | null;
  limit_per_place_day: number | null;
  active_from: Date | null;
  active_until: Date | null;
  active: boolean;
}

export interface AwardResult {
  /** 'duplicate': this reference was already rewarded; nothing was added. */
  status: 'awarded' | 'duplicate';
  points: number;
  transactionId: number;
  actionName: string;
}

export async function award(
  db: Db,
  input: {
    userId: string;
    cityId: number;
    action: ActionRow;
    reference: string;
    placeId?: number;
    now: Date;
    /** Caller's idempotency key; default: action, person and reference. */
    key?: string;
  },
): Promise<AwardResult> {
  const { action, now } = input;
  const key = input.key ?? `earn:${action.id}:${input.userId}:${input.reference}`;
  return db.transaction(async (tx) => {
    if (
      !action.active ||
      (action.active_from && new Date(action.active_from) > now) ||
      (action.active_until && new Date(action.active_until) <= now)
    )
      throw new BonusError('inactive', `Für „${action.name}“ gibt es zurzeit keine Punkte.`);
    // Lock order everywhere: place, then wallet. The place lock makes the per-place limit exact.
    if (input.placeId !== undefined)
      await tx.execute(sql`SELECT id FROM bonus_places WHERE id = ${input.placeId} FOR UPDATE`);
    const wallet = await walletAccount(tx, input.userId);
    await tx.execute(sql`SELECT id FROM bonus_accounts WHERE id = ${wallet} FOR UPDATE`);
    const known = await one<{ id: string | number }>(
      tx,
      sql`SELECT id FROM ledger_transactions WHERE idempotency_key = ${key}`,
    );
    if (known)
      return { status: 'duplicate', points: 0, transactionId: Number(known.id), actionName: action.name };

    const c = await one<{ day: number; week: number; month: number; place_day: number }>(
      tx,
      sql`WITH b AS (
            SELECT (date_trunc('day', ${now}::timestamptz AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ}) AS day,
                   (date_trunc('week', ${now}::timestamptz AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ}) AS week,
                   (date_trunc('month', ${now}::timestamptz AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ}) AS month)
          SELECT
            (SELECT count(*) FROM bonus_awards a WHERE a.user_id = ${input.userId} AND a.action_id = ${action.id} AND a.created_at >= b.day)::int AS day,
            (SELECT count(*) FROM bonus_awards a WHERE a.user_id = ${input.userId} AND a.action_id = ${action.id} AND a.created_at >= b.week)::int AS week,
            (SELECT count(*) FROM bonus_awards a WHERE a.user_id = ${input.userId} AND a.action_id = ${action.id} AND a.created_at >= b.month)::int AS month,
            (SELECT count(*) FROM bonus_awards a WHERE a.place_id = ${input.placeId ?? null}::int AND a.created_at >= b.day)::int AS place_day
          FROM b`,
    );
    const limits: [number | null, number, string][] = [
      [action.limit_per_day, c!.day, 'heute'],
      [action.limit_per_week, c!.week, 'in dieser Woche'],
      [action.limit_per_month, c!.month, 'in diesem Monat'],
    ];
    for (const [limit, count, when] of limits)
      if (limit !== null && count >= limit)
        throw new BonusError(
          'limit',
          `Für „${action.name}“ haben Sie ${when} schon ${count === 1 ? 'einmal' : `${count}-mal`} Punkte bekommen. Mehr geht ${when} nicht.`,
        );
    if (
      input.placeId !== undefined &&
      action.limit_per_place_day !== null &&
      c!.place_day >= action.limit_per_place_day
    )
      throw new BonusError(
        'limit',
        'An diesem Ort sind für heute alle Punkte vergeben. Bitte versuchen Sie es morgen wieder.',
      );

    const points = await campaignPoints(tx, action, input.cityId, now);
    const funding = await fundingAccount(tx, input.cityId);
    const posted = await postTransaction(tx, {
      key,
      kind: 'earn',
      reference: input.reference,
      cityId: input.cityId,
      entries: [
        { accountId: funding, amount: -points },
        { accountId: wallet, amount: points },
      ],
      ...(now.getTime() < Date.now() - 60_000 ? { at: now } : {}),
    });
    await tx.execute(sql`INSERT INTO bonus_awards (user_id, action_id, city_id, place_id, transaction_id, points, co2_grams, created_at)
      VALUES (${input.userId}, ${action.id}, ${input.cityId}, ${input.placeId ?? null}, ${posted.id}, ${points},
        ${action.co2_grams}, ${now})`);
    return { status: 'awarded', points, transactionId: posted.id, actionName: action.name };
  });
}

/**
 * Points of an action now, with the strongest running campaign for the action or the city applied
 * (campaigns do not stack). At least 1 point.
 */
export async function campaignPoints(db: Db, action: ActionRow, cityId: number, now: Date): Promise<number> {
  const factor = await multiplierAt(db, cityId, action.id, now);
  return Math.max(1, Math.round(action.points * factor));
}

/**
 * Factor on the points of an action in a city at a moment: the strongest running multiplier for the
 * action or the city, whoever registered it (bonus admin or a content campaign); 1 without any.
 */
export async function multiplierAt(db: Db, cityId: number, actionId: number, at: Date): Promise<number> {
  const m = await one<{ percent: number | null }>(
    db,
    sql`SELECT max(percent)::int AS percent FROM bonus_multipliers
        WHERE starts_at <= ${at} AND ends_at > ${at}
          AND (action_id IS NULL OR action_id = ${actionId}) AND (city_id IS NULL OR city_id = ${cityId})`,
  );
  return (m?.percent ?? 100) / 100;
}

/**
 * Registers the multiplier of a campaign another module keeps (a content campaign), replacing what
 * the same source registered before: percent for each listed action in the city from startsAt to
 * endsAt. null (or no actions, 100 %, an empty period) withdraws it. Call it inside the caller's
 * transaction, so the campaign and its multiplier change together.
 */
export async function setSourceMultiplier(
  db: Db,
  source: string,
  m: {
    label: string;
    cityId: number;
    actionIds: number[];
    percent: number;
    startsAt: Date;
    endsAt: Date;
  } | null,
): Promise<void> {
  await db.execute(sql`DELETE FROM bonus_multipliers WHERE source = ${source}`);
  if (!m || m.actionIds.length === 0 || m.percent === 100 || !(m.endsAt > m.startsAt)) return;
  if (!Number.isInteger(m.percent) || m.percent < 10 || m.percent > 1000)
    throw new BonusError('invalid', 'Der Faktor muss zwischen 10 und 1000 Prozent liegen.');
  await db.execute(sql`INSERT INTO bonus_multipliers (label, action_id, city_id, percent, starts_at, ends_at, source)
    SELECT ${m.label}, a.id, ${m.cityId}, ${m.percent}, ${m.startsAt}, ${m.endsAt}, ${source}
    FROM bonus_actions a
    WHERE a.id = ANY(${sql.param([...new Set(m.actionIds)])}::int[]) AND (a.city_id = ${m.cityId} OR a.city_id IS NULL)`);
}

/**
 * Actions of a city (its own and the region-wide ones) by id and name, for other modules' pickers
 * and labels; only active ones unless `all`.
 */
export async function actionNames(
  db: Db,
  cityId: number,
  opts: { all?: boolean } = {},
): Promise<{ id: number; name: string }[]> {
  return rows<{ id: number; name: string }>(
    db,
    sql`SELECT id, name FROM bonus_actions WHERE (city_id = ${cityId} OR city_id IS NULL)
          AND ${opts.all ? sql`TRUE` : sql`active`}
        ORDER BY name, id`,
  );
}

export interface MultiplierInput {
  label: string;
  actionId?: number | null;
  cityId?: number | null;
  percent: number;
  startsAt: Date;
  endsAt: Date;
}

/** A campaign: percent/100 times the points for an action and/or a city in a period. */
export async function createMultiplier(db: Db, m: MultiplierInput, actorId: string | null): Promise<number> {
  if (!m.label.trim()) throw new BonusError('invalid', 'Bitte geben Sie der Aktion einen Namen.');
  if (!Number.isInteger(m.percent) || m.percent < 10 || m.percent > 1000)
    throw new BonusError('invalid', 'Der Faktor muss zwischen 10 und 1000 Prozent liegen.');
  if (!(m.endsAt > m.startsAt)) throw new BonusError('invalid', 'Das Ende muss nach dem Beginn liegen.');
  if (m.actionId == null && m.cityId == null)
    throw new BonusError('invalid', 'Bitte wählen Sie eine Aktion oder eine Stadt.');
  return db.transaction(async (tx) => {
    const r = await one<{ id: number }>(
      tx,
      sql`INSERT INTO bonus_multipliers (label, action_id, city_id, percent, starts_at, ends_at)
          VALUES (${m.label.trim()}, ${m.actionId ?? null}, ${m.cityId ?? null}, ${m.percent}, ${m.startsAt}, ${m.endsAt})
          RETURNING id`,
    );
    if (actorId)
      await audit(tx, {
        actorId,
        cityId: m.cityId ?? null,
        action: 'bonus.multiplier.create',
        entityType: 'bonus_multiplier',
        entityId: String(r!.id),
        details: { percent: m.percent, actionId: m.actionId ?? null },
      });
    return r!.id;
  });
}

/** The action with this slug for a city: the city's own first, else the region-wide one. */
export async function findAction(db: Db, cityId: number, slug: string): Promise<ActionRow | undefined> {
  return one<ActionRow>(
    db,
    sql`SELECT * FROM bonus_actions WHERE slug = ${slug} AND (city_id = ${cityId} OR city_id IS NULL)
        ORDER BY city_id NULLS LAST LIMIT 1`,
  );
}

/**
 * Participation reward for other modules (e.g. a confirmed defect report). Same limits as every
 * other earning; the same reference never pays twice. Throws BonusError ('limit', 'inactive',
 * 'not_found') when no points are due.
 */
export async function awardPoints(
  db: Db,
  input: { userId: string; cityId: number; actionSlug: string; reference: string; now?: Date },
): Promise<AwardResult> {
  const action = await findAction(db, input.cityId, input.actionSlug);
  if (!action) throw new BonusError('not_found', `Die Aktion „${input.actionSlug}“ gibt es nicht.`);
  return award(db, {
    userId: input.userId,
    cityId: input.cityId,
    action,
    reference: input.reference,
    now: input.now ?? new Date(),
  });
}

/**
 * The participation reward other modules call (e.g. the defect reporter when a report is confirmed,
 * participation when a survey is answered). actionCode is the action's slug; cityId pays for it.
 * Same limits and campaigns as every other earning. idempotencyKey (default: the reference) makes
 * retries safe: the same key never pays twice and answers 'duplicate'.
 */
export async function awardForAction(
  db: Db,
  input: {
    userId: string;
    cityId: number;
    actionCode: string;
    reference: string;
    idempotencyKey?: string;
    now?: Date;
  },
): Promise<AwardResult> {
  const action = await findAction(db, input.cityId, input.actionCode);
  if (!action) throw new BonusError('not_found', `Die Aktion „${input.actionCode}“ gibt es nicht.`);
  return award(db, {
    userId: input.userId,
    cityId: input.cityId,
    action,
    reference: input.reference,
    now: input.now ?? new Date(),
    ...(input.idempotencyKey ? { key: `earn:${action.id}:key:${input.idempotencyKey}` } : {}),
  });
}

// ---------------------------------------------------------------- check-in codes

const MAC_LENGTH = 22; // 132 bits of HMAC-SHA256, base64url

function mac(secret: string, kind: 's' | 'r', placeId: number, n: number): string {
  return createHmac('sha256', secret)
    .update(`bonus-checkin:${kind}:${placeId}:${n}`)
    .digest('base64url')
    .slice(0, MAC_LENGTH);
}

export const rotationWindow = (now: Date) => Math.floor(now.getTime() / 1000 / ROTATION_SECONDS);

/** Token for a place's QR code: printed codes carry the code version, stele codes the time window. */
export function checkinToken(
  secret: string,
  place: { id: number; code_kind: 'static' | 'rotating'; code_version: number },
  now = new Date(),
): string {
  if (place.code_kind === 'static')
    return `s.${place.id}.${place.code_version}.${mac(secret, 's', place.id, place.code_version)}`;
  const w = rotationWindow(now);
  return `r.${place.id}.${w}.${mac(secret, 'r', place.id, w)}`;
}

const TOKEN_RE = /^([sr])\.(\d{1,9})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

export interface CheckinResult extends AwardResult {
  placeName: string;
  cityId: number;
}

/** Verifies a scanned token and awards the place's action once. Refusals throw BonusError. */
export async function checkIn(
  db: Db,
  input: { secret: string; token: string; userId: string; now?: Date },
): Promise<CheckinResult> {
  const now = input.now ?? new Date();
  const invalid = () =>
    new BonusError(
      'invalid_token',
      'Dieser Code ist ungültig. Bitte scannen Sie den Code vor Ort noch einmal.',
    );
  const m = TOKEN_RE.exec(input.token);
  if (!m) throw invalid();
  const kind = m[1] as 's' | 'r';
  const placeId = Number(m[2]);
  const n = Number(m[3]);
  const expected = Buffer.from(mac(input.secret, kind, placeId, n));
  const given = Buffer.from(m[4]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();

  const place = await one<{
    id: number;
    city_id: number;
    name: string;
    code_kind: string;
    code_version: number;
    active: boolean;
    action_id: number;
  }>(
    db,
    sql`SELECT id, city_id, name, code_kind, code_version, active, action_id FROM bonus_places WHERE id = ${placeId}`,
  );
  if (!place || place.code_kind !== (kind === 's' ? 'static' : 'rotating')) throw invalid();
  if (!place.active) throw new BonusError('inactive', `Am Ort „${place.name}“ gibt es zurzeit keine Punkte.`);
  let reference: string;
  if (kind === 's') {
    if (n !== place.code_version)
      throw new BonusError(
        'expired_token',
        'Dieser Code ist nicht mehr gültig. Bitte nutzen Sie den aktuellen Aushang.',
      );
    reference = `checkin:${placeId}:${berlinDay(now)}`;
  } else {
    const current = rotationWindow(now);
    if (n > current) throw invalid();
    if (n < current - 1)
      throw new BonusError(
        'expired_token',
        'Dieser Code ist abgelaufen. Bitte scannen Sie den Code, der jetzt auf der Stele steht.',
      );
    reference = `checkin:${placeId}:w${n}`;
  }
  const action = await one<ActionRow>(db, sql`SELECT * FROM bonus_actions WHERE id = ${place.action_id}`);
  const result = await award(db, {
    userId: input.userId,
    cityId: place.city_id,
    action: action!,
    reference,
    placeId,
    now,
  });
  if (result.status === 'duplicate')
    throw new BonusError(
      'duplicate',
      kind === 's'
        ? `Sie haben an diesem Ort heute schon eingecheckt. Die Punkte für „${action!.name}“ haben Sie bereits.`
        : `Diesen Code haben Sie schon benutzt. Die Punkte für „${action!.name}“ haben Sie bereits.`,
    );
  return { ...result, placeName: place.name, cityId: place.city_id };
}

/** YYYY-MM-DD in Berlin time. */
export function berlinDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

export const berlinYear = (d: Date) => Number(berlinDay(d).slice(0, 4));

// ---------------------------------------------------------------- vouchers

// No 0/O, 1/I/L: codes are read aloud and typed.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;

export function newVoucherCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/** Typed codes: case, spaces and dashes do not matter. */
export const normalizeCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

export const formatCode = (code: string) => `${code.slice(0, 5)}-${code.slice(5)}`;

export interface Voucher {
  id: number;
  code: string;
  userId: string | null;
  offerId: number;
  partnerId: number;
  points: number;
  status: 'issued' | 'redeemed' | 'released';
  issuedAt: Date;
  expiresAt: Date;
  redeemedAt: Date | null;
}

interface VoucherRow {
  id: string | number;
  hold_transaction_id: string | number;
  code: string;
  user_id: string | null;
  offer_id: number;
  partner_id: number;
  points: number;
  status: Voucher['status'];
  issued_at: Date;
  expires_at: Date;
  redeemed_at: Date | null;
}

const toVoucher = (r: VoucherRow): Voucher => ({
  id: Number(r.id),
  code: r.code,
  userId: r.user_id,
  offerId: r.offer_id,
  partnerId: r.partner_id,
  points: r.points,
  status: r.status,
  issuedAt: new Date(r.issued_at),
  expiresAt: new Date(r.expires_at),
  redeemedAt: r.redeemed_at ? new Date(r.redeemed_at) : null,
});

export const RELEASE_QUEUE = 'bonus.release';
export const EXPIRY_QUEUE = 'bonus.expire';

/**
 * Issues a voucher for an offer: the points move from the wallet to the hold account in the same
 * transaction (balance checked under the wallet lock). requestKey makes client retries safe.
 */
export async function issueVoucher(
  db: Db,
  input: { userId: string; offerId: number; requestKey?: string; now?: Date },
): Promise<Voucher> {
  const now = input.now ?? new Date();
  const scheme = await getScheme(db);
  return db.transaction(async (tx) => {
    const key = input.requestKey ? `hold:${input.userId}:${input.requestKey}` : undefined;
    if (key) {
      const prior = await one<VoucherRow>(
        tx,
        sql`SELECT v.* FROM bonus_vouchers v JOIN ledger_transactions t ON t.id = v.hold_transaction_id
            WHERE t.idempotency_key = ${key}`,
      );
      if (prior) return toVoucher(prior);
    }
    // The offer lock makes the quotas exact; lock order: offer, then wallet.
    const offer = await one<{
      id: number;
      partner_id: number;
      title: string;
      points_price: number;
      quota_total: number | null;
      quota_per_person: number | null;
      valid_from: Date | null;
      valid_until: Date | null;
      status: string;
      partner_status: string;
    }>(
      tx,
      sql`SELECT o.id, o.partner_id, o.title, o.points_price, o.quota_total, o.quota_per_person, o.valid_from,
            o.valid_until, o.status, p.status AS partner_status
          FROM bonus_offers o JOIN bonus_partners p ON p.id = o.partner_id
          WHERE o.id = ${input.offerId} FOR UPDATE OF o`,
    );
    if (!offer) throw new BonusError('not_found', 'Diese Prämie gibt es nicht.');
    if (
      offer.status !== 'approved' ||
      offer.partner_status !== 'approved' ||
      (offer.valid_from && new Date(offer.valid_from) > now) ||
      (offer.valid_until && new Date(offer.valid_until) <= now)
    )
      throw new BonusError('inactive', `Die Prämie „${offer.title}“ gibt es zurzeit nicht.`);
    if (offer.quota_total !== null || offer.quota_per_person !== null) {
      const used = await one<{ total: number; mine: number }>(
        tx,
        sql`SELECT count(*)::int AS total, (count(*) FILTER (WHERE user_id = ${input.userId}))::int AS mine
            FROM bonus_vouchers WHERE offer_id = ${offer.id} AND status IN ('issued', 'redeemed')`,
      );
      if (offer.quota_total !== null && used!.total >= offer.quota_total)
        throw new BonusError('quota', `Die Prämie „${offer.title}“ ist vergriffen.`);
      if (offer.quota_per_person !== null && used!.mine >= offer.quota_per_person)
        throw new BonusError(
          'quota',
          `Sie haben die Prämie „${offer.title}“ schon so oft bekommen, wie es geht.`,
        );
    }
    const wallet = await walletAccount(tx, input.userId);
    const hold = await holdAccount(tx);
    const code = newVoucherCode();
    const posted = await postTransaction(tx, {
      key: key ?? `hold:${code}`,
      kind: 'hold',
      reference: `offer:${offer.id}`,
      ...(now.getTime() < Date.now() - 60_000 ? { at: now } : {}),
      entries: [
        { accountId: wallet, amount: -offer.points_price },
        { accountId: hold, amount: offer.points_price },
      ],
    });
    const expiresAt = new Date(now.getTime() + scheme.voucherMinutes * 60_000);
    const v = await one<VoucherRow>(
      tx,
      sql`INSERT INTO bonus_vouchers (code, user_id, offer_id, partner_id, points, issued_at, expires_at, hold_transaction_id)
          VALUES (${code}, ${input.userId}, ${offer.id}, ${offer.partner_id}, ${offer.points_price}, ${now}, ${expiresAt}, ${posted.id})
          RETURNING *`,
    );
    const voucher = toVoucher(v!);
    await enqueue(
      tx,
      RELEASE_QUEUE,
      { voucherId: voucher.id },
      {
        runAt: new Date(expiresAt.getTime() + 1000),
        dedupeKey: `voucher:${voucher.id}`,
      },
    );
    return voucher;
  });
}

export interface Redemption {
  voucherId: number;
  points: number;
  redeemedAt: Date;
  offerTitle: string;
  partnerName: string;
}

/**
 * A partner redeems a voucher by its code. The whole transaction is one database call,
 * bonus_redeem() in 0008_bonus_clearing.sql: the first redemption wins (conditional UPDATE), the
 * points move from hold to the partner's account, balanced and audited, in one round trip.
 */
export async function redeemVoucher(
  db: Db,
  input: { code: string; actorId: string; now?: Date },
): Promise<Redemption> {
  const now = input.now ?? new Date();
  const code = normalizeCode(input.code);
  if (!/^[A-Z0-9]{10}$/.test(code))
    throw new BonusError(
      'not_found',
      'Der Code hat nicht das richtige Format: zehn Zeichen, zum Beispiel ABCDE-23456.',
    );
  // Tests and demo history date redemptions in the past; live ones use the database clock.
  const backdate = now.getTime() < Date.now() - 60_000;
  const r = await one<{
    status: 'ok' | 'not_found' | 'wrong_partner' | 'own_voucher' | 'voucher_used' | 'voucher_expired';
    voucher_id: string | number | null;
    points: number | null;
    offer_title: string | null;
    partner_name: string | null;
    redeemed_at: Date | null;
  }>(db, sql`SELECT * FROM bonus_redeem(${code}, ${input.actorId}::uuid, ${now}::timestamptz, ${backdate})`);
  switch (r!.status) {
    case 'ok':
      return {
        voucherId: Number(r!.voucher_id),
        points: r!.points!,
        redeemedAt: new Date(r!.redeemed_at!),
        offerTitle: r!.offer_title!,
        partnerName: r!.partner_name!,
      };
    case 'not_found':
      throw new BonusError('not_found', 'Diesen Gutschein-Code gibt es nicht. Bitte prüfen Sie die Eingabe.');
    case 'wrong_partner':
      throw new BonusError('wrong_partner', `Dieser Gutschein gilt nur bei „${r!.partner_name}“.`);
    case 'own_voucher':
      throw new BonusError('own_voucher', 'Eigene Gutscheine können Sie nicht selbst einlösen.');
    case 'voucher_used':
      throw new BonusError(
        'voucher_used',
        `Dieser Gutschein wurde bereits eingelöst (${formatBerlin(new Date(r!.redeemed_at!))}).`,
      );
    default:
      throw new BonusError(
        'voucher_expired',
        'Dieser Gutschein ist abgelaufen. Die Punkte sind wieder im Konto der Person.',
      );
  }
}

/** Gives the points of an unused, expired voucher back to the wallet; false when nothing was due. */
export async function releaseVoucher(db: Db, voucherId: number, now = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const v = await one<VoucherRow>(
      tx,
      sql`UPDATE bonus_vouchers SET status = 'released', released_at = ${now}
          WHERE id = ${voucherId} AND status = 'issued' AND expires_at <= ${now} RETURNING *`,
    );
    if (!v) return false;
    // Back to the wallet the hold came from (also when the person has deleted their account since).
    const from = await one<{ account_id: string | number }>(
      tx,
      sql`SELECT account_id FROM ledger_entries WHERE transaction_id = ${v.hold_transaction_id} AND amount < 0`,
    );
    const hold = await holdAccount(tx);
    const wallet = Number(from!.account_id);
    await postTransaction(tx, {
      key: `release:${v.id}`,
      kind: 'release',
      reference: `voucher:${v.id}`,
      entries: [
        { accountId: hold, amount: -v.points },
        { accountId: wallet, amount: v.points },
      ],
    });
    return true;
  });
}

/** Releases every expired voucher (the sweep behind the per-voucher jobs). */
export async function releaseExpiredVouchers(db: Db, now = new Date()): Promise<number> {
  const due = await rows<{ id: string | number }>(
    db,
    sql`SELECT id FROM bonus_vouchers WHERE status = 'issued' AND expires_at <= ${now} ORDER BY id LIMIT 10000`,
  );
  let n = 0;
  for (const d of due) if (await releaseVoucher(db, Number(d.id), now)) n++;
  return n;
}

export function formatBerlin(d: Date): string {
  return new Intl.DateTimeFormat('de-DE', { timeZone: TZ, dateStyle: 'medium', timeStyle: 'short' }).format(
    d,
  );
}

// ---------------------------------------------------------------- expiry

/**
 * Points expire at the end of the `expiryYears`-th calendar year after the year they were earned.
 * Spending uses the oldest points first, so what is left of the old years is the balance beyond
 * the points earned after them: expired = max(0, balance − earned after the cut-off year).
 * Running again changes nothing (the balance has dropped by what expired).
 */
export async function expirePoints(db: Db, now = new Date()): Promise<{ wallets: number; points: number }> {
  const scheme = await getScheme(db);
  const cutoffYear = berlinYear(now) - scheme.expiryYears - 1;
  const wallets = await rows<{ id: string | number }>(
    db,
    sql`SELECT id FROM bonus_accounts WHERE kind = 'wallet' AND balance > 0 ORDER BY id`,
  );
  const result = { wallets: 0, points: 0 };
  const sink = await expiryAccount(db);
  for (const w of wallets) {
    const walletId = Number(w.id);
    const expired = await db.transaction(async (tx) => {
      const locked = await one<{ balance: string | number }>(
        tx,
        sql`SELECT balance FROM bonus_accounts WHERE id = ${walletId} FOR UPDATE`,
      );
      const later = await one<{ earned: string | number; last: string | number | null }>(
        tx,
        sql`SELECT coalesce(sum(e.amount) FILTER (WHERE t.kind IN ('earn', 'adjust') AND e.amount > 0
                  AND extract(year FROM t.created_at AT TIME ZONE ${TZ}) > ${cutoffYear}), 0) AS earned,
                max(e.id) AS last
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
            WHERE e.account_id = ${walletId}`,
      );
      const amount = Number(locked!.balance) - Number(later!.earned);
      if (amount <= 0) return 0;
      const posted = await postTransaction(tx, {
        key: `expire:${walletId}:${cutoffYear}:${later!.last}`,
        kind: 'expire',
        reference: `year:${cutoffYear}`,
        entries: [
          { accountId: walletId, amount: -amount },
          { accountId: sink, amount },
        ],
      });
      return posted.created ? amount : 0;
    });
    if (expired > 0) {
      result.wallets++;
      result.points += expired;
    }
  }
  return result;
}

/** Points per earning year still in the wallet (oldest spent first), with their expiry date. */
export async function expiringPoints(
  db: Db,
  userId: string,
): Promise<{ year: number; points: number; expiresOn: string }[]> {
  const scheme = await getScheme(db);
  const balance = await walletBalance(db, userId);
  if (balance <= 0) return [];
  const years = await rows<{ y: number; earned: string | number }>(
    db,
    sql`SELECT extract(year FROM t.created_at AT TIME ZONE ${TZ})::int AS y, sum(e.amount) AS earned
        FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
        JOIN bonus_accounts a ON a.id = e.account_id
        WHERE a.kind = 'wallet' AND a.user_id = ${userId} AND t.kind IN ('earn', 'adjust') AND e.amount > 0
        GROUP BY 1 ORDER BY 1 DESC`,
  );
  // The newest points are the ones left; walk back from the newest year.
  let left = balance;
  const out: { year: number; points: number; expiresOn: string }[] = [];
  for (const r of years) {
    if (left <= 0) break;
    const points = Math.min(left, Number(r.earned));
    left -= points;
    out.push({ year: r.y, points, expiresOn: `${r.y + scheme.expiryYears}-12-31` });
  }
  return out.reverse();
}

/** Schedules the yearly expiry run for the next 1 January, 00:05 Berlin time (once). */
export async function scheduleExpiry(db: Db, now = new Date()): Promise<void> {
  const next = await one<{ at: Date }>(
    db,
    sql`SELECT ((date_trunc('year', ${now}::timestamptz AT TIME ZONE ${TZ}) + interval '1 year 5 minutes') AT TIME ZONE ${TZ}) AS at`,
  );
  const runAt = new Date(next!.at);
  await enqueue(db, EXPIRY_QUEUE, {}, { runAt, dedupeKey: `yearly:${berlinYear(runAt)}` });
}

// ---------------------------------------------------------------- catalogue (seed and staff)

export interface ActionInput {
  cityId: number | null;
  slug: string;
  name: string;
  description?: string;
  easyLanguage?: string;
  points: number;
  co2Grams?: number;
  verification: 'checkin' | 'partner' | 'participation';
  limitPerDay?: number | null;
  limitPerWeek?: number | null;
  limitPerMonth?: number | null;
  limitPerPlaceDay?: number | null;
  activeFrom?: Date | null;
  activeUntil?: Date | null;
}

/** Creates or updates an action (by city and slug); returns its id. */
export async function upsertAction(db: Db, a: ActionInput): Promise<number> {
  const existing = await one<{ id: number }>(
    db,
    sql`SELECT id FROM bonus_actions WHERE coalesce(city_id, 0) = ${a.cityId ?? 0} AND slug = ${a.slug}`,
  );
  const values = {
    name: a.name,
    description: a.description ?? '',
    easy: a.easyLanguage ?? '',
    co2: a.co2Grams ?? 0,
  };
  if (existing) {
    await db.execute(sql`UPDATE bonus_actions SET name = ${values.name}, description = ${values.description},
        easy_language = ${values.easy}, points = ${a.points}, co2_grams = ${values.co2}, verification = ${a.verification},
        limit_per_day = ${a.limitPerDay ?? null}, limit_per_week = ${a.limitPerWeek ?? null},
        limit_per_month = ${a.limitPerMonth ?? null}, limit_per_place_day = ${a.limitPerPlaceDay ?? null},
        active_from = ${a.activeFrom ?? null}, active_until = ${a.activeUntil ?? null}
      WHERE id = ${existing.id}`);
    return existing.id;
  }
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO bonus_actions (city_id, slug, name, description, easy_language, points, co2_grams, verification,
          limit_per_day, limit_per_week, limit_per_month, limit_per_place_day, active_from, active_until)
        VALUES (${a.cityId}, ${a.slug}, ${values.name}, ${values.description}, ${values.easy}, ${a.points}, ${values.co2},
          ${a.verification}, ${a.limitPerDay ?? null}, ${a.limitPerWeek ?? null}, ${a.limitPerMonth ?? null},
          ${a.limitPerPlaceDay ?? null}, ${a.activeFrom ?? null}, ${a.activeUntil ?? null})
        RETURNING id`,
  );
  return r!.id;
}

export interface Place {
  id: number;
  city_id: number;
  action_id: number;
  name: string;
  address: string;
  code_kind: 'static' | 'rotating';
  code_version: number;
  active: boolean;
}

/** One check-in place, for other modules (a stele shows its place's rotating code). */
export async function getPlace(db: Db, id: number): Promise<Place | undefined> {
  return one<Place>(db, sql`SELECT * FROM bonus_places WHERE id = ${id}`);
}

/** Active places with rotating codes in these cities ('all': every city), by name. */
export async function rotatingPlaces(db: Db, cityIds: number[] | 'all'): Promise<Place[]> {
  const scope = cityIds === 'all' ? sql`TRUE` : sql`city_id = ANY(${sql.param(cityIds)}::int[])`;
  return rows<Place>(
    db,
    sql`SELECT * FROM bonus_places WHERE code_kind = 'rotating' AND active AND ${scope} ORDER BY name`,
  );
}

export async function createPlace(
  db: Db,
  p: { cityId: number; actionId: number; name: string; address?: string; codeKind: 'static' | 'rotating' },
): Promise<Place> {
  const r = await one<Place>(
    db,
    sql`INSERT INTO bonus_places (city_id, action_id, name, address, code_kind)
        VALUES (${p.cityId}, ${p.actionId}, ${p.name}, ${p.address ?? ''}, ${p.codeKind}) RETURNING *`,
  );
  return r!;
}

export async function createPartner(
  db: Db,
  p: {
    cityId: number;
    slug: string;
    name: string;
    description?: string;
    address?: string;
    category?: string;
    members?: string[];
  },
): Promise<number> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO bonus_partners (city_id, slug, name, description, address, category)
        VALUES (${p.cityId}, ${p.slug}, ${p.name}, ${p.description ?? ''}, ${p.address ?? ''}, ${p.category ?? ''})
        RETURNING id`,
  );
  for (const userId of p.members ?? [])
    await db.execute(sql`INSERT INTO bonus_partner_members (partner_id, user_id) VALUES (${r!.id}, ${userId})
      ON CONFLICT DO NOTHING`);
  return r!.id;
}

/** A city admin approves a partner (audited); actorId null only for demo data. */
export async function approvePartner(db: Db, partnerId: number, actorId: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    const p = await one<{ city_id: number }>(
      tx,
      sql`UPDATE bonus_partners SET status = 'approved', approved_by = ${actorId}, approved_at = now()
          WHERE id = ${partnerId} RETURNING city_id`,
    );
    if (!p) throw new BonusError('not_found', 'Diesen Partner gibt es nicht.');
    if (actorId)
      await audit(tx, {
        actorId,
        cityId: p.city_id,
        action: 'bonus.partner.approve',
        entityType: 'bonus_partner',
        entityId: String(partnerId),
      });
  });
}

export async function createOffer(
  db: Db,
  o: {
    partnerId: number;
    title: string;
    description?: string;
    kind: 'credit' | 'item';
    creditCents?: number | null;
    pointsPrice: number;
    quotaTotal?: number | null;
    quotaPerPerson?: number | null;
    status?: 'pending' | 'approved';
  },
): Promise<number> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO bonus_offers (partner_id, title, description, kind, credit_cents, points_price, quota_total,
          quota_per_person, status)
        VALUES (${o.partnerId}, ${o.title}, ${o.description ?? ''}, ${o.kind}, ${o.creditCents ?? null}, ${o.pointsPrice},
          ${o.quotaTotal ?? null}, ${o.quotaPerPerson ?? null}, ${o.status ?? 'pending'})
        RETURNING id`,
  );
  return r!.id;
}

// ---- public reads for the map and the open data catalog (no person appears in them) ----

/** Approved partners and active check-in places with a location as a map source; city undefined: all. */
export function publicBonusPlaces(db: Db, city: number | undefined): GeoSource {
  const inCity = (column: ReturnType<typeof sql>) =>
    city === undefined ? sql`true` : sql`${column} = ${city}`;
  return sqlSource(
    db,
    sql`SELECT 'partner-' || p.id AS id, p.name, concat_ws(' · ', 'Partner', nullif(p.category, ''), nullif(p.address, '')) AS info,
        NULL::text AS url, p.location AS geom
      FROM bonus_partners p WHERE p.status = 'approved' AND p.location IS NOT NULL AND ${inCity(sql`p.city_id`)}
      UNION ALL
      SELECT 'ort-' || o.id, o.name, concat_ws(' · ', 'Check-in', a.name, nullif(o.address, '')), NULL::text, o.location
      FROM bonus_places o JOIN bonus_actions a ON a.id = o.action_id
      WHERE o.active AND o.location IS NOT NULL AND ${inCity(sql`o.city_id`)}`,
  );
}

/** Per city: number of approved partners and active check-in places, and the newest of them. */
export function publicPlaceStats(db: Db): Promise<{ city_id: number; modified: Date; n: number }[]> {
  return rows(
    db,
    sql`SELECT city_id, max(created_at) AS modified, count(*)::int AS n FROM (
          SELECT city_id, coalesce(approved_at, created_at) AS created_at FROM bonus_partners WHERE status = 'approved'
          UNION ALL SELECT city_id, created_at FROM bonus_places WHERE active) x GROUP BY city_id`,
  );
}

/** One keyset page (key partner-N / ort-N, zero-padded) of a city's partners and check-in places. */
export function publicPlacePage(
  db: Db,
  cityId: number,
  after: string | null,
  limit: number,
): Promise<(Record<string, unknown> & { key: string; geometry: string | null })[]> {
  return rows(
    db,
    sql`SELECT * FROM (
          SELECT 'partner-' || lpad(p.id::text, 10, '0') AS key, 'partner-' || p.id AS id, 'partner' AS art,
            p.name, p.category AS beschreibung, p.address AS adresse,
            round(ST_Y(p.location)::numeric, 6) AS breite, round(ST_X(p.location)::numeric, 6) AS laenge,
            ST_AsGeoJSON(p.location, 6) AS geometry
          FROM bonus_partners p WHERE p.city_id = ${cityId} AND p.status = 'approved'
          UNION ALL
          SELECT 'ort-' || lpad(o.id::text, 10, '0'), 'ort-' || o.id, 'checkin', o.name, a.name, o.address,
            round(ST_Y(o.location)::numeric, 6), round(ST_X(o.location)::numeric, 6),
            ST_AsGeoJSON(o.location, 6)
          FROM bonus_places o JOIN bonus_actions a ON a.id = o.action_id
          WHERE o.city_id = ${cityId} AND o.active
        ) x WHERE (${after}::text IS NULL OR key > ${after}::text) ORDER BY key LIMIT ${limit}`,
  );
}

/** Per city: number of awards and the first and last one (for the statistics dataset). */
export function awardStats(db: Db): Promise<{ city_id: number; first: Date; last: Date; n: number }[]> {
  return rows(
    db,
    sql`SELECT city_id, min(created_at) AS first, max(created_at) AS last, count(*)::int AS n
        FROM bonus_awards GROUP BY city_id`,
  );
}

/** One keyset page (key "YYYY-MM|action") of awards per Berlin month and action: counts and sums only. */
export function awardMonthPage(
  db: Db,
  cityId: number,
  after: string | null,
  limit: number,
): Promise<(Record<string, unknown> & { key: string })[]> {
  return rows(
    db,
    sql`SELECT * FROM (
          SELECT to_char(w.created_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM') || '|' || a.slug AS key,
            to_char(w.created_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM') AS monat, a.slug AS aktion,
            a.name AS aktion_name, count(*)::int AS anzahl, sum(w.points)::int AS punkte,
            sum(w.co2_grams)::bigint AS co2_gramm
          FROM bonus_awards w JOIN bonus_actions a ON a.id = w.action_id
          WHERE w.city_id = ${cityId}
          GROUP BY 1, 2, 3, 4
        ) x WHERE (${after}::text IS NULL OR key > ${after}::text) ORDER BY key LIMIT ${limit}`,
  );
}
