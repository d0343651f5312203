import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seedParticipation } from '../../src/modules/participation/seed.ts';
import { upsertProcess } from '../../src/modules/participation/service.ts';
import { one, sql } from '../../src/platform/db/index.ts';
import { type Agent, cityId, userAgent } from '../helpers.ts';
import {
  assertAccessible,
  assertNoHorizontalScroll,
  type E2E,
  skipReason,
  startE2E,
  TIMEOUT,
  tab,
} from './support.ts';

const day = 86_400_000;

describe('participation in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let citizen: BrowserContext;
  let moderator: BrowserContext;
  let editor: BrowserContext;
  let page: Page;
  let ideaPath: string;
  let aalenMeasure: number;

  async function signedIn(agent: Agent): Promise<BrowserContext> {
    const [name, value] = agent.cookie.split('=') as [string, string];
    const context = await e.context();
    await context.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  async function open(p: Page, path: string, status = 200) {
    const res = await p.goto(e.origin + path);
    assert.equal(res?.status(), status, `${path} answers ${status}`);
  }

  /** Tabs until the focused element matches, then returns; fails after max presses. */
  async function tabTo(p: Page, match: (info: Awaited<ReturnType<typeof tab>>) => boolean, max = 150) {
    for (let i = 0; i < max; i++) if (match(await tab(p))) return;
    assert.fail('Tab did not reach the element');
  }

  before(async () => {
    e = await startE2E();
    await seedParticipation(e.t.database.db);
    const aalen = await cityId(e.t.database, 'aalen');
    const now = Date.now();
    await upsertProcess(e.t.database.db, {
      cityId: aalen,
      slug: 'spielplaetze',
      title: 'Ideen für Spielplätze',
      description: 'Wo fehlen Spielgeräte?',
      categories: ['Spielplatz', 'Sonstiges'],
      premoderation: false,
      phases: [
        {
          kind: 'collect',
          title: 'Ideen sammeln',
          startsAt: new Date(now - day),
          endsAt: new Date(now + 10 * day),
        },
        {
          kind: 'rate',
          title: 'Bewerten',
          startsAt: new Date(now + 10 * day),
          endsAt: new Date(now + 20 * day),
        },
      ],
    });
    const citizenAgent = await userAgent(e.t);
    const modAgent = await userAgent(e.t, [{ role: 'moderator', city: 'aalen' }]);
    const editorAgent = await userAgent(e.t, [{ role: 'editor', city: 'aalen' }]);
    await e.t.database.db.execute(sql`UPDATE users SET created_at = now() - interval '30 days'`);
    citizen = await signedIn(citizenAgent);
    moderator = await signedIn(modAgent);
    editor = await signedIn(editorAgent);
    aalenMeasure = (await one<{ id: number }>(
      e.t.database.db,
      sql`SELECT id FROM participation_measures WHERE city_id = ${aalen} ORDER BY id LIMIT 1`,
    ))!.id;
    page = await citizen.newPage();
    await open(page, '/aalen/beteiligung/innenstadt-2030');
    // An idea that already has a discussion (by the demo people) to reply to.
    const href = await page
      .locator('.sp-idea', { hasText: /[1-9]\d* Kommentare/ })
      .first()
      .locator('h3 a')
      .getAttribute('href');
    assert.ok(href);
    ideaPath = href;
  });
  after(async () => e?.close());

  const pages: [string, () => string][] = [
    ['overview', () => '/aalen/beteiligung'],
    ['measures with dashboard', () => '/aalen/massnahmen'],
    ['measure', () => '/aalen/massnahmen/stadt-plattform-bonussystem'],
    ['idea list', () => '/aalen/beteiligung/innenstadt-2030'],
    ['idea map', () => '/aalen/beteiligung/innenstadt-2030?ansicht=karte'],
    ['idea', () => ideaPath],
    ['idea form', () => '/aalen/beteiligung/spielplaetze/ideen/neu'],
    ['closed survey with results', () => '/heidenheim/umfragen/mobilitaet-innenstadt'],
    ['open survey form', () => '/aalen/umfragen/stadt-plattform'],
    ['Fragestunde', () => '/aalen/fragestunde/fragestunde-oberbuergermeister'],
    ['notification settings', () => '/beteiligung/benachrichtigungen'],
    ['region measures page', () => '/massnahmen?stadt=heidenheim'],
  ];
  for (const [name, path] of pages) {
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

  const staffPages: [string, () => string][] = [
    ['new measure form', () => '/admin/beteiligung/massnahmen/neu'],
    ['new process form', () => '/admin/beteiligung/verfahren/neu'],
    ['new survey form', () => '/admin/beteiligung/umfragen/neu'],
    ['new Fragestunde form', () => '/admin/beteiligung/fragestunde/neu'],
    ['measure edit form', () => `/admin/beteiligung/massnahmen/${aalenMeasure}/bearbeiten`],
    ['staff overview', () => '/admin/beteiligung'],
  ];
  for (const [name, path] of staffPages) {
    test(`axe: no violations on the ${name}; no horizontal scrolling at 320 px`, async () => {
      const p = await editor.newPage();
      await open(p, path());
      await assertAccessible(p, name);
      await p.setViewportSize({ width: 320, height: 640 });
      await assertNoHorizontalScroll(p, name);
      await p.close();
    });
  }

  /** Presses Enter to send the form and fails with the error summary if the page shows one. */
  async function submitClean(p: Page, url: RegExp) {
    await Promise.all([p.waitForEvent('load'), p.keyboard.press('Enter')]);
    const summary = p.locator('.sp-error-summary');
    assert.equal(
      await summary.count(),
      0,
      (await summary.count()) ? String(await summary.textContent()) : '',
    );
    assert.match(p.url(), url);
  }

  /**
   * Tabs to a field by id and types into it. Date inputs take the digits segment by segment in the
   * browser's own order (day/month or month/day), so the tests use dates whose day equals the month.
   */
  async function typeInto(p: Page, id: string, text: string) {
    await tabTo(p, (i) => i.id === id);
    await p.keyboard.type(text);
  }

  test('staff, keyboard only: create a process with two phases; errors first, then saved', async () => {
    const p = await editor.newPage();
    await open(p, '/admin/beteiligung/verfahren/neu');
    await typeInto(p, 'f-title', 'Ideen für den Stadtgarten');
    await Promise.all([p.waitForLoadState('load'), p.keyboard.press('Enter')]);
    await p.waitForSelector('.sp-error-summary');
    assert.match((await p.locator('.sp-error-summary').textContent()) ?? '', /mindestens eine Phase/);
    await assertAccessible(p, 'process form with errors');
    // The re-rendered form proposes a slug from the title; replace it.
    await tabTo(p, (i) => i.id === 'f-slug');
    await p.keyboard.press('ControlOrMeta+a');
    await p.keyboard.type('stadtgarten');
    await typeInto(p, 'f-categories', 'Spielen');
    await p.keyboard.press('Enter');
    await p.keyboard.type('Ruhe');
    await typeInto(p, 'f-phase-0-title', 'Ideen sammeln');
    await typeInto(p, 'f-phase-0-startsOn', '01012026');
    await typeInto(p, 'f-phase-0-endsOn', '02022026');
    await typeInto(p, 'f-phase-1-title', 'Diskutieren');
    await typeInto(p, 'f-phase-1-startsOn', '03032026');
    await typeInto(p, 'f-phase-1-endsOn', '04042026');
    await submitClean(p, /\/verfahren\/\d+\/bearbeiten\?gespeichert=1/);
    assert.match((await p.locator('main').textContent()) ?? '', /Gespeichert\./);
    await assertAccessible(p, 'process edit form');
    await open(p, '/aalen/beteiligung/stadtgarten');
    const phases = (await p.locator('main').textContent()) ?? '';
    assert.match(phases, /Ideen sammeln[\s\S]*Diskutieren/);
    await p.close();
  });

  test('staff, keyboard only: create a survey with a choice and a scale question', async () => {
    const p = await editor.newPage();
    await open(p, '/admin/beteiligung/umfragen/neu');
    await typeInto(p, 'f-title', 'Wie gefällt Ihnen der Stadtgarten?');
    await typeInto(p, 'f-opensOn', '01012020');
    await typeInto(p, 'f-closesOn', '12122099');
    await typeInto(p, 'f-question-0-prompt', 'Wie oft sind Sie dort?');
    await typeInto(p, 'f-question-0-options', 'oft');
    await p.keyboard.press('Enter');
    await p.keyboard.type('selten');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Space');
    assert.equal(await p.locator('#f-question-0-required').isChecked(), true);
    // Second row: choose "Skala 1–5" with the arrow keys on the focused select.
    await tabTo(p, (i) => i.id === 'f-question-1-kind');
    for (let i = 0; i < 3; i++) await p.keyboard.press('ArrowDown');
    assert.equal(await p.locator('#f-question-1-kind').inputValue(), 'scale');
    await typeInto(p, 'f-question-1-prompt', 'Wie zufrieden sind Sie?');
    await submitClean(p, /\/umfragen\/\d+\/bearbeiten\?gespeichert=1/);
    await open(p, '/aalen/umfragen/wie-gefaellt-ihnen-der-stadtgarten');
    assert.equal(await p.locator('fieldset').count(), 2);
    await assertAccessible(p, 'new survey, public');
    await p.close();
  });

  test('keyboard only: react to a measure with "Finde ich wichtig"', async () => {
    const p = await citizen.newPage();
    await open(p, '/aalen/massnahmen/luft-und-laerm');
    const before = Number((await p.locator('[data-count="important"]').textContent())!.match(/\d+/)![0]);
    await tabTo(p, (i) => i.text === 'Finde ich wichtig');
    await Promise.all([p.waitForURL(/#reaktionen/), p.keyboard.press('Enter')]);
    const after1 = Number((await p.locator('[data-count="important"]').textContent())!.match(/\d+/)![0]);
    assert.equal(after1, before + 1);
    assert.equal(
      await p.locator('button[aria-pressed="true"]', { hasText: 'Nicht mehr wichtig' }).count(),
      1,
    );
    await p.close();
  });

  test('keyboard only: submit an idea; errors are announced in a summary first', async () => {
    const p = await citizen.newPage();
    await open(p, '/aalen/beteiligung/spielplaetze/ideen/neu');
    await tabTo(p, (i) => i.id === 'f-title');
    await p.keyboard.type('Schaukel');
    await Promise.all([p.waitForLoadState('load'), p.keyboard.press('Enter')]);
    await p.waitForSelector('.sp-error-summary');
    assert.match((await p.locator('.sp-error-summary').textContent()) ?? '', /10 bis 5\.000 Zeichen/);
    await assertAccessible(p, 'idea form with errors');
    await p.fill('#f-title', 'Eine Nestschaukel im Stadtgarten');
    await p.fill('#f-body', 'Für kleine Kinder und Kinder im Rollstuhl wäre eine Nestschaukel schön.');
    await p.selectOption('#f-category', 'Spielplatz');
    await Promise.all([
      p.waitForURL(/\/ideen\/\d+\?ok=idee/),
      p.click('button[type="submit"]:has-text("Idee einreichen")'),
    ]);
    assert.equal(await p.locator('h1').textContent(), 'Eine Nestschaukel im Stadtgarten');
    await assertAccessible(p, 'new idea');
    await p.close();
  });

  test('comment and reply, flag, then a moderator hides it with a reason', async () => {
    const p = await citizen.newPage();
    await open(p, ideaPath);
    await p.fill('#f-body', 'Ich finde die Idee gut, bitte mit Schatten.');
    await Promise.all([p.waitForURL(/ok=kommentar/), p.click('button:has-text("Kommentar senden")')]);
    const mine = p.locator('.sp-comment', { hasText: 'bitte mit Schatten' }).first();
    assert.equal(await mine.count(), 1);
    // Reply to the first comment by someone else, keyboard only: open the disclosure, type, send.
    const other = p
      .locator(
        '#kommentare > ol > li.sp-comment:not(.sp-comment--official):not(:has-text("bitte mit Schatten"))',
      )
      .first();
    const otherId = (await other.getAttribute('id'))!.replace('kommentar-', '');
    await other.locator('summary').first().focus();
    await p.keyboard.press('Enter');
    await p.locator(`#f-body-${otherId}`).focus();
    await p.keyboard.type('Da stimme ich zu.');
    await p.keyboard.press('Tab');
    const current = p.url();
    await Promise.all([p.waitForURL((u) => u.toString() !== current), p.keyboard.press('Enter')]);
    assert.equal(
      await p.locator(`#kommentar-${otherId} .sp-comment`, { hasText: 'Da stimme ich zu.' }).count(),
      1,
    );
    await assertAccessible(p, 'idea with comments');

    // Flag the other person's comment.
    await other.locator('a:has-text("Melden")').first().click();
    await p.waitForSelector('#f-reason');
    await assertAccessible(p, 'flag form');
    await p.fill('#f-reason', 'Werbung');
    await Promise.all([p.waitForURL(/ok=gemeldet/), p.click('main button[type="submit"]')]);

    const m = await moderator.newPage();
    await open(m, '/admin/beteiligung');
    await assertAccessible(m, 'moderation queue');
    const item = m.locator(`#k-${otherId}`);
    assert.equal(await item.count(), 1, 'the flagged comment is in the queue');
    await item.locator(`#f-reason-${otherId}`).fill('Werbung entfernt');
    await Promise.all([
      m.waitForURL(/\/admin\/beteiligung/),
      item.locator('button:has-text("Ausblenden")').click(),
    ]);
    await open(p, ideaPath);
    assert.match(
      (await p.locator(`#kommentar-${otherId} > article`).textContent()) ?? '',
      /Von der Moderation ausgeblendet\. Grund: Werbung entfernt/,
    );
    await p.close();
    await m.close();
  });

  test('answer a survey; results shown live; one response per account', async () => {
    const p = await citizen.newPage();
    await open(p, '/aalen/umfragen/stadt-plattform');
    await p.locator('fieldset').nth(0).locator('input[type="radio"]').first().check();
    await p.locator('fieldset').nth(1).locator('input[type="checkbox"]').nth(1).check();
    // The scale by keyboard: focus the first radio, arrow keys move and select.
    await p.locator('fieldset').nth(2).locator('input[type="radio"]').first().focus();
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowRight');
    await Promise.all([p.waitForURL(/ok=umfrage/), p.click('button:has-text("Antworten absenden")')]);
    assert.match((await p.locator('main').textContent()) ?? '', /Sie haben an dieser Umfrage teilgenommen/);
    assert.match((await p.locator('#h-results').textContent()) ?? '', /1 Antworten/);
    await assertAccessible(p, 'survey results');
    await p.close();
  });

  test('submit a question to the mayor and support another one, keyboard only', async () => {
    const p = await citizen.newPage();
    await open(p, '/aalen/fragestunde/fragestunde-oberbuergermeister');
    const first = p.locator('.sp-card').first();
    const before = Number((await first.locator('[data-count="supports"]').textContent())!.match(/\d+/)![0]);
    await tabTo(p, (i) => i.text.startsWith('Unterstützen'));
    await Promise.all([p.waitForURL(/#frage-/), p.keyboard.press('Enter')]);
    const after1 = Number(
      (await p.locator('.sp-card').first().locator('[data-count="supports"]').textContent())!.match(
        /\d+/,
      )![0],
    );
    assert.equal(after1, before + 1);
    await tabTo(p, (i) => i.id === 'f-body');
    await p.keyboard.type('Wann wird der Radweg am Kocher beleuchtet?');
    await p.keyboard.press('Tab');
    await Promise.all([p.waitForURL(/ok=frage/), p.keyboard.press('Enter')]);
    assert.match((await p.locator('main').textContent()) ?? '', /Radweg am Kocher.*wartet auf Freigabe/s);
    await assertAccessible(p, 'Fragestunde after asking');
    await p.close();
  });

  test('no request left the server', () => {
    assert.deepEqual(e.thirdParty, []);
  });
});
