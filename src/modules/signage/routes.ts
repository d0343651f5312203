/**
 * The device side of a stele: its page, playlist (JSON with pre-rendered slides), live events (SSE),
 * heartbeat, and the service worker that keeps the last good content on screen while the server is away.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { notFound } from '../../platform/http/errors.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { SignageHub } from './hub.ts';
import { DisplayPage } from './pages.tsx';
import { buildPlaylist, refreshSeconds, type Slide } from './playlist.ts';
import { isActiveAt } from './schedule.ts';
import {
  activeEmergency,
  HEARTBEAT_SECONDS,
  heartbeat,
  listSlides,
  type SteleRow,
  toPublicEmergency,
  verifyDevice,
} from './service.ts';
import { SlideView } from './slides.tsx';

type DeviceRequest = FastifyRequest<{
  Params: { id: string };
  Querystring: { key?: string; slide?: string };
}>;

const windowOf = (s: Slide) => ({ weekdays: s.weekdays, from: s.from, to: s.to });

export async function displayRoutes(app: FastifyInstance, opts: { hub: SignageHub }) {
  const { hub } = opts;
  const db = app.database.db;
  const { secret, baseUrl } = app.config;

  async function device(request: DeviceRequest): Promise<{ stele: SteleRow; city: City }> {
    const stele = await verifyDevice(db, secret, request.params.id, request.query.key);
    const city = (await app.tenancy()).cities.find((c) => c.id === stele.city_id);
    if (!city) throw notFound('Diese Anzeige gibt es nicht.');
    return { stele, city };
  }

  async function playlist(stele: SteleRow, city: City, now: Date) {
    const [rows, emergency] = await Promise.all([
      listSlides(db, stele.id),
      activeEmergency(db, stele.city_id),
    ]);
    const slides = await buildPlaylist({ db, secret, baseUrl, city, stele, slides: rows, now });
    return { slides, emergency: toPublicEmergency(emergency) };
  }

  const urls = (request: DeviceRequest, stele: SteleRow) => {
    const key = `key=${encodeURIComponent(request.query.key ?? '')}`;
    const base = request.locale === 'en' ? '/en/display' : '/display';
    return {
      page: `${base}/${stele.id}?${key}`,
      playlist: `${base}/${stele.id}/playlist?${key}`,
      events: `/display/${stele.id}/events?${key}`,
      heartbeat: `/display/${stele.id}/heartbeat?${key}`,
    };
  };

  const deviceQuery = Type.Object({
    key: Type.Optional(Type.String({ maxLength: 64 })),
    slide: Type.Optional(Type.String({ maxLength: 4 })),
  });
  const deviceParams = Type.Object({ id: Type.String({ maxLength: 12 }) });

  app.get<{ Params: { id: string }; Querystring: { key?: string; slide?: string } }>(
    '/display/:id',
    { schema: { hide: true, params: deviceParams, querystring: deviceQuery } },
    async (request, reply) => {
      const { stele, city } = await device(request);
      const now = new Date();
      const { slides, emergency } = await playlist(stele, city, now);
      const activeIds = slides.filter((s) => isActiveAt(windowOf(s), now)).map((s) => s.id);
      const current = /^\d{1,3}$/.test(request.query.slide ?? '') ? Number(request.query.slide) : 0;
      // The device URL carries the key: never cached by shared caches, never sent as referrer.
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return reply.page(
        h(DisplayPage, {
          ctx: await request.pageContext(city),
          city,
          stele,
          slides,
          activeIds,
          current,
          emergency,
          urls: urls(request, stele),
          heartbeatSeconds: HEARTBEAT_SECONDS,
          refreshSeconds: refreshSeconds(slides),
        }),
      );
    },
  );

  app.get<{ Params: { id: string }; Querystring: { key?: string } }>(
    '/display/:id/playlist',
    { schema: { hide: true, params: deviceParams, querystring: deviceQuery } },
    async (request, reply) => {
      const { stele, city } = await device(request);
      const { slides, emergency } = await playlist(stele, city, new Date());
      reply.header('cache-control', 'no-store');
      return {
        emergency,
        refreshSeconds: refreshSeconds(slides),
        heartbeatSeconds: HEARTBEAT_SECONDS,
        slides: slides.map((s, i) => ({
          id: s.id,
          kind: s.kind,
          duration: s.duration,
          weekdays: s.weekdays,
          from: s.from,
          to: s.to,
          html: renderToString(
            h(SlideView, { locale: request.locale, slide: s, index: i, total: slides.length }),
          ),
        })),
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { key?: string } }>(
    '/display/:id/events',
    { schema: { hide: true, params: deviceParams, querystring: deviceQuery } },
    async (request, reply) => {
      const { stele } = await device(request);
      const emergency = toPublicEmergency(await activeEmergency(db, stele.city_id));
      // The stream bypasses Fastify's reply (and compression, which would buffer events).
      reply.hijack();
      hub.open(
        { steleId: stele.id, cityId: stele.city_id, res: reply.raw },
        { event: 'emergency', data: emergency },
      );
    },
  );

  app.post<{
    Params: { id: string };
    Querystring: { key?: string };
    Body: { slideId: number | null; emergencyId: number | null };
  }>(
    '/display/:id/heartbeat',
    {
      schema: {
        hide: true,
        params: deviceParams,
        querystring: deviceQuery,
        body: Type.Object(
          {
            slideId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
            emergencyId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
          },
          { additionalProperties: false },
        ),
      },
      // Many steles may share one public address (a city network): limit per device, not per address.
      config: {
        csrf: false,
        rateLimit: {
          max: 12,
          timeWindow: 60_000,
          keyGenerator: (request: FastifyRequest) => `stele:${(request.params as { id: string }).id}`,
        },
      },
    },
    async (request, reply) => {
      const { stele } = await device(request);
      await heartbeat(db, stele, request.body);
      return reply.code(204).send();
    },
  );

  // The service worker must live under /display/ (its scope) at a stable URL; the code is the built island.
  let worker: string | undefined;
  app.get('/display/sw.js', { schema: { hide: true } }, async (_request, reply) => {
    if (!worker) {
      const file = app.assets.script('display-sw');
      if (!file) throw notFound();
      worker = readFileSync(path.join(app.config.publicDir, file.replace(/^\/assets\//, '')), 'utf8');
    }
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('service-worker-allowed', '/display/')
      .send(worker);
  });
}
