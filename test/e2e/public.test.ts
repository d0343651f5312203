import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
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

describe('public pages in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  /** Path of a published Aalen offer's detail page, found through the search page. */
  let offerPath: string;

  before(async () => {
    e = await startE2E();
    context = await e.context();
    page = await context.newPage();
    await page.goto(`${e.origin}/aalen/angebote?q=Personalausweis`);
    const href = await page.locator('.sp-result a').first().getAttribute('href');
    assert.ok(href, 'the search for Personalausweis in Aalen finds an offer');
    offerPath = href;
  });
  after(async () => e?.close());

  async function open(path: string, status = 200) {
    const res = await page.goto(e.origin + path);
    assert.equal(res?.status(), status, `${path} answers ${status}`);
  }

  const pages: [string, () => string, number?][] = [
    ['region start page', () => '/'],
    ['city start page', () => '/aalen/'],
    ['search results', () => '/aalen/angebote?q=Ausweis'],
    ['search results with "Meinten Sie …?"', () => '/aalen/angebote?q=Persoalausweis'],
    ['offer detail page', () => offerPath],
    ['life situations', () => '/aalen/lebenslagen'],
    ['one life situation', () => '/aalen/lebenslagen/umzug'],
    ['404 page', () => '/gibt-es-nicht', 404],
  ];

  for (const [name, path, status] of pages) {
    test(`axe: no WCAG 2.1 AA / EN 301 549 violations on the ${name}`, async () => {
      await open(path(), status);
      await assertAccessible(page, name);
    });
  }

  test('a typo: "Meinten Sie …?" leads to the search for the known word', async () => {
    await open('/aalen/angebote?q=Persoalausweis');
    const link = page.getByRole('link', { name: 'Personalausweis', exact: true });
    await link.focus();
    await Promise.all([page.waitForURL(/q=Personalausweis/), page.keyboard.press('Enter')]);
    assert.equal(await page.locator('#f-q, input[name=q]').first().inputValue(), 'Personalausweis');
    assert.equal(await page.locator('.sp-suggestion').count(), 0);
  });

  test('search results list offers and the detail page names them', async () => {
    await open('/aalen/angebote?q=Ausweis');
    assert.ok((await page.locator('.sp-result').count()) > 0, 'results for "Ausweis"');
    await open(offerPath);
    assert.match((await page.locator('h1').textContent()) ?? '', /Personalausweis/);
  });

  test('no horizontal scrolling at 320 px width', async () => {
    const narrow = await e.context({ viewport: { width: 320, height: 640 } });
    const p = await narrow.newPage();
    for (const [name, path, status] of pages) {
      const res = await p.goto(e.origin + path());
      assert.equal(res?.status(), status ?? 200);
      await assertNoHorizontalScroll(p, name);
    }
    await narrow.close();
  });

  test('keyboard only: skip link, search, first result, detail page; focus always visible', async () => {
    const kb = await e.context();
    const p = await kb.newPage();
    await p.goto(`${e.origin}/`);
    const skip = await tab(p);
    assert.equal(skip.href, '#inhalt', `the first Tab stop is the skip link, got <${skip.tag}> ${skip.text}`);
    await p.keyboard.press('Enter');
    assert.equal((await focusInfo(p)).id, 'inhalt', 'Enter on the skip link moves focus to #inhalt');
    const field = await tab(p);
    assert.equal(field.id, 'suchbegriff', `after the skip link the search field is next, got <${field.tag}>`);
    await p.keyboard.type('Personalausweis');
    await Promise.all([p.waitForURL(/\/angebote\?/), p.keyboard.press('Enter')]);
    assert.ok((await p.locator('.sp-result').count()) > 0, 'the search finds offers');
    const firstResult = await p.locator('.sp-result a').first().getAttribute('href');
    let reached = false;
    for (let i = 0; i < 100 && !reached; i++) {
      const info = await tab(p);
      reached = info.tag === 'a' && info.href === firstResult;
    }
    assert.ok(reached, 'Tab reaches the first result link');
    await Promise.all([p.waitForURL((u) => u.pathname === firstResult), p.keyboard.press('Enter')]);
    assert.match((await p.locator('h1').textContent()) ?? '', /Personalausweis/);
    // Keep tabbing through the detail page: every stop shows where focus is.
    for (let i = 0; i < 15; i++) await tab(p);
    await kb.close();
  });

  test('works without JavaScript: search and open a result', async () => {
    const noJs = await e.context({ javaScriptEnabled: false });
    const p = await noJs.newPage();
    await p.goto(`${e.origin}/aalen/`);
    await p.fill('#suchbegriff', 'Personalausweis');
    await Promise.all([
      p.waitForURL(/\/aalen\/angebote\?q=Personalausweis/),
      p.press('#suchbegriff', 'Enter'),
    ]);
    const link = p.locator('.sp-result a').first();
    assert.match((await link.textContent()) ?? '', /ausweis/i);
    await Promise.all([p.waitForURL(/\/aalen\/angebote\/[^/?]+$/), link.click()]);
    assert.match((await p.locator('h1').textContent()) ?? '', /Personalausweis/);
    // Facet filters are a plain GET form too.
    await p.goto(`${e.origin}/aalen/angebote`);
    const facet = p.locator('.sp-facets input[type=checkbox]').first();
    await facet.check();
    await Promise.all([
      p.waitForURL(/\/aalen\/angebote\?.+/),
      p.locator('.sp-facets [type=submit]').first().click(),
    ]);
    assert.ok((await p.locator('.sp-result').count()) > 0, 'filtered results');
    await noJs.close();
  });

  test('no request left the server (no third-party requests)', () => {
    assert.deepEqual(e.thirdParty, []);
  });
});
