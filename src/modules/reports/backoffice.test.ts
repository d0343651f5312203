import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { cookiesOf, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import type { City } from '../../platform/tenancy/service.ts';
import { seedDirectory } from '../directory/seed.ts';
import { AALEN, aalenReport } from './fixtures.ts';
import { seedGazetteer } from './gazetteer.ts';
import { hevcMessage, type NewReport, reportById, seedCategories } from './service.ts';

/** HTTP paths added in the second step: address search, "me too", assign, merge, redact. */
describe('Mängelmelder: address search, support, assign, merge, redact over HTTP', () => {
  let t: TestApp;
  let aalen: City;
  before(async () => {
    t = await testApp();
    await seedCategories(t.database.db);
    await seedGazetteer(t.database.db);
    await seedDirectory(t.database.db);
    aalen = (await t.app.tenancy()).cities.find((c) => c.slug === 'aalen')!;
  });
  after(async () => t.close());

  const report = (description: string, extra: Partial<NewReport> = {}) =>
    aalenReport(t.database.db, aalen, description, extra);

  const post = (url: string, data: Record<string, string>, cookie: string) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(data),
    });

  test('address search without JavaScript: find a street, pick it, coordinates are filled', async () => {
    const found = await t.app.inject('/aalen/maengel/neu?category=muell&address=Bahnhofstr.+12&suche=1');
    assert.equal(found.statusCode, 200);
    const ref = /name="ort" value="(g\d+)"[^>]*>\s*<span class="kern-label">Bahnhofstraße</.exec(
      found.body,
    )?.[1];
    assert.ok(ref, 'Bahnhofstraße is offered');
    assert.match(found.body, /Bürgerbüro|Baurechtsamt/, 'offer addresses of the directory are searched too');
    const picked = await t.app.inject(`/aalen/maengel/neu?category=muell&address=Bahnhofstr.+12&ort=${ref}`);
    assert.match(picked.body, /id="f-lat"[^>]*value="48\.839200"/);
    assert.match(picked.body, /value="Bahnhofstr\. 12"/, 'the typed address (with house number) is kept');
    // Typos are tolerated; another city's streets are not offered.
    const typo = await t.app.inject('/aalen/maengel/neu?address=Marktplaz&suche=1');
    assert.match(typo.body, /Marktplatz/);
    const other = await t.app.inject('/aalen/maengel/neu?address=Clichystra%C3%9Fe&suche=1');
    assert.match(other.body, /Keinen passenden Ort gefunden/);
  });

  test('"me too" from the duplicate suggestion: counted once per signed-in person; CSRF required', async () => {
    const r = await report('Schlagloch vor der Stadthalle, gefährlich für Radfahrer');
    const suggestion = await t.app.inject(
      `/aalen/maengel/neu?category=schlagloch&lat=${AALEN.lat}&lon=${AALEN.lon}`,
    );
    assert.match(suggestion.body, new RegExp(`action="/aalen/maengel/${r.id}/unterstuetzen"`));
    const cookie = cookiesOf(suggestion);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(suggestion.body)![1]!;
    assert.equal((await post(`/aalen/maengel/${r.id}/unterstuetzen`, {}, cookie)).statusCode, 403);
    const ok = await post(`/aalen/maengel/${r.id}/unterstuetzen`, { _csrf: csrf }, cookie);
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, `/aalen/maengel/${r.id}?unterstuetzt=1`);
    const citizen = await userAgent(t);
    for (const expected of ['1', '2']) {
      const res = await post(`/aalen/maengel/${r.id}/unterstuetzen`, { _csrf: citizen.csrf }, citizen.cookie);
      assert.equal(res.headers.location, `/aalen/maengel/${r.id}?unterstuetzt=${expected}`);
    }
    const page = await t.app.inject(`/aalen/maengel/${r.id}?unterstuetzt=1`);
    assert.match(page.body, /Ihre Unterstützung ist gezählt/);
    assert.match(page.body, /2 weiteren Personen/);
  });

  test('back office: assign, filter the queue, merge a nearby duplicate, redact a photo', async () => {
    const worker = await userAgent(t, [{ role: 'case_worker', city: 'aalen' }]);
    const colleague = await userAgent(t, [{ role: 'case_worker', city: 'aalen' }], 'kollegin@aalen.example');
    const white = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const original = await report('Absackung im Gehweg vor der Apotheke', { photos: [white] });
    const dup = await report('Gehweg vor der Apotheke ist abgesackt', { lon: AALEN.lon + 0.0001 });
    const page = await t.app.inject({
      url: `/admin/maengel/${original.id}`,
      headers: { cookie: worker.cookie },
    });
    assert.match(page.body, /id="f-assignee"/);
    assert.match(page.body, new RegExp(`Nr. ${dup.id} hierher zusammenführen`));

    const assigned = await post(
      `/admin/maengel/${original.id}/zuweisen`,
      { _csrf: worker.csrf, assignee: colleague.userId },
      worker.cookie,
    );
    assert.equal(assigned.statusCode, 303);
    const mine = await t.app.inject({
      url: '/admin/maengel?zugewiesen=mir',
      headers: { cookie: colleague.cookie },
    });
    assert.match(mine.body, new RegExp(`/admin/maengel/${original.id}"`));
    const nobody = await t.app.inject({
      url: '/admin/maengel?zugewiesen=niemand',
      headers: { cookie: worker.cookie },
    });
    assert.doesNotMatch(nobody.body, new RegExp(`/admin/maengel/${original.id}"`));
    const bad = await post(
      `/admin/maengel/${original.id}/zuweisen`,
      { _csrf: worker.csrf, assignee: '00000000-0000-0000-0000-000000000000' },
      worker.cookie,
    );
    assert.equal(bad.statusCode, 422);

    const merged = await post(
      `/admin/maengel/${original.id}/zusammenfuehren`,
      { _csrf: worker.csrf, duplicate: String(dup.id) },
      worker.cookie,
    );
    assert.equal(merged.statusCode, 303);
    const d = (await reportById(t.database.db, dup.id))!;
    assert.equal(d.status, 'duplikat');
    assert.equal(d.duplicate_of, original.id);
    assert.equal((await reportById(t.database.db, original.id))!.support_count, 1);

    const photo = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id::int AS id FROM report_photos WHERE report_id = ${original.id}`,
    ))!;
    const wrong = await post(
      `/admin/maengel/${original.id}/fotos/${photo.id}/schwaerzen`,
      { _csrf: worker.csrf, x: '10', y: '', w: '20', h: '20' },
      worker.cookie,
    );
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.body, new RegExp(`href="#f-redact-${photo.id}"`));
    const redacted = await post(
      `/admin/maengel/${original.id}/fotos/${photo.id}/schwaerzen`,
      { _csrf: worker.csrf, x: '0', y: '0', w: '50', h: '100' },
      worker.cookie,
    );
    assert.equal(redacted.statusCode, 303);
    // The public page shows neither the assignment nor the merge note.
    const pub = await t.app.inject(`/aalen/maengel/${original.id}`);
    assert.doesNotMatch(pub.body, /kollegin|Zugewiesen|zusammengeführt/);
  });

  test('admins set department and SLA per category of their city; audited; others cannot', async () => {
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const cat = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM report_categories WHERE city_id = ${aalen.id} AND code = 'graffiti'`,
    ))!;
    const foreign = (await one<{ id: number }>(
      t.database.db,
      sql`SELECT k.id FROM report_categories k JOIN cities c ON c.id = k.city_id
          WHERE c.slug = 'heidenheim' AND k.code = 'graffiti'`,
    ))!;
    const list = await t.app.inject({ url: '/admin/maengel/kategorien', headers: { cookie: admin.cookie } });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(`/admin/maengel/kategorien/${cat.id}"`));
    assert.doesNotMatch(list.body, new RegExp(`/admin/maengel/kategorien/${foreign.id}"`));
    const url = `/admin/maengel/kategorien/${cat.id}`;
    const data = {
      _csrf: admin.csrf,
      name: 'Graffiti',
      department: 'Baubetriebshof',
      ackDays: '2',
      slaDays: '1',
      active: '1',
    };
    const invalid = await post(url, data, admin.cookie);
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /nicht kürzer sein/);
    assert.equal((await post(url, { ...data, slaDays: '12' }, admin.cookie)).statusCode, 303);
    const row = await one<{ department: string; sla_days: number }>(
      t.database.db,
      sql`SELECT department, sla_days FROM report_categories WHERE id = ${cat.id}`,
    );
    assert.deepEqual({ ...row }, { department: 'Baubetriebshof', sla_days: 12 });
    const audit = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.category.update' AND entity_id = ${String(cat.id)}`,
    );
    assert.equal(audit!.n, 1);
    const other = await post(`/admin/maengel/kategorien/${foreign.id}`, data, admin.cookie);
    assert.equal(other.statusCode, 404);
    const worker = await userAgent(t, [{ role: 'case_worker', city: 'aalen' }]);
    assert.equal((await post(url, { ...data, _csrf: worker.csrf }, worker.cookie)).statusCode, 403);
  });

  test('HEIF: AVIF-coded photos are accepted; only HEVC-coded HEIC gets its own message', async () => {
    const avif = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#36c' } })
      .avif()
      .toBuffer();
    const r = await report('Graffiti an der Unterführung, Foto als AVIF', {
      categoryCode: 'graffiti',
      photos: [avif],
    });
    const stored = await one<{ media_type: string }>(
      t.database.db,
      sql`SELECT media_type FROM report_photos WHERE report_id = ${r.id}`,
    );
    assert.equal(stored!.media_type, 'image/webp');
    assert.equal(await hevcMessage(avif), undefined);
    assert.equal(await hevcMessage(Buffer.from('not an image')), undefined);
  });
});
