/**
 * First-view budget (docs: architecture "Budgets"): a content page, with everything a browser fetches
 * for it on a cold cache (HTML, CSS, scripts, fonts, images, icon), is at most 60 KB compressed, and
 * nothing on it makes the browser ask another host.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { seedDirectory } from '../src/modules/directory/seed.ts';
import { type TestApp, testApp } from './helpers.ts';

const BUDGET_BYTES = 60 * 1024;
const SEED_FILE = new URL('../src/modules/directory/seed/offers.json', import.meta.url);
const skip = existsSync(SEED_FILE)
  ? false
  : 'demo offers (src/modules/directory/seed/offers.json) are missing: no content to measure';

type Kind = 'html' | 'css' | 'js' | 'font' | 'image' | 'other';

interface Fetched {
  url: string;
  kind: Kind;
  bytes: number;
  encoding: string | undefined;
  body: string;
}

interface Ref {
  /** Where it was found, for messages: `<img src>`, `url()` … */
  where: string;
  url: string;
}

const decode = (v: string) =>
  v
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'");

/** Every start tag with its attributes (names lower-cased, values entity-decoded). */
function tags(html: string): { name: string; attrs: Record<string, string> }[] {
  // Script and style bodies are not markup (JSON-LD holds URLs of vocabularies, not requests).
  const markup = html.replace(/<(script|style)\b([^>]*)>[\s\S]*?<\/\1>/gi, '<$1$2>');
  const out: { name: string; attrs: Record<string, string> }[] = [];
  for (const m of markup.matchAll(/<([a-zA-Z][\w-]*)\b([^>]*)>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([^\s"'=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      attrs[a[1]!.toLowerCase()] = decode(a[2] ?? a[3] ?? a[4] ?? '');
    }
    out.push({ name: m[1]!.toLowerCase(), attrs });
  }
  return out;
}

const srcsetUrls = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim().split(/\s+/)[0]!)
    .filter(Boolean);

/** URLs in an HTML page: what the browser fetches, and every other URL-valued attribute. */
function htmlRefs(html: string): { fetched: Ref[]; all: Ref[]; outboundLinks: Ref[] } {
  const fetched: Ref[] = [];
  const all: Ref[] = [];
  const outboundLinks: Ref[] = [];
  for (const { name, attrs } of tags(html)) {
    const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
    for (const attr of ['src', 'href', 'srcset', 'action', 'poster', 'data', 'formaction', 'xlink:href']) {
      const value = attrs[attr];
      if (value === undefined) continue;
      const urls = attr === 'srcset' ? srcsetUrls(value) : [value];
      for (const url of urls) {
        const ref = { where: `<${name} ${attr}>`, url };
        // A plain link is navigation, not a request; its target may be any website.
        if (name === 'a' && attr === 'href') {
          outboundLinks.push(ref);
          continue;
        }
        all.push(ref);
        const requested =
          (name === 'link' &&
            attr === 'href' &&
            rel.some((r) => ['stylesheet', 'icon', 'preload', 'modulepreload', 'manifest'].includes(r))) ||
          (['script', 'img', 'source', 'iframe', 'embed', 'video', 'audio', 'input'].includes(name) &&
            (attr === 'src' || attr === 'srcset')) ||
          (name === 'video' && attr === 'poster') ||
          (name === 'object' && attr === 'data');
        if (requested) fetched.push(ref);
      }
    }
  }
  return { fetched, all, outboundLinks };
}

/** url(…) and @import references in a stylesheet. */
function cssRefs(css: string): Ref[] {
  const refs: Ref[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*?))\s*\)/g)) {
    refs.push({ where: 'url()', url: (m[1] ?? m[2] ?? m[3] ?? '').trim() });
  }
  for (const m of css.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/g)) {
    refs.push({ where: '@import', url: m[1] ?? m[2]! });
  }
  return refs;
}

function kindOf(url: string, contentType: string): Kind {
  if (/text\/html/.test(contentType)) return 'html';
  if (/text\/css/.test(contentType) || url.endsWith('.css')) return 'css';
  if (/javascript/.test(contentType) || /\.m?js$/.test(url)) return 'js';
  if (/font/.test(contentType) || /\.(woff2?|ttf|otf)$/.test(url)) return 'font';
  if (/^image\//.test(contentType)) return 'image';
  return 'other';
}

describe('first-view budget and no third-party requests', { skip }, () => {
  let t: TestApp;
  let ownOrigin: string;

  before(async () => {
    t = await testApp();
    await seedDirectory(t.database.db);
    ownOrigin = new URL(t.config.baseUrl).origin;
  });
  after(async () => t?.close());

  async function get(url: string): Promise<Fetched> {
    const res = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
    assert.equal(res.statusCode, 200, `${url} answered ${res.statusCode}`);
    const encoding = res.headers['content-encoding'] as string | undefined;
    const contentType = String(res.headers['content-type'] ?? '');
    const text = /text|javascript|json|svg|css/.test(contentType);
    // rawPayload holds the bytes on the wire; decode only to read the text.
    let body = '';
    if (text) {
      body = (encoding === 'br' ? brotliDecompressSync(res.rawPayload) : res.rawPayload).toString('utf8');
    }
    return { url, kind: kindOf(url, contentType), bytes: res.rawPayload.length, encoding, body };
  }

  /** Is this URL one our own server answers (a path, or an absolute URL on our own origin)? */
  function isOwn(url: string): boolean {
    if (url.startsWith('data:') || url.startsWith('#')) return true;
    if (url.startsWith('//')) return false;
    if (!/^[a-zA-Z][\w+.-]*:/.test(url)) return true; // relative path
    try {
      return new URL(url).origin === ownOrigin;
    } catch {
      return false;
    }
  }

  const toPath = (url: string) => (url.startsWith('/') ? url : new URL(url).pathname);

  async function firstView(path: string) {
    const page = await get(path);
    assert.equal(page.kind, 'html');
    const refs = htmlRefs(page.body);
    const foreign = refs.all.filter((r) => !isOwn(r.url));
    assert.deepEqual(foreign, [], `${path} refers to another host`);
    const seen = new Set<string>([path]);
    const files: Fetched[] = [page];
    const queue = refs.fetched.map((r) => r.url);
    while (queue.length) {
      const url = queue.shift()!;
      if (url.startsWith('data:') || seen.has(url)) continue;
      seen.add(url);
      const file = await get(toPath(url));
      files.push(file);
      if (file.kind === 'css') {
        const inCss = cssRefs(file.body);
        const foreignCss = inCss.filter((r) => !isOwn(r.url));
        assert.deepEqual(foreignCss, [], `${url} refers to another host`);
        queue.push(...inCss.map((r) => r.url));
      }
      if (file.kind === 'js') {
        // Islands are bundled: a static import of another host would be a request on load.
        assert.doesNotMatch(
          file.body,
          /\bimport\s*(?:[\w{}\s,*]+from\s*)?["']https?:/,
          `${url} imports from another host`,
        );
      }
    }
    const sum = (k?: Kind) => files.filter((f) => !k || f.kind === k).reduce((n, f) => n + f.bytes, 0);
    return { page, files, refs, total: sum(), byKind: (k: Kind) => sum(k) };
  }

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

  for (const [label, path] of [
    ['region start page', '/'],
    ['city start page', '/aalen/'],
    ['search results', '/aalen/angebote?q=Pass'],
    ['offer detail', 'OFFER'],
  ] as const) {
    test(`${label}: ≤ 60 KB compressed on first view, only our own host`, async (tc) => {
      let url: string = path;
      if (path === 'OFFER') {
        // The first result of the search page: an offer with text, facts and the map.
        const search = await get('/aalen/angebote?q=Pass');
        const m = /href="(\/aalen\/angebote\/[a-z0-9-]+)"/.exec(search.body);
        assert.ok(m, 'the search page lists an offer');
        url = m[1]!;
      }
      const view = await firstView(url);
      assert.equal(view.page.encoding, 'br', `${url} is served brotli-compressed`);
      for (const f of view.files) {
        if (f.kind === 'css' || (f.kind === 'js' && f.bytes > 1024)) {
          assert.equal(f.encoding, 'br', `${f.url} is served pre-compressed`);
        }
      }
      assert.ok(view.byKind('css') > 0, 'the page has its stylesheet');
      tc.diagnostic(
        `${url}: total ${kb(view.total)} = HTML ${kb(view.byKind('html'))}, CSS ${kb(view.byKind('css'))}, ` +
          `JS ${kb(view.byKind('js'))}, fonts ${kb(view.byKind('font'))}, images ${kb(view.byKind('image'))}, ` +
          `other ${kb(view.byKind('other'))} (${view.files.length} requests)`,
      );
      assert.ok(
        view.total <= BUDGET_BYTES,
        `${url}: ${view.total} bytes > ${BUDGET_BYTES}: ${view.files.map((f) => `${f.url} ${f.bytes}`).join(', ')}`,
      );
      if (path === 'OFFER' && /class="sp-minimap"/.test(view.page.body)) {
        assert.ok(
          view.files.some((f) => f.kind === 'js' && /\/map-[\w]+\.js$/.test(f.url)),
          'an offer with a map loads the map island',
        );
      }
    });
  }

  test('the checks catch what they are meant to catch', () => {
    const html =
      '<link rel="stylesheet" href="https://cdn.example/x.css"><img src="/a.png" srcset="/b.png 2x, //c.example/c.png 3x">' +
      '<a href="https://www.openstreetmap.org/">OSM</a><script type="application/ld+json">{"u":"https://schema.org"}</script>';
    const refs = htmlRefs(html);
    assert.deepEqual(
      refs.fetched.map((r) => r.url),
      ['https://cdn.example/x.css', '/a.png', '/b.png', '//c.example/c.png'],
    );
    assert.deepEqual(
      refs.outboundLinks.map((r) => r.url),
      ['https://www.openstreetmap.org/'],
    );
    assert.deepEqual(
      cssRefs(
        '@font-face{src:url(/f.woff2) format("woff2")}a{background:url("data:image/svg+xml,x")}@import "https://x/y.css";',
      ).map((r) => r.url),
      ['/f.woff2', 'data:image/svg+xml,x', 'https://x/y.css'],
    );
    assert.equal(isOwn('/assets/app.css'), true);
    assert.equal(isOwn('data:image/png;base64,AAAA'), true);
    assert.equal(isOwn(`${ownOrigin}/en/`), true);
    assert.equal(isOwn('https://cdn.example/x.css'), false);
    assert.equal(isOwn('//cdn.example/x.css'), false);
  });
});
