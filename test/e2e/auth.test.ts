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
} from './support.ts';

const EMAIL = 'erika.mustermann@example.org';
const PASSWORD = 'Ostalb-Sommer im Kocher 2026';
const NAME = 'Erika M.';

describe('registration and login in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
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

  /** Submits the page's main form and waits for the answer to the POST. */
  async function submit(p: Page) {
    const [response] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
      p.locator('main form[method=post] button[type=submit]').first().click(),
    ]);
    await p.waitForLoadState('domcontentloaded');
    return response;
  }

  for (const path of ['/login', '/register', '/password/forgot']) {
    test(`axe: no violations on ${path}; no horizontal scrolling at 320 px`, async () => {
      await open(page, path);
      await assertAccessible(page, path);
      await page.setViewportSize({ width: 320, height: 640 });
      try {
        await assertNoHorizontalScroll(page, path);
      } finally {
        await page.setViewportSize({ width: 1280, height: 720 });
      }
    });
  }

  test('a registration with mistakes shows the error summary with links to the fields', async () => {
    await open(page, '/register');
    await page.fill('#f-email', 'keine-adresse');
    const res = await submit(page);
    assert.equal(res.status(), 422);
    const summary = page.locator('.sp-error-summary');
    assert.ok(await summary.isVisible(), 'error summary is visible');
    for (const field of ['f-email', 'f-displayName', 'f-password', 'f-consent'])
      assert.equal(await summary.locator(`a[href="#${field}"]`).count(), 1, `summary links to #${field}`);
    await assertAccessible(page, 'register with errors');
    await summary.locator('a[href="#f-password"]').press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'f-password');
  });

  test('register, confirm by the mailed link, log in, see the account page', async () => {
    await open(page, '/register');
    await page.fill('#f-email', EMAIL);
    await page.fill('#f-displayName', NAME);
    await page.fill('#f-password', PASSWORD);
    await page.check('#f-consent');
    const res = await submit(page);
    assert.equal(res.status(), 200);
    assert.ok(await page.locator('h1').isVisible());

    const mails = await rows<{ text_body: string }>(
      e.t.database.db,
      sql`SELECT text_body FROM mail_outbox WHERE to_address = ${EMAIL} ORDER BY id DESC`,
    );
    assert.equal(mails.length, 1, 'one confirmation mail in the outbox');
    const link = /https?:\/\/\S+?(\/confirm\?token=[\w-]+)/.exec(mails[0]!.text_body);
    assert.ok(link, 'the mail contains a confirmation link');
    // The link carries the configured BASE_URL; open the same path on this test server.
    await open(page, link[1]!);
    await assertAccessible(page, 'confirmation page');
    // Confirm with the keyboard: the button is the first control after the text.
    await page.locator('main button[type=submit]').focus();
    await Promise.all([page.waitForLoadState('load'), page.keyboard.press('Enter')]);
    await page.getByRole('heading', { name: 'E-Mail-Adresse bestätigt' }).waitFor();
    await assertAccessible(page, 'confirmed page');

    await open(page, '/login');
    await page.fill('#f-email', EMAIL);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/account'),
      page.locator('main form[method=post] button[type=submit]').first().click(),
    ]);
    assert.match((await page.locator('main').textContent()) ?? '', new RegExp(NAME.replace('.', '\\.')));
    await assertAccessible(page, 'account page');
    const cookies = (await context.cookies()).map((c) => c.name).sort();
    assert.ok(cookies.includes('sp_session'), 'signed in with a session cookie');
    assert.ok(
      cookies.every((c) => c === 'sp_session' || /csrf/i.test(c)),
      `only session and CSRF cookies, got ${cookies.join(', ')}`,
    );

    // Logging out again with the header's button.
    await Promise.all([
      page.waitForURL(`${e.origin}/`),
      page.locator('.sp-account button[type=submit]').click(),
    ]);
    assert.ok(!(await context.cookies()).some((c) => c.name === 'sp_session' && c.value));
  });

  test('a wrong password: the error summary is shown and its link moves focus to the field', async () => {
    const p = await context.newPage();
    await open(p, '/login');
    await p.fill('#f-email', EMAIL);
    await p.fill('#f-password', 'das ist falsch, ganz falsch');
    const res = await submit(p);
    assert.equal(res.status(), 422);
    assert.equal(new URL(p.url()).pathname, '/login');
    const summary = p.locator('.sp-error-summary');
    assert.ok(await summary.isVisible(), 'error summary is visible');
    assert.ok(
      (await summary.isVisible()) && (await summary.boundingBox())!.y < 720,
      'summary is in the first view',
    );
    await assertAccessible(p, 'login with errors');
    const link = summary.locator('a').first();
    const target = ((await link.getAttribute('href')) ?? '').slice(1);
    assert.ok(target.startsWith('f-'), `the summary links to a field, got #${target}`);
    await link.focus();
    await p.keyboard.press('Enter');
    await p.waitForFunction((id) => document.activeElement?.id === id, target);
    const info = await focusInfo(p);
    assert.ok(info.visible, `focus indicator on #${target} (${info.indicator})`);
    await p.close();
  });

  test('no request left the server (no third-party requests)', () => {
    assert.deepEqual(e.thirdParty, []);
  });
});
