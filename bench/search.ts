/**
 * Benchmark "search": searchOffers() in-process over 20,000 generated offers, ≥ 500 mixed queries, against
 * the same number of trivial round-trips (SELECT 1) and primary-key lookups on the same connection.
 */
import { type SQL, sql } from 'drizzle-orm';
import { forgetSearchTexts } from '../src/modules/directory/search-index.ts';
import { getOffer, searchOffers } from '../src/modules/directory/service.ts';
import { connect, type Database, type Db, rows } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';
import { listCities } from '../src/platform/tenancy/service.ts';
import {
  type Benchmark,
  type BenchOutcome,
  busyShare,
  cpuTimes,
  fmtInt,
  fmtMs,
  load,
  pgServerVersion,
  type Row,
  type Stats,
  scratchPgDatabase,
  stats,
  tempDir,
  waitForQuiet,
} from './lib.ts';
import {
  type BenchQuery,
  type GeneratedOffer,
  generateOffers,
  generateQueries,
  insertOffers,
} from './search-data.ts';

const OFFERS = Number(process.env.BENCH_OFFERS || 20_000);
const QUERIES = 600;
const WARMUP_QUERIES = 100;
const COLD_QUERIES = 200;
const AFTER_WRITE = 10;
/** Hard stop for the measured loop, whatever happens. */
const MAX_MEASURE_MS = 240_000;
/** A Wednesday, 10:30 in Aalen: "open now" gives the same answer on every run. */
const NOW = new Date('2026-11-18T09:30:00Z');
export const TARGET_P95_MS = 20;

/** A Db that remembers the SQL it was asked to run, to EXPLAIN the slowest searches afterwards. */
function recording(db: Db, log: SQL[]): Db {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'execute') {
        return (query: SQL) => {
          log.push(query);
          return target.execute(query);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

async function explain(db: Db, query: SQL): Promise<string> {
  const plan = await rows<Record<string, string>>(db, sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`);
  return plan.map((r) => Object.values(r)[0]).join('\n');
}

async function runOn(
  kind: 'pglite' | 'postgresql',
  offers: GeneratedOffer[],
): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const folder = tempDir('search-db');
  const pg =
    kind === 'postgresql'
      ? await scratchPgDatabase(process.env.DATABASE_URL!, `sp_bench_search_${process.pid}`)
      : undefined;
  let database: Database | undefined;
  try {
    const t0 = performance.now();
    // Like production: PGlite in a data folder, PostgreSQL with the app's default pool of 10.
    database = pg
      ? await connect({ databaseUrl: pg.url, poolSize: 10 })
      : await connect({ dataDir: `${folder.dir}/pgdata` });
    await migrate(database);
    await seedDemoRegion(database.db);
    const db = database.db;
    const cityIds = Object.fromEntries((await listCities(db)).map((c) => [c.slug, c.id]));
    const t1 = performance.now();
    await insertOffers(db, offers, cityIds);
    const insertMs = performance.now() - t1;
    const [check] = await rows<{ n: number; published: number; placed: number; inside: number }>(
      db,
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'published')::int AS published,
          count(o.location)::int AS placed,
          count(*) FILTER (WHERE ST_Contains(c.boundary, o.location))::int AS inside
        FROM offers o LEFT JOIN cities c ON c.id = o.city_id`,
    );
    console.log(
      `  ${kind}: ready in ${((t1 - t0) / 1000).toFixed(1)} s; inserted ${fmtInt(check!.n)} offers in ${(insertMs / 1000).toFixed(1)} s ` +
        `(${fmtInt(check!.published)} published, ${fmtInt(check!.placed)} with a location)`,
    );
    const queries = generateQueries(cityIds, QUERIES);
    const ids = (
      await rows<{ id: string }>(db, sql`SELECT id FROM offers ORDER BY random() LIMIT ${QUERIES}`)
    ).map((r) => r.id);
    const search = (query: BenchQuery, on: Db = db) => searchOffers(on, { ...query.params, now: NOW });

    // Warm-up: JIT, buffers, prepared plans; not measured. Its queries come from another seed, so
    // the measured searches find in the result cache only what they themselves put there.
    const warmup = generateQueries(cityIds, WARMUP_QUERIES, 501);
    for (const [i, query] of warmup.entries()) {
      await search(query);
      await getOffer(db, ids[i]!);
    }

    // Interleaved, so the searches and their physical limit see the same machine: for each query one
    // search, one SELECT 1 and one primary-key lookup.
    const load1 = load();
    const busyBefore = await waitForQuiet('the measurement');
    const searchMs: number[] = [];
    const select1Ms: number[] = [];
    const pkMs: number[] = [];
    const cpu0 = cpuTimes();
    const own0 = process.cpuUsage();
    const started = performance.now();
    for (const [i, query] of queries.entries()) {
      let t = performance.now();
      await search(query);
      searchMs.push(performance.now() - t);
      t = performance.now();
      await rows(db, sql`SELECT 1`);
      select1Ms.push(performance.now() - t);
      t = performance.now();
      await getOffer(db, ids[i % ids.length]!);
      pkMs.push(performance.now() - t);
      if (performance.now() - started > MAX_MEASURE_MS) break;
    }
    const wallS = (performance.now() - started) / 1000;
    // Every search text new: the compiled texts are forgotten before each search (what the first
    // search for a word costs), on the first COLD_QUERIES queries of the same mix.
    const coldMs: number[] = [];
    for (const query of queries.slice(0, COLD_QUERIES)) {
      forgetSearchTexts(db);
      const t = performance.now();
      await search(query);
      coldMs.push(performance.now() - t);
    }
    // A write, then a search: the search waits for the index to take the change in (one offer changed
    // each time, through SQL like any writer on any instance).
    const afterWriteMs: number[] = [];
    for (let i = 0; i < AFTER_WRITE; i++) {
      await db.execute(sql`UPDATE offers SET updated_at = now() WHERE id = ${ids[i]!}`);
      const t = performance.now();
      await search(queries[i]!);
      afterWriteMs.push(performance.now() - t);
    }
    const own = process.cpuUsage(own0);
    const during = {
      /** Share of the whole machine busy during the measurement (this process included). */
      machineBusy: busyShare(cpu0, cpuTimes()),
      /** Cores used by this process (the benchmark, and PGlite with it). */
      benchmarkCores: Math.round(((own.user + own.system) / 1e6 / wallS) * 100) / 100,
      seconds: Math.round(wallS * 10) / 10,
    };
    const s = stats(searchMs);
    const cold = stats(coldMs);
    const afterWrite = stats(afterWriteMs);
    const one = stats(select1Ms);
    const pk = stats(pkMs);

    const byKind: Record<string, Stats & { totalHitsMedian: number }> = {};
    const kinds = [...new Set(queries.map((q) => q.kind))];
    for (const k of kinds) {
      const idx = queries.map((q, i) => (q.kind === k && i < searchMs.length ? i : -1)).filter((i) => i >= 0);
      byKind[k] = { ...stats(idx.map((i) => searchMs[i]!)), totalHitsMedian: 0 };
    }
    // Result sizes per kind (outside the timed loop): how much each kind has to rank and count.
    for (const k of kinds) {
      const sample = queries.filter((q) => q.kind === k).slice(0, 5);
      const totals = [];
      for (const q of sample) totals.push((await search(q)).total);
      totals.sort((a, b) => a - b);
      byKind[k]!.totalHitsMedian = totals[Math.floor(totals.length / 2)] ?? 0;
    }

    // EXPLAIN ANALYZE the three slowest searches: where the time goes.
    const slowest = searchMs
      .map((ms, i) => ({ ms, i }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3);
    const plans = [];
    for (const { ms, i } of slowest) {
      const log: SQL[] = [];
      const recorded = recording(db, log);
      // The first search through the recording handle builds its own index; explain the second.
      await search(queries[i]!, recorded);
      log.length = 0;
      forgetSearchTexts(recorded);
      await search(queries[i]!, recorded);
      const explained = [];
      for (const q of log) explained.push(await explain(db, q));
      plans.push({ ms: Math.round(ms * 100) / 100, query: queries[i], plans: explained });
    }

    console.log(
      `  ${kind}: ${searchMs.length} searches, p50 ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, p99 ${fmtMs(s.p99)} ms`,
    );
    console.log(
      `    SELECT 1 p50 ${fmtMs(one.p50)} ms, p95 ${fmtMs(one.p95)} ms; PK lookup p50 ${fmtMs(pk.p50)} ms, p95 ${fmtMs(pk.p95)} ms`,
    );
    console.log(
      `    every search text new (${cold.n}): p50 ${fmtMs(cold.p50)} ms, p95 ${fmtMs(cold.p95)} ms, p99 ${fmtMs(cold.p99)} ms`,
    );
    console.log(
      `    first search after a write (${afterWrite.n}, index patched): p50 ${fmtMs(afterWrite.p50)} ms, max ${fmtMs(afterWrite.max)} ms`,
    );
    console.log('    by kind of query (n, p50, p95, max ms; median hits):');
    for (const [k, v] of Object.entries(byKind)) {
      console.log(
        `      ${k.padEnd(14)} ${String(v.n).padStart(4)} ${fmtMs(v.p50).padStart(7)} ${fmtMs(v.p95).padStart(7)} ${fmtMs(v.max).padStart(7)}  ${fmtInt(v.totalHitsMedian)}`,
      );
    }
    if (process.env.BENCH_EXPLAIN === '1') {
      for (const p of plans) {
        console.log(`\n  slowest: ${p.ms} ms ${JSON.stringify(p.query)}`);
        for (const plan of p.plans) console.log(`${plan}\n`);
      }
    }
    const dbLabel = kind === 'postgresql' ? await pgServerVersion(pg!.url) : 'PGlite (data folder)';
    const met = s.p95 < TARGET_P95_MS;
    const row: Row = {
      bench: 'search',
      case: `searchOffers, ${fmtInt(check!.n)} offers, ${searchMs.length} queries`,
      database: kind,
      measured: `p50 ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, p99 ${fmtMs(s.p99)} ms`,
      limit: `SELECT 1 p50 ${fmtMs(one.p50)} / p95 ${fmtMs(one.p95)} ms; PK p50 ${fmtMs(pk.p50)} / p95 ${fmtMs(pk.p95)} ms`,
      ratio: `${(s.p95 / one.p95).toFixed(0)}× SELECT 1, ${(s.p95 / pk.p95).toFixed(1)}× PK (p95)`,
      target: `p95 < ${TARGET_P95_MS} ms`,
      met,
    };
    const coldRow: Row = {
      ...row,
      case: `the same, each search text new (${cold.n} queries)`,
      measured: `p50 ${fmtMs(cold.p50)} ms, p95 ${fmtMs(cold.p95)} ms, p99 ${fmtMs(cold.p99)} ms`,
      ratio: `${(cold.p95 / one.p95).toFixed(0)}× SELECT 1, ${(cold.p95 / pk.p95).toFixed(1)}× PK (p95)`,
      target: 'none (for comparison)',
      met: cold.p95 < TARGET_P95_MS,
    };
    const writeRow: Row = {
      ...row,
      case: `first search after a write to offers (index patched, ${afterWrite.n} times)`,
      measured: `p50 ${fmtMs(afterWrite.p50)} ms, max ${fmtMs(afterWrite.max)} ms`,
      ratio: '',
      target: 'none (for comparison)',
      met: true,
    };
    return {
      rows: [row, coldRow, writeRow],
      details: {
        database: dbLabel,
        offers: check,
        insertSeconds: Math.round(insertMs) / 1000,
        queries: searchMs.length,
        warmupQueries: WARMUP_QUERIES,
        load1,
        busyBefore,
        during,
        search: s,
        coldSearch: cold,
        firstSearchAfterWrite: afterWrite,
        select1: one,
        primaryKeyLookup: pk,
        ratioP50: { select1: s.p50 / one.p50, primaryKey: s.p50 / pk.p50 },
        ratioP95: { select1: s.p95 / one.p95, primaryKey: s.p95 / pk.p95 },
        byKind,
        slowest: plans,
        met,
      },
    };
  } finally {
    await database?.close();
    await pg?.drop();
    await folder.remove();
  }
}

export const searchBenchmark: Benchmark = {
  name: 'search',
  description: `searchOffers() over ${fmtInt(OFFERS)} generated offers, ${QUERIES} mixed queries, against SELECT 1 and PK lookups`,
  async run(): Promise<BenchOutcome> {
    const t = performance.now();
    const offers = generateOffers(OFFERS);
    console.log(
      `  generated ${fmtInt(offers.length)} offers in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const kinds: ('pglite' | 'postgresql')[] = ['pglite'];
    if (process.env.DATABASE_URL) kinds.push('postgresql');
    const rowsOut: Row[] = [];
    const details: Record<string, unknown> = { offers: offers.length, targetP95Ms: TARGET_P95_MS };
    for (const kind of kinds) {
      const r = await runOn(kind, offers);
      rowsOut.push(...r.rows);
      details[kind] = r.details;
    }
    return { rows: rowsOut, details };
  },
};
