/**
 * Batched ingest (MQTT at-least-once, invalid messages inside a batch), the hourly and daily rollups
 * against the raw rows, and reading Observations in the dataArray format.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { cityId, type TestApp, testApp } from '../../../test/helpers.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { mqttOf } from './index.ts';
import { aggregates, createApiKey, rebuildRollups } from './service.ts';
import { makeDatastream } from './test-fixtures.ts';

const count = async (db: Db, ds: number) =>
  (await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM sta_observations WHERE datastream_id = ${ds}`,
  ))!.n;

describe('MQTT batches (embedded broker)', () => {
  let t: TestApp;
  let key: string;
  let url: string;
  const clients: mqtt.MqttClient[] = [];

  before(async () => {
    t = await testApp({ mqttPort: 0, host: '127.0.0.1' });
    key = (await createApiKey(t.database.db, { cityId: await cityId(t.database, 'aalen'), name: 'batch' }))
      .key;
    url = `mqtt://127.0.0.1:${mqttOf(t.database)!.address()!.port}`;
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await t.close();
  });

  test('N QoS 1 messages on many connections: all acked, exactly N rows, the subscriber gets all', async () => {
    const ds = await makeDatastream(t, key, { thing: 'Batch Temperatur', datastream: 'Batch Temperatur' });
    const sub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    clients.push(sub);
    await sub.subscribeAsync(`v1.1/Datastreams(${ds})/Observations`, { qos: 0 });
    const received = new Set<number>();
    const all = new Promise<void>((resolve) => {
      sub.on('message', (_topic, payload) => {
        received.add(JSON.parse(payload.toString())['@iot.id']);
        if (received.size === N) resolve();
      });
    });
    const conns = 12;
    const perConn = 50;
    const N = conns * perConn;
    const pubs = await Promise.all(
      Array.from({ length: conns }, () =>
        mqtt.connectAsync(url, { username: 'sensor', password: key, reconnectPeriod: 0 }),
      ),
    );
    clients.push(...pubs);
    const before = { ...mqttOf(t.database)!.stats };
    const start = Date.UTC(2026, 0, 5);
    // Everything at once: the messages of all connections arrive while batches are being written.
    await Promise.all(
      pubs.flatMap((pub, c) =>
        Array.from({ length: perConn }, (_, i) =>
          pub.publishAsync(
            `v1.1/Datastreams(${ds})/Observations`,
            JSON.stringify({
              phenomenonTime: new Date(start + (c * perConn + i) * 60_000).toISOString(),
              result: c * perConn + i,
            }),
            { qos: 1 },
          ),
        ),
      ),
    );
    // Every PUBACK is in: every row must be committed already, none twice.
    assert.equal(await count(t.database.db, ds), N);
    const distinct = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(DISTINCT result_number)::int AS n FROM sta_observations WHERE datastream_id = ${ds}`,
    );
    assert.equal(distinct!.n, N);
    const stats = mqttOf(t.database)!.stats;
    assert.equal(stats.messages - before.messages, N);
    assert.ok(stats.batches - before.batches < N / 5, `batched: ${stats.batches - before.batches} batches`);
    await all;
    assert.equal(received.size, N);
    // The rollups saw every message once.
    const h = await one<{ n: number }>(
      t.database.db,
      sql`SELECT sum(n)::int AS n FROM sta_hourly WHERE datastream_id = ${ds}`,
    );
    assert.equal(h!.n, N);
  });

  test('invalid messages in a batch are refused and counted; the valid ones of that batch are stored', async () => {
    const ds = await makeDatastream(t, key, { thing: 'Batch gemischt', datastream: 'Batch gemischt' });
    const pubs = await Promise.all(
      Array.from({ length: 4 }, () =>
        mqtt.connectAsync(url, { username: 'sensor', password: key, reconnectPeriod: 0 }),
      ),
    );
    clients.push(...pubs);
    const topic = `v1.1/Datastreams(${ds})/Observations`;
    const t0 = Date.UTC(2026, 0, 6);
    const payloads: string[] = [];
    for (let i = 0; i < 40; i++) {
      const phenomenonTime = new Date(t0 + i * 60_000).toISOString();
      if (i % 10 === 3)
        payloads.push(JSON.stringify({ phenomenonTime, result: 'warm' })); // wrong type
      else if (i % 10 === 5)
        payloads.push('{"result": 1'); // no JSON
      // PostgreSQL refuses NUL in jsonb: the whole batch fails and is retried message by message.
      else if (i % 10 === 7)
        payloads.push(JSON.stringify({ phenomenonTime, result: 2, parameters: { x: 'a\u0000b' } }));
      else payloads.push(JSON.stringify({ phenomenonTime, result: i }));
    }
    await Promise.all(payloads.map((p, i) => pubs[i % pubs.length]!.publishAsync(topic, p, { qos: 1 })));
    assert.equal(await count(t.database.db, ds), 28);
    const counts = await rows<{ reason: string; count: number }>(
      t.database.db,
      sql`SELECT reason, count::int AS count FROM sta_rejections WHERE datastream_id = ${ds} ORDER BY reason`,
    );
    assert.deepEqual(counts, [
      { reason: 'invalid', count: 8 },
      { reason: 'type', count: 4 },
    ]);
  });
  test('optional fields mixed with plain messages in one batch: each row keeps exactly its own', async () => {
    const ds = await makeDatastream(t, key, { thing: 'Batch Felder', datastream: 'Batch Felder' });
    const pub = await mqtt.connectAsync(url, { username: 'sensor', password: key, reconnectPeriod: 0 });
    clients.push(pub);
    const topic = `v1.1/Datastreams(${ds})/Observations`;
    const full = {
      phenomenonTime: '2026-01-07T10:00:00+01:00/2026-01-07T10:15:00+01:00',
      resultTime: '2026-01-07T09:20:00Z',
      validTime: '2026-01-07T09:00:00Z/2026-01-07T12:00:00Z',
      resultQuality: { flag: 'geprüft' },
      parameters: { 'a,b': '{"x"}' },
      result: 1e21,
    };
    await Promise.all([
      pub.publishAsync(topic, JSON.stringify({ phenomenonTime: '2026-01-07T08:00:00Z', result: -0.5 }), {
        qos: 1,
      }),
      pub.publishAsync(topic, JSON.stringify(full), { qos: 1 }),
      pub.publishAsync(topic, JSON.stringify({ phenomenonTime: '2026-01-07T09:59:00.123Z', result: 7 }), {
        qos: 1,
      }),
    ]);
    const res = await t.app.inject(`/sta/v1.1/Datastreams(${ds})/Observations?$orderby=phenomenonTime`);
    assert.equal(res.statusCode, 200, res.body);
    const got = res
      .json()
      .value.map((o: Record<string, unknown>) => [
        o.phenomenonTime,
        o.resultTime,
        o.result,
        o.resultQuality ?? null,
        o.validTime ?? null,
        o.parameters ?? null,
      ]);
    assert.deepEqual(got, [
      ['2026-01-07T08:00:00.000Z', null, -0.5, null, null, null],
      [
        '2026-01-07T09:00:00.000Z/2026-01-07T09:15:00.000Z',
        '2026-01-07T09:20:00.000Z',
        1e21,
        { flag: 'geprüft' },
        '2026-01-07T09:00:00.000Z/2026-01-07T12:00:00.000Z',
        { 'a,b': '{"x"}' },
      ],
      ['2026-01-07T09:59:00.123Z', null, 7, null, null, null],
    ]);
  });
});

describe('hourly and daily rollups', () => {
  let t: TestApp;
  let key: string;
  let ds: number;

  before(async () => {
    t = await testApp();
    key = (await createApiKey(t.database.db, { cityId: await cityId(t.database, 'aalen'), name: 'rollup' }))
      .key;
    ds = await makeDatastream(t, key, { thing: 'Rollup Temperatur', datastream: 'Rollup Temperatur' });
  });
  after(async () => t.close());

  /** Rollups next to the same aggregates computed from the raw rows. */
  async function compare(label: string) {
    const db = t.database.db;
    const hourly = await rows<Record<string, unknown>>(
      db,
      sql`SELECT hour AS k, n, sum, min, max FROM sta_hourly WHERE datastream_id = ${ds} ORDER BY 1`,
    );
    const rawHourly = await rows<Record<string, unknown>>(
      db,
      sql`SELECT date_bin('1 hour'::interval, phenomenon_time, '2000-01-01T00:00:00Z'::timestamptz) AS k,
            count(*)::int AS n, sum(result_number) AS sum, min(result_number) AS min, max(result_number) AS max
          FROM sta_observations WHERE datastream_id = ${ds} AND result_number IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    const daily = await rows<Record<string, unknown>>(
      db,
      sql`SELECT day::text AS k, n, sum, min, max FROM sta_daily WHERE datastream_id = ${ds} ORDER BY 1`,
    );
    const rawDaily = await rows<Record<string, unknown>>(
      db,
      sql`SELECT (phenomenon_time AT TIME ZONE 'Europe/Berlin')::date::text AS k, count(*)::int AS n,
            sum(result_number) AS sum, min(result_number) AS min, max(result_number) AS max
          FROM sta_observations WHERE datastream_id = ${ds} AND result_number IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    const norm = (l: Record<string, unknown>[]) =>
      l.map((r) => ({
        k: r.k instanceof Date ? r.k.toISOString() : String(r.k),
        n: Number(r.n),
        sum: Math.round(Number(r.sum) * 1e6) / 1e6,
        min: Number(r.min),
        max: Number(r.max),
      }));
    assert.deepEqual(norm(hourly), norm(rawHourly), `${label}: hourly`);
    assert.deepEqual(norm(daily), norm(rawDaily), `${label}: daily`);
    return { hours: hourly.length, days: daily.length };
  }

  test('inserts, updates and deletes keep both rollups equal to the raw rows (also at the clock change)', async () => {
    // 10-minute values from 2026-03-28 to 2026-03-31: Berlin switches to summer time on 29 March,
    // 22:00 UTC on the 28th is already the 29th in Berlin.
    const start = Date.UTC(2026, 2, 28, 0, 0);
    const data: [string, number][] = [];
    for (let i = 0; i < 3 * 144; i++) data.push([new Date(start + i * 600_000).toISOString(), (i % 37) - 10]);
    for (let s = 0; s < data.length; s += 100) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/sta/v1.1/CreateObservations',
        headers: { 'x-api-key': key },
        payload: [
          {
            Datastream: { '@iot.id': ds },
            components: ['phenomenonTime', 'result'],
            dataArray: data.slice(s, s + 100),
          },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    const first = await compare('after inserts');
    assert.equal(first.hours, 72);
    assert.equal(first.days, 4);
    // A Berlin day of 23 hours: 29 March 2026.
    const short = await one<{ n: number }>(
      t.database.db,
      sql`SELECT n FROM sta_daily WHERE datastream_id = ${ds} AND day = '2026-03-29'`,
    );
    assert.equal(short!.n, 23 * 6);

    const ids = await rows<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM sta_observations WHERE datastream_id = ${ds} ORDER BY phenomenon_time`,
    );
    // The highest value of a day moves to another day; another one changes its value only.
    const patch = async (id: string, body: object) => {
      const res = await t.app.inject({
        method: 'PATCH',
        url: `/sta/v1.1/Observations(${id})`,
        headers: { 'x-api-key': key },
        payload: body,
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    await patch(ids[10]!.id, { result: 99.5, phenomenonTime: '2026-03-30T12:05:00Z' });
    await patch(ids[200]!.id, { result: -40 });
    await compare('after updates');
    for (const i of [0, 1, 150, 300]) {
      const res = await t.app.inject({
        method: 'DELETE',
        url: `/sta/v1.1/Observations(${ids[i]!.id})`,
        headers: { 'x-api-key': key },
      });
      assert.equal(res.statusCode, 200);
    }
    await compare('after deletes');

    // Rows written around ingest (e.g. a bulk COPY import) are taken in by a rebuild.
    await t.database.db.execute(sql`INSERT INTO sta_observations (datastream_id, phenomenon_time, result_number)
      VALUES (${ds}, '2026-03-29T01:30:00Z', 1000), (${ds}, '2026-04-02T10:00:00Z', -1000)`);
    await rebuildRollups(t.database.db, ds);
    await compare('after a rebuild');
  });

  test('daily aggregate: whole days from the daily rollup, cut days from hours — equal to the raw rows', async () => {
    // [from, to) with the hour boundary the rollups imply; expected number of days.
    const cases: [string, string, string, number][] = [
      ['2026-03-28T13:20:00Z', '2026-03-30T09:00:00Z', '2026-03-28T13:00:00Z', 3], // cut, whole, cut
      ['2026-03-30T02:00:00Z', '2026-03-30T09:00:00Z', '2026-03-30T02:00:00Z', 1], // inside one day
      ['2026-03-28T23:00:00Z', '2026-03-30T22:00:00Z', '2026-03-28T23:00:00Z', 2], // whole days only
    ];
    for (const [from, to, hourFrom, expected] of cases) {
      const days = await aggregates(t.database.db, ds, 'day', new Date(from), new Date(to));
      const raw = await rows<{ t: Date | string; n: number; min: number; max: number; sum: number }>(
        t.database.db,
        sql`SELECT date_trunc('day', phenomenon_time, 'Europe/Berlin') AS t, count(*)::int AS n,
              min(result_number) AS min, max(result_number) AS max, sum(result_number) AS sum
            FROM sta_observations WHERE datastream_id = ${ds} AND result_number IS NOT NULL
              AND phenomenon_time >= ${hourFrom}::timestamptz AND phenomenon_time < ${to}::timestamptz
            GROUP BY 1 ORDER BY 1`,
      );
      assert.equal(days.length, expected, `${from} – ${to}`);
      assert.deepEqual(
        days.map((d) => ({ t: new Date(d.t).toISOString(), n: d.n, min: d.min, max: d.max })),
        raw.map((r) => ({ t: new Date(r.t).toISOString(), n: r.n, min: r.min, max: r.max })),
        `${from} – ${to}`,
      );
      for (const [i, d] of days.entries()) assert.ok(Math.abs(d.avg - raw[i]!.sum / raw[i]!.n) < 1e-9);
    }
  });
});

describe('reading Observations as dataArray', () => {
  let t: TestApp;
  let key: string;
  let a: number;
  let b: number;

  before(async () => {
    t = await testApp();
    key = (await createApiKey(t.database.db, { cityId: await cityId(t.database, 'aalen'), name: 'read' }))
      .key;
    a = await makeDatastream(t, key, { thing: 'Lesen A', datastream: 'Lesen A' });
    b = await makeDatastream(t, key, { thing: 'Lesen B', datastream: 'Lesen B' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/sta/v1.1/CreateObservations',
      headers: { 'x-api-key': key },
      payload: [
        {
          Datastream: { '@iot.id': a },
          components: ['phenomenonTime', 'result'],
          dataArray: [
            ['2026-02-01T10:00:00Z', 1.5],
            ['2026-02-01T10:10:00Z', 2.5],
            ['2026-02-01T10:20:00Z', 3.5],
          ],
        },
        {
          Datastream: { '@iot.id': b },
          components: ['phenomenonTime', 'result', 'parameters'],
          dataArray: [['2026-02-01T10:05:00Z', 7, { quelle: 'Test' }]],
        },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
  });
  after(async () => {
    delete process.env.STA_COUNT_ESTIMATE_ABOVE;
    await t.close();
  });

  test('a Datastream’s Observations: components, count, rows', async () => {
    const res = await t.app.inject(
      `/sta/v1.1/Datastreams(${a})/Observations?$resultFormat=dataArray&$orderby=phenomenonTime&$count=true`,
    );
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body['@iot.count'], 3);
    assert.equal(body.value.length, 1);
    const group = body.value[0];
    assert.match(group['Datastream@iot.navigationLink'], new RegExp(`/sta/v1\\.1/Datastreams\\(${a}\\)$`));
    assert.deepEqual(group.components, [
      'id',
      'phenomenonTime',
      'resultTime',
      'result',
      'resultQuality',
      'validTime',
      'parameters',
    ]);
    assert.equal(group['dataArray@iot.count'], 3);
    assert.deepEqual(
      group.dataArray.map((r: unknown[]) => r.slice(1)),
      [
        ['2026-02-01T10:00:00.000Z', null, 1.5, null, null, null],
        ['2026-02-01T10:10:00.000Z', null, 2.5, null, null, null],
        ['2026-02-01T10:20:00.000Z', null, 3.5, null, null, null],
      ],
    );
    assert.ok(group.dataArray.every((r: unknown[]) => typeof r[0] === 'number'));
  });

  test('the Observations collection: grouped per Datastream, $select picks the components, paging', async () => {
    const res = await t.app.inject(
      `/sta/v1.1/Observations?$resultFormat=dataArray&$select=result,phenomenonTime,parameters&$orderby=phenomenonTime&$filter=phenomenonTime ge 2026-02-01T00:00:00Z and phenomenonTime lt 2026-02-02T00:00:00Z&$top=3`,
    );
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.value.length, 2);
    const [first, second] = body.value;
    assert.deepEqual(first.components, ['result', 'phenomenonTime', 'parameters']);
    assert.match(first['Datastream@iot.navigationLink'], new RegExp(`Datastreams\\(${a}\\)$`));
    assert.deepEqual(first.dataArray, [
      [1.5, '2026-02-01T10:00:00.000Z', null],
      [2.5, '2026-02-01T10:10:00.000Z', null],
    ]);
    assert.match(second['Datastream@iot.navigationLink'], new RegExp(`Datastreams\\(${b}\\)$`));
    assert.deepEqual(second.dataArray, [[7, '2026-02-01T10:05:00.000Z', { quelle: 'Test' }]]);
    assert.match(body['@iot.nextLink'], /\$resultFormat=dataArray/);
    const next = await t.app.inject(body['@iot.nextLink'].replace(/^https?:\/\/[^/]+/, ''));
    assert.deepEqual(next.json().value[0].dataArray, [[3.5, '2026-02-01T10:20:00.000Z', null]]);
  });

  test('dataArray only where it fits; other formats are refused with 400', async () => {
    for (const url of [
      `/sta/v1.1/Datastreams?$resultFormat=dataArray`,
      `/sta/v1.1/Observations?$resultFormat=csv`,
      `/sta/v1.1/Observations?$resultFormat=dataArray&$expand=Datastream`,
      `/sta/v1.1/Observations?$resultFormat=dataArray&$select=Datastream`,
    ]) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 400, url);
      assert.match(res.headers['content-type'] as string, /problem\+json/);
    }
  });

  test('$count: exact by default; estimated for the unfiltered Observations only when configured', async () => {
    const exact = await t.app.inject('/sta/v1.1/Observations?$count=true&$top=1');
    const n = exact.json()['@iot.count'];
    const stored = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM sta_observations`,
    );
    assert.equal(n, stored!.n);
    assert.equal(exact.headers['x-count-estimated'], undefined);

    process.env.STA_COUNT_ESTIMATE_ABOVE = '1';
    const est = await t.app.inject('/sta/v1.1/Observations?$count=true&$top=1');
    assert.equal(est.statusCode, 200);
    assert.equal(est.headers['x-count-estimated'], 'true');
    assert.ok(Number.isInteger(est.json()['@iot.count']) && est.json()['@iot.count'] > 1);
    // Filtered or navigated collections always count exactly.
    const filtered = await t.app.inject(
      `/sta/v1.1/Observations?$count=true&$filter=phenomenonTime ge 2026-02-01T00:00:00Z and phenomenonTime lt 2026-02-02T00:00:00Z`,
    );
    assert.equal(filtered.headers['x-count-estimated'], undefined);
    assert.equal(filtered.json()['@iot.count'], 4);
    const nav = await t.app.inject(`/sta/v1.1/Datastreams(${a})/Observations?$count=true`);
    assert.equal(nav.json()['@iot.count'], 3);
    // A threshold above the table's size: exact again.
    process.env.STA_COUNT_ESTIMATE_ABOVE = '100000000';
    const below = await t.app.inject('/sta/v1.1/Observations?$count=true&$top=1');
    assert.equal(below.headers['x-count-estimated'], undefined);
    assert.equal(below.json()['@iot.count'], stored!.n);
  });
});
