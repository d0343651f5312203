import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seedBonus } from '../../src/modules/bonus/seed.ts';
import { seedCategories } from '../../src/modules/reports/service.ts';
import { clearEmergency, deviceKey, getStele, publishEmergency } from '../../src/modules/signage/service.ts';
import { sessionUser, sha256 } from '../../src/platform/auth/service.ts';
import { one, sql } from '../../src/platform/db/index.ts';
import { cityId, userAgent } from '../helpers.ts';
import { assertAccessible, type E2E, skipReason, startE2E, TIMEOUT } from './support.ts';

/** Steles and kiosk terminals in a real browser: rotation, live emergency, offline cache, idle reset. */
describe('signage in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let context: BrowserContext;
  let displayUrl: string;
  let aalen: number;

  before(async () => {
    e = await startE2E();
    await seedCategories(e.t.database.db);
    await seedBonus(e.t.database.db);
    aalen = await cityId(e.t.database, 'aalen');
    const place = await one<{ id: number }>(
      e.t.database.db,
      sql`SELECT id FROM bonus_places WHERE city_id = ${aalen} AND code_kind = 'rotating' LIMIT 1`,
    );
    const stele = await one<{ id: number }>(
      e.t.database.db,
      sql`INSERT INTO signage_steles (city_id, name, place, location, orientation, width, height, bonus_place_id)
          VALUES (${aalen}, 'Browserstele', 'Marktplatz', ST_SetSRID(ST_MakePoint(10.0933, 48.8372), 4326),
            'portrait', 1080, 1920, ${place?.id ?? null}) RETURNING id`,
    );
    // Two short slides to watch the rotation, then the real kinds (for axe on each of them).
    const slides: [string, string, string, number][] = [
      ['message', 'Erste Folie', 'Willkommen auf dem Marktplatz.', 60],
      ['message', 'Zweite Folie', 'Heute ist Markttag.', 60],
      ['checkin', '', '', 60],
      ['offers', '', '', 60],
      ['sensors', '', '', 60],
      ['events', '', '', 60],
    ];
    for (const [i, [kind, title, body, duration]] of slides.entries()) {
      await e.t.database.db.execute(sql`INSERT INTO signage_slides (stele_id, position, kind, title, body, duration_seconds)
        VALUES (${stele!.id}, ${i + 1}, ${kind}, ${title}, ${body}, ${duration})`);
    }
    const row = (await getStele(e.t.database.db, stele!.id))!;
    displayUrl = `${e.origin}/display/${row.id}?key=${deviceKey(e.t.config.secret, row)}`;
    context = await e.context({ viewport: { width: 540, height: 960 } });
  });
  after(async () => e?.close());

  /** An Aalen admin as the service functions see one (publishing as the admin page would). */
  async function cityAdmin() {
    const admin = await userAgent(e.t, [{ role: 'admin', city: 'aalen' }]);
    return sessionUser(e.t.database.db, sha256(admin.cookie.split('=')[1]!));
  }

  const visibleSlide = (p: Page) =>
    p.evaluate(
      () =>
        document.querySelector<HTMLElement>('section.sd-slide:not([hidden]) h2')?.textContent?.trim() ?? '',
    );

  test('the stele rotates its slides; each slide kind passes axe; the pause button stops rotation', async () => {
    const p = await context.newPage();
    // The page's timers run on a controlled clock: each runFor(60 s) moves exactly one slide on (the
    // slides last 60 s; the few real seconds axe takes in between never reach that).
    await p.clock.install();
    const res = await p.goto(displayUrl);
    assert.equal(res?.status(), 200);
    assert.equal(await visibleSlide(p), 'Erste Folie');
    await assertAccessible(p, 'stele: message slide');
    await p.clock.runFor(60_000);
    assert.equal(await visibleSlide(p), 'Zweite Folie');
    assert.match(
      await p.locator('section.sd-slide:not([hidden]) .sd-slide__count').innerText(),
      /Seite 2 von 6/,
    );
    // The other kinds, one by one.
    for (const title of ['Stadttaler sammeln', 'In der Nähe', 'Stadtdaten jetzt']) {
      await p.clock.runFor(60_000);
      assert.equal(await visibleSlide(p), title);
      await assertAccessible(p, `stele: ${title}`);
    }
    // Sensors are not wired in this tree: a clear "no data" text, never invented values.
    assert.match(await p.locator('section.sd-slide:not([hidden])').innerText(), /keine Messwerte/);
    // The check-in slide carries a QR code for the bonus check-in URL of its place.
    assert.match(
      (await p.locator('.sd-slide--checkin .sd-qr').getAttribute('aria-label')) ?? '',
      /QR-Code zum Einchecken/,
    );
    await p.click('#sd-pause');
    assert.equal(await p.getAttribute('#sd-pause', 'aria-pressed'), 'true');
    const held = await visibleSlide(p);
    await p.clock.runFor(120_000);
    assert.equal(await visibleSlide(p), held, 'paused: no rotation');
    await p.click('#sd-pause');
    await p.clock.runFor(60_000);
    assert.notEqual(await visibleSlide(p), held, 'rotating again');
    assert.equal(e.thirdParty.length, 0, `no requests to other hosts: ${e.thirdParty.join(', ')}`);
    await p.close();
  });

  test('an emergency message appears within 5 s over SSE and goes away when cleared', async () => {
    const p = await context.newPage();
    await p.goto(displayUrl);
    // Wait until the event stream is open (the first event arrives on connect).
    await p.waitForFunction(() => !document.querySelector('#sd')?.classList.contains('sd--offline'));
    await p.waitForTimeout(500);
    const current = await cityAdmin();
    const started = Date.now();
    await publishEmergency(e.t.database, current, aalen, {
      title: 'Sturmwarnung',
      body: 'Bitte meiden Sie den Stadtgarten.',
      minutes: 60,
    });
    await p.locator('#sd-emergency').waitFor({ state: 'visible', timeout: 5000 });
    const ms = Date.now() - started;
    assert.ok(ms < 5000, `shown after ${ms} ms`);
    assert.equal((await p.locator('#sd-emergency-title').innerText()).trim(), 'Sturmwarnung');
    assert.match(
      await p.locator('#sd-emergency').innerText(),
      /Wichtige Warnmeldung/i,
      'said in words, not only colour',
    );
    await assertAccessible(p, 'stele with emergency message');
    await clearEmergency(e.t.database, current, aalen);
    await p.locator('#sd-emergency').waitFor({ state: 'hidden', timeout: 5000 });
    await p.close();
  });

  test('with the server stopped the stele keeps its content (also after a reload) and recovers by itself', async () => {
    const p = await context.newPage();
    await p.goto(displayUrl);
    // The service worker controls the page and has cached it (page, playlist, CSS, script).
    await p.waitForFunction(
      async () => {
        const cache = await caches.open('sp-display-v1');
        const keys = await cache.keys();
        return (
          navigator.serviceWorker.controller !== null ||
          keys.some((k) => new URL(k.url).pathname.includes('/playlist'))
        );
      },
      undefined,
      { timeout: 15000 },
    );
    await p.waitForFunction(
      async () => {
        const cache = await caches.open('sp-display-v1');
        const urls = (await cache.keys()).map((k) => new URL(k.url).pathname);
        return urls.some((u) => /^\/display\/\d+$/.test(u)) && urls.some((u) => u.endsWith('.css'));
      },
      undefined,
      { timeout: 15000 },
    );
    const server = e.t.app.server;
    const port = Number(new URL(e.origin).port);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    try {
      await p.waitForFunction(
        () => document.querySelector('#sd')?.classList.contains('sd--offline'),
        undefined,
        {
          timeout: 15000,
        },
      );
      assert.ok((await visibleSlide(p)).length > 0, 'a slide is still on screen');
      assert.match(await p.locator('#sd-status').innerText(), /Keine Verbindung/);
      // A power cut while the server is away: the page comes back from the service worker's cache.
      const res = await p.reload();
      assert.equal(res?.status(), 200);
      assert.ok((await visibleSlide(p)).length > 0, 'content after reload without server');
      assert.ok(await p.locator('link[rel=stylesheet]').count());
      assert.equal(
        await p.evaluate(() => getComputedStyle(document.body).cursor),
        'none',
        'the cached stylesheet applies',
      );
    } finally {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    }
    // Back online: the page reconnects by itself and gets live events again.
    await p.waitForFunction(
      () => !document.querySelector('#sd')?.classList.contains('sd--offline'),
      undefined,
      {
        timeout: 20000,
      },
    );
    const user = await cityAdmin();
    await p.waitForTimeout(500);
    await publishEmergency(e.t.database, user, aalen, { title: 'Wieder verbunden', body: '', minutes: 0 });
    await p.locator('#sd-emergency').waitFor({ state: 'visible', timeout: 10000 });
    assert.equal((await p.locator('#sd-emergency-title').innerText()).trim(), 'Wieder verbunden');
    await clearEmergency(e.t.database, user, aalen);
    await p.close();
  });

  test('kiosk: touch targets ≥ 48 px, axe-clean, idle reset clears a half-filled report form', async () => {
    const kiosk = await e.context({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
    const p = await kiosk.newPage();
    await p.clock.install();
    let res = await p.goto(`${e.origin}/kiosk/aalen`);
    assert.equal(res?.status(), 200);
    await assertAccessible(p, 'kiosk start');
    const small = await p.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('main a, main button, header a, header button')]
        .map((el) => {
          const r = el.getBoundingClientRect();
          return { text: el.textContent?.trim() ?? '', w: r.width, h: r.height };
        })
        .filter((r) => r.w < 48 || r.h < 48),
    );
    assert.deepEqual(small, [], 'every target at least 48 × 48 px');
    res = await p.goto(`${e.origin}/kiosk/aalen/angebote?q=Personalausweis`);
    assert.equal(res?.status(), 200);
    await assertAccessible(p, 'kiosk search');
    const first = p.locator('a.sk-card').first();
    if (await first.count()) {
      await first.click();
      await assertAccessible(p, 'kiosk offer');
      const external = await p.evaluate(() =>
        [...document.querySelectorAll('a[href]')]
          .map((a) => a.getAttribute('href')!)
          .filter((h) => !h.startsWith('/') && !h.startsWith('#')),
      );
      assert.deepEqual(external, [], 'no links leaving the platform');
    }
    await p.goto(`${e.origin}/kiosk/aalen/maengel`);
    await assertAccessible(p, 'kiosk report form');
    await p.fill('#f-description', 'Die Bank am Spielplatz ist kaputt.');
    await p.fill('#f-email', 'person@example.org');
    // Default idle time 90 s: the warning comes 20 s before the reset.
    await p.clock.fastForward(71_000);
    await p.locator('#sk-idle').waitFor({ state: 'visible' });
    await assertAccessible(p, 'kiosk idle warning');
    await p.clock.fastForward(21_000);
    await p.waitForURL((u) => u.pathname === '/kiosk/aalen');
    await p.goto(`${e.origin}/kiosk/aalen/maengel`);
    assert.equal(await p.inputValue('#f-description'), '', 'the description is gone');
    assert.equal(await p.inputValue('#f-email'), '', 'the e-mail address is gone');
    // Browser back must not bring the entries back either.
    await p.goBack();
    await p.goBack().catch(() => {});
    const fields = await p.locator('#f-description').count();
    if (fields) assert.equal(await p.inputValue('#f-description'), '');
    await p.close();
  });

  test('a touch resets the idle timer; "keep using" keeps the entries', async () => {
    const kiosk = await e.context({ viewport: { width: 1080, height: 1920 } });
    const p = await kiosk.newPage();
    await p.clock.install();
    await p.goto(`${e.origin}/kiosk/aalen/maengel`);
    await p.fill('#f-description', 'Schlagloch in der Bahnhofstraße.');
    await p.clock.fastForward(71_000);
    await p.locator('#sk-idle').waitFor({ state: 'visible' });
    await p.click('#sk-idle-stay');
    await p.locator('#sk-idle').waitFor({ state: 'hidden' });
    await p.clock.fastForward(30_000);
    assert.equal(new URL(p.url()).pathname, '/kiosk/aalen/maengel');
    assert.equal(await p.inputValue('#f-description'), 'Schlagloch in der Bahnhofstraße.');
    await p.close();
  });

  test('admin: stele list and detail with preview pass axe', async () => {
    const admin = await userAgent(e.t, [{ role: 'admin', city: 'aalen' }]);
    const [name, value] = admin.cookie.split('=') as [string, string];
    const c = await e.context();
    await c.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
    const p = await c.newPage();
    const res = await p.goto(`${e.origin}/admin/stelen`);
    assert.equal(res?.status(), 200);
    await assertAccessible(p, 'admin steles');
    await p.click('text=Browserstele');
    await assertAccessible(p, 'admin stele detail');
    await p.close();
  });
});
