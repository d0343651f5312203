import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { check as checkGeoJson } from '@placemarkio/check-geojson';
import jsonld from 'jsonld';
import type { Quad } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { type TestApp, testApp } from '../../../test/helpers.ts';
import { seedBonus } from '../bonus/seed.ts';
import { seedContent } from '../content/seed.ts';
import { seedDirectory } from '../directory/seed.ts';
import { seedMaps } from '../maps/seed.ts';
import { seedParticipation } from '../participation/seed.ts';
import { seedReports } from '../reports/seed.ts';
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
