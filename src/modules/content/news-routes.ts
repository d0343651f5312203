/**
 * Public side of news, events and campaigns: pages, Atom feeds, iCal, images, registration, and the
 * read-only JSON API (/api/v1/news, /api/v1/events). Each page exists for the region (/…) and per city
 * (/{city}/…); a city shows its own items and the region's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import Type from 'typebox';
import type { Db } from '../../platform/db/index.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import { type City, cityBoundaryGeoJson, findCity } from '../../platform/tenancy/service.ts';
import { formString } from '../../platform/web/forms.tsx';
import { localePath } from '../../platform/web/i18n.ts';
import { actionNames } from '../bonus/service.ts';
import { addComment, approvedComments } from './comments.ts';
import { ValidationError } from './editorial.ts';
import { atomFeed } from './feed.ts';
import { calendar } from './ical.ts';
import {
  ACCESSIBILITY_FACTS,
  EVENT_CATEGORIES,
  type EventItem,
  eventPath,
  imagePath,
  type NewsItem,
  newsPath,
} from './model.ts';
import {
  CampaignListPage,
  CampaignPage,
  CancelPage,
  type EventFilter,
  EventListPage,
  EventPage,
  type EventRow,
  NewsListPage,
  NewsPage,
  RegisteredPage,
  type RegistrationFormState,
} from './news-pages.tsx';
import {
  campaignBySlug,
  eventById,
  imageData,
  newsBySlug,
  publishedCampaigns,
  publishedEvents,
  publishedNews,
  type Scope,
} from './queries.ts';
import { berlinDate, berlinToDate, occurrences } from './recurrence.ts';
import {
  availability,
  cancelRegistration,
  register,
  registrationByToken,
  registrationInput,
} from './registration.ts';

const NEWS_PER_PAGE = 12;
const LIST_LIMIT = 100;
const FEED_ITEMS = 30;

type CityParams = { city?: string };

/** Expands events into dated rows between from and to, soonest first. */
export function rowsOf(events: EventItem[], from: Date, to: Date, limit: number): EventRow[] {
  const rows: EventRow[] = [];
  for (const event of events) {
    for (const occurrence of occurrences(event, from, to, limit)) rows.push({ event, occurrence });
  }
  return rows
    .sort((a, b) => a.occurrence.start.getTime() - b.occurrence.start.getTime() || a.event.id - b.event.id)
    .slice(0, limit);
}

const dayStart = (ymd: string) => {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return berlinToDate({ year: y, month: m, day: d, hour: 0, minute: 0 });
};

/** Linked events (dated within the campaign) and boosted bonus actions of a campaign. */
export async function campaignExtras(
  db: Db,
  campaign: { cityId: number; eventIds: number[]; bonusActionIds: number[]; startsAt: Date; endsAt: Date },
) {
  const [events, actions] = await Promise.all([
    publishedEvents(db, { scope: 'all', at: new Date(), from: campaign.startsAt, ids: campaign.eventIds }),
    actionNames(db, campaign.cityId),
  ]);
  return {
    events: rowsOf(events, campaign.startsAt, campaign.endsAt, 200),
    actions: actions.filter((a) => campaign.bonusActionIds.includes(a.id)),
  };
}

export async function newsRoutes(app: FastifyInstance) {
  const db = app.database.db;

  async function where(request: FastifyRequest<{ Params: CityParams }>) {
    const { cities } = await app.tenancy();
    const slug = request.params.city;
    const city = slug ? findCity(cities, slug) : undefined;
    if (slug && !city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    const scope: Scope = city ? { cityId: city.id } : 'all';
    return { city, scope, cities };
  }

  /** GET route for the region and each city. */
  function both<P extends Record<string, string>>(
    path: string,
    handler: (request: FastifyRequest<{ Params: P & CityParams }>, reply: FastifyReply) => Promise<unknown>,
    method: 'GET' | 'POST' = 'GET',
    config?: Record<string, unknown>,
  ) {
    for (const url of [path, `/:city${path}`]) {
      app.route<{ Params: P & CityParams }>({
        method,
        url,
        schema: { hide: true },
        ...(config ? { config } : {}),
        handler,
      });
    }
  }

  // ------------------------------------------------------------------------------------- news

  both('/aktuelles', async (request, reply) => {
    const { city, scope } = await where(request);
    const query = request.query as Record<string, unknown>;
    const tag = typeof query.thema === 'string' && query.thema.length <= 40 ? query.thema : undefined;
    const page = Math.max(1, Math.min(1000, Number.parseInt(String(query.seite ?? '1'), 10) || 1));
    const now = new Date();
    const [{ items, total }, recent] = await Promise.all([
      publishedNews(db, { scope, at: now, tag, limit: NEWS_PER_PAGE, offset: (page - 1) * NEWS_PER_PAGE }),
      publishedNews(db, { scope, at: now, limit: 100 }),
    ]);
    const tags = [...new Set(recent.items.flatMap((n) => n.tags))].sort((a, b) => a.localeCompare(b, 'de'));
    const ctx = await request.pageContext(city);
    return reply.page(
      h(NewsListPage, { ctx, items, page, pages: Math.ceil(total / NEWS_PER_PAGE), tag, tags }),
    );
  });

  both('/aktuelles/feed.atom', async (request, reply) => {
    const { city, scope } = await where(request);
    const { region } = await app.tenancy();
    const { items } = await publishedNews(db, { scope, at: new Date(), limit: FEED_ITEMS });
    const base = city ? `/${city.slug}` : '';
    reply.header('cache-control', 'public, max-age=300');
    return reply.type('application/atom+xml; charset=utf-8').send(
      atomFeed(items, {
        title: `Aktuelles – ${city?.name ?? region.name}`,
        baseUrl: app.config.baseUrl,
        selfPath: `${base}/aktuelles/feed.atom`,
        htmlPath: `${base}/aktuelles`,
        author: city?.contact.organisation ?? region.name,
      }),
    );
  });

  both<{ slug: string }>('/aktuelles/:slug', async (request, reply) => {
    const { city } = await where(request);
    const item = await newsBySlug(db, city?.id ?? null, request.params.slug, new Date());
    if (!item) throw notFound('Diese Meldung gibt es nicht oder sie ist (noch) nicht veröffentlicht.');
    const ctx = await request.pageContext(city);
    const sent = (request.query as Record<string, unknown>).kommentar === 'eingegangen';
    const comments = item.commentsEnabled
      ? { list: await approvedComments(db, item.id), value: '', error: undefined, sent }
      : undefined;
    return reply.page(h(NewsPage, { ctx, item, comments }));
  });

  both<{ slug: string }>(
    '/aktuelles/:slug/kommentare',
    async (request, reply) => {
      const { city } = await where(request);
      const item = await newsBySlug(db, city?.id ?? null, request.params.slug, new Date());
      if (!item) throw notFound('Diese Meldung gibt es nicht oder sie ist (noch) nicht veröffentlicht.');
      if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an.');
      const value = formString(request.body, 'comment');
      try {
        await addComment(db, item.id, request.user, value);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const ctx = await request.pageContext(city);
        const list = await approvedComments(db, item.id);
        const error = ctx.t(err.fieldErrors.comment!);
        return reply.page(h(NewsPage, { ctx, item, comments: { list, value, error, sent: false } }), 422);
      }
      const path = localePath(request.locale, newsPath(item.city, item.slug));
      return reply.redirect(`${path}?kommentar=eingegangen#comments-heading`, 303);
    },
    'POST',
    { rateLimit: { max: 5, timeWindow: 60_000 } },
  );

  app.get<{ Params: { id: string } }>(
    '/inhalte/bilder/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const m = /^([0-9a-f-]{36})\.webp$/.exec(request.params.id);
      const image = m ? await imageData(db, m[1]!) : undefined;
      if (!image) throw notFound('Dieses Bild gibt es nicht.');
      // Ids are random and images never change under an id: cache for long.
      reply.header('cache-control', 'public, max-age=604800, immutable');
      return reply.type(image.media_type).send(image.data);
    },
  );

  // ----------------------------------------------------------------------------------- events

  function filterOf(query: Record<string, unknown>): EventFilter {
    const s = (k: string, max = 100) =>
      typeof query[k] === 'string' ? (query[k] as string).trim().slice(0, max) : '';
    const view = s('ansicht');
    const month = s('monat');
    const from = s('ab');
    return {
      view: view === 'kalender' || view === 'karte' ? view : 'liste',
      q: s('q'),
      category: (EVENT_CATEGORIES as readonly string[]).includes(s('kategorie')) ? s('kategorie') : '',
      free: s('kostenlos') === '1',
      accessibility: (ACCESSIBILITY_FACTS as readonly string[]).includes(s('barrierefrei'))
        ? s('barrierefrei')
        : '',
      from: /^\d{4}-\d{2}-\d{2}$/.test(from) ? from : '',
      month: /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : berlinDate(new Date()).slice(0, 7),
    };
  }

  both('/veranstaltungen', async (request, reply) => {
    const { city, scope, cities } = await where(request);
    const filter = filterOf(request.query as Record<string, unknown>);
    const now = new Date();
    let from: Date;
    let to: Date;
    if (filter.view === 'kalender') {
      from = dayStart(`${filter.month}-01`);
      const [y, m] = filter.month.split('-').map(Number) as [number, number];
      to = berlinToDate({
        year: m === 12 ? y + 1 : y,
        month: m === 12 ? 1 : m + 1,
        day: 1,
        hour: 0,
        minute: 0,
      });
    } else {
      from = filter.from ? dayStart(filter.from) : now;
      to = new Date(from.getTime() + 366 * 86_400_000);
    }
    const events = await publishedEvents(db, {
      scope,
      at: now,
      from,
      to,
      category: filter.category || undefined,
      free: filter.free,
      accessibility: filter.accessibility || undefined,
      q: filter.q || undefined,
    });
    const limit = filter.view === 'kalender' ? 1000 : LIST_LIMIT;
    const all = rowsOf(events, from, to, limit + 1);
    const rows = all.slice(0, limit);
    const boundaries =
      filter.view === 'karte'
        ? await Promise.all((city ? [city] : cities).map((c: City) => cityBoundaryGeoJson(db, c.id)))
        : [];
    const ctx = await request.pageContext(city);
    return reply.page(h(EventListPage, { ctx, rows, filter, boundaries, more: all.length > limit }));
  });

  both('/events.ics', async (request, reply) => {
    const { city, scope } = await where(request);
    const { region } = await app.tenancy();
    // Everything from 30 days back: calendar apps keep recent past entries.
    const events = await publishedEvents(db, {
      scope,
      at: new Date(),
      from: new Date(Date.now() - 30 * 86_400_000),
    });
    reply.header('cache-control', 'public, max-age=300');
    reply.header('content-disposition', `inline; filename="veranstaltungen-${city?.slug ?? 'region'}.ics"`);
    return reply.type('text/calendar; charset=utf-8').send(
      calendar(events, {
        name: `Veranstaltungen – ${city?.name ?? region.name}`,
        baseUrl: app.config.baseUrl,
      }),
    );
  });

  /** The event at this address: `/{city}/veranstaltungen/{id}` must name the event's own city. */
  async function visibleEvent(request: FastifyRequest<{ Params: CityParams & { id: string } }>) {
    const { city } = await where(request);
    const m = /^(\d{1,9})(\.ics)?$/.exec(request.params.id);
    const event = m ? await eventById(db, Number(m[1]), new Date()) : undefined;
    if (!event || (event.cityId ?? null) !== (city?.id ?? null))
      throw notFound('Diese Veranstaltung gibt es nicht oder sie ist (noch) nicht veröffentlicht.');
    return { city, event, ics: Boolean(m?.[2]) };
  }

  async function renderEvent(
    request: FastifyRequest<{ Params: CityParams & { id: string } }>,
    reply: FastifyReply,
    city: City | undefined,
    event: EventItem,
    form: RegistrationFormState,
    status = 200,
  ) {
    const now = new Date();
    const [a, boundary, campaigns] = await Promise.all([
      event.registration === 'internal' ? availability(db, event, now) : undefined,
      event.location && event.cityId ? cityBoundaryGeoJson(db, event.cityId) : undefined,
      event.cityId ? publishedCampaigns(db, { scope: { cityId: event.cityId }, at: now }) : [],
    ]);
    const next = occurrences(event, now, new Date(now.getTime() + 800 * 86_400_000), 12);
    const ctx = await request.pageContext(city);
    return reply.page(
      h(EventPage, {
        ctx,
        event,
        next: next.length ? next : [{ start: event.startsAt, end: event.endsAt }],
        availability: a,
        form,
        boundary,
        campaigns: campaigns.filter((c) => c.eventIds.includes(event.id)),
      }),
      status,
    );
  }

  both<{ id: string }>('/veranstaltungen/:id', async (request, reply) => {
    const { city, event, ics } = await visibleEvent(request);
    if (ics) {
      reply.header('content-disposition', `attachment; filename="veranstaltung-${event.id}.ics"`);
      return reply
        .type('text/calendar; charset=utf-8')
        .send(calendar([event], { name: event.title, baseUrl: app.config.baseUrl }));
    }
    return renderEvent(request, reply, city, event, {
      values: { name: '', email: '', seats: 1 },
      errors: {},
    });
  });

  both<{ id: string }>(
    '/veranstaltungen/:id/anmelden',
    async (request, reply) => {
      const { city, event } = await visibleEvent(request);
      const body = (request.body ?? {}) as Record<string, string>;
      const { input, errors } = registrationInput(body);
      const values = {
        name: formString(body, 'name'),
        email: formString(body, 'email'),
        seats: formString(body, 'seats'),
      };
      if (Object.keys(errors).length)
        return renderEvent(request, reply, city, event, { values, errors }, 422);
      try {
        const result = await register(db, event.id, input, { baseUrl: app.config.baseUrl });
        const ctx = await request.pageContext(city);
        return reply.page(
          h(RegisteredPage, { ctx, event, status: result.status, position: result.position }),
        );
      } catch (err) {
        if (err instanceof ValidationError)
          return renderEvent(request, reply, city, event, { values, errors: err.fieldErrors }, 422);
        throw err;
      }
    },
    'POST',
    { rateLimit: { max: 10, timeWindow: 60_000 } },
  );

  both<{ id: string }>('/veranstaltungen/:id/abmelden', async (request, reply) => {
    const { city, event } = await visibleEvent(request);
    const token = String((request.query as Record<string, unknown>).t ?? '');
    const registration = await registrationByToken(db, event.id, token);
    const ctx = await request.pageContext(city);
    // Mail scanners follow links: GET only asks, the POST cancels.
    reply.header('cache-control', 'no-store');
    return reply.page(h(CancelPage, { ctx, event, token, registration }), registration ? 200 : 404);
  });

  both<{ id: string }>(
    '/veranstaltungen/:id/abmelden',
    async (request, reply) => {
      const { city, event } = await visibleEvent(request);
      const token = formString(request.body, 't');
      const result = await cancelRegistration(db, event.id, token, { baseUrl: app.config.baseUrl });
      const ctx = await request.pageContext(city);
      return reply.page(
        h(CancelPage, {
          ctx,
          event,
          token: '',
          registration: { name: '', status: 'cancelled' },
          done: result.cancelled,
        }),
      );
    },
    'POST',
    { rateLimit: { max: 10, timeWindow: 60_000 } },
  );

  // -------------------------------------------------------------------------------- campaigns

  app.get<{ Params: { city: string } }>(
    '/:city/aktionen',
    { schema: { hide: true } },
    async (request, reply) => {
      const { city } = await where(request);
      const campaigns = await publishedCampaigns(db, { scope: { cityId: city!.id }, at: new Date() });
      const ctx = await request.pageContext(city);
      return reply.page(h(CampaignListPage, { ctx, campaigns }));
    },
  );

  app.get<{ Params: { city: string; slug: string } }>(
    '/:city/aktionen/:slug',
    { schema: { hide: true } },
    async (request, reply) => {
      const { city } = await where(request);
      const campaign = await campaignBySlug(db, city!.id, request.params.slug, new Date());
      if (!campaign) throw notFound('Diese Aktion gibt es nicht oder sie ist (noch) nicht veröffentlicht.');
      const ctx = await request.pageContext(city);
      return reply.page(h(CampaignPage, { ctx, campaign, ...(await campaignExtras(db, campaign)) }));
    },
  );

  // ---------------------------------------------------------------------------------- JSON API

  const Problem = Type.Object({ title: Type.String(), status: Type.Integer(), detail: Type.String() });
  const NewsSchema = Type.Object({
    id: Type.Integer(),
    city: Type.Union([Type.String(), Type.Null()], { description: 'Slug der Stadt; null = ganze Region' }),
    slug: Type.String(),
    title: Type.String(),
    teaser: Type.String(),
    body: Type.String({ description: 'Markdown' }),
    easyLanguage: Type.String({ description: 'Fassung in Leichter Sprache (Markdown), leer wenn keine' }),
    tags: Type.Array(Type.String()),
    image: Type.Union([Type.Object({ url: Type.String(), alt: Type.String() }), Type.Null()]),
    publishedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    url: Type.String(),
  });
  const base = app.config.baseUrl;
  const newsJson = (n: NewsItem) => ({
    id: n.id,
    city: n.city,
    slug: n.slug,
    title: n.title,
    teaser: n.teaser,
    body: n.body,
    easyLanguage: n.easyLanguage,
    tags: n.tags,
    image: n.imageId ? { url: `${base}${imagePath(n.imageId)}`, alt: n.imageAlt } : null,
    publishedAt: n.publishAt!.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
    url: `${base}${newsPath(n.city, n.slug)}`,
  });

  async function apiScope(slug: string | undefined): Promise<Scope> {
    if (!slug) return 'all';
    const city = findCity((await app.tenancy()).cities, slug);
    if (!city) throw new HttpError(404, 'Diese Stadt gibt es auf der Plattform nicht.');
    return { cityId: city.id };
  }

  app.get(
    '/api/v1/news',
    {
      schema: {
        tags: ['Inhalte'],
        summary: 'Veröffentlichte Nachrichten, neueste zuerst',
        querystring: Type.Object({
          city: Type.Optional(
            Type.String({ description: 'Slug der Stadt: ihre und die regionsweiten Nachrichten' }),
          ),
          tag: Type.Optional(Type.String({ maxLength: 40 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000, default: 0 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(NewsSchema), total: Type.Integer() }),
          404: Problem,
        },
      },
    },
    async (request) => {
      const q = request.query as { city?: string; tag?: string; limit?: number; offset?: number };
      const { items, total } = await publishedNews(db, {
        scope: await apiScope(q.city),
        at: new Date(),
        tag: q.tag,
        limit: q.limit ?? 20,
        offset: q.offset ?? 0,
      });
      return { items: items.map(newsJson), total };
    },
  );

  const EventSchema = Type.Object({
    id: Type.Integer(),
    city: Type.Union([Type.String(), Type.Null()]),
    title: Type.String(),
    description: Type.String({ description: 'Markdown' }),
    status: Type.Union([Type.Literal('scheduled'), Type.Literal('cancelled')]),
    startsAt: Type.String({ format: 'date-time', description: 'Beginn dieses Termins' }),
    endsAt: Type.String({
      format: 'date-time',
      description: 'Ende dieses Termins (bei ganztägigen: exklusiv, Mitternacht)',
    }),
    allDay: Type.Boolean(),
    rrule: Type.Union([Type.String({ description: 'RFC-5545-RRULE der Terminreihe' }), Type.Null()]),
    place: Type.Object({
      name: Type.String(),
      address: Type.String(),
      lat: Type.Union([Type.Number(), Type.Null()]),
      lon: Type.Union([Type.Number(), Type.Null()]),
      offerUrl: Type.Union([Type.String(), Type.Null()]),
    }),
    organiser: Type.String(),
    categories: Type.Array(Type.String()),
    priceCents: Type.Union([Type.Integer(), Type.Null()], {
      description: 'null = keine Angabe, 0 = kostenlos',
    }),
    accessibility: Type.Array(Type.String()),
    registration: Type.Union([Type.Literal('none'), Type.Literal('internal'), Type.Literal('external')]),
    url: Type.String(),
    ical: Type.String(),
  });
  const eventJson = (e: EventItem, start: Date, end: Date) => ({
    id: e.id,
    city: e.city,
    title: e.title,
    description: e.description,
    status: e.status === 'cancelled' ? ('cancelled' as const) : ('scheduled' as const),
    startsAt: start.toISOString(),
    endsAt: end.toISOString(),
    allDay: e.allDay,
    rrule: e.rrule,
    place: {
      name: e.offer?.title ?? e.placeName,
      address: e.address,
      lat: e.location?.lat ?? null,
      lon: e.location?.lon ?? null,
      offerUrl: e.offer ? `${base}${e.offer.path}` : null,
    },
    organiser: e.organiser,
    categories: e.categories,
    priceCents: e.priceCents,
    accessibility: e.accessibility,
    registration: e.registration,
    url: `${base}${eventPath(e.city, e.id)}`,
    ical: `${base}${eventPath(e.city, e.id)}.ics`,
  });

  app.get(
    '/api/v1/events',
    {
      schema: {
        tags: ['Inhalte'],
        summary:
          'Kommende Termine veröffentlichter Veranstaltungen (Terminreihen aufgelöst), früheste zuerst',
        querystring: Type.Object({
          city: Type.Optional(Type.String()),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          category: Type.Optional(Type.Union(EVENT_CATEGORIES.map((c) => Type.Literal(c)))),
          free: Type.Optional(Type.Boolean()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(EventSchema) }), 400: Problem, 404: Problem },
      },
    },
    async (request) => {
      const q = request.query as {
        city?: string;
        from?: string;
        to?: string;
        category?: string;
        free?: boolean;
        limit?: number;
      };
      const from = q.from ? new Date(q.from) : new Date();
      const to = q.to ? new Date(q.to) : new Date(from.getTime() + 366 * 86_400_000);
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from)
        throw new HttpError(400, '„from“ und „to“ müssen Zeitpunkte sein, „to“ nach „from“.');
      const events = await publishedEvents(db, {
        scope: await apiScope(q.city),
        at: new Date(),
        from,
        to,
        category: q.category,
        free: q.free,
      });
      return {
        items: rowsOf(events, from, to, q.limit ?? 50).map((r) =>
          eventJson(r.event, r.occurrence.start, r.occurrence.end),
        ),
      };
    },
  );

  app.get(
    '/api/v1/events/:id',
    {
      schema: {
        tags: ['Inhalte'],
        summary: 'Eine veröffentlichte Veranstaltung (erster Termin)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: EventSchema, 404: Problem },
      },
    },
    async (request) => {
      const event = await eventById(db, (request.params as { id: number }).id, new Date());
      if (!event) throw notFound('Veranstaltung nicht gefunden');
      return eventJson(event, event.startsAt, event.endsAt);
    },
  );
}
