/**
 * Service worker of the stele pages (scope /display/, served from /display/sw.js). Pages and playlists:
 * network first, the cached copy when the server does not answer within a few seconds; hashed assets:
 * cache first. So a display that restarts while the network or the server is away still comes up with
 * its last good content, and the page's own retries bring it back to live content afterwards.
 */
interface FetchEventLike extends Event {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
interface ExtendableEventLike extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface ExtendableMessageEventLike extends ExtendableEventLike {
  data: { type?: string; urls?: string[] };
}
const sw = self as unknown as {
  addEventListener(type: 'fetch', fn: (e: FetchEventLike) => void): void;
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEventLike) => void): void;
  addEventListener(type: 'message', fn: (e: ExtendableMessageEventLike) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
};

const CACHE = 'sp-display-v1';
const NETWORK_TIMEOUT_MS = 4000;

/** Cache key: the URL without the no-JS rotation parameter. */
function keyOf(url: string): string {
  const u = new URL(url, sw.location.origin);
  u.searchParams.delete('slide');
  return u.toString();
}

sw.addEventListener('install', (e) => {
  e.waitUntil(sw.skipWaiting());
});
sw.addEventListener('activate', (e) => {
  e.waitUntil(sw.clients.claim());
});

sw.addEventListener('message', (e) => {
  if (e.data?.type !== 'precache' || !Array.isArray(e.data.urls)) return;
  const urls = e.data.urls.filter((u): u is string => typeof u === 'string' && u.startsWith('/'));
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const u of urls) {
        try {
          const res = await fetch(u, { cache: 'no-store' });
          if (res.ok) await cache.put(keyOf(u), res);
        } catch {
          // offline right now: the next load caches it
        }
      }
      // Assets of older builds are no longer needed once the page names new ones.
      const keep = new Set(urls.map(keyOf));
      for (const req of await cache.keys())
        if (new URL(req.url).pathname.startsWith('/assets/') && !keep.has(req.url)) await cache.delete(req);
    })(),
  );
});

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const key = keyOf(request.url);
  try {
    const res = await Promise.race([
      fetch(request),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), NETWORK_TIMEOUT_MS)),
    ]);
    // Only good answers replace the cached copy; a 5xx while the server restarts must not.
    if (res.ok) await cache.put(key, res.clone());
    else if (res.status >= 500) throw new Error(String(res.status));
    return res;
  } catch (err) {
    const hit = await cache.match(key);
    if (!hit) throw err;
    const headers = new Headers(hit.headers);
    headers.set('x-sp-from-cache', '1');
    return new Response(await hit.blob(), { status: hit.status, statusText: hit.statusText, headers });
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request.url);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request.url, res.clone());
  return res;
}

sw.addEventListener('fetch', (e) => {
  const { request } = e;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  if (url.pathname.startsWith('/assets/')) return e.respondWith(cacheFirst(request));
  // The event stream and the worker itself go straight to the network.
  if (/^\/(en\/)?display\/\d+(\/playlist)?$/.test(url.pathname)) e.respondWith(networkFirst(request));
});
