/**
 * Stadttaler redemption benchmark on PostgreSQL.
 *
 * Measured: voucher redemptions per second with 32 concurrent clients (each a pooled connection
 * running the real service call: lock-free conditional UPDATE, balanced ledger posting with its
 * triggers, audit entry). Every voucher is attempted twice by different clients at the same time,
 * so the run also proves there is no double spend under contention.
 * Physical limit, same server, same run: pgbench's built-in "simple-update" script (3 statements
 * per transaction) with 32 clients in a scratch database.
 * Target: redemptions/s ≥ 0.3 × pgbench TPS, zero double spends, ledger sum 0.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/bonus.ts
 * BENCH_BONUS_VOUCHERS=n (default 6000), BENCH_BONUS_SECONDS=n (pgbench duration, default 15).
 * Both scratch databases are created and dropped by the run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import { seedBonus } from '../src/modules/bonus/seed.ts';
import {
  approvePartner,
  BonusError,
  createOffer,
  createPartner,
  fundingAccount,
  issueVoucher,
  ledgerTotal,
  postTransaction,
  redeemVoucher,
  walletAccount,
} from '../src/modules/bonus/service.ts';
import { createUser } from '../src/platform/auth/service.ts';
import { connect, type Database, one, sql } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';
import { listCities } from '../src/platform/tenancy/service.ts';

const run = promisify(execFile);
const CLIENTS = 32;
const TARGET = 0.3;

/** Same shape as bench/lib.ts Row, so bench/run.ts can list it in its table. */
export interface Row {
  bench: string;
  case: string;
  database: string;
  measured: string;
  limit: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

function pgbenchPath(): string {
  for (const p of ['/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench']) if (existsSync(p)) return p;
  throw new Error('pgbench not found (apt-get install postgresql-contrib or postgresql-client)');
}

async function scratch(admin: Database, base: string, name: string): Promise<string> {
  await admin.withClient(async (c) => {
    await c.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.exec(`CREATE DATABASE ${name}`);
  });
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** pgbench simple-update TPS with the same number of clients, in a database of its own. */
async function pgbenchTps(url: string, seconds: number): Promise<number> {
  const bin = pgbenchPath();
  const u = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username) || 'postgres'];
  const db = u.pathname.slice(1);
  await run(bin, [...args, '-i', '-q', '-s', '10', db], { env });
  const { stdout } = await run(
    bin,
    [...args, '-b', 'simple-update', '-c', String(CLIENTS), '-j', '2', '-T', String(seconds), '-n', db],
    { env, maxBuffer: 1 << 22 },
  );
  const m =
    /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`cannot read pgbench output:\n${stdout}`);
  return Number(m[1]);
}

export async function runBonusBenchmark(): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const vouchers = Number(process.env.BENCH_BONUS_VOUCHERS ?? 6000);
  const seconds = Number(process.env.BENCH_BONUS_SECONDS ?? 15);
  const admin = await connect({ databaseUrl: base, poolSize: 1 });
  const appDbName = `sp_bench_bonus_${process.pid}`;
  const pgbenchDbName = `sp_bench_pgbench_${process.pid}`;
  let database: Database | undefined;
  try {
    // ---- set-up: migrated scratch database, one partner, vouchers issued to 100 citizens ----
    const appUrl = await scratch(admin, base, appDbName);
    database = await connect({ databaseUrl: appUrl, poolSize: CLIENTS + 2 });
    const db = database.db;
    await migrate(database);
    await seedDemoRegion(db);
    await seedBonus(db);
    const cities = await listCities(db);
    const aalen = cities.find((c) => c.slug === 'aalen')!.id;
    const heidenheim = cities.find((c) => c.slug === 'heidenheim')!.id;
    const staff = await createUser(db, {
      email: 'kasse@bench.invalid',
      displayName: 'Kasse',
      confirmed: true,
    });
    const partnerId = await createPartner(db, {
      cityId: heidenheim,
      slug: 'bench-laden',
      name: 'Benchmark-Laden',
      members: [staff.id],
    });
    await approvePartner(db, partnerId, null);
    const offerId = await createOffer(db, {
      partnerId,
      title: '10 Cent',
      kind: 'credit',
      creditCents: 10,
      pointsPrice: 10,
      status: 'approved',
    });
    const people = 100;
    const perPerson = Math.ceil(vouchers / people);
    const citizens: string[] = [];
    const funding = await fundingAccount(db, aalen);
    for (let i = 0; i < people; i++) {
      const u = await createUser(db, { email: `b${i}@bench.invalid`, displayName: `B${i}`, confirmed: true });
      await postTransaction(db, {
        key: `bench-credit:${i}`,
        kind: 'earn',
        cityId: aalen,
        entries: [
          { accountId: funding, amount: -10 * perPerson },
          { accountId: await walletAccount(db, u.id), amount: 10 * perPerson },
        ],
      });
      citizens.push(u.id);
    }
    const codes: string[] = [];
    const issueQueue = Array.from({ length: people * perPerson }, (_, i) => citizens[i % people]!);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let userId = issueQueue.pop(); userId; userId = issueQueue.pop())
          codes.push((await issueVoucher(db, { userId, offerId })).code);
      }),
    );
    // Throughput phase: every voucher once. Race phase: the last `raced` vouchers, each attempted by
    // two clients at the same time, to prove there is no double spend under contention.
    const raced = Math.min(1000, Math.floor(codes.length / 3));
    const unique = codes.slice(0, codes.length - raced);
    const race = [...codes.slice(codes.length - raced), ...codes.slice(codes.length - raced)];
    for (let i = race.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [race[i], race[j]] = [race[j]!, race[i]!];
    }
    await db.execute(sql`ANALYZE`);

    let ok = 0;
    let refused = 0;
    async function redeemAll(list: string[]) {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          while (next < list.length) {
            const code = list[next++]!;
            try {
              await redeemVoucher(db, { code, actorId: staff.id });
              ok++;
            } catch (err) {
              if (!(err instanceof BonusError) || err.code !== 'voucher_used') throw err;
              refused++;
            }
          }
        }),
      );
      return (performance.now() - started) / 1000;
    }
    const elapsed = await redeemAll(unique);
    const rate = unique.length / elapsed;
    const raceElapsed = await redeemAll(race);
    const attempts = unique.length + race.length;

    // ---- checks: exactly one redemption per voucher, ledger balanced ----
    const check = await one<{ redeemed: number; txs: number; partner: string }>(
      db,
      sql`SELECT (SELECT count(*)::int FROM bonus_vouchers WHERE offer_id = ${offerId} AND status = 'redeemed') AS redeemed,
                 (SELECT count(*)::int FROM ledger_transactions WHERE kind = 'redeem') AS txs,
                 (SELECT coalesce(sum(e.amount), 0)::text FROM ledger_entries e JOIN bonus_accounts a ON a.id = e.account_id
                   WHERE a.kind = 'partner' AND a.partner_id = ${partnerId}) AS partner`,
    );
    // Redeem bookings beyond one per voucher (the unique idempotency key would also refuse them).
    const doubleSpends = check!.txs - check!.redeemed;
    const total = await ledgerTotal(db);
    if (ok !== codes.length || refused !== raced || check!.redeemed !== codes.length)
      throw new Error(
        `redemptions: ${ok} ok, ${refused} refused, ${check!.redeemed} redeemed of ${codes.length}`,
      );
    if (Number(check!.partner) !== codes.length * 10 || total !== 0)
      throw new Error(`ledger: partner ${check!.partner}, total ${total}`);
    await database.close();
    database = undefined;

    // ---- physical limit: pgbench on the same server ----
    const pgbenchUrl = await scratch(admin, base, pgbenchDbName);
    const tps = await pgbenchTps(pgbenchUrl, seconds);
    const ratio = rate / tps;
    const version =
      (
        await admin.withClient((c) => c.query<{ v: string }>("SELECT current_setting('server_version') AS v"))
      )[0]?.v ?? '?';
    const row: Row = {
      bench: 'bonus',
      case: `redeem, ${CLIENTS} clients`,
      database: `PostgreSQL ${version}`,
      measured: `${Math.round(rate).toLocaleString('en-US')} redemptions/s (${unique.length} in ${elapsed.toFixed(1)} s); ${raced} vouchers raced by 2 clients: ${doubleSpends} double spends`,
      limit: `pgbench simple-update ${Math.round(tps).toLocaleString('en-US')} TPS (${CLIENTS} clients)`,
      ratio: ratio.toFixed(2),
      target: `≥ ${TARGET}`,
      met: ratio >= TARGET && doubleSpends === 0,
    };
    return {
      rows: [row],
      details: {
        vouchers: codes.length,
        attempts,
        seconds: elapsed,
        redemptionsPerSecond: rate,
        racedVouchers: raced,
        raceAttemptsPerSecond: race.length / raceElapsed,
        pgbenchTps: tps,
        ratio,
        doubleSpends,
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        load: os.loadavg()[0],
      },
    };
  } finally {
    await database?.close();
    await admin.withClient(async (c) => {
      await c.exec(`DROP DATABASE IF EXISTS ${appDbName} WITH (FORCE)`);
      await c.exec(`DROP DATABASE IF EXISTS ${pgbenchDbName} WITH (FORCE)`);
    });
    await admin.close();
  }
}

/** For bench/run.ts: `import { bonusBenchmark } from './bonus.ts'` and add it to ALL. */
export const bonusBenchmark = {
  name: 'bonus',
  description: 'Stadttaler: voucher redemptions/s at 32 clients vs pgbench simple-update TPS (PostgreSQL)',
  run: runBonusBenchmark,
};

if (import.meta.url === `file://${process.argv[1]}`) {
  runBonusBenchmark()
    .then(({ rows, details }) => {
      for (const r of rows)
        console.log(
          `${r.case} | ${r.database}\n  ${r.measured}\n  limit: ${r.limit}\n  ratio ${r.ratio} (target ${r.target}): ${r.met ? 'met' : 'NOT met'}`,
        );
      console.log(JSON.stringify(details, null, 2));
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
