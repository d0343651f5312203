import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type TestApp, testApp } from '../../../test/helpers.ts';
import { sql } from '../../platform/db/index.ts';
import { seedSensors } from '../sensors/seed.ts';
import { publicDatastreams } from '../sensors/service.ts';
import { csvChunks } from './export.ts';
import { findDataset } from './service.ts';

const ROWS = 1_000_000;
const MB = 1024 * 1024;

/** A full garbage collection, so the heap measured is what is still in use, not garbage. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

describe('open data exports at scale', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await seedSensors(t.database.db);
  });
  after(async () => t.close());

  test('the CSV of 1,000,000 observations streams in constant memory', { timeout: 600_000 }, async () => {
    const db = t.database.db;
    const [stream] = await publicDatastreams(db);
    await db.execute(sql`INSERT INTO sta_observations (datastream_id, phenomenon_time, result_number)
      SELECT ${stream!.id}, '2020-01-01T00:00:00Z'::timestamptz + i * interval '1 second', i % 1000
      FROM generate_series(1, ${ROWS}::int) i`);
    const { region, cities } = await t.app.tenancy();
    const slug = `${cities.find((c) => c.id === stream!.cityId)!.slug}-sensor-${stream!.id}`;
    const dataset = await findDataset({ db, region, cities, baseUrl: 'http://test' }, slug);
    assert.ok(dataset?.download, slug);

    const gc = collector();
    gc();
    const base = process.memoryUsage().heapUsed;
    const live: number[] = [];
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    for await (const chunk of csvChunks(db, dataset.download)) {
      bytes += Buffer.byteLength(chunk);
      lines += chunk.split('\r\n').length - 1;
      if (++chunks % 20 === 0) {
        gc();
        live.push(process.memoryUsage().heapUsed - base);
      }
    }
    // Header, the seeded history and the million.
    assert.ok(lines > ROWS, `${lines} lines`);
    assert.ok(bytes > 30 * MB, `${(bytes / MB).toFixed(1)} MB written`);
    const peak = Math.max(...live);
    const tenth = Math.max(1, Math.floor(live.length / 10));
    const early = Math.max(...live.slice(0, tenth));
    const late = Math.max(...live.slice(-tenth));
    // Built in memory, the heap would grow with the output (tens of MB); streamed, it stays at a
    // few pages' worth from the first tenth to the last.
    assert.ok(
      peak < 16 * MB,
      `peak ${(peak / MB).toFixed(1)} MB above start for ${(bytes / MB).toFixed(1)} MB out`,
    );
    assert.ok(
      late - early < 4 * MB,
      `first tenth ${(early / MB).toFixed(1)} MB, last ${(late / MB).toFixed(1)} MB`,
    );
  });
});
