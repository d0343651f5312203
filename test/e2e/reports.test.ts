import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import exifr from 'exifr';
import type { BrowserContext, Page } from 'playwright-core';
import { jpegWithExif, webpChunks } from '../../src/modules/reports/fixtures.ts';
import { seedReports } from '../../src/modules/reports/seed.ts';
import { one, sql } from '../../src/platform/db/index.ts';
import { type Agent, userAgent } from '../helpers.ts';
import { assertAccessible, type E2E, type focusInfo, skipReason, startE2E, TIMEOUT, tab } from './support.ts';

/** A context signed in as `agent` (the cookie the login would have set). */
async function signedIn(e: E2E, agent: Agent): Promise<BrowserContext> {
  const [name, value] = agent.cookie.split('=') as [string, string];
  const context = await e.context();
  await context.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/** Tabs until `match` holds for the focused element (each stop must show a focus indicator). */
async function tabTo(page: Page, what: string, match: (f: Awaited<ReturnType<typeof focusInfo>>) => boolean) {
  for (let i = 0; i < 80; i++) {
    if (match(await tab(page))) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

describe('Mängelmelder in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let citizen: Agent;
  let worker: Agent;
  /** The report made with map and photo by the signed-in citizen. */
  let reportId = 0;

  before(async () => {
    e = await startE2E();
    await seedReports(e.t.database.db);
    citizen = await userAgent(e.t, [], 'buergerin@example.org');
    worker = await userAgent(e.t, [{ role: 'case_worker', city: 'aalen' }]);
  });
  after(async () => e?.close());

  test('axe: list with map and filters, form, a report with history (no JS needed)', async () => {
    const page = await (await e.context()).newPage();
    for (const path of [
      '/aalen/maengel',
      '/aalen/maengel?status=offen&kategorie=schlagloch',
      '/heidenheim/maengel/neu',
    ]) {
      const res = await page.goto(e.origin + path);
      assert.equal(res?.status(), 200, path);
      await assertAccessible(page, path);
    }
    const first = await page.goto(`${e.origin}/aalen/maengel?status=erledigt`);
    assert.equal(first?.status(), 200);
    const href = await page.locator('.sp-result a').first().getAttribute('href');
    assert.ok(href, 'a fixed demo report is listed');
    await page.goto(e.origin + href);
    assert.ok((await page.locator('.sp-history li').count()) >= 2, 'the history is shown');
    await assertAccessible(page, 'report detail');
    assert.deepEqual(e.thirdParty, [], 'no request to another host');
  });

  test('signed in: report with a click on the map and a photo; the photo is served without EXIF', async () => {
    const context = await signedIn(e, citizen);
    const page = await context.newPage();
    await page.goto(`${e.origin}/aalen/maengel/neu`);
    await page.selectOption('#f-category', 'schlagloch');
    await page.fill('#f-description', 'Tiefes Schlagloch mitten auf dem Radweg am Stadtgarten.');
    // Click the map where Aalen's centre is: the island turns the click into coordinates.
    await page.locator('.sp-reportmap svg').scrollIntoViewIfNeeded();
    const point = await page.evaluate(
      ([lon, lat]) => {
        const fig = document.querySelector<HTMLElement>('.sp-reportmap[data-pick="true"]')!;
        const svg = fig.querySelector('svg')!;
        const d = fig.dataset;
        const x = (lon - Number(d.west)) * Number(d.kx) * Number(d.scale) + Number(d.pad);
        const y = (Number(d.north) - lat) * Number(d.scale) + Number(d.pad);
        const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM()!);
        return { x: p.x, y: p.y };
      },
      [10.0936, 48.8378] as [number, number],
    );
    await page.mouse.click(point.x, point.y);
    const lat = Number(await page.inputValue('#f-lat'));
    const lon = Number(await page.inputValue('#f-lon'));
    assert.ok(
      Math.abs(lat - 48.8378) < 0.002 && Math.abs(lon - 10.0936) < 0.002,
      `map click → ${lat}, ${lon}`,
    );
    await page.setInputFiles('#f-photos', {
      name: 'schlagloch.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpegWithExif(),
    });
    await assertAccessible(page, 'filled report form');
    await Promise.all([
      page.waitForURL(/\/aalen\/maengel\/danke/),
      page.getByRole('button', { name: 'Meldung absenden' }).click(),
    ]);
    await assertAccessible(page, 'thanks page');
    await Promise.all([
      page.waitForURL(/\/aalen\/maengel\/\d+$/),
      page.getByRole('link', { name: 'Zur Meldung' }).click(),
    ]);
    reportId = Number(new URL(page.url()).pathname.split('/').pop());
    assert.match((await page.locator('h1').textContent()) ?? '', /Schlagloch/);
    const img = page.locator('.sp-photos img').first();
    await img.waitFor();
    assert.ok(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0), 'photo loads');
    const src = (await img.getAttribute('src'))!;
    const photo = await page.request.get(e.origin + src);
    assert.equal(photo.headers()['content-type'], 'image/webp');
    // The upload carried camera data (read with exifr); what is served is pixels only.
    const sent = await exifr.parse(await jpegWithExif(), { tiff: true, ifd0: {} } as never);
    assert.equal(sent?.Make, 'SecretCam');
    const chunks = webpChunks(Buffer.from(await photo.body()));
    assert.ok(
      chunks.every((c) => ['VP8', 'VP8L', 'VP8X', 'ALPH'].includes(c)),
      `chunks: ${chunks.join(',')}`,
    );
    await assertAccessible(page, 'own report with photo');
    await context.close();
  });

  test('keyboard only, without the map: report by address, then confirm by e-mail link', async () => {
    const page = await (await e.context()).newPage();
    await page.goto(`${e.origin}/heidenheim/maengel/neu`);
    await tabTo(page, 'the category', (f) => f.id === 'f-category');
    // Type-ahead on a focused select chooses the option, as a keyboard user would.
    await page.keyboard.type('Illegale');
    assert.equal(await page.inputValue('#f-category'), 'muell');
    await tabTo(page, 'the description', (f) => f.id === 'f-description');
    await page.keyboard.type('Sperrmüll und Bauschutt neben dem Glascontainer abgestellt.');
    await tabTo(page, 'the address', (f) => f.id === 'f-address');
    await page.keyboard.type('Brenzstraße 20, am Glascontainer');
    await tabTo(page, 'the e-mail field', (f) => f.id === 'f-email');
    await page.keyboard.type('tastatur@example.org');
    await tabTo(page, 'the send button', (f) => f.tag === 'button' && f.text === 'Meldung absenden');
    await Promise.all([
      page.waitForURL(/\/heidenheim\/maengel\/danke\?nr=\d+&art=bestaetigen/),
      page.keyboard.press('Enter'),
    ]);
    const nr = Number(new URL(page.url()).searchParams.get('nr'));
    const mail = await one<{ text_body: string }>(
      e.t.database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = 'tastatur@example.org' ORDER BY id DESC LIMIT 1`,
    );
    const link = /(\/heidenheim\/maengel\/\d+\/bestaetigen\?token=\S+)/.exec(mail!.text_body)?.[1];
    assert.ok(link, 'the mail holds the confirmation link');
    // Not public before the confirmation.
    assert.equal((await page.goto(`${e.origin}/heidenheim/maengel/${nr}`))?.status(), 404);
    await page.goto(e.origin + link);
    assert.match((await page.locator('[role=status]').first().textContent()) ?? '', /bestätigt/);
    assert.match((await page.locator('h1').textContent()) ?? '', /Illegale Müllablagerung/);
    await assertAccessible(page, 'confirmed report');
  });

  test('Enter in the address field searches it; Enter in another field sends the report', async () => {
    const page = await (await e.context()).newPage();
    await page.goto(`${e.origin}/heidenheim/maengel/neu`);
    await page.selectOption('#f-category', 'muell');
    await page.fill('#f-description', 'Grünschnitt am Wegrand abgeladen.');
    await page.fill('#f-address', 'Brenzstraße');
    await Promise.all([page.waitForURL(/suche=1/), page.press('#f-address', 'Enter')]);
    assert.equal(await page.inputValue('#f-address'), 'Brenzstraße', 'the typed address stays');
    assert.equal(await page.inputValue('#f-description'), 'Grünschnitt am Wegrand abgeladen.');
    await page.fill('#f-email', 'enter@example.org');
    await Promise.all([
      page.waitForURL(/\/heidenheim\/maengel\/danke\?nr=\d+/),
      page.press('#f-email', 'Enter'),
    ]);
    await assertAccessible(page, 'thanks page after Enter');
  });

  test('a case worker triages to "erledigt"; the reporter says "not fixed" and reopens', async () => {
    assert.ok(reportId > 0, 'the report from the map test exists');
    const staff = await (await signedIn(e, worker)).newPage();
    await staff.goto(`${e.origin}/admin/maengel`);
    await assertAccessible(staff, 'triage queue');
    await Promise.all([
      staff.waitForURL(`**/admin/maengel/${reportId}`),
      staff.locator(`a[href="/admin/maengel/${reportId}"]`).click(),
    ]);
    await assertAccessible(staff, 'back office report');
    for (const [status, label] of [
      ['bestaetigt', 'bestätigt'],
      ['in_bearbeitung', 'in Bearbeitung'],
      ['erledigt', 'erledigt'],
    ] as const) {
      await staff.selectOption('#f-status', status);
      if (status === 'erledigt')
        await staff.fill('#f-publicNote', 'Das Schlagloch wurde mit Kaltasphalt verfüllt.');
      await Promise.all([
        staff.waitForURL(`**/admin/maengel/${reportId}`),
        staff.getByRole('button', { name: 'Status setzen' }).click(),
      ]);
      assert.match((await staff.locator('.sp-facts dd').first().textContent()) ?? '', new RegExp(label));
    }
    const mail = await one<{ text_body: string }>(
      e.t.database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = 'buergerin@example.org' ORDER BY id DESC LIMIT 1`,
    );
    assert.match(mail!.text_body, /erledigt[\s\S]*Kaltasphalt[\s\S]*wieder-oeffnen\?token=/);

    const page = await (await signedIn(e, citizen)).newPage();
    await page.goto(`${e.origin}/aalen/maengel/${reportId}`);
    assert.match((await page.locator('.sp-facts dd').first().textContent()) ?? '', /erledigt/);
    await Promise.all([
      page.waitForURL(`**/aalen/maengel/${reportId}/wieder-oeffnen`),
      page.getByRole('link', { name: /wieder öffnen/ }).click(),
    ]);
    await assertAccessible(page, 'reopen form');
    await page.fill('#f-reason', 'Das Loch ist nach einer Woche wieder aufgebrochen.');
    await Promise.all([
      page.waitForURL(`**/aalen/maengel/${reportId}`),
      page.getByRole('button', { name: 'Wieder öffnen' }).click(),
    ]);
    assert.match((await page.locator('.sp-facts dd').first().textContent()) ?? '', /bestätigt/);
    assert.match((await page.locator('.sp-history').textContent()) ?? '', /wieder aufgebrochen/);
    assert.deepEqual(e.thirdParty, [], 'no request to another host');
  });

  test('axe: statistics, categories with their service levels, and a category form', async () => {
    const admin = await userAgent(e.t, [{ role: 'admin', city: 'aalen' }]);
    const page = await (await signedIn(e, admin)).newPage();
    for (const path of ['/admin/maengel/statistik', '/admin/maengel/kategorien']) {
      assert.equal((await page.goto(e.origin + path))?.status(), 200, path);
      await assertAccessible(page, path);
    }
    await Promise.all([
      page.waitForURL(/\/admin\/maengel\/kategorien\/\d+$/),
      page.getByRole('link', { name: 'Schlagloch' }).first().click(),
    ]);
    await page.fill('#f-slaDays', '0');
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Speichern' }).click(),
    ]);
    assert.ok(await page.locator('.sp-error-summary').isVisible(), 'the error summary is shown');
    await assertAccessible(page, 'category form with errors');
  });
});
