import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, cityId, form, type TestApp, testApp, userAgent } from '../../../test/helpers.ts';
import { getOfferBySlug } from './service.ts';
import { JSON_FORMAT } from './transfer.ts';

const SCRIPT = '<script>alert(1)</script>';
const BREAKOUT = '"><img src=x onerror=alert(1)>';
const JS_URL = 'javascript:alert(1)';
const ALL = `${SCRIPT}${BREAKOUT} ${JS_URL}`;

const TAG = /<([a-zA-Z][\w-]*)((?:\s+[^\s=>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/g;
const ATTR = /([^\s=>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
const decode = (v: string) =>
  v
    .replace(/&#x([0-9a-f]+);?/gi, (_, x: string) => String.fromCodePoint(Number.parseInt(x, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ':')
    .replace(/&amp;/g, '&');

/**
 * Markup that would run: every tag is read with its attributes (values in quotes may hold anything), and
 * none may be a script with code, an event handler or a javascript: URL. Every "<" followed by a letter
 * must open such a well-formed tag, so nothing half-escaped slips past.
 */
function assertInert(html: string, where: string) {
  let tags = 0;
  for (const m of html.matchAll(TAG)) {
    tags++;
    const name = m[1]!.toLowerCase();
    assert.notEqual(name, 'img', `${where}: injected img element`);
    assert.notEqual(name, 'iframe', `${where}: injected iframe element`);
    for (const a of m[2]!.matchAll(ATTR)) {
      const attr = a[1]!.toLowerCase();
      const value = decode(a[2] ?? a[3] ?? a[4] ?? '')
        .replace(/\s/g, '')
        // Browsers skip control characters inside a URL scheme ("java\tscript:").
        .split('')
        .filter((c) => c.charCodeAt(0) > 31)
        .join('')
        .toLowerCase();
      assert.ok(!attr.startsWith('on'), `${where}: event handler ${m[0]}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attr)) {
        assert.ok(!value.startsWith('javascript:'), `${where}: javascript: URL in ${m[0]}`);
      }
    }
    if (name === 'script') {
      assert.match(m[0], /type="application\/ld\+json"|src="\/assets\//, `${where}: script element ${m[0]}`);
    }
  }
  assert.equal(
    tags,
    [...html.matchAll(/<[a-zA-Z]/g)].length,
    `${where}: a "<" that opens no well-formed tag`,
  );
  assert.doesNotMatch(
    html,
    /<script(?![^>]*(application\/ld\+json|src=))[^>]*>/i,
    `${where}: script element`,
  );
  // The JSON-LD block must not be closable from inside.
  for (const m of html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)) {
    assert.doesNotMatch(m[1]!, /</, `${where}: raw < inside JSON-LD`);
    JSON.parse(m[1]!);
  }
}

describe('directory: hostile text stays inert everywhere it is shown', () => {
  let t: TestApp;
  let editor: Agent;
  let id: string;

  before(async () => {
    t = await testApp();
    editor = await userAgent(t, [{ role: 'editor', city: 'aalen' }]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/angebote/neu',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: editor.cookie },
      payload: form({
        _csrf: editor.csrf,
        city: 'aalen',
        kind: 'facility',
        status: 'published',
        slug: 'xss-probe',
        title: `Sicherheitstest ${SCRIPT}${BREAKOUT}`,
        summary: `Kurztext ${ALL}`,
        body: [
          `# Überschrift ${SCRIPT}`,
          '',
          `Ein [Link](${JS_URL}) und ein [zweiter](JAVASCRIPT:alert(2)) und <a href="${JS_URL}">roh</a>.`,
          '',
          `<script>alert(3)</script>`,
          '',
          `<img src=x onerror=alert(4)> <div onmouseover="alert(5)">Maus</div> ${BREAKOUT}`,
          '',
          `<iframe src="${JS_URL}"></iframe> [bild](x" onerror="alert(6))`,
        ].join('\n'),
        easyLanguage: `Leichte Sprache ${ALL}\n\nZweiter Absatz ${BREAKOUT}`,
        categories: ['sicherheit'],
        tags: `${SCRIPT}, ${BREAKOUT}, ${JS_URL}`,
        provider: `Anbieter ${ALL}`,
        'contact.phone': '07361 52-0',
        'contact.email': `x"onmouseover=alert(1)@example.org`,
        'contact.website': `https://example.org/?q='onmouseover=alert(1)`,
        'address.street': `Marktplatz 1 ${BREAKOUT}`,
        'address.postalCode': '73430',
        'address.locality': `Aalen ${SCRIPT}`,
        'location.lat': '48.8373',
        'location.lon': '10.0936',
        openingHours: `Mo-Fr 08:00-12:00 "${SCRIPT}"`,
        onlineServiceUrl: '',
      }),
    });
    assert.equal(res.statusCode, 303, res.body);
    id = (await getOfferBySlug(t.database.db, await cityId(t.database, 'aalen'), 'xss-probe'))!.id;
  });
  after(async () => t.close());

  test('the checker itself catches live markup', () => {
    for (const live of [
      '<p><script>alert(1)</script></p>',
      '<p><img src=x onerror=alert(1)></p>',
      '<a class="x"onmouseover="alert(1)">x</a>',
      '<a href=" jav&#x61;script:alert(1)">x</a>',
      '<a href=JAVASCRIPT:alert(1)>x</a>',
      '<p title="x">a <b</p>',
    ]) {
      assert.throws(() => assertInert(live, 'probe'), live);
    }
    assertInert('<p title="\'onmouseover=alert(1) &lt;img>">&lt;script&gt;</p>', 'escaped');
  });

  test('the payloads are stored as typed', async () => {
    const offer = await getOfferBySlug(t.database.db, await cityId(t.database, 'aalen'), 'xss-probe');
    assert.equal(offer?.title, `Sicherheitstest ${SCRIPT}${BREAKOUT}`);
    assert.deepEqual(offer?.tags, [SCRIPT, BREAKOUT, JS_URL]);
  });

  test('javascript: URLs are refused where the schema expects a web address', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/offers/${id}`,
      headers: { 'content-type': 'application/json', cookie: editor.cookie, 'x-csrf-token': editor.csrf },
      payload: JSON.stringify({
        slug: 'xss-probe',
        kind: 'digital_offer',
        status: 'published',
        title: 'Titel',
        summary: 'Kurztext mit genug Zeichen.',
        body: '',
        easyLanguage: '',
        categories: ['digital'],
        lifeSituations: [],
        targetGroups: [],
        tags: [],
        provider: '',
        contact: { website: JS_URL },
        address: null,
        location: null,
        openingHours: null,
        accessibility: {},
        onlineServiceUrl: JS_URL,
        leikaKey: null,
        lastReviewed: null,
      }),
    });
    assert.equal(res.statusCode, 422);
    assert.ok(res.json().errors['contact.website']);
    assert.ok(res.json().errors.onlineServiceUrl);
  });

  test('detail page: escaped text, sanitised Markdown, inert JSON-LD', async () => {
    const res = await t.app.inject('/aalen/angebote/xss-probe');
    assert.equal(res.statusCode, 200);
    assertInert(res.body, 'detail');
    assert.match(res.body, /Sicherheitstest &lt;script/);
    assert.match(res.body, /Maus/);
    const [, ld] = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.body)!;
    const data = JSON.parse(ld!);
    assert.equal(data.name, `Sicherheitstest ${SCRIPT}${BREAKOUT}`);
    assert.equal(data.address.streetAddress, `Marktplatz 1 ${BREAKOUT}`);
  });

  test('search page and English pages', async () => {
    for (const url of [
      '/aalen/angebote?q=Sicherheitstest',
      `/aalen/angebote?q=${encodeURIComponent(ALL)}`,
      '/angebote?kategorie=sicherheit',
      '/en/aalen/angebote/xss-probe',
      '/aalen/lebenslagen',
    ]) {
      const res = await t.app.inject(url);
      assert.equal(res.statusCode, 200, url);
      assertInert(res.body, url);
    }
    const search = await t.app.inject('/aalen/angebote?q=Sicherheitstest');
    assert.match(search.body, /Sicherheitstest &lt;script/);
  });

  test('admin list, edit form, delete confirmation and the JSON API', async () => {
    for (const url of [
      '/admin/angebote',
      '/admin/angebote?q=Sicherheitstest',
      `/admin/angebote/${id}`,
      `/admin/angebote/${id}/loeschen`,
    ]) {
      const res = await t.app.inject({ url, headers: { cookie: editor.cookie } });
      assert.equal(res.statusCode, 200, url);
      assertInert(res.body, url);
    }
    const list = await t.app.inject({
      url: '/admin/angebote?q=Sicherheitstest',
      headers: { cookie: editor.cookie },
    });
    assert.match(list.body, /Sicherheitstest &lt;script/);
    const apiRes = await t.app.inject(`/api/v1/offers/${id}`);
    assert.match(apiRes.headers['content-type'] as string, /application\/json/);
    assert.equal(apiRes.json().title, `Sicherheitstest ${SCRIPT}${BREAKOUT}`);
  });

  test('a 422 form re-render keeps hostile input inert', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/admin/angebote/${id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: editor.cookie },
      payload: form({
        _csrf: editor.csrf,
        kind: 'facility',
        status: 'published',
        slug: BREAKOUT,
        title: ALL,
        summary: 'x',
        body: ALL,
        categories: ['sicherheit'],
        'contact.website': JS_URL,
        'location.lat': BREAKOUT,
      }),
    });
    assert.equal(res.statusCode, 422);
    assertInert(res.body, 'form 422');
  });

  test('the import report shows hostile field names and values inert', async () => {
    const file = JSON.stringify({
      format: JSON_FORMAT,
      leistungen: [{ id: BREAKOUT, [SCRIPT]: 1, bezeichnung: ALL }],
    });
    const page = await t.app.inject({ url: '/admin/angebote/import', headers: { cookie: editor.cookie } });
    const action = /action="([^"]+)" enctype/.exec(page.body)![1]!.replace(/&amp;/g, '&');
    const boundary = '----spxss';
    const payload =
      `--${boundary}\r\nContent-Disposition: form-data; name="city"\r\n\r\naalen\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n${file}\r\n--${boundary}--\r\n`;
    const res = await t.app.inject({
      method: 'POST',
      url: action,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: editor.cookie },
      payload,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /1 abgelehnt/);
    assert.match(res.body, /Unbekannte Felder: &lt;script/);
    assertInert(res.body, 'import report');
  });
});
