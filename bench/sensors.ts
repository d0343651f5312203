/**
 * Urban data benchmarks, each next to the physical limit measured in the same run on the same table:
 *   1. raw COPY into sta_observations, twice, the faster counts (the limit)
 *   2. HTTP dataArray (POST /sta/v1.1/CreateObservations)      → ratio to COPY (target ≥ 0.5)
 *   3. MQTT QoS 1 over the embedded broker, many connections from a separate process (bench/mqtt-senders.ts)
 *                                                             → ratio to COPY (target ≥ 0.5)
 *   4. daily aggregate over one year of 10-minute data (daily rollup), p95 (target < 50 ms), next to a raw scan
 *      of the same rows
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/sensors.ts
 * (without DATABASE_URL it runs on PGlite). BENCH_N sets the number of observations (default 100000),
 * BENCH_MQTT_CONNS the MQTT connections (128). BENCH_MARKS=1 prints the MQTT phase's monotonic time window,
 * to cut a `node --cpu-prof` profile down to it.
 */
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { mqttOf } from '../src/modules/sensors/index.ts';
import {
  aggregates,
  createApiKey,
  OBSERVATION_TYPES,
  rebuildRollups,
} from '../src/modules/sensors/service.ts';
import { Writer } from '../src/modules/sensors/sta-write.ts';
import { connect, type Database, type Db, one, sql } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';

const N = Number(process.env.BENCH_N ?? 100_000);
const YEAR = 52_560; // 365 days of 10-minute values

async function openDatabase(): Promise<{ database: Database; drop: () => Promise<void>; url?: string }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await connect({});
    await migrate(database);
    await seedDemoRegion(database.db);
    return { database, drop: async () => database.close() };
  }
  const admin = await connect({ databaseUrl: url, poolSize: 1 });
  const name = `sp_bench_sensors_${randomBytes(3).toString('hex')}`;
  await admin.withClient((c) => c.exec(`CREATE DATABASE ${name}`));
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await connect({ databaseUrl: u.toString(), poolSize: 10 });
  await migrate(database);
  await seedDemoRegion(database.db);
  return {
    database,
    url: u.toString(),
    drop: async () => {
      await database.close();
      await admin.withClient((c) => c.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    },
  };
}

async function makeDatastream(db: Db, name: string): Promise<number> {
  return db.transaction(async (tx) => {
    const w = new Writer(tx as unknown as Db, { cities: 'all' });
    const thing = await w.create('Things', {
      name: `Bench ${name}`,
      Locations: [
        {
          name: 'Bench',
          description: '',
          encodingType: 'application/geo+json',
          location: { type: 'Point', coordinates: [10.0936, 48.8378] },
        },
      ],
      Datastreams: [
        {
          name,
          description: '',
          observationType: OBSERVATION_TYPES.measurement,
          unitOfMeasurement: { name: 'Grad Celsius', symbol: '°C', definition: '' },
          Sensor: { name: 'Bench', description: '', encodingType: 'text/html', metadata: '' },
          ObservedProperty: { name: 'Bench', definition: '', description: '' },
        },
      ],
    });
    const r = await one<{ id: string }>(
      tx as unknown as Db,
      sql`SELECT id FROM sta_datastreams WHERE thing_id = ${thing}`,
    );
    return Number(r!.id);
  });
}

const t0 = Date.UTC(2025, 0, 1);
const iso = (i: number, stepMs: number) => new Date(t0 + i * stepMs).toISOString();

/** Raw COPY of n rows (datastream, time, value, feature) into the same table, times from step `from` on. */
async function copyRows(
  database: Database,
  url: string | undefined,
  ds: number,
  foi: number,
  n: number,
  stepMs: number,
  from = 0,
) {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++)
    lines.push(`${ds}\t${iso(i, stepMs)}\t${(20 + Math.sin(i / 50) * 5).toFixed(2)}\t${foi}`);
  const text = `${lines.join('\n')}\n`;
  const columns = 'sta_observations (datastream_id, phenomenon_time, result_number, feature_of_interest_id)';
  if (url) {
    const [{ default: pg }, { from: copyFrom }] = await Promise.all([
      import('pg'),
      import('pg-copy-streams'),
    ]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // Timed from the first byte to the end of the COPY: not the module load and the connection setup.
    const started = performance.now();
    const pg0 = postgresCpuMs(url);
    const stream = client.query(copyFrom(`COPY ${columns} FROM STDIN`));
    await pipeline(async function* () {
      for (let i = 0; i < text.length; i += 1 << 20) yield text.slice(i, i + (1 << 20));
    }, stream);
    const ms = performance.now() - started;
    // Before the backend exits and its CPU time leaves /proc.
    const pgMs = pg0 === undefined ? undefined : postgresCpuMs(url)! - pg0;
    await client.end();
    return { ms, pgMs };
  }
  const started = performance.now();
  await database.pglite!.query(`COPY ${columns} FROM '/dev/blob'`, [], { blob: new Blob([text]) });
  return { ms: performance.now() - started, pgMs: undefined };
}

/**
 * CPU time of the PostgreSQL backends serving the benchmark database (Linux /proc, server on this
 * machine; undefined elsewhere): how much the database spends per row on each path. Background
 * processes (WAL writer, checkpointer) are left out — they serve every database on the cluster.
 */
function postgresCpuMs(url: string | undefined): number | undefined {
  if (!url) return undefined;
  const database = new URL(url).pathname.slice(1);
  try {
    const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      let title: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // A backend's title: "postgres: user database host(port) state".
        title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      if (!title.split(' ').includes(database)) continue;
      const f = stat.slice(close + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    }
    return ticks * tick;
  } catch {
    return undefined;
  }
}

async function main() {
  const { database, drop, url } = await openDatabase();
  const db = database.db;
  const config = loadConfig(
    { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', NODE_ENV: 'production' },
    {
      secret: 'bench-secret-bench-secret-bench-secret-1',
      mqttPort: 0,
      host: '127.0.0.1',
      mqttUrl: undefined,
    },
  );
  const app = await buildApp(config, { database, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const { key } = await createApiKey(db, { cityId: null, name: 'bench' });
  const [dsCopy, dsHttp, dsMqtt, dsYear] = [
    await makeDatastream(db, 'copy'),
    await makeDatastream(db, 'http'),
    await makeDatastream(db, 'mqtt'),
    await makeDatastream(db, 'year'),
  ];
  // A FeatureOfInterest for the COPY rows, as the ingest path would attach one.
  await app.inject({
    method: 'POST',
    url: `/sta/v1.1/Datastreams(${dsCopy})/Observations`,
    headers: { 'x-api-key': key },
    payload: { result: 1 },
  });
  const foi = Number(
    (await one<{ f: string }>(db, sql`SELECT feature_of_interest_id AS f FROM sta_observations LIMIT 1`))!.f,
  );

  // 1. COPY
  // Twice, the faster one counts: the same COPY varies between runs by up to 1.7× on this machine
  // (checkpoints forced by CREATE/DROP DATABASE of parallel test suites, WAL segments), and the limit
  // should be what the machine can do.
  const copies = [
    await copyRows(database, url, dsCopy, foi, N, 1000),
    await copyRows(database, url, dsCopy, foi, N, 1000, N),
  ];
  const { ms: copyMs, pgMs: pgCopyMs } = copies[0]!.ms <= copies[1]!.ms ? copies[0]! : copies[1]!;
  const copyRate = N / (copyMs / 1000);

  // 2. HTTP dataArray, batches of 5000, two requests in flight.
  const batch = 5000;
  const bodies: string[] = [];
  for (let s = 0; s < N; s += batch) {
    const rows = [];
    for (let i = s; i < Math.min(N, s + batch); i++) rows.push([iso(i, 1000), 20 + Math.sin(i / 50) * 5]);
    bodies.push(
      JSON.stringify([
        { Datastream: { '@iot.id': dsHttp }, components: ['phenomenonTime', 'result'], dataArray: rows },
      ]),
    );
  }
  let next = 0;
  const httpStart = performance.now();
  await Promise.all(
    [0, 1].map(async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(`${origin}/sta/v1.1/CreateObservations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body,
        });
        if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      }
    }),
  );
  const httpRate = N / ((performance.now() - httpStart) / 1000);

  // 3. MQTT QoS 1 from another process: 128 device connections, each with up to 64 messages in flight.
  const port = mqttOf(database)!.address()!.port;
  const conns = Number(process.env.BENCH_MQTT_CONNS ?? 128);
  const senders = fork(fileURLToPath(new URL('./mqtt-senders.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
  });
  const reply = () =>
    new Promise<{ ready?: boolean; done?: boolean; ms: number; acked: number; cpuMs: number }>(
      (resolve, reject) => {
        senders.once('message', resolve as (m: unknown) => void);
        senders.once('exit', (code) => reject(new Error(`MQTT senders exited (${code})`)));
      },
    );
  senders.send({
    url: `mqtt://127.0.0.1:${port}`,
    key,
    ds: dsMqtt,
    n: N,
    conns,
    inflight: 64,
    t0,
    stepMs: 1000,
  });
  await reply();
  const mark = () => Number(process.hrtime.bigint() / 1000n);
  const markStart = mark();
  const cpu0 = process.cpuUsage();
  const pgMqtt0 = postgresCpuMs(url);
  senders.send('go');
  const sent = await reply();
  const serverCpu = process.cpuUsage(cpu0);
  const pgMqttMs = pgMqtt0 === undefined ? undefined : postgresCpuMs(url)! - pgMqtt0;
  const serverCpuMs = (serverCpu.user + serverCpu.system) / 1000;
  if (process.env.BENCH_MARKS) console.error(`mqtt window (µs, monotonic): ${markStart} ${mark()}`);
  const batches = mqttOf(database)!.stats;
  if (sent.acked !== N) throw new Error(`MQTT: ${sent.acked} of ${N} acknowledged`);
  const mqttRate = N / (sent.ms / 1000);
  const stored = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM sta_observations WHERE datastream_id = ${dsMqtt}`,
  );
  if (stored!.n !== N) throw new Error(`MQTT: ${stored!.n} of ${N} stored`);

  // 4. A year of 10-minute data, daily aggregate p95.
  await copyRows(database, url, dsYear, foi, YEAR, 600_000);
  // COPY bypasses ingest: build the rollups for these rows as an import would.
  await rebuildRollups(db, dsYear);
  // What autovacuum does in production: the visibility map makes the aggregate an index-only scan.
  if (url) await db.execute(sql`VACUUM ANALYZE sta_observations`);
  const from = new Date(t0);
  const to = new Date(t0 + 365 * 86_400_000);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) await aggregates(db, dsYear, 'day', from, to);
  for (let i = 0; i < 40; i++) {
    const s = performance.now();
    const r = await aggregates(db, dsYear, 'day', from, to);
    times.push(performance.now() - s);
    if (r.length < 365) throw new Error(`aggregate returned ${r.length} days`);
  }
  times.sort((a, b) => a - b);
  const p95 = times[Math.floor(times.length * 0.95) - 1]!;
  const scan: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    await db.execute(sql`SELECT count(result_number) FROM sta_observations WHERE datastream_id = ${dsYear}
      AND phenomenon_time >= ${from.toISOString()}::timestamptz AND phenomenon_time < ${to.toISOString()}::timestamptz`);
    scan.push(performance.now() - s);
  }
  scan.sort((a, b) => a - b);

  // Server-side execution time of the daily rollup read (less sensitive to a busy machine than the round trip).
  const plan = await one<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
    db,
    sql`EXPLAIN (ANALYZE, FORMAT JSON) SELECT day::timestamp AT TIME ZONE 'Europe/Berlin' AS t, min, max, sum / n, n
          FROM sta_daily WHERE datastream_id = ${dsYear} AND day >= '2025-01-01' AND day < '2026-01-01' ORDER BY day`,
  );
  const planJson = plan!['QUERY PLAN'];
  const execMs = (typeof planJson === 'string' ? JSON.parse(planJson) : planJson)[0][
    'Execution Time'
  ] as number;
  const { loadavg } = await import('node:os');

  await app.close();
  await drop();
  const f = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`sensors benchmark (${url ? 'PostgreSQL' : 'PGlite'}, ${f(N)} observations)`);
  console.log(`| path | observations/s | ratio to COPY |`);
  console.log(`| --- | ---: | ---: |`);
  console.log(
    `| raw COPY (limit, faster of ${copies.map((c) => f(N / (c.ms / 1000))).join(' and ')}) | ${f(copyRate)} | 1.00 |`,
  );
  console.log(`| HTTP dataArray (5000/request) | ${f(httpRate)} | ${(httpRate / copyRate).toFixed(2)} |`);
  console.log(
    `| MQTT QoS 1 (${conns} connections, other process) | ${f(mqttRate)} | ${(mqttRate / copyRate).toFixed(2)} |`,
  );
  // What the server process ran with (tsx's own loader flags left out).
  const own = process.execArgv.filter(
    (a, i, all) => !a.includes('tsx') && !(/^--(require|import)$/.test(a) && all[i + 1]?.includes('tsx')),
  );
  const nodeFlags = [...own, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
  const us = (ms: number) => `${((ms * 1000) / N).toFixed(1)} µs`;
  console.log(
    `MQTT: ${f(batches.batches)} batches, on average ${f(batches.messages / batches.batches)} messages, largest ${f(batches.largest)}, ${f(batches.direct)} through the lean front; CPU per message: server ${us(serverCpuMs)}, senders ${us(sent.cpuMs)}${pgMqttMs === undefined || pgCopyMs === undefined ? '' : `, PostgreSQL ${us(pgMqttMs)} (COPY: ${us(pgCopyMs)} per row)`}`,
  );
  console.log(
    `node ${process.version}, flags: ${nodeFlags || 'none'}; V8 new space now ${v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20} MiB`,
  );
  console.log(
    `daily aggregate over ${f(YEAR)} rows: p50 ${times[times.length >> 1]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (target < 50 ms), server execution of the daily-rollup read ${execMs.toFixed(1)} ms; raw index scan of the same rows p50 ${scan[scan.length >> 1]!.toFixed(1)} ms`,
  );
  console.log(
    `load average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (2 cores)`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
