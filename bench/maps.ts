/**
 * Map and open data benchmark (docs/performance.md, "Karte und offene Daten").
 *   npx tsx bench/maps.ts            PGlite in memory
 *   DATABASE_URL=postgres://… npx tsx bench/maps.ts
 * 1. bbox query of a 100,000-feature layer at city zoom (1280 × 800 px viewport, z14) through the
 *    map's own path (featuresInBox: simplification, clustering), against the physical limit measured
 *    in the same run: the bare GiST index count of the same box.
 * 2. per tile (256 px at z14): the same.
 * 3. vector tiles (MVT) through the map's own path (layerTile: ST_AsMVT on PostgreSQL, SQL clip + the
 *    JS encoder on PGlite; clusters above 4,000 features) for z10, z14 and z16 tiles over the city,
 *    against the GiST count of the tile.
 * 4. CSV export of 1,000,000 rows through the streaming writer, heap sampled after every batch,
 *    against the limit of fetching the same pages without writing CSV: a map layer, and the
 *    observations of one sensor datastream (keyset on phenomenon time and id, via the sensors service).
 * Options: BENCH_FEATURES (100000), BENCH_EXPORT_ROWS (1000000), BENCH_RUNS (200),
 *   BENCH_ONLY=tiles (only the vector tile measurement, after the layer is built),
 *   BENCH_ONLY=observations (only the sensor export).
 */
import { performance } from 'node:perf_hooks';
import {
  type BBox,
  featuresInBox,
  layerTile,
  listLayers,
  refreshCells,
} from '../src/modules/maps/service.ts';
import { batches, csvChunks } from '../src/modules/opendata/export.ts';
import { type Download, findDataset } from '../src/modules/opendata/service.ts';
import { seedSensors } from '../src/modules/sensors/seed.ts';
import { publicDatastreams } from '../src/modules/sensors/service.ts';
import { connect, one, rows, sql } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';
import { getRegion, listCities } from '../src/platform/tenancy/service.ts';

const FEATURES = Number(process.env.BENCH_FEATURES ?? 100_000);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const ONLY = process.env.BENCH_ONLY;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;
const mb = (v: number) => `${(v / 1024 / 1024).toFixed(1)} MB`;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

// On PostgreSQL the bench gets a database of its own and drops it at the end.
const url = process.env.DATABASE_URL;
const benchDb = `sp_bench_maps_${process.pid}`;
const admin = url ? await connect({ databaseUrl: url, poolSize: 1 }) : undefined;
let benchUrl: string | undefined;
if (admin && url) {
  await admin.withClient((c) => c.exec(`CREATE DATABASE ${benchDb}`));
  const u = new URL(url);
  u.pathname = `/${benchDb}`;
  benchUrl = u.toString();
}
const database = await connect({ databaseUrl: benchUrl, poolSize: 2 });
const db = database.db;
await migrate(database);
await seedDemoRegion(db);
const cities = await listCities(db);
const region = await getRegion(db);
const aalen = cities.find((c) => c.slug === 'aalen')!;
const extent = (await one<{ w: number; s: number; e: number; n: number }>(
  db,
  sql`SELECT ST_XMin(boundary) w, ST_YMin(boundary) s, ST_XMax(boundary) e, ST_YMax(boundary) n FROM cities WHERE id = ${aalen.id}`,
))!;

async function layerWith(slug: string, n: number, cells = true): Promise<number> {
  await db.execute(sql`DELETE FROM map_layers WHERE city_id = ${aalen.id} AND slug = ${slug}`);
  const l = await one<{ id: number }>(
    db,
    sql`INSERT INTO map_layers (city_id, slug, kind, title) VALUES (${aalen.id}, ${slug}, 'upload', ${slug}) RETURNING id`,
  );
  const t0 = performance.now();
  for (let start = 0; start < n; start += 100_000) {
    const count = Math.min(100_000, n - start);
    await db.execute(sql`INSERT INTO map_features (layer_id, name, properties, geom)
      SELECT ${l!.id}, 'Objekt ' || i, jsonb_build_object('nr', i),
        ST_SetSRID(ST_MakePoint(${extent.w}::float8 + random() * ${extent.e - extent.w}::float8, ${extent.s}::float8 + random() * ${extent.n - extent.s}::float8), 4326)
      FROM generate_series(${start + 1}::int, ${start + count}::int) i`);
  }
  if (cells) await refreshCells(db, l!.id);
  await db.execute(sql`ANALYZE map_features`);
  console.log(
    `  ${slug}: ${n.toLocaleString('en')} features inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return l!.id;
}

console.log(`maps bench on ${database.kind === 'pg' ? 'PostgreSQL' : 'PGlite'}`);
const layerId = await layerWith('bench-100k', FEATURES);
const layer = (await listLayers({ db, city: aalen, cities })).find((l) => l.key === `ebene-${layerId}`)!;

const degPerPx = (z: number) => 360 / (256 * 2 ** z);
const viewport = (z: number, wPx: number, hPx: number, i: number): BBox => {
  // Deterministic spread of view centres over the city.
  const fx = (Math.sin(i * 12.9898) * 43758.5453) % 1;
  const fy = (Math.sin(i * 78.233) * 12345.6789) % 1;
  const cx = extent.w + Math.abs(fx) * (extent.e - extent.w);
  const cy = extent.s + Math.abs(fy) * (extent.n - extent.s);
  const dx = (degPerPx(z) * wPx) / 2;
  const dy = (degPerPx(z) * hPx * Math.cos((cy * Math.PI) / 180)) / 2;
  return [cx - dx, cy - dy, cx + dx, cy + dy];
};

async function measure(label: string, z: number, wPx: number, hPx: number) {
  const ours: number[] = [];
  const limit: number[] = [];
  let inBox = 0;
  let clustered = 0;
  for (let i = 0; i < RUNS; i++) {
    const b = viewport(z, wPx, hPx, i);
    const [t1, r] = await time(() => featuresInBox(db, layer, b, z));
    const [t2, c] = await time(() =>
      one<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM map_features WHERE layer_id = ${layerId}
            AND geom && ST_MakeEnvelope(${b[0]}, ${b[1]}, ${b[2]}, ${b[3]}, 4326)`,
      ),
    );
    if (i < 5) continue; // warm-up
    ours.push(t1);
    limit.push(t2);
    inBox += c!.n;
    if (r.clustered) clustered++;
  }
  const p95 = pct(ours, 95);
  const l95 = pct(limit, 95);
  console.log(
    `${label}: p50 ${ms(pct(ours, 50))}, p95 ${ms(p95)} | limit (GiST count of the box) p50 ${ms(pct(limit, 50))}, p95 ${ms(l95)} | ratio p95 ${(p95 / l95).toFixed(1)}× | ${Math.round(inBox / ours.length)} features per box, clustered ${clustered}/${ours.length}`,
  );
}

/** Vector tiles of the layer at zoom z, at tiles spread over the city, against the GiST count of the tile. */
async function measureTiles(z: number) {
  const ours: number[] = [];
  const limit: number[] = [];
  let bytes = 0;
  let inTile = 0;
  const n = 2 ** z;
  for (let i = 0; i < RUNS; i++) {
    const [w, s, e, nn] = viewport(z, 256, 256, i);
    const lon = (w + e) / 2;
    const lat = ((s + nn) / 2) * (Math.PI / 180);
    const x = Math.floor(((lon + 180) / 360) * n);
    const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n);
    const [t1, tile] = await time(() => layerTile(layer, z, x, y));
    const [t2, c] = await time(() =>
      one<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM map_features WHERE layer_id = ${layerId}
            AND geom && ST_Transform(ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int), 4326)`,
      ),
    );
    if (i < 5) continue;
    ours.push(t1);
    limit.push(t2);
    bytes += tile.length;
    inTile += c!.n;
  }
  const p95 = pct(ours, 95);
  const l95 = pct(limit, 95);
  console.log(
    `MVT tile z${z} (${database.kind === 'pg' ? 'ST_AsMVT' : 'SQL clip + JS encoder'}): p50 ${ms(pct(ours, 50))}, p95 ${ms(p95)} | limit (GiST count of the tile) p50 ${ms(pct(limit, 50))}, p95 ${ms(l95)} | ratio p95 ${(p95 / l95).toFixed(1)}× | ${Math.round(inTile / ours.length)} features, ${(bytes / ours.length / 1024).toFixed(1)} KB per tile`,
  );
}

if (!ONLY) {
  await measure('bbox, city zoom z14, 1280×800 px', 14, 1280, 800);
  await measure('tile z14 (256 px)', 14, 256, 256);
  await measure('tile z16 (256 px)', 16, 256, 256);
}
if (!ONLY || ONLY === 'tiles') {
  await measureTiles(10);
  await measureTiles(14);
  await measureTiles(16);
}

// ---- exports of 1,000,000 rows in constant memory ----

/** Streams a download as CSV, sampling the live heap, against fetching the same pages without writing. */
async function measureExport(label: string, download: Download) {
  global.gc?.();
  const [fetchMs] = await time(async () => {
    let n = 0;
    for await (const b of batches(db, download)) n += b.length;
    return n;
  });
  global.gc?.();
  const base = process.memoryUsage().heapUsed;
  // Live heap (after a full GC) every 10 batches: garbage waiting for collection is not memory in use.
  const samples: number[] = [];
  let bytes = 0;
  let lines = 0;
  let n = 0;
  const [exportMs] = await time(async () => {
    for await (const chunk of csvChunks(db, download)) {
      bytes += Buffer.byteLength(chunk);
      lines += chunk.split('\r\n').length - 1;
      if (++n % 10 === 0 && global.gc) {
        global.gc();
        samples.push(process.memoryUsage().heapUsed - base);
      }
    }
  });
  const peak = Math.max(0, ...samples);
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const early = Math.max(0, ...samples.slice(0, tenth));
  const late = Math.max(0, ...samples.slice(-tenth));
  console.log(
    `CSV export (${label}) of ${(lines - 1).toLocaleString('en')} rows (${mb(bytes)}): ${(exportMs / 1000).toFixed(1)} s, ` +
      `${Math.round((lines - 1) / (exportMs / 1000)).toLocaleString('en')} rows/s | limit (fetch the same pages) ${(fetchMs / 1000).toFixed(1)} s | ratio ${(exportMs / fetchMs).toFixed(2)}× | ` +
      `live heap above start (GC every 10 batches): peak ${mb(peak)} = ${((peak / bytes) * 100).toFixed(2)} % of the output; first tenth ${mb(early)}, last tenth ${mb(late)}`,
  );
}

const context = { db, region, cities, baseUrl: 'http://bench' };
const bigId = ONLY ? layerId : await layerWith('bench-export', EXPORT_ROWS, false);
if (!ONLY)
  await measureExport('map layer', (await findDataset(context, 'aalen-karte-bench-export'))!.download!);
if (!ONLY || ONLY === 'observations') {
  // One sensor datastream with EXPORT_ROWS observations, one per second, keyset-paged on (time, id).
  await seedSensors(db);
  const [stream] = await publicDatastreams(db);
  const t0 = performance.now();
  await db.execute(sql`INSERT INTO sta_observations (datastream_id, phenomenon_time, result_number)
    SELECT ${stream!.id}, '2020-01-01T00:00:00Z'::timestamptz + i * interval '1 second', round((random() * 50)::numeric, 1)
    FROM generate_series(1, ${EXPORT_ROWS}::int) i`);
  await db.execute(sql`ANALYZE sta_observations`);
  console.log(
    `  ${EXPORT_ROWS.toLocaleString('en')} observations inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const slug = `${cities.find((c) => c.id === stream!.cityId)!.slug}-sensor-${stream!.id}`;
  await measureExport('sensor observations', (await findDataset(context, slug))!.download!);
}
await db.execute(sql`DELETE FROM map_layers WHERE id IN (${layerId}, ${bigId})`);
await rows(db, sql`SELECT 1`);
await database.close();
if (admin) {
  await admin.withClient((c) => c.exec(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`));
  await admin.close();
}
