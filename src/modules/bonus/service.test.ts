import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { cityId, testDatabase } from '../../../test/helpers.ts';
import { createUser } from '../../platform/auth/service.ts';
import { connect, type Database, type Db, one, rows, sql } from '../../platform/db/index.ts';
import { bonusJobHandlers } from './index.ts';
import {
  adjustWallet,
  approvePartner,
  awardPoints,
  BonusError,
  checkIn,
  checkinToken,
  createOffer,
  createPartner,
  createPlace,
  expirePoints,
  expiringPoints,
  fundingAccount,
  issueVoucher,
  ledgerTotal,
  postTransaction,
  RELEASE_QUEUE,
  ROTATION_SECONDS,
  redeemVoucher,
  releaseExpiredVouchers,
  reverseTransaction,
  upsertAction,
  walletAccount,
  walletBalance,
} from './service.ts';

const SECRET = 'test-secret-test-secret-test-secret-123';

/**
 * On PostgreSQL the concurrency tests need real parallel connections: a database of its own from
 * the run's template with a pool of 20 (the shared helper gives 5).
 */
async function concurrentDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  const template = process.env.SP_TEST_TEMPLATE_DB;
  if (!url || !template) return testDatabase();
  const admin = await connect({ databaseUrl: url, poolSize: 1 });
  const name = `sp_t_${process.env.SP_TEST_RUN_ID ?? 'x'}_${randomBytes(4).toString('hex')}`;
  await admin.withClient((c) => c.exec(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await connect({ databaseUrl: u.toString(), poolSize: 20 });
  const close = database.close.bind(database);
  database.close = async () => {
    await close();
    await admin.withClient((c) => c.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await admin.close();
  };
  return database;
}

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

async function credit(userId: string, points: number): Promise<void> {
  const funding = await fundingAccount(db, aalen);
  const wallet = await walletAccount(db, userId);
  await postTransaction(db, {
    key: `test-credit:${randomBytes(6).toString('hex')}`,
    kind: 'earn',
    cityId: aalen,
    entries: [
      { accountId: funding, amount: -points },
      { accountId: wallet, amount: points },
    ],
  });
}

async function partnerWithOffer(price: number, extra: { quotaTotal?: number; quotaPerPerson?: number } = {}) {
  const staff = await person();
  const partnerId = await createPartner(db, {
    cityId: heidenheim,
    slug: `laden-${randomBytes(4).toString('hex')}`,
    name: 'Unverpackt-Laden',
    members: [staff],
  });
  await approvePartner(db, partnerId, null);
  const offerId = await createOffer(db, {
    partnerId,
    title: '2 € Gutschrift',
    kind: 'credit',
    creditCents: 200,
    pointsPrice: price,
    status: 'approved',
    ...extra,
  });
  return { staff, partnerId, offerId };
}

/** Database errors arrive wrapped by Drizzle ("Failed query …"); the reason is in the cause. */
function dbError(re: RegExp) {
  return (err: unknown) => {
    const e = err as Error & { cause?: Error };
    assert.match(`${e.message} ${e.cause?.message ?? ''}`, re);
    return true;
  };
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

describe('bonus ledger and rules', () => {
  before(async () => {
    database = await concurrentDatabase();
    db = database.db;
    aalen = await cityId(database, 'aalen');
    heidenheim = await cityId(database, 'heidenheim');
  });
  after(async () => database.close());
  afterEach(async () => {
    assert.equal(await ledgerTotal(db), 0, 'the sum over all ledger entries is 0');
    const drift = await rows(
      db,
      sql`SELECT a.id FROM bonus_accounts a WHERE a.kind = 'wallet'
          AND a.balance <> (SELECT coalesce(sum(amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)`,
    );
    assert.deepEqual(drift, [], 'cached wallet balances equal the sum of their entries');
    const hold = await one<{ held: string; open: string }>(
      db,
      sql`SELECT (SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e JOIN bonus_accounts a ON a.id = e.account_id
                  WHERE a.kind = 'hold')::text AS held,
                 (SELECT coalesce(sum(points), 0) FROM bonus_vouchers WHERE status = 'issued')::text AS open`,
    );
    assert.equal(hold!.held, hold!.open, 'the hold account holds exactly the points of open vouchers');
  });

  test('unbalanced transactions are refused by the service and by the database', async () => {
    const u = await person();
    const wallet = await walletAccount(db, u);
    const funding = await fundingAccount(db, aalen);
    await assert.rejects(
      postTransaction(db, {
        key: 'bad',
        kind: 'earn',
        entries: [
          { accountId: funding, amount: -5 },
          { accountId: wallet, amount: 4 },
        ],
      }),
      /not balanced/,
    );
    await assert.rejects(
      db.transaction(async (tx) => {
        const t = await one<{ id: number }>(
          tx,
          sql`INSERT INTO ledger_transactions (idempotency_key, kind) VALUES ('raw-bad', 'earn') RETURNING id`,
        );
        await tx.execute(sql`INSERT INTO ledger_entries (transaction_id, account_id, amount) VALUES
          (${t!.id}, ${funding}, -5), (${t!.id}, ${wallet}, 4)`);
      }),
      dbError(/not balanced/),
    );
    assert.equal(await walletBalance(db, u), 0);
  });

  test('a transaction without entries is refused at commit', async () => {
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.execute(
          sql`INSERT INTO ledger_transactions (idempotency_key, kind) VALUES ('empty', 'adjust')`,
        );
      }),
      dbError(/not balanced/),
    );
  });

  test('deleting a person keeps their ledger entries, anonymised', async () => {
    const u = await person();
    await credit(u, 40);
    const wallet = await walletAccount(db, u);
    await db.execute(sql`DELETE FROM users WHERE id = ${u}`);
    const row = await one<{ user_id: string | null; balance: string }>(
      db,
      sql`SELECT user_id, balance::text FROM bonus_accounts WHERE id = ${wallet}`,
    );
    assert.deepEqual(row, { user_id: null, balance: '40' });
  });

  test('UPDATE, DELETE and TRUNCATE on ledger tables raise', async () => {
    const u = await person();
    await credit(u, 10);
    await assert.rejects(
      db.execute(sql`UPDATE ledger_entries SET amount = amount * 2`),
      dbError(/append-only/),
    );
    await assert.rejects(db.execute(sql`DELETE FROM ledger_entries`), dbError(/append-only/));
    await assert.rejects(
      db.execute(sql`UPDATE ledger_transactions SET reference = 'x'`),
      dbError(/append-only/),
    );
    await assert.rejects(db.execute(sql`DELETE FROM ledger_transactions`), dbError(/append-only/));
    await assert.rejects(db.execute(sql`TRUNCATE ledger_entries CASCADE`), dbError(/append-only/));
    assert.equal(await walletBalance(db, u), 10);
  });

  test('a wallet cannot go below zero, even bypassing the service check', async () => {
    const u = await person();
    await credit(u, 10);
    const wallet = await walletAccount(db, u);
    const funding = await fundingAccount(db, aalen);
    const err = await refusal(
      postTransaction(db, {
        key: `overdraft-${u}`,
        kind: 'adjust',
        entries: [
          { accountId: wallet, amount: -11 },
          { accountId: funding, amount: 11 },
        ],
      }),
    );
    assert.equal(err.code, 'insufficient');
    await assert.rejects(
      db.transaction(async (tx) => {
        const t = await one<{ id: number }>(
          tx,
          sql`INSERT INTO ledger_transactions (idempotency_key, kind) VALUES (${`raw-${u}`}, 'adjust') RETURNING id`,
        );
        await tx.execute(sql`INSERT INTO ledger_entries (transaction_id, account_id, amount) VALUES
          (${t!.id}, ${wallet}, -11), (${t!.id}, ${funding}, 11)`);
      }),
      dbError(/bonus_accounts_wallet_nonnegative/),
    );
    assert.equal(await walletBalance(db, u), 10);
  });

  test('idempotent retries do not double-credit', async () => {
    const u = await person();
    await upsertAction(db, {
      cityId: null,
      slug: 'mangel-gemeldet',
      name: 'Mangel gemeldet',
      points: 20,
      verification: 'participation',
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        awardPoints(db, { userId: u, cityId: aalen, actionSlug: 'mangel-gemeldet', reference: 'report:42' }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'awarded').length, 1);
    assert.equal(new Set(results.map((r) => r.transactionId)).size, 1);
    assert.equal(await walletBalance(db, u), 20);
    const again = await awardPoints(db, {
      userId: u,
      cityId: aalen,
      actionSlug: 'mangel-gemeldet',
      reference: 'report:42',
    });
    assert.equal(again.status, 'duplicate');
    assert.equal(await walletBalance(db, u), 20);
  });

  test('per-person limits per day hold under parallel awards', async () => {
    const u = await person();
    await upsertAction(db, {
      cityId: aalen,
      slug: 'umfrage',
      name: 'An einer Umfrage teilgenommen',
      points: 5,
      verification: 'participation',
      limitPerDay: 3,
    });
    const settled = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        awardPoints(db, { userId: u, cityId: aalen, actionSlug: 'umfrage', reference: `survey:${i}` }),
      ),
    );
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 3);
    for (const s of settled)
      if (s.status === 'rejected') assert.equal((s.reason as BonusError).code, 'limit', String(s.reason));
    assert.equal(await walletBalance(db, u), 15);
  });

  test('check-in tokens: valid once, forged, replayed, expired and rotated codes refused', async () => {
    const u = await person();
    const actionId = await upsertAction(db, {
      cityId: aalen,
      slug: 'stadtbibliothek',
      name: 'Besuch der Stadtbibliothek',
      points: 10,
      verification: 'checkin',
      limitPerDay: 5,
    });
    const printed = await createPlace(db, {
      cityId: aalen,
      actionId,
      name: 'Stadtbibliothek',
      codeKind: 'static',
    });
    const stele = await createPlace(db, {
      cityId: aalen,
      actionId,
      name: 'Stele Marktplatz',
      codeKind: 'rotating',
    });
    const now = new Date();

    const token = checkinToken(SECRET, printed);
    const ok = await checkIn(db, { secret: SECRET, token, userId: u, now });
    assert.equal(ok.points, 10);
    assert.equal((await refusal(checkIn(db, { secret: SECRET, token, userId: u, now }))).code, 'duplicate');

    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token: forged, userId: u, now }))).code,
      'invalid_token',
    );
    const otherSecret = checkinToken('another-secret-another-secret-1234567', printed);
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token: otherSecret, userId: u, now }))).code,
      'invalid_token',
    );
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token: 'nonsense', userId: u, now }))).code,
      'invalid_token',
    );
    // A printed code from before a reprint (older version) is no longer valid.
    await db.execute(sql`UPDATE bonus_places SET code_version = 2 WHERE id = ${printed.id}`);
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token, userId: u, now }))).code,
      'expired_token',
    );

    const step = ROTATION_SECONDS * 1000;
    const current = checkinToken(SECRET, stele, now);
    const previous = checkinToken(SECRET, stele, new Date(now.getTime() - step));
    const twoAgo = checkinToken(SECRET, stele, new Date(now.getTime() - 2 * step));
    const future = checkinToken(SECRET, stele, new Date(now.getTime() + 2 * step));
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token: twoAgo, userId: u, now }))).code,
      'expired_token',
    );
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token: future, userId: u, now }))).code,
      'invalid_token',
    );
    assert.equal((await checkIn(db, { secret: SECRET, token: previous, userId: u, now })).points, 10);
    assert.equal((await checkIn(db, { secret: SECRET, token: current, userId: u, now })).points, 10);
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token: current, userId: u, now }))).code,
      'duplicate',
    );
    // The same stele code photographed and used 90 s later is refused.
    const later = new Date(now.getTime() + 3 * step);
    assert.equal(
      (await refusal(checkIn(db, { secret: SECRET, token: current, userId: u, now: later }))).code,
      'expired_token',
    );
    assert.equal(await walletBalance(db, u), 30);
  });

  test('100 parallel redemptions of one voucher: exactly one succeeds', async () => {
    const citizen = await person();
    await credit(citizen, 500);
    const { staff, partnerId, offerId } = await partnerWithOffer(200);
    const voucher = await issueVoucher(db, { userId: citizen, offerId });
    assert.equal(await walletBalance(db, citizen), 300);
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, () => redeemVoucher(db, { code: voucher.code, actorId: staff })),
    );
    const won = settled.filter((s) => s.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const s of settled)
      if (s.status === 'rejected')
        assert.equal((s.reason as BonusError).code, 'voucher_used', String(s.reason));
    const partnerBalance = await one<{ b: string }>(
      db,
      sql`SELECT coalesce(sum(e.amount), 0)::text AS b FROM ledger_entries e JOIN bonus_accounts a ON a.id = e.account_id
          WHERE a.kind = 'partner' AND a.partner_id = ${partnerId}`,
    );
    assert.equal(Number(partnerBalance!.b), 200);
    const audits = await one<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'bonus.voucher.redeem' AND entity_id = ${String(voucher.id)}`,
    );
    assert.equal(audits!.n, 1);
  });

  test('100 parallel voucher issues exceeding the balance: never negative, the successful ones fit', async () => {
    const citizen = await person();
    await credit(citizen, 1000);
    const { offerId } = await partnerWithOffer(30);
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, () => issueVoucher(db, { userId: citizen, offerId })),
    );
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    for (const s of settled)
      if (s.status === 'rejected')
        assert.equal((s.reason as BonusError).code, 'insufficient', String(s.reason));
    assert.equal(ok, 33);
    assert.equal(await walletBalance(db, citizen), 1000 - 33 * 30);
    const min = await one<{ m: string }>(
      db,
      sql`SELECT min(balance)::text AS m FROM bonus_accounts WHERE kind = 'wallet'`,
    );
    assert.ok(Number(min!.m) >= 0);
  });

  test('voucher rules: own voucher, other partner, expiry releases the hold once, quotas', async () => {
    const citizen = await person();
    await credit(citizen, 300);
    const { staff, offerId } = await partnerWithOffer(100, { quotaPerPerson: 2 });
    const other = await partnerWithOffer(100);
    // A partner member cannot redeem a voucher they issued to themselves.
    await credit(staff, 100);
    const own = await issueVoucher(db, { userId: staff, offerId });
    assert.equal((await refusal(redeemVoucher(db, { code: own.code, actorId: staff }))).code, 'own_voucher');

    const v = await issueVoucher(db, { userId: citizen, offerId, requestKey: 'retry-1' });
    const retry = await issueVoucher(db, { userId: citizen, offerId, requestKey: 'retry-1' });
    assert.equal(retry.id, v.id, 'the same request key returns the same voucher');
    assert.equal(await walletBalance(db, citizen), 200);
    assert.equal(
      (await refusal(redeemVoucher(db, { code: v.code, actorId: other.staff }))).code,
      'wrong_partner',
    );

    const later = new Date(v.expiresAt.getTime() + 1000);
    assert.equal(
      (await refusal(redeemVoucher(db, { code: v.code.toLowerCase(), actorId: staff, now: later }))).code,
      'voucher_expired',
    );
    // Both vouchers (and any other expired ones of this database) are released, then nothing more.
    assert.ok((await releaseExpiredVouchers(db, later)) >= 2);
    assert.equal(await releaseExpiredVouchers(db, later), 0);
    assert.equal(await walletBalance(db, citizen), 300);
    assert.equal(await walletBalance(db, staff), 100);

    await issueVoucher(db, { userId: citizen, offerId });
    await issueVoucher(db, { userId: citizen, offerId });
    assert.equal((await refusal(issueVoucher(db, { userId: citizen, offerId }))).code, 'quota');
  });

  test('the release job gives the points of an expired voucher back once', async () => {
    const citizen = await person();
    await credit(citizen, 100);
    const { offerId } = await partnerWithOffer(100);
    const v = await issueVoucher(db, { userId: citizen, offerId, now: new Date(Date.now() - 16 * 60_000) });
    assert.equal(await walletBalance(db, citizen), 0);
    const job = await one<{ id: string; run_at: Date; payload: { voucherId: number } }>(
      db,
      sql`SELECT id, run_at, payload FROM jobs WHERE queue = ${RELEASE_QUEUE} AND dedupe_key = ${`voucher:${v.id}`}`,
    );
    assert.ok(job, 'a release job is queued at issue');
    assert.equal(new Date(job.run_at).getTime(), v.expiresAt.getTime() + 1000);
    const handlers = bonusJobHandlers({ database } as never);
    const run = () =>
      handlers[RELEASE_QUEUE]!({
        id: Number(job.id),
        queue: RELEASE_QUEUE,
        payload: job.payload,
        attempts: 1,
        max_attempts: 5,
      });
    await run();
    await run();
    assert.equal(await walletBalance(db, citizen), 100);
  });

  test('staff adjustments need a reason and are audited; reversals happen once', async () => {
    const citizen = await person();
    const admin = await person();
    assert.equal(
      (
        await refusal(
          adjustWallet(db, { actorId: admin, userId: citizen, cityId: aalen, points: 50, reason: ' ' }),
        )
      ).code,
      'invalid',
    );
    const adj = await adjustWallet(db, {
      actorId: admin,
      userId: citizen,
      cityId: aalen,
      points: 50,
      reason: 'Check-in am Stand nachgetragen',
    });
    assert.equal(await walletBalance(db, citizen), 50);
    const rev = await reverseTransaction(db, {
      actorId: admin,
      transactionId: adj.id,
      reason: 'Doppelt gebucht',
    });
    const again = await reverseTransaction(db, {
      actorId: admin,
      transactionId: adj.id,
      reason: 'Doppelt gebucht',
    });
    assert.equal(again.id, rev.id);
    assert.equal(again.created, false);
    assert.equal(await walletBalance(db, citizen), 0);
    const audits = await one<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('bonus.adjust', 'bonus.reverse') AND actor_id = ${admin}`,
    );
    assert.equal(audits!.n, 2);
  });

  test('expiry: points earned in year Y expire at the end of Y+2, exactly once, oldest spent first', async () => {
    const citizen = await person();
    await upsertAction(db, {
      cityId: aalen,
      slug: 'repair-cafe',
      name: 'Repair-Café',
      points: 100,
      verification: 'partner',
    });
    const award = (ref: string, at: string) =>
      awardPoints(db, {
        userId: citizen,
        cityId: aalen,
        actionSlug: 'repair-cafe',
        reference: ref,
        now: new Date(at),
      });
    await award('a', '2022-03-01T10:00:00Z');
    await award('b', '2022-12-31T23:30:00Z'); // already 2023 in Berlin (UTC+1)
    await award('c', '2023-06-01T10:00:00Z');
    await award('d', '2024-06-01T10:00:00Z');
    // 150 spent: taken from the oldest points (2022).
    const wallet = await walletAccount(db, citizen);
    const funding = await fundingAccount(db, aalen);
    await postTransaction(db, {
      key: `spend-${citizen}`,
      kind: 'adjust',
      reason: 'test',
      entries: [
        { accountId: wallet, amount: -150 },
        { accountId: funding, amount: 150 },
      ],
    });
    assert.equal(await walletBalance(db, citizen), 250);
    // During 2025 the 2022 points (100, all spent) are gone; nothing expires.
    assert.deepEqual(await expirePoints(db, new Date('2025-12-31T12:00:00Z')), { wallets: 0, points: 0 });
    const before2026 = await expiringPoints(db, citizen);
    assert.deepEqual(before2026, [
      { year: 2023, points: 150, expiresOn: '2025-12-31' },
      { year: 2024, points: 100, expiresOn: '2026-12-31' },
    ]);
    // 1 Jan 2026 (Berlin): 2023 points expire: 200 earned, 50 of them spent → 150.
    const r = await expirePoints(db, new Date('2025-12-31T23:30:00Z'));
    assert.equal(r.points, 150);
    assert.equal(await walletBalance(db, citizen), 100);
    assert.equal((await expirePoints(db, new Date('2026-01-02T00:00:00Z'))).points, 0);
    assert.equal(await walletBalance(db, citizen), 100);
    assert.equal((await expirePoints(db, new Date('2027-01-01T12:00:00Z'))).points, 100);
    assert.equal(await walletBalance(db, citizen), 0);
  });
});
