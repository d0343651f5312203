import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { cityId, testDatabase } from '../../../test/helpers.ts';
import { createUser } from '../../platform/auth/service.ts';
import { type Database, type Db, one, rows, sql } from '../../platform/db/index.ts';
import {
  clearingCsv,
  closePeriod,
  netClearing,
  periodFigures,
  settlementCsv,
  splitPoints,
} from './clearing.ts';
import { anomalies, publicStats, walletExport, walletExportCsv } from './insights.ts';
import { confirmAction, memberCode, redeemAudited, renewMemberCode } from './partner.ts';
import {
  type ActionRow,
  approvePartner,
  award,
  awardForAction,
  BonusError,
  createMultiplier,
  createOffer,
  createPartner,
  createPlace,
  fundingAccount,
  issueVoucher,
  ledgerTotal,
  postTransaction,
  redeemVoucher,
  upsertAction,
  walletAccount,
  walletBalance,
} from './service.ts';

let database: Database;
let db: Db;
let aalen: number;
let heidenheim: number;

async function person(): Promise<string> {
  const u = await createUser(db, {
    email: `p${randomBytes(5).toString('hex')}@example.org`,
    displayName: 'Person',
    confirmed: true,
  });
  return u.id;
}

async function earn(userId: string, city: number, points: number, at: Date) {
  await postTransaction(db, {
    key: `t-earn:${randomBytes(6).toString('hex')}`,
    kind: 'earn',
    cityId: city,
    at,
    entries: [
      { accountId: await fundingAccount(db, city), amount: -points },
      { accountId: await walletAccount(db, userId), amount: points },
    ],
  });
}

async function partnerWithOffer(city: number, price: number) {
  const staff = await person();
  const partnerId = await createPartner(db, {
    cityId: city,
    slug: `p-${randomBytes(4).toString('hex')}`,
    name: `Partner ${price}`,
    members: [staff],
  });
  await approvePartner(db, partnerId, null);
  const offerId = await createOffer(db, {
    partnerId,
    title: 'Gutschrift',
    kind: 'credit',
    creditCents: price,
    pointsPrice: price,
    status: 'approved',
  });
  return { staff, partnerId, offerId };
}

async function refusal(p: Promise<unknown>): Promise<BonusError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof BonusError) return err;
    throw err;
  }
  assert.fail('expected a refusal');
}

function dbError(re: RegExp) {
  return (err: unknown) => {
    const e = err as Error & { cause?: Error };
    assert.match(`${e.message} ${e.cause?.message ?? ''}`, re);
    return true;
  };
}

const actionById = async (id: number) =>
  (await one<ActionRow>(db, sql`SELECT * FROM bonus_actions WHERE id = ${id}`))!;

describe('bonus settlement, clearing, campaigns, partner confirmations', () => {
  before(async () => {
    database = await testDatabase();
    db = database.db;
    aalen = await cityId(database, 'aalen');
    heidenheim = await cityId(database, 'heidenheim');
  });
  after(async () => database.close());
  afterEach(async () => {
    assert.equal(await ledgerTotal(db), 0, 'the sum over all ledger entries is 0');
  });

  test('splitPoints: largest remainder, sums exactly', () => {
    assert.deepEqual(
      [
        ...splitPoints(
          200,
          new Map([
            [1, 300],
            [2, 100],
          ]),
        ),
      ],
      [
        [1, 150],
        [2, 50],
      ],
    );
    const s = splitPoints(
      100,
      new Map([
        [1, 1],
        [2, 1],
        [3, 1],
      ]),
    );
    assert.deepEqual(
      [...s.values()].reduce((a, b) => a + b, 0),
      100,
    );
    assert.deepEqual(
      [...s],
      [
        [1, 34],
        [2, 33],
        [3, 33],
      ],
    );
    assert.equal(splitPoints(10, new Map([[1, 0]])).size, 0);
  });

  test('monthly settlement and clearing match the ledger; closing makes them immutable in the database', async () => {
    const month = '2021-03';
    const t = (day: number, min = 0) => new Date(Date.UTC(2021, 2, day, 10, min));
    const a = await person();
    const b = await person();
    await earn(a, aalen, 300, t(2));
    await earn(a, heidenheim, 100, t(3));
    await earn(b, heidenheim, 70, t(2));
    await earn(b, aalen, 30, t(4));
    const inHeidenheim = await partnerWithOffer(heidenheim, 200);
    const inAalen = await partnerWithOffer(aalen, 100);
    const v1 = await issueVoucher(db, { userId: a, offerId: inHeidenheim.offerId, now: t(10) });
    await redeemVoucher(db, { code: v1.code, actorId: inHeidenheim.staff, now: t(10, 5) });
    const v2 = await issueVoucher(db, { userId: b, offerId: inAalen.offerId, now: t(12) });
    await redeemVoucher(db, { code: v2.code, actorId: inAalen.staff, now: t(12, 5) });
    // Points earned after a redemption do not change where that redemption's points came from.
    await earn(a, heidenheim, 400, t(15));
    // Outside the month: not part of it.
    await earn(a, aalen, 100, new Date(Date.UTC(2021, 3, 2)));
    const v3 = await issueVoucher(db, {
      userId: a,
      offerId: inAalen.offerId,
      now: new Date(Date.UTC(2021, 3, 3)),
    });
    await redeemVoucher(db, {
      code: v3.code,
      actorId: inAalen.staff,
      now: new Date(Date.UTC(2021, 3, 3, 0, 1)),
    });

    const open = await periodFigures(db, month);
    assert.equal(open.status, 'open');
    assert.equal(open.closable, true);
    const mine = open.settlements.filter((s) =>
      [inHeidenheim.partnerId, inAalen.partnerId].includes(s.partnerId),
    );
    assert.deepEqual(
      mine.map((s) => [s.partnerId, s.redemptions, s.points, s.cents]).sort((x, y) => x[0]! - y[0]!),
      [
        [inHeidenheim.partnerId, 1, 200, 200],
        [inAalen.partnerId, 1, 100, 100],
      ],
    );
    const cell = (f: typeof open, i: number, r: number) =>
      f.clearing.find((c) => c.issuingCityId === i && c.redeemingCityId === r)?.points ?? 0;
    assert.equal(cell(open, aalen, heidenheim), 150);
    assert.equal(cell(open, heidenheim, heidenheim), 50);
    assert.equal(cell(open, heidenheim, aalen), 70);
    assert.equal(cell(open, aalen, aalen), 30);
    assert.deepEqual(netClearing(open), [{ from: aalen, to: heidenheim, points: 80, cents: 80 }]);

    // The figures equal the ledger: points booked to partner accounts by redemptions in the month.
    const ledger = await one<{ total: string }>(
      db,
      sql`SELECT coalesce(sum(e.amount), 0)::text AS total FROM ledger_transactions t
          JOIN ledger_entries e ON e.transaction_id = t.id JOIN bonus_accounts ac ON ac.id = e.account_id AND ac.kind = 'partner'
          WHERE t.kind = 'redeem' AND t.created_at >= '2021-02-28T23:00:00Z' AND t.created_at < '2021-03-31T22:00:00Z'`,
    );
    const settled = open.settlements.reduce((s, l) => s + l.points, 0);
    assert.equal(settled, Number(ledger!.total));
    assert.equal(
      open.clearing.reduce((s, c) => s + c.points, 0),
      settled,
    );
    for (const c of [aalen, heidenheim])
      assert.equal(
        open.clearing.filter((x) => x.redeemingCityId === c).reduce((s, x) => s + x.points, 0),
        open.settlements.filter((x) => x.cityId === c).reduce((s, x) => s + x.points, 0),
        'each column of the matrix equals the settlements of that city',
      );

    const admin = await person();
    const closed = await closePeriod(db, { month, actorId: admin });
    assert.equal(closed.status, 'closed');
    assert.deepEqual(closed.settlements, open.settlements);
    assert.deepEqual(closed.clearing, open.clearing);
    assert.match(settlementCsv(closed), /2021-03,closed,\d+,Partner 200,Heidenheim,1,200,2\.00/);
    assert.match(clearingCsv(closed), /2021-03,closed,Aalen,Heidenheim,150,1\.50/);
    const audited = await one(
      db,
      sql`SELECT 1 FROM audit_log WHERE action = 'bonus.period.close' AND entity_id = ${month}`,
    );
    assert.ok(audited);

    assert.equal((await refusal(closePeriod(db, { month, actorId: admin }))).code, 'duplicate');
    assert.equal((await refusal(closePeriod(db, { month: '2099-01', actorId: admin }))).code, 'invalid');
    // The database refuses every change to a closed period, whatever code path tries.
    await assert.rejects(
      db.execute(sql`UPDATE bonus_settlements SET points = points + 1`),
      dbError(/closed/),
    );
    await assert.rejects(db.execute(sql`DELETE FROM bonus_clearing`), dbError(/closed/));
    await assert.rejects(
      db.execute(sql`INSERT INTO bonus_clearing (period_id, issuing_city_id, redeeming_city_id, points, cents)
        SELECT id, ${aalen}, ${heidenheim}, 1, 1 FROM bonus_periods WHERE month = '2021-03-01'`),
      dbError(/closed/),
    );
    await assert.rejects(db.execute(sql`UPDATE bonus_periods SET status = 'open'`), dbError(/closed/));
    await assert.rejects(db.execute(sql`DELETE FROM bonus_periods`), dbError(/closed/));
    await assert.rejects(db.execute(sql`TRUNCATE bonus_settlements`), dbError(/truncate|closed/));
    await assert.rejects(earn(a, aalen, 5, t(20)), dbError(/closed/));
    // A later month is still open for bookings.
    await earn(a, aalen, 5, new Date(Date.UTC(2021, 3, 20)));
  });

  test('campaign multipliers: the strongest running one applies, not stacked, only in its period', async () => {
    const actionId = await upsertAction(db, {
      cityId: aalen,
      slug: 'baum-gepflanzt',
      name: 'Baum gepflanzt',
      points: 10,
      verification: 'participation',
    });
    const start = new Date('2024-05-01T00:00:00Z');
    const end = new Date('2024-06-01T00:00:00Z');
    await createMultiplier(
      db,
      { label: 'Aktionswoche', actionId, percent: 200, startsAt: start, endsAt: end },
      null,
    );
    await createMultiplier(
      db,
      { label: 'Stadtfest', cityId: aalen, percent: 150, startsAt: start, endsAt: end },
      null,
    );
    await assert.rejects(
      createMultiplier(db, { label: 'x', percent: 5000, startsAt: start, endsAt: end, cityId: aalen }, null),
      BonusError,
    );
    const u = await person();
    const during = await awardForAction(db, {
      userId: u,
      cityId: aalen,
      actionCode: 'baum-gepflanzt',
      reference: 'tree-1',
      now: new Date('2024-05-10T10:00:00Z'),
    });
    assert.equal(during.points, 20);
    const afterwards = await awardForAction(db, {
      userId: u,
      cityId: aalen,
      actionCode: 'baum-gepflanzt',
      reference: 'tree-2',
      now: new Date('2024-06-10T10:00:00Z'),
    });
    assert.equal(afterwards.points, 10);
    assert.equal(await walletBalance(db, u), 30);
  });

  test('awardForAction: an idempotency key pays once; unknown actions are refused', async () => {
    await upsertAction(db, {
      cityId: null,
      slug: 'idee-eingereicht',
      name: 'Idee',
      points: 25,
      verification: 'participation',
    });
    const u = await person();
    const input = {
      userId: u,
      cityId: heidenheim,
      actionCode: 'idee-eingereicht',
      reference: 'idea:1',
      idempotencyKey: 'req-1',
    };
    const [x, y] = await Promise.all([awardForAction(db, input), awardForAction(db, input)]);
    assert.deepEqual([x.status, y.status].sort(), ['awarded', 'duplicate']);
    assert.equal((await awardForAction(db, input)).status, 'duplicate');
    assert.equal(await walletBalance(db, u), 25);
    assert.equal(
      (await refusal(awardForAction(db, { ...input, actionCode: 'gibt-es-nicht' }))).code,
      'not_found',
    );
  });

  test('member codes: a partner confirms an action once per form; not for itself; audited', async () => {
    const actionId = await upsertAction(db, {
      cityId: heidenheim,
      slug: 'repair-cafe',
      name: 'Im Repair-Café repariert',
      points: 100,
      verification: 'partner',
      limitPerMonth: 2,
    });
    const { staff, partnerId } = await partnerWithOffer(heidenheim, 50);
    const citizen = await person();
    const code = await memberCode(db, citizen);
    assert.match(code, /^[A-Z2-9]{8}$/);
    assert.equal(await memberCode(db, citizen), code, 'stable until renewed');
    const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`;
    const r = await confirmAction(db, {
      actorId: staff,
      partnerId,
      actionId,
      memberCode: typed,
      requestKey: 'form-1',
    });
    assert.equal(r.status, 'awarded');
    const again = await confirmAction(db, {
      actorId: staff,
      partnerId,
      actionId,
      memberCode: code,
      requestKey: 'form-1',
    });
    assert.equal(again.status, 'duplicate');
    assert.equal(await walletBalance(db, citizen), 100);
    const own = await memberCode(db, staff);
    assert.equal(
      (
        await refusal(
          confirmAction(db, { actorId: staff, partnerId, actionId, memberCode: own, requestKey: 'f2' }),
        )
      ).code,
      'own_voucher',
    );
    const stranger = await person();
    assert.equal(
      (
        await refusal(
          confirmAction(db, { actorId: stranger, partnerId, actionId, memberCode: code, requestKey: 'f3' }),
        )
      ).code,
      'wrong_partner',
    );
    assert.equal(
      (
        await refusal(
          confirmAction(db, {
            actorId: staff,
            partnerId,
            actionId,
            memberCode: 'ZZZZZZZZ',
            requestKey: 'f4',
          }),
        )
      ).code,
      'not_found',
    );
    const renewed = await renewMemberCode(db, citizen);
    assert.notEqual(renewed, code);
    assert.equal(
      (
        await refusal(
          confirmAction(db, { actorId: staff, partnerId, actionId, memberCode: code, requestKey: 'f5' }),
        )
      ).code,
      'not_found',
    );
    const log = await rows<{ action: string; details: Record<string, unknown> }>(
      db,
      sql`SELECT action, details FROM audit_log WHERE actor_id = ${staff} AND action = 'bonus.partner.confirm'`,
    );
    assert.equal(log.length, 1);
    assert.equal(
      JSON.stringify(log[0]!.details).includes(citizen),
      false,
      'no citizen identity in the audit log',
    );
  });

  test('refused redemptions are audited; a partner cannot redeem its own voucher', async () => {
    const { staff, offerId } = await partnerWithOffer(aalen, 10);
    await earn(staff, aalen, 10, new Date());
    const v = await issueVoucher(db, { userId: staff, offerId });
    assert.equal((await refusal(redeemAudited(db, { code: v.code, actorId: staff }))).code, 'own_voucher');
    assert.equal(
      (await refusal(redeemAudited(db, { code: 'AAAAA-BBBBB', actorId: staff }))).code,
      'not_found',
    );
    const n = await one<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE actor_id = ${staff} AND action = 'bonus.voucher.refused'`,
    );
    assert.equal(n!.n, 2);
  });

  test('anomaly flags: check-ins at distant places within minutes; bursts', async () => {
    const bib = await upsertAction(db, {
      cityId: aalen,
      slug: 'bib-x',
      name: 'Bibliothek',
      points: 5,
      verification: 'checkin',
    });
    const hof = await upsertAction(db, {
      cityId: heidenheim,
      slug: 'hof-x',
      name: 'Wertstoffhof',
      points: 5,
      verification: 'checkin',
    });
    const p1 = await createPlace(db, {
      cityId: aalen,
      actionId: bib,
      name: 'Bibliothek Aalen',
      codeKind: 'static',
    });
    const p2 = await createPlace(db, {
      cityId: heidenheim,
      actionId: hof,
      name: 'Wertstoffhof Heidenheim',
      codeKind: 'static',
    });
    await db.execute(
      sql`UPDATE bonus_places SET location = ST_SetSRID(ST_MakePoint(10.0933, 48.8375), 4326) WHERE id = ${p1.id}`,
    );
    await db.execute(
      sql`UPDATE bonus_places SET location = ST_SetSRID(ST_MakePoint(10.1516, 48.6765), 4326) WHERE id = ${p2.id}`,
    );
    const u = await person();
    const now = new Date();
    const t0 = new Date(now.getTime() - 3600_000);
    await award(db, {
      userId: u,
      cityId: aalen,
      action: await actionById(bib),
      reference: 'a',
      placeId: p1.id,
      now: t0,
    });
    await award(db, {
      userId: u,
      cityId: heidenheim,
      action: await actionById(hof),
      reference: 'b',
      placeId: p2.id,
      now: new Date(t0.getTime() + 5 * 60_000),
    });
    const flags = await anomalies(db, 'all', now);
    const travel = flags.find((f) => f.kind === 'travel');
    assert.ok(travel, 'travel flagged');
    assert.match(travel.detail, /Bibliothek Aalen → Wertstoffhof Heidenheim: 1\d\.\d km in 5 min/);
    assert.equal(
      (await anomalies(db, [aalen], now)).some((f) => f.kind === 'travel'),
      false,
      'scoped by city',
    );
    assert.equal(
      flags.some((f) => f.kind === 'burst'),
      false,
    );
  });

  test("public statistics show aggregates only; export lists a person's bookings", async () => {
    const stats = await publicStats(db, heidenheim);
    assert.ok(stats.pointsIssued > 0);
    assert.ok(stats.pointsRedeemed >= 200);
    assert.ok(stats.co2Kg >= 0);
    // Fewer than five people: not shown as a number.
    const u = await person();
    await earn(u, aalen, 42, new Date());
    const e = await walletExport(db, u);
    assert.equal(e.balance, 42);
    assert.equal(e.transactions.length, 1);
    assert.match(walletExportCsv(e), /buchung,zeitpunkt,art,punkte,wofuer\r?\n\d+,[^,]+,earn,42,/);
  });
});
