/** Conformance-style tests of the SensorThings core: CRUD, relations, query options, paging, errors. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cityId, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import { createApiKey, OBSERVATION_TYPES } from './service.ts';

const AALEN = [10.0936, 48.8378];
const HEIDENHEIM = [10.1517, 48.6767];

describe('SensorThings API 1.1', () => {
  let t: TestApp;
  let key: string;
  let heidenheimKey: string;
  let dsId: number;
  let thingId: number;

  const req = async (method: string, url: string, body?: unknown, k: string | null = key) =>
    t.app.inject({
      method: method as 'GET',
      url: `/sta/v1.1/${url}`,
      headers: k ? { 'x-api-key': k } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });
  const get = async (url: string) => {
    const res = await t.app.inject(`/sta/v1.1/${url}`);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json();
  };

  before(async () => {
    t = await testApp();
    key = (
      await createApiKey(t.database.db, { cityId: await cityId(t.database, 'aalen'), name: 'Test Aalen' })
    ).key;
    heidenheimKey = (
      await createApiKey(t.database.db, { cityId: await cityId(t.database, 'heidenheim'), name: 'Test HDH' })
    ).key;
  });
  after(async () => t.close());

  test('index lists the entity sets and conformance classes', async () => {
    const body = await get('');
    assert.ok(body.value.some((v: { name: string }) => v.name === 'Datastreams'));
    assert.ok(body.serverSettings.conformance.some((c: string) => c.endsWith('create-update-delete')));
  });

  test('deep insert: Thing with Location, Datastream, Sensor, ObservedProperty, Observations', async () => {
    const res = await req('POST', 'Things', {
      name: 'Luftmessstation Bahnhof',
      description: 'Luftqualität am Bahnhof Aalen',
      properties: { operator: 'Stadt Aalen' },
      Locations: [
        {
          name: 'Bahnhofplatz',
          description: 'Vor dem Bahnhof',
          encodingType: 'application/geo+json',
          location: { type: 'Point', coordinates: AALEN },
        },
      ],
      Datastreams: [
        {
          name: 'PM10 Bahnhof',
          description: 'Feinstaub PM10',
          observationType: OBSERVATION_TYPES.measurement,
          unitOfMeasurement: {
            name: 'Mikrogramm pro Kubikmeter',
            symbol: 'µg/m³',
            definition: 'http://unitsofmeasure.org/ucum.html#para-30',
          },
          Sensor: {
            name: 'SDS011',
            description: 'Feinstaubsensor',
            encodingType: 'application/pdf',
            metadata: 'https://example.org/sds011.pdf',
          },
          ObservedProperty: {
            name: 'PM10',
            definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/5',
            description: 'Feinstaub',
          },
          Observations: [
            { phenomenonTime: '2026-01-01T10:00:00Z', result: 12.5 },
            { phenomenonTime: '2026-01-01T11:00:00Z', result: 20 },
          ],
        },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    const thing = res.json();
    thingId = thing['@iot.id'];
    assert.match(res.headers.location as string, /\/sta\/v1\.1\/Things\(\d+\)$/);
    assert.equal(thing['Datastreams@iot.navigationLink'], `${thing['@iot.selfLink']}/Datastreams`);
    const ds = await get(`Things(${thingId})/Datastreams`);
    assert.equal(ds.value.length, 1);
    dsId = ds.value[0]['@iot.id'];
    assert.equal(ds.value[0].phenomenonTime, '2026-01-01T10:00:00.000Z/2026-01-01T11:00:00.000Z');
    const hist = await get(`Things(${thingId})/HistoricalLocations?$expand=Locations`);
    assert.equal(hist.value.length, 1);
    assert.equal(hist.value[0].Locations[0].name, 'Bahnhofplatz');
    // The FeatureOfInterest was generated from the Thing's Location.
    const obs = await get(
      `Datastreams(${dsId})/Observations?$expand=FeatureOfInterest&$orderby=phenomenonTime`,
    );
    assert.equal(obs.value.length, 2);
    assert.deepEqual(obs.value[0].FeatureOfInterest.feature, { type: 'Point', coordinates: AALEN });
  });

  test('create observation via navigation path, read it back via relations', async () => {
    const res = await req('POST', `Datastreams(${dsId})/Observations`, {
      phenomenonTime: '2026-01-01T12:00:00Z',
      result: 31.5,
    });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json()['@iot.id'];
    const ds = await get(`Observations(${id})/Datastream`);
    assert.equal(ds['@iot.id'], dsId);
    const thing = await get(`Observations(${id})/Datastream/Thing`);
    assert.equal(thing.name, 'Luftmessstation Bahnhof');
    assert.deepEqual(await get(`Observations(${id})/result`), { result: 31.5 });
    const v = await t.app.inject(`/sta/v1.1/Things(${thingId})/name/$value`);
    assert.equal(v.body, 'Luftmessstation Bahnhof');
    const ref = await get(`Things(${thingId})/Datastreams/$ref`);
    assert.deepEqual(Object.keys(ref.value[0]), ['@iot.selfLink']);
  });

  test('$filter: comparison, logical, arithmetic, string, date, geo; $select; $orderby; $count', async () => {
    const gt = await get(
      `Observations?$filter=result gt 15 and Datastream/id eq ${dsId}&$orderby=result desc&$count=true`,
    );
    assert.deepEqual(
      gt.value.map((o: { result: number }) => o.result),
      [31.5, 20],
    );
    assert.equal(gt['@iot.count'], 2);
    const arith = await get(`Observations?$filter=result mul 2 sub 1 eq 24`);
    assert.deepEqual(
      arith.value.map((o: { result: number }) => o.result),
      [12.5],
    );
    const or = await get(
      `Observations?$filter=result eq 12.5 or not (result lt 30)&$select=result&$orderby=result`,
    );
    assert.deepEqual(or.value, [{ result: 12.5 }, { result: 31.5 }]);
    const str = await get(
      `Things?$filter=startswith(name,'Luft') and substringof('Bahnhof', name) and length(name) eq 23 and tolower(name) eq 'luftmessstation bahnhof' and indexof(name,'mess') eq 4 and endswith(concat(name,'!'),'hof!') and substring(name,4,7) eq 'messsta'`,
    );
    assert.equal(str.value.length, 1);
    const date = await get(
      `Observations?$filter=year(phenomenonTime) eq 2026 and month(phenomenonTime) eq 1 and hour(phenomenonTime) eq 11 and phenomenonTime ge 2026-01-01T10:30:00Z and date(phenomenonTime) eq 2026-01-01`,
    );
    assert.deepEqual(
      date.value.map((o: { result: number }) => o.result),
      [20],
    );
    const dur = await get(`Observations?$filter=phenomenonTime lt 2026-01-01T10:00:00Z add duration'PT1H'`);
    assert.equal(dur.value.length, 1);
    const geoIn = await get(
      `Locations?$filter=st_within(location, geography'POLYGON((10.0 48.8, 10.2 48.8, 10.2 48.9, 10.0 48.9, 10.0 48.8))')`,
    );
    assert.equal(geoIn.value.length, 1);
    const near = await get(
      `Locations?$filter=geo.distance(location, geography'POINT(10.0936 48.8378)') lt 0.01`,
    );
    assert.equal(near.value.length, 1);
    const far = await get(
      `Locations?$filter=st_intersects(location, geography'POINT(${HEIDENHEIM.join(' ')})')`,
    );
    assert.equal(far.value.length, 0);
    const props = await get(`Things?$filter=properties/operator eq 'Stadt Aalen'&$select=name,id`);
    assert.deepEqual(props.value, [
      {
        '@iot.id': thingId,
        '@iot.selfLink': props.value[0]['@iot.selfLink'],
        name: 'Luftmessstation Bahnhof',
      },
    ]);
    const unit = await get(`Datastreams?$filter=unitOfMeasurement/symbol eq 'µg/m³'`);
    assert.equal(unit.value.length, 1);
  });

  test('$expand nested with options, counts and nextLink inside', async () => {
    const body = await get(
      `Things(${thingId})?$expand=Datastreams($select=name;$expand=Observations($orderby=phenomenonTime desc;$top=1;$count=true),Sensor),Locations`,
    );
    const ds = body.Datastreams[0];
    assert.equal(ds.name, 'PM10 Bahnhof');
    assert.equal(ds.Observations.length, 1);
    assert.equal(ds.Observations[0].result, 31.5);
    assert.equal(ds['Observations@iot.count'], 3);
    assert.match(ds['Observations@iot.nextLink'], /Datastreams\(\d+\)\/Observations\?.*\$top=1&\$skip=1/);
    assert.equal(ds.Sensor.name, 'SDS011');
    assert.equal(body.Locations[0].name, 'Bahnhofplatz');
    const path = await get(`Datastreams?$expand=Thing/Locations`);
    assert.equal(path.value[0].Thing.Locations[0].name, 'Bahnhofplatz');
  });

  test('$top, $skip and @iot.nextLink paging walk the whole collection', async () => {
    const res = await req('POST', 'CreateObservations', [
      {
        Datastream: { '@iot.id': dsId },
        components: ['phenomenonTime', 'result'],
        dataArray: Array.from({ length: 7 }, (_, i) => [`2026-01-02T0${i}:00:00Z`, i]),
      },
    ]);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().length, 7);
    const seen: number[] = [];
    let url: string | undefined =
      `Datastreams(${dsId})/Observations?$top=4&$orderby=phenomenonTime&$count=true`;
    let pages = 0;
    while (url) {
      const page = await get(url);
      assert.equal(page['@iot.count'], 10);
      seen.push(...page.value.map((o: { '@iot.id': number }) => o['@iot.id']));
      url = page['@iot.nextLink']?.replace(/^.*\/sta\/v1\.1\//, '');
      pages++;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 10);
    const capped = await get('Observations?$top=999999');
    assert.ok(capped.value.length <= 10_000);
  });

  test('bad queries get 400 with the position of the problem', async () => {
    const cases: [string, RegExp][] = [
      ['Things?$filter=name eq', /Position 8/],
      ["Things?$filter=name eq 'x' and", /Position 16/],
      ['Things?$filter=name eqq 3', /Position 6/],
      ['Things?$filter=nosuch eq 1', /Unbekannte Eigenschaft/],
      ["Things?$filter=name eq 'open", /Anführungszeichen/],
      ['Things?$filter=foo(name)', /Unbekannte Funktion/],
      ['Things?$top=-1', /\$top/],
      ['Things?$expand=Nope', /Navigation/],
      ['Things?$select=nope', /\$select/],
      ['Things?$orderby=name sideways', /Position 6/],
      ['Things?$bogus=1', /Unbekannte Option/],
      ["Locations?$filter=st_within(location, geography'CIRCLE(1 2)')", /Geometrie/],
    ];
    for (const [url, re] of cases) {
      const res = await t.app.inject(`/sta/v1.1/${url.replace(/ /g, '%20')}`);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.match(res.json().detail, re, url);
    }
    assert.equal((await t.app.inject('/sta/v1.1/Things(999999)')).statusCode, 404);
    assert.equal((await t.app.inject('/sta/v1.1/Nothing')).statusCode, 404);
  });

  test('PATCH and DELETE, with cascades', async () => {
    const res = await req('PATCH', `Things(${thingId})`, { description: 'Neu beschrieben' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().description, 'Neu beschrieben');
    const bad = await req('PATCH', `Things(${thingId})`, { color: 'rot' });
    assert.equal(bad.statusCode, 400);
    // Changing and deleting observations keeps latest value and hourly rollup in step.
    const obs = await req('POST', `Datastreams(${dsId})/Observations`, {
      phenomenonTime: '2026-03-01T10:05:00Z',
      result: 7,
    });
    const oid = obs.json()['@iot.id'];
    assert.equal((await req('PATCH', `Observations(${oid})`, { result: 9 })).statusCode, 200);
    const hour = async () =>
      one<{ n: number; sum: number }>(
        t.database.db,
        sql`SELECT n, sum FROM sta_hourly WHERE datastream_id = ${dsId} AND hour = '2026-03-01T10:00:00Z'`,
      );
    assert.deepEqual(await hour(), { n: 1, sum: 9 });
    assert.equal((await req('DELETE', `Observations(${oid})`)).statusCode, 200);
    assert.equal(await hour(), undefined);
    const sensor = await req('POST', 'Sensors', {
      name: 'Zusatz',
      description: '',
      encodingType: 'text/html',
      metadata: '',
    });
    assert.equal(sensor.statusCode, 201, sensor.body);
    const sid = sensor.json()['@iot.id'];
    assert.equal((await req('DELETE', `Sensors(${sid})`)).statusCode, 200);
    assert.equal((await t.app.inject(`/sta/v1.1/Sensors(${sid})`)).statusCode, 404);
  });

  test('writes need a key or staff session; keys and editors are limited to their city', async () => {
    assert.equal((await req('POST', 'Things', { name: 'x' }, null)).statusCode, 401);
    assert.equal((await req('POST', 'Things', { name: 'x' }, 'sta_wrong')).statusCode, 401);
    assert.equal(
      (await req('PATCH', `Things(${thingId})`, { name: 'gekapert' }, heidenheimKey)).statusCode,
      403,
    );
    assert.equal((await req('DELETE', `Things(${thingId})`, undefined, heidenheimKey)).statusCode, 403);
    const obs = await req(
      'POST',
      'Observations',
      { Datastream: { '@iot.id': dsId }, result: 1 },
      heidenheimKey,
    );
    assert.equal(obs.statusCode, 403);
    // A location in Heidenheim belongs to Heidenheim, whatever key sends it.
    const loc = await req('POST', 'Locations', {
      name: 'Brenzpark',
      description: '',
      encodingType: 'application/geo+json',
      location: { type: 'Point', coordinates: HEIDENHEIM },
    });
    assert.equal(loc.statusCode, 403);
    const editor = await userAgent(t, [{ role: 'editor', city: 'heidenheim' }]);
    const byEditor = await t.app.inject({
      method: 'POST',
      url: '/sta/v1.1/Things',
      headers: { cookie: editor.cookie, 'x-csrf-token': editor.csrf },
      payload: {
        name: 'Pegel Brenz',
        Locations: [
          {
            name: 'Brenzbrücke',
            description: '',
            encodingType: 'application/geo+json',
            location: { type: 'Point', coordinates: HEIDENHEIM },
          },
        ],
      },
    });
    assert.equal(byEditor.statusCode, 201, byEditor.body);
    const citizen = await userAgent(t);
    const byCitizen = await t.app.inject({
      method: 'POST',
      url: '/sta/v1.1/Things',
      headers: { cookie: citizen.cookie, 'x-csrf-token': citizen.csrf },
      payload: { name: 'x' },
    });
    assert.equal(byCitizen.statusCode, 403);
  });

  test('bad observations are refused and counted per datastream', async () => {
    const wrongType = await req('POST', 'Observations', {
      Datastream: { '@iot.id': dsId },
      result: 'hoch',
      phenomenonTime: '2026-01-03T00:00:00Z',
    });
    assert.equal(wrongType.statusCode, 400);
    const future = await req('POST', 'Observations', {
      Datastream: { '@iot.id': dsId },
      result: 1,
      phenomenonTime: '2999-01-01T00:00:00Z',
    });
    assert.equal(future.statusCode, 400);
    const unknown = await req('POST', 'Observations', { Datastream: { '@iot.id': 987654 }, result: 1 });
    assert.equal(unknown.statusCode, 400);
    const arr = await req('POST', 'CreateObservations', [
      {
        Datastream: { '@iot.id': dsId },
        components: ['phenomenonTime', 'result'],
        dataArray: [
          ['2026-01-03T00:00:00Z', 'x'],
          ['2026-01-03T00:10:00Z', 5],
        ],
      },
    ]);
    assert.equal(arr.statusCode, 201);
    assert.equal(arr.json()[0], 'error');
    assert.match(arr.json()[1], /Observations\(\d+\)$/);
    const counted = await one<{ n: number }>(
      t.database.db,
      sql`SELECT sum(count)::int AS n FROM sta_rejections WHERE datastream_id = ${dsId} AND reason IN ('type', 'future')`,
    );
    assert.equal(counted!.n, 3);
  });
});
