/**
 * Reads over the bonus data: public statistics (aggregates only, small counts hidden), anomaly
 * flags for admins, and a person's own data export.
 */
import { stringify } from 'csv-stringify/sync';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { TZ } from './service.ts';

/** Counts of people below this are shown as "fewer than" so nobody can be singled out. */
export const MIN_PUBLIC_COUNT = 5;

export interface PublicStats {
  pointsIssued: number;
  pointsIssued30d: number;
  pointsRedeemed: number;
  pointsRedeemed30d: number;
  /** null: fewer than MIN_PUBLIC_COUNT. */
  activeParticipants30d: number | null;
  co2Kg: number;
  partners: {
    name: string;
    category: string;
    address: string;
    cityName: string;
    lat: number | null;
    lon: number | null;
  }[];
  byAction: { name: string; awards: number; points: number; co2Kg: number }[];
}

/** Statistics for a city (or the region when cityId is undefined): only aggregates. */
export async function publicStats(db: Db, cityId?: number, now = new Date()): Promise<PublicStats> {
  const city = cityId ?? null;
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const issued = await one<{ total: string | number; recent: string | number }>(
    db,
    sql`SELECT coalesce(sum(e.amount), 0) AS total,
          coalesce(sum(e.amount) FILTER (WHERE t.created_at >= ${since}), 0) AS recent
        FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
        JOIN bonus_accounts a ON a.id = e.account_id AND a.kind = 'wallet'
        WHERE t.kind IN ('earn', 'adjust', 'reverse') AND (${city}::int IS NULL OR t.city_id = ${city}::int)`,
  );
  const redeemed = await one<{ total: string | number; recent: string | number }>(
    db,
    sql`SELECT coalesce(sum(e.amount), 0) AS total,
          coalesce(sum(e.amount) FILTER (WHERE t.created_at >= ${since}), 0) AS recent
        FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
        JOIN bonus_accounts a ON a.id = e.account_id AND a.kind = 'partner'
        JOIN bonus_partners p ON p.id = a.partner_id
        WHERE t.kind = 'redeem' AND (${city}::int IS NULL OR p.city_id = ${city}::int)`,
  );
  const people = await one<{ n: number; grams: string | number }>(
    db,
    sql`SELECT (SELECT count(DISTINCT user_id)::int FROM bonus_awards
                WHERE created_at >= ${since} AND (${city}::int IS NULL OR city_id = ${city}::int)) AS n,
               (SELECT coalesce(sum(co2_grams), 0) FROM bonus_awards
                WHERE ${city}::int IS NULL OR city_id = ${city}::int) AS grams`,
  );
  const partners = await rows<{
    name: string;
    category: string;
    address: string;
    city_name: string;
    lat: number | null;
    lon: number | null;
  }>(
    db,
    sql`SELECT p.name, p.category, p.address, c.short_name AS city_name, ST_Y(p.location) AS lat, ST_X(p.location) AS lon
        FROM bonus_partners p JOIN cities c ON c.id = p.city_id
        WHERE p.status = 'approved' AND (${city}::int IS NULL OR p.city_id = ${city}::int)
        ORDER BY c.sort, p.name`,
  );
  const byAction = await rows<{
    name: string;
    awards: number;
    points: string | number;
    grams: string | number;
  }>(
    db,
    sql`SELECT a.name, count(*)::int AS awards, sum(aw.points) AS points, sum(aw.co2_grams) AS grams
        FROM bonus_awards aw JOIN bonus_actions a ON a.id = aw.action_id
        WHERE ${city}::int IS NULL OR aw.city_id = ${city}::int
        GROUP BY a.name ORDER BY sum(aw.points) DESC, a.name LIMIT 20`,
  );
  const n = people!.n;
  return {
    pointsIssued: Number(issued!.total),
    pointsIssued30d: Number(issued!.recent),
    pointsRedeemed: Number(redeemed!.total),
    pointsRedeemed30d: Number(redeemed!.recent),
    activeParticipants30d: n >= MIN_PUBLIC_COUNT ? n : null,
    co2Kg: Math.round(Number(people!.grams) / 1000),
    partners: partners.map((p) => ({
      name: p.name,
      category: p.category,
      address: p.address,
      cityName: p.city_name,
      lat: p.lat === null ? null : Number(p.lat),
      lon: p.lon === null ? null : Number(p.lon),
    })),
    byAction: byAction.map((a) => ({
      name: a.name,
      awards: a.awards,
      points: Number(a.points),
      co2Kg: Math.round(Number(a.grams) / 1000),
    })),
  };
}

export interface Anomaly {
  kind: 'travel' | 'burst' | 'refusals';
  at: Date;
  /** Who: the person's e-mail (staff only) or the partner's name. */
  subject: string;
  cityId: number | null;
  detail: string;
}

/**
 * Patterns worth a look, over the last `days` days:
 * - travel: two check-ins of one person at places further apart than anyone travels in the time
 *   between them (faster than 80 km/h over more than 2 km) — a shared or copied code;
 * - burst: more than 10 awards of one person within an hour;
 * - refusals: a partner with 10 or more refused redemptions in a day — guessing codes.
 */
export async function anomalies(
  db: Db,
  cityIds: number[] | 'all',
  now = new Date(),
  days = 30,
): Promise<Anomaly[]> {
  const since = new Date(now.getTime() - days * 86_400_000);
  const all = cityIds === 'all';
  const ids = sql.param(all ? [] : cityIds);
  const travel = await rows<{
    at: Date;
    email: string | null;
    city_id: number;
    km: number;
    minutes: number;
    a: string;
    b: string;
  }>(
    db,
    sql`WITH c AS (
          SELECT aw.user_id, aw.created_at, p.location, p.name, p.city_id,
            lag(aw.created_at) OVER w AS prev_at, lag(p.location) OVER w AS prev_loc, lag(p.name) OVER w AS prev_name
          FROM bonus_awards aw JOIN bonus_places p ON p.id = aw.place_id
          WHERE aw.created_at >= ${since} AND aw.user_id IS NOT NULL AND p.location IS NOT NULL
          WINDOW w AS (PARTITION BY aw.user_id ORDER BY aw.created_at))
        SELECT c.created_at AS at, u.email, c.city_id,
          round((ST_Distance(c.location::geography, c.prev_loc::geography) / 1000)::numeric, 1)::float8 AS km,
          round((extract(epoch FROM c.created_at - c.prev_at) / 60)::numeric, 1)::float8 AS minutes,
          c.prev_name AS a, c.name AS b
        FROM c LEFT JOIN users u ON u.id = c.user_id
        WHERE c.prev_loc IS NOT NULL AND ST_Distance(c.location::geography, c.prev_loc::geography) > 2000
          AND ST_Distance(c.location::geography, c.prev_loc::geography) / 1000
              > 80 * greatest(extract(epoch FROM c.created_at - c.prev_at), 1) / 3600
          AND (${all} OR c.city_id = ANY(${ids}::int[]))
        ORDER BY c.created_at DESC LIMIT 100`,
  );
  const burst = await rows<{ at: Date; email: string | null; city_id: number; n: number }>(
    db,
    sql`SELECT date_trunc('hour', aw.created_at) AS at, u.email, min(aw.city_id) AS city_id, count(*)::int AS n
        FROM bonus_awards aw LEFT JOIN users u ON u.id = aw.user_id
        WHERE aw.created_at >= ${since} AND aw.user_id IS NOT NULL
          AND (${all} OR aw.city_id = ANY(${ids}::int[]))
        GROUP BY aw.user_id, u.email, date_trunc('hour', aw.created_at)
        HAVING count(*) > 10 ORDER BY 1 DESC LIMIT 100`,
  );
  const refusals = await rows<{ at: Date; name: string; city_id: number; n: number }>(
    db,
    sql`SELECT date_trunc('day', l.at AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ} AS at, p.name, p.city_id, count(*)::int AS n
        FROM audit_log l JOIN bonus_partners p ON p.id::text = l.entity_id
        WHERE l.action = 'bonus.voucher.refused' AND l.at >= ${since}
          AND (${all} OR p.city_id = ANY(${ids}::int[]))
        GROUP BY 1, p.name, p.city_id HAVING count(*) >= 10 ORDER BY 1 DESC LIMIT 100`,
  );
  const out: Anomaly[] = [
    ...travel.map((t) => ({
      kind: 'travel' as const,
      at: new Date(t.at),
      subject: t.email ?? '—',
      cityId: t.city_id,
      detail: `${t.a} → ${t.b}: ${t.km} km in ${t.minutes} min`,
    })),
    ...burst.map((b) => ({
      kind: 'burst' as const,
      at: new Date(b.at),
      subject: b.email ?? '—',
      cityId: b.city_id,
      detail: `${b.n}`,
    })),
    ...refusals.map((r) => ({
      kind: 'refusals' as const,
      at: new Date(r.at),
      subject: r.name,
      cityId: r.city_id,
      detail: `${r.n}`,
    })),
  ];
  return out.sort((a, b) => b.at.getTime() - a.at.getTime());
}

export interface WalletExport {
  exportedAt: string;
  balance: number;
  memberCode: string | null;
  transactions: { id: number; at: string; kind: string; points: number; label: string }[];
  vouchers: {
    id: number;
    offer: string;
    partner: string;
    points: number;
    status: string;
    issuedAt: string;
    redeemedAt: string | null;
  }[];
  awards: { at: string; action: string; place: string | null; points: number; co2Grams: number }[];
}

/** Everything the bonus system holds about a person (Art. 15/20 GDPR), as data. */
export async function walletExport(db: Db, userId: string, now = new Date()): Promise<WalletExport> {
  const balance = await one<{ balance: string | number }>(
    db,
    sql`SELECT balance FROM bonus_accounts WHERE kind = 'wallet' AND user_id = ${userId}`,
  );
  const code = await one<{ code: string }>(
    db,
    sql`SELECT code FROM bonus_member_codes WHERE user_id = ${userId}`,
  );
  const transactions = await rows<{
    id: string | number;
    at: Date;
    kind: string;
    points: string | number;
    label: string | null;
  }>(
    db,
    sql`SELECT t.id, t.created_at AS at, t.kind, e.amount AS points, coalesce(ac.name, o.title, t.reason, '') AS label
        FROM bonus_accounts a JOIN ledger_entries e ON e.account_id = a.id
        JOIN ledger_transactions t ON t.id = e.transaction_id
        LEFT JOIN bonus_awards aw ON aw.transaction_id = t.id
        LEFT JOIN bonus_actions ac ON ac.id = aw.action_id
        LEFT JOIN bonus_vouchers v ON (t.kind = 'hold' AND v.hold_transaction_id = t.id)
          OR (t.kind = 'release' AND t.reference = 'voucher:' || v.id)
        LEFT JOIN bonus_offers o ON o.id = v.offer_id
        WHERE a.kind = 'wallet' AND a.user_id = ${userId}
        ORDER BY t.id`,
  );
  const vouchers = await rows<{
    id: string | number;
    title: string;
    name: string;
    points: number;
    status: string;
    issued_at: Date;
    redeemed_at: Date | null;
  }>(
    db,
    sql`SELECT v.id, o.title, p.name, v.points, v.status, v.issued_at, v.redeemed_at
        FROM bonus_vouchers v JOIN bonus_offers o ON o.id = v.offer_id JOIN bonus_partners p ON p.id = v.partner_id
        WHERE v.user_id = ${userId} ORDER BY v.id`,
  );
  const awards = await rows<{
    at: Date;
    name: string;
    place: string | null;
    points: number;
    co2_grams: number;
  }>(
    db,
    sql`SELECT aw.created_at AS at, a.name, pl.name AS place, aw.points, aw.co2_grams
        FROM bonus_awards aw JOIN bonus_actions a ON a.id = aw.action_id LEFT JOIN bonus_places pl ON pl.id = aw.place_id
        WHERE aw.user_id = ${userId} ORDER BY aw.id`,
  );
  const iso = (d: Date) => new Date(d).toISOString();
  return {
    exportedAt: now.toISOString(),
    balance: balance ? Number(balance.balance) : 0,
    memberCode: code?.code ?? null,
    transactions: transactions.map((t) => ({
      id: Number(t.id),
      at: iso(t.at),
      kind: t.kind,
      points: Number(t.points),
      label: t.label ?? '',
    })),
    vouchers: vouchers.map((v) => ({
      id: Number(v.id),
      offer: v.title,
      partner: v.name,
      points: v.points,
      status: v.status,
      issuedAt: iso(v.issued_at),
      redeemedAt: v.redeemed_at ? iso(v.redeemed_at) : null,
    })),
    awards: awards.map((a) => ({
      at: iso(a.at),
      action: a.name,
      place: a.place,
      points: a.points,
      co2Grams: a.co2_grams,
    })),
  };
}

/** The bookings of the export as CSV (one line per booking). */
export function walletExportCsv(e: WalletExport): string {
  return stringify(
    [
      ['buchung', 'zeitpunkt', 'art', 'punkte', 'wofuer'],
      ...e.transactions.map((t) => [t.id, t.at, t.kind, t.points, t.label]),
    ],
    { bom: true },
  );
}
