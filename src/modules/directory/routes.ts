import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import Type from 'typebox';
import { notFound } from '../../platform/http/errors.ts';
import { cityBoundaryGeoJson, findCity } from '../../platform/tenancy/service.ts';
import { type Offer, OfferInputSchema, OfferSchema } from './model.ts';
import { LifeSituationPage, LifeSituationsPage, OfferPage, offerPath, SearchPage } from './pages.tsx';
import {
  canEdit,
  createOffer,
  deleteOffer,
  getOffer,
  getOfferBySlug,
  listPublished,
  MAX_PER_PAGE,
  type SearchParams,
  searchOffers,
  updateOffer,
} from './service.ts';
import { categorySlugs, LIFE_SITUATIONS, lifeSituationSlugs, OFFER_KINDS } from './taxonomy.ts';

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : [];
const only = (values: string[], allowed: readonly string[]) => values.filter((v) => allowed.includes(v));

/** Search parameters from a page's query string; unknown facet values are ignored, not errors. */
function pageSearchParams(query: Record<string, unknown>, cityId: number | undefined): SearchParams {
  const page = Number.parseInt(String(query.seite ?? '1'), 10);
  return {
    q: typeof query.q === 'string' ? query.q.slice(0, 200) : '',
    cityId,
    kinds: only(list(query.art), OFFER_KINDS),
    categories: only(list(query.kategorie), categorySlugs),
    lifeSituations: only(list(query.lebenslage), lifeSituationSlugs),
    openNow: query.offen === '1',
    online: query.online === '1',
    page: Number.isFinite(page) && page > 0 ? Math.min(page, 10_000) : 1,
    perPage: 20,
  };
}

export function toApi(baseUrl: string, o: Offer) {
  const { cityId: _c, ...rest } = o;
  return {
    ...rest,
    url: baseUrl + offerPath(o),
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    publishedAt: o.publishedAt ? o.publishedAt.toISOString() : null,
  };
}

const Problem = Type.Object({
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export async function directoryRoutes(app: FastifyInstance) {
  const db = app.database.db;

  async function cityOr404(slug: string) {
    const { cities } = await app.tenancy();
    const city = findCity(cities, slug);
    if (!city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    return city;
  }

  async function searchPage(request: FastifyRequest, citySlug?: string) {
    const city = citySlug ? await cityOr404(citySlug) : undefined;
    const query = request.query as Record<string, unknown>;
    let cityId = city?.id;
    if (!city && typeof query.stadt === 'string') {
      cityId = findCity((await app.tenancy()).cities, query.stadt)?.id;
    }
    const params = pageSearchParams(query, cityId);
    const now = new Date();
    const [ctx, result] = await Promise.all([
      request.pageContext(city),
      searchOffers(db, { ...params, now }),
    ]);
    return h(SearchPage, { ctx, params, result, now });
  }

  app.get('/angebote', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await searchPage(request)),
  );
  app.get<{ Params: { city: string } }>(
    '/:city/angebote',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await searchPage(request, request.params.city)),
  );

  async function offerPage(request: FastifyRequest, citySlug: string | undefined, slug: string) {
    const city = citySlug ? await cityOr404(citySlug) : undefined;
    const offer = await getOfferBySlug(db, city?.id ?? null, slug);
    // Drafts are visible to the editors who may publish them, nobody else.
    const staffMayPreview = offer && request.user && canEdit(request.user, offer.cityId);
    if (!offer || (offer.status !== 'published' && !staffMayPreview))
      throw notFound('Dieses Angebot gibt es nicht (mehr).');
    const [ctx, boundary] = await Promise.all([
      request.pageContext(city),
      offer.location ? cityBoundaryGeoJson(db, offer.cityId ?? city?.id ?? 0) : Promise.resolve(undefined),
    ]);
    return h(OfferPage, { ctx, offer, now: new Date(), boundary });
  }

  app.get<{ Params: { slug: string } }>(
    '/angebote/:slug',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await offerPage(request, undefined, request.params.slug)),
  );
  app.get<{ Params: { city: string; slug: string } }>(
    '/:city/angebote/:slug',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await offerPage(request, request.params.city, request.params.slug)),
  );

  async function lifeSituations(request: FastifyRequest, citySlug?: string) {
    const city = citySlug ? await cityOr404(citySlug) : undefined;
    const [ctx, result] = await Promise.all([
      request.pageContext(city),
      searchOffers(db, { cityId: city?.id, perPage: 1 }),
    ]);
    return h(LifeSituationsPage, { ctx, counts: result.facets.life });
  }
  app.get('/lebenslagen', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await lifeSituations(request)),
  );
  app.get<{ Params: { city: string } }>(
    '/:city/lebenslagen',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await lifeSituations(request, request.params.city)),
  );

  async function lifeSituation(request: FastifyRequest, citySlug: string | undefined, slug: string) {
    const city = citySlug ? await cityOr404(citySlug) : undefined;
    if (!LIFE_SITUATIONS.some((l) => l.slug === slug)) throw notFound('Diese Lebenslage gibt es nicht.');
    const [ctx, offers] = await Promise.all([
      request.pageContext(city),
      listPublished(db, city?.id ?? null, slug),
    ]);
    return h(LifeSituationPage, { ctx, slug, offers, now: new Date() });
  }
  app.get<{ Params: { slug: string } }>(
    '/lebenslagen/:slug',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await lifeSituation(request, undefined, request.params.slug)),
  );
  app.get<{ Params: { city: string; slug: string } }>(
    '/:city/lebenslagen/:slug',
    { schema: { hide: true } },
    async (request, reply) =>
      reply.page(await lifeSituation(request, request.params.city, request.params.slug)),
  );

  // ---- JSON API ----

  const SearchQuery = Type.Object(
    {
      q: Type.Optional(
        Type.String({ maxLength: 200, description: 'Suchbegriff (deutsche Volltextsuche, fehlertolerant)' }),
      ),
      city: Type.Optional(
        Type.String({
          pattern: '^[a-z][a-z0-9-]{1,40}$',
          description: 'Slug einer Stadt; Angebote der ganzen Region sind eingeschlossen',
        }),
      ),
      kind: Type.Optional(Type.Array(Type.Union(OFFER_KINDS.map((k) => Type.Literal(k))))),
      category: Type.Optional(Type.Array(Type.Union(categorySlugs.map((k) => Type.Literal(k))))),
      lifeSituation: Type.Optional(Type.Array(Type.Union(lifeSituationSlugs.map((k) => Type.Literal(k))))),
      openNow: Type.Optional(Type.Boolean({ description: 'Nur jetzt geöffnete Angebote' })),
      online: Type.Optional(Type.Boolean({ description: 'Nur online nutzbare Angebote' })),
      page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
      perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 20 })),
    },
    { additionalProperties: false },
  );

  app.get(
    '/api/v1/offers',
    {
      schema: {
        tags: ['Angebote'],
        summary: 'Angebote suchen und filtern',
        querystring: SearchQuery,
        response: {
          200: Type.Object({
            items: Type.Array(OfferSchema),
            total: Type.Integer(),
            page: Type.Integer(),
            perPage: Type.Integer(),
            pages: Type.Integer(),
            facets: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
            suggestion: Type.Optional(
              Type.String({ description: 'Meinten Sie …? Der Suchtext mit unbekannten Wörtern ersetzt' }),
            ),
          }),
          400: Problem,
        },
      },
    },
    async (request) => {
      const query = request.query as {
        q?: string;
        city?: string;
        kind?: string[];
        category?: string[];
        lifeSituation?: string[];
        openNow?: boolean;
        online?: boolean;
        page?: number;
        perPage?: number;
      };
      const city = query.city ? await cityOr404(query.city) : undefined;
      const result = await searchOffers(db, {
        q: query.q ?? '',
        cityId: city?.id,
        kinds: query.kind ?? [],
        categories: query.category ?? [],
        lifeSituations: query.lifeSituation ?? [],
        openNow: query.openNow ?? false,
        online: query.online ?? false,
        page: query.page ?? 1,
        perPage: query.perPage ?? 20,
      });
      return {
        items: result.offers.map((o) => toApi(app.config.baseUrl, o)),
        total: result.total,
        page: result.page,
        perPage: result.perPage,
        pages: result.pages,
        facets: result.facets,
        ...(result.suggestion ? { suggestion: result.suggestion } : {}),
      };
    },
  );

  const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

  app.get<{ Params: { id: string } }>(
    '/api/v1/offers/:id',
    {
      schema: {
        tags: ['Angebote'],
        summary: 'Ein Angebot',
        params: IdParams,
        response: { 200: OfferSchema, 404: Problem },
      },
    },
    async (request) => {
      const offer = await getOffer(db, request.params.id);
      const staff = offer && request.user && canEdit(request.user, offer.cityId);
      if (!offer || (offer.status !== 'published' && !staff)) throw notFound('Angebot nicht gefunden');
      return toApi(app.config.baseUrl, offer);
    },
  );

  const WriteBody = Type.Intersect([
    OfferInputSchema,
    Type.Object({
      city: Type.Union([Type.String(), Type.Null()], { description: 'Slug der Stadt; null = ganze Region' }),
    }),
  ]);
  const staffSecurity = [{ session: [], csrf: [] }];

  // Body errors are reported by the service's validation (422, one readable message per field).
  app.post<{ Body: { city: string | null } & Record<string, unknown> }>(
    '/api/v1/offers',
    {
      attachValidation: true,
      schema: {
        tags: ['Angebote'],
        summary: 'Angebot anlegen (Redaktion)',
        security: staffSecurity,
        body: WriteBody,
        response: { 201: OfferSchema, 400: Problem, 401: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      requireLogin(request);
      const body = (request.body ?? {}) as { city?: string | null } & Record<string, unknown>;
      const { city: citySlug, ...input } = body;
      const city = citySlug ? await cityOr404(citySlug) : null;
      const offer = await createOffer(db, request.user, city?.id ?? null, input);
      return reply
        .code(201)
        .header('location', `/api/v1/offers/${offer.id}`)
        .send(toApi(app.config.baseUrl, offer));
    },
  );

  app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/api/v1/offers/:id',
    {
      attachValidation: true,
      schema: {
        tags: ['Angebote'],
        summary: 'Angebot ändern (Redaktion)',
        description: 'Ersetzt alle Felder des Angebots; die Stadt eines Angebots ändert sich nicht.',
        security: staffSecurity,
        params: IdParams,
        body: OfferInputSchema,
        response: { 200: OfferSchema, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      requireLogin(request);
      const { city: _ignored, ...input } = (request.body ?? {}) as Record<string, unknown>;
      return toApi(app.config.baseUrl, await updateOffer(db, request.user, request.params.id, input));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/offers/:id',
    {
      schema: {
        tags: ['Angebote'],
        summary: 'Angebot löschen (Redaktion)',
        security: staffSecurity,
        params: IdParams,
        response: { 204: Type.Null(), 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      requireLogin(request);
      await deleteOffer(db, request.user, request.params.id);
      return reply.code(204).send();
    },
  );
}

function requireLogin(request: FastifyRequest) {
  if (!request.user) {
    throw Object.assign(new Error('Bitte melden Sie sich an.'), { statusCode: 401 });
  }
}
