import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { cityId, cookiesOf, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { one, rows, sql } from '../../platform/db/index.ts';
import { seedCategories } from '../reports/service.ts';
import { seedSensors } from '../sensors/seed.ts';
import { latestValues, updateDatastreamSettings } from '../sensors/service.ts';
import { sensorReadings } from './playlist.ts';
import { isActiveAt } from './schedule.ts';
import { seedSignage } from './seed.ts';
import {
  deviceKey,
  getStele,
  OFFLINE_AFTER_SECONDS,
  steleStatus,
  validateSlide,
  validateStele,
} from './service.ts';

/** Opens an SSE stream and resolves events as they come; close() ends it. */
function stream(url: string) {
  const events: { event: string; data: string }[] = [];
  const waiters: (() => void)[] = [];
  let res: http.IncomingMessage | undefined;
  const req = http.get(url, (r) => {
    res = r;
    let buffer = '';
    r.setEncoding('utf8');
    r.on('data', (chunk: string) => {
      buffer += chunk;
      let at = buffer.indexOf('\n\n');
      while (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ?? '' });
        for (const w of waiters.splice(0)) w();
        at = buffer.indexOf('\n\n');
      }
    });
    r.on('end', () => {
      for (const w of waiters.splice(0)) w();
    });
  });
  req.on('error', () => {});
  return {
    events,
    status: () => res?.statusCode,
    async next(predicate: (e: { event: string; data: string }) => boolean) {
      for (;;) {
        const hit = events.find(predicate);
        if (hit) return hit;
        if (res?.complete) throw new Error('stream ended');
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => req.destroy(),
  };
}

describe('signage: steles, playlists, emergency messages, heartbeat, kiosk', () => {
  let t: TestApp;
  let origin: string;
  let aalen: number;
  let heidenheim: number;
  let steleId: number;
  let key: string;

  before(async () => {
    t = await testApp();
    await seedCategories(t.database.db);
    aalen = await cityId(t.database, 'aalen');
    heidenheim = await cityId(t.database, 'heidenheim');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  after(async () => t.close());

  test('an admin registers a stele by form; the detail page shows its secret device URL', async () => {
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/admin/stelen/neu',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({
        _csrf: admin.csrf,
        city: 'aalen',
        name: 'X',
        orientation: 'portrait',
        resolution: '1920x1080',
      }),
    });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Es gibt ein Problem/);
    assert.match(bad.body, /Im Hochformat ist die Breite kleiner/);
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/stelen/neu',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({
        _csrf: admin.csrf,
        city: 'aalen',
        name: 'Teststele Rathaus',
        place: 'Rathaus',
        lat: '48.8374',
        lon: '10.0934',
        orientation: 'portrait',
        resolution: '1080x1920',
      }),
    });
    assert.equal(res.statusCode, 303);
    steleId = Number(/\/admin\/stelen\/(\d+)/.exec(res.headers.location as string)![1]);
    const page = await t.app.inject({ url: `/admin/stelen/${steleId}`, headers: { cookie: admin.cookie } });
    assert.equal(page.statusCode, 200);
    const url = /\/display\/(\d+)\?key=([A-Za-z0-9_-]+)/.exec(page.body);
    assert.ok(url, 'device URL shown');
    key = url[2]!;
    const audit = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'signage.stele.create' AND entity_id = ${String(steleId)}`,
    );
    assert.equal(audit?.n, 1);
  });

  test('the device URL needs the right secret: wrong or missing key → 404, like an unknown id', async () => {
    for (const url of [
      `/display/${steleId}`,
      `/display/${steleId}?key=${'A'.repeat(32)}`,
      `/display/${steleId}?key=${key.slice(0, -1)}`,
      `/display/999999?key=${key}`,
      `/display/${steleId}/playlist?key=wrong`,
      `/display/${steleId}/events?key=wrong`,
    ]) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /Teststele/);
    }
    const ok = await t.app.inject(`/display/${steleId}?key=${key}`);
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /Teststele Rathaus/);
    assert.equal(ok.headers['cache-control'], 'no-store');
    assert.doesNotMatch(ok.body, /<script(?![^>]*src=)[^>]*>/, 'no inline scripts');
    const hb = await t.app.inject({
      method: 'POST',
      url: `/display/${steleId}/heartbeat?key=nope`,
      payload: { slideId: null, emergencyId: null },
    });
    assert.equal(hb.statusCode, 404);
  });

  test('roles: an editor builds the playlist, only admins register or send warnings; other cities 403', async () => {
    const editor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    const foreign = await userAgent(t, [{ role: 'admin', city: 'heidenheim' }]);
    const post = (agent: typeof editor, url: string, data: Record<string, string | string[]>) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: agent.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: agent.csrf, ...data }),
      });
    const slide = {
      kind: 'message',
      title: 'Hallo Aalen',
      body: 'Testmitteilung',
      duration: '10',
      weekdays: ['0', '1', '2', '3', '4', '5', '6'],
      enabled: 'on',
    };
    assert.equal((await post(foreign, `/admin/stelen/${steleId}/folien`, slide)).statusCode, 403);
    assert.equal((await post(editor, `/admin/stelen/${steleId}/folien`, slide)).statusCode, 303);
    assert.equal(
      (await post(editor, `/admin/stelen/${steleId}/folien`, { ...slide, kind: 'events', duration: '15' }))
        .statusCode,
      303,
    );
    const invalid = await post(editor, `/admin/stelen/${steleId}/folien`, {
      ...slide,
      duration: '2',
      timeFrom: '12:00',
      timeTo: '08:00',
    });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /5 bis 300 Sekunden/);
    assert.match(invalid.body, /Beginn muss vor dem Ende/);
    // A check-in slide needs a bonus place on the stele.
    const checkin = await post(editor, `/admin/stelen/${steleId}/folien`, { ...slide, kind: 'checkin' });
    assert.equal(checkin.statusCode, 422);
    assert.equal(
      (await post(editor, '/admin/stelen/notfall', { city: 'aalen', 'title-aalen': 'Test' })).statusCode,
      403,
    );
    assert.equal((await post(editor, '/admin/stelen/neu', { city: 'aalen', name: 'Stele' })).statusCode, 403);
    const foreignView = await t.app.inject({
      url: `/admin/stelen/${steleId}`,
      headers: { cookie: foreign.cookie },
    });
    assert.equal(foreignView.statusCode, 403);
    // Editors see the playlist but not the secret device URL.
    const editorView = await t.app.inject({
      url: `/admin/stelen/${steleId}`,
      headers: { cookie: editor.cookie },
    });
    assert.equal(editorView.statusCode, 200);
    assert.doesNotMatch(editorView.body, /\?key=/);
    assert.match(editorView.body, /Hallo Aalen/);
  });

  test('playlist JSON: slides rendered to HTML, message text escaped, phone QR as inline SVG', async () => {
    const res = await t.app.inject(`/display/${steleId}/playlist?key=${key}`);
    assert.equal(res.statusCode, 200);
    const p = res.json() as {
      slides: { kind: string; html: string; duration: number }[];
      emergency: unknown;
    };
    assert.equal(p.emergency, null);
    assert.deepEqual(
      p.slides.map((s) => s.kind),
      ['message', 'events'],
    );
    assert.match(p.slides[1]!.html, /<svg[^>]*viewBox/);
    assert.match(p.slides[1]!.html, /aria-label="QR-Code zu http[^"]*\/aalen\/veranstaltungen"/);
  });

  test("sensor tiles show the city's current readings, simulated ones marked, crossed thresholds in words", async () => {
    assert.deepEqual(await sensorReadings(t.database.db, aalen), []);
    await seedSensors(t.database.db);
    const values = (await latestValues(t.database.db, aalen)).filter((v) => typeof v.value === 'number');
    const hot = values[0]!;
    await updateDatastreamSettings(t.database.db, hot.id, {
      kind: hot.kind,
      thresholdValue: (hot.value as number) - 1,
      thresholdDirection: 'above',
      thresholdMessage: 'Testwarnung: Wert zu hoch',
    });
    const readings = await sensorReadings(t.database.db, aalen);
    assert.ok(readings.length > 0 && readings.length <= 6);
    assert.ok(readings.every((r) => r.simulated && r.observedAt instanceof Date && r.value !== ''));
    assert.equal(readings[0]!.warning, 'Testwarnung: Wert zu hoch', 'warnings come first');
    assert.ok(readings.slice(1).every((r) => r.warning === null));
    assert.ok(!(await sensorReadings(t.database.db, heidenheim)).some((r) => r.warning));
  });

  test('heartbeat marks the stele online with what it shows; silence means offline', async () => {
    const stele = (await getStele(t.database.db, steleId))!;
    assert.equal(steleStatus(stele), 'never');
    const slide = await one<{ id: number }>(
      t.database.db,
      sql`SELECT id FROM signage_slides WHERE stele_id = ${steleId} ORDER BY position LIMIT 1`,
    );
    const hb = await t.app.inject({
      method: 'POST',
      url: `/display/${steleId}/heartbeat?key=${key}`,
      payload: { slideId: slide!.id, emergencyId: null },
    });
    assert.equal(hb.statusCode, 204);
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const api = await t.app.inject({ url: '/api/v1/signage/steles', headers: { cookie: admin.cookie } });
    const mine = (api.json() as { id: number; status: string; showingSlideId: number }[]).find(
      (s) => s.id === steleId,
    )!;
    assert.equal(mine.status, 'online');
    assert.equal(mine.showingSlideId, slide!.id);
    const page = await t.app.inject({ url: `/admin/stelen/${steleId}`, headers: { cookie: admin.cookie } });
    assert.match(page.body, /● Online/);
    assert.match(page.body, /class="sd-frame"[\s\S]*Hallo Aalen/, 'preview renders the reported slide');
    // No heartbeat for longer than the offline threshold.
    await t.database.db.execute(
      sql`UPDATE signage_steles SET last_seen_at = now() - make_interval(secs => ${OFFLINE_AFTER_SECONDS + 5}) WHERE id = ${steleId}`,
    );
    assert.equal(steleStatus((await getStele(t.database.db, steleId))!), 'offline');
    const later = await t.app.inject({ url: '/admin/stelen', headers: { cookie: admin.cookie } });
    assert.match(later.body, /○ Offline/);
    const anonymous = await t.app.inject('/api/v1/signage/steles');
    assert.equal(anonymous.statusCode, 401);
  });

  test('emergency message reaches connected steles of the city over SSE, not other cities; clearing ends it', async () => {
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const other = await t.app.inject({
      method: 'POST',
      url: '/admin/stelen/neu',
      headers: {
        cookie: (await userAgent(t, [{ role: 'admin', city: null }])).cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: '',
    });
    assert.equal(other.statusCode, 403, 'form post without CSRF token');
    const h = await one<{ id: number; key_version: number }>(
      t.database.db,
      sql`INSERT INTO signage_steles (city_id, name, orientation, width, height) VALUES (${heidenheim}, 'Stele HDH', 'landscape', 1920, 1080) RETURNING id, key_version`,
    );
    const aalenStream = stream(`${origin}/display/${steleId}/events?key=${key}`);
    const hdhStream = stream(`${origin}/display/${h!.id}/events?key=${deviceKey(t.config.secret, h!)}`);
    try {
      await aalenStream.next((e) => e.event === 'emergency' && e.data === 'null');
      await hdhStream.next((e) => e.event === 'emergency');
      assert.equal(aalenStream.status(), 200);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/signage/emergencies',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        payload: { city: 'aalen', title: 'Unwetterwarnung', body: 'Bitte Gebäude aufsuchen.', minutes: 60 },
      });
      assert.equal(res.statusCode, 201, res.body);
      const got = await aalenStream.next(
        (e) => e.event === 'emergency' && e.data.includes('Unwetterwarnung'),
      );
      assert.equal((JSON.parse(got.data) as { body: string }).body, 'Bitte Gebäude aufsuchen.');
      // A freshly loaded page shows it too (the server renders the overlay).
      const page = await t.app.inject(`/display/${steleId}?key=${key}`);
      assert.match(page.body, /Unwetterwarnung/);
      const foreign = await t.app.inject({
        method: 'POST',
        url: '/api/v1/signage/emergencies',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
        payload: { city: 'heidenheim', title: 'Nicht erlaubt' },
      });
      assert.equal(foreign.statusCode, 403);
      const cleared = await t.app.inject({
        method: 'DELETE',
        url: '/api/v1/signage/emergencies/aalen',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      });
      assert.equal(cleared.statusCode, 204);
      await aalenStream.next(
        (e) => e.event === 'emergency' && e.data === 'null' && aalenStream.events.indexOf(e) > 0,
      );
      assert.equal(
        hdhStream.events.filter((e) => e.data.includes('Unwetterwarnung')).length,
        0,
        'Heidenheim steles do not get Aalen warnings',
      );
      const audit = await rows<{ action: string }>(
        t.database.db,
        sql`SELECT action FROM audit_log WHERE action LIKE 'signage.emergency.%' ORDER BY id`,
      );
      assert.deepEqual(
        audit.map((a) => a.action),
        ['signage.emergency.publish', 'signage.emergency.clear'],
      );
    } finally {
      aalenStream.close();
      hdhStream.close();
    }
  });

  test('a new device key ends the old URL and its open stream', async () => {
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const s = stream(`${origin}/display/${steleId}/events?key=${key}`);
    try {
      await s.next((e) => e.event === 'emergency');
      const res = await t.app.inject({
        method: 'POST',
        url: `/admin/stelen/${steleId}/schluessel`,
        headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: admin.csrf }),
      });
      assert.equal(res.statusCode, 303);
      await s.next((e) => e.event === 'revoked');
      assert.equal((await t.app.inject(`/display/${steleId}?key=${key}`)).statusCode, 404);
      const fresh = deviceKey(t.config.secret, (await getStele(t.database.db, steleId))!);
      key = fresh;
      assert.equal((await t.app.inject(`/display/${steleId}?key=${fresh}`)).statusCode, 200);
    } finally {
      s.close();
    }
  });

  test('time windows and weekdays (Europe/Berlin)', () => {
    // Wednesday 2026-11-25, 07:30 in Berlin (UTC+1).
    const wedMorning = new Date('2026-11-25T06:30:00Z');
    const mornings = { weekdays: 127, from: '06:00', to: '11:00' };
    assert.equal(isActiveAt(mornings, wedMorning), true);
    assert.equal(isActiveAt(mornings, new Date('2026-11-25T10:00:00Z')), false, '11:00 is the exclusive end');
    assert.equal(isActiveAt({ weekdays: 1, from: null, to: null }, wedMorning), false, 'Mondays only');
    assert.equal(isActiveAt({ weekdays: 4, from: null, to: null }, wedMorning), true, 'Wednesdays');
    // Summer time: 2026-07-01 05:30Z is 07:30 in Berlin.
    assert.equal(isActiveAt(mornings, new Date('2026-07-01T05:30:00Z')), true);
  });

  test('validation messages a person understands', () => {
    const s = validateSlide({ kind: 'nope', duration: 'x', weekdays: [], link: 'javascript:alert(1)' });
    assert.ok(s.errors.kind && s.errors.duration && s.errors.weekdays && s.errors.link);
    assert.equal(
      validateSlide({ kind: 'news', duration: '10', weekdays: '0', link: '//evil.example' }).errors.link !==
        undefined,
      true,
    );
    const ok = validateSlide({
      kind: 'news',
      duration: '10',
      weekdays: ['0', '6'],
      link: '/aalen/aktuelles',
    });
    assert.deepEqual(ok.errors, {});
    assert.equal(ok.values.weekdays, 1 | 64);
    const st = validateStele(
      { name: 'Stele', orientation: 'landscape', resolution: '1920x1080', bonusPlaceId: '4711' },
      aalen,
      [],
    );
    assert.ok(st.errors.bonusPlaceId);
  });

  test('demo seed: two steles per city with playlists, idempotent', async () => {
    const first = await seedSignage(t.database.db);
    assert.equal(first.steles, 4);
    assert.equal((await seedSignage(t.database.db)).steles, 0);
    const perCity = await rows<{ city_id: number; n: number; slides: number }>(
      t.database.db,
      sql`SELECT s.city_id, count(DISTINCT s.id)::int AS n, count(sl.id)::int AS slides FROM signage_steles s
          JOIN signage_slides sl ON sl.stele_id = s.id WHERE s.name LIKE '%(Demo)' GROUP BY s.city_id ORDER BY s.city_id`,
    );
    assert.deepEqual(
      perCity.map((r) => r.n),
      [2, 2],
    );
    assert.ok(perCity.every((r) => r.slides >= 6));
  });

  test('kiosk: start page, search, offer without external links, defect report without login', async () => {
    const start = await t.app.inject('/kiosk/aalen');
    assert.equal(start.statusCode, 200);
    assert.match(start.body, /data-idle-seconds="90"/);
    const hrefs = [...start.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(
      hrefs.every((h) => h.startsWith('/') || h.startsWith('#')),
      `only own links: ${hrefs.join(' ')}`,
    );
    assert.equal((await t.app.inject('/kiosk/atlantis')).statusCode, 404);

    const empty = await t.app.inject('/kiosk/aalen/maengel');
    const cookie = cookiesOf(empty);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(empty.body)![1]!;
    const post = (data: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/kiosk/aalen/maengel',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ _csrf: csrf, ...data }),
      });
    const bad = await post({ category: '', description: 'kurz', address: '' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Es gibt ein Problem/);
    assert.match(bad.body, /mindestens 10 Zeichen/);
    const category = /<option value="([a-z0-9_-]+)"/.exec(empty.body)![1]!;
    const good = await post({
      category,
      description: 'Die Straßenlaterne vor dem Rathaus ist dunkel.',
      address: 'Marktplatz 30',
    });
    assert.equal(good.statusCode, 200, good.body.slice(0, 300));
    assert.match(good.body, /Meldung Nr\. \d+/);
    const report = await one<{ source: string; reporter_email: string | null }>(
      t.database.db,
      sql`SELECT source, reporter_email FROM reports ORDER BY id DESC LIMIT 1`,
    );
    assert.equal(report?.reporter_email, null);

    // Idle time is configurable per city by its admin.
    const admin = await userAgent(t, [{ role: 'admin', city: 'aalen' }]);
    const set = await t.app.inject({
      method: 'POST',
      url: '/admin/stelen/kiosk',
      headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: admin.csrf, city: 'aalen', 'idle-aalen': '45' }),
    });
    assert.equal(set.statusCode, 303);
    assert.match((await t.app.inject('/kiosk/aalen')).body, /data-idle-seconds="45"/);
  });

  test('app.close() ends open event streams instead of hanging', async () => {
    // Covered by after(): t.close() with a stream still open must return.
    const s = stream(`${origin}/display/${steleId}/events?key=${key}`);
    await s.next((e) => e.event === 'emergency');
    assert.equal(aalen > 0, true);
  });
});
