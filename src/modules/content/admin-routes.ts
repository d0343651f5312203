/**
 * Staff routes under /admin/inhalte: lists, create/edit forms with drafts and scheduled publishing,
 * preview, revision history (restore into the form), registrations, page texts. Editors work only on
 * the cities they hold the editor role for; region-wide items need a region-wide role.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FunctionComponent, h } from 'preact';
import { requireStaff } from '../../platform/admin/index.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import { cityBoundaryGeoJson } from '../../platform/tenancy/service.ts';
import type { CurrentUser, PageContext } from '../../platform/web/context.ts';
import { type FieldErrors, formString } from '../../platform/web/forms.tsx';
import { actionNames } from '../bonus/service.ts';
import {
  AdminListPage,
  CampaignFormPage,
  type CityOption,
  EventFormPage,
  type FormProps,
  ModerationPage,
  NewsFormPage,
  PageTextPage,
  RegistrationsPage,
  RevisionsPage,
  statusLabel,
} from './admin.tsx';
import { commentCity, moderateComment, pendingComments } from './comments.ts';
import {
  campaignInput,
  eventInput,
  localDateTimeValue,
  localDateValue,
  newsInput,
  PAGE_KINDS,
  type PageKind,
  saveCampaign,
  saveEvent,
  saveNews,
  savePageText,
  ValidationError,
  type Values,
} from './editorial.ts';
import { campaignPath, eventPath, newsPath } from './model.ts';
import { CampaignPage, EventPage, formatWhen, NewsPage } from './news-pages.tsx';
import { campaignExtras } from './news-routes.ts';
import {
  campaignById,
  eventById,
  newsById,
  pageText,
  registrations,
  revisionsOf,
  staffCampaigns,
  staffEvents,
  staffNews,
} from './queries.ts';
import { occurrences, parseRule } from './recurrence.ts';
import { availability } from './registration.ts';

type IdParams = { Params: { id: string } };

const toDate = (x: unknown): Date | null => (x ? new Date(x as string) : null);
const str = (x: unknown) => (x === null || x === undefined ? '' : String(x));

/** Form values of a news item (or of a stored revision of it). */
function newsValues(n: Record<string, unknown>): Values {
  return {
    title: str(n.title),
    slug: str(n.slug),
    teaser: str(n.teaser),
    body: str(n.body),
    easyLanguage: str(n.easyLanguage),
    tags: ((n.tags as string[]) ?? []).join(', '),
    imageAlt: str(n.imageAlt),
    commentsEnabled: n.commentsEnabled ? 'on' : '',
    status: str(n.status),
    publishAt: localDateTimeValue(toDate(n.publishAt)),
    revision: str(n.revision),
  };
}

function eventValues(e: Record<string, unknown>): Values {
  const startsAt = toDate(e.startsAt)!;
  const endsAt = toDate(e.endsAt)!;
  const allDay = Boolean(e.allDay);
  const lastDay = allDay ? new Date(endsAt.getTime() - 1) : endsAt;
  const rule = e.rrule ? parseRule(String(e.rrule)) : undefined;
  const location = e.location as { lat: number; lon: number } | null;
  return {
    title: str(e.title),
    description: str(e.description),
    allDay: allDay ? 'on' : '',
    startDate: localDateValue(startsAt),
    startTime: allDay ? '' : localDateTimeValue(startsAt).slice(11),
    endDate: localDateValue(lastDay),
    endTime: allDay ? '' : localDateTimeValue(endsAt).slice(11),
    repeat: rule?.freq ?? '',
    interval: rule ? String(rule.interval) : '1',
    byDay: rule?.byDay ?? [],
    repeatUntil: rule?.until ? localDateValue(rule.until) : '',
    offerId: str(e.offerId),
    placeName: str(e.placeName),
    address: str(e.address),
    lat: location ? String(location.lat) : '',
    lon: location ? String(location.lon) : '',
    organiser: str(e.organiser),
    organiserUrl: str(e.organiserUrl),
    categories: (e.categories as string[]) ?? [],
    price:
      e.priceCents === null || e.priceCents === undefined
        ? ''
        : (Number(e.priceCents) / 100).toFixed(2).replace('.', ','),
    priceNote: str(e.priceNote),
    accessibility: (e.accessibility as string[]) ?? [],
    registration: str(e.registration) || 'none',
    capacity: str(e.capacity),
    waitlist: e.waitlist ? 'on' : '',
    registrationUrl: str(e.registrationUrl),
    imageAlt: str(e.imageAlt),
    cancelled: e.status === 'cancelled' ? 'on' : '',
    status: e.status === 'cancelled' ? 'published' : str(e.status),
    publishAt: localDateTimeValue(toDate(e.publishAt)),
    revision: str(e.revision),
  };
}

function campaignValues(c: Record<string, unknown>): Values {
  const endsAt = toDate(c.endsAt)!;
  return {
    title: str(c.title),
    slug: str(c.slug),
    theme: str(c.theme),
    teaser: str(c.teaser),
    body: str(c.body),
    startDate: localDateValue(toDate(c.startsAt)),
    endDate: localDateValue(new Date(endsAt.getTime() - 1)),
    multiplier: String(Number(c.multiplierPercent ?? 100) / 100).replace('.', ','),
    bonusActionIds: ((c.bonusActionIds as number[]) ?? []).map(String),
    eventIds: ((c.eventIds as number[]) ?? []).map(String),
    steleMessages: ((c.steleMessages as string[]) ?? []).join('\n'),
    status: str(c.status),
    publishAt: localDateTimeValue(toDate(c.publishAt)),
    revision: str(c.revision),
  };
}

/** Body of a form post (urlencoded or multipart key-values) as Values, plus an uploaded file. */
function bodyValues(body: unknown): { values: Values; upload: Buffer | undefined } {
  const values: Values = {};
  let upload: Buffer | undefined;
  for (const [k, x] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k === 'image') {
      if (Buffer.isBuffer(x) && x.length > 0) upload = x;
      continue;
    }
    if (Array.isArray(x)) values[k] = x.filter((y) => typeof y === 'string') as string[];
    else if (typeof x === 'string') values[k] = x;
  }
  return { values, upload };
}

const expected = (values: Values) => {
  const r = Number(values.revision);
  return Number.isInteger(r) && r > 0 ? r : undefined;
};

export async function contentAdminRoutes(app: FastifyInstance) {
  const db = app.database.db;

  /**
   * Form values for the edit page: the current state, or with ?version=N that revision's content.
   * The form keeps the current revision number: saving restores the old content as a new version.
   */
  async function editValues(
    request: FastifyRequest,
    ctx: PageContext,
    type: 'news' | 'event' | 'campaign',
    item: { id: number; revision: number },
    toValues: (data: Record<string, unknown>) => Values,
  ): Promise<{ values: Values; notice: string | undefined }> {
    const q = request.query as Record<string, string>;
    if (q.version) {
      const rev = (await revisionsOf(db, type, item.id)).find((r) => String(r.revision) === q.version);
      if (rev) {
        return {
          values: { ...toValues(rev.data), revision: String(item.revision) },
          notice: ctx.t('content.admin.restored', { revision: rev.revision }),
        };
      }
    }
    return {
      values: toValues(item as unknown as Record<string, unknown>),
      notice: q.gespeichert ? ctx.t('content.admin.saved', { revision: item.revision }) : undefined,
    };
  }
  // Images arrive as multipart; fields land in request.body, so the CSRF check reads _csrf there.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 80, fieldSize: 60_000 },
  });

  const hide = { schema: { hide: true } };

  /** Cities this editor may create items for; 'region' only with a region-wide role. */
  async function cityOptions(ctx: PageContext, request: FastifyRequest): Promise<CityOption[]> {
    const editable = citiesWithRole(request.user, 'editor');
    const cities = ctx.cities.filter((c) => editable === 'all' || editable.includes(c.id));
    return [
      ...cities.map((c) => ({ value: c.slug, label: c.name })),
      ...(editable === 'all' ? [{ value: 'region', label: ctx.t('content.admin.region') }] : []),
    ];
  }

  /** The city id of a chosen option, after checking the editor's role there (403 otherwise). */
  async function chosenCity(
    request: FastifyRequest,
    slug: string,
    regionAllowed = true,
  ): Promise<number | null | undefined> {
    const { cities } = await app.tenancy();
    if (slug === 'region' && regionAllowed) {
      requireStaff(request, 'editor', null);
      return null;
    }
    const city = cities.find((c) => c.slug === slug);
    if (!city) return undefined;
    requireStaff(request, 'editor', city.id);
    return city.id;
  }

  const cityName = (ctx: PageContext, slug: string | null) =>
    slug ? (ctx.cities.find((c) => c.slug === slug)?.shortName ?? slug) : ctx.t('content.admin.region');

  /** Runs a save; validation, image and lost-update errors re-render the form with the values kept. */
  async function save<T>(
    run: () => Promise<T>,
    rerender: (errors: FieldErrors, status?: number) => Promise<FastifyReply>,
  ): Promise<{ ok: true; value: T } | { ok: false; reply: FastifyReply }> {
    try {
      return { ok: true, value: await run() };
    } catch (err) {
      if (err instanceof ValidationError) return { ok: false, reply: await rerender(err.fieldErrors) };
      if (err instanceof HttpError && [409, 413, 422].includes(err.statusCode)) {
        const key = err.statusCode === 409 ? 'revision' : 'image';
        return { ok: false, reply: await rerender({ [key]: err.message }, err.statusCode) };
      }
      throw err;
    }
  }

  /**
   * The new/edit form pair of one kind of editorial item (news, events, campaigns): show, validate,
   * save with lost-update protection (409), re-render with the values kept, redirect after saving.
   */
  function editorialForms<
    Item extends { id: number; cityId: number | null; title: string; revision: number },
    Input,
  >(spec: {
    /** Path segment under /admin/inhalte/. */
    path: string;
    revisions: 'news' | 'event' | 'campaign';
    Form: FunctionComponent<FormProps>;
    editable: (request: FastifyRequest<IdParams>) => Promise<Item>;
    cities: (ctx: PageContext, request: FastifyRequest) => Promise<CityOption[]>;
    /** Values of the empty form (the first allowed city chosen). */
    newValues: (cities: CityOption[], request: FastifyRequest) => Values;
    regionAllowed: boolean;
    /** Further form props that depend on the city (campaigns: its bonus actions and events). */
    extras?: (cityId: number | null | undefined) => Promise<Record<string, unknown>>;
    toValues: (data: Record<string, unknown>) => Values;
    toInput: (
      values: Values,
      c: { cityId: number | null; hasImage: boolean },
    ) => { input: Input; errors: FieldErrors };
    save: (
      user: CurrentUser,
      id: number | undefined,
      input: Input,
      opts: { upload?: Buffer | undefined; expectedRevision?: number | undefined },
    ) => Promise<{ id: number }>;
    publicPath: (item: Item) => string;
  }) {
    const base = `/admin/inhalte/${spec.path}`;
    const extras = spec.extras ?? (async () => ({}));
    const imageOf = (item: Item) => (item as { imageId?: string | null }).imageId;
    const form = (props: FormProps & Record<string, unknown>) => h(spec.Form, props);

    app.get(`${base}/neu`, hide, async (request, reply) => {
      requireStaff(request, 'editor', 'any');
      const ctx = await request.pageContext();
      const cities = await spec.cities(ctx, request);
      const values = spec.newValues(cities, request);
      const cityId = ctx.cities.find((c) => c.slug === values.city)?.id;
      return reply.page(form({ ctx, cities, values, errors: {}, ...(await extras(cityId)) }));
    });

    app.post(`${base}/neu`, hide, async (request, reply) => {
      const user = requireStaff(request, 'editor', 'any');
      const { values, upload } = bodyValues(request.body);
      const ctx = await request.pageContext();
      const cities = await spec.cities(ctx, request);
      const cityId = await chosenCity(request, String(values.city ?? ''), spec.regionAllowed);
      const more = await extras(cityId);
      const rerender = async (errors: FieldErrors, status = 422) =>
        reply.page(form({ ctx, cities, values, errors, ...more }), status);
      if (cityId === undefined) return rerender({ city: 'content.error.city' });
      const { input, errors } = spec.toInput(values, { cityId, hasImage: Boolean(upload) });
      if (Object.keys(errors).length) return rerender(errors);
      const r = await save(() => spec.save(user, undefined, input, { upload }), rerender);
      return r.ok ? reply.redirect(`${base}/${r.value.id}?gespeichert=1`, 303) : r.reply;
    });

    app.get<IdParams>(`${base}/:id`, hide, async (request, reply) => {
      const item = await spec.editable(request);
      const ctx = await request.pageContext();
      const { values, notice } = await editValues(request, ctx, spec.revisions, item, spec.toValues);
      return reply.page(
        form({
          ctx,
          cities: [],
          values,
          errors: {},
          id: item.id,
          title: item.title,
          imageId: imageOf(item),
          notice,
          publicPath: spec.publicPath(item),
          ...(await extras(item.cityId)),
        }),
      );
    });

    app.post<IdParams>(`${base}/:id`, hide, async (request, reply) => {
      const item = await spec.editable(request);
      const user = requireStaff(request, 'editor', item.cityId);
      const { values, upload } = bodyValues(request.body);
      const ctx = await request.pageContext();
      const more = await extras(item.cityId);
      const rerender = async (errors: FieldErrors, status = 422) =>
        reply.page(
          form({
            ctx,
            cities: [],
            values,
            errors,
            id: item.id,
            title: item.title,
            imageId: imageOf(item),
            ...more,
          }),
          status,
        );
      const { input, errors } = spec.toInput(values, {
        cityId: item.cityId,
        hasImage: Boolean(upload || imageOf(item)),
      });
      if (Object.keys(errors).length) return rerender(errors);
      const r = await save(
        () => spec.save(user, item.id, input, { upload, expectedRevision: expected(values) }),
        rerender,
      );
      return r.ok ? reply.redirect(`${base}/${item.id}?gespeichert=1`, 303) : r.reply;
    });
  }

  app.get('/admin/inhalte', hide, async (request, reply) => {
    requireStaff(request, 'editor', 'any');
    return reply.redirect('/admin/inhalte/aktuelles', 303);
  });

  // ------------------------------------------------------------------------------------- news

  app.get('/admin/inhalte/aktuelles', hide, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const editable = citiesWithRole(user, 'editor');
    const [ctx, items] = await Promise.all([request.pageContext(), staffNews(db, editable)]);
    const rows = items.map((n) => ({
      id: n.id,
      title: n.title,
      city: cityName(ctx, n.city),
      status: statusLabel(ctx, n.status, n.publishAt),
      date: n.publishAt ? formatWhen(ctx, { start: n.publishAt, end: n.publishAt }, false) : '–',
    }));
    return reply.page(h(AdminListPage, { ctx, kind: 'aktuelles', rows }));
  });

  async function editableNews(request: FastifyRequest<IdParams>) {
    const item = /^\d{1,9}$/.test(request.params.id)
      ? await newsById(db, Number(request.params.id))
      : undefined;
    if (!item) throw notFound('Diese Meldung gibt es nicht.');
    requireStaff(request, 'editor', item.cityId);
    return item;
  }

  editorialForms({
    path: 'aktuelles',
    revisions: 'news',
    Form: NewsFormPage,
    editable: editableNews,
    cities: cityOptions,
    newValues: (cities) => ({ city: cities[0]?.value ?? '', status: 'draft' }),
    regionAllowed: true,
    toValues: newsValues,
    toInput: newsInput,
    save: (user, id, input, opts) => saveNews(db, user, id, input, opts),
    publicPath: (item) => newsPath(item.city, item.slug),
  });

  app.get<IdParams>('/admin/inhalte/aktuelles/:id/vorschau', hide, async (request, reply) => {
    const item = await editableNews(request);
    const { cities } = await app.tenancy();
    const ctx = await request.pageContext(cities.find((c) => c.id === item.cityId));
    reply.header('x-robots-tag', 'noindex');
    return reply.page(h(NewsPage, { ctx, item, preview: true }));
  });

  app.get<IdParams>('/admin/inhalte/aktuelles/:id/versionen', hide, async (request, reply) => {
    const item = await editableNews(request);
    const [ctx, revisions] = await Promise.all([request.pageContext(), revisionsOf(db, 'news', item.id)]);
    return reply.page(
      h(RevisionsPage, { ctx, kind: 'aktuelles', id: item.id, title: item.title, revisions }),
    );
  });

  // ----------------------------------------------------------------------------------- events

  app.get('/admin/inhalte/veranstaltungen', hide, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const [ctx, items] = await Promise.all([
      request.pageContext(),
      staffEvents(db, citiesWithRole(user, 'editor')),
    ]);
    const rows = items.map((e) => ({
      id: e.id,
      title: e.title,
      city: cityName(ctx, e.city),
      status: statusLabel(ctx, e.status, e.publishAt),
      date: formatWhen(ctx, { start: e.startsAt, end: e.endsAt }, e.allDay),
    }));
    return reply.page(h(AdminListPage, { ctx, kind: 'veranstaltungen', rows }));
  });

  async function editableEvent(request: FastifyRequest<IdParams>) {
    const item = /^\d{1,9}$/.test(request.params.id)
      ? await eventById(db, Number(request.params.id), undefined)
      : undefined;
    if (!item) throw notFound('Diese Veranstaltung gibt es nicht.');
    requireStaff(request, 'editor', item.cityId);
    return item;
  }

  editorialForms({
    path: 'veranstaltungen',
    revisions: 'event',
    Form: EventFormPage,
    editable: editableEvent,
    cities: cityOptions,
    newValues: (cities) => ({ city: cities[0]?.value ?? '', status: 'draft', waitlist: 'on', interval: '1' }),
    regionAllowed: true,
    toValues: eventValues,
    toInput: eventInput,
    save: (user, id, input, opts) => saveEvent(db, user, id, input, opts),
    publicPath: (item) => eventPath(item.city, item.id),
  });

  app.get<IdParams>('/admin/inhalte/veranstaltungen/:id/vorschau', hide, async (request, reply) => {
    const event = await editableEvent(request);
    const { cities } = await app.tenancy();
    const ctx = await request.pageContext(cities.find((c) => c.id === event.cityId));
    const now = new Date();
    const next = occurrences(event, now, new Date(now.getTime() + 800 * 86_400_000), 12);
    reply.header('x-robots-tag', 'noindex');
    return reply.page(
      h(EventPage, {
        ctx,
        event,
        next: next.length ? next : [{ start: event.startsAt, end: event.endsAt }],
        availability: undefined,
        form: { values: { name: '', email: '', seats: 1 }, errors: {} },
        boundary: event.location && event.cityId ? await cityBoundaryGeoJson(db, event.cityId) : undefined,
        campaigns: [],
        preview: true,
      }),
    );
  });

  app.get<IdParams>('/admin/inhalte/veranstaltungen/:id/versionen', hide, async (request, reply) => {
    const item = await editableEvent(request);
    const [ctx, revisions] = await Promise.all([request.pageContext(), revisionsOf(db, 'event', item.id)]);
    return reply.page(
      h(RevisionsPage, { ctx, kind: 'veranstaltungen', id: item.id, title: item.title, revisions }),
    );
  });

  app.get<IdParams>('/admin/inhalte/veranstaltungen/:id/anmeldungen', hide, async (request, reply) => {
    const item = await editableEvent(request);
    const [ctx, list] = await Promise.all([request.pageContext(), registrations(db, item.id)]);
    reply.header('cache-control', 'private, no-store');
    await availability(db, item);
    return reply.page(
      h(RegistrationsPage, {
        ctx,
        id: item.id,
        title: item.title,
        capacity: item.capacity ?? 0,
        registrations: list,
      }),
    );
  });

  // -------------------------------------------------------------------------------- campaigns

  app.get('/admin/inhalte/aktionen', hide, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const [ctx, items] = await Promise.all([
      request.pageContext(),
      staffCampaigns(db, citiesWithRole(user, 'editor')),
    ]);
    const rows = items.map((c) => ({
      id: c.id,
      title: c.title,
      city: cityName(ctx, c.city),
      status: statusLabel(ctx, c.status, c.publishAt),
      date: formatWhen(ctx, { start: c.startsAt, end: c.endsAt }, true),
    }));
    return reply.page(h(AdminListPage, { ctx, kind: 'aktionen', rows }));
  });

  async function campaignChoices(cityId: number | undefined) {
    if (!cityId) return { actions: [], events: [] };
    const [actions, events] = await Promise.all([actionNames(db, cityId), staffEvents(db, [cityId, null])]);
    return {
      actions,
      events: events.map((e) => ({ id: e.id, title: `${e.title} (${localDateValue(e.startsAt)})` })),
    };
  }

  async function editableCampaign(request: FastifyRequest<IdParams>) {
    const item = /^\d{1,9}$/.test(request.params.id)
      ? await campaignById(db, Number(request.params.id))
      : undefined;
    if (!item) throw notFound('Diese Aktion gibt es nicht.');
    requireStaff(request, 'editor', item.cityId);
    return item;
  }

  /** Campaigns belong to one city: the form's city list has no region entry. */
  async function campaignCities(ctx: PageContext, request: FastifyRequest) {
    return (await cityOptions(ctx, request)).filter((c) => c.value !== 'region');
  }

  editorialForms({
    path: 'aktionen',
    revisions: 'campaign',
    Form: CampaignFormPage as FunctionComponent<FormProps>,
    editable: editableCampaign,
    cities: campaignCities,
    newValues: (cities, request) => {
      // ?stadt= preselects the city (its bonus actions and events fill the form's choices).
      const q = request.query as Record<string, string>;
      const slug = cities.some((c) => c.value === q.stadt) ? q.stadt! : (cities[0]?.value ?? '');
      return { city: slug, status: 'draft', multiplier: '1' };
    },
    regionAllowed: false,
    extras: (cityId) => campaignChoices(cityId ?? undefined),
    toValues: campaignValues,
    // Campaigns belong to one city: chosenCity never gives null here.
    toInput: (values, c) => campaignInput(values, { cityId: c.cityId! }),
    save: (user, id, input, opts) =>
      saveCampaign(db, user, id, input, { expectedRevision: opts.expectedRevision }),
    publicPath: (item) => campaignPath(item.city, item.slug),
  });

  app.get<IdParams>('/admin/inhalte/aktionen/:id/vorschau', hide, async (request, reply) => {
    const campaign = await editableCampaign(request);
    const { cities } = await app.tenancy();
    const ctx = await request.pageContext(cities.find((c) => c.id === campaign.cityId));
    reply.header('x-robots-tag', 'noindex');
    return reply.page(
      h(CampaignPage, { ctx, campaign, preview: true, ...(await campaignExtras(db, campaign)) }),
    );
  });

  app.get<IdParams>('/admin/inhalte/aktionen/:id/versionen', hide, async (request, reply) => {
    const item = await editableCampaign(request);
    const [ctx, revisions] = await Promise.all([request.pageContext(), revisionsOf(db, 'campaign', item.id)]);
    return reply.page(h(RevisionsPage, { ctx, kind: 'aktionen', id: item.id, title: item.title, revisions }));
  });

  // --------------------------------------------------------------------------------- comments

  app.get('/admin/inhalte/kommentare', hide, async (request, reply) => {
    const user = requireStaff(request, 'moderator', 'any');
    const [ctx, comments] = await Promise.all([
      request.pageContext(),
      pendingComments(db, citiesWithRole(user, 'moderator')),
    ]);
    reply.header('cache-control', 'private, no-store');
    return reply.page(h(ModerationPage, { ctx, comments }));
  });

  app.post<IdParams>('/admin/inhalte/kommentare/:id', hide, async (request, reply) => {
    requireStaff(request, 'moderator', 'any');
    const id = Number(request.params.id);
    const target = Number.isInteger(id) ? await commentCity(db, id) : undefined;
    if (!target) throw notFound('Diesen Kommentar gibt es nicht.');
    const user = requireStaff(request, 'moderator', target.cityId);
    const decision = formString(request.body, 'decision');
    if (decision !== 'approved' && decision !== 'rejected')
      throw new HttpError(400, 'Wählen Sie „Freigeben“ oder „Ablehnen“.');
    await moderateComment(db, user, id, decision);
    return reply.redirect('/admin/inhalte/kommentare', 303);
  });

  // ------------------------------------------------------------------------------- page texts

  async function pageTarget(request: FastifyRequest) {
    const q = request.query as Record<string, string>;
    const ctx = await request.pageContext();
    const cities = await cityOptions(ctx, request);
    const city = cities.some((c) => c.value === q.stadt) ? q.stadt! : (cities[0]?.value ?? 'region');
    const page = (PAGE_KINDS as readonly string[]).includes(q.seite ?? '')
      ? (q.seite as PageKind)
      : 'impressum';
    // Page texts are an admin's job (legal pages), not every editor's.
    const cityId = city === 'region' ? null : ctx.cities.find((c) => c.slug === city)!.id;
    const user = requireStaff(request, 'admin', cityId);
    return { ctx, cities, city, page, cityId, user };
  }

  app.get('/admin/inhalte/seiten', hide, async (request, reply) => {
    requireStaff(request, 'editor', 'any');
    const { ctx, cities, city, page, cityId } = await pageTarget(request);
    const current = await pageText(db, cityId, page);
    const saved = (request.query as Record<string, string>).gespeichert;
    return reply.page(
      h(PageTextPage, {
        ctx,
        cities,
        city,
        page,
        body: current?.body ?? '',
        revision: current?.revision,
        errors: {},
        notice: saved ? ctx.t('content.admin.saved', { revision: current?.revision ?? 1 }) : undefined,
      }),
    );
  });

  app.post('/admin/inhalte/seiten', hide, async (request, reply) => {
    requireStaff(request, 'editor', 'any');
    const { ctx, cities, city, page, cityId, user } = await pageTarget(request);
    const { values } = bodyValues(request.body);
    const body = String(values.body ?? '').replace(/\r\n?/g, '\n');
    const rerender = async (errors: FieldErrors, status = 422) =>
      reply.page(
        h(PageTextPage, { ctx, cities, city, page, body, revision: expected(values), errors }),
        status,
      );
    const r = await save(() => savePageText(db, user, { cityId, page }, body, expected(values)), rerender);
    return r.ok
      ? reply.redirect(`/admin/inhalte/seiten?stadt=${city}&seite=${page}&gespeichert=1`, 303)
      : r.reply;
  });
}
