/**
 * Staff side of the directory (/admin/angebote…), the staff import API and the public open-data export.
 * Encapsulated: multipart parsing and the raw-body parsers below exist only inside this plugin.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import Type from 'typebox';
import { requireStaff } from '../../platform/admin/index.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { type Db, rows, sql } from '../../platform/db/index.ts';
import { badRequest, HttpError, notFound } from '../../platform/http/errors.ts';
import { findCity } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import type { FieldErrors } from '../../platform/web/forms.tsx';
import {
  cityOptions,
  DeletePage,
  emptyValues,
  type FormValues,
  type ImportHistoryRow,
  ImportPage,
  inputFromValues,
  type ListFilter,
  noticeFrom,
  OfferFormPage,
  OfferListPage,
  valuesFromBody,
  valuesFromOffer,
} from './admin.tsx';
import type { Offer } from './model.ts';
import * as q from './queries.ts';
import {
  createOffer,
  deleteOffer,
  getOffer,
  setOfferStatus,
  updateOffer,
  ValidationError,
} from './service.ts';
import { exportOffers, type ImportReport, importOffers, JSON_FORMAT, MAX_IMPORT_BYTES } from './transfer.ts';

const PER_PAGE = 50;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

async function staffPage(
  db: Db,
  editable: number[] | 'all',
  filter: ListFilter,
  cityId: number | null | undefined,
): Promise<{ offers: Offer[]; total: number }> {
  const parts = [
    editable === 'all'
      ? sql`TRUE`
      : sql`o.city_id = ANY(${sql.param(editable.length ? editable : [-1])}::int[])`,
  ];
  if (cityId === null) parts.push(sql`o.city_id IS NULL`);
  else if (cityId !== undefined) parts.push(sql`o.city_id = ${cityId}`);
  if (filter.status) parts.push(sql`o.status = ${filter.status}`);
  if (filter.q) {
    const like = `%${escapeLike(filter.q)}%`;
    parts.push(sql`(o.title ILIKE ${like} OR o.slug ILIKE ${like})`);
  }
  const where = sql.join(parts, sql` AND `);
  const [offers, count] = await Promise.all([
    q.selectOffers(
      db,
      where,
      sql`ORDER BY o.title, o.id LIMIT ${PER_PAGE} OFFSET ${(filter.page - 1) * PER_PAGE}`,
    ),
    rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM offers o WHERE ${where}`),
  ]);
  return { offers, total: count[0]?.n ?? 0 };
}

function formatOf(value: unknown, fallback: 'csv' | 'json' | undefined): 'csv' | 'json' | undefined {
  return value === 'csv' || value === 'json' ? value : fallback;
}

function download(reply: FastifyReply, format: 'csv' | 'json', name: string, body: string) {
  const date = new Date().toISOString().slice(0, 10);
  return reply
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .header('content-disposition', `attachment; filename="angebote-${name}-${date}.${format}"`)
    .send(body);
}

const Problem = Type.Object({
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.String())),
});

const ImportReportSchema = Type.Object({
  id: Type.Integer({ description: 'Nummer des Imports (Tabelle offer_imports)' }),
  format: Type.Union([Type.Literal('csv'), Type.Literal('json')]),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Integer(),
  rows: Type.Array(
    Type.Object({
      row: Type.Integer({ description: 'Nummer des Eintrags, ab 1 (bei CSV ohne Kopfzeile)' }),
      slug: Type.Optional(Type.String()),
      status: Type.Union(['created', 'updated', 'unchanged', 'rejected'].map((s) => Type.Literal(s))),
      errors: Type.Optional(
        Type.Record(Type.String(), Type.String(), { description: 'Feld (wie in der Datei) → Meldung' }),
      ),
    }),
  ),
});

const ExportDocument = Type.Object({
  format: Type.Literal(JSON_FORMAT),
  stadt: Type.Union([Type.String(), Type.Null()]),
  quelle: Type.String(),
  erstellt: Type.String({ format: 'date-time' }),
  leistungen: Type.Array(Type.Record(Type.String(), Type.Unknown())),
});

export async function directoryAdminRoutes(app: FastifyInstance) {
  const db = app.database.db;
  await app.register(multipart, {
    limits: { fileSize: MAX_IMPORT_BYTES, fieldSize: MAX_IMPORT_BYTES, files: 1, fields: 10, parts: 12 },
  });

  async function cities() {
    return (await app.tenancy()).cities;
  }

  /** 'region' → null, a city slug → its id, anything else → undefined. */
  async function cityParam(value: unknown): Promise<number | null | undefined> {
    if (value === 'region') return null;
    if (typeof value !== 'string' || !value) return undefined;
    return findCity(await cities(), value)?.id;
  }

  async function offerFor(request: FastifyRequest, id: string): Promise<{ user: CurrentUser; offer: Offer }> {
    requireStaff(request, 'editor', 'any');
    const offer = await getOffer(db, id);
    if (!offer) throw notFound('Dieses Angebot gibt es nicht (mehr).');
    const user = requireStaff(request, 'editor', offer.cityId);
    return { user, offer };
  }

  // ---- list ----

  app.get('/admin/angebote', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const query = request.query as Record<string, unknown>;
    const page = Number.parseInt(String(query.seite ?? '1'), 10);
    const filter: ListFilter = {
      q: typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '',
      city: typeof query.stadt === 'string' ? query.stadt : '',
      status: query.status === 'draft' || query.status === 'published' ? query.status : '',
      page: Number.isFinite(page) && page > 0 ? Math.min(page, 10_000) : 1,
    };
    const editable = citiesWithRole(user, 'editor');
    const cityId = filter.city ? await cityParam(filter.city) : undefined;
    if (filter.city && cityId === undefined) filter.city = '';
    const [ctx, result] = await Promise.all([request.pageContext(), staffPage(db, editable, filter, cityId)]);
    return reply.page(
      h(OfferListPage, {
        ctx,
        offers: result.offers,
        total: result.total,
        pages: Math.max(1, Math.ceil(result.total / PER_PAGE)),
        filter,
        cities: cityOptions(ctx, editable),
        notice: noticeFrom(query),
      }),
    );
  });

  // ---- create ----

  app.get('/admin/angebote/neu', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const ctx = await request.pageContext();
    const options = cityOptions(ctx, citiesWithRole(user, 'editor'));
    return reply.page(
      h(OfferFormPage, { ctx, values: emptyValues(options[0]?.value ?? ''), errors: {}, cities: options }),
    );
  });

  app.post('/admin/angebote/neu', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const values = valuesFromBody(request.body);
    const cityId = await cityParam(values.city);
    let errors: FieldErrors;
    if (cityId === undefined) {
      errors = { city: 'Wählen Sie die Stadt aus, in der das Angebot erscheinen soll.' };
    } else {
      // Someone else's city is a 403 from the service, not a field error.
      requireStaff(request, 'editor', cityId);
      try {
        const offer = await createOffer(db, user, cityId, inputFromValues(values));
        return reply.redirect(`/admin/angebote/${offer.id}?angelegt=1`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors = err.errors;
      }
    }
    const ctx = await request.pageContext();
    const options = cityOptions(ctx, citiesWithRole(user, 'editor'));
    return reply.page(h(OfferFormPage, { ctx, values, errors, cities: options }), 422);
  });

  // ---- edit ----

  app.get<{ Params: { id: string } }>(
    '/admin/angebote/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const { user, offer } = await offerFor(request, request.params.id);
      const ctx = await request.pageContext();
      return reply.page(
        h(OfferFormPage, {
          ctx,
          offer,
          values: valuesFromOffer(offer),
          errors: {},
          cities: cityOptions(ctx, citiesWithRole(user, 'editor')),
          notice: noticeFrom(request.query as Record<string, unknown>),
        }),
      );
    },
  );

  async function formWithErrors(
    request: FastifyRequest,
    reply: FastifyReply,
    user: CurrentUser,
    offer: Offer,
    values: FormValues,
    errors: FieldErrors,
  ) {
    const ctx = await request.pageContext();
    return reply.page(
      h(OfferFormPage, {
        ctx,
        offer,
        values,
        errors,
        cities: cityOptions(ctx, citiesWithRole(user, 'editor')),
      }),
      422,
    );
  }

  app.post<{ Params: { id: string } }>(
    '/admin/angebote/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const { user, offer } = await offerFor(request, request.params.id);
      const values = { ...valuesFromBody(request.body), city: offer.city ?? 'region' };
      try {
        await updateOffer(db, user, offer.id, inputFromValues(values));
        return reply.redirect(`/admin/angebote/${offer.id}?gespeichert=1`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return formWithErrors(request, reply, user, offer, values, err.errors);
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/angebote/:id/status',
    { schema: { hide: true } },
    async (request, reply) => {
      const { user, offer } = await offerFor(request, request.params.id);
      const status = (request.body as Record<string, unknown> | undefined)?.status;
      if (status !== 'draft' && status !== 'published') throw badRequest('Unbekannter Status.');
      try {
        await setOfferStatus(db, user, offer.id, status);
      } catch (err) {
        // An offer that no longer passes today's rules must be fixed before it can be published.
        if (!(err instanceof ValidationError)) throw err;
        return formWithErrors(request, reply, user, offer, { ...valuesFromOffer(offer), status }, err.errors);
      }
      const flag = status === 'published' ? 'veroeffentlicht' : 'zurueckgezogen';
      return reply.redirect(`/admin/angebote/${offer.id}?${flag}=1`, 303);
    },
  );

  // ---- delete ----

  app.get<{ Params: { id: string } }>(
    '/admin/angebote/:id/loeschen',
    { schema: { hide: true } },
    async (request, reply) => {
      const { offer } = await offerFor(request, request.params.id);
      return reply.page(h(DeletePage, { ctx: await request.pageContext(), offer }));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/angebote/:id/loeschen',
    { schema: { hide: true } },
    async (request, reply) => {
      const { user, offer } = await offerFor(request, request.params.id);
      await deleteOffer(db, user, offer.id);
      return reply.redirect('/admin/angebote?geloescht=1', 303);
    },
  );

  // ---- import (staff page) ----

  async function importHistory(user: CurrentUser): Promise<ImportHistoryRow[]> {
    const editable = citiesWithRole(user, 'editor');
    const scope =
      editable === 'all'
        ? sql`TRUE`
        : sql`i.city_id = ANY(${sql.param(editable.length ? editable : [-1])}::int[])`;
    return rows<ImportHistoryRow>(
      db,
      sql`SELECT i.id, i.at, c.slug AS city, i.format, i.created, i.updated, i.unchanged, i.rejected
        FROM offer_imports i LEFT JOIN cities c ON c.id = i.city_id
        WHERE ${scope} ORDER BY i.id DESC LIMIT 10`,
    );
  }

  async function importPage(
    request: FastifyRequest,
    reply: FastifyReply,
    user: CurrentUser,
    state: {
      values: { city: string; format: string; text: string };
      errors?: FieldErrors;
      report?: ImportReport;
    },
    status = 200,
  ) {
    const ctx = await request.pageContext();
    const options = cityOptions(ctx, citiesWithRole(user, 'editor'));
    return reply.page(
      h(ImportPage, {
        ctx,
        cities: options,
        values: { ...state.values, city: state.values.city || (options[0]?.value ?? '') },
        errors: state.errors ?? {},
        report: state.report,
        history: await importHistory(user),
      }),
      status,
    );
  }

  app.get('/admin/angebote/import', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    return importPage(request, reply, user, { values: { city: '', format: '', text: '' } });
  });

  app.post('/admin/angebote/import', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const values = { city: '', format: '', text: '' };
    let file: { name: string; text: string } | undefined;
    const tooLarge = () =>
      importPage(
        request,
        reply,
        user,
        {
          values: { ...values, text: '' },
          errors: {
            file: 'Die Datei ist größer als 5 MB. Teilen Sie sie bitte auf und importieren Sie die Teile nacheinander.',
          },
        },
        413,
      );
    if (!request.isMultipart()) throw badRequest('Bitte senden Sie das Formular der Import-Seite.');
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const buffer = await part.toBuffer();
          if (buffer.length) file = { name: part.filename, text: buffer.toString('utf8') };
        } else if (part.fieldname in values) {
          if (part.valueTruncated) return tooLarge();
          values[part.fieldname as keyof typeof values] = String(part.value ?? '');
        }
      }
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 413) return tooLarge();
      throw err;
    }
    const text = file?.text ?? values.text;
    if (!text.trim()) {
      return importPage(
        request,
        reply,
        user,
        { values, errors: { file: 'Wählen Sie eine Datei aus oder fügen Sie den Inhalt ein.' } },
        400,
      );
    }
    const cityId = await cityParam(values.city);
    if (cityId === undefined) {
      return importPage(request, reply, user, { values, errors: { city: 'Wählen Sie die Stadt aus.' } }, 400);
    }
    requireStaff(request, 'editor', cityId);
    const format =
      formatOf(values.format, undefined) ??
      (file && /\.json$/i.test(file.name) ? 'json' : undefined) ??
      (file && /\.csv$/i.test(file.name) ? 'csv' : undefined) ??
      (text
        .trimStart()
        .replace(/^\uFEFF/, '')
        .startsWith('{')
        ? 'json'
        : 'csv');
    try {
      const report = await importOffers(db, user, cityId, format, text);
      return importPage(request, reply, user, { values: { ...values, text: '' }, report });
    } catch (err) {
      // Problems with the whole file (unreadable, wrong header, too many rows) are shown on the form.
      if (!(err instanceof HttpError) || (err.statusCode !== 400 && err.statusCode !== 413)) throw err;
      const field = file ? 'file' : 'text';
      return importPage(
        request,
        reply,
        user,
        {
          values: file ? values : { ...values, text: values.text.slice(0, 200_000) },
          errors: { [field]: err.message },
        },
        err.statusCode,
      );
    }
  });

  // ---- export (staff) ----

  app.get('/admin/angebote/export', { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request, 'editor', 'any');
    const query = request.query as Record<string, unknown>;
    const format = formatOf(query.format, 'csv')!;
    const cityId = await cityParam(query.city);
    if (cityId === undefined)
      throw badRequest('Wählen Sie die Stadt aus, deren Angebote Sie exportieren möchten.');
    requireStaff(request, 'editor', cityId);
    const body = await exportOffers(db, cityId, format, app.config.baseUrl);
    // Drafts are inside: never kept by shared caches.
    reply.header('cache-control', 'private, no-store');
    return download(reply, format, String(query.city), body);
  });

  // ---- public open-data export ----

  app.get(
    '/api/v1/offers/export',
    {
      schema: {
        tags: ['Angebote'],
        summary: 'Veröffentlichte Angebote einer Stadt als Datei (Open Data)',
        description:
          'CSV (UTF-8, Kopfzeile, Listen mit „|“ getrennt) oder JSON im Format stadtplattform-leistungen/1; ' +
          'city=region liefert die Angebote der ganzen Region. Beschrieben in docs/directory-import.md.',
        querystring: Type.Object(
          {
            city: Type.String({
              pattern: '^[a-z][a-z0-9-]{1,40}$',
              description: 'Slug der Stadt (z. B. aalen) oder region',
            }),
            format: Type.Optional(
              Type.Union([Type.Literal('csv'), Type.Literal('json')], {
                default: 'json',
                description: 'Dateiformat',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'Die Datei (Content-Disposition: attachment)',
            content: {
              'application/json': { schema: ExportDocument },
              'text/csv': { schema: Type.String() },
            },
          },
          400: Problem,
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const query = request.query as { city: string; format?: 'csv' | 'json' };
      const cityId = await cityParam(query.city);
      if (cityId === undefined) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
      const format = query.format ?? 'json';
      const body = await exportOffers(db, cityId, format, app.config.baseUrl, { publishedOnly: true });
      // Open data: any site may fetch it; only published offers are inside.
      reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=300');
      return download(reply, format, query.city, body);
    },
  );

  // ---- staff import API: the body is the file itself, JSON or CSV, kept as text ----

  await app.register(async (api) => {
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser(
      ['application/json', 'text/csv'],
      { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES },
      (_request, body, done) => done(null, body),
    );
    api.post(
      '/api/v1/offers/import',
      {
        bodyLimit: MAX_IMPORT_BYTES,
        schema: {
          tags: ['Angebote'],
          summary: 'Angebote importieren (Redaktion)',
          description:
            'Der Body ist die Datei selbst: application/json im Format stadtplattform-leistungen/1 oder text/csv ' +
            '(UTF-8, Kopfzeile). Jeder Eintrag wird wie im Formular geprüft; die Antwort nennt je Eintrag ' +
            'created, updated, unchanged oder rejected mit Gründen. Höchstens 5.000 Einträge und 5 MB (sonst 413).',
          security: [{ session: [], csrf: [] }],
          querystring: Type.Object(
            {
              city: Type.String({
                pattern: '^[a-z][a-z0-9-]{1,40}$',
                description: 'Slug der Stadt oder region',
              }),
              format: Type.Optional(
                Type.Union([Type.Literal('csv'), Type.Literal('json')], {
                  description: 'Ohne Angabe: aus dem Content-Type',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: ImportReportSchema,
            400: Problem,
            401: Problem,
            403: Problem,
            404: Problem,
            413: Problem,
          },
        },
      },
      async (request) => {
        requireStaff(request, 'editor', 'any');
        const query = request.query as { city: string; format?: 'csv' | 'json' };
        const cityId = await cityParam(query.city);
        if (cityId === undefined) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
        const user = requireStaff(request, 'editor', cityId);
        const type = request.headers['content-type'] ?? '';
        const format =
          query.format ?? (type.includes('csv') ? 'csv' : type.includes('json') ? 'json' : undefined);
        if (!format) throw badRequest('Senden Sie die Datei als application/json oder text/csv.');
        if (typeof request.body !== 'string' || !request.body.trim()) {
          throw badRequest('Der Body ist leer: Senden Sie den Inhalt der Datei.');
        }
        return importOffers(db, user, cityId, format, request.body);
      },
    );
  });
}
