import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seedBonus } from '../../src/modules/bonus/seed.ts';
import {
  checkinToken,
  createPlace,
  ledgerTotal,
  ROTATION_SECONDS,
  upsertAction,
  walletBalance,
} from '../../src/modules/bonus/service.ts';
import { sql } from '../../src/platform/db/index.ts';
import { type Agent, cityId, userAgent } from '../helpers.ts';
import { assertAccessible, type E2E, type focusInfo, skipReason, startE2E, TIMEOUT, tab } from './support.ts';

describe('Stadttaler in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let citizen: Agent;
  let partner: Agent;
  let admin: Agent;
  let citizenContext: BrowserContext;
  let partnerContext: BrowserContext;
  let adminContext: BrowserContext;
  let checkinPath: string;
  let expiredPath: string;

  async function signedIn(agent: Agent) {
    const [name, value] = agent.cookie.split('=') as [string, string];
    const context = await e.context();
    await context.addCookies([{ name, value, url: e.origin, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  async function open(p: Page, path: string, status = 200) {
    const res = await p.goto(e.origin + path);
    assert.equal(res?.status(), status, `${path} answers ${status}`);
  }

  /** Tabs forward until the focused element satisfies match; fails after `max` presses. */
  async function tabTo(p: Page, what: string, match: (f: Awaited<ReturnType<typeof focusInfo>>) => boolean) {
    for (let i = 0; i < 120; i++) if (match(await tab(p))) return;
    assert.fail(`Tab never reached ${what}`);
  }

  before(async () => {
    e = await startE2E();
    const db = e.t.database.db;
    await seedBonus(db);
    const aalen = await cityId(e.t.database, 'aalen');
    // A printed code worth enough for a reward, and a stele whose code rotates.
    const actionId = await upsertAction(db, {
      cityId: aalen,
      slug: 'e2e-wertstoffe',
      name: 'Sperrmüll richtig angemeldet',
      points: 120,
      verification: 'checkin',
      limitPerDay: 1,
    });
    const place = await createPlace(db, {
      cityId: aalen,
      actionId,
      name: 'Bürgerbüro Aalen',
      codeKind: 'static',
    });
    checkinPath = `/bonus/c/${checkinToken(e.t.config.secret, place)}`;
    const stele = await createPlace(db, {
      cityId: aalen,
      actionId,
      name: 'Stele Marktplatz',
      codeKind: 'rotating',
    });
    const old = new Date(Date.now() - 4 * ROTATION_SECONDS * 1000);
    expiredPath = `/bonus/c/${checkinToken(e.t.config.secret, stele, old)}`;

    citizen = await userAgent(e.t);
    partner = await userAgent(e.t, [{ role: 'partner', city: 'heidenheim' }]);
    admin = await userAgent(e.t, [{ role: 'admin', city: null }]);
    // The partner staff acts for the Weltladen in Heidenheim (the other city).
    await db.execute(sql`INSERT INTO bonus_partner_members (partner_id, user_id)
      SELECT id, ${partner.userId} FROM bonus_partners WHERE slug = 'weltladen'`);
    citizenContext = await signedIn(citizen);
    partnerContext = await signedIn(partner);
    adminContext = await signedIn(admin);
  });
  after(async () => {
    if (e) assert.equal(await ledgerTotal(e.t.database.db), 0, 'the ledger balances after the browser flows');
    await e?.close();
  });

  test('keyboard only: check in by QR link, see the points, take a voucher of the other city; the partner redeems it', async () => {
    const p = await citizenContext.newPage();
    await open(p, checkinPath);
    assert.match(String(await p.locator('h1').textContent()), /120 Punkte/);
    await assertAccessible(p, 'check-in result');

    // The place is in Aalen: the result page links to Aalen's wallet view.
    await tabTo(p, 'the link to the wallet', (f) => f.href === '/aalen/bonus' && /Stadttalern/.test(f.text));
    await Promise.all([p.waitForURL((u) => u.pathname === '/aalen/bonus'), p.keyboard.press('Enter')]);
    assert.match(String(await p.locator('.sp-bonus-balance').textContent()), /120 Punkte/);
    await assertAccessible(p, 'wallet');

    // The Weltladen's reward (Heidenheim), reached by Tab alone.
    let onWeltladen = false;
    for (let i = 0; i < 150 && !onWeltladen; i++) {
      const f = await tab(p);
      if (f.tag !== 'button') continue;
      onWeltladen = await p.evaluate(
        () => document.activeElement?.closest('li')?.textContent?.includes('Weltladen') ?? false,
      );
    }
    assert.ok(onWeltladen, 'Tab reaches "Gutschein holen" of the Weltladen');
    await Promise.all([p.waitForURL(/\/bonus\/gutscheine\/\d+$/), p.keyboard.press('Enter')]);
    const code = String(await p.locator('.sp-voucher-code').textContent()).trim();
    assert.match(code, /^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    assert.equal(await p.locator('.sp-qr svg').count(), 1, 'the voucher shows a QR code');
    await assertAccessible(p, 'voucher');
    const voucherUrl = p.url();

    const q = await partnerContext.newPage();
    await open(q, '/partner/einloesen');
    await assertAccessible(q, 'partner redeem form');
    await tabTo(q, 'the code field', (f) => f.id === 'f-code');
    await q.keyboard.type(code.toLowerCase());
    await q.keyboard.press('Enter');
    await q.waitForSelector('.kern-alert--success');
    assert.match(
      String(await q.locator('.kern-alert--success').textContent()),
      /Eingelöst: „1 € Gutschrift“ für 100 Punkte/,
    );
    await assertAccessible(q, 'partner redeem done');

    // A second try is refused with the reason in the error summary.
    await q.fill('#f-code', code);
    await q.keyboard.press('Enter');
    await q.waitForSelector('.sp-error-summary');
    assert.match(String(await q.locator('.sp-error-summary').textContent()), /bereits eingelöst/);
    await assertAccessible(q, 'partner redeem refused');

    await p.goto(voucherUrl);
    assert.match(String(await p.locator('main').textContent()), /wurde eingelöst/);
    assert.equal(await walletBalance(e.t.database.db, citizen.userId), 20);
  });

  test('an expired rotating code is refused with a clear message', async () => {
    const p = await citizenContext.newPage();
    await open(p, expiredPath, 410);
    assert.match(String(await p.locator('main').textContent()), /abgelaufen/);
    await assertAccessible(p, 'expired code');
  });

  test('the partner confirms an action by the member code the citizen shows', async () => {
    const c = await citizenContext.newPage();
    await open(c, '/bonus/mitgliedscode');
    await assertAccessible(c, 'member code');
    const code = String(await c.locator('.sp-voucher-code').textContent()).trim();
    const q = await partnerContext.newPage();
    await open(q, '/partner');
    await assertAccessible(q, 'partner home');
    await open(q, '/partner/bestaetigen');
    await assertAccessible(q, 'partner confirm form');
    await q.selectOption('#f-action', { label: 'Im Repair-Café repariert (100)' });
    await tabTo(q, 'the member code field', (f) => f.id === 'f-code');
    await q.keyboard.type(code);
    await q.keyboard.press('Enter');
    await q.waitForSelector('.kern-alert--success');
    assert.match(String(await q.locator('.kern-alert--success').textContent()), /100 Punkte gutgeschrieben/);
    assert.equal(await walletBalance(e.t.database.db, citizen.userId), 120);
  });

  for (const [name, path, who] of [
    ['public statistics', '/bonus/statistik', 'citizen'],
    ['city statistics', '/heidenheim/bonus/statistik', 'citizen'],
    ['settlement list', '/admin/bonus/abrechnung', 'admin'],
    ['anomalies', '/admin/bonus/auffaelligkeiten', 'admin'],
    ['campaigns', '/admin/bonus/kampagnen', 'admin'],
    ['partner administration', '/admin/bonus/partner', 'admin'],
  ] as const)
    test(`axe: no violations on ${name}`, async () => {
      const p = await (who === 'admin' ? adminContext : citizenContext).newPage();
      await open(p, path);
      await assertAccessible(p, name);
    });

  test('axe: the month settlement page with the clearing matrix', async () => {
    const p = await adminContext.newPage();
    const month = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
    }).format(new Date());
    await open(p, `/admin/bonus/abrechnung/${month}`);
    assert.match(String(await p.locator('#clearing-matrix').textContent()), /Aalen/);
    assert.match(
      String(await p.locator('main').textContent()),
      /Aalen zahlt an Heidenheim: 100 Punkte \(1,00\s€\)/,
    );
    await assertAccessible(p, 'settlement month');
  });
});
