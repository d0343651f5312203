/**
 * Benchmark: GET /open311/v2/requests.json for a city with 100,000 reports (spec defaults: the last
 * 90 days, 1,000 per page), against two physical limits measured in the same run on the same machine:
 *   1. the very same JSON body served from memory by a bare node:http server (HTTP + transfer limit);
 *   2. a bare SELECT of the same 1,000 rows from the same table, without joins (database limit).
 *
 *   npx tsx bench/open311.ts                  embedded PGlite (in memory)
 *   DATABASE_URL=postgres://… npx tsx bench/open311.ts   PostgreSQL (uses a scratch database)
 *   REPORTS=100000 SECONDS=10 CONNECTIONS=10  tune the run
 *
 * Prints a Markdown table for docs/performance.md and the plan of the main query.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import {
  countReports,
  findReports,
  open311RequestsJson,
  REPORT_SELECT,
  type ReportFilter,
  seedCategories,
  toPublic,
} from '../src/modules/reports/service.ts';
import { connect, type Database, one, rows, sql } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';

interface CannonResult {
  requests: { average: number; total: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
}
type Cannon = ((o: Record<string, unknown>) => Promise<CannonResult> & {
  on(ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}) & { track?: unknown };
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const REPORTS = Number(process.env.REPORTS ?? 100_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  mbps: number;
}

/** Load with autocannon; latencies are collected per response so p95 is exact, not interpolated. */
async function load(name: string, url: string, connections = CONNECTIONS): Promise<Measured> {
  await autocannon({ url, connections, duration: 2 }); // warm-up (JIT, caches)
  const latencies: number[] = [];
  const run = autocannon({ url, connections, duration: SECONDS });
  run.on('response', (_c, _s, _b, ms) => latencies.push(ms));
  const r = await run;
  if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  latencies.sort((a, b) => a - b);
  return {
    name,
    rps: r.requests.total / SECONDS,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    mbps: r.throughput.average / 1e6,
  };
}

/** Runs a query back to back on one connection for `seconds`; latency per run. */
async function loop(name: string, seconds: number, fn: () => Promise<unknown>): Promise<Measured> {
  for (let i = 0; i < 5; i++) await fn();
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    await fn();
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return {
    name,
    rps: latencies.length / seconds,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    mbps: Number.NaN,
  };
}

async function scratchDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (!url) return connect({});
  const admin = await connect({ databaseUrl: url, poolSize: 1 });
  await admin.withClient(async (c) => {
    await c.exec('DROP DATABASE IF EXISTS sp_bench_open311 WITH (FORCE)');
    await c.exec('CREATE DATABASE sp_bench_open311');
  });
  await admin.close();
  const u = new URL(url);
  u.pathname = '/sp_bench_open311';
  return connect({ databaseUrl: u.toString(), poolSize: CONNECTIONS });
}

/** 100,000 reports spread over a year (so ~25,000 fall in the 90-day default), with histories. */
async function fill(database: Database, cityId: number): Promise<number> {
  const t = performance.now();
  const stepSeconds = Math.floor((365 * 86_400) / REPORTS);
  await database.db.execute(sql`
    INSERT INTO reports (city_id, category_id, status, description, address, location, token, published_at,
      source, created_at, updated_at, acknowledged_at, closed_at)
    SELECT ${cityId}, cats.ids[1 + g % array_length(cats.ids, 1)],
      (ARRAY['eingegangen','bestaetigt','in_bearbeitung','erledigt','erledigt','erledigt','abgelehnt','duplikat','weitergeleitet','bestaetigt'])[1 + g % 10],
      'Benchmark-Meldung ' || g || ': Schlagloch auf der Fahrbahn, Radfahrer müssen ausweichen.',
      CASE WHEN g % 17 = 0 THEN 'Bahnhofstraße ' || (g % 90 + 1) END,
      CASE WHEN g % 17 = 0 THEN NULL
        ELSE ST_SetSRID(ST_MakePoint(10.0936 + ((g::bigint * 7919) % 1000 - 500) * 0.00005,
                                     48.8378 + ((g::bigint * 104729) % 1000 - 500) * 0.00003), 4326) END,
      substr(md5('bench' || g), 1, 24),
      CASE WHEN g % 25 = 0 THEN NULL ELSE now() - make_interval(secs => g * ${stepSeconds}) + interval '10 minutes' END,
      'seed', now() - make_interval(secs => g * ${stepSeconds}), now() - make_interval(secs => g * ${stepSeconds} - 3600),
      now() - make_interval(secs => g * ${stepSeconds} - 3600),
      CASE WHEN g % 10 IN (3,4,5,6,7,8) THEN now() - make_interval(secs => g * ${stepSeconds} - 3600) END
    FROM generate_series(1, ${REPORTS}) g,
      (SELECT array_agg(id ORDER BY id) AS ids FROM report_categories WHERE city_id = ${cityId}) cats`);
  await database.db.execute(sql`
    INSERT INTO report_history (report_id, at, kind, to_status)
    SELECT id, created_at, 'created', 'eingegangen' FROM reports WHERE city_id = ${cityId}`);
  await database.db.execute(sql`
    INSERT INTO report_history (report_id, at, kind, from_status, to_status, public_note)
    SELECT id, updated_at, 'status', 'eingegangen', status,
      'Die zuständige Stelle kümmert sich darum. Die Arbeiten sind beauftragt.'
    FROM reports WHERE city_id = ${cityId} AND status <> 'eingegangen'`);
  // As autovacuum would after a bulk load: statistics and the visibility map (index-only counts).
  await database.db.execute(sql`VACUUM ANALYZE`);
  return (performance.now() - t) / 1000;
}

const ms = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(1));

async function main() {
  const database = await scratchDatabase();
  await migrate(database);
  await seedDemoRegion(database.db);
  await seedCategories(database.db);
  const city = (await one<{ id: number }>(database.db, sql`SELECT id FROM cities WHERE slug = 'aalen'`))!;
  const fillSeconds = await fill(database, city.id);
  const inWindow = await one<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM reports WHERE city_id = ${city.id} AND published_at IS NOT NULL
        AND created_at >= now() - interval '90 days'`,
  );

  const config = loadConfig(
    { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' },
    { secret: 'bench-secret-bench-secret-bench-secret-1', databaseUrl: undefined },
  );
  const app = await buildApp(config, { database, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/open311/v2/requests.json?jurisdiction_id=aalen`;

  // The body the API answers, served from memory: what the network path costs without any work.
  const sample = await fetch(appUrl);
  const body = Buffer.from(await sample.arrayBuffer());
  const count = (JSON.parse(body.toString('utf8')) as unknown[]).length;
  const staticServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', r));
  const staticUrl = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/requests.json`;

  // The same 1,000 rows straight from the table: no joins, no subqueries, no serialisation.
  const from = new Date(Date.now() - 90 * 86_400_000);
  const bare = () =>
    rows(
      database.db,
      sql`SELECT id, category_id, status, description, address, ST_X(location) AS lon, ST_Y(location) AS lat,
            created_at, updated_at FROM reports
          WHERE city_id = ${city.id} AND published_at IS NOT NULL AND created_at >= ${from}
          ORDER BY created_at DESC, id DESC LIMIT 1000`,
    );

  const results: Measured[] = [];
  results.push(await load(`static JSON (node:http, same body), ${CONNECTIONS} connections`, staticUrl));
  results.push(await loop('bare SELECT of the same 1,000 rows, 1 connection', SECONDS, bare));
  results.push(await load(`GET /open311/v2/requests.json, ${CONNECTIONS} connections`, appUrl));
  // Latency without queueing: one request at a time, comparable with the bare SELECT loop.
  results.push(await load('GET /open311/v2/requests.json, 1 connection', appUrl, 1));

  // The plan of the handler's page query, with the parameters of the run.
  const plan = await rows<{ 'QUERY PLAN': string }>(
    database.db,
    sql`EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) ${REPORT_SELECT}
        WHERE r.city_id = ${city.id} AND r.published_at IS NOT NULL AND r.created_at >= ${from}
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1000`,
  );

  // Where the API's time goes: the same calls the handler makes, one after another.
  const filter: ReportFilter = {
    cityId: city.id,
    publicOnly: true,
    from,
    to: new Date(),
    limit: 1000,
    offset: 0,
  };
  const labels = { eingegangen: 'eingegangen' };
  const parts = [
    await loop('  part: page + count as one JSON built by the database (what the API runs)', 3, () =>
      open311RequestsJson(database.db, filter, { baseUrl: 'http://x', extensions: false, labels }),
    ),
    await loop('  before: page as row objects (+ count), mapped in Node', 3, async () => {
      const [found] = await Promise.all([
        findReports(database.db, filter),
        countReports(database.db, filter),
      ]);
      return JSON.stringify(found.map(toPublic));
    }),
  ];

  const [stat, db, api, single] = results as [Measured, Measured, Measured, Measured];
  console.log(
    `\nOpen311 benchmark on ${database.kind === 'pg' ? 'PostgreSQL' : 'PGlite'}, ${new Date().toISOString()}`,
  );
  console.log(
    `${REPORTS.toLocaleString('en')} reports in Aalen (filled in ${fillSeconds.toFixed(1)} s), ${inWindow!.n.toLocaleString('en')} public ones in the 90-day window; response: ${count} requests, ${(body.length / 1024).toFixed(0)} KB; ${CONNECTIONS} connections, ${SECONDS} s per run.\n`,
  );
  console.log('| what | requests/s | p50 ms | p95 ms | p99 ms | MB/s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of [...results, ...parts]) {
    console.log(
      `| ${r.name} | ${r.rps.toFixed(1)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.mbps)} |`,
    );
  }
  console.log(
    `\nAPI throughput = ${((100 * api.rps) / stat.rps).toFixed(1)} % of the static limit, ${((100 * api.rps) / db.rps).toFixed(0)} % of the bare SELECT rate; API p95 (1 connection) = ${(single.p95 / db.p95).toFixed(1)} × the bare SELECT p95.`,
  );
  console.log('\nPlan of the page query:');
  for (const p of plan) console.log(`    ${p['QUERY PLAN']}`);

  await app.close();
  staticServer.close();
  await database.close();
}

await main();
