import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { intakeImage } from '../../platform/files/images.ts';
import { MVT_MEDIA_TYPE } from '../../platform/geo/mvt.ts';
import { badRequest, HttpError, notFound } from '../../platform/http/errors.ts';
import { type City, findCity } from '../../platform/tenancy/service.ts';
import { formString } from '../../platform/web/forms.tsx';
import {
  ContributePage,
  type ContributionValues,
  LayerListPage,
  layerInfo,
  MapPage,
  type PictureLayer,
} from './pages.tsx';
import {
  type BBox,
  contributionLayer,
  contributionPhoto,
  contributionsOf,
  countFeatures,
  createContribution,
  extentOf,
  featuresForPicture,
  featuresInBox,
  findLayer,
  type LayerDef,
  layerTile,
  listFeatures,
  listLayers,
  parseBBox,
  parseCoordinateLines,
  searchPlaces,
  supportableLayerSlug,
  supportContribution,
  validateContribution,
} from './service.ts';

const PER_PAGE = 50;

/** The basemap, only when an admin configured both the tile URL and its origin (CSP img-src). */
export function tileSource(): { url: string; attribution: string } | undefined {
  const origin = process.env.MAP_TILE_ORIGIN;
  const url = process.env.MAP_TILE_URL;
  if (!origin || !url?.startsWith(`${origin}/`)) return undefined;
  return { url, attribution: process.env.MAP_TILE_ATTRIBUTION || origin };
}

/** ?ebenen=a,b or repeated ebenen=a&ebenen=b (checkbox form). */
function selectedKeys(raw: unknown, layers: LayerDef[]): string[] {
  const list = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const known = new Set(layers.map((l) => l.key));
  if (list.length === 0 && raw === undefined) return layers.filter((l) => l.default).map((l) => l.key);
  return [...new Set(list.filter((k) => known.has(k)))];
}

const num = (v: unknown) => {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const n = Number(v.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
};

function focusBox(lon: number, lat: number, zoom: number): BBox {
  // The picture shows about 800 × 500 px around the place at this zoom.
  const d = (360 / (256 * 2 ** zoom)) * 400;
  const dy = d * 0.6 * Math.cos((lat * Math.PI) / 180);
  return [lon - d, lat - dy, lon + d, lat + dy];
}

export async function mapRoutes(app: FastifyInstance) {
  const db = app.database.db;

  async function scope(slug: string | undefined): Promise<{ city: City | undefined; cities: City[] }> {
    const { cities } = await app.tenancy();
    if (slug === undefined) return { city: undefined, cities };
    const city = findCity(cities, slug);
    if (!city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    return { city, cities };
  }

  async function mapPage(request: FastifyRequest, slug: string | undefined) {
    const { city, cities } = await scope(slug);
    const q = request.query as Record<string, unknown>;
    const layers = await listLayers({ db, city, cities });
    const selected = selectedKeys(q.ebenen, layers);
    const lat = num(q.lat);
    const lon = num(q.lon);
    const zoom = Math.min(Math.max(Math.round(num(q.z) ?? 16), 10), 19);
    const focus =
      lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180
        ? { lat, lon, zoom }
        : undefined;
    const extent = await extentOf(db, city);
    const bbox = focus ? focusBox(focus.lon, focus.lat, focus.zoom) : extent;
    const search = typeof q.suche === 'string' ? q.suche.trim().slice(0, 100) : '';
    const shown = layers.filter((l) => selected.includes(l.key));
    const [ctx, picture, counts, hits] = await Promise.all([
      request.pageContext(city),
      Promise.all(shown.map(async (l) => ({ l, features: await featuresForPicture(db, l, bbox) }))),
      Promise.all(layers.map(async (l) => [l.key, await countFeatures(db, l)] as const)),
      search ? searchPlaces(db, layers, search) : Promise.resolve(undefined),
    ]);
    return h(MapPage, {
      ctx,
      layers: layers.map((l) => layerInfo(ctx, l)),
      selected,
      bbox,
      picture: picture.map((p): PictureLayer => ({ layer: layerInfo(ctx, p.l), features: p.features })),
      counts: Object.fromEntries(counts),
      search: { q: search, hits },
      focus,
      tiles: tileSource(),
    });
  }

  app.get('/karte', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await mapPage(request, undefined)),
  );
  app.get<{ Params: { city: string } }>('/:city/karte', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await mapPage(request, request.params.city)),
  );

  async function layerOr404(city: City | undefined, cities: City[], key: string): Promise<LayerDef> {
    const layer = await findLayer({ db, city, cities }, key);
    if (!layer) throw notFound('Diese Kartenebene gibt es nicht.');
    return layer;
  }

  async function listPage(request: FastifyRequest, slug: string | undefined, key: string) {
    const { city, cities } = await scope(slug);
    const layer = await layerOr404(city, cities, key);
    const page = Math.min(
      Math.max(Number.parseInt(String((request.query as { seite?: string }).seite ?? '1'), 10) || 1, 1),
      100_000,
    );
    const [ctx, { items, total }] = await Promise.all([
      request.pageContext(city),
      listFeatures(db, layer, page, PER_PAGE),
    ]);
    return h(LayerListPage, {
      ctx,
      layer: layerInfo(ctx, layer),
      items,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / PER_PAGE)),
    });
  }
  app.get<{ Params: { key: string } }>(
    '/karte/ebenen/:key',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await listPage(request, undefined, request.params.key)),
  );
  app.get<{ Params: { city: string; key: string } }>(
    '/:city/karte/ebenen/:key',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await listPage(request, request.params.city, request.params.key)),
  );

  // ---- JSON API for the map island and other clients ----

  const cityQuery = {
    type: 'object',
    properties: {
      stadt: { type: 'string', maxLength: 60, description: 'City slug; without: the whole region' },
    },
  } as const;

  app.get<{ Querystring: { stadt?: string } }>(
    '/api/v1/karte/ebenen',
    { schema: { summary: 'Layers of the citizen map', tags: ['Karte'], querystring: cityQuery } },
    async (request) => {
      const { city, cities } = await scope(request.query.stadt || undefined);
      const layers = await listLayers({ db, city, cities });
      return layers.map((l) => ({
        key: l.key,
        title: l.title.de,
        description: l.description.de,
        color: l.color,
        symbol: l.symbol,
        dataset: l.dataset ?? null,
      }));
    },
  );

  app.get<{ Params: { key: string }; Querystring: { stadt?: string; bbox: string; zoom: number } }>(
    '/api/v1/karte/ebenen/:key/features',
    {
      schema: {
        summary: 'Features of a layer in a bounding box (GeoJSON, simplified per zoom, clustered when dense)',
        tags: ['Karte'],
        querystring: {
          type: 'object',
          required: ['bbox', 'zoom'],
          properties: {
            ...cityQuery.properties,
            bbox: { type: 'string', description: 'west,south,east,north (WGS84)', maxLength: 100 },
            zoom: { type: 'integer', minimum: 0, maximum: 22 },
          },
        },
      },
    },
    async (request, reply) => {
      const bbox = parseBBox(request.query.bbox);
      if (!bbox) throw badRequest('bbox muss west,süd,ost,nord in WGS84 sein.');
      const { city, cities } = await scope(request.query.stadt || undefined);
      const layer = await layerOr404(city, cities, request.params.key);
      const result = await featuresInBox(db, layer, bbox, request.query.zoom);
      reply.header('cache-control', 'public, max-age=60');
      return reply.type('application/geo+json').send({
        type: 'FeatureCollection',
        clustered: result.clustered,
        features: result.features,
      });
    },
  );

  // Vector tiles: /karte/kacheln/{layer}/{z}/{x}/{y}.mvt (region) and /{city}/karte/kacheln/… (city).
  const tileSchema = {
    summary:
      'Mapbox vector tile of a layer (one MVT layer named by the layer key; properties id, name, info, url)',
    tags: ['Karte'],
    produces: [MVT_MEDIA_TYPE],
    params: {
      type: 'object',
      required: ['layer', 'z', 'x', 'file'],
      properties: {
        city: { type: 'string', maxLength: 60 },
        layer: { type: 'string', maxLength: 60 },
        z: { type: 'integer', minimum: 0, maximum: 22 },
        x: { type: 'integer', minimum: 0 },
        file: { type: 'string', pattern: '^\\d{1,7}\\.mvt$', description: '{y}.mvt' },
      },
    },
  } as const;
  async function tile(
    reply: FastifyReply,
    slug: string | undefined,
    p: { layer: string; z: number; x: number; file: string },
  ) {
    const y = Number.parseInt(p.file, 10);
    const n = 2 ** p.z;
    if (p.x >= n || y >= n) throw notFound('Diese Kachel gibt es nicht.');
    const { city, cities } = await scope(slug);
    const layer = await layerOr404(city, cities, p.layer);
    const body = await layerTile(layer, p.z, p.x, y);
    reply.header('cache-control', 'public, max-age=60').header('access-control-allow-origin', '*');
    return reply.type(MVT_MEDIA_TYPE).send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }
  app.get<{ Params: { layer: string; z: number; x: number; file: string } }>(
    '/karte/kacheln/:layer/:z/:x/:file',
    { schema: tileSchema },
    async (request, reply) => tile(reply, undefined, request.params),
  );
  app.get<{ Params: { city: string; layer: string; z: number; x: number; file: string } }>(
    '/:city/karte/kacheln/:layer/:z/:x/:file',
    { schema: tileSchema },
    async (request, reply) => tile(reply, request.params.city, request.params),
  );

  app.get<{ Querystring: { stadt?: string; q: string } }>(
    '/api/v1/karte/suche',
    {
      schema: {
        summary: 'Search places and addresses on the map layers',
        tags: ['Karte'],
        querystring: {
          type: 'object',
          required: ['q'],
          properties: { ...cityQuery.properties, q: { type: 'string', minLength: 1, maxLength: 100 } },
        },
      },
    },
    async (request) => {
      const { city, cities } = await scope(request.query.stadt || undefined);
      return searchPlaces(db, await listLayers({ db, city, cities }), request.query.q);
    },
  );

  // ---- contributions ----

  async function contributeContext(_request: FastifyRequest, slug: string, layerSlug: string) {
    const { city } = await scope(slug);
    const layer = await contributionLayer(db, city!.id, layerSlug);
    if (!layer) throw notFound('Diese Beteiligung gibt es nicht.');
    return { city: city!, layer };
  }

  async function renderContribute(
    request: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    layerSlug: string,
    values: ContributionValues,
    errors: Record<string, string>,
    status = 200,
    notice?: string,
  ) {
    const { city, layer } = await contributeContext(request, slug, layerSlug);
    const [ctx, contributions, bbox] = await Promise.all([
      request.pageContext(city),
      contributionsOf(db, layer.id, request.user?.id ?? null),
      extentOf(db, city),
    ]);
    return reply.page(
      h(ContributePage, {
        ctx,
        layer: {
          id: layer.id,
          slug: layer.slug,
          title: layer.title,
          description: layer.description,
          question: layer.question ?? layer.title,
          open: layer.contributions_open,
          color: layer.color,
        },
        contributions,
        values,
        errors,
        bbox,
        notice,
        tiles: tileSource(),
      }),
      status,
    );
  }

  const empty: ContributionValues = { kind: 'point', lat: '', lon: '', line: '', comment: '' };

  app.get<{ Params: { city: string; slug: string }; Querystring: { danke?: string } }>(
    '/:city/karte/mitmachen/:slug',
    { schema: { hide: true } },
    async (request, reply) =>
      renderContribute(
        request,
        reply,
        request.params.city,
        request.params.slug,
        empty,
        {},
        200,
        request.query.danke === '1'
          ? 'Danke! Ihr Beitrag wird geprüft und dann veröffentlicht.'
          : request.query.danke === 'unterstuetzt'
            ? 'Danke für Ihre Unterstützung.'
            : undefined,
      ),
  );

  app.post<{ Params: { city: string; slug: string } }>(
    '/:city/karte/mitmachen/:slug',
    { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const { city, layer } = await contributeContext(request, request.params.city, request.params.slug);
      if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an, um mitzumachen.');
      const body = request.body as Record<string, unknown>;
      const values: ContributionValues = {
        kind: formString(body, 'kind') === 'line' ? 'line' : 'point',
        lat: formString(body, 'lat').slice(0, 40),
        lon: formString(body, 'lon').slice(0, 40),
        line: formString(body, 'line').slice(0, 6000),
        comment: formString(body, 'comment').slice(0, 2000),
      };
      let coordinates: [number, number][] = [];
      if (values.kind === 'point') {
        const lat = num(values.lat);
        const lon = num(values.lon);
        if (lat !== undefined && lon !== undefined) coordinates = [[lon, lat]];
      } else coordinates = parseCoordinateLines(values.line) ?? [];
      const input = { kind: values.kind as 'point' | 'line', coordinates, comment: values.comment };
      const errors = validateContribution(input);
      let photo: { data: Buffer; mediaType: string } | undefined;
      const raw = body.photo;
      if (Buffer.isBuffer(raw) && raw.length > 0) {
        try {
          const img = await intakeImage(raw);
          photo = { data: img.data, mediaType: img.mediaType };
        } catch (e) {
          if (e instanceof HttpError && e.statusCode === 413) errors.photo = e.message;
          else
            errors.photo =
              'Das Foto konnte nicht gelesen werden. Bitte wählen Sie ein JPEG-, PNG- oder WebP-Bild.';
        }
      }
      if (Object.keys(errors).length === 0) {
        const result = await createContribution(db, layer, city.id, request.user.id, { ...input, photo });
        if (result === 'outside')
          errors[values.kind === 'point' ? 'lat' : 'line'] = `Der Ort liegt nicht in ${city.name}.`;
        else if (result === 'closed') errors.comment = 'Diese Beteiligung nimmt keine Beiträge mehr an.';
        else return reply.redirect(`/${city.slug}/karte/mitmachen/${layer.slug}?danke=1`, 303);
      }
      return renderContribute(request, reply, city.slug, layer.slug, values, errors, 422);
    },
  );

  app.post<{ Params: { city: string; id: string } }>(
    '/:city/karte/beitraege/:id/unterstuetzen',
    { schema: { hide: true } },
    async (request, reply) => {
      const { city } = await scope(request.params.city);
      if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an.');
      const id = Number(request.params.id);
      const rows = Number.isSafeInteger(id) ? await supportableLayerSlug(db, id, city!.id) : undefined;
      if (!rows) throw notFound('Diesen Beitrag gibt es nicht.');
      await supportContribution(db, id, request.user.id);
      return reply.redirect(
        `/${city!.slug}/karte/mitmachen/${rows.slug}?danke=unterstuetzt#beitrag-${id}`,
        303,
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/karte/beitraege/:id/foto',
    { schema: { hide: true } },
    async (request, reply) => {
      const id = Number(request.params.id);
      const photo = Number.isSafeInteger(id) ? await contributionPhoto(db, id) : undefined;
      if (!photo) throw notFound('Dieses Foto gibt es nicht.');
      reply.header('cache-control', 'public, max-age=300');
      return reply.type(photo.type).send(photo.data);
    },
  );
}
