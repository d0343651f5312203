/**
 * Benchmark "participation": the idea list page of one process with 5,000 ideas and 50,000 comments,
 * served by the real app over HTTP (render, session-less page context, list + count queries).
 * Physical limits measured in the same run, interleaved request by request:
 *   - a bare node:http server on the same machine answering with the same HTML bytes from memory;
 *   - the page's list query alone (listIdeas) on the same database connection.
 * Throughput: autocannon against the page and against the bare server.
 *
 *   npx tsx bench/participation.ts            (PGlite; DATABASE_URL=postgres://… uses a scratch database)
 * Exports `participationBenchmark` in the shape bench/run.ts expects (name, description, run()).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { listIdeas, upsertProcess } from '../src/modules/participation/service.ts';
import { connect, type Database, one, sql } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';
import { listCities } from '../src/platform/tenancy/service.ts';

const IDEAS = Number(process.env.BENCH_IDEAS || 5_000);
const COMMENTS = Number(process.env.BENCH_COMMENTS || 50_000);
const REQUESTS = 600;
const WARMUP = 60;
const TARGET_P95_MS = 50;
const day = 86_400_000;

interface Row {
  bench: string;
  case: string;
  database: string;
  measured: string;
  limit: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
}
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

async function openDatabase(): Promise<{ database: Database; label: string; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { database: await connect({}), label: 'pglite', drop: async () => {} };
  const name = `sp_bench_participation_${process.pid}`;
  const admin = await connect({ databaseUrl: url, poolSize: 1 });
  await admin.withClient(async (c) => {
    await c.exec(`DROP DATABASE IF EXISTS ${name}`);
    await c.exec(`CREATE DATABASE ${name}`);
  });
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    database: await connect({ databaseUrl: u.toString(), poolSize: 10 }),
    label: 'postgresql',
    drop: async () => {
      await admin.withClient((c) => c.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    },
  };
}

/** 5,000 ideas and 50,000 comments in set-based inserts (the benchmark is about reading them). */
async function fill(database: Database): Promise<{ processId: number; citySlug: string }> {
  const db = database.db;
  const city = (await listCities(db)).find((c) => c.slug === 'aalen')!;
  const now = Date.now();
  const processId = await upsertProcess(db, {
    cityId: city.id,
    slug: 'bench',
    title: 'Benchmark-Verfahren',
    description: 'Viele Ideen',
    categories: ['Grün', 'Mobilität', 'Aufenthalt', 'Sonstiges'],
    premoderation: false,
    phases: [
      { kind: 'rate', title: 'Bewerten', startsAt: new Date(now - day), endsAt: new Date(now + 30 * day) },
    ],
  });
  const user = await one<{ id: string }>(
    db,
    sql`INSERT INTO users (email, display_name) VALUES ('bench@example.org', 'Bench') RETURNING id`,
  );
  await db.execute(sql`INSERT INTO participation_ideas (process_id, author_id, title, body, category, location, supports, created_at)
    SELECT ${processId}, ${user!.id}, 'Idee Nummer ' || g || ' für die Innenstadt',
      repeat('Eine ausführliche Beschreibung der Idee mit Ort und Begründung. ', 5) || g,
      (ARRAY['Grün','Mobilität','Aufenthalt','Sonstiges'])[1 + g % 4],
      CASE WHEN g % 5 = 0 THEN NULL ELSE ST_SetSRID(ST_MakePoint(10.09 + (g % 97) * 0.0002, 48.83 + (g % 89) * 0.0002), 4326) END,
      (g * 7919) % 500, now() - make_interval(mins => g)
    FROM generate_series(1, ${IDEAS}) g`);
  await db.execute(sql`INSERT INTO participation_comments (target_kind, target_id, city_id, author_id, body, created_at)
    SELECT 'idea', i.id, ${city.id}, ${user!.id}, 'Kommentar ' || g, now() - make_interval(secs => g)
    FROM generate_series(1, ${COMMENTS}) g
    JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM participation_ideas WHERE process_id = ${processId}) i
      ON i.rn = 1 + (g % ${IDEAS})`);
  await db.execute(sql`UPDATE participation_ideas i SET comment_count = c.n
    FROM (SELECT target_id, count(*)::int AS n FROM participation_comments WHERE target_kind = 'idea' GROUP BY target_id) c
    WHERE c.target_id = i.id`);
  // What autovacuum does on PostgreSQL after a bulk load (PGlite has none): statistics and the
  // visibility map, so the page's id scan is index-only.
  await db.execute(sql`VACUUM ANALYZE participation_ideas`);
  await db.execute(sql`VACUUM ANALYZE participation_comments`);
  return { processId, citySlug: city.slug };
}

async function timedGet(url: string): Promise<{ ms: number; status: number; body: string }> {
  const t = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  return { ms: performance.now() - t, status: res.status, body };
}

type Cannon = (o: { url: string; connections: number; duration: number }) => Promise<{
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
}>;

async function cannon(url: string, seconds: number): Promise<{ rps: number; p99: number; non2xx: number }> {
  // autocannon ships no types; only this part of its API is used.
  const name = 'autocannon';
  const autocannon = ((await import(name)) as { default: Cannon }).default;
  const r = await autocannon({ url, connections: 8, duration: seconds });
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx };
}

export async function runParticipationBench(): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const { database, label, drop } = await openDatabase();
  let floor: Server | undefined;
  const app = await buildApp(
    loadConfig(
      // Every request renders: the page cache would answer repeated URLs without any work.
      { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', PAGE_CACHE_SECONDS: '0' },
      { secret: 'bench-secret-bench-secret-bench-secret-1', databaseUrl: undefined },
    ),
    { database, logger: false },
  );
  try {
    const t0 = performance.now();
    await migrate(database);
    await seedDemoRegion(database.db);
    const { processId, citySlug } = await fill(database);
    console.log(
      `  ${label}: ${IDEAS} ideas, ${COMMENTS} comments in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/${citySlug}/beteiligung/bench`;
    const pages = Math.ceil(IDEAS / 20);
    const sorts = ['neu', 'unterstuetzt', 'zufall'];
    const urlFor = (i: number) =>
      `${base}?sortierung=${sorts[i % 3]}&seite=${1 + ((i * 37) % pages)}${i % 3 === 2 ? `&s=${1 + i}` : ''}`;

    // The bare server answers with the bytes of a real page: the HTTP floor for this body size.
    const sample = await timedGet(urlFor(1));
    if (sample.status !== 200 || !sample.body.includes('Idee Nummer'))
      throw new Error(`page answered ${sample.status}`);
    const bytes = Buffer.from(sample.body);
    floor = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': bytes.length });
      res.end(bytes);
    });
    await new Promise<void>((resolve) => floor!.listen(0, '127.0.0.1', resolve));
    const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}/`;

    for (let i = 0; i < WARMUP; i++) {
      await timedGet(urlFor(i));
      await timedGet(floorUrl);
    }
    const pageMs: number[] = [];
    const floorMs: number[] = [];
    const queryMs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const r = await timedGet(urlFor(i));
      if (r.status !== 200) throw new Error(`status ${r.status} for ${urlFor(i)}`);
      pageMs.push(r.ms);
      floorMs.push((await timedGet(floorUrl)).ms);
      const t = performance.now();
      await listIdeas(database.db, {
        processId,
        sort: sorts[i % 3] as 'neu',
        limit: 20,
        offset: ((i * 37) % pages) * 20,
        seed: i + 1,
      });
      queryMs.push(performance.now() - t);
    }
    const page = { p50: pct(pageMs, 50), p95: pct(pageMs, 95), p99: pct(pageMs, 99) };
    const bare = { p50: pct(floorMs, 50), p95: pct(floorMs, 95) };
    const query = { p50: pct(queryMs, 50), p95: pct(queryMs, 95) };
    console.log(
      `  page p50 ${ms(page.p50)} ms, p95 ${ms(page.p95)} ms, p99 ${ms(page.p99)} ms (${bytes.length} bytes)`,
    );
    console.log(
      `  bare HTTP p50 ${ms(bare.p50)} ms, p95 ${ms(bare.p95)} ms; list query p50 ${ms(query.p50)} ms, p95 ${ms(query.p95)} ms`,
    );

    const seconds = Number(process.env.BENCH_SECONDS || 10);
    const pageLoad = await cannon(urlFor(4), seconds);
    const floorLoad = await cannon(floorUrl, seconds);
    console.log(
      `  throughput: page ${pageLoad.rps.toFixed(0)} req/s, bare ${floorLoad.rps.toFixed(0)} req/s (8 connections)`,
    );
    const row: Row = {
      bench: 'participation',
      case: `idea list page, ${IDEAS} ideas / ${COMMENTS} comments, ${REQUESTS} requests (3 sorts, random pages)`,
      database: label,
      measured: `p50 ${ms(page.p50)} ms, p95 ${ms(page.p95)} ms, p99 ${ms(page.p99)} ms; ${pageLoad.rps.toFixed(0)} req/s`,
      limit: `bare HTTP same bytes p95 ${ms(bare.p95)} ms, ${floorLoad.rps.toFixed(0)} req/s; list query p95 ${ms(query.p95)} ms`,
      ratio: `${(page.p95 / bare.p95).toFixed(1)}× bare p95, ${(floorLoad.rps / Math.max(pageLoad.rps, 1)).toFixed(1)}× fewer req/s`,
      target: `p95 < ${TARGET_P95_MS} ms`,
      met: page.p95 < TARGET_P95_MS,
    };
    return {
      rows: [row],
      details: {
        ideas: IDEAS,
        comments: COMMENTS,
        pageBytes: bytes.length,
        page,
        bare,
        query,
        throughput: { page: pageLoad, bare: floorLoad },
        load: os.loadavg()[0],
      },
    };
  } finally {
    await new Promise<void>((resolve) => (floor ? floor.close(() => resolve()) : resolve()));
    await app.close();
    await database.close();
    await drop();
  }
}

export const participationBenchmark = {
  name: 'participation',
  description: `idea list page with ${IDEAS} ideas and ${COMMENTS} comments vs. bare HTTP with the same bytes`,
  run: runParticipationBench,
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const cpu = os.cpus()[0]?.model.trim();
  console.log(
    `${cpu}, ${os.availableParallelism()} cores, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(2)}`,
  );
  const { rows } = await runParticipationBench();
  for (const r of rows) console.log(JSON.stringify(r, null, 2));
  process.exit(0);
}
