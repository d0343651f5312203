/**
 * Partner portal rules: personal member codes of citizens, actions a partner confirms for a person,
 * audited redemptions (also the refused ones), and what a partner sees of its own business.
 */
import { randomInt } from 'node:crypto';
import { audit } from '../../platform/audit/service.ts';
import { grantRole } from '../../platform/auth/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import {
  type ActionRow,
  type AwardResult,
  award,
  BonusError,
  normalizeCode,
  type Redemption,
  redeemVoucher,
} from './service.ts';

// Same alphabet as vouchers: no 0/O, 1/I/L.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const MEMBER_CODE_LENGTH = 8;

export const formatMemberCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

function newMemberCode(): string {
  let s = '';
  for (let i = 0; i < MEMBER_CODE_LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/** The person's member code, created on first use. */
export async function memberCode(db: Db, userId: string): Promise<string> {
  const found = await one<{ code: string }>(
    db,
    sql`SELECT code FROM bonus_member_codes WHERE user_id = ${userId}`,
  );
  if (found) return found.code;
  for (;;) {
    const code = newMemberCode();
    const r = await one<{ code: string }>(
      db,
      sql`INSERT INTO bonus_member_codes (user_id, code) VALUES (${userId}, ${code})
          ON CONFLICT DO NOTHING RETURNING code`,
    );
    if (r) return r.code;
    // Either the person got a code concurrently, or (rarely) the code was taken: read or retry.
    const again = await one<{ code: string }>(
      db,
      sql`SELECT code FROM bonus_member_codes WHERE user_id = ${userId}`,
    );
    if (again) return again.code;
  }
}

/** A new code replaces the old one (for a code seen by others); the old one stops working. */
export async function renewMemberCode(db: Db, userId: string): Promise<string> {
  await db.execute(sql`DELETE FROM bonus_member_codes WHERE user_id = ${userId}`);
  return memberCode(db, userId);
}

export interface PartnerRow {
  id: number;
  name: string;
  city_id: number;
  status: string;
}

/** The approved partner this person acts for (a person may act for several). */
export async function partnerFor(db: Db, userId: string, partnerId: number): Promise<PartnerRow | undefined> {
  return one<PartnerRow>(
    db,
    sql`SELECT p.id, p.name, p.city_id, p.status FROM bonus_partners p
        JOIN bonus_partner_members m ON m.partner_id = p.id AND m.user_id = ${userId}
        WHERE p.id = ${partnerId} AND p.status = 'approved'`,
  );
}

/** Actions a partner may confirm: verified by partner, of its city or region-wide, active. */
export async function partnerActions(db: Db, cityId: number, now = new Date()): Promise<ActionRow[]> {
  return rows<ActionRow>(
    db,
    sql`SELECT * FROM bonus_actions WHERE verification = 'partner' AND active
          AND (city_id = ${cityId} OR city_id IS NULL)
          AND (active_from IS NULL OR active_from <= ${now}) AND (active_until IS NULL OR active_until > ${now})
        ORDER BY name`,
  );
}

/**
 * A partner confirms an action for the person whose member code it typed or scanned. Limits and
 * campaigns apply as for every earning; requestKey (one per form) makes a double submit pay once.
 * Nobody confirms for themselves. Audited without the person's identity.
 */
export async function confirmAction(
  db: Db,
  input: {
    actorId: string;
    partnerId: number;
    actionId: number;
    memberCode: string;
    requestKey: string;
    now?: Date;
  },
): Promise<AwardResult> {
  const now = input.now ?? new Date();
  const partner = await partnerFor(db, input.actorId, input.partnerId);
  if (!partner) throw new BonusError('wrong_partner', 'Sie handeln nicht für diesen Partner.');
  const code = normalizeCode(input.memberCode);
  if (!/^[A-Z0-9]{8}$/.test(code))
    throw new BonusError('invalid', 'Der Mitgliedscode hat acht Zeichen, zum Beispiel ABCD-2345.');
  const member = await one<{ user_id: string }>(
    db,
    sql`SELECT user_id FROM bonus_member_codes WHERE code = ${code}`,
  );
  if (!member)
    throw new BonusError('not_found', 'Diesen Mitgliedscode gibt es nicht. Bitte prüfen Sie die Eingabe.');
  if (member.user_id === input.actorId)
    throw new BonusError('own_voucher', 'Aktionen für sich selbst können Sie nicht bestätigen.');
  const action = (await partnerActions(db, partner.city_id, now)).find((a) => a.id === input.actionId);
  if (!action) throw new BonusError('inactive', 'Diese Aktion können Sie zurzeit nicht bestätigen.');
  return db.transaction(async (tx) => {
    const result = await award(tx, {
      userId: member.user_id,
      cityId: partner.city_id,
      action,
      reference: `partner:${partner.id}:${input.requestKey}`,
      now,
    });
    if (result.status === 'awarded')
      await audit(tx, {
        actorId: input.actorId,
        cityId: partner.city_id,
        action: 'bonus.partner.confirm',
        entityType: 'ledger_transaction',
        entityId: String(result.transactionId),
        details: { partnerId: partner.id, actionId: action.id, points: result.points },
      });
    return result;
  });
}

/** Redemption by a partner; refusals are audited too (many refusals are an anomaly signal). */
export async function redeemAudited(
  db: Db,
  input: { code: string; actorId: string; now?: Date },
): Promise<Redemption> {
  try {
    return await redeemVoucher(db, input);
  } catch (err) {
    if (err instanceof BonusError) {
      const p = await one<{ id: number; city_id: number }>(
        db,
        sql`SELECT p.id, p.city_id FROM bonus_partner_members m JOIN bonus_partners p ON p.id = m.partner_id
            WHERE m.user_id = ${input.actorId} ORDER BY p.id LIMIT 1`,
      );
      await audit(db, {
        actorId: input.actorId,
        cityId: p?.city_id ?? null,
        action: 'bonus.voucher.refused',
        entityType: 'bonus_partner',
        entityId: p ? String(p.id) : null,
        details: { reason: err.code },
      });
    }
    throw err;
  }
}

export interface PartnerActivity {
  at: Date;
  kind: 'redeem' | 'confirm';
  label: string;
  points: number;
}

/** Recent redemptions and confirmations of a partner (no personal data of citizens). */
export async function partnerActivity(db: Db, partnerId: number, limit = 20): Promise<PartnerActivity[]> {
  const r = await rows<{ at: Date; kind: 'redeem' | 'confirm'; label: string; points: number }>(
    db,
    sql`(SELECT v.redeemed_at AS at, 'redeem' AS kind, o.title AS label, v.points
         FROM bonus_vouchers v JOIN bonus_offers o ON o.id = v.offer_id
         WHERE v.partner_id = ${partnerId} AND v.status = 'redeemed')
        UNION ALL
        (SELECT t.created_at AS at, 'confirm' AS kind, a.name AS label, aw.points
         FROM ledger_transactions t JOIN bonus_awards aw ON aw.transaction_id = t.id
         JOIN bonus_actions a ON a.id = aw.action_id
         WHERE t.kind = 'earn' AND t.reference LIKE ${`partner:${partnerId}:%`})
        ORDER BY at DESC LIMIT ${limit}`,
  );
  return r.map((x) => ({ ...x, at: new Date(x.at), points: Number(x.points) }));
}

export interface PartnerAdminRow {
  id: number;
  name: string;
  cityId: number;
  cityName: string;
  status: string;
  members: number;
  offers: number;
}

/** Partners of the given cities (or all) for the staff list. */
export async function listPartners(db: Db, cityIds: number[] | 'all'): Promise<PartnerAdminRow[]> {
  const all = cityIds === 'all';
  return rows<PartnerAdminRow>(
    db,
    sql`SELECT p.id, p.name, p.city_id AS "cityId", c.short_name AS "cityName", p.status,
          (SELECT count(*)::int FROM bonus_partner_members m WHERE m.partner_id = p.id) AS members,
          (SELECT count(*)::int FROM bonus_offers o WHERE o.partner_id = p.id AND o.status = 'approved') AS offers
        FROM bonus_partners p JOIN cities c ON c.id = p.city_id
        WHERE ${all} OR p.city_id = ANY(${sql.param(all ? [] : cityIds)}::int[])
        ORDER BY c.sort, p.name`,
  );
}

/**
 * A city admin lets a person act for a partner (redeem, confirm): membership plus the city's
 * partner role. Audited; adding twice changes nothing.
 */
export async function addPartnerMember(
  db: Db,
  input: { partnerId: number; userId: string; actorId: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const p = await one<{ city_id: number }>(
      tx,
      sql`SELECT city_id FROM bonus_partners WHERE id = ${input.partnerId}`,
    );
    if (!p) throw new BonusError('not_found', 'Diesen Partner gibt es nicht.');
    const added = await rows(
      tx,
      sql`INSERT INTO bonus_partner_members (partner_id, user_id) VALUES (${input.partnerId}, ${input.userId})
          ON CONFLICT DO NOTHING RETURNING user_id`,
    );
    if (added.length === 0) return false;
    await grantRole(tx, input.userId, 'partner', p.city_id);
    await audit(tx, {
      actorId: input.actorId,
      cityId: p.city_id,
      action: 'bonus.partner.member.add',
      entityType: 'bonus_partner',
      entityId: String(input.partnerId),
    });
    return true;
  });
}
