import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { check as checkGeoJson } from '@placemarkio/check-geojson';
import jsonld from 'jsonld';
import type { Quad } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { type TestApp, testApp } from '../../../test/helpers.ts';
import { rows, sql } from '../../platform/db/index.ts';
import { seedBonus } from '../bonus/seed.ts';
import { seedContent } from '../content/seed.ts';
import { seedDirectory } from '../directory/seed.ts';
import { seedMaps } from '../maps/seed.ts';
import { seedParticipation } from '../participation/seed.ts';
import { seedReports } from '../reports/seed.ts';
import { seedSensors } from '../sensors/seed.ts';
import { publicDatastreams } from '../sensors/service.ts';
import { csvChunks } from './export.ts';
import { findDataset } from './service.ts';
import { parseTurtle, validateDcat } from './shacl.ts';

let t: TestApp;
before(async () => {
  t = await testApp();
  await seedDirectory(t.database.db);
  await seedReports(t.database.db);
  await seedBonus(t.database.db);
  await seedMaps(t.database.db);
  await seedContent(t.database.db);
  await seedParticipation(t.database.db);
  await seedSensors(t.database.db);
});
after(async () => t.close());

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** Triples without blank nodes, as sorted strings: equal sets mean the serialisations agree. */
function ground(quads: Quad[]): string[] {
  return quads
    .filter((q) => q.subject.termType !== 'BlankNode' && q.object.termType !== 'BlankNode')
    .map((q) => {
      const o = q.object;
      const obj =
        o.termType === 'Literal'
          ? `"${o.value}"@${o.language}^^${o.language ? '' : o.datatype.value}`
          : `<${o.value}>`;
      return `<${q.subject.value}> <${q.predicate.value}> ${obj}`;
    })
    .sort();
}

async function getCatalog(accept: string) {
  return t.app.inject({ method: 'GET', url: '/opendata/catalog', headers: { accept } });
}

describe('DCAT-AP.de catalog', () => {
  let turtle: Quad[];
  before(async () => {
    const res = await getCatalog('text/turtle');
    assert.equal(res.statusCode, 200);
    turtle = parseTurtle(res.body);
  });

  test('lists every provider’s datasets with distributions', () => {
    const datasets = turtle.filter(
      (q) => q.predicate.value === RDF_TYPE && q.object.value === `${DCAT}Dataset`,
    );
    const slugs = datasets.map((q) => q.subject.value.split('/').pop());
    for (const s of [
      'region-stadtgrenzen',
      'aalen-angebote',
      'aalen-maengel',
      'aalen-stadttaler-orte',
      'aalen-karte-spielplaetze',
      'aalen-beitraege-fahrradbuegel',
      'aalen-veranstaltungen',
      'heidenheim-veranstaltungen',
      'aalen-massnahmen',
      'heidenheim-massnahmen',
    ]) {
      assert.ok(slugs.includes(s), `dataset ${s} in ${slugs.join(', ')}`);
    }
    const csv = turtle.find(
      (q) => q.predicate.value === `${DCAT}downloadURL` && q.object.value.endsWith('/aalen-maengel.csv'),
    );
    assert.ok(csv, 'CSV download of the reports');
    const service = turtle.find(
      (q) => q.predicate.value === `${DCAT}endpointURL` && q.object.value.includes('/open311/v2/'),
    );
    assert.ok(service, 'Open311 as a data service');
  });

  test('every datastream is a dataset with CSV and the SensorThings API as its data service', async () => {
    const streams = await publicDatastreams(t.database.db);
    assert.ok(streams.length >= 10, 'demo datastreams seeded');
    const objects = (s: string, p: string) =>
      turtle.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object.value);
    const services = turtle
      .filter((q) => q.predicate.value === RDF_TYPE && q.object.value === `${DCAT}DataService`)
      .map((q) => q.subject.value);
    const sta = services.find((s) => objects(s, `${DCAT}endpointURL`)[0]?.endsWith('/sta/v1.1/'));
    assert.ok(sta, 'SensorThings API as a dcat:DataService');
    const served = objects(sta!, `${DCAT}servesDataset`);
    assert.equal(served.filter((d) => /-sensor-\d+$/.test(d)).length, streams.length);
    const { cities } = await t.app.tenancy();
    for (const ds of streams) {
      const slug = `${cities.find((c) => c.id === ds.cityId)!.slug}-sensor-${ds.id}`;
      const iri = served.find((d) => d.endsWith(`/${slug}`));
      assert.ok(iri, `${slug} served by the STA`);
      assert.deepEqual(objects(iri!, RDF_TYPE), [`${DCAT}Dataset`]);
      for (const p of [
        `${DCT}title`,
        `${DCT}description`,
        `${DCT}publisher`,
        `${DCT}license`,
        `${DCT}modified`,
      ])
        assert.equal(objects(iri!, p).length, p === `${DCT}license` ? 0 : 1, `${slug} ${p}`);
      assert.equal(objects(iri!, 'http://dcat-ap.de/def/dcatde/contributorID').length, 1);
      assert.equal(objects(iri!, `${DCAT}contactPoint`).length, 1);
      const spatial = objects(iri!, `${DCT}spatial`);
      assert.ok(
        spatial.some((s) => s.startsWith('http://dcat-ap.de/def/politicalGeocoding/municipalityKey/')),
      );
      // GeoNames IDs of the demo cities (checked against GeoNames data, see docs/api.md).
      assert.ok(
        spatial.includes(
          ds.cityId === cities.find((c) => c.slug === 'aalen')!.id
            ? 'http://sws.geonames.org/2959927/'
            : 'http://sws.geonames.org/2907851/',
        ),
        spatial.join(),
      );
      const themes = objects(iri!, `${DCAT}theme`).map((v) => v.split('/').pop());
      assert.ok(
        themes.includes(ds.kind === 'parking' || ds.kind === 'bike' ? 'TRAN' : 'ENVI'),
        themes.join(),
      );
      const period = turtle.find((q) => q.subject.value === iri && q.predicate.value === `${DCT}temporal`);
      assert.ok(period, `${slug} temporal`);
      const start = turtle.find(
        (q) => q.subject.equals(period!.object) && q.predicate.value === `${DCAT}startDate`,
      );
      assert.equal(new Date(start!.object.value).getTime(), ds.phenomenonTimeStart!.getTime());
      const dists = objects(iri!, `${DCAT}distribution`);
      const csv = dists.find((x) => objects(x, `${DCAT}downloadURL`)[0]?.endsWith(`/${slug}.csv`));
      assert.ok(csv, `${slug} CSV distribution`);
      assert.ok(objects(csv!, `${DCT}license`).length === 1);
      const api: string | undefined = dists.find((x) => objects(x, `${DCAT}accessService`)[0] === sta);
      assert.ok(api, `${slug} API distribution links the data service`);
      assert.match(
        objects(api!, `${DCAT}accessURL`)[0]!,
        new RegExp(`/sta/v1\\.1/Datastreams\\(${ds.id}\\)/Observations$`),
      );
    }
  });

  test('validates against the DCAT-AP.de 3.0 SHACL shapes with zero violations', async () => {
    const result = await validateDcat(turtle);
    assert.deepEqual(result.violations, []);
  });

  test('the validation can fail: a catalog without title, description and publisher is rejected', async () => {
    const broken = turtle.filter(
      (q) =>
        !(
          q.subject.value.endsWith('/opendata/catalog') &&
          [`${DCT}title`, `${DCT}description`, `${DCT}publisher`].includes(q.predicate.value)
        ),
    );
    const result = await validateDcat(broken);
    assert.ok(result.violations.length >= 3, `violations: ${JSON.stringify(result.violations)}`);
  });

  test('RDF/XML and JSON-LD carry the same graph as Turtle', async () => {
    const xml = await getCatalog('application/rdf+xml');
    assert.equal(xml.statusCode, 200);
    assert.match(String(xml.headers['content-type']), /^application\/rdf\+xml/);
    const fromXml: Quad[] = await new Promise((resolve, reject) => {
      const out: Quad[] = [];
      const parser = new RdfXmlParser();
      parser.on('data', (q: Quad) => out.push(q));
      parser.on('error', reject);
      parser.on('end', () => resolve(out));
      parser.write(xml.body);
      parser.end();
    });
    assert.deepEqual(ground(fromXml), ground(turtle));

    const ld = await getCatalog('application/ld+json');
    assert.equal(ld.statusCode, 200);
    assert.match(String(ld.headers['content-type']), /^application\/ld\+json/);
    const nquads = (await jsonld.toRDF(JSON.parse(ld.body), {
      format: 'application/n-quads',
    })) as unknown as string;
    const fromLd = parseTurtle(nquads.replace(/ \.\n/g, ' .\n'));
    assert.deepEqual(ground(fromLd), ground(turtle));
    assert.deepEqual((await validateDcat(fromLd)).violations, []);
  });

  test('content negotiation: q-values, HTML redirect, 406, default Turtle', async () => {
    const q = await getCatalog('text/turtle;q=0.5, application/ld+json;q=0.9');
    assert.match(String(q.headers['content-type']), /^application\/ld\+json/);
    assert.equal(q.headers.vary, 'Accept');
    const html = await getCatalog('text/html,application/xhtml+xml');
    assert.equal(html.statusCode, 303);
    assert.equal(html.headers.location, '/opendata/');
    const none = await getCatalog('image/png');
    assert.equal(none.statusCode, 406);
    const any = await getCatalog('*/*');
    assert.match(String(any.headers['content-type']), /^text\/turtle/);
    const ext = await t.app.inject({ method: 'GET', url: '/opendata/catalog.rdf' });
    assert.match(String(ext.headers['content-type']), /^application\/rdf\+xml/);
  });
});

describe('downloads', () => {
  test('CSV: UTF-8, documented header, quoted fields, no personal data', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/opendata/datasets/aalen-maengel.csv' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    const lines = res.body.split('\r\n');
    assert.equal(
      lines[0],
      'id,kategorie,kategorie_name,status,beschreibung,adresse,breite,laenge,erstellt,bestaetigt,abgeschlossen,geaendert,url',
    );
    assert.ok(lines.length > 3);
    assert.doesNotMatch(res.body, /@example|reporter/i, 'no e-mail addresses or reporter fields');
    const schema = await t.app.inject({ method: 'GET', url: '/opendata/datasets/aalen-maengel/schema' });
    assert.equal(schema.json().fields.length, 13);
  });

  test('GeoJSON passes a GeoJSON validator', async () => {
    for (const slug of [
      'aalen-maengel',
      'aalen-angebote',
      'region-stadtgrenzen',
      'aalen-karte-spielplaetze',
      'aalen-stadttaler-orte',
      'aalen-veranstaltungen',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: `/opendata/datasets/${slug}.geojson` });
      assert.equal(res.statusCode, 200, slug);
      assert.match(String(res.headers['content-type']), /^application\/geo\+json/);
      const fc = checkGeoJson(res.body) as { features: unknown[] };
      assert.ok(fc.features.length > 0, `${slug} has features`);
    }
  });

  test('ETag and Last-Modified answer conditional requests with 304; gzip on request', async () => {
    const url = '/opendata/datasets/aalen-angebote.csv';
    const first = await t.app.inject({ method: 'GET', url });
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[\w-]+"$/);
    assert.ok(first.headers['last-modified']);
    const again = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const since = await t.app.inject({
      method: 'GET',
      url,
      headers: { 'if-modified-since': String(first.headers['last-modified']) },
    });
    assert.equal(since.statusCode, 304);
    const gz = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString('utf8'), first.body);
  });

  test('unknown datasets and formats are 404', async () => {
    assert.equal((await t.app.inject({ method: 'GET', url: '/opendata/datasets/nope.csv' })).statusCode, 404);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/opendata/datasets/aalen-stadttaler-statistik.geojson' }))
        .statusCode,
      404,
    );
  });

  test('measures come from the participation service, events from the content service', async () => {
    const measures = await t.app.inject({ method: 'GET', url: '/opendata/datasets/aalen-massnahmen.csv' });
    assert.equal(measures.statusCode, 200);
    const lines = measures.body.split('\r\n').filter(Boolean);
    assert.match(lines[0]!, /^id,titel,handlungsfeld,status,status_name,fortschritt,beginn,ende,/);
    assert.ok(lines.length > 1, 'measures listed');
    assert.match(measures.body, /\/massnahmen\//);
    const events = await t.app.inject({ method: 'GET', url: '/opendata/datasets/aalen-veranstaltungen.csv' });
    assert.equal(events.statusCode, 200);
    assert.match(events.body, /\/aalen\/veranstaltungen\/\d+/);
    assert.doesNotMatch(events.body, /@/, 'no registrations or e-mail addresses');
  });
});

describe('sensor downloads', () => {
  test('CSV of a datastream: every observation once, oldest first, documented header', async () => {
    const [stream] = await publicDatastreams(t.database.db);
    const { cities } = await t.app.tenancy();
    const slug = `${cities.find((c) => c.id === stream!.cityId)!.slug}-sensor-${stream!.id}`;
    const res = await t.app.inject({ method: 'GET', url: `/opendata/datasets/${slug}.csv` });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    const lines = res.body.split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'id,zeitpunkt,zeitpunkt_ende,ergebniszeit,wert,ergebnis,einheit');
    const [{ n: count }] = (await rows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM sta_observations WHERE datastream_id = ${stream!.id}`,
    )) as [{ n: number }];
    assert.ok(count > 200, 'two days of 10-minute history');
    assert.equal(lines.length - 1, count);
    const times = lines.slice(1).map((l) => l.split(',')[1]!);
    for (const v of times) assert.match(v, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual([...times].sort(), times, 'oldest first');
    for (const l of lines.slice(1)) assert.match(l.split(',')[4]!, /^-?\d+(\.\d+)?$/, 'numeric value');
    const schema = await t.app.inject({ method: 'GET', url: `/opendata/datasets/${slug}/schema` });
    assert.equal(schema.json().fields.length, 7);
    const page = await t.app.inject({ method: 'GET', url: `/opendata/datasets/${slug}` });
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      new RegExp(`href="[^"]*/sta/v1\\.1/Datastreams\\(${stream!.id}\\)/Observations"`),
    );
    assert.match(page.body, /<code>zeitpunkt<\/code>/);
  });

  test('keyset pages of 7: ties in time are neither lost nor repeated', async () => {
    const [stream] = await publicDatastreams(t.database.db);
    // Five observations at one instant (with microseconds) in the middle of the series.
    await t.database.db.execute(sql`INSERT INTO sta_observations (datastream_id, phenomenon_time, result_number)
      SELECT ${stream!.id}, '2020-01-01T00:00:00.123456Z'::timestamptz, g FROM generate_series(1, 5) g`);
    const { region, cities } = await t.app.tenancy();
    const ds = await findDataset(
      { db: t.database.db, region, cities, baseUrl: 'http://x' },
      `${cities.find((c) => c.id === stream!.cityId)!.slug}-sensor-${stream!.id}`,
    );
    let text = '';
    for await (const chunk of csvChunks(t.database.db, ds!.download!, 7)) text += chunk;
    const ids = text
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => Number(l.split(',')[0]));
    const all = await rows<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM sta_observations WHERE datastream_id = ${stream!.id} ORDER BY phenomenon_time, id`,
    );
    assert.deepEqual(
      ids,
      all.map((r) => Number(r.id)),
    );
    assert.equal(text.split('2020-01-01T00:00:00.123Z').length - 1, 5);
  });
});

describe('catalog page', () => {
  test('search narrows the list; dataset page documents the columns', async () => {
    const all = await t.app.inject({ method: 'GET', url: '/opendata/' });
    assert.equal(all.statusCode, 200);
    const hit = await t.app.inject({ method: 'GET', url: '/opendata/?q=M%C3%A4ngel&stadt=aalen' });
    assert.match(hit.body, /Mängelmeldungen – Aalen/);
    assert.doesNotMatch(hit.body, /Mängelmeldungen – Heidenheim/);
    const page = await t.app.inject({ method: 'GET', url: '/opendata/datasets/aalen-angebote' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<code>oeffnungszeiten<\/code>/);
  });
});
