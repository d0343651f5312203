/**
 * Benchmark: 500 steles connected by SSE to one instance receive an emergency message. Measures the time
 * from publishing (database transaction, audit, NOTIFY) until each stele has the event, and the server
 * heap per open connection. The physical limit, measured in the same run: a bare Node.js HTTP server
 * writing the same frame to the same number of SSE connections (no framework, no database).
 *
 *   npx tsx bench/signage.ts            (PGlite; DATABASE_URL=postgres://… for PostgreSQL)
 *   STELES=1000 ROUNDS=10 npx tsx bench/signage.ts
 *
 * Exports signageBenchmark in the shape of bench/lib.ts's Benchmark so bench/run.ts can register it.
 * The clients run in a worker thread, so the main thread's heap is the server's alone.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

const STELES = Number(process.env.STELES ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const now = () => performance.timeOrigin + performance.now();

interface ClientInit {
  urls: string[];
}

/**
 * The clients, as plain JavaScript for a worker thread (workers cannot load TypeScript): one SSE stream
 * per URL; reports when all are open and when each emergency event arrives.
 */
const CLIENTS = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const now = () => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
let open = 0;
const requests = [];
workerData.urls.forEach((url, i) => {
  const req = http.get(url, { agent }, (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      buffer += chunk;
      let at = buffer.indexOf('\\n\\n');
      while (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const m = /^data: (.*)$/m.exec(block);
        const data = m ? m[1] : '';
        if (/^event: (emergency|bench)$/m.test(block)) {
          if (data === 'null' || data === '"hello"') {
            if (++open === workerData.urls.length) parentPort.postMessage({ type: 'open' });
          } else parentPort.postMessage({ type: 'got', i, at: now() });
        }
        at = buffer.indexOf('\\n\\n');
      }
    });
  });
  req.on('error', (err) => parentPort.postMessage({ type: 'error', message: err.message }));
  requests.push(req);
});
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    for (const r of requests) r.destroy();
    agent.destroy();
    parentPort.postMessage({ type: 'closed' });
  }
});
`;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Connects the clients, runs `fire` ROUNDS times and returns latencies (ms) per stele and round. */
async function measure(urls: string[], fire: (round: number) => Promise<void>, heap: () => number) {
  const worker = new Worker(CLIENTS, { eval: true, workerData: { urls } satisfies ClientInit });
  const messages: { type: string; i?: number; at?: number; data?: string; message?: string }[] = [];
  let wake: (() => void) | undefined;
  worker.on('message', (m) => {
    messages.push(m);
    wake?.();
  });
  const waitFor = async (pred: () => boolean, ms = 60_000) => {
    const until = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > until) throw new Error('timeout waiting for clients');
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 200);
      });
    }
  };
  global.gc?.();
  const heapBefore = heap();
  await waitFor(() => messages.some((m) => m.type === 'open'));
  global.gc?.();
  const heapPerConnection = (heap() - heapBefore) / urls.length;
  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = messages.length;
    const t0 = now();
    await fire(round);
    await waitFor(() => messages.slice(start).filter((m) => m.type === 'got').length >= urls.length);
    for (const m of messages.slice(start)) if (m.type === 'got') latencies.push(m.at! - t0);
    await new Promise((r) => setTimeout(r, 300));
  }
  worker.postMessage({ type: 'close' });
  await waitFor(() => messages.some((m) => m.type === 'closed'));
  await worker.terminate();
  const errors = messages.filter((m) => m.type === 'error').length;
  latencies.sort((a, b) => a - b);
  return { latencies, heapPerConnection, errors };
}

/** The floor: a bare HTTP server holding SSE streams and writing one frame to all of them. */
async function rawFloor(n: number) {
  const streams: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: bench\ndata: "hello"\n\n');
    streams.push(res);
  });
  server.maxConnections = n + 10;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const urls = Array.from({ length: n }, (_, i) => `http://127.0.0.1:${port}/s/${i}`);
  const result = await measure(
    urls,
    async (round) => {
      const frame = `event: bench\ndata: ${JSON.stringify({ round, title: 'Unwetterwarnung', body: 'Bitte Gebäude aufsuchen.' })}\n\n`;
      for (const s of streams) s.write(frame);
    },
    () => process.memoryUsage().heapUsed,
  );
  for (const s of streams) s.end();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  return result;
}

async function signage(n: number) {
  const [
    { buildApp },
    { loadConfig },
    db,
    { migrate },
    { seedDemoRegion },
    service,
    { createUser, grantRole, sessionUser, createSession, sha256 },
  ] = await Promise.all([
    import('../src/app.ts'),
    import('../src/config.ts'),
    import('../src/platform/db/index.ts'),
    import('../src/platform/db/migrate.ts'),
    import('../src/platform/tenancy/seed.ts'),
    import('../src/modules/signage/service.ts'),
    import('../src/platform/auth/service.ts'),
  ]);
  const database = await db.connect({ databaseUrl: process.env.DATABASE_URL, poolSize: 10 });
  await migrate(database);
  await seedDemoRegion(database.db);
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'silent' },
    { secret: 'bench-secret-bench-secret-bench-secret', databaseUrl: process.env.DATABASE_URL },
  );
  const app = await buildApp(config, { database, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const city = (await db.one<{ id: number }>(
    database.db,
    db.sql`SELECT id FROM cities WHERE slug = 'aalen'`,
  ))!;
  const steles = await db.rows<{ id: number; key_version: number }>(
    database.db,
    db.sql`INSERT INTO signage_steles (city_id, name, orientation, width, height)
        SELECT ${city.id}, 'Benchstele ' || g, 'portrait', 1080, 1920 FROM generate_series(1, ${n}) g
        RETURNING id, key_version`,
  );
  const user = await createUser(database.db, {
    email: `bench${Date.now()}@example.org`,
    displayName: 'Bench',
    password: 'bench bench bench',
    confirmed: true,
  });
  await grantRole(database.db, user.id, 'admin', city.id);
  const admin = await sessionUser(database.db, sha256(await createSession(database.db, user.id)));
  const urls = steles.map(
    (s) => `http://127.0.0.1:${port}/display/${s.id}/events?key=${service.deviceKey(config.secret, s)}`,
  );
  const result = await measure(
    urls,
    async (round) => {
      await service.publishEmergency(database, admin, city.id, {
        title: `Unwetterwarnung ${round}`,
        body: 'Bitte Gebäude aufsuchen.',
        minutes: 30,
      });
    },
    () => process.memoryUsage().heapUsed,
  );
  await app.close();
  await database.close();
  return { ...result, database: database.kind === 'pg' ? 'PostgreSQL' : 'PGlite' };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

export const signageBenchmark = {
  name: 'signage',
  description: `${STELES} steles on SSE receive an emergency message (publish → all delivered)`,
  async run() {
    const floor = await rawFloor(STELES);
    const s = await signage(STELES);
    const p = (xs: number[], q: number) => quantile(xs, q);
    const ratio = p(s.latencies, 0.99) / p(floor.latencies, 0.99);
    const rows = [
      {
        bench: 'signage',
        case: `emergency → ${STELES} SSE steles (${ROUNDS} rounds)`,
        database: s.database,
        measured: `p50 ${ms(p(s.latencies, 0.5))}, p99 ${ms(p(s.latencies, 0.99))}, max ${ms(s.latencies.at(-1)!)}`,
        limit: `bare http fan-out p99 ${ms(p(floor.latencies, 0.99))}`,
        ratio: `${ratio.toFixed(1)}×`,
        target: 'p99 < 2 s',
        met: p(s.latencies, 0.99) < 2000,
      },
      {
        bench: 'signage',
        case: 'server heap per open SSE connection',
        database: s.database,
        measured: `${(s.heapPerConnection / 1024).toFixed(1)} KB`,
        limit: `bare http ${(floor.heapPerConnection / 1024).toFixed(1)} KB`,
        ratio: `${(s.heapPerConnection / floor.heapPerConnection).toFixed(1)}×`,
        target: '—',
        met: undefined,
      },
    ];
    return {
      rows,
      details: {
        steles: STELES,
        rounds: ROUNDS,
        signage: {
          p50: p(s.latencies, 0.5),
          p99: p(s.latencies, 0.99),
          max: s.latencies.at(-1),
          heapPerConnection: s.heapPerConnection,
          errors: s.errors,
        },
        floor: {
          p50: p(floor.latencies, 0.5),
          p99: p(floor.latencies, 0.99),
          max: floor.latencies.at(-1),
          heapPerConnection: floor.heapPerConnection,
          errors: floor.errors,
        },
      },
    };
  },
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  const outcome = await signageBenchmark.run();
  console.table(outcome.rows);
  console.log(JSON.stringify(outcome.details, null, 2));
  process.exit(0);
}
