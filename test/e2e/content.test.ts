import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { rows, sql } from '../../src/platform/db/index.ts';
import {
  assertAccessible,
  assertNoHorizontalScroll,
  type E2E,
  focusInfo,
  skipReason,
  startE2E,
  TIMEOUT,
  tab,
} from './support.ts';

/** The legal pages and the accessibility feedback form, in a real browser. */
describe('legal pages and accessibility feedback in the browser', {
  skip: skipReason,
  timeout: TIMEOUT,
}, () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    e = await startE2E();
    context = await e.context();
    page = await context.newPage();
  });
  after(async () => e?.close());

  async function open(p: Page, path: string, status = 200) {
    const res = await p.goto(e.origin + path);
    assert.equal(res?.status(), status, `${path} answers ${status}`);
  }

  for (const path of [
    '/impressum',
    '/aalen/impressum',
    '/datenschutz',
    '/heidenheim/datenschutz',
    '/barrierefreiheit',
    '/aalen/barrierefreiheit',
    '/leichte-sprache',
    '/aalen/leichte-sprache',
    '/en/aalen/barrierefreiheit',
    '/en/leichte-sprache',
  ]) {
    test(`axe: no violations on ${path}, wide and at 320 px; no horizontal scrolling`, async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await open(page, path);
      await assertAccessible(page, path);
      await page.setViewportSize({ width: 320, height: 640 });
      await assertNoHorizontalScroll(page, `${path} at 320 px`);
      // Narrow, tables scroll in their own region: axe again (scrollable regions must be focusable).
      await assertAccessible(page, `${path} at 320 px`);
      await page.setViewportSize({ width: 1280, height: 800 });
    });
  }

  test('keyboard only: the footer link leads to the statement, the form is filled and sent', async () => {
    const p = await context.newPage();
    await open(p, '/aalen/');
    await p.locator('footer a', { hasText: 'Barrierefreiheit' }).focus();
    await Promise.all([p.waitForURL(`${e.origin}/aalen/barrierefreiheit`), p.keyboard.press('Enter')]);
    // Tab from the skip link to the first form field: every stop shows its focus.
    await p.locator('.sp-skiplink').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) reached = (await tab(p)).id === 'f-name';
    assert.ok(reached, 'the name field is reachable with Tab');
    await p.keyboard.type('Erika Mustermann');
    await tab(p);
    assert.equal((await focusInfo(p)).id, 'f-email');
    await p.keyboard.type('erika@example.org');
    await tab(p);
    assert.equal((await focusInfo(p)).id, 'f-page');
    await tab(p);
    assert.equal((await focusInfo(p)).id, 'f-message');
    await p.keyboard.type('Die Fehlermeldung im Suchformular wird nicht vorgelesen.');
    // Past the privacy link to the submit button.
    let info = await tab(p);
    while (info.tag !== 'button') info = await tab(p);
    const [response] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'POST'),
      p.keyboard.press('Enter'),
    ]);
    assert.equal(response.status(), 303);
    await p.waitForURL(`${e.origin}/aalen/barrierefreiheit/danke`);
    assert.equal(await p.locator('h1').textContent(), 'Vielen Dank für Ihre Rückmeldung');
    await assertAccessible(p, 'thank-you page');
    const stored = await rows<{ message: string }>(
      e.t.database.db,
      sql`SELECT message FROM accessibility_feedback ORDER BY id DESC LIMIT 1`,
    );
    assert.equal(stored[0]?.message, 'Die Fehlermeldung im Suchformular wird nicht vorgelesen.');
  });

  test('an empty message: 422, error summary in view, its link moves focus to the field', async () => {
    const p = await context.newPage();
    await open(p, '/barrierefreiheit');
    const [response] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'POST'),
      p.locator('main form[method=post] button[type=submit]').click(),
    ]);
    assert.equal(response.status(), 422);
    await p.waitForLoadState('domcontentloaded');
    const summary = p.locator('.sp-error-summary');
    assert.ok(await summary.isVisible(), 'error summary is visible');
    assert.ok((await summary.boundingBox())!.y < 720, 'summary is in the first view');
    await assertAccessible(p, 'statement with errors');
    await summary.locator('a[href="#f-message"]').press('Enter');
    await p.waitForFunction(() => document.activeElement?.id === 'f-message');
  });

  test('only the CSRF cookie is set, and no request left the server', async () => {
    const names = (await context.cookies()).map((c) => c.name);
    assert.deepEqual([...new Set(names)], ['sp_csrf']);
    assert.deepEqual(e.thirdParty, []);
  });
});
