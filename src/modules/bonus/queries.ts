/** Reads for the bonus pages and API: SQL only, no rules. */
import { type Db, rows, sql } from '../../platform/db/index.ts';

export interface HistoryRow {
  transactionId: number;
  kind: string;
  amount: number;
  at: Date;
  /** What it was for: action, offer or reason. */
  label: string;
}

export async function walletHistory(db: Db, userId: string, limit = 50): Promise<HistoryRow[]> {
  const r = await rows<{
    id: string | number;
    kind: string;
    amount: string | number;
    created_at: Date;
    label: string | null;
  }>(
    db,
    sql`SELECT t.id, t.kind, e.amount, t.created_at,
          coalesce(ac.name, o.title, t.reason) AS label
        FROM bonus_accounts a
        JOIN ledger_entries e ON e.account_id = a.id
        JOIN ledger_transactions t ON t.id = e.transaction_id
        LEFT JOIN bonus_awards aw ON aw.transaction_id = t.id
        LEFT JOIN bonus_actions ac ON ac.id = aw.action_id
        LEFT JOIN bonus_vouchers v ON (t.kind = 'hold' AND v.hold_transaction_id = t.id)
          OR (t.kind = 'release' AND t.reference = 'voucher:' || v.id)
        LEFT JOIN bonus_offers o ON o.id = v.offer_id
        WHERE a.kind = 'wallet' AND a.user_id = ${userId}
        ORDER BY t.id DESC LIMIT ${limit}`,
  );
  return r.map((x) => ({
    transactionId: Number(x.id),
    kind: x.kind,
    amount: Number(x.amount),
    at: new Date(x.created_at),
    label: x.label ?? '',
  }));
}

export interface OpenVoucher {
  id: number;
  code: string;
  points: number;
  expiresAt: Date;
  offerTitle: string;
  partnerName: string;
  partnerAddress: string;
  citySlug: string;
}

export async function openVouchers(db: Db, userId: string, now: Date): Promise<OpenVoucher[]> {
  const r = await rows<{
    id: string | number;
    code: string;
    points: number;
    expires_at: Date;
    title: string;
    name: string;
    address: string;
    slug: string;
  }>(
    db,
    sql`SELECT v.id, v.code, v.points, v.expires_at, o.title, p.name, p.address, c.slug
        FROM bonus_vouchers v JOIN bonus_offers o ON o.id = v.offer_id JOIN bonus_partners p ON p.id = v.partner_id
        JOIN cities c ON c.id = p.city_id
        WHERE v.user_id = ${userId} AND v.status = 'issued' AND v.expires_at > ${now}
        ORDER BY v.expires_at`,
  );
  return r.map((x) => ({
    id: Number(x.id),
    code: x.code,
    points: x.points,
    expiresAt: new Date(x.expires_at),
    offerTitle: x.title,
    partnerName: x.name,
    partnerAddress: x.address,
    citySlug: x.slug,
  }));
}

export async function voucherOf(db: Db, userId: string, voucherId: number) {
  const r = await rows<{
    id: string | number;
    code: string;
    points: number;
    status: string;
    expires_at: Date;
    title: string;
    name: string;
    address: string;
  }>(
    db,
    sql`SELECT v.id, v.code, v.points, v.status, v.expires_at, o.title, p.name, p.address
        FROM bonus_vouchers v JOIN bonus_offers o ON o.id = v.offer_id JOIN bonus_partners p ON p.id = v.partner_id
        WHERE v.id = ${voucherId} AND v.user_id = ${userId}`,
  );
  const x = r[0];
  if (!x) return undefined;
  return {
    id: Number(x.id),
    code: x.code,
    points: x.points,
    status: x.status,
    expiresAt: new Date(x.expires_at),
    offerTitle: x.title,
    partnerName: x.name,
    partnerAddress: x.address,
  };
}

export interface OfferListItem {
  id: number;
  title: string;
  description: string;
  kind: 'credit' | 'item';
  creditCents: number | null;
  pointsPrice: number;
  partnerName: string;
  partnerAddress: string;
  citySlug: string;
  cityName: string;
}

/** Approved offers of approved partners, valid now; optionally those of one city first. */
export async function availableOffers(db: Db, now: Date, cityId?: number): Promise<OfferListItem[]> {
  const r = await rows<{
    id: number;
    title: string;
    description: string;
    kind: 'credit' | 'item';
    credit_cents: number | null;
    points_price: number;
    name: string;
    address: string;
    slug: string;
    short_name: string;
  }>(
    db,
    sql`SELECT o.id, o.title, o.description, o.kind, o.credit_cents, o.points_price, p.name, p.address, c.slug, c.short_name
        FROM bonus_offers o JOIN bonus_partners p ON p.id = o.partner_id JOIN cities c ON c.id = p.city_id
        WHERE o.status = 'approved' AND p.status = 'approved'
          AND (o.valid_from IS NULL OR o.valid_from <= ${now}) AND (o.valid_until IS NULL OR o.valid_until > ${now})
        ORDER BY (p.city_id = ${cityId ?? 0}) DESC, c.sort, o.points_price, o.id`,
  );
  return r.map((x) => ({
    id: x.id,
    title: x.title,
    description: x.description,
    kind: x.kind,
    creditCents: x.credit_cents,
    pointsPrice: x.points_price,
    partnerName: x.name,
    partnerAddress: x.address,
    citySlug: x.slug,
    cityName: x.short_name,
  }));
}

export interface ActionListItem {
  name: string;
  description: string;
  easyLanguage: string;
  points: number;
  co2Grams: number;
  cityName: string | null;
}

export async function activeActions(db: Db, now: Date, cityId?: number): Promise<ActionListItem[]> {
  const r = await rows<{
    name: string;
    description: string;
    easy_language: string;
    points: number;
    co2_grams: number;
    short_name: string | null;
  }>(
    db,
    sql`SELECT a.name, a.description, a.easy_language, a.points, a.co2_grams, c.short_name
        FROM bonus_actions a LEFT JOIN cities c ON c.id = a.city_id
        WHERE a.active AND (a.active_from IS NULL OR a.active_from <= ${now})
          AND (a.active_until IS NULL OR a.active_until > ${now})
          AND (${cityId ?? null}::int IS NULL OR a.city_id IS NULL OR a.city_id = ${cityId ?? null}::int)
        ORDER BY c.sort NULLS FIRST, a.points DESC, a.name`,
  );
  return r.map((x) => ({
    name: x.name,
    description: x.description,
    easyLanguage: x.easy_language,
    points: x.points,
    co2Grams: x.co2_grams,
    cityName: x.short_name,
  }));
}

/** The partners a person acts for. */
export async function partnersOf(
  db: Db,
  userId: string,
): Promise<{ id: number; name: string; cityId: number }[]> {
  return rows(
    db,
    sql`SELECT p.id, p.name, p.city_id AS "cityId" FROM bonus_partner_members m JOIN bonus_partners p ON p.id = m.partner_id
        WHERE m.user_id = ${userId} AND p.status = 'approved' ORDER BY p.name`,
  );
}

/** This person's expired, unreleased vouchers (released on the spot when the wallet is shown). */
export async function expiredVoucherIds(db: Db, userId: string, now: Date): Promise<number[]> {
  const r = await rows<{ id: string | number }>(
    db,
    sql`SELECT id FROM bonus_vouchers WHERE user_id = ${userId} AND status = 'issued' AND expires_at <= ${now}`,
  );
  return r.map((x) => Number(x.id));
}
