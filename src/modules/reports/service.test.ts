import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import sharp from 'sharp';
import { testDatabase } from '../../../test/helpers.ts';
import { createUser, grantRole } from '../../platform/auth/service.ts';
import { type Database, one, rows, sql } from '../../platform/db/index.ts';
import type { HttpError } from '../../platform/http/errors.ts';
import { type City, listCities } from '../../platform/tenancy/service.ts';
import { AALEN, HEIDENHEIM, jpegWithExif, STUTTGART, staffUser } from './fixtures.ts';
import * as schema from './schema.ts';
import {
  changeStatus,
  confirmReport,
  createReport,
  duplicateCandidates,
  photoById,
  reopenReport,
  reopenState,
  reportById,
  seedCategories,
} from './service.ts';

const staff = staffUser;

describe('reports service', () => {
  let database: Database;
  let aalen: City;
  let heidenheim: City;
  const base = 'http://localhost';
  before(async () => {
    database = await testDatabase();
    await seedCategories(database.db);
    const cities = await listCities(database.db);
    aalen = cities.find((c) => c.slug === 'aalen')!;
    heidenheim = cities.find((c) => c.slug === 'heidenheim')!;
  });
  after(async () => database.close());

  test('drizzle definitions match the migration', async () => {
    const tables = Object.values(schema) as PgTable[];
    for (const table of tables) {
      const config = getTableConfig(table);
      const actual = await rows<{ column_name: string; is_nullable: string }>(
        database.db,
        sql`SELECT column_name, is_nullable FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = ${config.name} ORDER BY column_name`,
      );
      const expected = config.columns
        .map((c) => ({ column_name: c.name, is_nullable: c.notNull ? 'NO' : 'YES' }))
        .sort((a, b) => a.column_name.localeCompare(b.column_name));
      assert.deepEqual(actual, expected, `columns of ${config.name}`);
    }
  });

  test('categories are seeded per city with department and SLA', async () => {
    const r = await rows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM report_categories GROUP BY city_id`,
    );
    assert.deepEqual(
      r.map((x) => x.n),
      [8, 8],
    );
  });

  test('a point in Heidenheim goes to Heidenheim, whatever page the form was on', async () => {
    const created = await createReport(database.db, {
      fallbackCity: aalen,
      categoryCode: 'schlagloch',
      description: 'Tiefes Schlagloch vor der Hausnummer 12',
      ...HEIDENHEIM,
      reporter: {},
      source: 'web',
      baseUrl: base,
    });
    assert.equal(created.cityId, heidenheim.id);
    const report = await reportById(database.db, created.id);
    assert.equal(report!.city_slug, 'heidenheim');
    assert.equal(report!.category_code, 'schlagloch');
    assert.ok(Math.abs(report!.lat! - HEIDENHEIM.lat) < 1e-9);
  });

  test('a point outside the region is refused with a clear message', async () => {
    await assert.rejects(
      createReport(database.db, {
        fallbackCity: aalen,
        categoryCode: 'schlagloch',
        description: 'Schlagloch irgendwo in Stuttgart',
        ...STUTTGART,
        reporter: {},
        source: 'web',
        baseUrl: base,
      }),
      (err: HttpError) => err.statusCode === 422 && /außerhalb/.test(err.message),
    );
  });

  test('without a map: an address is enough, the city of the page is responsible', async () => {
    const c = await createReport(database.db, {
      fallbackCity: heidenheim,
      categoryCode: 'graffiti',
      description: 'Graffiti an der Unterführung beim Bahnhof',
      address: 'Bahnhofplatz, Unterführung',
      reporter: {},
      source: 'web',
      baseUrl: base,
    });
    assert.equal(c.cityId, heidenheim.id);
    await assert.rejects(
      createReport(database.db, {
        fallbackCity: heidenheim,
        categoryCode: 'graffiti',
        description: 'Graffiti ohne jede Ortsangabe',
        reporter: {},
        source: 'web',
        baseUrl: base,
      }),
      (err: HttpError) => err.statusCode === 422 && Boolean(err.details?.errors?.address),
    );
  });

  test('photos are stored as WebP without metadata; non-images are refused', async () => {
    const jpeg = await jpegWithExif();
    assert.ok((await sharp(jpeg).metadata()).exif, 'test image carries EXIF');
    const c = await createReport(database.db, {
      fallbackCity: aalen,
      categoryCode: 'muell',
      description: 'Sperrmüll am Waldrand abgeladen',
      ...AALEN,
      photos: [jpeg],
      reporter: {},
      source: 'web',
      baseUrl: base,
    });
    const p = await one<{ id: number }>(
      database.db,
      sql`SELECT id::int AS id FROM report_photos WHERE report_id = ${c.id}`,
    );
    const photo = await photoById(database.db, p!.id);
    const meta = await sharp(photo!.data).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.exif, undefined);
    assert.equal(meta.xmp, undefined);
    assert.ok(!photo!.data.includes(Buffer.from('SecretCam')));
    await assert.rejects(
      createReport(database.db, {
        fallbackCity: aalen,
        categoryCode: 'muell',
        description: 'Sperrmüll am Waldrand abgeladen',
        ...AALEN,
        photos: [Buffer.from('%PDF-1.4 not an image')],
        reporter: {},
        source: 'web',
        baseUrl: base,
      }),
      (err: HttpError) => err.statusCode === 422 && Boolean(err.details?.errors?.photos),
    );
  });

  test('duplicate suggestion: open public reports of the same category within 50 m', async () => {
    const p = { lon: 10.1, lat: 48.84 };
    const c = await createReport(database.db, {
      fallbackCity: aalen,
      categoryCode: 'strassenbeleuchtung',
      description: 'Laterne vor Haus 3 ist seit Tagen aus',
      ...p,
      reporter: {},
      source: 'web',
      trusted: true,
      baseUrl: base,
    });
    // ~30 m north: found; ~200 m: not; other category: not.
    const near = await duplicateCandidates(database.db, aalen, 'strassenbeleuchtung', p.lon, p.lat + 0.00027);
    assert.deepEqual(
      near.map((n) => n.id),
      [c.id],
    );
    assert.ok(near[0]!.distance > 20 && near[0]!.distance < 40);
    assert.equal(
      (await duplicateCandidates(database.db, aalen, 'strassenbeleuchtung', p.lon, p.lat + 0.0018)).length,
      0,
    );
    assert.equal((await duplicateCandidates(database.db, aalen, 'schlagloch', p.lon, p.lat)).length, 0);
  });

  test('anonymous reports with e-mail are published only after confirmation', async () => {
    const c = await createReport(database.db, {
      fallbackCity: aalen,
      categoryCode: 'spielplatz',
      description: 'Schaukel am Spielplatz ist abgerissen',
      ...AALEN,
      reporter: { email: 'melder@example.org', name: 'Erika Muster' },
      source: 'web',
      baseUrl: base,
    });
    assert.equal(c.published, false);
    const mail = await one<{ text_body: string; purpose: string }>(
      database.db,
      sql`SELECT text_body, purpose FROM mail_outbox WHERE to_address = 'melder@example.org' ORDER BY id DESC LIMIT 1`,
    );
    assert.equal(mail!.purpose, 'report_confirm');
    assert.ok(mail!.text_body.includes(`/aalen/maengel/${c.id}/bestaetigen?token=${c.reporterToken}`));
    await assert.rejects(confirmReport(database.db, c.id, 'wrong'), (e: HttpError) => e.statusCode === 404);
    const r = await confirmReport(database.db, c.id, c.reporterToken!);
    assert.ok(r.published_at);
  });

  test('status workflow: roles, transitions, reason for rejection, reopen window', async () => {
    const u = await createUser(database.db, {
      email: 'sb@aalen.example',
      displayName: 'SB Aalen',
      password: 'correct horse battery',
      confirmed: true,
    });
    await grantRole(database.db, u.id, 'case_worker', aalen.id);
    const worker = staff(u.id, aalen.id);
    const c = await createReport(database.db, {
      fallbackCity: aalen,
      categoryCode: 'schlagloch',
      description: 'Schlagloch in der Einfahrt zum Parkplatz',
      ...AALEN,
      reporter: { email: 'melderin@example.org' },
      source: 'web',
      baseUrl: base,
    });
    const hdh = await createReport(database.db, {
      fallbackCity: heidenheim,
      categoryCode: 'schlagloch',
      description: 'Schlagloch in Heidenheim, Hauptstraße',
      ...HEIDENHEIM,
      reporter: {},
      source: 'web',
      baseUrl: base,
    });
    await assert.rejects(
      changeStatus(database.db, worker, hdh.id, { to: 'bestaetigt' }, base),
      (e: HttpError) => e.statusCode === 403,
    );
    await assert.rejects(
      changeStatus(database.db, worker, c.id, { to: 'abgelehnt', publicNote: 'nein' }, base),
      (e: HttpError) => e.statusCode === 422 && Boolean(e.details?.errors?.publicNote),
    );
    await changeStatus(database.db, worker, c.id, { to: 'in_bearbeitung', publicNote: 'Beauftragt.' }, base);
    await assert.rejects(
      changeStatus(database.db, worker, c.id, { to: 'eingegangen' }, base),
      (e: HttpError) => e.statusCode === 422,
    );
    await changeStatus(database.db, worker, c.id, { to: 'erledigt', publicNote: 'Repariert.' }, base);
    let r = (await reportById(database.db, c.id))!;
    assert.equal(r.status, 'erledigt');
    assert.ok(r.closed_at && r.published_at);
    const mails = await rows<{ subject: string }>(
      database.db,
      sql`SELECT subject FROM mail_outbox WHERE to_address = 'melderin@example.org' AND purpose = 'report_status'`,
    );
    assert.equal(mails.length, 2);
    const auditRows = await rows<{ action: string }>(
      database.db,
      sql`SELECT action FROM audit_log WHERE entity_type = 'report' AND entity_id = ${String(c.id)}`,
    );
    assert.equal(auditRows.length, 2);

    // Reopen: only the reporter (with the fresh link from the "erledigt" mail), only within 30 days.
    const done = await one<{ text_body: string }>(
      database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = 'melderin@example.org' AND subject LIKE '%erledigt%'`,
    );
    const token = /wieder-oeffnen\?token=(\S+)/.exec(done!.text_body)![1]!;
    assert.equal(reopenState(r, { token: c.reporterToken }), 'not_reporter', 'the first link is replaced');
    c.reporterToken = token;
    assert.equal(reopenState(r, { token: 'nope' }), 'not_reporter');
    assert.equal(
      reopenState(r, { token: c.reporterToken }, new Date(Date.now() + 31 * 86_400_000)),
      'too_late',
    );
    await assert.rejects(
      reopenReport(database.db, c.id, { token: c.reporterToken }, 'kurz'),
      (e: HttpError) => e.statusCode === 422,
    );
    await reopenReport(
      database.db,
      c.id,
      { token: c.reporterToken },
      'Das Loch ist immer noch da, nur Kies drin.',
    );
    r = (await reportById(database.db, c.id))!;
    assert.equal(r.status, 'bestaetigt');
    assert.equal(r.closed_at, null);
    await database.db.execute(
      sql`UPDATE reports SET status = 'erledigt', closed_at = now() - interval '31 days' WHERE id = ${c.id}`,
    );
    await assert.rejects(
      reopenReport(database.db, c.id, { token: c.reporterToken }, 'Immer noch nicht behoben, bitte prüfen.'),
      (e: HttpError) => e.statusCode === 422 && /30 Tage/.test(e.message),
    );
  });
});
