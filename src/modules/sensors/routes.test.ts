/** Stadtdaten pages, CSV download and upload, current-values API, live updates, seed, aggregates. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { cityId, type TestApp, testApp } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import { band } from './meaning.ts';
import { parseCsvUpload } from './routes.ts';
import { seedSensors } from './seed.ts';
import {
  aggregates,
  createApiKey,
  latestValues,
  listDatastreams,
  updateDatastreamSettings,
} from './service.ts';

describe('Stadtdaten', () => {
  let t: TestApp;
  let aalen: number;
  let key: string;
  const now = new Date();

  before(async () => {
    t = await testApp();
    aalen = await cityId(t.database, 'aalen');
    key = (await createApiKey(t.database.db, { cityId: aalen, name: 'upload' })).key;
    const first = await seedSensors(t.database.db, now);
    assert.ok(first.observations > 2000);
  });
  after(async () => t.close());

  test('seed is idempotent and labelled simulated', async () => {
    const again = await seedSensors(t.database.db, now);
    assert.equal(again.observations, 0);
    const list = await listDatastreams(t.database.db, { cityId: aalen });
    assert.equal(list.length, 10);
    assert.ok(list.every((d) => d.simulated && d.location));
  });

  test('latestValues: value, unit, kind, location, time and threshold status', async () => {
    const list = await latestValues(t.database.db, aalen);
    const pegel = list.find((v) => v.kind === 'water_level')!;
    assert.equal(typeof pegel.value, 'number');
    assert.equal(pegel.unit.symbol, 'cm');
    assert.equal(pegel.status, 'ok');
    assert.ok(pegel.time && pegel.location);
    await updateDatastreamSettings(t.database.db, pegel.id, {
      kind: 'water_level',
      thresholdValue: 1,
      thresholdDirection: 'above',
      thresholdMessage: 'Hochwassergefahr am Kocher',
    });
    const after = (await latestValues(t.database.db, aalen)).find((v) => v.id === pegel.id)!;
    assert.equal(after.status, 'exceeded');
    const page = await t.app.inject('/aalen/stadtdaten');
    assert.match(page.body, /Aktuelle Hinweise[\s\S]*Hochwassergefahr am Kocher/);
  });

  test('dashboard: tiles with units and meaning, Leichte Sprache, map, demo notice, no inline script', async () => {
    const res = await t.app.inject('/aalen/stadtdaten');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1[^>]*>Stadtdaten Aalen/);
    assert.match(res.body, /Feinstaub PM10 Bahnhofplatz/);
    assert.match(res.body, /µg\/m³/);
    assert.match(res.body, /Bewertung: <strong>(sehr gut|gut|mäßig|schlecht|sehr schlecht)/);
    assert.match(res.body, /Die Luft ist/);
    assert.match(res.body, /simulierte|simuliert/);
    assert.match(res.body, /class="sp-sensormap"/);
    assert.match(res.body, /data-live-url="\/aalen\/stadtdaten\/live"/);
    assert.doesNotMatch(res.body, /<script(?![^>]*src=)[^>]*>/);
    assert.doesNotMatch(res.body, /Brenzpark/, 'only this city');
    const en = await t.app.inject('/en/aalen/stadtdaten');
    assert.match(en.body, /City data Aalen/);
    assert.equal((await t.app.inject('/nirgendwo/stadtdaten')).statusCode, 404);
  });

  test('datastream page: chart data, hourly table, CSV download', async () => {
    const ds = (await listDatastreams(t.database.db, { cityId: aalen })).find(
      (d) => d.kind === 'temperature',
    )!;
    const res = await t.app.inject(`/aalen/stadtdaten/${ds.id}?tage=1`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /data-chart="/);
    assert.match(res.body, /<caption>Stundenwerte in °C/);
    assert.ok((res.body.match(/<th scope="row">/g) ?? []).length >= 24);
    // A year is shown as Berlin calendar days from the daily rollup.
    const year = await t.app.inject(`/aalen/stadtdaten/${ds.id}?tage=365`);
    assert.equal(year.statusCode, 200);
    assert.match(year.body, /<caption>Tageswerte in °C/);
    assert.match(year.body, /aria-current="page"[^>]*>1 Jahr</);
    const dayRows = year.body.match(/<th scope="row">\d{2}\.\d{2}\.\d{4}<\/th>/g) ?? [];
    assert.ok(dayRows.length >= 1 && dayRows.length <= 366);
    assert.equal((year.body.match(/<th scope="row">/g) ?? []).length, dayRows.length);
    const csv = await t.app.inject(`/aalen/stadtdaten/${ds.id}.csv?tage=1`);
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    const lines = csv.body.trim().split('\n');
    assert.equal(lines[0], 'phenomenonTime,result,unit');
    assert.ok(lines.length >= 144);
    assert.match(lines[1]!, /^\d{4}-\d{2}-\d{2}T[\d:.]+Z,-?\d+(\.\d+)?,°C$/);
    // Another city's datastream is not found under this city.
    const hdh = (
      await listDatastreams(t.database.db, { cityId: await cityId(t.database, 'heidenheim') })
    )[0]!;
    assert.equal((await t.app.inject(`/aalen/stadtdaten/${hdh.id}`)).statusCode, 404);
  });

  test('aggregates per 10 min, hour and day in SQL', async () => {
    const ds = (await listDatastreams(t.database.db, { cityId: aalen }))[0]!;
    const from = new Date(now.getTime() - 3 * 86_400_000);
    const tenMin = await aggregates(t.database.db, ds.id, '10min', from, now);
    const hours = await aggregates(t.database.db, ds.id, 'hour', from, now);
    const days = await aggregates(t.database.db, ds.id, 'day', from, new Date(now.getTime() + 1000));
    assert.ok(tenMin.length > 280);
    assert.ok(hours.every((h) => h.n <= 6 && h.min <= h.avg + 1e-9 && h.avg <= h.max + 1e-9));
    const total = (l: { n: number }[]) => l.reduce((s, d) => s + d.n, 0);
    assert.ok(days.length >= 3 && days.length <= 4);
    assert.ok(total(days) >= total(tenMin) && total(days) <= total(tenMin) + 1);
    assert.equal(total(hours), total(tenMin));
  });

  test('JSON API of current values', async () => {
    const res = await t.app.inject('/api/v1/sensors/aalen/latest');
    assert.equal(res.statusCode, 200);
    const list = res.json();
    assert.equal(list.length, 10);
    assert.ok(list.every((v: { simulated: boolean }) => v.simulated));
    assert.ok(list.some((v: { status: string }) => v.status === 'exceeded'));
  });

  test('CSV upload: parsed, validated, counted', async () => {
    assert.equal(
      parseCsvUpload('zeit,wert\n2026-01-01T00:00:00Z,1,5\n# Kommentar\n2026-01-01T00:10:00Z;2\n', 1).inputs
        .length,
      2,
    );
    const ds = (await listDatastreams(t.database.db, { cityId: aalen })).find((d) => d.kind === 'noise')!;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sensors/datastreams/${ds.id}/observations`,
      headers: { 'content-type': 'text/csv', 'x-api-key': key },
      payload:
        'phenomenonTime,result\n2026-01-05T10:00:00Z,55.5\n2026-01-05T10:10:00Z,laut\n2999-01-01T00:00:00Z,50\n',
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().created, 1);
    assert.deepEqual(
      res.json().rejected.map((r: { line: number }) => r.line),
      [3, 4],
    );
    const anon = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sensors/datastreams/${ds.id}/observations`,
      headers: { 'content-type': 'text/csv' },
      payload: '2026-01-05T10:00:00Z,55.5\n',
    });
    assert.equal(anon.statusCode, 401);
  });

  test('meaning of air quality values follows the UBA bands', () => {
    assert.equal(band('air_quality', 'PM10', 12)!.de, 'sehr gut');
    assert.equal(band('air_quality', 'O3', 190)!.de, 'schlecht');
    assert.equal(band('air_quality', 'NO2', 250)!.level, 5);
    assert.equal(band('temperature', 'Lufttemperatur', 20), undefined);
  });

  test('live updates: a new value reaches open event streams; app.close ends them', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const ds = (await listDatastreams(t.database.db, { cityId: aalen })).find(
      (d) => d.kind === 'temperature',
    )!;
    const got = new Promise<string>((resolve, reject) => {
      const req = http.get(`http://127.0.0.1:${port}/aalen/stadtdaten/live`, (res) => {
        assert.match(String(res.headers['content-type']), /text\/event-stream/);
        let buf = '';
        res.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          if (buf.includes('retry:') && !buf.includes('event: latest')) void post();
          const m = /event: latest\ndata: (.*)\n\n/.exec(buf);
          if (m) {
            resolve(m[1]!);
            req.destroy();
          }
        });
      });
      req.on('error', reject);
    });
    let posted = false;
    const post = async () => {
      if (posted) return;
      posted = true;
      const r = await t.app.inject({
        method: 'POST',
        url: `/sta/v1.1/Datastreams(${ds.id})/Observations`,
        headers: { 'x-api-key': key },
        payload: { phenomenonTime: new Date().toISOString(), result: 23.4 },
      });
      assert.equal(r.statusCode, 201);
    };
    const event = JSON.parse(await got);
    assert.equal(event.d, ds.id);
    assert.equal(event.f.de, '23,4');
    const stored = await one<{ n: number }>(
      t.database.db,
      sql`SELECT result_number AS n FROM sta_latest WHERE datastream_id = ${ds.id}`,
    );
    assert.equal(stored!.n, 23.4);
  });
});
