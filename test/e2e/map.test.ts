import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seedBonus } from '../../src/modules/bonus/seed.ts';
import { seedMaps } from '../../src/modules/maps/seed.ts';
import { seedReports } from '../../src/modules/reports/seed.ts';
import { seedSensors } from '../../src/modules/sensors/seed.ts';
import { seedSignage } from '../../src/modules/signage/seed.ts';
import { userAgent } from '../helpers.ts';
import { assertAccessible, type E2E, skipReason, startE2E, TIMEOUT } from './support.ts';

/** The citizen map in a real browser: layers, search, contributions by keyboard and pointer, moderation. */
describe('citizen map in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let citizen: BrowserContext;
  let moderator: BrowserContext;
  let page: Page;

  async function signedIn(roles: Parameters<typeof userAgent>[1]) {
    const agent = await userAgent(e.t, roles);
    const [name, value] = agent.cookie.split('=') as [string, string];
    const context = await e.context();
    await context.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  before(async () => {
    e = await startE2E();
    await seedReports(e.t.database.db);
    await seedBonus(e.t.database.db);
    await seedMaps(e.t.database.db);
    await seedSensors(e.t.database.db);
    await seedSignage(e.t.database.db);
    citizen = await signedIn([]);
    moderator = await signedIn([{ role: 'moderator', city: 'aalen' }]);
    page = await (await e.context()).newPage();
  });
  after(async () => e?.close());

  const markers = (p: Page) => p.locator('.sp-map__canvas path.leaflet-interactive').count();
  /** Waits until more markers than `n` are drawn. */
  const moreThan = (p: Page, n: number) =>
    p.waitForFunction(
      (m) => document.querySelectorAll('.sp-map__canvas path.leaflet-interactive').length > m,
      n,
    );

  test('the map page and its list alternative are accessible; no request leaves the site', async () => {
    await page.goto(`${e.origin}/aalen/karte`);
    await page.locator('.sp-map__canvas.leaflet-container').waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('.sp-map__canvas path.leaflet-interactive').length > 10,
    );
    await assertAccessible(page, 'map page');
    await page.goto(`${e.origin}/aalen/karte/ebenen/angebote`);
    await assertAccessible(page, 'list alternative');
    assert.deepEqual(e.thirdParty, []);
  });

  test('switching layers loads and removes features and keeps a deep link', async () => {
    await page.goto(`${e.origin}/aalen/karte`);
    await page.waitForFunction(
      () => document.querySelectorAll('.sp-map__canvas path.leaflet-interactive').length > 10,
    );
    const before = await markers(page);
    await page.getByLabel('Spielplätze').check();
    await page.waitForFunction(
      (n) => document.querySelectorAll('.sp-map__canvas path.leaflet-interactive').length > n,
      before,
    );
    assert.match(page.url(), /ebenen=[^&]*ebene-\d+/);
    const withPlaygrounds = await markers(page);
    await page.getByLabel('Angebote und Einrichtungen').uncheck();
    await page.waitForFunction(
      (n) => document.querySelectorAll('.sp-map__canvas path.leaflet-interactive').length < n,
      withPlaygrounds,
    );
    assert.doesNotMatch(page.url(), /angebote/);
    // The deep link opens the same layers.
    await page.goto(page.url());
    assert.equal(await page.getByLabel('Spielplätze').isChecked(), true);
    assert.equal(await page.getByLabel('Angebote und Einrichtungen').isChecked(), false);
  });

  test('the sensor layer with current values and its list alternative; steles in the legend', async () => {
    await page.goto(`${e.origin}/aalen/karte`);
    await moreThan(page, 10);
    const before = await markers(page);
    await page.getByLabel('Sensoren mit aktuellen Werten').check();
    await moreThan(page, before);
    assert.match(page.url(), /ebenen=[^&]*sensoren/);
    assert.ok(await page.getByLabel('Info-Stelen').count(), 'steles are a layer too');
    await assertAccessible(page, 'map page with the sensor layer');
    await page.goto(`${e.origin}/aalen/karte/ebenen/sensoren`);
    const table = page.locator('table.kern-table');
    await table.waitFor();
    assert.match(
      (await table.textContent()) ?? '',
      /µg\/m³ · \d\d\.\d\d\.20\d\d, \d\d:\d\d Uhr · (.+ · )?simuliert/,
    );
    await assertAccessible(page, 'sensor list alternative');
  });

  test('find an address and open it on the map', async () => {
    await page.goto(`${e.origin}/aalen/karte`);
    await page.getByLabel('Adresse oder Ort suchen').fill('Marktplatz 30');
    await page.keyboard.press('Enter');
    const hit = page.locator('.sp-map__hits a', { hasText: 'Bürgerbüro im Rathaus Aalen' });
    await hit.waitFor();
    await hit.click();
    await page.waitForURL(/lat=48\.8373&lon=10\.0936&z=17/);
    await page.locator('.sp-map__canvas.leaflet-container').waitFor();
    await assertAccessible(page, 'map focused on a search hit');
  });

  const contribute = '/aalen/karte/mitmachen/fahrradbuegel';

  test('contribute a point by keyboard only', async () => {
    const p = await citizen.newPage();
    await p.goto(e.origin + contribute);
    await p.locator('.leaflet-container').waitFor();
    await assertAccessible(p, 'contribution page');
    await p.locator('.leaflet-container').focus();
    for (let i = 0; i < 3; i++) await p.keyboard.press('ArrowUp');
    await p.keyboard.press('Tab');
    // Tab moves through the map controls to "Kartenmitte übernehmen".
    for (let i = 0; i < 10; i++) {
      const text = await p.evaluate(() => document.activeElement?.textContent ?? '');
      if (text.includes('Kartenmitte übernehmen')) break;
      await p.keyboard.press('Tab');
    }
    await p.keyboard.press('Enter');
    assert.match(await p.getByLabel('Breite (Punkt)').inputValue(), /^48\.\d+$/);
    await p.getByLabel('Kommentar').focus();
    await p.keyboard.type('Tastatur: Am Kino fehlen Fahrradbügel');
    await p.locator('button[type=submit]', { hasText: 'Beitrag senden' }).focus();
    await p.keyboard.press('Enter');
    await p.waitForURL(/danke=1/);
    assert.match(await p.content(), /Ihr Beitrag wird geprüft/);
  });

  test('contribute a point by pointer', async () => {
    const p = await citizen.newPage();
    await p.goto(e.origin + contribute);
    const map = p.locator('.leaflet-container');
    await map.waitFor();
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width / 2 + 20, y: box.height / 2 + 10 } });
    assert.match(await p.getByLabel('Länge (Punkt)').inputValue(), /^10\.\d+$/);
    await p.getByLabel('Kommentar').fill('Maus: Vor der Schule fehlen Bügel');
    await p.getByRole('button', { name: 'Beitrag senden' }).click();
    await p.waitForURL(/danke=1/);
  });

  test('a moderator publishes the contributions; they appear for everyone', async () => {
    const p = await moderator.newPage();
    await p.goto(`${e.origin}/admin/karte`);
    await assertAccessible(p, 'map admin');
    for (const text of ['Tastatur: Am Kino', 'Maus: Vor der Schule']) {
      const item = p.locator('.sp-moderation li', { hasText: text });
      await item.getByRole('button', { name: /Veröffentlichen/ }).click();
      await p.waitForURL(/ok=moderiert/);
    }
    await page.goto(e.origin + contribute);
    const body = await page.content();
    assert.match(body, /Tastatur: Am Kino fehlen Fahrradbügel/);
    assert.match(body, /Maus: Vor der Schule fehlen Bügel/);
  });
});
