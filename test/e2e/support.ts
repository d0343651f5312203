/**
 * Shared set-up for the browser tests: the app in-process on a free loopback port with the demo
 * offers, Debian's Chromium through playwright-core, a guard that blocks and records every request to
 * another host, axe-core with the WCAG 2.1 AA / EN 301 549 rule set, and a few page helpers.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import type { Config } from '../../src/config.ts';
import { seedDirectory } from '../../src/modules/directory/seed.ts';
import { type TestApp, testApp } from '../helpers.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** A reason to skip the browser tests, or undefined when they can run. */
export const skipReason: string | undefined = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} not found (apt-get install chromium; CI installs it)`;

/** A backstop per test file so a hung browser fails the run instead of stalling CI. */
export const TIMEOUT = 10 * 60_000;

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'EN-301-549'];

export interface E2E {
  t: TestApp;
  /** http://127.0.0.1:PORT, no trailing slash. */
  origin: string;
  browser: Browser;
  /** Requests the guard blocked because they went to another host. */
  thirdParty: string[];
  /** A new browser context with the third-party guard installed. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Starts the app (demo offers seeded) on a free port and launches Chromium. */
export async function startE2E(overrides: Partial<Config> = {}): Promise<E2E> {
  const t = await testApp(overrides);
  await seedDirectory(t.database.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  const thirdParty: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    t,
    origin,
    browser,
    thirdParty,
    async context(options = {}) {
      const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin', ...options });
      contexts.push(context);
      context.setDefaultTimeout(30_000);
      // Pages must not talk to any other host (fonts, scripts, tiles, trackers): block and record.
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
        if (url.hostname === '127.0.0.1' && url.port === String(port)) return route.continue();
        thirdParty.push(route.request().url());
        return route.abort('blockedbyclient');
      });
      return context;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await t.close();
    },
  };
}

/** Runs axe on the current page and fails with a readable list of violations. */
export async function assertAccessible(page: Page, label = page.url()): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const lines = results.violations.map(
    (v) =>
      `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
        .join('\n')}`,
  );
  assert.equal(results.violations.length, 0, `axe violations on ${label}:\n${lines.join('\n')}`);
}

/** At the current viewport the page must not scroll sideways (WCAG 1.4.10 Reflow). */
export async function assertNoHorizontalScroll(page: Page, label = page.url()): Promise<void> {
  const { scrollWidth, clientWidth, wide } = await page.evaluate(() => {
    const doc = document.documentElement;
    // Name the widest offenders so a failure says where to look.
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
    return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, wide };
  });
  assert.ok(
    scrollWidth <= clientWidth,
    `${label} scrolls horizontally: ${scrollWidth} > ${clientWidth} (${wide.join(', ')})`,
  );
}

/** Describes the focused element and whether a focus indicator (outline or box-shadow) is drawn. */
export async function focusInfo(page: Page): Promise<{
  tag: string;
  id: string;
  text: string;
  href: string;
  visible: boolean;
  indicator: string;
}> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body)
      return { tag: 'body', id: '', text: '', href: '', visible: false, indicator: '' };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && Number.parseFloat(s.outlineWidth) > 0;
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    const r = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      text: (el.textContent ?? '').trim().slice(0, 80),
      href: el.getAttribute('href') ?? '',
      visible: (outline || shadow) && r.width > 0 && r.height > 0,
      indicator: outline
        ? `outline ${s.outlineStyle} ${s.outlineWidth}`
        : shadow
          ? `box-shadow ${s.boxShadow}`
          : 'none',
    };
  });
}

/** Presses Tab and asserts the newly focused element shows a focus indicator. */
export async function tab(page: Page, shift = false) {
  await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
  const info = await focusInfo(page);
  assert.ok(info.visible, `focus indicator missing on <${info.tag}> "${info.text}" (${info.indicator})`);
  return info;
}
