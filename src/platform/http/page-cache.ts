import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * A few seconds of cache for anonymous page views (micro-caching, as nginx or Varnish do in front of a
 * CMS): a request without any cookie gets the HTML another cookieless request of the same URL got
 * moments ago, instead of a new render with its database queries. Only pages qualify that set no
 * cookie while rendering (pages with a form set the CSRF cookie) and answer 200; signed-in people and
 * anyone who filled a form carry a cookie and always get a fresh page. Entries live `seconds` at most,
 * so a change shows for anonymous visitors after that time; 0 turns the cache off (tests).
 */
const MAX_ENTRIES = 2_000;

interface Entry {
  at: number;
  html: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Keeps a rendered page for cookieless requests of the same URL, when it qualifies. */
    storePage(request: FastifyRequest, reply: FastifyReply, html: string): void;
  }
  interface FastifyRequest {
    /** The key under which this request's page may be stored, when it qualifies. */
    pageCacheKey: string | undefined;
    /** The rendered page, stored once the response is known to set no cookie. */
    pageCacheHtml: string | undefined;
  }
}

export function registerPageCache(app: FastifyInstance, seconds: number): void {
  const ttl = seconds * 1000;
  const entries = new Map<string, Entry>();
  app.decorateRequest('pageCacheKey', undefined);
  app.decorateRequest('pageCacheHtml', undefined);
  app.decorate('storePage', (request: FastifyRequest, _reply: FastifyReply, html: string) => {
    if (request.pageCacheKey) request.pageCacheHtml = html;
  });
  if (ttl <= 0) return;

  // Cookies are written into the headers in onSend (by @fastify/cookie, registered earlier), so only
  // here is it known whether the page set one.
  app.addHook('onSend', async (request, reply, payload) => {
    const { pageCacheKey: key, pageCacheHtml: html } = request;
    if (key && html && reply.statusCode === 200 && !reply.hasHeader('set-cookie')) {
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(key, { at: Date.now(), html });
    }
    return payload;
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || request.headers.cookie || request.headers.authorization) return;
    // The original URL: /en/… and /… are rewritten to one route but are different pages.
    const key = `${request.originalUrl}\n${request.headers.accept ?? ''}`;
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttl) {
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('x-page-cache', 'hit')
        .send(hit.html);
    }
    request.pageCacheKey = key;
  });
}
