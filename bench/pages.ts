/**
 * Benchmark "pages": the rendered city start page and a search results page, served by the app,
 * against the same bytes served as static files by nginx on the same machine in the same run.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import {
  type Benchmark,
  type BenchOutcome,
  busyShare,
  cpuSeconds,
  cpuTimes,
  fmtInt,
  fmtMs,
  load,
  nginxPath,
  processTree,
  type Row,
  root,
  type Server,
  scratchPgDatabase,
  startApp,
  startNginx,
  startNodeFloor,
  stats,
  tempDir,
  waitForQuiet,
} from './lib.ts';

const CONNECTIONS = 64;
const WARMUP_S = 3;
const DURATION_S = 10;
/** One nginx worker: the app is one Node.js process; the second core is left to autocannon. */
const NGINX_WORKERS = Number(process.env.BENCH_NGINX_WORKERS || 1);
/** Both sides compress (gzip level 6) with BENCH_GZIP=1; by default neither does. */
const GZIP = process.env.BENCH_GZIP === '1';

const PAGES = [
  { name: 'city start page', path: '/aalen/', file: 'start.html' },
  { name: 'search results', path: '/aalen/angebote?q=Ausweis', file: 'search.html' },
];

export const TARGETS = { ratio: 0.25, p99Ms: 25 };

interface Load {
  rps: number;
  p50: number;
  p99: number;
  /** autocannon's own histogram (whole milliseconds), for reference. */
  autocannonP50: number;
  autocannonP99: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** CPU seconds per wall second of the server process(es) and of autocannon (this process). */
  serverCores: number;
  clientCores: number;
  load1: number;
  /** Share of the machine busy just before the run (other work), 0–1. */
  busyBefore: number | undefined;
  /** Share of the machine busy during the run: server + autocannon + anything else. */
  machineBusy: number | undefined;
}

async function hammer(url: string, serverPids: number[], label: string): Promise<Load> {
  const headers: Record<string, string> = GZIP ? { 'accept-encoding': 'gzip' } : {};
  const busyBefore = await waitForQuiet(label);
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, headers });
  const latencies: number[] = [];
  const cpu0 = cpuSeconds(serverPids);
  const own0 = process.cpuUsage();
  const machine0 = cpuTimes();
  const t0 = performance.now();
  const instance = autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  // autocannon's histogram has 1 ms resolution; per-response times keep the sub-millisecond part.
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const wall = (performance.now() - t0) / 1000;
  const own = process.cpuUsage(own0);
  const s = stats(latencies);
  return {
    rps: result.requests.average,
    p50: s.p50,
    p99: s.p99,
    autocannonP50: result.latency.p50,
    autocannonP99: result.latency.p99,
    requests: latencies.length,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    serverCores: Math.round(((cpuSeconds(serverPids) - cpu0) / wall) * 100) / 100,
    clientCores: Math.round(((own.user + own.system) / 1e6 / wall) * 100) / 100,
    load1: load(),
    busyBefore,
    machineBusy: busyShare(machine0, cpuTimes()),
  };
}

async function runOn(database: 'pglite' | 'postgresql'): Promise<{ rows: Row[]; details: unknown }> {
  const data = tempDir('pages-data');
  const www = tempDir('pages-www');
  // nginx workers run as "nobody" when started by root: the files must be world-readable.
  chmodSync(www.dir, 0o755);
  let pg: Awaited<ReturnType<typeof scratchPgDatabase>> | undefined;
  if (database === 'postgresql') {
    pg = await scratchPgDatabase(process.env.DATABASE_URL!, `sp_bench_pages_${process.pid}`);
  }
  let app: Server | undefined;
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  let floor: Server | undefined;
  try {
    const t0 = Date.now();
    app = await startApp({ DATA_DIR: data.dir, ...(pg ? { DATABASE_URL: pg.url } : {}) });
    console.log(
      `  app ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${database}, migrated and seeded)`,
    );
    const pages = [];
    for (const page of PAGES) {
      const res = await fetch(app.url + page.path);
      const html = Buffer.from(await res.arrayBuffer());
      if (!res.ok) throw new Error(`${page.path} answered ${res.status}`);
      writeFileSync(path.join(www.dir, page.file), html);
      chmodSync(path.join(www.dir, page.file), 0o644);
      pages.push({ ...page, bytes: html.length });
    }
    nginx = await startNginx(www.dir, { workers: NGINX_WORKERS, gzip: GZIP });
    const nginxPids = processTree(nginx.pid);
    // Not with BENCH_GZIP: the floor server does not compress.
    floor = GZIP ? undefined : await startNodeFloor(www.dir);
    const rows: Row[] = [];
    const results = [];
    for (const page of pages) {
      // Same bytes on both sides: check before measuring.
      const check = await fetch(`${nginx.url}/${page.file}`);
      const staticBytes = (await check.arrayBuffer()).byteLength;
      if (!check.ok || staticBytes !== page.bytes) throw new Error(`nginx serves ${page.file} wrongly`);
      console.log(`  ${page.path}: ${fmtInt(page.bytes)} bytes of HTML; app …`);
      const a = await hammer(app.url + page.path, [app.pid], `app ${page.path}`);
      console.log(
        `    app   ${fmtInt(a.rps)} req/s, p50 ${fmtMs(a.p50)} ms, p99 ${fmtMs(a.p99)} ms; nginx …`,
      );
      const f = floor
        ? await hammer(`${floor.url}/${page.file}`, [floor.pid], `Node floor ${page.file}`)
        : undefined;
      if (f) console.log(`    floor ${fmtInt(f.rps)} req/s, p50 ${fmtMs(f.p50)} ms, p99 ${fmtMs(f.p99)} ms`);
      const n = await hammer(`${nginx.url}/${page.file}`, nginxPids, `nginx ${page.file}`);
      console.log(`    nginx ${fmtInt(n.rps)} req/s, p50 ${fmtMs(n.p50)} ms, p99 ${fmtMs(n.p99)} ms`);
      const ratio = a.rps / n.rps;
      const met = ratio >= TARGETS.ratio && a.p99 < TARGETS.p99Ms && a.errors + a.non2xx === 0;
      rows.push({
        bench: 'pages',
        case: `${page.name} ${page.path}`,
        database,
        measured: `app ${fmtInt(a.rps)} req/s, p50 ${fmtMs(a.p50)} ms, p99 ${fmtMs(a.p99)} ms`,
        limit: `nginx ${fmtInt(n.rps)} req/s, p50 ${fmtMs(n.p50)} ms, p99 ${fmtMs(n.p99)} ms`,
        ratio: `${ratio.toFixed(3)} (req/s app/nginx)`,
        target: `ratio ≥ ${TARGETS.ratio}, app p99 < ${TARGETS.p99Ms} ms`,
        met,
      });
      if (f) {
        rows.push({
          bench: 'pages',
          case: `  same bytes from memory, bare Fastify (Node floor)`,
          database: '–',
          measured: `floor ${fmtInt(f.rps)} req/s, p50 ${fmtMs(f.p50)} ms, p99 ${fmtMs(f.p99)} ms`,
          limit: 'nginx (above)',
          ratio: `${(f.rps / n.rps).toFixed(3)} (req/s floor/nginx)`,
          target: '–',
          met: undefined,
        });
      }
      results.push({ page: page.path, bytes: page.bytes, app: a, nodeFloor: f, nginx: n, ratio, met });
    }
    return {
      rows,
      details: {
        database,
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_S,
        durationSeconds: DURATION_S,
        nginxWorkers: NGINX_WORKERS,
        compression: GZIP ? 'gzip level 6 on both sides' : 'none on either side',
        results,
      },
    };
  } finally {
    await floor?.stop();
    await nginx?.stop();
    await app?.stop();
    await pg?.drop();
    await www.remove();
    await data.remove();
  }
}

export const pagesBenchmark: Benchmark = {
  name: 'pages',
  description:
    'rendered pages (app) against the same HTML as static files (nginx), autocannon 64 connections',
  async run(): Promise<BenchOutcome> {
    if (!nginxPath()) {
      throw new Error('nginx is needed as the physical limit of this benchmark: apt-get install nginx-light');
    }
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    const kinds: ('pglite' | 'postgresql')[] = ['pglite'];
    if (process.env.DATABASE_URL) kinds.push('postgresql');
    const rows: Row[] = [];
    const details: Record<string, unknown> = {};
    for (const kind of kinds) {
      console.log(`pages on ${kind}:`);
      const r = await runOn(kind);
      rows.push(...r.rows);
      details[kind] = r.details;
    }
    return { rows, details };
  },
};
