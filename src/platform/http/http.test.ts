import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, testApp } from '../../../test/helpers.ts';

describe('platform HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => t.close());

  test('region start page renders with layout, skip link, language and city switch', async () => {
    const res = await t.app.inject('/');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /<html lang="de">/);
    assert.match(res.body, /href="#inhalt"/);
    assert.match(res.body, /href="\/aalen\/"/);
    assert.match(res.body, /href="\/heidenheim\/"/);
    assert.match(res.body, /href="\/en\/"/);
    assert.match(res.body, /Impressum/);
  });

  test('English pages live under /en and say so in lang', async () => {
    const res = await t.app.inject('/en/aalen/');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="en">/);
    assert.match(res.body, /Skip to content/);
  });

  test('city portal; unknown city is a 404 page', async () => {
    assert.equal((await t.app.inject('/heidenheim/')).statusCode, 200);
    const res = await t.app.inject('/atlantis/');
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /Seite nicht gefunden|gibt es auf der Plattform nicht/);
    const redirect = await t.app.inject('/aalen');
    assert.equal(redirect.statusCode, 301);
    assert.equal(redirect.headers.location, '/aalen/');
  });

  test('strict CSP and security headers on every page', async () => {
    const res = await t.app.inject('/');
    const csp = res.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.doesNotMatch(res.body, /<script(?![^>]*(src=|application\/ld\+json))[^>]*>/);
  });

  test('no cookie is set on a plain page view', async () => {
    const res = await t.app.inject('/aalen/angebote');
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('health, readiness and metrics', async () => {
    assert.equal((await t.app.inject('/healthz')).statusCode, 200);
    const ready = await t.app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().status, 'ready');
    const metrics = await t.app.inject('/metrics');
    assert.match(metrics.body, /http_request_duration_seconds_bucket/);
  });

  test('API errors are problem+json', async () => {
    const res = await t.app.inject('/api/v1/nothing-here');
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/);
    assert.equal(res.json().status, 404);
  });

  test('a form post without CSRF token is refused with a readable page', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: 'x=1',
    });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Formular ist abgelaufen/);
  });

  test('oversized bodies get 413', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/offers',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ city: null, body: 'x'.repeat(2_000_000) }),
    });
    assert.equal(res.statusCode, 413);
    assert.match(res.headers['content-type'] as string, /problem\+json/);
  });

  test('OpenAPI 3.1 document lists the offers API', async () => {
    const res = await t.app.inject('/api/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/offers'].get);
    assert.ok(doc.paths['/api/v1/offers/{id}'].get);
    const pages = Object.keys(doc.paths).filter((p) => !/^\/(api|open311|sta|opendata)\//.test(p));
    assert.deepEqual(pages, [], 'HTML pages are not part of the API document');
    const docs = await t.app.inject('/api/docs');
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /GET \/api\/v1\/offers/);
  });

  test('pages are compressed when the client accepts it', async () => {
    const res = await t.app.inject({ url: '/', headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(res.headers['content-encoding'], 'br');
  });
});

describe('page cache for anonymous views', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ pageCacheSeconds: 5 });
  });
  after(async () => t.close());

  test('a cookieless repeat of a page is served from the cache; /en stays English', async () => {
    const first = await t.app.inject('/aalen/');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['x-page-cache'], undefined);
    const second = await t.app.inject('/aalen/');
    assert.equal(second.headers['x-page-cache'], 'hit');
    assert.equal(second.body, first.body);
    assert.match(second.headers['content-security-policy'] as string, /script-src 'self'/);
    const en = await t.app.inject('/en/aalen/');
    assert.match(en.body, /<html lang="en"/);
    assert.equal((await t.app.inject('/en/aalen/')).headers['x-page-cache'], 'hit');
    assert.match((await t.app.inject('/aalen/')).body, /<html lang="de"/);
  });

  test('requests with a cookie, pages that set one, errors and other URLs are never served from it', async () => {
    await t.app.inject('/heidenheim/');
    const withCookie = await t.app.inject({ url: '/heidenheim/', headers: { cookie: 'sp_csrf=x' } });
    assert.equal(withCookie.headers['x-page-cache'], undefined);
    // The feedback form sets the CSRF cookie: that page is personal and is not stored.
    const form = await t.app.inject('/aalen/barrierefreiheit');
    assert.ok(form.headers['set-cookie']);
    assert.equal((await t.app.inject('/aalen/barrierefreiheit')).headers['x-page-cache'], undefined);
    await t.app.inject('/nirgendwo/');
    assert.equal((await t.app.inject('/nirgendwo/')).statusCode, 404);
    assert.equal((await t.app.inject('/nirgendwo/')).headers['x-page-cache'], undefined);
    await t.app.inject('/aalen/?a=1');
    assert.equal((await t.app.inject('/aalen/?a=2')).headers['x-page-cache'], undefined);
  });
});
