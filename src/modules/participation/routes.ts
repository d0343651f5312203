/** Public pages and form posts of Beteiligung (the JSON API is in api.ts, staff pages in admin.tsx). */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { hasRole } from '../../platform/auth/service.ts';
import { intakeImage } from '../../platform/files/images.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import { type City, cityBoundaryGeoJson, findCity } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { formList, formString } from '../../platform/web/forms.tsx';
import {
  CommentFormPage,
  IdeaFormPage,
  type IdeaFormValues,
  IdeaPage,
  MeasureListPage,
  MeasurePage,
  NotificationsPage,
  OverviewPage,
  ProcessPage,
  SessionListPage,
  SessionPage,
  SurveyListPage,
  SurveyPage,
  UnsubscribePage,
} from './pages.tsx';
import {
  addComment,
  assertPhaseAllows,
  commentById,
  commentTargetResolver,
  countIdeas,
  createIdea,
  currentPhase,
  deleteComment,
  editComment,
  fieldsOfAction,
  flagComment,
  hasAnswered,
  IDEA_SORTS,
  type IdeaSort,
  ideaById,
  ideaImage,
  ideaPoints,
  isFollowing,
  listComments,
  listIdeas,
  listMeasures,
  listProcesses,
  listQuestionSessions,
  listSurveys,
  MEASURE_STATUSES,
  measureById,
  measureBySlug,
  measureDashboard,
  milestonesOf,
  myReactions,
  NOTIFY_MODES,
  type NotifyMode,
  notificationSettings,
  phasesOf,
  processById,
  processBySlug,
  questionSessionBySlug,
  questionsOf,
  questionsOfSession,
  setFollow,
  setNotificationMode,
  setReaction,
  submitQuestion,
  submitSurvey,
  supportIdea,
  supportQuestion,
  surveyBySlug,
  surveyOpen,
  surveyResults,
  unsubscribe,
  updatesOf,
  validateAnswers,
  voteComment,
} from './service.ts';

export const IDEAS_PER_PAGE = 20;

export function requireUser(request: FastifyRequest): CurrentUser {
  if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an.');
  return request.user;
}

/** Only same-site paths are followed after a form post (no open redirect). */
export function safeReturn(v: string, fallback: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(v) ? v : fallback;
}

const NOTICES: Record<string, string> = {
  kommentar: 'Ihr Kommentar ist veröffentlicht.',
  pruefung: 'Danke! Ihr Beitrag wird vor der Veröffentlichung geprüft.',
  idee: 'Danke! Ihre Idee ist veröffentlicht.',
  umfrage: 'Danke für Ihre Teilnahme!',
  frage: 'Danke! Ihre Frage wird vor der Veröffentlichung geprüft.',
  gemeldet: 'Danke, die Moderation sieht sich den Kommentar an.',
  gespeichert: 'Gespeichert.',
};
const noticeOf = (request: FastifyRequest) =>
  NOTICES[String((request.query as Record<string, unknown>).ok ?? '')];

/**
 * Comment targets the pages of this module know: the city that moderates them, whether the process
 * pre-moderates, whether comments are allowed now, and whom to notify.
 */
async function commentTarget(app: FastifyInstance, kind: string, id: number, baseUrl: string) {
  const db = app.database.db;
  const { cities } = await app.tenancy();
  if (kind === 'measure') {
    const m = await measureById(db, id);
    if (!m) throw notFound();
    const city = cities.find((c) => c.id === m.city_id)!;
    return {
      cityId: m.city_id,
      premoderated: false,
      notify: {
        targetKind: 'measure' as const,
        targetId: m.id,
        scope: `measure:${m.id}`,
        subject: m.title,
        url: `${baseUrl}/${city.slug}/massnahmen/${m.slug}`,
      },
    };
  }
  if (kind === 'idea') {
    const idea = await ideaById(db, id);
    if (!idea?.visible) throw notFound();
    const process = (await processById(db, idea.process_id))!;
    assertPhaseAllows(await phasesOf(db, process.id), 'comment');
    const city = cities.find((c) => c.id === process.city_id)!;
    return {
      cityId: process.city_id,
      premoderated: process.premoderation,
      notify: {
        targetKind: 'idea' as const,
        targetId: idea.id,
        scope: `process:${process.id}`,
        subject: idea.title,
        url: `${baseUrl}/${city.slug}/beteiligung/${process.slug}/ideen/${idea.id}`,
      },
    };
  }
  const other = commentTargetResolver(kind);
  const info = other ? await other(db, id) : undefined;
  if (info) return { cityId: info.cityId, premoderated: false, notify: undefined };
  throw notFound('Hier kann nicht kommentiert werden.');
}

/** Staff with a moderator role for the city write official answers. */
const isModerator = (user: CurrentUser | undefined, cityId: number) => hasRole(user, 'moderator', cityId);

export async function participationRoutes(app: FastifyInstance) {
  const db = app.database.db;
  const baseUrl = app.config.baseUrl;
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 20, fieldSize: 20_000 },
  });

  async function cityOr404(slug: string): Promise<City> {
    const city = findCity((await app.tenancy()).cities, slug);
    if (!city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    return city;
  }

  // ---- overview and measures

  app.get<{ Params: { city: string } }>('/:city/beteiligung', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    const [ctx, measures, processes, surveys, sessions] = await Promise.all([
      request.pageContext(city),
      listMeasures(db, { cityId: city.id }),
      listProcesses(db, city.id),
      listSurveys(db, city.id),
      listQuestionSessions(db, city.id),
    ]);
    return reply.page(h(OverviewPage, { ctx, measures, processes, surveys, sessions }));
  });

  app.get<{ Params: { city: string }; Querystring: Record<string, string> }>(
    '/:city/massnahmen',
    async (request, reply) => {
      const city = await cityOr404(request.params.city);
      const fields = await fieldsOfAction(db, city.id);
      const field = fields.includes(String(request.query.feld)) ? String(request.query.feld) : '';
      const status = (MEASURE_STATUSES as readonly string[]).includes(String(request.query.status))
        ? String(request.query.status)
        : '';
      const [ctx, measures, dashboard] = await Promise.all([
        request.pageContext(city),
        listMeasures(db, { cityId: city.id, field, status }),
        measureDashboard(db, city.id),
      ]);
      return reply.page(h(MeasureListPage, { ctx, measures, fields, filter: { field, status }, dashboard }));
    },
  );

  // All cities' measures on one page (the region has no /:city prefix; /en/massnahmen in English).
  app.get<{ Querystring: Record<string, string> }>('/massnahmen', async (request, reply) => {
    const { cities } = await app.tenancy();
    const city = findCity(cities, String(request.query.stadt ?? ''));
    const fields = await fieldsOfAction(db);
    const field = fields.includes(String(request.query.feld)) ? String(request.query.feld) : '';
    const status = (MEASURE_STATUSES as readonly string[]).includes(String(request.query.status))
      ? String(request.query.status)
      : '';
    const [ctx, measures, dashboard] = await Promise.all([
      request.pageContext(),
      listMeasures(db, { cityId: city?.id, field, status }),
      measureDashboard(db, city?.id),
    ]);
    return reply.page(
      h(MeasureListPage, {
        ctx,
        measures,
        fields,
        filter: { field, status, city: city?.slug ?? '' },
        dashboard,
        cities,
      }),
    );
  });

  async function measureIn(city: City, slug: string) {
    const m = await measureBySlug(db, slug);
    if (!m?.city_ids.includes(city.id)) throw notFound('Diese Maßnahme gibt es nicht.');
    return m;
  }

  app.get<{ Params: { city: string; slug: string } }>('/:city/massnahmen/:slug', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    const m = await measureIn(city, request.params.slug);
    const user = request.user;
    const { cities } = await app.tenancy();
    const [ctx, milestones, updates, mine, following, comments] = await Promise.all([
      request.pageContext(city),
      milestonesOf(db, m.id),
      updatesOf(db, m.id),
      myReactions(db, user?.id, 'measure', [m.id]),
      isFollowing(db, user?.id, 'measure', m.id),
      listComments(db, 'measure', m.id, { userId: user?.id, moderator: isModerator(user, m.city_id) }),
    ]);
    return reply.page(
      h(MeasurePage, {
        ctx,
        measure: m,
        cityNames: m.city_ids.map((id) => cities.find((c) => c.id === id)?.name ?? '').filter(Boolean),
        milestones,
        updates,
        mine,
        following,
        comments,
        notice: noticeOf(request),
      }),
    );
  });

  app.post<{ Params: { city: string; slug: string } }>(
    '/:city/massnahmen/:slug/reaktion',
    async (request, reply) => {
      const user = requireUser(request);
      const city = await cityOr404(request.params.city);
      const m = await measureIn(city, request.params.slug);
      const kind = formString(request.body, 'kind');
      if (kind !== 'like' && kind !== 'important') throw new HttpError(400, 'Unbekannte Reaktion.');
      await setReaction(db, {
        targetKind: 'measure',
        targetId: m.id,
        userId: user.id,
        kind,
        on: formString(request.body, 'on') !== '0',
      });
      return reply.redirect(`${localePrefix(request)}/${city.slug}/massnahmen/${m.slug}#reaktionen`, 303);
    },
  );

  app.post<{ Params: { city: string; slug: string } }>(
    '/:city/massnahmen/:slug/folgen',
    async (request, reply) => {
      const user = requireUser(request);
      const city = await cityOr404(request.params.city);
      const m = await measureIn(city, request.params.slug);
      await setFollow(db, {
        userId: user.id,
        targetKind: 'measure',
        targetId: m.id,
        on: formString(request.body, 'on') !== '0',
      });
      return reply.redirect(
        `${localePrefix(request)}/${city.slug}/massnahmen/${m.slug}?ok=gespeichert#reaktionen`,
        303,
      );
    },
  );

  // ---- comments (generic over the target)

  const commentPath = (body: unknown, fallback = '/') => safeReturn(formString(body, 'return'), fallback);

  app.post('/beteiligung/kommentare', async (request, reply) => {
    const user = requireUser(request);
    const body = request.body;
    const returnTo = commentPath(body);
    // Honeypot: answer as if it worked, store nothing.
    if (formString(body, 'homepage')) return reply.redirect(`${returnTo}?ok=pruefung`, 303);
    const targetKind = formString(body, 'targetKind');
    const targetId = Number(formString(body, 'targetId'));
    const parentText = formString(body, 'parentId');
    const text = (
      typeof (body as Record<string, unknown>)?.body === 'string'
        ? ((body as Record<string, string>).body ?? '')
        : ''
    ).slice(0, 5000);
    if (!Number.isSafeInteger(targetId)) throw new HttpError(400, 'Unbekanntes Ziel.');
    const target = await commentTarget(app, targetKind, targetId, baseUrl);
    try {
      const r = await addComment(db, {
        targetKind,
        targetId,
        cityId: target.cityId,
        parentId: parentText ? Number(parentText) : undefined,
        authorId: user.id,
        body: text,
        premoderated: target.premoderated,
        official: isModerator(user, target.cityId) && formString(body, 'official') === '1',
        notify: target.notify,
      });
      const ok = r.status === 'pending' ? 'pruefung' : 'kommentar';
      return reply.redirect(`${localePrefix(request)}${returnTo}?ok=${ok}#kommentar-${r.id}`, 303);
    } catch (err) {
      if (err instanceof HttpError && (err.statusCode === 422 || err.statusCode === 429)) {
        const ctx = await request.pageContext();
        return reply.page(
          h(CommentFormPage, {
            ctx,
            mode: 'new',
            action: '/beteiligung/kommentare',
            hidden: {
              targetKind,
              targetId: String(targetId),
              ...(parentText ? { parentId: parentText } : {}),
            },
            value: text,
            errors: err.details?.errors ?? { body: err.message },
            returnTo,
          }),
          err.statusCode,
        );
      }
      throw err;
    }
  });

  async function ownComment(_request: FastifyRequest, id: string) {
    const c = await commentById(db, Number(id));
    if (!c || c.status === 'deleted') throw notFound('Diesen Kommentar gibt es nicht (mehr).');
    return c;
  }

  app.get<{ Params: { id: string }; Querystring: { return?: string } }>(
    '/beteiligung/kommentare/:id/bearbeiten',
    async (request, reply) => {
      const user = requireUser(request);
      const c = await ownComment(request, request.params.id);
      if (c.author_id !== user.id)
        throw new HttpError(403, 'Sie können nur Ihre eigenen Kommentare bearbeiten.');
      return reply.page(
        h(CommentFormPage, {
          ctx: await request.pageContext(),
          mode: 'edit',
          action: `/beteiligung/kommentare/${c.id}/bearbeiten`,
          hidden: {},
          value: c.body,
          errors: {},
          returnTo: safeReturn(String(request.query.return ?? ''), '/'),
        }),
      );
    },
  );

  app.post<{ Params: { id: string } }>('/beteiligung/kommentare/:id/bearbeiten', async (request, reply) => {
    const user = requireUser(request);
    const returnTo = commentPath(request.body);
    const text = formString(request.body, 'body');
    try {
      await editComment(db, { id: Number(request.params.id), userId: user.id, body: text });
    } catch (err) {
      if (err instanceof HttpError && (err.statusCode === 422 || err.statusCode === 409)) {
        return reply.page(
          h(CommentFormPage, {
            ctx: await request.pageContext(),
            mode: 'edit',
            action: `/beteiligung/kommentare/${request.params.id}/bearbeiten`,
            hidden: {},
            value: text,
            errors: err.details?.errors ?? { body: err.message },
            returnTo,
          }),
          err.statusCode,
        );
      }
      throw err;
    }
    return reply.redirect(
      `${localePrefix(request)}${returnTo}?ok=gespeichert#kommentar-${request.params.id}`,
      303,
    );
  });

  app.post<{ Params: { id: string } }>('/beteiligung/kommentare/:id/loeschen', async (request, reply) => {
    const user = requireUser(request);
    await deleteComment(db, { id: Number(request.params.id), userId: user.id });
    return reply.redirect(`${localePrefix(request)}${commentPath(request.body)}#kommentare`, 303);
  });

  app.post<{ Params: { id: string } }>('/beteiligung/kommentare/:id/bewerten', async (request, reply) => {
    const user = requireUser(request);
    const value = Number(formString(request.body, 'value'));
    if (value !== 1 && value !== -1 && value !== 0) throw new HttpError(400, 'Ungültige Bewertung.');
    await voteComment(db, { id: Number(request.params.id), userId: user.id, value });
    return reply.redirect(
      `${localePrefix(request)}${commentPath(request.body)}#kommentar-${request.params.id}`,
      303,
    );
  });

  app.get<{ Params: { id: string }; Querystring: { return?: string } }>(
    '/beteiligung/kommentare/:id/melden',
    async (request, reply) => {
      requireUser(request);
      const c = await ownComment(request, request.params.id);
      return reply.page(
        h(CommentFormPage, {
          ctx: await request.pageContext(),
          mode: 'flag',
          action: `/beteiligung/kommentare/${c.id}/melden`,
          hidden: {},
          value: '',
          errors: {},
          returnTo: safeReturn(String(request.query.return ?? ''), '/'),
          quote: c.status === 'visible' ? c.body : '',
        }),
      );
    },
  );

  app.post<{ Params: { id: string } }>('/beteiligung/kommentare/:id/melden', async (request, reply) => {
    const user = requireUser(request);
    const returnTo = commentPath(request.body);
    const reason = formString(request.body, 'reason');
    try {
      await flagComment(db, { id: Number(request.params.id), userId: user.id, reason });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422) {
        return reply.page(
          h(CommentFormPage, {
            ctx: await request.pageContext(),
            mode: 'flag',
            action: `/beteiligung/kommentare/${request.params.id}/melden`,
            hidden: {},
            value: reason,
            errors: err.details?.errors ?? { reason: err.message },
            returnTo,
          }),
          422,
        );
      }
      throw err;
    }
    return reply.redirect(
      `${localePrefix(request)}${returnTo}?ok=gemeldet#kommentar-${request.params.id}`,
      303,
    );
  });

  // ---- idea processes

  async function processIn(citySlug: string, slug: string) {
    const city = await cityOr404(citySlug);
    const process = await processBySlug(db, city.id, slug);
    if (!process) throw notFound('Dieses Beteiligungsverfahren gibt es nicht.');
    return { city, process };
  }

  app.get<{ Params: { city: string; process: string }; Querystring: Record<string, string> }>(
    '/:city/beteiligung/:process',
    async (request, reply) => {
      const { city, process } = await processIn(request.params.city, request.params.process);
      const q = request.query;
      const sort: IdeaSort = (IDEA_SORTS as readonly string[]).includes(String(q.sortierung))
        ? (q.sortierung as IdeaSort)
        : 'neu';
      const category = process.categories.includes(String(q.thema)) ? String(q.thema) : '';
      const page = Math.min(Math.max(Number.parseInt(q.seite ?? '1', 10) || 1, 1), 10_000);
      const seedParam = Number.parseInt(q.s ?? '', 10);
      const seed =
        Number.isSafeInteger(seedParam) && seedParam > 0 && seedParam < 1e9
          ? seedParam
          : 1 + Math.floor(Math.random() * 999_999);
      const view = q.ansicht === 'karte' ? 'karte' : 'liste';
      const [ctx, phases, ideas, total, points, boundary] = await Promise.all([
        request.pageContext(city),
        phasesOf(db, process.id),
        listIdeas(db, {
          processId: process.id,
          sort,
          category,
          limit: IDEAS_PER_PAGE,
          offset: (page - 1) * IDEAS_PER_PAGE,
          seed,
        }),
        countIdeas(db, process.id, category),
        view === 'karte' ? ideaPoints(db, process.id) : Promise.resolve([]),
        view === 'karte' ? cityBoundaryGeoJson(db, city.id) : Promise.resolve(undefined),
      ]);
      const mine = await myReactions(
        db,
        request.user?.id,
        'idea',
        ideas.map((i) => i.id),
      );
      return reply.page(
        h(ProcessPage, {
          ctx,
          process,
          phases,
          current: currentPhase(phases),
          ideas,
          total,
          page,
          sort,
          seed,
          category,
          view,
          points,
          boundary,
          mine,
          notice: noticeOf(request),
          perPage: IDEAS_PER_PAGE,
        }),
      );
    },
  );

  app.post<{ Params: { city: string; process: string } }>(
    '/:city/beteiligung/:process/folgen',
    async (request, reply) => {
      const user = requireUser(request);
      const { city, process } = await processIn(request.params.city, request.params.process);
      await setFollow(db, { userId: user.id, targetKind: 'process', targetId: process.id, on: true });
      return reply.redirect(
        `${localePrefix(request)}/${city.slug}/beteiligung/${process.slug}?ok=gespeichert`,
        303,
      );
    },
  );

  const emptyIdea: IdeaFormValues = { title: '', body: '', category: '', lat: '', lon: '' };

  app.get<{ Params: { city: string; process: string } }>(
    '/:city/beteiligung/:process/ideen/neu',
    async (request, reply) => {
      requireUser(request);
      const { city, process } = await processIn(request.params.city, request.params.process);
      assertPhaseAllows(await phasesOf(db, process.id), 'submit');
      return reply.page(
        h(IdeaFormPage, { ctx: await request.pageContext(city), process, values: emptyIdea, errors: {} }),
      );
    },
  );

  app.post<{ Params: { city: string; process: string } }>(
    '/:city/beteiligung/:process/ideen/neu',
    async (request, reply) => {
      const user = requireUser(request);
      const { city, process } = await processIn(request.params.city, request.params.process);
      const body = request.body as Record<string, unknown>;
      const values: IdeaFormValues = {
        title: formString(body, 'title').slice(0, 300),
        body: formString(body, 'body').slice(0, 6000),
        category: formString(body, 'category').slice(0, 100),
        lat: formString(body, 'lat').slice(0, 30),
        lon: formString(body, 'lon').slice(0, 30),
      };
      const base = `${localePrefix(request)}/${city.slug}/beteiligung/${process.slug}`;
      if (formString(body, 'homepage')) return reply.redirect(`${base}?ok=pruefung`, 303);
      const num = (s: string) => (s ? Number(s.replace(',', '.')) : undefined);
      const render = async (errors: Record<string, string>, status: number) =>
        reply.page(
          h(IdeaFormPage, { ctx: await request.pageContext(city), process, values, errors }),
          status,
        );
      try {
        let image: Buffer | undefined;
        if (Buffer.isBuffer(body.image) && body.image.length > 0) {
          try {
            image = (await intakeImage(body.image, { maxSide: 1600 })).data;
          } catch (err) {
            if (err instanceof HttpError)
              return render({ image: err.message }, err.statusCode === 413 ? 413 : 422);
            throw err;
          }
        }
        const r = await createIdea(db, {
          process,
          authorId: user.id,
          title: values.title,
          body: values.body,
          category: values.category,
          lat: num(values.lat),
          lon: num(values.lon),
          image,
        });
        return reply.redirect(`${base}/ideen/${r.id}?ok=${r.visible ? 'idee' : 'pruefung'}`, 303);
      } catch (err) {
        if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors)
          return render(err.details.errors, 422);
        throw err;
      }
    },
  );

  async function ideaIn(request: FastifyRequest, citySlug: string, processSlug: string, idText: string) {
    const { city, process } = await processIn(citySlug, processSlug);
    const idea = await ideaById(db, Number(idText));
    const own = idea?.author_id !== null && idea?.author_id === request.user?.id;
    if (
      !idea ||
      idea.process_id !== process.id ||
      (!idea.visible && !own && !isModerator(request.user, city.id))
    )
      throw notFound('Diese Idee gibt es nicht.');
    return { city, process, idea };
  }

  app.get<{ Params: { city: string; process: string; id: string } }>(
    '/:city/beteiligung/:process/ideen/:id',
    async (request, reply) => {
      const { city, process, idea } = await ideaIn(
        request,
        request.params.city,
        request.params.process,
        request.params.id,
      );
      const user = request.user;
      const [ctx, phases, mine, comments, boundary] = await Promise.all([
        request.pageContext(city),
        phasesOf(db, process.id),
        myReactions(db, user?.id, 'idea', [idea.id]),
        listComments(db, 'idea', idea.id, { userId: user?.id, moderator: isModerator(user, city.id) }),
        idea.lat !== null ? cityBoundaryGeoJson(db, city.id) : Promise.resolve(undefined),
      ]);
      return reply.page(
        h(IdeaPage, {
          ctx,
          process,
          idea,
          phases,
          current: currentPhase(phases),
          supported: mine.has(`support:${idea.id}`),
          comments,
          boundary,
          notice: noticeOf(request),
        }),
      );
    },
  );

  app.get<{ Params: { city: string; process: string; id: string } }>(
    '/:city/beteiligung/:process/ideen/:id/bild',
    async (request, reply) => {
      const { idea } = await ideaIn(request, request.params.city, request.params.process, request.params.id);
      const image = await ideaImage(db, idea.id);
      if (!image) throw notFound();
      return reply.type('image/webp').header('cache-control', 'public, max-age=3600').send(image);
    },
  );

  app.post<{ Params: { city: string; process: string; id: string } }>(
    '/:city/beteiligung/:process/ideen/:id/unterstuetzen',
    async (request, reply) => {
      const user = requireUser(request);
      const { city, process, idea } = await ideaIn(
        request,
        request.params.city,
        request.params.process,
        request.params.id,
      );
      await supportIdea(db, { idea, userId: user.id, on: formString(request.body, 'on') !== '0' });
      const fallback = `/${city.slug}/beteiligung/${process.slug}/ideen/${idea.id}`;
      return reply.redirect(`${localePrefix(request)}${commentPath(request.body, fallback)}`, 303);
    },
  );

  // ---- surveys

  app.get<{ Params: { city: string } }>('/:city/umfragen', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    const [ctx, surveys] = await Promise.all([request.pageContext(city), listSurveys(db, city.id)]);
    return reply.page(h(SurveyListPage, { ctx, surveys, now: new Date() }));
  });

  async function surveyPage(
    request: FastifyRequest,
    reply: FastifyReply,
    citySlug: string,
    slug: string,
    values: Record<string, string | string[]>,
    errors: Record<string, string>,
    status = 200,
  ) {
    const city = await cityOr404(citySlug);
    const survey = await surveyBySlug(db, city.id, slug);
    if (!survey) throw notFound('Diese Umfrage gibt es nicht.');
    const open = surveyOpen(survey);
    const [ctx, questions, answered] = await Promise.all([
      request.pageContext(city),
      questionsOf(db, survey.id),
      survey.mode === 'account' ? hasAnswered(db, survey.id, request.user?.id) : Promise.resolve(false),
    ]);
    const showResults = !open || survey.live_results;
    const results = showResults ? await surveyResults(db, survey, false) : undefined;
    return reply.page(
      h(SurveyPage, {
        ctx,
        survey,
        questions,
        open,
        answered,
        values,
        errors,
        results,
        notice: noticeOf(request),
      }),
      status,
    );
  }

  app.get<{ Params: { city: string; slug: string } }>('/:city/umfragen/:slug', async (request, reply) =>
    surveyPage(request, reply, request.params.city, request.params.slug, {}, {}),
  );

  app.post<{ Params: { city: string; slug: string } }>('/:city/umfragen/:slug', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    const survey = await surveyBySlug(db, city.id, request.params.slug);
    if (!survey) throw notFound('Diese Umfrage gibt es nicht.');
    const raw: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
      if (k === '_csrf') continue;
      if (typeof v === 'string') raw[k] = v.slice(0, 2100);
      else if (Array.isArray(v)) raw[k] = formList(request.body, k).slice(0, 50);
    }
    const questions = await questionsOf(db, survey.id);
    const { answers, errors } = validateAnswers(questions, raw);
    if (Object.keys(errors).length)
      return surveyPage(request, reply, city.slug, survey.slug, raw, errors, 422);
    try {
      await submitSurvey(db, {
        survey,
        answers,
        userId: request.user?.id,
        token: typeof raw.token === 'string' ? raw.token : undefined,
      });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors)
        return surveyPage(request, reply, city.slug, survey.slug, raw, err.details.errors, 422);
      throw err;
    }
    return reply.redirect(`${localePrefix(request)}/${city.slug}/umfragen/${survey.slug}?ok=umfrage`, 303);
  });

  // ---- Fragestunde

  app.get<{ Params: { city: string } }>('/:city/fragestunde', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    const [ctx, sessions] = await Promise.all([request.pageContext(city), listQuestionSessions(db, city.id)]);
    return reply.page(h(SessionListPage, { ctx, sessions }));
  });

  async function sessionPage(
    request: FastifyRequest,
    reply: FastifyReply,
    citySlug: string,
    slug: string,
    value: string,
    errors: Record<string, string>,
    status = 200,
  ) {
    const city = await cityOr404(citySlug);
    const session = await questionSessionBySlug(db, city.id, slug);
    if (!session) throw notFound('Diese Fragestunde gibt es nicht.');
    const questions = await questionsOfSession(db, session.id, { userId: request.user?.id });
    const [ctx, mine, following] = await Promise.all([
      request.pageContext(city),
      myReactions(
        db,
        request.user?.id,
        'question',
        questions.map((q) => q.id),
      ),
      isFollowing(db, request.user?.id, 'question_session', session.id),
    ]);
    return reply.page(
      h(SessionPage, { ctx, session, questions, mine, following, value, errors, notice: noticeOf(request) }),
      status,
    );
  }

  app.get<{ Params: { city: string; slug: string } }>('/:city/fragestunde/:slug', async (request, reply) =>
    sessionPage(request, reply, request.params.city, request.params.slug, '', {}),
  );

  app.post<{ Params: { city: string; slug: string } }>(
    '/:city/fragestunde/:slug/fragen',
    async (request, reply) => {
      const user = requireUser(request);
      const city = await cityOr404(request.params.city);
      const session = await questionSessionBySlug(db, city.id, request.params.slug);
      if (!session) throw notFound('Diese Fragestunde gibt es nicht.');
      const base = `${localePrefix(request)}/${city.slug}/fragestunde/${session.slug}`;
      if (formString(request.body, 'homepage')) return reply.redirect(`${base}?ok=frage`, 303);
      const text = formString(request.body, 'body').slice(0, 2000);
      try {
        await submitQuestion(db, { session, userId: user.id, body: text });
      } catch (err) {
        if (err instanceof HttpError && (err.statusCode === 422 || err.statusCode === 429))
          return sessionPage(
            request,
            reply,
            city.slug,
            session.slug,
            text,
            err.details?.errors ?? { body: err.message },
            err.statusCode,
          );
        throw err;
      }
      return reply.redirect(`${base}?ok=frage`, 303);
    },
  );

  app.post<{ Params: { city: string; slug: string } }>(
    '/:city/fragestunde/:slug/folgen',
    async (request, reply) => {
      const user = requireUser(request);
      const city = await cityOr404(request.params.city);
      const session = await questionSessionBySlug(db, city.id, request.params.slug);
      if (!session) throw notFound('Diese Fragestunde gibt es nicht.');
      await setFollow(db, {
        userId: user.id,
        targetKind: 'question_session',
        targetId: session.id,
        on: formString(request.body, 'on') !== '0',
      });
      return reply.redirect(
        `${localePrefix(request)}/${city.slug}/fragestunde/${session.slug}?ok=gespeichert#folgen`,
        303,
      );
    },
  );

  app.post<{ Params: { city: string; slug: string; id: string } }>(
    '/:city/fragestunde/:slug/fragen/:id/unterstuetzen',
    async (request, reply) => {
      const user = requireUser(request);
      const city = await cityOr404(request.params.city);
      const session = await questionSessionBySlug(db, city.id, request.params.slug);
      if (!session) throw notFound('Diese Fragestunde gibt es nicht.');
      await supportQuestion(db, {
        questionId: Number(request.params.id),
        userId: user.id,
        on: formString(request.body, 'on') !== '0',
      });
      return reply.redirect(
        `${localePrefix(request)}/${city.slug}/fragestunde/${session.slug}#frage-${request.params.id}`,
        303,
      );
    },
  );

  // ---- notification settings and unsubscribe

  app.get('/beteiligung/benachrichtigungen', async (request, reply) => {
    const user = requireUser(request);
    const s = await notificationSettings(db, user.id);
    return reply.page(
      h(NotificationsPage, { ctx: await request.pageContext(), mode: s.mode, notice: noticeOf(request) }),
    );
  });

  app.post('/beteiligung/benachrichtigungen', async (request, reply) => {
    const user = requireUser(request);
    const mode = formString(request.body, 'mode');
    if (!(NOTIFY_MODES as readonly string[]).includes(mode))
      throw new HttpError(400, 'Bitte wählen Sie eine Einstellung.');
    await setNotificationMode(db, user.id, mode as NotifyMode);
    return reply.redirect(`${localePrefix(request)}/beteiligung/benachrichtigungen?ok=gespeichert`, 303);
  });

  app.get<{ Params: { token: string } }>('/beteiligung/abmelden/:token', async (request, reply) =>
    reply.page(
      h(UnsubscribePage, {
        ctx: await request.pageContext(),
        token: request.params.token.slice(0, 100),
        done: false,
      }),
    ),
  );

  app.post<{ Params: { token: string } }>('/beteiligung/abmelden/:token', async (request, reply) => {
    const ok = await unsubscribe(db, request.params.token.slice(0, 100));
    if (!ok) throw notFound('Dieser Abmelde-Link ist ungültig.');
    return reply.page(h(UnsubscribePage, { ctx: await request.pageContext(), token: '', done: true }));
  });
}

/** Redirects keep the language of the page the form was on. */
export const localePrefix = (request: FastifyRequest) => (request.locale === 'en' ? '/en' : '');
