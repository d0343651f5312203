import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { cityId, testDatabase } from '../../../test/helpers.ts';
import { type Database, rows, sql } from '../../platform/db/index.ts';
import { HttpError } from '../../platform/http/errors.ts';
import { seedDirectory } from './seed.ts';
import { getOfferBySlug } from './service.ts';
import { CSV_COLUMNS, exportOffers, importOffers, JSON_FORMAT, MAX_IMPORT_ROWS } from './transfer.ts';

const BASE = 'https://stadt.example';

function leistung(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    typ: 'beratung',
    status: 'veroeffentlicht',
    bezeichnung: `Beratung ${id}`,
    kurztext: 'Eine Beratung für alle, die Fragen haben.',
    kategorien: ['soziales'],
    ...extra,
  };
}

const jsonFile = (leistungen: unknown[]) => JSON.stringify({ format: JSON_FORMAT, leistungen });

function csvFile(header: string[], records: string[][]): string {
  const cell = (v: string) => (/[",\n|]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...records].map((r) => r.map(cell).join(',')).join('\n');
}

describe('directory import and export', () => {
  let database: Database;
  let aalen: number;
  let heidenheim: number;
  before(async () => {
    database = await testDatabase();
    await seedDirectory(database.db);
    aalen = await cityId(database, 'aalen');
    heidenheim = await cityId(database, 'heidenheim');
  });
  after(async () => database.close());

  test('JSON import: good rows imported, bad rows reported with row numbers and German reasons', async () => {
    const file = jsonFile([
      leistung('json-ok-1'),
      leistung('json-bad-title', { bezeichnung: 'x' }),
      leistung('json-ok-2', {
        typ: 'einrichtung',
        anschrift: { strasse: 'Marktplatz 1', plz: '73430', ort: 'Aalen' },
        geo: { lat: 48.8373, lon: 10.0936 },
        oeffnungszeiten: 'Mo-Fr 08:00-12:00',
        barrierefreiheit: { stufenlos: true },
        kontakt: { telefon: '+49 7361 52-0', email: 'info@aalen.example' },
      }),
      leistung('json-ok-1'),
      leistung('json-bad-many', { kategorien: ['gibtsnicht'], kontakt: { email: 'keine-mail' } }),
      leistung('json-outside', {
        typ: 'einrichtung',
        anschrift: { strasse: 'Hauptstraße 1', plz: '89522', ort: 'Heidenheim' },
        geo: { lat: 48.6767, lon: 10.1536 },
      }),
      'kein Objekt',
      leistung('json-unknown', { farbe: 'blau' }),
    ]);
    const report = await importOffers(database.db, undefined, aalen, 'json', file);
    assert.equal(report.created, 2);
    assert.equal(report.rejected, 6);
    const byRow = new Map(report.rows.map((r) => [r.row, r]));
    assert.equal(byRow.get(1)!.status, 'created');
    assert.equal(byRow.get(2)!.status, 'rejected');
    assert.match(byRow.get(2)!.errors!.bezeichnung!, /Titel mit 3 bis 120 Zeichen/);
    assert.equal(byRow.get(3)!.status, 'created');
    assert.match(byRow.get(4)!.errors!.id!, /schon in Eintrag 1/);
    assert.match(byRow.get(5)!.errors!.kategorien!, /Kategorien aus der Liste/);
    assert.match(byRow.get(5)!.errors!['kontakt.email']!, /name@beispiel\.de/);
    assert.match(byRow.get(6)!.errors!.geo!, /außerhalb des Stadtgebiets/);
    assert.match(byRow.get(7)!.errors!.leistung!, /kein JSON-Objekt/);
    assert.match(byRow.get(8)!.errors!.leistung!, /Unbekannte Felder: farbe/);

    const stored = await getOfferBySlug(database.db, aalen, 'json-ok-2');
    assert.equal(stored?.kind, 'facility');
    assert.equal(stored?.status, 'published');
    assert.deepEqual(stored?.location, { lat: 48.8373, lon: 10.0936 });
    assert.deepEqual(stored?.accessibility, { stepFree: true });
    assert.equal(stored?.contact.phone, '+49 7361 52-0');
    assert.equal(await getOfferBySlug(database.db, aalen, 'json-bad-title'), undefined);

    const again = await importOffers(database.db, undefined, aalen, 'json', file);
    assert.equal(again.created, 0);
    assert.equal(again.updated, 0);
    assert.equal(again.unchanged, 2);
    assert.equal(again.rejected, 6);

    const changed = await importOffers(
      database.db,
      undefined,
      aalen,
      'json',
      jsonFile([leistung('json-ok-1', { kurztext: 'Eine geänderte Beschreibung der Beratung.' })]),
    );
    assert.equal(changed.updated, 1);
  });

  test('CSV import: lists with "|", ja/nein, semicolon files, row errors, re-import unchanged', async () => {
    const header = [
      'id',
      'typ',
      'status',
      'bezeichnung',
      'kurztext',
      'kategorien',
      'lebenslagen',
      'schlagworte',
      'barrierefreiheit.stufenlos',
      'onlineDienst',
    ];
    const records = [
      [
        'csv-ok',
        'online-dienst',
        'entwurf',
        'Hundesteuer online',
        'Hund online anmelden und abmelden.',
        'buergerservice|digital',
        'umzug',
        'Hund|Steuer',
        '',
        'https://service.example/hund',
      ],
      [
        'csv-bad',
        'online_service',
        'published',
        'Ohne Adresse',
        'Online-Dienst ohne Webadresse.',
        'digital',
        '',
        '',
        'vielleicht',
        '',
      ],
      ['csv-short'],
      [
        '',
        'beratung',
        'published',
        'Ohne Kürzel',
        'Hier fehlt das URL-Kürzel ganz.',
        'soziales',
        '',
        '',
        '',
        '',
      ],
    ];
    const file = csvFile(header, records);
    const report = await importOffers(database.db, undefined, heidenheim, 'csv', file);
    assert.equal(report.created, 1, JSON.stringify(report.rows));
    assert.equal(report.rejected, 3);
    const [ok, bad, short, noSlug] = report.rows;
    assert.equal(ok!.status, 'created');
    assert.equal(bad!.row, 2);
    assert.match(bad!.errors!['barrierefreiheit.stufenlos']!, /„ja“, „nein“/);
    assert.equal(short!.row, 3);
    assert.match(short!.errors!.zeile!, /1 statt 10 Spalten/);
    assert.match(noSlug!.errors!.id!, /URL-Kürzel/);

    const stored = await getOfferBySlug(database.db, heidenheim, 'csv-ok');
    assert.equal(stored?.status, 'draft');
    assert.equal(stored?.kind, 'online_service');
    assert.deepEqual(stored?.categories, ['buergerservice', 'digital']);
    assert.deepEqual(stored?.tags, ['Hund', 'Steuer']);

    const again = await importOffers(database.db, undefined, heidenheim, 'csv', file);
    assert.equal(again.unchanged, 1);
    assert.equal(again.created + again.updated, 0);

    // The second record fixed: only it changes.
    records[1] = [...records[1]!.slice(0, 8), 'nein', 'https://service.example/x'];
    const semicolon = csvFile(header, records).replace(/,/g, ';');
    const fixed = await importOffers(database.db, undefined, heidenheim, 'csv', semicolon);
    assert.equal(fixed.created, 1, JSON.stringify(fixed.rows));
    assert.equal(fixed.unchanged, 1);
  });

  test('whole-file problems are 400 with a readable message; limits are 413', async () => {
    const expectStatus = async (status: number, p: Promise<unknown>, message: RegExp) => {
      await assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof HttpError);
        assert.equal(err.statusCode, status);
        assert.match(err.message, message);
        return true;
      });
    };
    await expectStatus(
      400,
      importOffers(database.db, undefined, aalen, 'json', '{oops'),
      /kein gültiges JSON/,
    );
    await expectStatus(
      400,
      importOffers(database.db, undefined, aalen, 'json', JSON.stringify([leistung('a')])),
      /stadtplattform-leistungen\/1/,
    );
    await expectStatus(
      400,
      importOffers(database.db, undefined, aalen, 'csv', 'id,titel\nx,y'),
      /unbekannte Spalten: titel; fehlende Spalten: typ, bezeichnung, kurztext, kategorien/,
    );
    await expectStatus(400, importOffers(database.db, undefined, aalen, 'csv', ''), /Kopfzeile/);
    const many = jsonFile(Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => ({ id: `x${i}` })));
    await expectStatus(413, importOffers(database.db, undefined, aalen, 'json', many), /höchstens 5\.000/);
    const big = jsonFile([leistung('big', { volltext: 'x'.repeat(5 * 1024 * 1024) })]);
    await expectStatus(413, importOffers(database.db, undefined, aalen, 'json', big), /größer als 5 MB/);
  });

  test('import is recorded in offer_imports and the audit log', async () => {
    const report = await importOffers(database.db, undefined, aalen, 'json', jsonFile([leistung('audited')]));
    const [rec] = await rows<{ format: string; created: number; report: unknown[] }>(
      database.db,
      sql`SELECT format, created, report FROM offer_imports WHERE id = ${report.id}`,
    );
    assert.equal(rec?.format, 'json');
    assert.equal(rec?.created, 1);
    assert.equal(rec?.report.length, 1);
    const [entry] = await rows<{ action: string; details: Record<string, unknown> }>(
      database.db,
      sql`SELECT action, details FROM audit_log WHERE entity_type = 'offer_import' AND entity_id = ${String(report.id)}`,
    );
    assert.equal(entry?.action, 'offer.import');
    assert.equal(entry?.details.created, 1);
  });

  test('export → import round trip (JSON and CSV) leaves every offer unchanged', async () => {
    for (const format of ['json', 'csv'] as const) {
      const text = await exportOffers(database.db, aalen, format, BASE);
      const report = await importOffers(database.db, undefined, aalen, format, text);
      assert.equal(report.rejected, 0, JSON.stringify(report.rows.filter((r) => r.status === 'rejected')));
      assert.equal(
        report.created + report.updated,
        0,
        `${format}: ${JSON.stringify(report.rows.filter((r) => r.status !== 'unchanged'))}`,
      );
      assert.ok(report.unchanged >= 80);
    }
    // Region-wide offers, too.
    const region = await exportOffers(database.db, null, 'csv', BASE);
    const r = await importOffers(database.db, undefined, null, 'csv', region);
    assert.equal(r.unchanged, 11);
  });

  test('export: shape, drafts only for staff, formula cells guarded', async () => {
    await importOffers(
      database.db,
      undefined,
      aalen,
      'json',
      jsonFile([
        leistung('entwurf-export', {
          status: 'entwurf',
          bezeichnung: '=HYPERLINK("x")',
          schlagworte: ['@mention'],
        }),
      ]),
    );
    const json = JSON.parse(await exportOffers(database.db, aalen, 'json', BASE));
    assert.equal(json.format, JSON_FORMAT);
    assert.equal(json.stadt, 'aalen');
    const entry = json.leistungen.find((l: { id: string }) => l.id === 'entwurf-export');
    assert.equal(entry.status, 'entwurf');
    assert.equal(entry.url, `${BASE}/aalen/angebote/entwurf-export`);
    const personalausweis = json.leistungen.find(
      (l: { id: string }) => l.id === 'personalausweis-beantragen',
    );
    assert.equal(personalausweis.typ, 'online-dienst');
    assert.ok(json.leistungen.every((l: { stadt: string }) => l.stadt === 'aalen'));

    const pub = JSON.parse(await exportOffers(database.db, aalen, 'json', BASE, { publishedOnly: true }));
    assert.ok(pub.leistungen.every((l: { status: string }) => l.status === 'veroeffentlicht'));
    assert.equal(pub.leistungen.length, json.leistungen.length - (await draftsIn(aalen)));

    const csv = await exportOffers(database.db, aalen, 'csv', BASE);
    assert.ok(csv.startsWith('\uFEFF'));
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(records[0]!), [...CSV_COLUMNS]);
    const draft = records.find((r) => r.id === 'entwurf-export')!;
    assert.equal(draft.bezeichnung, `'=HYPERLINK("x")`);
    assert.equal(draft.schlagworte, `'@mention`);
    assert.equal((await getOfferBySlug(database.db, aalen, 'entwurf-export'))?.title, '=HYPERLINK("x")');
    // Re-importing the guarded file restores the original text.
    const back = await importOffers(database.db, undefined, aalen, 'csv', csv);
    assert.equal(back.created + back.updated + back.rejected, 0);
  });

  async function draftsIn(city: number): Promise<number> {
    const [r] = await rows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM offers WHERE city_id = ${city} AND status = 'draft'`,
    );
    return r!.n;
  }
});
