import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seedBonus } from '../../src/modules/bonus/seed.ts';
import { seedContent } from '../../src/modules/content/seed.ts';
import { upcomingEvents } from '../../src/modules/content/service.ts';
import { one, rows, sql } from '../../src/platform/db/index.ts';
import { cityId, userAgent } from '../helpers.ts';
import {
  assertAccessible,
  assertNoHorizontalScroll,
  type E2E,
  skipReason,
  startE2E,
  TIMEOUT,
  tab,
} from './support.ts';

/** News, events and campaigns in a real browser: axe, registration with waitlist, scheduling a news item. */
describe('news, events and campaigns in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  /** The demo's "Radtour" in Aalen: registration with 3 places. */
  let tourPath: string;
  let newsPath: string;

  before(async () => {
    e = await startE2E();
    await seedBonus(e.t.database.db);
    await seedContent(e.t.database.db);
    const events = await upcomingEvents(e.t.database.db, {
      cityId: await cityId(e.t.database, 'aalen'),
      limit: 50,
    });
    tourPath = events.find((x) => x.title.startsWith('Radtour'))!.url;
    newsPath = '/aalen/aktuelles/klimawoche-programm-steht';
    context = await e.context();
    page = await context.newPage();
  });
  after(async () => e?.close());

  async function open(p: Page, path: string, status = 200) {
    const res = await p.goto(e.origin + path);
    assert.equal(res?.status(), status, `${path} answers ${status}`);
  }

  for (const [name, path] of [
    ['news list', () => '/aalen/aktuelles'],
    ['news item', () => newsPath],
    ['event list', () => '/aalen/veranstaltungen'],
    ['event calendar', () => '/heidenheim/veranstaltungen?ansicht=kalender'],
    ['event map', () => '/veranstaltungen?ansicht=karte'],
    ['event page', () => tourPath],
    ['campaign page', () => '/aalen/aktionen/klimawoche'],
    ['English event list', () => '/en/heidenheim/veranstaltungen'],
  ] as const) {
    test(`axe: no violations on the ${name}, wide and at 320 px`, async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await open(page, path());
      await assertAccessible(page, name);
      await page.setViewportSize({ width: 320, height: 640 });
      try {
        await assertNoHorizontalScroll(page, name);
        await assertAccessible(page, `${name} at 320 px`);
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });
  }

  test('keyboard only: register for an event until it is full, then join the waiting list', async () => {
    const p = await context.newPage();
    const register = async (name: string, email: string, seats: string) => {
      await open(p, tourPath);
      await p.locator('#f-name').focus();
      await p.keyboard.type(name);
      await tab(p);
      await p.keyboard.type(email);
      await tab(p);
      await p.keyboard.press('Control+A');
      await p.keyboard.type(seats);
      await tab(p);
      await Promise.all([p.waitForURL(/\/anmelden$/), p.keyboard.press('Enter')]);
      return (String(await p.locator('h1').textContent()) ?? '').trim();
    };
    await open(p, tourPath);
    assert.match(String(await p.locator('#reg-heading + p').textContent()), /Noch 3 von 3 Plätzen frei/);
    // An empty form: error summary, focusable links to the fields.
    await p.locator('#f-name').focus();
    await tab(p);
    await tab(p);
    await tab(p);
    await Promise.all([p.waitForURL(/\/anmelden$/), p.keyboard.press('Enter')]);
    assert.match(String(await p.locator('.sp-error-summary').textContent()), /Geben Sie Ihren Namen ein/);
    await assertAccessible(p, 'registration with errors');

    assert.equal(await register('Anna Beispiel', 'anna@example.org', '2'), 'Sie sind angemeldet');
    assert.equal(await register('Bert Beispiel', 'bert@example.org', '1'), 'Sie sind angemeldet');
    await open(p, tourPath);
    assert.match(String(await p.locator('#reg-heading + p').textContent()), /ausgebucht/);
    assert.equal(await p.locator('button[type=submit]', { hasText: 'Warteliste' }).count(), 1);
    assert.equal(await register('Cem Beispiel', 'cem@example.org', '1'), 'Sie stehen auf der Warteliste');
    assert.match(String(await p.locator('main').textContent()), /Platz 1 der Warteliste/);
    await assertAccessible(p, 'waiting list confirmation');

    // Anna cancels by the link in her e-mail; Cem moves up.
    const mail = await one<{ text_body: string }>(
      e.t.database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = 'anna@example.org' ORDER BY id DESC LIMIT 1`,
    );
    const link = /https?:\/\/[^\s]+\/abmelden\?t=[\w-]+/.exec(mail!.text_body)![0];
    const url = new URL(link);
    await open(p, `${url.pathname}${url.search}`);
    await assertAccessible(p, 'cancellation page');
    await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Ja, abmelden' }).click()]);
    assert.match(String(await p.locator('main').textContent()), /Sie sind abgemeldet/);
    const states = await rows<{ email: string; status: string }>(
      e.t.database.db,
      sql`SELECT email, status FROM event_registrations ORDER BY id`,
    );
    assert.deepEqual(
      states.map((s) => `${s.email}:${s.status}`),
      ['anna@example.org:cancelled', 'bert@example.org:confirmed', 'cem@example.org:confirmed'],
    );
    await p.close();
  });

  test('an editor writes a news item and schedules it; it stays invisible until its time', async () => {
    const agent = await userAgent(e.t, [{ role: 'editor', city: 'aalen' }]);
    const [name, value] = agent.cookie.split('=') as [string, string];
    const staff = await e.context();
    await staff.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
    const p = await staff.newPage();
    await open(p, '/admin/inhalte/aktuelles');
    await assertAccessible(p, 'staff news list');
    await open(p, '/admin/inhalte/aktuelles/neu');
    await assertAccessible(p, 'new news form');
    await p.locator('#f-title').fill('Neue Bänke im Stadtgarten');
    await p.locator('#f-teaser').fill('Zwölf neue Bänke mit Rückenlehne laden zum Ausruhen ein.');
    await p.locator('#f-body').fill('Die Bänke stehen **im Schatten** der Bäume.');
    await p.locator('#f-status-published').check();
    // Tomorrow 08:00 local time.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(tomorrow);
    await p.locator('#f-publishAt').fill(`${day}T08:00`);
    await Promise.all([
      p.waitForURL(/\/admin\/inhalte\/aktuelles\/\d+\?gespeichert=1/),
      p.getByRole('button', { name: 'Speichern' }).click(),
    ]);
    assert.match(String(await p.locator('[role=status]').textContent()), /Gespeichert \(Version 1\)/);
    const id = /aktuelles\/(\d+)/.exec(p.url())![1];
    await assertAccessible(p, 'edit news form');
    await open(p, '/admin/inhalte/aktuelles');
    assert.match(
      String(await p.locator('table').textContent()),
      /Neue Bänke im Stadtgarten[\s\S]*Geplant ab/,
    );

    // The public does not see it yet, anywhere.
    const visitor = await context.newPage();
    await open(visitor, '/aalen/aktuelles/neue-baenke-im-stadtgarten', 404);
    await open(visitor, '/aalen/aktuelles');
    assert.ok(!(await visitor.content()).includes('Neue Bänke'));
    // Staff preview shows it, marked as scheduled.
    await open(p, `/admin/inhalte/aktuelles/${id}/vorschau`);
    assert.match(String(await p.locator('[role=status]').first().textContent()), /Geplant/);
    await assertAccessible(p, 'news preview');
    // When the time has come (publish_at reached), it is there without any job running.
    await e.t.database.db.execute(
      sql`UPDATE news_items SET publish_at = now() - interval '1 second' WHERE id = ${Number(id)}`,
    );
    await open(visitor, '/aalen/aktuelles/neue-baenke-im-stadtgarten');
    assert.equal(String(await visitor.locator('h1').textContent()), 'Neue Bänke im Stadtgarten');
    await visitor.close();
    await staff.close();
  });

  test('event and calendar pages load nothing from other hosts', async () => {
    assert.deepEqual(e.thirdParty, []);
  });
});
