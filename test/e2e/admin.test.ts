import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { userAgent } from '../helpers.ts';
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

describe('staff pages in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  /** /admin/angebote/{id} of Aalen's "Personalausweis beantragen". */
  let editPath: string;

  before(async () => {
    e = await startE2E();
    // An editor for Aalen, signed in by the session cookie the login would have set.
    const agent = await userAgent(e.t, [{ role: 'editor', city: 'aalen' }]);
    const [name, value] = agent.cookie.split('=') as [string, string];
    context = await e.context();
    await context.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
    page = await context.newPage();
    await page.goto(`${e.origin}/admin/angebote?q=Personalausweis&stadt=aalen`);
    const href = await page
      .locator('table a', { hasText: 'Personalausweis beantragen' })
      .first()
      .getAttribute('href');
    assert.ok(href, "Aalen's Personalausweis offer is listed for its editor");
    editPath = href;
  });
  after(async () => e?.close());

  async function open(p: Page, path: string, status = 200) {
    const res = await p.goto(e.origin + path);
    assert.equal(res?.status(), status, `${path} answers ${status}`);
  }

  for (const [name, path] of [
    ['admin dashboard', () => '/admin/'],
    ['offer list', () => '/admin/angebote'],
    ['offer edit form', () => editPath],
    ['new offer form', () => '/admin/angebote/neu'],
  ] as const) {
    test(`axe: no violations on the ${name}; no horizontal scrolling at 320 px`, async () => {
      await open(page, path());
      await assertAccessible(page, name);
      await page.setViewportSize({ width: 320, height: 640 });
      try {
        await assertNoHorizontalScroll(page, name);
      } finally {
        await page.setViewportSize({ width: 1280, height: 720 });
      }
    });
  }

  test('keyboard only: edit an offer title, save, see it on the public page', async () => {
    const p = await context.newPage();
    await open(p, '/admin/angebote?q=Personalausweis&stadt=aalen');
    let onLink = false;
    for (let i = 0; i < 80 && !onLink; i++) onLink = (await tab(p)).href === editPath;
    assert.ok(onLink, 'Tab reaches the offer link in the list');
    await Promise.all([p.waitForURL((u) => u.pathname === editPath), p.keyboard.press('Enter')]);
    let onTitle = false;
    for (let i = 0; i < 40 && !onTitle; i++) onTitle = (await tab(p)).id === 'f-title';
    assert.ok(onTitle, 'Tab reaches the title field');
    await p.keyboard.press('ControlOrMeta+A');
    await p.keyboard.type('Personalausweis und Reisepass beantragen');
    // Enter in a text field submits the form (implicit submission), as a keyboard user would.
    await Promise.all([p.waitForURL(/gespeichert=1/), p.keyboard.press('Enter')]);
    assert.equal(await p.inputValue('#f-title'), 'Personalausweis und Reisepass beantragen');
    const res = await p.goto(`${e.origin}/aalen/angebote/personalausweis-beantragen`);
    assert.equal(res?.status(), 200);
    assert.equal((await p.locator('h1').textContent())?.trim(), 'Personalausweis und Reisepass beantragen');
    await p.close();
  });

  test('an empty title shows the error summary; its link moves focus to the field', async () => {
    const p = await context.newPage();
    await open(p, editPath);
    await p.fill('#f-title', '');
    const [response] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'POST'),
      p.locator('form.sp-adminform button[type=submit]').last().click(),
    ]);
    assert.equal(response.status(), 422);
    const summary = p.locator('.sp-error-summary');
    assert.ok(await summary.isVisible(), 'error summary is visible');
    await assertAccessible(p, 'edit form with errors');
    const link = summary.locator('a[href="#f-title"]');
    assert.equal(await link.count(), 1, 'the summary links to the title field');
    await link.focus();
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.activeElement?.id === 'f-title');
    const info = await focusInfo(p);
    assert.equal(info.id, 'f-title');
    assert.ok(info.visible, `focus indicator on the title field (${info.indicator})`);
    await p.close();
  });

  test('axe: no violations on the region admin pages (users, a user, mail outbox, audit log)', async () => {
    const admin = await userAgent(e.t, [{ role: 'admin', city: null }]);
    const [name, value] = admin.cookie.split('=') as [string, string];
    const adminContext = await e.context();
    await adminContext.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
    const p = await adminContext.newPage();
    await open(p, '/admin/');
    await assertAccessible(p, 'admin dashboard (region admin)');
    await open(p, '/admin/users');
    await assertAccessible(p, 'user list');
    const userLink = await p.locator('main table a').first().getAttribute('href');
    assert.ok(userLink, 'the user list links to a user');
    await open(p, userLink);
    await assertAccessible(p, 'user detail');
    for (const path of ['/admin/outbox', '/admin/audit']) {
      await open(p, path);
      await assertAccessible(p, path);
      await p.setViewportSize({ width: 320, height: 640 });
      await assertNoHorizontalScroll(p, path);
      await p.setViewportSize({ width: 1280, height: 720 });
    }
    await adminContext.close();
  });

  test('no request left the server (no third-party requests)', () => {
    assert.deepEqual(e.thirdParty, []);
  });
});
