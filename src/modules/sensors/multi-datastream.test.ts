/** The SensorThings MultiDatastream extension: CRUD, deep insert, relations, results, dataArray, MQTT, auth. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { type TestApp, testApp } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import { mqttOf } from './index.ts';
import { COMPLEX_OBSERVATION, createApiKey, OBSERVATION_TYPES } from './service.ts';
import { cityKeys, makeDatastream, staRequests } from './test-fixtures.ts';

const AALEN = [10.0936, 48.8378];
const M = OBSERVATION_TYPES.measurement;

describe('SensorThings MultiDatastreams', () => {
  let t: TestApp;
  let key: string;
  let heidenheimKey: string;
  let thingId: number;
  let mdsId: number;
  let tempId: number;
  let humidityId: number;
  let sensorId: number;

  const state: { t?: TestApp; key?: string } = {};
  const { req, get } = staRequests(state);
  const names = (list: { name: string }[]) => list.map((x) => x.name);
  const multiBody = (ops: unknown[], extra: Record<string, unknown> = {}) => ({
    name: 'Klima Marktplatz',
    description: 'Temperatur und Luftfeuchte',
    observationType: COMPLEX_OBSERVATION,
    multiObservationDataTypes: ops.map(() => M),
    unitOfMeasurements: ops.map((_, i) =>
      i === 0
        ? { name: 'Grad Celsius', symbol: '°C', definition: 'ucum:Cel' }
        : { name: 'Prozent', symbol: '%' },
    ),
    ObservedProperties: ops,
    ...extra,
  });

  before(async () => {
    t = await testApp({ mqttPort: 0, host: '127.0.0.1' });
    ({ aalen: key, heidenheim: heidenheimKey } = await cityKeys(t));
    Object.assign(state, { t, key });
  });
  after(async () => t.close());

  test('the index lists the entity set and the conformance class', async () => {
    const body = await get('');
    assert.ok(body.value.some((v: { name: string }) => v.name === 'MultiDatastreams'));
    assert.ok(body.serverSettings.conformance.some((c: string) => c.endsWith('/req/multi-datastream')));
  });

  test('deep insert: Thing with a MultiDatastream, its Sensor, ObservedProperties and Observations', async () => {
    const res = await req('POST', 'Things', {
      name: 'Klimastation Marktplatz',
      Locations: [
        {
          name: 'Marktplatz',
          description: '',
          encodingType: 'application/geo+json',
          location: { type: 'Point', coordinates: AALEN },
        },
      ],
      MultiDatastreams: [
        multiBody(
          [
            { name: 'Lufttemperatur', definition: 'urn:temp', description: '' },
            { name: 'Luftfeuchte', definition: 'urn:hum', description: '' },
          ],
          {
            Sensor: { name: 'SHT31', description: '', encodingType: 'text/html', metadata: '' },
            Observations: [{ phenomenonTime: '2026-01-10T10:00:00Z', result: [3.5, 81] }],
          },
        ),
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    thingId = res.json()['@iot.id'];
    assert.match(res.json()['MultiDatastreams@iot.navigationLink'], /Things\(\d+\)\/MultiDatastreams$/);
    const list = await get(`Things(${thingId})/MultiDatastreams`);
    assert.equal(list.value.length, 1);
    const m = list.value[0];
    mdsId = m['@iot.id'];
    assert.equal(m.observationType, COMPLEX_OBSERVATION);
    assert.deepEqual(m.multiObservationDataTypes, [M, M]);
    assert.equal(m.unitOfMeasurements[0].symbol, '°C');
    assert.equal(m.phenomenonTime, '2026-01-10T10:00:00.000Z/2026-01-10T10:00:00.000Z');
    for (const nav of ['Thing', 'Sensor', 'ObservedProperties', 'Observations'])
      assert.equal(m[`${nav}@iot.navigationLink`], `${m['@iot.selfLink']}/${nav}`);
    const ops = await get(`MultiDatastreams(${mdsId})/ObservedProperties`);
    assert.deepEqual(names(ops.value), ['Lufttemperatur', 'Luftfeuchte']);
    [tempId, humidityId] = ops.value.map((o: { '@iot.id': number }) => o['@iot.id']);
    sensorId = (await get(`MultiDatastreams(${mdsId})/Sensor`))['@iot.id'];
    const obs = await get(`MultiDatastreams(${mdsId})/Observations`);
    assert.deepEqual(obs.value[0].result, [3.5, 81]);
    assert.match(obs.value[0]['MultiDatastream@iot.navigationLink'], /Observations\(\d+\)\/MultiDatastream$/);
  });

  test('ObservedProperties by id keep the order given, also in $expand', async () => {
    const res = await req(
      'POST',
      `Things(${thingId})/MultiDatastreams`,
      multiBody([{ '@iot.id': humidityId }, { '@iot.id': tempId }], {
        name: 'Klima umgekehrt',
        Sensor: { '@iot.id': sensorId },
      }),
    );
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json()['@iot.id'];
    const single = await get(`MultiDatastreams(${id})?$expand=ObservedProperties($select=name)`);
    assert.deepEqual(names(single.ObservedProperties), ['Luftfeuchte', 'Lufttemperatur']);
    const all = await get(
      `Things(${thingId})?$expand=MultiDatastreams($orderby=id;$expand=ObservedProperties)`,
    );
    assert.deepEqual(
      all.MultiDatastreams.map((m: { ObservedProperties: { name: string }[] }) =>
        names(m.ObservedProperties),
      ),
      [
        ['Lufttemperatur', 'Luftfeuchte'],
        ['Luftfeuchte', 'Lufttemperatur'],
      ],
    );
    assert.deepEqual(names((await get(`MultiDatastreams(${id})/ObservedProperties`)).value), [
      'Luftfeuchte',
      'Lufttemperatur',
    ]);
    const refs = await get(`MultiDatastreams(${id})/ObservedProperties/$ref`);
    assert.deepEqual(
      refs.value.map((r: { '@iot.selfLink': string }) => r['@iot.selfLink'].split('/').pop()),
      [`ObservedProperties(${humidityId})`, `ObservedProperties(${tempId})`],
    );
  });

  test('relations both ways', async () => {
    assert.equal((await get(`MultiDatastreams(${mdsId})/Thing`))['@iot.id'], thingId);
    assert.equal((await get(`Sensors(${sensorId})/MultiDatastreams?$count=true`))['@iot.count'], 2);
    assert.equal((await get(`ObservedProperties(${tempId})/MultiDatastreams?$count=true`))['@iot.count'], 2);
    const obs = (await get(`MultiDatastreams(${mdsId})/Observations`)).value[0];
    assert.equal((await get(`Observations(${obs['@iot.id']})/MultiDatastream`))['@iot.id'], mdsId);
    const thing = await get(`Things(${thingId})?$expand=MultiDatastreams($select=name;$count=true)`);
    assert.equal(thing['MultiDatastreams@iot.count'], 2);
    const filtered = await get(
      `MultiDatastreams?$filter=Thing/id eq ${thingId} and name eq 'Klima Marktplatz'`,
    );
    assert.deepEqual(
      filtered.value.map((m: { '@iot.id': number }) => m['@iot.id']),
      [mdsId],
    );
    // A Datastream's Observations and a MultiDatastream's do not mix.
    const ds = await makeDatastream(t, key);
    assert.equal((await get(`Datastreams(${ds})/Observations?$count=true`))['@iot.count'], 0);
  });

  test('a result needs one value per ObservedProperty, of the declared type', async () => {
    for (const [result, message] of [
      [[1], /Liste mit 2 Werten/],
      [5, /Liste mit 2 Werten/],
      [[1, 2, 3], /Liste mit 2 Werten/],
      [['warm', 2], /Wert 1: Messwert muss eine Zahl sein/],
    ] as const) {
      const res = await req('POST', `MultiDatastreams(${mdsId})/Observations`, {
        phenomenonTime: '2026-01-10T11:00:00Z',
        result,
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, message);
    }
    // Times follow the same rule as for Datastreams.
    for (const [phenomenonTime, message] of [
      ['gestern', /Zeitangabe ungültig/],
      ['2999-01-01T00:00:00Z', /in der Zukunft/],
    ] as const) {
      const res = await req('POST', `MultiDatastreams(${mdsId})/Observations`, {
        phenomenonTime,
        result: [1, 2],
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, message);
    }
    // A missing component is null.
    const ok = await req('POST', 'Observations', {
      phenomenonTime: '2026-01-10T11:00:00Z',
      result: [4, null],
      MultiDatastream: { '@iot.id': mdsId },
    });
    assert.equal(ok.statusCode, 201, ok.body);
    const both = await req('POST', 'Observations', {
      result: 1,
      MultiDatastream: { '@iot.id': mdsId },
      Datastream: { '@iot.id': 1 },
    });
    assert.equal(both.statusCode, 400);
    // The MultiDatastream itself: as many types and units as ObservedProperties.
    const bad = await req(
      'POST',
      'MultiDatastreams',
      multiBody([{ '@iot.id': tempId }, { '@iot.id': humidityId }], {
        unitOfMeasurements: [{ name: 'Grad Celsius' }],
        Thing: { '@iot.id': thingId },
        Sensor: { '@iot.id': sensorId },
      }),
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /gleich viele Einträge/);
    const wrongType = await req(
      'POST',
      'MultiDatastreams',
      multiBody([{ '@iot.id': tempId }], {
        observationType: M,
        Thing: { '@iot.id': thingId },
        Sensor: { '@iot.id': sensorId },
      }),
    );
    assert.equal(wrongType.statusCode, 400);
  });

  test('$filter, $orderby, $top, $count and nextLink on a MultiDatastream’s Observations', async () => {
    for (let h = 12; h < 17; h++) {
      const res = await req('POST', `MultiDatastreams(${mdsId})/Observations`, {
        phenomenonTime: `2026-01-10T${h}:00:00Z`,
        result: [h - 10, 70 + h],
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    const page = await get(
      `MultiDatastreams(${mdsId})/Observations?$filter=phenomenonTime ge 2026-01-10T12:00:00Z&$orderby=phenomenonTime desc&$top=2&$count=true`,
    );
    assert.equal(page['@iot.count'], 5);
    assert.deepEqual(
      page.value.map((o: { result: number[] }) => o.result),
      [
        [6, 86],
        [5, 85],
      ],
    );
    assert.match(page['@iot.nextLink'], /\$skip=2/);
    const byNav = await get(
      `Observations?$filter=MultiDatastream/id eq ${mdsId} and phenomenonTime lt 2026-01-10T11:00:00Z`,
    );
    assert.equal(byNav.value.length, 1);
    assert.deepEqual(byNav.value[0].result, [3.5, 81]);
    const span = await get(`MultiDatastreams(${mdsId})`);
    assert.equal(span.phenomenonTime, '2026-01-10T10:00:00.000Z/2026-01-10T16:00:00.000Z');
  });

  test('dataArray: create for a MultiDatastream next to a Datastream, and read back', async () => {
    const ds = await makeDatastream(t, key);
    const res = await req('POST', 'CreateObservations', [
      {
        MultiDatastream: { '@iot.id': mdsId },
        components: ['phenomenonTime', 'result'],
        dataArray: [
          ['2026-01-11T08:00:00Z', [1.5, 90]],
          ['2026-01-11T09:00:00Z', [2]],
        ],
      },
      {
        Datastream: { '@iot.id': ds },
        components: ['phenomenonTime', 'result'],
        dataArray: [['2026-01-11T08:00:00Z', 44]],
      },
    ]);
    assert.equal(res.statusCode, 201, res.body);
    const links = res.json();
    assert.equal(links.length, 3);
    assert.match(links[0], /Observations\(\d+\)$/);
    assert.equal(links[1], 'error');
    assert.match(links[2], /Observations\(\d+\)$/);
    const stored = await get(`${links[0].split('/v1.1/')[1]}/MultiDatastream`);
    assert.equal(stored['@iot.id'], mdsId);
    const arr = await get(
      `MultiDatastreams(${mdsId})/Observations?$resultFormat=dataArray&$filter=phenomenonTime ge 2026-01-11T00:00:00Z`,
    );
    assert.equal(arr.value.length, 1);
    assert.match(
      arr.value[0]['MultiDatastream@iot.navigationLink'],
      new RegExp(`MultiDatastreams\\(${mdsId}\\)$`),
    );
    assert.deepEqual(arr.value[0].dataArray[0][arr.value[0].components.indexOf('result')], [1.5, 90]);
  });

  test('PATCH and DELETE; deleting a MultiDatastream deletes its Observations', async () => {
    const patched = await req('PATCH', `MultiDatastreams(${mdsId})`, {
      name: 'Klima Marktplatz (neu)',
      unitOfMeasurements: [
        { name: 'Kelvin', symbol: 'K' },
        { name: 'Prozent', symbol: '%' },
      ],
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().unitOfMeasurements[0].symbol, 'K');
    const short = await req('PATCH', `MultiDatastreams(${mdsId})`, {
      unitOfMeasurements: [{ name: 'Kelvin' }],
    });
    assert.match(short.body, /Liste von 2 JSON-Objekten/);
    for (const body of [
      { unitOfMeasurements: [{ name: 'Kelvin' }] },
      { observationType: COMPLEX_OBSERVATION },
      { ObservedProperties: [{ '@iot.id': tempId }] },
    ])
      assert.equal((await req('PATCH', `MultiDatastreams(${mdsId})`, body)).statusCode, 400);
    const obs = (await get(`MultiDatastreams(${mdsId})/Observations?$top=1`)).value[0];
    const bad = await req('PATCH', `Observations(${obs['@iot.id']})`, { result: [1] });
    assert.equal(bad.statusCode, 400);
    const good = await req('PATCH', `Observations(${obs['@iot.id']})`, { result: [7, 77] });
    assert.equal(good.statusCode, 200, good.body);
    assert.deepEqual(good.json().result, [7, 77]);
    assert.equal((await req('DELETE', `Observations(${obs['@iot.id']})`)).statusCode, 200);

    const count = async () =>
      (await one<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM sta_observations WHERE multi_datastream_id = ${mdsId}`,
      ))!.n;
    assert.ok((await count()) > 0);
    assert.equal((await req('DELETE', `MultiDatastreams(${mdsId})`)).statusCode, 200);
    assert.equal((await t.app.inject(`/sta/v1.1/MultiDatastreams(${mdsId})`)).statusCode, 404);
    assert.equal(await count(), 0);
    // The ObservedProperties stay (shared vocabulary); the other MultiDatastream still has both.
    assert.equal((await get(`ObservedProperties(${tempId})/MultiDatastreams?$count=true`))['@iot.count'], 1);
  });

  test('writes need a key; keys are limited to their city', async () => {
    const [other] = (await get(`Things(${thingId})/MultiDatastreams`)).value;
    const body = multiBody([{ '@iot.id': tempId }, { '@iot.id': humidityId }], {
      Thing: { '@iot.id': thingId },
      Sensor: { '@iot.id': sensorId },
    });
    assert.equal((await req('POST', 'MultiDatastreams', body, null)).statusCode, 401);
    assert.equal((await req('POST', 'MultiDatastreams', body, heidenheimKey)).statusCode, 403);
    assert.equal(
      (await req('PATCH', `MultiDatastreams(${other['@iot.id']})`, { name: 'x' }, heidenheimKey)).statusCode,
      403,
    );
    assert.equal(
      (await req('DELETE', `MultiDatastreams(${other['@iot.id']})`, undefined, null)).statusCode,
      401,
    );
    assert.equal(
      (await req('DELETE', `MultiDatastreams(${other['@iot.id']})`, undefined, heidenheimKey)).statusCode,
      403,
    );
    const obs = { phenomenonTime: '2026-01-12T08:00:00Z', result: [1, 2] };
    assert.equal(
      (await req('POST', `MultiDatastreams(${other['@iot.id']})/Observations`, obs, null)).statusCode,
      401,
    );
    assert.equal(
      (await req('POST', `MultiDatastreams(${other['@iot.id']})/Observations`, obs, heidenheimKey))
        .statusCode,
      403,
    );
    const arr = await req(
      'POST',
      'CreateObservations',
      [{ MultiDatastream: { '@iot.id': other['@iot.id'] }, components: ['result'], dataArray: [[[1, 2]]] }],
      heidenheimKey,
    );
    assert.deepEqual(arr.json(), ['error']);
    assert.equal((await get(`MultiDatastreams(${other['@iot.id']})`))['@iot.id'], other['@iot.id']);
  });

  test('MQTT: publish to a MultiDatastream’s topic is stored before the ack; subscribers receive it', async () => {
    const [m] = (await get(`Things(${thingId})/MultiDatastreams`)).value;
    const topic = `v1.1/MultiDatastreams(${m['@iot.id']})/Observations`;
    const url = `mqtt://127.0.0.1:${mqttOf(t.database)!.address()!.port}`;
    const sub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const pub = await mqtt.connectAsync(url, { username: 'sensor', password: key, reconnectPeriod: 0 });
    try {
      await sub.subscribeAsync(topic, { qos: 1 });
      const received = new Promise<Record<string, unknown>>((resolve) =>
        sub.on('message', (tp, payload) => {
          if (tp === topic) resolve(JSON.parse(payload.toString()));
        }),
      );
      await pub.publishAsync(
        topic,
        JSON.stringify({ phenomenonTime: '2026-01-12T09:00:00Z', result: [9.5, 60] }),
        {
          qos: 1,
        },
      );
      const row = await one<{ id: string; result_json: unknown }>(
        t.database.db,
        sql`SELECT id, result_json FROM sta_observations WHERE multi_datastream_id = ${m['@iot.id']}
            AND phenomenon_time = '2026-01-12T09:00:00Z'`,
      );
      assert.ok(row, 'stored before the acknowledgement');
      assert.deepEqual(row.result_json, [9.5, 60]);
      const msg = await received;
      assert.equal(msg['@iot.id'], Number(row.id));
      assert.deepEqual(msg.result, [9.5, 60]);
      assert.match(String(msg['MultiDatastream@iot.navigationLink']), /\/MultiDatastream$/);
      // A result of the wrong length is acknowledged (resending would not help) but not stored.
      await pub.publishAsync(topic, JSON.stringify({ phenomenonTime: '2026-01-12T10:00:00Z', result: [1] }), {
        qos: 1,
      });
      const none = await one(
        t.database.db,
        sql`SELECT 1 FROM sta_observations WHERE multi_datastream_id = ${m['@iot.id']}
            AND phenomenon_time = '2026-01-12T10:00:00Z'`,
      );
      assert.equal(none, undefined);
    } finally {
      await Promise.all([sub.endAsync(true), pub.endAsync(true)]);
    }
  });

  test('deleting an ObservedProperty deletes the MultiDatastreams that use it', async () => {
    const before = (await get(`ObservedProperties(${humidityId})/MultiDatastreams`)).value;
    assert.equal(before.length, 1);
    // Shared vocabulary: only a region-wide key may delete it.
    assert.equal((await req('DELETE', `ObservedProperties(${humidityId})`)).statusCode, 403);
    const region = (await createApiKey(t.database.db, { cityId: null, name: 'Region' })).key;
    assert.equal(
      (await req('DELETE', `ObservedProperties(${humidityId})`, undefined, region)).statusCode,
      200,
    );
    assert.equal((await t.app.inject(`/sta/v1.1/MultiDatastreams(${before[0]['@iot.id']})`)).statusCode, 404);
    assert.equal((await get(`Things(${thingId})/MultiDatastreams?$count=true`))['@iot.count'], 0);
  });
});
