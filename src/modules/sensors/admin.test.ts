/** Staff pages for sensors: permissions per city, forms with error summary, API keys, audit. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import { seedSensors } from './seed.ts';
import { listDatastreams } from './service.ts';

describe('sensor administration', () => {
  let t: TestApp;
  let aalenEditor: Agent;
  let hdhEditor: Agent;
  let citizen: Agent;
  let aalenDs: number;

  before(async () => {
    t = await testApp();
    await seedSensors(t.database.db);
    aalenEditor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    hdhEditor = await userAgent(t, [{ role: 'editor', city: 'heidenheim' }]);
    citizen = await userAgent(t);
    const aalen = (await listDatastreams(t.database.db)).find((d) => d.name.includes('Bahnhofplatz'))!;
    aalenDs = aalen.id;
  });
  after(async () => t.close());

  const post = (agent: Agent, url: string, data: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: agent.csrf, ...data }),
    });

  test('overview lists only the own city; citizens get 403, anonymous a login redirect', async () => {
    const res = await t.app.inject({ url: '/admin/sensoren', headers: { cookie: aalenEditor.cookie } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Bahnhofplatz/);
    assert.doesNotMatch(res.body, /Brenzpark/);
    assert.equal(
      (await t.app.inject({ url: '/admin/sensoren', headers: { cookie: citizen.cookie } })).statusCode,
      403,
    );
    assert.equal((await t.app.inject('/admin/sensoren')).statusCode, 303);
  });

  test('threshold: bad number re-renders with error summary; good value saved, audited, shown on the dashboard', async () => {
    const bad = await post(aalenEditor, `/admin/sensoren/${aalenDs}`, {
      kind: 'air_quality',
      threshold: 'viel',
      direction: 'above',
      message: '',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Grenzwert als Zahl/);
    const other = await post(hdhEditor, `/admin/sensoren/${aalenDs}`, {
      kind: 'air_quality',
      threshold: '1',
      direction: 'above',
      message: 'x',
    });
    assert.equal(other.statusCode, 403);
    const ok = await post(aalenEditor, `/admin/sensoren/${aalenDs}`, {
      kind: 'air_quality',
      threshold: '0,5',
      direction: 'above',
      message: 'Ozonwarnung für Aalen',
    });
    assert.equal(ok.statusCode, 303);
    const logged = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'sensors.settings'`,
    );
    assert.equal(logged!.n, 1);
    const page = await t.app.inject('/aalen/stadtdaten');
    assert.match(page.body, /Ozonwarnung für Aalen/);
  });

  test('new data stream: errors summarised; a valid form creates Thing, Location and Datastream in the right city', async () => {
    const bad = await post(aalenEditor, '/admin/sensoren/neu', {
      station: '',
      place: '',
      lat: 'x',
      lon: '',
      name: '',
      property: '',
      unitName: '',
      unitSymbol: '',
      type: 'measurement',
      kind: 'other',
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Breitengrad/);
    const outside = await post(aalenEditor, '/admin/sensoren/neu', {
      station: 'Pegel Brenz 2',
      place: 'Brenz',
      lat: '48,6767',
      lon: '10,1517',
      name: 'Wasserstand',
      property: 'Wasserstand',
      unitName: 'Zentimeter',
      unitSymbol: 'cm',
      type: 'measurement',
      kind: 'water_level',
    });
    assert.equal(outside.statusCode, 422, 'a place in Heidenheim is not for an Aalen editor');
    const ok = await post(aalenEditor, '/admin/sensoren/neu', {
      station: 'Lärmsensor Gmünder Straße',
      place: 'Gmünder Straße',
      lat: '48,8368',
      lon: '10,0871',
      name: 'Lärm Gmünder Straße',
      property: 'Schalldruckpegel',
      unitName: 'Dezibel',
      unitSymbol: 'dB(A)',
      type: 'measurement',
      kind: 'noise',
    });
    assert.equal(ok.statusCode, 303, ok.body.slice(0, 400));
    const created = (await listDatastreams(t.database.db)).find((d) => d.name === 'Lärm Gmünder Straße')!;
    assert.equal(created.kind, 'noise');
    assert.equal(created.location?.lat, 48.8368);
  });

  test('API keys: shown once, usable, revocable; limited to the own city', async () => {
    const aalenId = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM cities WHERE slug = 'aalen'`,
    ))!.id;
    const res = await post(aalenEditor, '/admin/sensoren/schluessel', {
      name: 'Wetterstation Schule',
      city: String(aalenId),
    });
    assert.equal(res.statusCode, 201, res.body.slice(0, 300));
    const key = /<code class="sp-secret">(sta_[^<]+)<\/code>/.exec(res.body)![1]!;
    const obs = await t.app.inject({
      method: 'POST',
      url: `/sta/v1.1/Datastreams(${aalenDs})/Observations`,
      headers: { 'x-api-key': key },
      payload: { result: 12 },
    });
    assert.equal(obs.statusCode, 201);
    const hdhId = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM cities WHERE slug = 'heidenheim'`,
    ))!.id;
    const foreign = await post(aalenEditor, '/admin/sensoren/schluessel', { name: 'x', city: String(hdhId) });
    assert.equal(foreign.statusCode, 422);
    const list = await t.app.inject({
      url: '/admin/sensoren/schluessel',
      headers: { cookie: aalenEditor.cookie },
    });
    assert.doesNotMatch(list.body, new RegExp(key));
    const id = /\/admin\/sensoren\/schluessel\/(\d+)\/widerrufen/.exec(list.body)![1]!;
    assert.equal(
      (await post(aalenEditor, `/admin/sensoren/schluessel/${id}/widerrufen`, {})).statusCode,
      303,
    );
    const after = await t.app.inject({
      method: 'POST',
      url: `/sta/v1.1/Datastreams(${aalenDs})/Observations`,
      headers: { 'x-api-key': key },
      payload: { result: 13 },
    });
    assert.equal(after.statusCode, 401);
  });
});
