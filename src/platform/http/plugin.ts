import zlib from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { h } from 'preact';
import { sessionUser, sha256, touchSession } from '../auth/service.ts';
import { getRegion, listCities } from '../tenancy/service.ts';
import { buildPageContext } from '../web/context.ts';
import { ErrorPage } from '../web/error-page.tsx';
import { localePath, splitLocale, translator } from '../web/i18n.ts';
import { registerRender } from '../web/render.ts';
import { CSRF_COOKIE, csrfTokenFor, SESSION_COOKIE, verifyCsrf } from './csrf.ts';
import { HttpError } from './errors.ts';
import { registerObservability } from './observability.ts';
import { registerPageCache } from './page-cache.ts';
import { securityHeaders } from './security.ts';

const TENANCY_TTL_MS = 10_000;

/** Requests that want JSON errors: the APIs and standard interfaces, or a client that asks for JSON. */
export function wantsJson(request: FastifyRequest): boolean {
  const url = request.url;
  if (/^\/(api|open311|sta|opendata)\//.test(url) && !url.startsWith('/api/docs')) return true;
  const accept = request.headers.accept ?? '';
  return (
    !accept.includes('text/html') &&
    (accept.includes('json') || request.headers['content-type']?.includes('json') === true)
  );
}

async function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  extra: object = {},
) {
  if (wantsJson(request)) {
    const t = translator(request.locale ?? 'de');
    const known = [400, 401, 403, 404, 413, 429].includes(status) ? status : status >= 500 ? 500 : 400;
    return reply
      .code(status)
      .type('application/problem+json; charset=utf-8')
      .send({ type: 'about:blank', title: t(`error.${known}.title`), status, detail: message, ...extra });
  }
  const ctx = await request.pageContext();
  return reply.page(h(ErrorPage, { ctx, status, message }), status);
}

/** Cross-cutting HTTP: cookies, forms, sessions, CSRF, security headers, limits, errors, health. */
export const httpPlatform = fp(async (app: FastifyInstance) => {
  const { config } = app;
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  await app.register(compress, {
    threshold: 1024,
    // Dynamic pages: a moderate brotli level compresses well at a fraction of level 11's cost.
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
    // The plugin's default types, plus vector tiles (protobuf, not marked compressible in mime-db;
    // tile clients expect gzip). Never event streams: SSE must flush each event.
    customTypes:
      /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|(?:\+|\/)text(?:;|$)|(?:\+|\/)xml(?:;|$)|octet-stream(?:;|$)|^application\/vnd\.mapbox-vector-tile/,
  });
  securityHeaders(app, { tileOrigin: process.env.MAP_TILE_ORIGIN });
  // Before the session hook: a cached anonymous page needs no session lookup.
  registerPageCache(app, config.pageCacheSeconds);
  registerRender(app);
  registerObservability(app);

  let tenancyCache: { at: number; value: Awaited<ReturnType<FastifyInstance['tenancy']>> } | undefined;
  app.decorate('tenancy', async () => {
    if (tenancyCache && Date.now() - tenancyCache.at < TENANCY_TTL_MS) return tenancyCache.value;
    const [region, cities] = await Promise.all([getRegion(app.database.db), listCities(app.database.db)]);
    tenancyCache = { at: Date.now(), value: { region, cities } };
    return tenancyCache.value;
  });
  app.decorate('invalidateTenancy', () => {
    tenancyCache = undefined;
  });

  app.decorateRequest('locale', 'de');
  app.decorateRequest('user', undefined);
  app.decorateRequest('sessionTokenHash', undefined);
  app.decorateRequest('newCsrfBinding', undefined);
  app.decorateRequest('pageContext', async function pageContext(this: FastifyRequest, city) {
    const { region, cities } = await app.tenancy();
    const reply = (this as unknown as { _reply?: FastifyReply })._reply;
    return buildPageContext({
      locale: this.locale,
      path: this.url,
      region,
      cities,
      city,
      user: this.user,
      csrfToken: () => csrfTokenFor(this, reply!, config.secret),
      assets: app.assets,
      baseUrl: config.baseUrl,
    });
  });

  app.addHook('onRequest', async (request, reply) => {
    (request as unknown as { _reply: FastifyReply })._reply = reply;
    request.locale = (request.raw as { spLocale?: 'de' | 'en' }).spLocale ?? 'de';
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const tokenHash = sha256(token);
      const user = await sessionUser(app.database.db, tokenHash);
      if (user) {
        request.user = user;
        request.sessionTokenHash = tokenHash;
        if (request.method === 'GET') await touchSession(app.database.db, tokenHash);
      } else {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
  });

  app.addHook('preHandler', async (request) => {
    verifyCsrf(request, config.secret);
  });

  // With REDIS_URL the counters are shared, so several instances enforce one limit together.
  let redis: import('ioredis').Redis | undefined;
  if (config.redisUrl) {
    const { Redis } = await import('ioredis');
    redis = new Redis(config.redisUrl, { connectTimeout: 1000, maxRetriesPerRequest: 1, lazyConnect: false });
    app.addHook('onClose', async () => {
      await redis?.quit();
    });
  }
  await app.register(rateLimit, {
    global: true,
    ...(redis ? { redis, nameSpace: 'sp-rate-limit-' } : {}),
    max: config.rateLimit.writesPerMinute,
    timeWindow: 60_000,
    // Reads are cheap and cached; the limit guards writes (forms and API writes).
    allowList: (request) => ['GET', 'HEAD', 'OPTIONS'].includes(request.method),
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        `Zu viele Anfragen. Bitte warten Sie ${Math.ceil(context.ttl / 1000)} Sekunden und versuchen Sie es erneut.`,
      ),
  });

  app.setErrorHandler(async (error: FastifyError | HttpError, request, reply) => {
    // "Log in first": pages send the person to the login form and back; APIs get problem+json.
    if (error.statusCode === 401 && !wantsJson(request)) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`${localePath(request.locale ?? 'de', '/login')}${next}`, 303);
    }
    if (error instanceof HttpError) {
      if (error.statusCode === 429) reply.header('retry-after', '60');
      const t = translator(request.locale ?? 'de');
      const message =
        error.details?.type === 'csrf' && !wantsJson(request) ? t('error.csrf.text') : error.message;
      return sendError(
        request,
        reply,
        error.statusCode,
        message,
        error.details?.errors ? { errors: error.details.errors } : {},
      );
    }
    if (error.validation) {
      const errors: Record<string, string> = {};
      for (const v of error.validation) {
        const field =
          (v.instancePath || (v.params as { missingProperty?: string }).missingProperty || '').replace(
            /^\//,
            '',
          ) ||
          error.validationContext ||
          'request';
        errors[field] = v.message ?? 'ungültig';
      }
      return sendError(request, reply, 400, `Ungültige Eingabe: ${error.message}`, { errors });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return sendError(request, reply, 413, translator(request.locale ?? 'de')('error.413.text'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(request, reply, error.statusCode, error.message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, 500, translator(request.locale ?? 'de')('error.500.text'));
  });

  app.setNotFoundHandler(async (request, reply) => {
    return sendError(request, reply, 404, translator(request.locale)('error.404.text'));
  });

  app.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml');
    return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#00537a"/><path d="M8 24V12l8-5 8 5v12h-5v-7h-6v7z" fill="#fff"/></svg>';
  });

  // The CSRF cookie only exists to bind anonymous forms; it is dropped on login.
  app.decorate('csrfCookieName', CSRF_COOKIE);
});

/** Fastify's rewriteUrl: strips /en and remembers the language for this request. */
export function rewriteLocale(raw: { url?: string; spLocale?: string }): string {
  const { locale, url } = splitLocale(raw.url ?? '/');
  raw.spLocale = locale;
  return url;
}
