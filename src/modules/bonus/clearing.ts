/**
 * Monthly settlement per partner and clearing between cities, computed from the ledger.
 *
 * - A period is a calendar month in Europe/Berlin. Redemptions count in the month of their ledger
 *   booking (the redeem transaction).
 * - Settlement: what each partner received in points (and euro at the scheme's rate) in the month.
 * - Clearing: which city issued the points a partner took in. Points in a wallet are not labelled
 *   by city, so each redemption is split pro rata over the points the wallet had received from each
 *   city (earn, adjust, reverse) up to that redemption, by largest remainder, so every split adds up
 *   to the redeemed points exactly. Row: issuing city, column: the partner's city.
 * - Closing a period stores both tables; the database then refuses any change to them, any
 *   reopening and any booking dated into the month (0008_bonus_clearing.sql).
 */
import { stringify } from 'csv-stringify/sync';
import { audit } from '../../platform/audit/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { BonusError, getScheme, TZ } from './service.ts';

export interface SettlementLine {
  partnerId: number;
  partnerName: string;
  cityId: number;
  cityName: string;
  redemptions: number;
  points: number;
  cents: number;
}

export interface ClearingCell {
  issuingCityId: number;
  redeemingCityId: number;
  points: number;
  cents: number;
}

export interface PeriodFigures {
  month: string;
  status: 'open' | 'closed';
  /** true: the month has ended and can be closed. */
  closable: boolean;
  closedAt: Date | null;
  pointsPerEuro: number;
  settlements: SettlementLine[];
  clearing: ClearingCell[];
  cities: { id: number; name: string }[];
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: string): boolean {
  return MONTH_RE.test(s);
}

/** Euro cents for points at the scheme rate, rounded half up (per line, as printed). */
export const centsOf = (points: number, pointsPerEuro: number) =>
  Math.sign(points) * Math.round((Math.abs(points) * 100) / pointsPerEuro);

async function bounds(db: Db, month: string): Promise<{ startsAt: Date; endsAt: Date }> {
  if (!isMonth(month))
    throw new BonusError('invalid', 'Bitte geben Sie einen Monat an, zum Beispiel 2026-03.');
  const r = await one<{ s: Date; e: Date }>(
    db,
    sql`SELECT (${`${month}-01`}::timestamp AT TIME ZONE ${TZ}) AS s,
               ((${`${month}-01`}::timestamp + interval '1 month') AT TIME ZONE ${TZ}) AS e`,
  );
  return { startsAt: new Date(r!.s), endsAt: new Date(r!.e) };
}

/** Splits points over weights (largest remainder; ties to the lower key); sums exactly. */
export function splitPoints(points: number, weights: Map<number, number>): Map<number, number> {
  const entries = [...weights.entries()].filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const out = new Map<number, number>();
  if (total <= 0) return out;
  let given = 0;
  const rest: [number, number][] = [];
  for (const [key, w] of entries) {
    const exact = (points * w) / total;
    const whole = Math.floor(exact);
    out.set(key, whole);
    given += whole;
    rest.push([key, exact - whole]);
  }
  rest.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (let i = 0; given < points; i++, given++) {
    const key = rest[i % rest.length]![0];
    out.set(key, out.get(key)! + 1);
  }
  return out;
}

/** Settlement and clearing of a month as the ledger has them now. */
async function computeFigures(
  db: Db,
  startsAt: Date,
  endsAt: Date,
  pointsPerEuro: number,
): Promise<{ settlements: SettlementLine[]; clearing: ClearingCell[] }> {
  const redemptions = await rows<{
    tx: string | number;
    points: string | number;
    partner_id: number;
    partner_name: string;
    city_id: number;
    city_name: string;
    wallet: string | number;
    at: Date;
  }>(
    db,
    sql`SELECT t.id AS tx, e.amount AS points, p.id AS partner_id, p.name AS partner_name, p.city_id,
          c.short_name AS city_name, h.account_id AS wallet, t.created_at AS at
        FROM ledger_transactions t
        JOIN ledger_entries e ON e.transaction_id = t.id AND e.amount > 0
        JOIN bonus_accounts pa ON pa.id = e.account_id AND pa.kind = 'partner'
        JOIN bonus_partners p ON p.id = pa.partner_id
        JOIN cities c ON c.id = p.city_id
        JOIN bonus_vouchers v ON v.id = split_part(t.reference, ':', 2)::bigint
        JOIN ledger_entries h ON h.transaction_id = v.hold_transaction_id AND h.amount < 0
        WHERE t.kind = 'redeem' AND t.created_at >= ${startsAt} AND t.created_at < ${endsAt}
        ORDER BY t.id`,
  );
  // Origin of each wallet's points up to the moment of each redemption.
  const weightRows = redemptions.length
    ? await rows<{ tx: string | number; city_id: number; points: string | number }>(
        db,
        sql`SELECT r.tx, w.city_id, w.points
            FROM unnest(${sql.param(redemptions.map((r) => Number(r.tx)))}::bigint[],
                        ${sql.param(redemptions.map((r) => Number(r.wallet)))}::bigint[],
                        ${sql.param(redemptions.map((r) => new Date(r.at).toISOString()))}::timestamptz[])
                 AS r(tx, wallet, at)
            CROSS JOIN LATERAL (
              SELECT t.city_id, sum(e.amount) AS points
              FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
              WHERE e.account_id = r.wallet AND t.kind IN ('earn', 'adjust', 'reverse')
                AND t.city_id IS NOT NULL AND t.created_at <= r.at
              GROUP BY t.city_id) w`,
      )
    : [];
  const weights = new Map<number, Map<number, number>>();
  for (const w of weightRows) {
    const m = weights.get(Number(w.tx)) ?? new Map<number, number>();
    m.set(w.city_id, Number(w.points));
    weights.set(Number(w.tx), m);
  }

  const partners = new Map<number, SettlementLine>();
  const cells = new Map<string, ClearingCell>();
  for (const r of redemptions) {
    const points = Number(r.points);
    const line = partners.get(r.partner_id) ?? {
      partnerId: r.partner_id,
      partnerName: r.partner_name,
      cityId: r.city_id,
      cityName: r.city_name,
      redemptions: 0,
      points: 0,
      cents: 0,
    };
    line.redemptions++;
    line.points += points;
    partners.set(r.partner_id, line);
    let split = splitPoints(points, weights.get(Number(r.tx)) ?? new Map());
    // No positive origin (only possible after manual corrections): the partner's city carries it.
    if (split.size === 0) split = new Map([[r.city_id, points]]);
    for (const [issuing, p] of split) {
      if (p === 0) continue;
      const key = `${issuing}:${r.city_id}`;
      const cell = cells.get(key) ?? {
        issuingCityId: issuing,
        redeemingCityId: r.city_id,
        points: 0,
        cents: 0,
      };
      cell.points += p;
      cells.set(key, cell);
    }
  }
  const settlements = [...partners.values()]
    .map((l) => ({ ...l, cents: centsOf(l.points, pointsPerEuro) }))
    .sort(
      (a, b) =>
        a.cityName.localeCompare(b.cityName, 'de') || a.partnerName.localeCompare(b.partnerName, 'de'),
    );
  const clearing = [...cells.values()]
    .map((c) => ({ ...c, cents: centsOf(c.points, pointsPerEuro) }))
    .sort((a, b) => a.issuingCityId - b.issuingCityId || a.redeemingCityId - b.redeemingCityId);
  return { settlements, clearing };
}

async function cityList(db: Db) {
  return rows<{ id: number; name: string }>(
    db,
    sql`SELECT id, short_name AS name FROM cities ORDER BY sort, id`,
  );
}

/** The figures of a month: stored ones when closed, otherwise computed from the ledger now. */
export async function periodFigures(db: Db, month: string, now = new Date()): Promise<PeriodFigures> {
  const { startsAt, endsAt } = await bounds(db, month);
  const cities = await cityList(db);
  const period = await one<{
    id: number;
    status: 'open' | 'closed';
    closed_at: Date | null;
    points_per_euro: number;
  }>(
    db,
    sql`SELECT id, status, closed_at, points_per_euro FROM bonus_periods WHERE month = ${`${month}-01`}::date`,
  );
  if (period?.status === 'closed') {
    const settlements = await rows<{
      partner_id: number;
      partner_name: string;
      city_id: number;
      city_name: string;
      redemptions: number;
      points: string | number;
      cents: string | number;
    }>(
      db,
      sql`SELECT s.partner_id, p.name AS partner_name, s.city_id, c.short_name AS city_name, s.redemptions, s.points, s.cents
          FROM bonus_settlements s JOIN bonus_partners p ON p.id = s.partner_id JOIN cities c ON c.id = s.city_id
          WHERE s.period_id = ${period.id}`,
    );
    const clearing = await rows<{
      issuing_city_id: number;
      redeeming_city_id: number;
      points: string | number;
      cents: string | number;
    }>(
      db,
      sql`SELECT issuing_city_id, redeeming_city_id, points, cents FROM bonus_clearing WHERE period_id = ${period.id}
          ORDER BY issuing_city_id, redeeming_city_id`,
    );
    return {
      month,
      status: 'closed',
      closable: false,
      closedAt: period.closed_at ? new Date(period.closed_at) : null,
      pointsPerEuro: period.points_per_euro,
      cities,
      settlements: settlements
        .map((s) => ({
          partnerId: s.partner_id,
          partnerName: s.partner_name,
          cityId: s.city_id,
          cityName: s.city_name,
          redemptions: s.redemptions,
          points: Number(s.points),
          cents: Number(s.cents),
        }))
        .sort(
          (a, b) =>
            a.cityName.localeCompare(b.cityName, 'de') || a.partnerName.localeCompare(b.partnerName, 'de'),
        ),
      clearing: clearing.map((c) => ({
        issuingCityId: c.issuing_city_id,
        redeemingCityId: c.redeeming_city_id,
        points: Number(c.points),
        cents: Number(c.cents),
      })),
    };
  }
  const { pointsPerEuro } = await getScheme(db);
  return {
    month,
    status: 'open',
    closable: endsAt <= now,
    closedAt: null,
    pointsPerEuro,
    cities,
    ...(await computeFigures(db, startsAt, endsAt, pointsPerEuro)),
  };
}

/**
 * Closes a month that has ended: stores its settlement and clearing and makes them final. Region
 * admins only (checked by the caller); audited. Closing twice is refused.
 */
export async function closePeriod(
  db: Db,
  input: { month: string; actorId: string; now?: Date },
): Promise<PeriodFigures> {
  const now = input.now ?? new Date();
  const { startsAt, endsAt } = await bounds(db, input.month);
  if (endsAt > now)
    throw new BonusError('invalid', 'Ein Monat kann erst abgeschlossen werden, wenn er vorbei ist.');
  const { pointsPerEuro } = await getScheme(db);
  await db.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO bonus_periods (month, starts_at, ends_at, points_per_euro)
      VALUES (${`${input.month}-01`}::date, ${startsAt}, ${endsAt}, ${pointsPerEuro}) ON CONFLICT (month) DO NOTHING`);
    // The row lock serialises two admins closing at once; the second sees 'closed'.
    const period = await one<{ id: number; status: string }>(
      tx,
      sql`SELECT id, status FROM bonus_periods WHERE month = ${`${input.month}-01`}::date FOR UPDATE`,
    );
    if (period!.status === 'closed')
      throw new BonusError('duplicate', `Der Monat ${input.month} ist bereits abgeschlossen.`);
    const figures = await computeFigures(tx, startsAt, endsAt, pointsPerEuro);
    if (figures.settlements.length)
      await tx.execute(sql`INSERT INTO bonus_settlements (period_id, partner_id, city_id, redemptions, points, cents)
        VALUES ${sql.join(
          figures.settlements.map(
            (s) =>
              sql`(${period!.id}, ${s.partnerId}, ${s.cityId}, ${s.redemptions}, ${s.points}, ${s.cents})`,
          ),
          sql`, `,
        )}`);
    if (figures.clearing.length)
      await tx.execute(sql`INSERT INTO bonus_clearing (period_id, issuing_city_id, redeeming_city_id, points, cents)
        VALUES ${sql.join(
          figures.clearing.map(
            (c) => sql`(${period!.id}, ${c.issuingCityId}, ${c.redeemingCityId}, ${c.points}, ${c.cents})`,
          ),
          sql`, `,
        )}`);
    await tx.execute(sql`UPDATE bonus_periods SET status = 'closed', closed_at = ${now}, closed_by = ${input.actorId},
      points_per_euro = ${pointsPerEuro} WHERE id = ${period!.id}`);
    await audit(tx, {
      actorId: input.actorId,
      cityId: null,
      action: 'bonus.period.close',
      entityType: 'bonus_period',
      entityId: input.month,
      details: {
        partners: figures.settlements.length,
        points: figures.settlements.reduce((s, l) => s + l.points, 0),
      },
    });
  });
  return periodFigures(db, input.month, now);
}

/** Months to show: every month with a redemption or an earning, and every stored period; newest first. */
export async function listPeriods(
  db: Db,
): Promise<{ month: string; status: 'open' | 'closed'; redemptions: number; points: number }[]> {
  const r = await rows<{
    month: string;
    status: 'open' | 'closed' | null;
    redemptions: number;
    points: string | number;
  }>(
    db,
    sql`WITH m AS (
          SELECT to_char(date_trunc('month', t.created_at AT TIME ZONE ${TZ}), 'YYYY-MM') AS month,
            count(*) FILTER (WHERE t.kind = 'redeem')::int AS redemptions,
            coalesce(sum(e.amount) FILTER (WHERE t.kind = 'redeem'), 0) AS points
          FROM ledger_transactions t
          LEFT JOIN ledger_entries e ON e.transaction_id = t.id AND e.amount > 0 AND t.kind = 'redeem'
          WHERE t.kind IN ('redeem', 'earn')
          GROUP BY 1)
        SELECT coalesce(m.month, to_char(p.month, 'YYYY-MM')) AS month, p.status,
          coalesce(m.redemptions, 0) AS redemptions, coalesce(m.points, 0) AS points
        FROM m FULL JOIN bonus_periods p ON to_char(p.month, 'YYYY-MM') = m.month
        ORDER BY 1 DESC LIMIT 120`,
  );
  return r.map((x) => ({
    month: x.month,
    status: x.status ?? 'open',
    redemptions: x.redemptions,
    points: Number(x.points),
  }));
}

const euroText = (cents: number) => (cents / 100).toFixed(2);

/** Settlement per partner as CSV (UTF-8, comma, euro with a dot: for spreadsheets and accounting). */
export function settlementCsv(f: PeriodFigures): string {
  return stringify(
    [
      ['monat', 'status', 'partner_id', 'partner', 'stadt', 'einloesungen', 'punkte', 'euro'],
      ...f.settlements.map((s) => [
        f.month,
        f.status,
        s.partnerId,
        s.partnerName,
        s.cityName,
        s.redemptions,
        s.points,
        euroText(s.cents),
      ]),
    ],
    { bom: true },
  );
}

/** The clearing matrix as CSV lines: issuing city, redeeming city, points, euro. */
export function clearingCsv(f: PeriodFigures): string {
  const name = new Map(f.cities.map((c) => [c.id, c.name]));
  return stringify(
    [
      ['monat', 'status', 'ausgebende_stadt', 'einloesende_stadt', 'punkte', 'euro'],
      ...f.clearing.map((c) => [
        f.month,
        f.status,
        name.get(c.issuingCityId) ?? c.issuingCityId,
        name.get(c.redeemingCityId) ?? c.redeemingCityId,
        c.points,
        euroText(c.cents),
      ]),
    ],
    { bom: true },
  );
}

/** Net amounts between pairs of cities: who owes whom after offsetting both directions. */
export function netClearing(f: PeriodFigures): { from: number; to: number; points: number; cents: number }[] {
  const cell = (a: number, b: number) =>
    f.clearing.find((c) => c.issuingCityId === a && c.redeemingCityId === b)?.points ?? 0;
  const out: { from: number; to: number; points: number; cents: number }[] = [];
  for (let i = 0; i < f.cities.length; i++)
    for (let j = i + 1; j < f.cities.length; j++) {
      const a = f.cities[i]!.id;
      const b = f.cities[j]!.id;
      const net = cell(a, b) - cell(b, a);
      if (net === 0) continue;
      const points = Math.abs(net);
      out.push({
        from: net > 0 ? a : b,
        to: net > 0 ? b : a,
        points,
        cents: centsOf(points, f.pointsPerEuro),
      });
    }
  return out;
}
