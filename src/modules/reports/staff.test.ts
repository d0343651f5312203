import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { testDatabase } from '../../../test/helpers.ts';
import { createUser, grantRole } from '../../platform/auth/service.ts';
import { type Database, one, rows, sql } from '../../platform/db/index.ts';
import type { HttpError } from '../../platform/http/errors.ts';
import { type City, listCities } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { AALEN, aalenReport, staffUser } from './fixtures.ts';
import {
  assignableStaff,
  assignReport,
  changeStatus,
  followersOf,
  listPublicReports,
  mergeCandidates,
  type NewReport,
  photoById,
  redactPhoto,
  reportById,
  seedCategories,
  supportReport,
} from './service.ts';

const as = staffUser;

describe('reports: assignment, merging, support, redaction', () => {
  let database: Database;
  let aalen: City;
  let heidenheim: City;
  let worker: CurrentUser;
  let colleague: CurrentUser;
  let foreign: CurrentUser;
  let moderator: CurrentUser;
  const base = 'http://localhost';

  async function person(email: string, role?: string, city?: City) {
    const u = await createUser(database.db, {
      email,
      displayName: email.split('@')[0]!,
      password: 'correct horse battery',
      confirmed: true,
    });
    if (role && city) await grantRole(database.db, u.id, role as 'case_worker', city.id);
    return u.id;
  }

  const report = (description: string, extra: Partial<NewReport> = {}) =>
    aalenReport(database.db, aalen, description, { baseUrl: base, ...extra });

  before(async () => {
    database = await testDatabase();
    await seedCategories(database.db);
    const cities = await listCities(database.db);
    aalen = cities.find((c) => c.slug === 'aalen')!;
    heidenheim = cities.find((c) => c.slug === 'heidenheim')!;
    worker = as(
      await person('sb1@aalen.example', 'case_worker', aalen),
      aalen.id,
      'case_worker',
      'sb1@aalen.example',
    );
    colleague = as(await person('sb2@aalen.example', 'case_worker', aalen), aalen.id);
    foreign = as(await person('sb@heidenheim.example', 'case_worker', heidenheim), heidenheim.id);
    moderator = as(await person('mod@aalen.example', 'moderator', aalen), aalen.id, 'moderator');
  });
  after(async () => database.close());

  test('assign to a case worker of the city; others are refused; the assignee gets a mail', async () => {
    const r = await report('Schlagloch vor dem Rathaus, ziemlich tief');
    const eligible = (await assignableStaff(database.db, aalen.id)).map((s) => s.id);
    assert.ok(
      eligible.includes(colleague.id) && !eligible.includes(foreign.id) && !eligible.includes(moderator.id),
    );
    await assignReport(database.db, worker, r.id, colleague.id, base);
    const row = (await reportById(database.db, r.id))!;
    assert.equal(row.assigned_to, colleague.id);
    assert.equal(row.assignee_name, 'sb2');
    const mail = await one<{ subject: string }>(
      database.db,
      sql`SELECT subject FROM mail_outbox WHERE to_address = 'sb2@aalen.example' ORDER BY id DESC LIMIT 1`,
    );
    assert.match(mail!.subject, new RegExp(`Nr. ${r.id} ist Ihnen zugewiesen`));
    await assert.rejects(
      assignReport(database.db, worker, r.id, foreign.id, base),
      (e: HttpError) => e.statusCode === 422,
    );
    await assert.rejects(
      assignReport(database.db, foreign, r.id, foreign.id, base),
      (e: HttpError) => e.statusCode === 403,
    );
    await assert.rejects(
      assignReport(database.db, moderator, r.id, null, base),
      (e: HttpError) => e.statusCode === 403,
    );
    await assignReport(database.db, worker, r.id, null, base);
    assert.equal((await reportById(database.db, r.id))!.assigned_to, null);
    const audit = await rows<{ action: string }>(
      database.db,
      sql`SELECT action FROM audit_log WHERE entity_id = ${String(r.id)} AND action = 'report.assign'`,
    );
    assert.equal(audit.length, 2);
  });

  test('"me too": counted once per person, not on closed reports; supporters get status mails', async () => {
    const r = await report('Laterne gegenüber der Schule ist aus');
    const fan = await person('fan@example.org');
    const fanUser = { id: fan, email: 'fan@example.org', displayName: 'Fan', roles: new Map() };
    assert.equal(await supportReport(database.db, r.id, fanUser), 'added');
    assert.equal(await supportReport(database.db, r.id, fanUser), 'already');
    assert.equal(await supportReport(database.db, r.id, undefined), 'added');
    assert.equal((await reportById(database.db, r.id))!.support_count, 2);
    assert.deepEqual(await followersOf(database.db, r.id), ['fan@example.org']);
    await changeStatus(
      database.db,
      worker,
      r.id,
      { to: 'erledigt', publicNote: 'Leuchtmittel getauscht.' },
      base,
    );
    const mail = await one<{ text_body: string }>(
      database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = 'fan@example.org' ORDER BY id DESC LIMIT 1`,
    );
    assert.match(mail!.text_body, /erledigt[\s\S]*Leuchtmittel getauscht/);
    assert.doesNotMatch(mail!.text_body, /wieder-oeffnen/, 'only the reporter may reopen');
    await assert.rejects(supportReport(database.db, r.id, undefined), (e: HttpError) => e.statusCode === 422);
  });

  test("merge: nearby duplicates are offered; merging makes the duplicate's reporter a follower", async () => {
    const original = await report('Großes Schlagloch an der Ampel, Ostseite');
    const dupReporter = await person('doppelt@example.org');
    const dupUser = { id: dupReporter, email: 'doppelt@example.org', displayName: 'D', roles: new Map() };
    const dup = await report('Schlagloch an der Ampel, bitte reparieren', {
      lon: AALEN.lon + 0.0002,
      lat: AALEN.lat,
      reporter: { user: dupUser },
    });
    const candidates = await mergeCandidates(database.db, (await reportById(database.db, original.id))!);
    assert.ok(candidates.some((c) => c.id === dup.id && c.distance > 5 && c.distance < 30));
    await changeStatus(
      database.db,
      worker,
      dup.id,
      { to: 'duplikat', duplicateOf: original.id, publicNote: 'Bereits gemeldet.' },
      base,
    );
    const after = (await reportById(database.db, original.id))!;
    assert.equal(after.support_count, 1);
    assert.equal((await reportById(database.db, dup.id))!.duplicate_of, original.id);
    assert.ok((await followersOf(database.db, original.id)).includes('doppelt@example.org'));
    const merged = await one<{ internal_note: string }>(
      database.db,
      sql`SELECT internal_note FROM report_history WHERE report_id = ${original.id} AND kind = 'merged'`,
    );
    assert.match(merged!.internal_note, new RegExp(`Nr. ${dup.id}`));
    // A chain is refused: merge into the root instead.
    const third = await report('Noch ein Schlagloch an der Ampel gemeldet');
    await assert.rejects(
      changeStatus(
        database.db,
        worker,
        third.id,
        { to: 'duplikat', duplicateOf: dup.id, publicNote: 'x' },
        base,
      ),
      (e: HttpError) => e.statusCode === 422 && /selbst ein Duplikat/.test(e.details!.errors!.duplicateOf!),
    );
  });

  test('redact: the rectangle is blacked out in the stored pixels; bad numbers are refused', async () => {
    const white = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#ffffff' } })
      .jpeg()
      .toBuffer();
    const r = await report('Wilder Müll, auf dem Foto ist ein Kennzeichen zu sehen', {
      categoryCode: 'muell',
      photos: [white],
    });
    const photo = (
      await rows<{ id: number }>(
        database.db,
        sql`SELECT id::int AS id FROM report_photos WHERE report_id = ${r.id}`,
      )
    )[0]!;
    await assert.rejects(
      redactPhoto(database.db, moderator, photo.id, { x: 10, y: 10, w: 0, h: 150 }),
      (e: HttpError) =>
        e.statusCode === 422 && Boolean(e.details?.errors?.redactw && e.details.errors.redacth),
    );
    await assert.rejects(
      redactPhoto(database.db, foreign, photo.id, { x: 0, y: 0, w: 50, h: 50 }),
      (e: HttpError) => e.statusCode === 403,
    );
    await redactPhoto(database.db, moderator, photo.id, { x: 50, y: 0, w: 50, h: 100 });
    const stored = (await photoById(database.db, photo.id))!;
    const { data, info } = await sharp(stored.data).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
    assert.ok(at(20, 50) > 230, 'the left half stays white');
    assert.ok(at(150, 50) < 60, 'the right half is black');
    const row = await one<{ redacted_at: Date | null }>(
      database.db,
      sql`SELECT redacted_at FROM report_photos WHERE id = ${photo.id}`,
    );
    assert.ok(row!.redacted_at);
  });

  test('listPublicReports: only published reports, no personal data', async () => {
    await report('Anonyme Meldung ohne Bestätigung, nicht öffentlich', {
      trusted: false,
      reporter: { email: 'geheim@example.org', name: 'Gerda Geheim' },
    });
    const list = await listPublicReports(database.db, { cityId: aalen.id });
    assert.ok(list.length >= 4);
    const text = JSON.stringify(list);
    assert.doesNotMatch(text, /geheim@example\.org|Gerda|nicht öffentlich|reporter|token/i);
    assert.ok(list.every((r) => r.citySlug === 'aalen'));
  });
});
