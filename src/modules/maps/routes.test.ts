import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { check as checkGeoJson } from '@placemarkio/check-geojson';
import { PbfReader } from 'pbf';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { sql } from '../../platform/db/index.ts';
import { tileOf } from '../../platform/geo/mvt.ts';
import { seedBonus } from '../bonus/seed.ts';
import { seedContent } from '../content/seed.ts';
import { seedDirectory } from '../directory/seed.ts';
import { csvChunks } from '../opendata/export.ts';
import { findDataset } from '../opendata/service.ts';
import { seedReports } from '../reports/seed.ts';
import { seedSensors } from '../sensors/seed.ts';
import { latestValues } from '../sensors/service.ts';
import { seedSignage } from '../signage/seed.ts';
import { LAYER_PROVIDERS } from './layers/index.ts';
import { seedMaps } from './seed.ts';
import {
  featuresInBox,
  findLayer,
  insertFeatures,
  layerTile,
  listLayers,
  parseGeoJson,
  refreshCells,
} from './service.ts';

function multipart(
  fields: Record<string, string>,
  file?: { name: string; filename: string; type: string; data: Buffer },
) {
  const boundary = `----sp${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A staff form post to the layer admin, as the agent (CSRF token filled in). */
function postLayer(
  agent: Agent,
  fields: Record<string, string>,
  file?: { name: string; filename: string; type: string; data: Buffer },
) {
  const mp = multipart({ _csrf: agent.csrf, ...fields }, file);
  return t.app.inject({
    method: 'POST',
    url: '/admin/karte',
    payload: mp.payload,
    headers: { ...mp.headers, cookie: agent.cookie },
  });
}

let t: TestApp;
let citizen: Agent;
let other: Agent;
let aalenMod: Agent;
let heidenheimMod: Agent;
let aalenAdmin: Agent;
before(async () => {
  t = await testApp();
  await seedDirectory(t.database.db);
  await seedReports(t.database.db);
  await seedBonus(t.database.db);
  await seedMaps(t.database.db);
  await seedContent(t.database.db);
  await seedSensors(t.database.db);
  await seedSignage(t.database.db);
  citizen = await userAgent(t);
  other = await userAgent(t);
  aalenMod = await userAgent(t, [{ role: 'moderator', city: 'aalen' }]);
  heidenheimMod = await userAgent(t, [{ role: 'moderator', city: 'heidenheim' }]);
  aalenAdmin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
});
after(async () => t.close());

const get = (url: string, cookie?: string) =>
  t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

describe('map page', () => {
  test('default layers drawn on the server, every layer listed with a list page', async () => {
    const res = await get('/aalen/karte');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<svg class="sp-map__picture"/);
    assert.match(res.body, /name="ebenen" value="angebote" checked/);
    assert.match(res.body, /Bürgerbüro im Rathaus Aalen<\/title>/, 'an offer drawn as a point');
    assert.doesNotMatch(res.body, /Spielplatz Stadtgarten/, 'unselected layer not drawn');
    for (const key of ['stadtgrenzen', 'angebote', 'maengel', 'stadttaler'])
      assert.match(res.body, new RegExp(`href="/aalen/karte/ebenen/${key}"`));
    assert.doesNotMatch(res.body, /tile|openstreetmap\.org\/\{z\}/i, 'no tile source by default');
  });

  test('one layer by key asks only its provider and finds what the full list has', async () => {
    const { cities } = await t.app.tenancy();
    for (const city of [undefined, cities.find((c) => c.slug === 'aalen')]) {
      const ctx = { db: t.database.db, city, cities };
      const all = await listLayers(ctx);
      // Each provider yields only the keys it declares (findLayer relies on it).
      for (const p of LAYER_PROVIDERS.filter((p) => p.keys)) {
        for (const l of await p.provide(ctx)) assert.ok(p.keys!.includes(l.key), l.key);
      }
      for (const l of all) assert.equal((await findLayer(ctx, l.key))?.title.de, l.title.de, l.key);
      assert.equal(await findLayer(ctx, 'gibtsnicht'), undefined);
      assert.ok(
        all.some((l) => l.key.startsWith('ebene-')),
        'own layers are among them',
      );
    }
  });

  test('switching layers by query (checkbox form and deep link) and a focus', async () => {
    const res = await get('/aalen/karte?ebenen=ebene-1&ebenen=maengel&lat=48.8374&lon=10.0933&z=16');
    assert.equal(res.statusCode, 200);
    const { cities } = await t.app.tenancy();
    const spielplaetze = (
      await listLayers({ db: t.database.db, city: cities.find((c) => c.slug === 'aalen'), cities })
    ).find((l) => l.title.de === 'Spielplätze');
    const deep = await get(`/aalen/karte?ebenen=${spielplaetze!.key},stadtgrenzen`);
    assert.match(deep.body, /Spielplatz Stadtgarten \(Demo\)<\/title>/);
    assert.doesNotMatch(deep.body, /Bürgerbüro im Rathaus Aalen<\/title>/);
    assert.match(deep.body, new RegExp(`name="ebenen" value="${spielplaetze!.key}" checked`));
  });

  test('search finds an address and links to the place on the map', async () => {
    const res = await get('/aalen/karte?suche=Marktplatz%2030');
    assert.match(res.body, /1 Treffer|Treffer für/);
    assert.match(
      res.body,
      /href="\/aalen\/karte\?ebenen=[^"]*angebote[^"]*&amp;lat=48\.8373&amp;lon=10\.0936&amp;z=17"/,
    );
    const none = await get('/aalen/karte?suche=Gibtsnichtweg');
    assert.match(none.body, /Keine Treffer/);
  });

  test('list alternative: table with every feature, paged', async () => {
    const res = await get('/aalen/karte/ebenen/angebote');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<table class="kern-table">/);
    assert.match(res.body, /Bürgerbüro im Rathaus Aalen/);
    assert.equal((await get('/aalen/karte/ebenen/gibtsnicht')).statusCode, 404);
    assert.equal((await get('/nirgendwo/karte')).statusCode, 404);
    assert.equal((await get('/karte')).statusCode, 200);
  });

  test('events layer: upcoming demo events with a location, once each, with their next date', async () => {
    const res = await get('/aalen/karte/ebenen/veranstaltungen');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Radtour zu Orten der Energiewende/);
    assert.equal(res.body.split('Repair-Café').length - 1, 1, 'a recurring event is listed once');
    assert.match(res.body, /\d{1,2}\. \p{L}+ 20\d\d, \d\d:\d\d Uhr/u, 'the date as info');
    const api = await get(
      '/api/v1/karte/ebenen/veranstaltungen/features?stadt=aalen&bbox=9.9,48.7,10.3,48.95&zoom=16',
    );
    assert.equal(api.statusCode, 200);
    const fc = checkGeoJson(api.body) as unknown as {
      features: { properties: { name: string; url: string } }[];
    };
    const tour = fc.features.find((f) => f.properties.name === 'Radtour zu Orten der Energiewende');
    assert.match(tour!.properties.url, /^\/aalen\/veranstaltungen\/\d+$/);
  });
});

describe('sensor and stele layers', () => {
  test('sensors: every located datastream with its current value, unit, time and simulated label', async () => {
    const { cities } = await t.app.tenancy();
    const aalen = cities.find((c) => c.slug === 'aalen')!;
    const latest = (await latestValues(t.database.db, aalen.id)).filter((v) => v.location);
    assert.ok(latest.length > 3);
    const api = await get(
      '/api/v1/karte/ebenen/sensoren/features?stadt=aalen&bbox=9.9,48.7,10.3,48.95&zoom=16',
    );
    assert.equal(api.statusCode, 200);
    const fc = checkGeoJson(api.body) as unknown as {
      features: {
        id: string;
        geometry: { coordinates: number[] };
        properties: { name: string; info: string; url: string };
      }[];
    };
    assert.equal(fc.features.length, latest.length);
    for (const v of latest) {
      const f = fc.features.find((x) => x.id === String(v.id));
      assert.ok(f, v.name);
      assert.equal(f!.properties.name, v.name);
      assert.equal(f!.properties.url, `/aalen/stadtdaten/${v.id}`);
      const value = (v.value as number).toLocaleString('de-DE', { maximumFractionDigits: 1 });
      assert.ok(f!.properties.info.startsWith(`${value} ${v.unit.symbol}`), f!.properties.info);
      assert.match(
        f!.properties.info,
        /\d\d\.\d\d\.20\d\d, \d\d:\d\d Uhr · (Schwelle überschritten · )?simuliert$/,
      );
      assert.deepEqual(f!.geometry.coordinates, [v.location!.lon, v.location!.lat]);
    }
    const list = await get('/aalen/karte/ebenen/sensoren');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /<table class="kern-table">/);
    assert.match(list.body, /µg\/m³ · \d\d\.\d\d\.20\d\d, \d\d:\d\d Uhr/);
    assert.match(list.body, /simuliert/);
    const page = await get('/aalen/karte?ebenen=sensoren');
    assert.match(page.body, /name="ebenen" value="sensoren" checked/);
    assert.match(page.body, /href="\/aalen\/karte\/ebenen\/sensoren"/);
    assert.match(page.body, new RegExp(`${latest[0]!.name}</title>`), 'drawn on the server picture');
  });

  test('steles: name and place, never the device key or display URL', async () => {
    const api = await get(
      '/api/v1/karte/ebenen/stelen/features?stadt=aalen&bbox=9.9,48.7,10.3,48.95&zoom=16',
    );
    assert.equal(api.statusCode, 200);
    const fc = checkGeoJson(api.body) as unknown as {
      features: { properties: { name: string; info: string; url: string | null } }[];
    };
    const markt = fc.features.find((f) => f.properties.name === 'Stele Marktplatz (Demo)');
    assert.equal(markt?.properties.info, 'Marktplatz, vor dem Alten Rathaus');
    assert.equal(markt?.properties.url, null);
    assert.doesNotMatch(api.body, /display|key/i);
    const region = await get('/api/v1/karte/ebenen/stelen/features?bbox=9.9,48.5,10.4,49&zoom=12');
    assert.equal((checkGeoJson(region.body) as unknown as { features: unknown[] }).features.length, 4);
    const list = await get('/heidenheim/karte/ebenen/stelen');
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, /Stele Marktplatz \(Demo\)/, 'only the city’s steles');
    const page = await get('/aalen/karte');
    assert.match(page.body, /name="ebenen" value="stelen"/);
    assert.match(page.body, /Info-Stelen/);
  });
});

describe('vector tiles', () => {
  const tileAt = (lon: number, lat: number, z: number) => {
    const n = 2 ** z;
    const r = (lat * Math.PI) / 180;
    return {
      x: Math.floor(((lon + 180) / 360) * n),
      y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
    };
  };
  const decode = (body: Buffer) => new VectorTile(new PbfReader(body));

  test('points: an MVT with the layer, properties and positions of the features', async () => {
    const { x, y } = tileAt(10.0936, 48.8373, 14);
    const res = await t.app.inject({ method: 'GET', url: `/aalen/karte/kacheln/angebote/14/${x}/${y}.mvt` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.mapbox-vector-tile');
    // Tile clients ask for gzip: tiles above the 1 KB threshold come compressed.
    assert.ok(res.rawPayload.length > 1024, `tile of ${res.rawPayload.length} bytes`);
    const zipped = await t.app.inject({
      method: 'GET',
      url: `/aalen/karte/kacheln/angebote/14/${x}/${y}.mvt`,
      headers: { 'accept-encoding': 'gzip' },
    });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(zipped.rawPayload), res.rawPayload);
    const layer = decode(res.rawPayload).layers.angebote!;
    assert.ok(layer, 'layer named by its key');
    assert.equal(layer.extent, 4096);
    const features = Array.from({ length: layer.length }, (_, i) => layer.feature(i));
    const office = features.find((f) => f.properties.name === 'Bürgerbüro im Rathaus Aalen');
    assert.ok(office, `in ${features.map((f) => f.properties.name).join(', ')}`);
    assert.equal(office!.type, 1);
    assert.match(String(office!.properties.url), /^\/aalen\/angebote\//);
    assert.equal(typeof office!.properties.id, 'string');
    const [lon, lat] = (office!.toGeoJSON(x, y, 14).geometry as { coordinates: number[] }).coordinates as [
      number,
      number,
    ];
    assert.ok(Math.abs(lon - 10.0936) < 1e-4 && Math.abs(lat - 48.8373) < 1e-4, `${lon},${lat}`);
  });

  test('areas: city boundaries as valid polygons; sensors carry their current value', async () => {
    const { x, y } = tileAt(10.0936, 48.8373, 10);
    const res = await t.app.inject({ method: 'GET', url: `/karte/kacheln/stadtgrenzen/10/${x}/${y}.mvt` });
    assert.equal(res.statusCode, 200);
    const layer = decode(res.rawPayload).layers.stadtgrenzen!;
    const aalen = Array.from({ length: layer.length }, (_, i) => layer.feature(i)).find(
      (f) => f.properties.name === 'Aalen',
    );
    assert.equal(aalen?.type, 3);
    const geojson = aalen!.toGeoJSON(x, y, 10);
    assert.ok(checkGeoJson(JSON.stringify({ type: 'FeatureCollection', features: [geojson] })));
    assert.match(geojson.geometry.type, /Polygon/);

    const s = tileAt(10.0966, 48.8392, 15);
    const sensors = await t.app.inject({
      method: 'GET',
      url: `/aalen/karte/kacheln/sensoren/15/${s.x}/${s.y}.mvt`,
    });
    const sl = decode(sensors.rawPayload).layers.sensoren!;
    const infos = Array.from({ length: sl.length }, (_, i) => String(sl.feature(i).properties.info));
    assert.ok(
      infos.some((i) => /µg\/m³ · .* Uhr · (.+ · )?simuliert$/.test(i)),
      infos.join(' | '),
    );
  });

  test('empty tiles are empty; tiles outside the grid and bad names are refused', async () => {
    const far = await t.app.inject({ method: 'GET', url: '/karte/kacheln/angebote/14/0/0.mvt' });
    assert.equal(far.statusCode, 200);
    assert.equal(far.rawPayload.length, 0);
    assert.equal(decode(far.rawPayload).layers.angebote, undefined);
    assert.equal((await get('/karte/kacheln/angebote/2/4/0.mvt')).statusCode, 404);
    assert.equal((await get('/karte/kacheln/angebote/2/0/1.png')).statusCode, 400);
    assert.equal((await get('/karte/kacheln/gibtsnicht/2/0/0.mvt')).statusCode, 404);
  });
});

describe('features API', () => {
  test('bbox query returns valid GeoJSON; bad input is 400', async () => {
    const res = await get(
      '/api/v1/karte/ebenen/angebote/features?stadt=aalen&bbox=9.9,48.7,10.3,48.95&zoom=13',
    );
    assert.equal(res.statusCode, 200);
    const fc = checkGeoJson(res.body) as unknown as { features: { properties: { name: string } }[] };
    assert.ok(fc.features.some((f) => f.properties.name === 'Bürgerbüro im Rathaus Aalen'));
    assert.equal((await get('/api/v1/karte/ebenen/angebote/features?bbox=1,2,3&zoom=13')).statusCode, 400);
    assert.equal(
      (await get('/api/v1/karte/ebenen/angebote/features?bbox=10,48,9,49&zoom=13')).statusCode,
      400,
    );
    assert.equal(
      (await get('/api/v1/karte/ebenen/angebote/features?bbox=9,48,10,49&zoom=99')).statusCode,
      400,
    );
    const layers = await get('/api/v1/karte/ebenen?stadt=heidenheim');
    assert.ok((layers.json() as { key: string }[]).some((l) => l.key === 'stadtgrenzen'));
  });

  test('dense boxes come back as clusters whose counts add up', async () => {
    const { cities } = await t.app.tenancy();
    const aalen = cities.find((c) => c.slug === 'aalen')!;
    const layer = (await listLayers({ db: t.database.db, city: aalen, cities })).find(
      (l) => l.key === 'angebote',
    )!;
    const all = await featuresInBox(t.database.db, layer, [9.9, 48.7, 10.3, 48.95], 12);
    assert.equal(all.clustered, false);
    const clustered = await featuresInBox(t.database.db, layer, [9.9, 48.7, 10.3, 48.95], 12, 5);
    assert.equal(clustered.clustered, true);
    const sum = clustered.features.reduce((s, f) => s + (f.properties.count ?? 0), 0);
    assert.equal(sum, all.features.length);
  });
});

describe('contributions', () => {
  const url = '/aalen/karte/mitmachen/fahrradbuegel';

  test('anonymous people are asked to sign in; posting needs a session', async () => {
    const page = await get(url);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Wo fehlen Fahrradbügel\?/);
    assert.match(page.body, /Anmelden und mitmachen/);
  });

  test('invalid input re-renders with an error summary (422); outside the city is refused', async () => {
    const mp = multipart({ _csrf: citizen.csrf, kind: 'point', lat: '', lon: '', comment: '' });
    const res = await t.app.inject({
      method: 'POST',
      url,
      payload: mp.payload,
      headers: { ...mp.headers, cookie: citizen.cookie },
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /sp-error-summary/);
    assert.match(res.body, /Schreiben Sie einen Kommentar/);
    const far = multipart({
      _csrf: citizen.csrf,
      kind: 'point',
      lat: '48.6769',
      lon: '10.1536',
      comment: 'In Heidenheim',
    });
    const outside = await t.app.inject({
      method: 'POST',
      url,
      payload: far.payload,
      headers: { ...far.headers, cookie: citizen.cookie },
    });
    assert.equal(outside.statusCode, 422);
    assert.match(outside.body, /liegt nicht in Aalen/);
  });

  let pointId: number;
  test('a point and a line are stored as pending, invisible to the public', async () => {
    const mp = multipart({
      _csrf: citizen.csrf,
      kind: 'point',
      lat: '48,8371',
      lon: '10,0941',
      comment: 'Vor dem Rathaus fehlen Bügel',
    });
    const res = await t.app.inject({
      method: 'POST',
      url,
      payload: mp.payload,
      headers: { ...mp.headers, cookie: citizen.cookie },
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.equal(res.headers.location, `${url}?danke=1`);
    const line = multipart({
      _csrf: citizen.csrf,
      kind: 'line',
      line: '48.836, 10.090\n48.838, 10.095',
      comment: 'Entlang der Straße',
    });
    const res2 = await t.app.inject({
      method: 'POST',
      url,
      payload: line.payload,
      headers: { ...line.headers, cookie: citizen.cookie },
    });
    assert.equal(res2.statusCode, 303);
    const pub = await get(url);
    assert.doesNotMatch(pub.body, /Vor dem Rathaus fehlen Bügel/);
    const own = await get(url, citizen.cookie);
    assert.match(own.body, /Ihre Beiträge in Prüfung/);
    const queue = await get('/admin/karte', aalenMod.cookie);
    const m =
      /action="\/admin\/karte\/beitraege\/(\d+)"[\s\S]*?Vor dem Rathaus/.exec(queue.body) ??
      /Vor dem Rathaus[\s\S]*?action="\/admin\/karte\/beitraege\/(\d+)"/.exec(queue.body);
    assert.ok(m, 'in the Aalen moderation queue');
    pointId = Number(m[1]);
  });

  test('moderation: other city 403, citizen 403, Aalen moderator publishes (audited)', async () => {
    const post = (agent: Agent) =>
      t.app.inject({
        method: 'POST',
        url: `/admin/karte/beitraege/${pointId}`,
        payload: form({ _csrf: agent.csrf, decision: 'published' }),
        headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
    assert.equal((await post(heidenheimMod)).statusCode, 403);
    assert.equal((await post(citizen)).statusCode, 403);
    assert.equal((await post(aalenMod)).statusCode, 303);
    const pub = await get(url);
    assert.match(pub.body, /Vor dem Rathaus fehlen Bügel/);
    const audit = await t.database.db.execute(
      (await import('../../platform/db/index.ts'))
        .sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'map.contribution.published'`,
    );
    assert.equal((audit as unknown as { rows: { n: number }[] }).rows[0]!.n, 1);
    const ds = await get('/opendata/datasets/aalen-beitraege-fahrradbuegel.geojson');
    const fc = checkGeoJson(ds.body) as unknown as { features: { properties: Record<string, unknown> }[] };
    assert.ok(fc.features.some((f) => f.properties.kommentar === 'Vor dem Rathaus fehlen Bügel'));
    assert.doesNotMatch(ds.body, /user_id|@example/);
  });

  test('support counts once per person, not for one’s own contribution', async () => {
    const support = (agent: Agent) =>
      t.app.inject({
        method: 'POST',
        url: `/aalen/karte/beitraege/${pointId}/unterstuetzen`,
        payload: form({ _csrf: agent.csrf }),
        headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
    assert.equal((await support(other)).statusCode, 303);
    assert.equal((await support(other)).statusCode, 303);
    assert.equal((await support(citizen)).statusCode, 303);
    const page = await get(url);
    assert.match(page.body, new RegExp(`id="beitrag-${pointId}"[\\s\\S]*?1 Unterstützungen`));
  });
});

describe('admin layers', () => {
  const geojson = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [10.09, 48.84] },
        properties: { name: 'Bank am Kocher', url: 'https://www.aalen.example/bank.pdf' },
      },
      {
        type: 'Feature',
        geometry: {
          type: 'LineString',
          coordinates: [
            [10.08, 48.83],
            [10.1, 48.84],
          ],
        },
        properties: { name: '<script>x</script>' },
      },
    ],
  });

  test('an Aalen admin uploads a GeoJSON layer; it is on the map, in the list and in the catalog', async () => {
    const res = await postLayer(
      aalenAdmin,
      {
        city: 'aalen',
        kind: 'upload',
        title: 'Sitzbänke',
        slug: 'sitzbaenke',
        description: 'Bänke',
        question: '',
        color: '#336699',
        license: 'http://dcat-ap.de/def/licenses/dl-zero-de/2.0',
      },
      { name: 'file', filename: 'b.geojson', type: 'application/geo+json', data: Buffer.from(geojson) },
    );
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    const { cities } = await t.app.tenancy();
    const layer = (await listLayers({ db: t.database.db, city: cities[0], cities })).find(
      (l) => l.title.de === 'Sitzbänke',
    )!;
    const list = await get(`/aalen/karte/ebenen/${layer.key}`);
    assert.match(list.body, /href="https:\/\/www\.aalen\.example\/bank\.pdf"/);
    assert.match(list.body, /&lt;script>x&lt;\/script>/, 'names are escaped');
    assert.doesNotMatch(list.body, /<script>x/);
    const ds = await findDataset(
      { db: t.database.db, region: (await t.app.tenancy()).region, cities, baseUrl: 'http://x' },
      'aalen-karte-sitzbaenke',
    );
    assert.equal(ds?.license, 'http://dcat-ap.de/def/licenses/dl-zero-de/2.0');
  });

  test('broken GeoJSON → 422 with the reason; Heidenheim moderator may not create layers', async () => {
    const res = await postLayer(
      aalenAdmin,
      {
        city: 'aalen',
        kind: 'upload',
        title: 'Kaputt',
        slug: 'kaputt',
        color: '#336699',
        license: 'http://dcat-ap.de/def/licenses/dl-by-de/2.0',
      },
      {
        name: 'file',
        filename: 'b.geojson',
        type: 'application/geo+json',
        data: Buffer.from(
          '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[500,1]}}]}',
        ),
      },
    );
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /keine gültige Geometrie/);
    const res2 = await postLayer(heidenheimMod, {
      city: 'heidenheim',
      kind: 'contributions',
      title: 'X',
      slug: 'xx',
      question: 'Wo?',
    });
    assert.equal(res2.statusCode, 403);
    // A colour that is not #rrggbb: the picker is marked invalid and points at its message.
    const res3 = await postLayer(aalenAdmin, {
      city: 'aalen',
      kind: 'contributions',
      title: 'Farblos',
      slug: 'farblos',
      question: 'Wo?',
      color: 'rot',
      license: 'http://dcat-ap.de/def/licenses/dl-by-de/2.0',
    });
    assert.equal(res3.statusCode, 422);
    assert.match(
      res3.body,
      /<input[^>]*type="color"[^>]*aria-describedby="f-color-error"[^>]*aria-invalid="true"/,
    );
  });

  test('parseGeoJson accepts a single Feature and rejects non-GeoJSON', () => {
    assert.ok(
      'features' in
        parseGeoJson('{"type":"Feature","geometry":{"type":"Point","coordinates":[10,48]},"properties":{}}'),
    );
    assert.ok('error' in parseGeoJson('[1,2]'));
    assert.ok('error' in parseGeoJson('not json'));
  });

  test('external dataset by URL appears in the catalog; bad URL is 422', async () => {
    const post = (data: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/admin/opendata',
        payload: form({ _csrf: aalenAdmin.csrf, ...data }),
        headers: { cookie: aalenAdmin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
    const base = {
      city: 'aalen',
      title: 'Radverkehrskonzept',
      slug: 'aalen-radverkehrskonzept',
      description: 'Konzept als PDF',
      theme: 'TRAN',
      license: 'http://dcat-ap.de/def/licenses/dl-by-de/2.0',
      'dist-0-format': 'PDF',
    };
    const bad = await post({ ...base, 'dist-0-url': 'javascript:alert(1)' });
    assert.equal(bad.statusCode, 422);
    const ok = await post({ ...base, 'dist-0-url': 'https://www.aalen.example/radverkehr.pdf' });
    assert.equal(ok.statusCode, 303);
    const ttl = await get('/opendata/catalog.ttl');
    assert.match(ttl.body, /<https:\/\/www\.aalen\.example\/radverkehr\.pdf>/);
  });
});

describe('streaming export', () => {
  test('a large layer is read in bounded batches, not at once', async () => {
    const { cities } = await t.app.tenancy();
    const aalenId = await cityId(t.database, 'aalen');
    const layer = await t.database.db.execute(
      (await import('../../platform/db/index.ts'))
        .sql`INSERT INTO map_layers (city_id, slug, kind, title) VALUES (${aalenId}, 'gross', 'upload', 'Groß') RETURNING id`,
    );
    const layerId = (layer as unknown as { rows: { id: number }[] }).rows[0]!.id;
    const features = Array.from({ length: 5000 }, (_, i) => ({
      geometry: JSON.stringify({
        type: 'Point',
        coordinates: [10 + (i % 100) / 1000, 48.8 + Math.floor(i / 100) / 1000],
      }),
      name: `P${i}`,
      url: null,
      properties: {},
    }));
    await insertFeatures(t.database.db, layerId, features);
    await refreshCells(t.database.db, layerId);
    // Dense at low zoom: answered from the pre-aggregated cells, and the counts add up.
    const aalen = cities.find((c) => c.slug === 'aalen')!;
    const big = (await listLayers({ db: t.database.db, city: aalen, cities })).find(
      (l) => l.key === `ebene-${layerId}`,
    )!;
    const view = await featuresInBox(t.database.db, big, [9.9, 48.7, 10.3, 48.95], 12);
    assert.equal(view.clustered, true);
    assert.equal(
      view.features.reduce((s, f) => s + (f.properties.count ?? 0), 0),
      5000,
    );
    // The same in a vector tile: above 4,000 features per tile, clusters whose counts add up.
    const tile = new VectorTile(new PbfReader(await layerTile(big, 10, 540, 352))).layers[big.key]!;
    const clusters = Array.from({ length: tile.length }, (_, i) => tile.feature(i));
    assert.ok(clusters.length > 1 && clusters.length <= 16, `${clusters.length} clusters`);
    assert.ok(clusters.every((f) => f.properties.cluster === 'true' && f.type === 1));
    assert.equal(
      clusters.reduce((sum, f) => sum + Number(f.properties.count), 0),
      5000,
    );
    const single = new VectorTile(new PbfReader(await layerTile(big, 10, 540, 352, 10_000))).layers[big.key]!;
    assert.equal(single.length, 5000, 'below the limit every feature on its own');
    // Without pre-aggregated cells the clusters are grouped in SQL; the counts add up just the same.
    const bare = await tileOf(
      t.database.db,
      {
        name: 'bare',
        source: sql`SELECT id::text AS id, name, '' AS info, url, geom FROM map_features WHERE layer_id = ${layerId}`,
      },
      10,
      540,
      352,
    );
    const bareLayer = new VectorTile(new PbfReader(bare)).layers.bare!;
    const bareClusters = Array.from({ length: bareLayer.length }, (_, i) => bareLayer.feature(i));
    assert.ok(bareClusters.length > 1 && bareClusters.length <= 16);
    assert.equal(
      bareClusters.reduce((sum, f) => sum + Number(f.properties.count), 0),
      5000,
    );
    const close = await featuresInBox(t.database.db, big, [10.0, 48.8, 10.005, 48.803], 18);
    assert.equal(close.clustered, false);
    assert.ok(close.features.length > 0 && close.features.length < 100);
    const ds = await findDataset(
      { db: t.database.db, region: (await t.app.tenancy()).region, cities, baseUrl: 'http://x' },
      'aalen-karte-gross',
    );
    const chunks: string[] = [];
    for await (const c of csvChunks(t.database.db, ds!.download!, 1000)) chunks.push(c);
    assert.equal(chunks.length, 1 + 5, 'header plus five batches of 1000');
    assert.ok(chunks.slice(1).every((c) => c.split('\r\n').length - 1 === 1000));
    const res = await get('/opendata/datasets/aalen-karte-gross.csv');
    assert.equal(res.body.split('\r\n').length - 2, 5000);
  });
});
