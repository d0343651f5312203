/** JSON API of Beteiligung under /api/v1/participation: measures, ideas, comments; writes for signed-in people. */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { requireStaff } from '../../platform/admin/index.ts';
import { notFound } from '../../platform/http/errors.ts';
import { findCity } from '../../platform/tenancy/service.ts';
import { type MeasureForm, MeasureFormSchema, saveMeasure } from './editing.ts';
import { IDEAS_PER_PAGE, requireUser } from './routes.ts';
import {
  addComment,
  assertPhaseAllows,
  type CommentNode,
  commentTargetResolver,
  countIdeas,
  IDEA_SORTS,
  type IdeaSort,
  ideaById,
  listComments,
  listIdeas,
  listMeasures,
  MEASURE_STATUSES,
  type MeasureRow,
  measureById,
  measureBySlug,
  milestonesOf,
  phasesOf,
  processById,
  setReaction,
  supportIdea,
  updatesOf,
} from './service.ts';

const Problem = Type.Object({
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const security = [{ session: [], csrf: [] }];
const tags = ['Beteiligung'];

const Measure = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  title: Type.String(),
  fieldOfAction: Type.String(),
  cities: Type.Array(Type.String()),
  periodStart: Type.String({ format: 'date' }),
  periodEnd: Type.String({ format: 'date' }),
  status: Type.Union(MEASURE_STATUSES.map((s) => Type.Literal(s))),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  summary: Type.String(),
  responsibleOffice: Type.String(),
  likes: Type.Integer(),
  importants: Type.Integer(),
  comments: Type.Integer(),
});

const Comment = Type.Object({
  id: Type.Integer(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  author: Type.Union([Type.String(), Type.Null()]),
  body: Type.Union([Type.String(), Type.Null()], { description: 'null when hidden or deleted' }),
  status: Type.String(),
  hiddenReason: Type.Union([Type.String(), Type.Null()]),
  official: Type.Boolean(),
  ups: Type.Integer(),
  downs: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  replies: Type.Array(Type.Any()),
});

const Idea = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  excerpt: Type.String(),
  category: Type.String(),
  status: Type.String(),
  supports: Type.Integer(),
  comments: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  location: Type.Union([Type.Object({ lat: Type.Number(), lon: Type.Number() }), Type.Null()]),
});

export async function participationApi(app: FastifyInstance) {
  const db = app.database.db;
  const slugOf = async (ids: number[]) => {
    const { cities } = await app.tenancy();
    return ids.map((id) => cities.find((c) => c.id === id)?.slug ?? '');
  };
  const measureJson = async (m: MeasureRow) => ({
    id: m.id,
    slug: m.slug,
    title: m.title,
    fieldOfAction: m.field_of_action,
    cities: await slugOf(m.city_ids),
    periodStart: m.period_start,
    periodEnd: m.period_end,
    status: m.status,
    progress: m.progress,
    summary: m.summary,
    responsibleOffice: m.responsible_office,
    likes: m.likes,
    importants: m.importants,
    comments: m.comment_count,
  });
  const commentJson = (c: CommentNode): Record<string, unknown> => ({
    id: c.id,
    parentId: c.parent_id,
    author: c.official ? 'Stadtverwaltung' : c.author_name,
    body: c.showBody ? c.body : null,
    status: c.status,
    hiddenReason: c.hidden_reason,
    official: c.official,
    ups: c.ups,
    downs: c.downs,
    createdAt: new Date(c.created_at).toISOString(),
    replies: c.replies.map(commentJson),
  });

  app.get<{ Querystring: { city?: string; field?: string; status?: string } }>(
    '/api/v1/participation/measures',
    {
      schema: {
        tags,
        summary: 'Maßnahmen mit Status und Fortschritt',
        querystring: Type.Object({
          city: Type.Optional(Type.String({ maxLength: 60, description: 'Stadt (Slug), z. B. aalen' })),
          field: Type.Optional(Type.String({ maxLength: 80, description: 'Handlungsfeld' })),
          status: Type.Optional(Type.Union(MEASURE_STATUSES.map((s) => Type.Literal(s)))),
        }),
        response: { 200: Type.Object({ measures: Type.Array(Measure) }), 404: Problem },
      },
    },
    async (request) => {
      const q = request.query;
      let cityId: number | undefined;
      if (q.city) {
        const city = findCity((await app.tenancy()).cities, q.city);
        if (!city) throw notFound('Diese Stadt gibt es nicht.');
        cityId = city.id;
      }
      const list = await listMeasures(db, { cityId, field: q.field, status: q.status });
      return { measures: await Promise.all(list.map(measureJson)) };
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/api/v1/participation/measures/:slug',
    {
      schema: {
        tags,
        summary: 'Eine Maßnahme mit Beschreibung, Meilensteinen und Neuigkeiten',
        params: Type.Object({ slug: Type.String({ maxLength: 80 }) }),
        response: {
          200: Type.Intersect([
            Measure,
            Type.Object({
              description: Type.String({ description: 'Markdown' }),
              milestones: Type.Array(
                Type.Object({
                  title: Type.String(),
                  dueOn: Type.String(),
                  doneOn: Type.Union([Type.String(), Type.Null()]),
                }),
              ),
              updates: Type.Array(
                Type.Object({ at: Type.String(), title: Type.String(), body: Type.String() }),
              ),
            }),
          ]),
          404: Problem,
        },
      },
    },
    async (request) => {
      const m = await measureBySlug(db, request.params.slug);
      if (!m) throw notFound('Diese Maßnahme gibt es nicht.');
      const [milestones, updates] = await Promise.all([milestonesOf(db, m.id), updatesOf(db, m.id)]);
      return {
        ...(await measureJson(m)),
        description: m.description,
        milestones: milestones.map((s) => ({ title: s.title, dueOn: s.due_on, doneOn: s.done_on })),
        updates: updates.map((u) => ({ at: new Date(u.at).toISOString(), title: u.title, body: u.body })),
      };
    },
  );

  // Staff: create and replace measures with the schema, rules and audit of the staff form. PUT
  // replaces the milestones: entries with an id are kept, without one are new, missing ones go.
  const saved = Type.Object({ id: Type.Integer(), slug: Type.String() });
  app.post<{ Body: MeasureForm }>(
    '/api/v1/participation/measures',
    {
      schema: {
        tags,
        summary: 'Maßnahme anlegen (Redaktion der zuständigen Stadt)',
        security,
        body: MeasureFormSchema,
        response: { 201: saved, 400: Problem, 401: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const user = requireStaff(request, 'editor', request.body.cityId);
      const id = await saveMeasure(db, user, undefined, request.body);
      reply.code(201);
      return { id, slug: request.body.slug };
    },
  );

  app.put<{ Params: { id: number }; Body: MeasureForm }>(
    '/api/v1/participation/measures/:id',
    {
      schema: {
        tags,
        summary: 'Maßnahme ändern (die Stadt bleibt, cityId wird nicht geändert)',
        security,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: MeasureFormSchema,
        response: { 200: saved, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      const m = await measureById(db, request.params.id);
      if (!m) throw notFound('Diese Maßnahme gibt es nicht.');
      const user = requireStaff(request, 'editor', m.city_id);
      await saveMeasure(db, user, m, request.body);
      return { id: m.id, slug: request.body.slug };
    },
  );

  app.post<{ Params: { slug: string }; Body: { kind: 'like' | 'important'; on: boolean } }>(
    '/api/v1/participation/measures/:slug/reactions',
    {
      schema: {
        tags,
        summary: '„Gefällt mir“ oder „Finde ich wichtig“ setzen oder zurücknehmen (einmal je Person)',
        security,
        params: Type.Object({ slug: Type.String({ maxLength: 80 }) }),
        body: Type.Object(
          { kind: Type.Union([Type.Literal('like'), Type.Literal('important')]), on: Type.Boolean() },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ count: Type.Integer(), changed: Type.Boolean() }),
          401: Problem,
          404: Problem,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const m = await measureBySlug(db, request.params.slug);
      if (!m) throw notFound('Diese Maßnahme gibt es nicht.');
      return setReaction(db, {
        targetKind: 'measure',
        targetId: m.id,
        userId: user.id,
        kind: request.body.kind,
        on: request.body.on,
      });
    },
  );

  app.get<{ Params: { id: number }; Querystring: { sort?: IdeaSort; page?: number; seed?: number } }>(
    '/api/v1/participation/processes/:id/ideas',
    {
      schema: {
        tags,
        summary: 'Ideen eines Beteiligungsverfahrens, seitenweise',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({
          sort: Type.Optional(Type.Union(IDEA_SORTS.map((s) => Type.Literal(s)))),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
          seed: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 999_999_999, description: 'für sort=zufall' }),
          ),
        }),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            page: Type.Integer(),
            perPage: Type.Integer(),
            ideas: Type.Array(Idea),
          }),
          404: Problem,
        },
      },
    },
    async (request) => {
      const process = await processById(db, request.params.id);
      if (!process) throw notFound('Dieses Verfahren gibt es nicht.');
      const page = request.query.page ?? 1;
      const [ideas, total] = await Promise.all([
        listIdeas(db, {
          processId: process.id,
          sort: request.query.sort ?? 'neu',
          limit: IDEAS_PER_PAGE,
          offset: (page - 1) * IDEAS_PER_PAGE,
          seed: request.query.seed ?? 1,
        }),
        countIdeas(db, process.id),
      ]);
      return {
        total,
        page,
        perPage: IDEAS_PER_PAGE,
        ideas: ideas.map((i) => ({
          id: i.id,
          title: i.title,
          excerpt: i.excerpt,
          category: i.category,
          status: i.status,
          supports: i.supports,
          comments: i.comment_count,
          createdAt: new Date(i.created_at).toISOString(),
          location: i.lat !== null && i.lon !== null ? { lat: i.lat, lon: i.lon } : null,
        })),
      };
    },
  );

  app.post<{ Params: { id: number }; Body: { on: boolean } }>(
    '/api/v1/participation/ideas/:id/supports',
    {
      schema: {
        tags,
        summary: 'Eine Idee unterstützen (nur in der Phase „Bewerten“, einmal je Person)',
        security,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ on: Type.Boolean() }, { additionalProperties: false }),
        response: {
          200: Type.Object({ count: Type.Integer(), changed: Type.Boolean() }),
          401: Problem,
          404: Problem,
          409: Problem,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const idea = await ideaById(db, request.params.id);
      if (!idea?.visible) throw notFound('Diese Idee gibt es nicht.');
      return supportIdea(db, { idea, userId: user.id, on: request.body.on });
    },
  );

  app.get<{ Querystring: { targetKind: 'measure' | 'idea' | 'report'; targetId: number } }>(
    '/api/v1/participation/comments',
    {
      schema: {
        tags,
        summary:
          'Kommentare zu einer Maßnahme, Idee oder veröffentlichten Mängelmeldung als Baum (drei Ebenen)',
        querystring: Type.Object({
          targetKind: Type.Union([Type.Literal('measure'), Type.Literal('idea'), Type.Literal('report')]),
          targetId: Type.Integer({ minimum: 1 }),
        }),
        response: { 200: Type.Object({ comments: Type.Array(Comment) }), 404: Problem },
      },
    },
    async (request) => {
      const { targetKind, targetId } = request.query;
      const exists =
        targetKind === 'measure'
          ? await measureById(db, targetId)
          : targetKind === 'idea'
            ? await ideaById(db, targetId)
            : await commentTargetResolver(targetKind)?.(db, targetId);
      if (!exists || ('visible' in exists && !exists.visible)) throw notFound();
      const list = await listComments(db, targetKind, targetId, { userId: request.user?.id });
      return { comments: list.map(commentJson) };
    },
  );

  app.post<{
    Body: { targetKind: 'measure' | 'idea' | 'report'; targetId: number; parentId?: number; body: string };
  }>(
    '/api/v1/participation/comments',
    {
      schema: {
        tags,
        summary: 'Kommentar schreiben (Antworten bis zur dritten Ebene)',
        security,
        body: Type.Object(
          {
            targetKind: Type.Union([Type.Literal('measure'), Type.Literal('idea'), Type.Literal('report')]),
            targetId: Type.Integer({ minimum: 1 }),
            parentId: Type.Optional(Type.Integer({ minimum: 1 })),
            body: Type.String({ minLength: 1, maxLength: 4000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.Integer(), status: Type.String() }),
          401: Problem,
          404: Problem,
          409: Problem,
          422: Problem,
          429: Problem,
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const b = request.body;
      let cityId: number;
      let premoderated = false;
      if (b.targetKind === 'measure') {
        const m = await measureById(db, b.targetId);
        if (!m) throw notFound();
        cityId = m.city_id;
      } else if (b.targetKind === 'report') {
        const target = await commentTargetResolver('report')?.(db, b.targetId);
        if (!target) throw notFound();
        cityId = target.cityId;
      } else {
        const idea = await ideaById(db, b.targetId);
        if (!idea?.visible) throw notFound();
        const process = (await processById(db, idea.process_id))!;
        assertPhaseAllows(await phasesOf(db, process.id), 'comment');
        cityId = process.city_id;
        premoderated = process.premoderation;
      }
      const r = await addComment(db, {
        targetKind: b.targetKind,
        targetId: b.targetId,
        cityId,
        parentId: b.parentId,
        authorId: user.id,
        body: b.body,
        premoderated,
        official: false,
      });
      reply.code(201);
      return r;
    },
  );
}
