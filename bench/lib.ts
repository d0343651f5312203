/** Shared helpers of the benchmarks: machine facts, statistics, child processes (app, nginx), cleanup. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

/** One line of the summary table. */
export interface Row {
  bench: string;
  case: string;
  database: string;
  /** What was measured, e.g. "2,345 req/s, p50 12 ms, p99 30 ms". */
  measured: string;
  /** The physical limit measured in the same run. */
  limit: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

export interface BenchOutcome {
  rows: Row[];
  /** Machine-readable details for bench/results/latest.json. */
  details: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<BenchOutcome>;
}

// ---- cleanup: every child and temp folder goes away, also on Ctrl-C or a failed run ----

const cleanups: (() => Promise<void> | void)[] = [];

export function onCleanup(fn: () => Promise<void> | void): () => Promise<void> {
  cleanups.push(fn);
  return async () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
    await fn();
  };
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      console.error(`cleanup failed: ${(err as Error).message}`);
    }
  }
}

export function tempDir(prefix: string): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `sp-bench-${prefix}-`));
  const remove = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

// ---- machine ----

export function machine() {
  const cpus = os.cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {}
  let nginx: string | undefined;
  try {
    nginx = execFileSync(nginxPath()!, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    nginx = String((err as { stderr?: string }).stderr ?? '').trim() || undefined;
  }
  return {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    nginx,
  };
}

/** 1-minute load average: other work on the machine skews every number, so it is recorded. */
export const load = () => Math.round(os.loadavg()[0]! * 100) / 100;

// ---- statistics ----

export interface Stats {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of durations in ms. */
export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    n: s.length,
    mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(s[s.length - 1] ?? 0),
  };
}

export const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

// ---- processes ----

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(
  url: string,
  timeoutMs: number,
  child?: ChildProcess,
  anyStatus = false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok || anyStatus) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** Stops a child we started (by its own pid) and waits for it; SIGKILL after a grace period. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Keeps the last lines a child wrote, to explain a failure. */
function tail(child: ChildProcess): () => string {
  let buf = '';
  const keep = (d: Buffer) => {
    buf = (buf + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => buf;
}

export interface Server {
  url: string;
  /** Our child's pid (the app itself, or the nginx master). */
  pid: number;
  stop(): Promise<void>;
  output(): string;
}

/**
 * The app as in production: `tsx src/main.ts start` (run as `node --import tsx`, so the pid we hold is the
 * server itself), its own data folder or database, warnings-only logging.
 */
export async function startApp(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TZ: process.env.TZ ?? 'Europe/Berlin',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      // No demo simulator and no embedded MQTT broker: their work would be measured with the pages.
      SIMULATE: 'false',
      MQTT_PORT: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const stop = onCleanup(() => stopChild(child));
  const url = `http://127.0.0.1:${port}`;
  try {
    // First start migrates and seeds; with PostGIS in PGlite that takes ~10–30 s.
    await waitForHttp(`${url}/readyz`, 180_000, child);
  } catch (err) {
    await stop();
    throw new Error(`app did not start: ${(err as Error).message}\n${output()}`);
  }
  return { url, pid: child.pid ?? 0, stop, output };
}

/** Fastify serving the files of `folder` from memory (bench/node-floor.ts). */
export async function startNodeFloor(folder: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/node-floor.ts', String(port), folder], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  const stop = onCleanup(() => stopChild(child));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/`, 30_000, child, true);
  } catch (err) {
    await stop();
    throw new Error(`node floor server did not start: ${(err as Error).message}\n${output()}`);
  }
  return { url, pid: child.pid ?? 0, stop, output };
}

export function nginxPath(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  return undefined;
}

/** nginx serving the files of `docRoot` with a minimal config of our own, in the foreground. */
export async function startNginx(
  docRoot: string,
  options: { workers: number; gzip: boolean },
): Promise<Server & { config: string }> {
  const bin = nginxPath();
  if (!bin) throw new Error('nginx not found: apt-get install nginx-light');
  const port = await freePort();
  const { dir } = tempDir('nginx');
  const config = `# Written by bench/lib.ts for one benchmark run.
daemon off;
worker_processes ${options.workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  # Node keeps a connection open for any number of requests; nginx closes after 1000 by default.
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  gzip ${options.gzip ? 'on' : 'off'};
  ${options.gzip ? 'gzip_comp_level 6; gzip_min_length 1024; gzip_types text/html;' : ''}
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/html html; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${docRoot};
    location / { try_files $uri =404; }
  }
}
`;
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, config);
  const child = spawn(bin, ['-p', dir, '-c', file, '-e', path.join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = tail(child);
  // SIGQUIT: graceful shutdown of master and workers.
  const stop = onCleanup(() => stopChild(child, 'SIGQUIT'));
  const url = `http://127.0.0.1:${port}`;
  try {
    // "/" has no index file: any answer (404) means nginx is up.
    await waitForHttp(`${url}/`, 10_000, child, true);
  } catch (err) {
    const log = existsSync(path.join(dir, 'error.log'))
      ? readFileSync(path.join(dir, 'error.log'), 'utf8')
      : '';
    await stop();
    throw new Error(`nginx did not start: ${(err as Error).message}\n${output()}\n${log}`);
  }
  return { url, pid: child.pid ?? 0, stop, output, config };
}

// ---- CPU accounting (Linux /proc): who used the cores during a measurement ----

const TICKS = 100; // USER_HZ on Linux

function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name "(…)": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** A process and its direct children (nginx master + workers). */
export function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) pids.push(Number(entry));
      } catch {}
    }
  } catch {}
  return pids;
}

export const cpuSeconds = (pids: number[]) => pids.reduce((s, p) => s + procCpuSeconds(p), 0);

// ---- PostgreSQL: each benchmark works in a database of its own and drops it afterwards ----

export async function scratchPgDatabase(
  databaseUrl: string,
  name: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const { connect } = await import('../src/platform/db/index.ts');
  const admin = await connect({ databaseUrl, poolSize: 1 });
  await admin.withClient(async (c) => {
    await c.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.exec(`CREATE DATABASE ${name}`);
  });
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const drop = onCleanup(async () => {
    await admin.withClient((c) => c.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await admin.close();
  });
  return { url: url.toString(), drop };
}

export async function pgServerVersion(databaseUrl: string): Promise<string> {
  const { connect } = await import('../src/platform/db/index.ts');
  const db = await connect({ databaseUrl, poolSize: 1 });
  try {
    const [r] = await db.withClient((c) => c.query<{ v: string }>('SHOW server_version'));
    return `PostgreSQL ${r?.v ?? '?'}`;
  } finally {
    await db.close();
  }
}

// ---- a quiet machine: other work (a test run next door) skews every number ----

export function cpuTimes(): { idle: number; total: number } {
  if (!existsSync('/proc/stat')) return { idle: 0, total: 0 };
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // idle + iowait count as idle.
  return { idle: (v[3] ?? 0) + (v[4] ?? 0), total: v.reduce((a, b) => a + b, 0) };
}

/** Share of all cores busy between two readings (0–1); undefined without /proc/stat. */
export function busyShare(
  a: ReturnType<typeof cpuTimes>,
  b: ReturnType<typeof cpuTimes>,
): number | undefined {
  const total = b.total - a.total;
  return total > 0 ? Math.round((1 - (b.idle - a.idle) / total) * 100) / 100 : undefined;
}

/** Share of all cores busy over `ms` (0–1), from /proc/stat; undefined where there is none. */
export async function cpuBusy(ms = 2000): Promise<number | undefined> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  return busyShare(a, cpuTimes());
}

/**
 * Waits (at most BENCH_QUIET_WAIT_S, default 300 s) until less than a quarter of the machine is busy,
 * so a measurement does not share the cores with somebody else's work. Returns the last busy share.
 */
export async function waitForQuiet(label: string): Promise<number | undefined> {
  const maxWaitMs = Number(process.env.BENCH_QUIET_WAIT_S ?? 300) * 1000;
  const deadline = Date.now() + maxWaitMs;
  let busy = await cpuBusy();
  let told = false;
  while (busy !== undefined && busy > 0.25 && Date.now() < deadline) {
    if (!told)
      console.log(`    waiting for a quiet machine before ${label} (${Math.round(busy * 100)} % busy)…`);
    told = true;
    busy = await cpuBusy(5000);
  }
  if (busy !== undefined && busy > 0.25) {
    console.log(`    machine still ${Math.round(busy * 100)} % busy: measuring anyway (${label})`);
  }
  return busy;
}
