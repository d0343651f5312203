import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { cookiesOf, csrfFrom, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, rows, sql } from '../../platform/db/index.ts';
import { AALEN, HEIDENHEIM, jpegWithExif, STUTTGART } from './fixtures.ts';
import { createReport, reportById, seedCategories } from './service.ts';

/** A multipart body built by hand, as a browser would send it. */
function multipart(
  fields: Record<string, string>,
  files: { name: string; filename: string; type: string; data: Buffer }[],
) {
  const boundary = `----sp${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('Mängelmelder pages and back office', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await seedCategories(t.database.db);
  });
  after(async () => t.close());

  async function anonForm(path = '/aalen/maengel/neu') {
    const res = await t.app.inject(path);
    assert.equal(res.statusCode, 200);
    const cookie = cookiesOf(res);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
    return { cookie, csrf, body: res.body };
  }

  test('list page works without JS, with filters, map and nav link', async () => {
    const res = await t.app.inject('/aalen/maengel?status=offen&kategorie=schlagloch');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1[^>]*>Mängelmelder Aalen/);
    assert.match(res.body, /<svg viewBox=/);
    assert.match(res.body, /href="\/aalen\/maengel"[^>]*>Mängelmelder/);
    assert.doesNotMatch(res.body, /<script(?![^>]*src=)[^>]*>/);
  });

  test('English pages under /en', async () => {
    const res = await t.app.inject('/en/heidenheim/maengel/neu');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="en">/);
    assert.match(res.body, /Report a defect/);
  });

  test('form: grouped categories, location alternatives, privacy notice, honeypot', async () => {
    const { body } = await anonForm();
    assert.match(body, /<optgroup label="Straße und Verkehr">/);
    assert.match(body, /name="address"/);
    assert.match(body, /name="lat"/);
    assert.match(body, /type="file"/);
    assert.match(body, /Datenschutz/);
    assert.match(body, /name="homepage"/);
    assert.match(body, /enctype="multipart\/form-data"/);
  });

  test('multipart report with photo: routed, published after e-mail confirmation, photo without metadata', async () => {
    const { cookie, csrf } = await anonForm();
    const jpeg = await jpegWithExif();
    const mp = multipart(
      {
        _csrf: csrf,
        category: 'schlagloch',
        description: 'Großes Schlagloch auf dem Radweg, gefährlich bei Dunkelheit',
        address: '',
        lat: String(HEIDENHEIM.lat).replace('.', ','),
        lon: String(HEIDENHEIM.lon),
        name: 'Max Geheim',
        email: 'max.geheim@example.org',
        homepage: '',
      },
      [{ name: 'photos', filename: 'loch.jpg', type: 'image/jpeg', data: jpeg }],
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': mp.contentType },
      payload: mp.payload,
    });
    assert.equal(res.statusCode, 303, res.body.slice(0, 500));
    // A point in Heidenheim goes to Heidenheim, though the form was Aalen's.
    assert.match(res.headers.location as string, /^\/heidenheim\/maengel\/danke\?nr=\d+&art=bestaetigen$/);
    const id = Number(/nr=(\d+)/.exec(res.headers.location as string)![1]);
    assert.equal(
      (await t.app.inject(`/heidenheim/maengel/${id}`)).statusCode,
      404,
      'not public before confirmation',
    );
    const mail = await one<{ text_body: string }>(
      t.database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = 'max.geheim@example.org' ORDER BY id DESC LIMIT 1`,
    );
    const link = /(\/heidenheim\/maengel\/\d+\/bestaetigen\?token=\S+)/.exec(mail!.text_body)![1]!;
    const confirmed = await t.app.inject(link);
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /bestätigt und jetzt öffentlich/);
    const page = await t.app.inject(`/heidenheim/maengel/${id}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Max Geheim|max\.geheim/);
    const img = /src="(\/heidenheim\/maengel\/\d+\/fotos\/\d+)"/.exec(page.body)![1]!;
    const photo = await t.app.inject(img);
    assert.equal(photo.statusCode, 200);
    assert.equal(photo.headers['content-type'], 'image/webp');
    const meta = await sharp(photo.rawPayload).metadata();
    assert.equal(meta.exif, undefined);
    assert.ok(!photo.rawPayload.includes(Buffer.from('SecretCam')));
  });

  test('errors re-render the form with 422: outside the region, bad image, missing place', async () => {
    const { cookie, csrf } = await anonForm();
    const base = {
      _csrf: csrf,
      category: 'muell',
      description: 'Müllsäcke neben dem Container',
      address: '',
      lat: '',
      lon: '',
    };
    const outside = multipart({ ...base, lat: String(STUTTGART.lat), lon: String(STUTTGART.lon) }, []);
    let res = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': outside.contentType },
      payload: outside.payload,
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /außerhalb/);
    assert.match(res.body, /kern-alert--danger/);
    const bad = multipart({ ...base, address: 'Marktplatz' }, [
      { name: 'photos', filename: 'x.jpg', type: 'image/jpeg', data: Buffer.from('kein Bild') },
    ]);
    res = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': bad.contentType },
      payload: bad.payload,
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /kein Bild/);
    res = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(base),
    });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /Geben Sie den Ort an/);
  });

  test('report without map (urlencoded, keyboard only) goes to review; honeypot drops bots', async () => {
    const { cookie, csrf } = await anonForm();
    const before = (await rows(t.database.db, sql`SELECT id FROM reports`)).length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({
        _csrf: csrf,
        category: 'strassenbeleuchtung',
        description: 'Laterne flackert seit Tagen',
        address: 'Gartenstraße 5, Aalen',
      }),
    });
    assert.equal(res.statusCode, 303);
    assert.match(res.headers.location as string, /art=pruefung/);
    const bot = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({
        _csrf: csrf,
        category: 'sonstiges',
        description: 'Buy cheap watches now!!!',
        address: 'x street',
        homepage: 'http://spam.example',
      }),
    });
    assert.equal(bot.statusCode, 303);
    assert.equal((await rows(t.database.db, sql`SELECT id FROM reports`)).length, before + 1);
  });

  test('CSRF: a form post without a valid token is refused', async () => {
    const { cookie } = await anonForm();
    const res = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({
        _csrf: 'forged',
        category: 'sonstiges',
        description: 'Irgendetwas kaputt hier',
        address: 'Marktplatz',
      }),
    });
    assert.equal(res.statusCode, 403);
    const mp = multipart(
      { category: 'sonstiges', description: 'Irgendetwas kaputt hier', address: 'Marktplatz' },
      [],
    );
    const res2 = await t.app.inject({
      method: 'POST',
      url: '/aalen/maengel/neu',
      headers: { cookie, 'content-type': mp.contentType },
      payload: mp.payload,
    });
    assert.equal(res2.statusCode, 403);
  });

  test('duplicate suggestion on the form (GET check without JS) and as JSON', async () => {
    const p = { lon: 10.11, lat: 48.83 };
    const c = await createReport(t.database.db, {
      fallbackCity: (await t.app.tenancy()).cities.find((x) => x.slug === 'aalen')!,
      categoryCode: 'graffiti',
      description: 'Graffiti an der Stützmauer',
      ...p,
      reporter: {},
      source: 'seed',
      trusted: true,
      baseUrl: '',
    });
    const res = await t.app.inject(`/aalen/maengel/neu?category=graffiti&lat=${p.lat + 0.0002}&lon=${p.lon}`);
    assert.match(res.body, /Schon gemeldet\?/);
    assert.match(res.body, new RegExp(`/aalen/maengel/${c.id}`));
    const json = await t.app.inject(
      `/aalen/maengel/in-der-naehe.json?kategorie=graffiti&lat=${p.lat}&lon=${p.lon}`,
    );
    assert.deepEqual(
      json.json().map((x: { id: number }) => x.id),
      [c.id],
    );
  });

  test('back office: triage to erledigt with audit and mail; reporter reopens; role isolation', async () => {
    const cities = (await t.app.tenancy()).cities;
    const aalen = cities.find((x) => x.slug === 'aalen')!;
    const heidenheim = cities.find((x) => x.slug === 'heidenheim')!;
    const c = await createReport(t.database.db, {
      fallbackCity: aalen,
      categoryCode: 'spielplatz',
      description: 'Rutsche hat eine scharfe Kante',
      ...AALEN,
      reporter: { email: 'eltern@example.org', name: 'Eva Eltern' },
      source: 'web',
      baseUrl: '',
    });
    const h = await createReport(t.database.db, {
      fallbackCity: heidenheim,
      categoryCode: 'spielplatz',
      description: 'Sandkasten voller Scherben',
      ...HEIDENHEIM,
      reporter: {},
      source: 'web',
      baseUrl: '',
    });
    const worker = await userAgent(t, [{ role: 'case_worker', city: 'aalen' }]);
    const queue = await t.app.inject({ url: '/admin/maengel', headers: { cookie: worker.cookie } });
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, new RegExp(`/admin/maengel/${c.id}"`));
    assert.doesNotMatch(queue.body, new RegExp(`/admin/maengel/${h.id}"`));
    const detail = await t.app.inject({ url: `/admin/maengel/${c.id}`, headers: { cookie: worker.cookie } });
    assert.equal(detail.statusCode, 200);
    assert.match(detail.body, /eltern@example\.org/, 'staff see the contact');
    const csrf = await csrfFrom(t.app, `/admin/maengel/${c.id}`, worker.cookie);
    const post = (url: string, data: Record<string, string>, cookie = worker.cookie) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: csrf, ...data }),
      });

    // Aalen case worker cannot change a Heidenheim report.
    assert.equal((await post(`/admin/maengel/${h.id}/status`, { status: 'bestaetigt' })).statusCode, 403);
    assert.equal(
      (await t.app.inject({ url: `/admin/maengel/${h.id}`, headers: { cookie: worker.cookie } })).statusCode,
      403,
    );
    // A citizen is no staff.
    const citizen = await userAgent(t, []);
    assert.equal(
      (await t.app.inject({ url: '/admin/maengel', headers: { cookie: citizen.cookie } })).statusCode,
      403,
    );
    // Rejection needs a reason.
    const rejected = await post(`/admin/maengel/${c.id}/status`, { status: 'abgelehnt', publicNote: '' });
    assert.equal(rejected.statusCode, 422);
    assert.match(rejected.body, /Grund der Ablehnung/);
    assert.equal((await post(`/admin/maengel/${c.id}/status`, { status: 'bestaetigt' })).statusCode, 303);
    assert.equal(
      (await post(`/admin/maengel/${c.id}/notiz`, { note: 'Bauhof informiert, Herr Maier' })).statusCode,
      303,
    );
    assert.equal(
      (
        await post(`/admin/maengel/${c.id}/status`, {
          status: 'erledigt',
          publicNote: 'Kante abgeschliffen.',
        })
      ).statusCode,
      303,
    );
    const r = await reportById(t.database.db, c.id);
    assert.equal(r!.status, 'erledigt');
    const audited = await rows<{ action: string }>(
      t.database.db,
      sql`SELECT action FROM audit_log WHERE entity_id = ${String(c.id)} ORDER BY id`,
    );
    assert.deepEqual(
      audited.map((a) => a.action),
      ['report.status', 'report.note', 'report.status'],
    );
    // Public page: history with public notes, no internal note, no personal data.
    const pub = await t.app.inject(`/aalen/maengel/${c.id}`);
    assert.match(pub.body, /Kante abgeschliffen/);
    assert.match(pub.body, /Vielen Dank für Ihre Meldung/, 'template used for an empty note');
    assert.doesNotMatch(pub.body, /Herr Maier|Eva Eltern|eltern@example/);
    // Reporter reopens with the link from the "erledigt" mail.
    const mail = await one<{ text_body: string }>(
      t.database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = 'eltern@example.org' AND subject LIKE '%erledigt%'`,
    );
    const link = /(\/aalen\/maengel\/\d+\/wieder-oeffnen\?token=\S+)/.exec(mail!.text_body)![1]!;
    const reopenPage = await t.app.inject(link);
    assert.equal(reopenPage.statusCode, 200);
    const rc = cookiesOf(reopenPage);
    const rcsrf = /name="_csrf" value="([^"]+)"/.exec(reopenPage.body)![1]!;
    const token = decodeURIComponent(/token=(\S+)/.exec(link)![1]!);
    const reopened = await t.app.inject({
      method: 'POST',
      url: `/aalen/maengel/${c.id}/wieder-oeffnen`,
      headers: { cookie: rc, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: rcsrf, token, reason: 'Die Kante ist immer noch scharf.' }),
    });
    assert.equal(reopened.statusCode, 303);
    assert.equal((await reportById(t.database.db, c.id))!.status, 'bestaetigt');
    // Statistics: counts and median times per category for the case worker's city.
    const stats = await t.app.inject({ url: '/admin/maengel/statistik', headers: { cookie: worker.cookie } });
    assert.equal(stats.statusCode, 200);
    assert.match(stats.body, /Spielplatz beschädigt/);
    assert.doesNotMatch(stats.body, /<td class="kern-table__cell">heidenheim<\/td>/);
    // The public list never shows personal data; the period filter works.
    const list = await t.app.inject('/aalen/maengel?zeitraum=7');
    assert.match(list.body, new RegExp(`/aalen/maengel/${c.id}"`));
    assert.doesNotMatch(list.body, /Eva Eltern|eltern@example/);
    // A moderator may look at the report (to hide text or photos) but sees no contact and cannot set a status.
    const mod = await userAgent(t, [{ role: 'moderator', city: 'aalen' }]);
    const modView = await t.app.inject({ url: `/admin/maengel/${c.id}`, headers: { cookie: mod.cookie } });
    assert.equal(modView.statusCode, 200);
    assert.doesNotMatch(modView.body, /eltern@example/);
    const modCsrf = await csrfFrom(t.app, '/', mod.cookie);
    const modPost = await t.app.inject({
      method: 'POST',
      url: `/admin/maengel/${c.id}/status`,
      headers: { cookie: mod.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: modCsrf, status: 'erledigt' }),
    });
    assert.equal(modPost.statusCode, 403);
    // Someone without the token cannot reopen.
    assert.equal((await t.app.inject(`/aalen/maengel/${c.id}/wieder-oeffnen?token=falsch`)).statusCode, 403);
  });

  test('moderation: hidden photo is not served publicly', async () => {
    const aalen = (await t.app.tenancy()).cities.find((x) => x.slug === 'aalen')!;
    const c = await createReport(t.database.db, {
      fallbackCity: aalen,
      categoryCode: 'graffiti',
      description: 'Schmiererei mit Beleidigung',
      ...AALEN,
      photos: [await jpegWithExif()],
      reporter: {},
      source: 'web',
      trusted: true,
      baseUrl: '',
    });
    const photo = await one<{ id: number }>(
      t.database.db,
      sql`SELECT id::int AS id FROM report_photos WHERE report_id = ${c.id}`,
    );
    const url = `/aalen/maengel/${c.id}/fotos/${photo!.id}`;
    assert.equal((await t.app.inject(url)).statusCode, 200);
    const mod = await userAgent(t, [{ role: 'moderator', city: 'aalen' }]);
    const csrf = await csrfFrom(t.app, '/', mod.cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: `/admin/maengel/${c.id}/fotos/${photo!.id}`,
      headers: { cookie: mod.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: csrf, hidden: 'true' }),
    });
    assert.equal(res.statusCode, 303);
    assert.equal((await t.app.inject(url)).statusCode, 404);
    assert.doesNotMatch(
      (await t.app.inject(`/aalen/maengel/${c.id}`)).body,
      new RegExp(`fotos/${photo!.id}`),
    );
  });
});

describe('Mängelmelder rate limit', () => {
  let t: TestApp;
  before(async () => {
    const base = (await import('../../config.ts')).loadConfig(
      { ...process.env, DATABASE_URL: '' },
      { secret: 'test-secret-test-secret-test-secret-123' },
    );
    t = await testApp({ rateLimit: { ...base.rateLimit, writesPerMinute: 2 } });
    await seedCategories(t.database.db);
  });
  after(async () => t.close());

  test('too many reports from one client in a minute get 429 with a readable message', async () => {
    const res0 = await t.app.inject('/aalen/maengel/neu');
    const cookie = cookiesOf(res0);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(res0.body)![1]!;
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: '/aalen/maengel/neu',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({
          _csrf: csrf,
          category: 'sonstiges',
          description: 'Bank am Spielplatz kaputt',
          address: 'Stadtgarten',
        }),
      });
    assert.equal((await send()).statusCode, 303);
    assert.equal((await send()).statusCode, 303);
    const third = await send();
    assert.equal(third.statusCode, 429);
    assert.match(third.body, /Zu viele Anfragen/);
  });
});
