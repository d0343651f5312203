import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { seedSensors } from '../../src/modules/sensors/seed.ts';
import { createApiKey, listDatastreams } from '../../src/modules/sensors/service.ts';
import { cityId } from '../helpers.ts';
import {
  assertAccessible,
  assertNoHorizontalScroll,
  type E2E,
  skipReason,
  startE2E,
  TIMEOUT,
} from './support.ts';

/** The Stadtdaten dashboard in a real browser: accessible, live updates without reload, chart and table. */
describe('Stadtdaten dashboard in the browser', { skip: skipReason, timeout: TIMEOUT }, () => {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  let key: string;

  before(async () => {
    e = await startE2E();
    await seedSensors(e.t.database.db);
    key = (await createApiKey(e.t.database.db, { cityId: await cityId(e.t.database, 'aalen'), name: 'e2e' }))
      .key;
    context = await e.context();
    page = await context.newPage();
  });
  after(async () => e?.close());

  test('dashboard: axe wide and at 320 px, no sideways scrolling', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const res = await page.goto(`${e.origin}/aalen/stadtdaten`);
    assert.equal(res?.status(), 200);
    await assertAccessible(page, 'Stadtdaten');
    await page.setViewportSize({ width: 320, height: 640 });
    await assertNoHorizontalScroll(page, 'Stadtdaten at 320 px');
    await assertAccessible(page, 'Stadtdaten at 320 px');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('a new value appears on the open page without reload (SSE)', async () => {
    await page.goto(`${e.origin}/aalen/stadtdaten`);
    await page.waitForSelector('.sp-live:not([hidden])');
    const ds = (await listDatastreams(e.t.database.db, { cityId: await cityId(e.t.database, 'aalen') })).find(
      (d) => d.kind === 'temperature',
    )!;
    const res = await fetch(`${e.origin}/sta/v1.1/Datastreams(${ds.id})/Observations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ phenomenonTime: new Date().toISOString(), result: 31.7 }),
    });
    assert.equal(res.status, 201);
    await page.waitForFunction(
      (id) => document.querySelector(`[data-ds="${id}"] [data-value]`)?.textContent === '31,7',
      ds.id,
    );
  });

  test('datastream page: chart island draws, table alternative and CSV link, keyboard reachable, axe', async () => {
    const ds = (await listDatastreams(e.t.database.db, { cityId: await cityId(e.t.database, 'aalen') })).find(
      (d) => d.kind === 'air_quality',
    )!;
    await page.goto(`${e.origin}/aalen/stadtdaten/${ds.id}?tage=1`);
    await page.waitForSelector('.sp-chart canvas');
    assert.ok((await page.locator('table.sp-table tbody tr').count()) >= 24);
    assert.equal(await page.locator('a[download]').count(), 1);
    await assertAccessible(page, 'Datastream page');
    assert.deepEqual(e.thirdParty, []);
  });
});
