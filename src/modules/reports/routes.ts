import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { hasRole } from '../../platform/auth/service.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import { cityBoundaryGeoJson, findCity } from '../../platform/tenancy/service.ts';
import { formString } from '../../platform/web/forms.tsx';
import { listComments } from '../participation/index.ts';
import { type PlaceHit, placeByRef, searchPlaces } from './gazetteer.ts';
import {
  NewReportPage,
  ReopenPage,
  type ReportFormValues,
  ReportListPage,
  ReportPage,
  ThanksPage,
} from './pages.tsx';
import {
  canModerate,
  categoriesOf,
  confirmReport,
  countReports,
  createReport,
  duplicateCandidates,
  findReports,
  historyOf,
  isVisible,
  MAX_PHOTOS,
  OPEN_STATUSES,
  photoById,
  photosOf,
  type ReportFilter,
  reopenReport,
  reopenState,
  reportById,
  STATUSES,
  supportReport,
  toPublic,
} from './service.ts';

const PER_PAGE = 20;
/** Period filter of the public list, in days. */
export const PERIODS = ['7', '30', '90', '180', '365'];
const CLOSED = STATUSES.filter((s) => !OPEN_STATUSES.includes(s));

/** A number from a form field; German decimal commas are accepted. */
export function parseCoord(v: string): number | undefined {
  const s = v.trim().replace(',', '.');
  if (!s) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : Number.NaN;
}

function statusFilter(v: string): string[] | undefined {
  if (v === 'offen') return OPEN_STATUSES;
  if (v === 'geschlossen') return CLOSED;
  return (STATUSES as readonly string[]).includes(v) ? [v] : undefined;
}

export async function reportRoutes(app: FastifyInstance) {
  const db = app.database.db;
  // Photos arrive as multipart; fields and files land in request.body, so the CSRF check reads _csrf.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 10 * 1024 * 1024, files: MAX_PHOTOS, fields: 20, fieldSize: 20_000 },
  });

  async function cityOr404(slug: string) {
    const city = findCity((await app.tenancy()).cities, slug);
    if (!city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    return city;
  }

  async function visibleReport(request: FastifyRequest, slug: string, idText: string) {
    const city = await cityOr404(slug);
    const report = await reportById(db, Number(idText));
    if (!report || report.city_id !== city.id || !isVisible(report, request.user)) {
      throw notFound('Diese Meldung gibt es nicht oder sie ist noch nicht veröffentlicht.');
    }
    return { city, report };
  }

  app.get<{ Params: { city: string }; Querystring: Record<string, string> }>(
    '/:city/maengel',
    async (request, reply) => {
      const city = await cityOr404(request.params.city);
      const q = request.query;
      const category = typeof q.kategorie === 'string' ? q.kategorie.slice(0, 60) : '';
      const status = typeof q.status === 'string' ? q.status.slice(0, 30) : '';
      const period = PERIODS.includes(String(q.zeitraum)) ? String(q.zeitraum) : '';
      const page = Math.min(Math.max(Number.parseInt(q.seite ?? '1', 10) || 1, 1), 10_000);
      const filter: ReportFilter = {
        cityId: city.id,
        publicOnly: true,
        ...(category ? { categoryCodes: [category] } : {}),
        ...(statusFilter(status) ? { statuses: statusFilter(status)! } : {}),
        ...(period ? { from: new Date(Date.now() - Number(period) * 86_400_000) } : {}),
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
      };
      const [ctx, found, total, categories, boundary, mapPoints] = await Promise.all([
        request.pageContext(city),
        findReports(db, filter),
        countReports(db, filter),
        categoriesOf(db, city.id),
        cityBoundaryGeoJson(db, city.id),
        findReports(db, { ...filter, limit: 500, offset: 0 }),
      ]);
      return reply.page(
        h(ReportListPage, {
          ctx,
          reports: found.map(toPublic),
          total,
          page,
          pages: Math.max(1, Math.ceil(total / PER_PAGE)),
          categories,
          filter: { category, status, period },
          boundary,
          mapPoints: mapPoints.map(toPublic),
        }),
      );
    },
  );

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    citySlug: string,
    values: ReportFormValues,
    errors: Record<string, string>,
    status = 200,
  ) {
    const city = await cityOr404(citySlug);
    // A place chosen from the address search fills the coordinates (and the address, if empty).
    if (values.ort) {
      const place = await placeByRef(db, city.id, values.ort);
      if (place) {
        values.lat = place.lat.toFixed(6);
        values.lon = place.lon.toFixed(6);
        if (!values.address.trim()) values.address = place.label;
      }
    }
    const lon = parseCoord(values.lon);
    const lat = parseCoord(values.lat);
    let places: PlaceHit[] | undefined;
    if (values.search && values.address.trim() && !values.ort) {
      places = await searchPlaces(db, city.id, values.address);
    }
    let nearby: Awaited<ReturnType<typeof duplicateCandidates>> | undefined;
    if (
      values.category &&
      lon !== undefined &&
      lat !== undefined &&
      Number.isFinite(lon) &&
      Number.isFinite(lat)
    ) {
      nearby = await duplicateCandidates(db, city, values.category, lon, lat);
    }
    const [ctx, categories, boundary] = await Promise.all([
      request.pageContext(city),
      categoriesOf(db, city.id),
      cityBoundaryGeoJson(db, city.id),
    ]);
    return reply.page(
      h(NewReportPage, { ctx, categories, values, errors, nearby, boundary, places }),
      status,
    );
  }

  const valuesFrom = (src: unknown): ReportFormValues => ({
    category: formString(src, 'category').slice(0, 60),
    description: formString(src, 'description').slice(0, 5000),
    address: formString(src, 'address').slice(0, 400),
    lat: formString(src, 'lat').slice(0, 30),
    lon: formString(src, 'lon').slice(0, 30),
    name: formString(src, 'name').slice(0, 200),
    email: formString(src, 'email').slice(0, 200),
    ort: formString(src, 'ort').slice(0, 40),
    search: formString(src, 'suche') === '1',
  });

  // GET with values: the "already reported?" check without JavaScript (the form submits to itself).
  app.get<{ Params: { city: string } }>('/:city/maengel/neu', async (request, reply) =>
    renderForm(request, reply, request.params.city, valuesFrom(request.query), {}),
  );

  app.post<{ Params: { city: string } }>('/:city/maengel/neu', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = valuesFrom(body);
    // Honeypot: people never see this field; a filled one is a bot. Answer as if it worked.
    if (formString(body, 'homepage')) {
      return reply.redirect(`/${city.slug}/maengel/danke?nr=0&art=pruefung`, 303);
    }
    const raw = body.photos;
    const photos = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(
      (p): p is Buffer => Buffer.isBuffer(p) && p.length > 0,
    );
    const lon = parseCoord(values.lon);
    const lat = parseCoord(values.lat);
    const errors: Record<string, string> = {};
    if (Number.isNaN(lat) || Number.isNaN(lon))
      errors.lat = 'Breite und Länge müssen Zahlen sein, z. B. 48.8378 und 10.0936.';
    if (Object.keys(errors).length) return renderForm(request, reply, city.slug, values, errors, 422);
    try {
      const created = await createReport(db, {
        fallbackCity: city,
        categoryCode: values.category,
        description: values.description,
        address: values.address,
        lon,
        lat,
        photos,
        reporter: { user: request.user, name: values.name, email: values.email },
        source: 'web',
        baseUrl: app.config.baseUrl,
      });
      const kind = created.published ? 'sichtbar' : created.reporterToken ? 'bestaetigen' : 'pruefung';
      return reply.redirect(`/${created.citySlug}/maengel/danke?nr=${created.id}&art=${kind}`, 303);
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
        return renderForm(request, reply, city.slug, values, err.details.errors, 422);
      }
      throw err;
    }
  });

  app.get<{ Params: { city: string }; Querystring: { nr?: string; art?: string } }>(
    '/:city/maengel/danke',
    async (request, reply) => {
      const city = await cityOr404(request.params.city);
      const kind =
        (['sichtbar', 'bestaetigen', 'pruefung'] as const).find((k) => k === request.query.art) ?? 'pruefung';
      const id = Number.parseInt(request.query.nr ?? '0', 10) || 0;
      return reply.page(h(ThanksPage, { ctx: await request.pageContext(city), id, kind }));
    },
  );

  // For the location island: nearby open reports of a category, as JSON.
  app.get<{ Params: { city: string }; Querystring: Record<string, string> }>(
    '/:city/maengel/in-der-naehe.json',
    async (request) => {
      const city = await cityOr404(request.params.city);
      const lon = parseCoord(request.query.lon ?? '');
      const lat = parseCoord(request.query.lat ?? '');
      if (lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) {
        throw new HttpError(400, 'lat und lon fehlen');
      }
      const found = await duplicateCandidates(db, city, String(request.query.kategorie ?? ''), lon, lat);
      return found.map((n) => ({
        id: n.id,
        status: n.status,
        distance: n.distance,
        url: `/${city.slug}/maengel/${n.id}`,
      }));
    },
  );

  app.get<{ Params: { city: string; id: string }; Querystring: { token?: string; unterstuetzt?: string } }>(
    '/:city/maengel/:id',
    async (request, reply) => {
      const { city, report } = await visibleReport(request, request.params.city, request.params.id);
      const [ctx, history, photos, boundary, comments] = await Promise.all([
        request.pageContext(city),
        historyOf(db, report.id),
        photosOf(db, report.id),
        cityBoundaryGeoJson(db, city.id),
        report.published_at
          ? listComments(db, 'report', report.id, {
              userId: request.user?.id,
              moderator: hasRole(request.user, 'moderator', city.id),
            })
          : undefined,
      ]);
      const staff = canModerate(request.user, city.id);
      return reply.page(
        h(ReportPage, {
          ctx,
          report: toPublic(report),
          history,
          photos: photos.filter((p) => !p.hidden),
          boundary,
          canReopen: reopenState(report, { user: request.user }) === 'ok',
          reopenToken: undefined,
          unpublished: !report.published_at && (staff || report.reporter_user_id === request.user?.id),
          supported: ['1', '2'].includes(String(request.query.unterstuetzt))
            ? (String(request.query.unterstuetzt) as '1' | '2')
            : undefined,
          comments,
        }),
      );
    },
  );

  app.get<{ Params: { city: string; id: string; photo: string } }>(
    '/:city/maengel/:id/fotos/:photo',
    async (request, reply) => {
      const { report } = await visibleReport(request, request.params.city, request.params.id);
      const photo = await photoById(db, Number(request.params.photo));
      if (
        !photo ||
        photo.report_id !== report.id ||
        (photo.hidden && !canModerate(request.user, report.city_id))
      ) {
        throw notFound('Dieses Foto gibt es nicht.');
      }
      reply.header('cache-control', photo.hidden ? 'private, no-store' : 'public, max-age=300');
      return reply.type(photo.media_type).send(photo.data);
    },
  );

  app.get<{ Params: { city: string; id: string }; Querystring: { token?: string } }>(
    '/:city/maengel/:id/bestaetigen',
    async (request, reply) => {
      const city = await cityOr404(request.params.city);
      const report = await confirmReport(db, Number(request.params.id), String(request.query.token ?? ''));
      if (report.city_id !== city.id) throw notFound('Dieser Bestätigungslink ist ungültig.');
      const [ctx, history, photos, boundary] = await Promise.all([
        request.pageContext(city),
        historyOf(db, report.id),
        photosOf(db, report.id),
        cityBoundaryGeoJson(db, city.id),
      ]);
      return reply.page(
        h(ReportPage, {
          ctx,
          report: toPublic(report),
          history,
          photos: photos.filter((p) => !p.hidden),
          boundary,
          canReopen: false,
          reopenToken: undefined,
          confirmed: true,
          unpublished: false,
        }),
      );
    },
  );

  // "Me too": from the duplicate suggestion on the form or the report's page. 10 a minute per client.
  app.post<{ Params: { city: string; id: string } }>(
    '/:city/maengel/:id/unterstuetzen',
    { config: { rateLimit: { max: 10, timeWindow: 60_000 } } },
    async (request, reply) => {
      const { city, report } = await visibleReport(request, request.params.city, request.params.id);
      if (!report.published_at)
        throw notFound('Diese Meldung gibt es nicht oder sie ist noch nicht veröffentlicht.');
      if (formString(request.body, 'homepage'))
        return reply.redirect(`/${city.slug}/maengel/${report.id}`, 303);
      const result = await supportReport(db, report.id, request.user);
      return reply.redirect(
        `/${city.slug}/maengel/${report.id}?unterstuetzt=${result === 'added' ? 1 : 2}`,
        303,
      );
    },
  );

  async function reopenTarget(_request: FastifyRequest, slug: string, idText: string) {
    const city = await cityOr404(slug);
    const report = await reportById(db, Number(idText));
    if (!report || report.city_id !== city.id) throw notFound('Diese Meldung gibt es nicht.');
    return { city, report };
  }

  app.get<{ Params: { city: string; id: string }; Querystring: { token?: string } }>(
    '/:city/maengel/:id/wieder-oeffnen',
    async (request, reply) => {
      const { city, report } = await reopenTarget(request, request.params.city, request.params.id);
      const token = String(request.query.token ?? '').slice(0, 200);
      const state = reopenState(report, { user: request.user, token });
      if (state === 'not_reporter')
        throw new HttpError(
          403,
          'Nur wer den Mangel gemeldet hat, kann die Meldung wieder öffnen. Nutzen Sie den Link aus unserer E-Mail.',
        );
      const errors: Record<string, string> = {};
      if (state === 'not_closed') errors.reason = 'Die Meldung ist nicht als erledigt markiert.';
      if (state === 'too_late')
        errors.reason =
          'Die Frist von 30 Tagen nach „erledigt“ ist abgelaufen. Bitte erstellen Sie eine neue Meldung.';
      return reply.page(
        h(ReopenPage, {
          ctx: await request.pageContext(city),
          report: toPublic(report),
          token,
          reason: '',
          errors,
        }),
        state === 'ok' ? 200 : 422,
      );
    },
  );

  app.post<{ Params: { city: string; id: string } }>(
    '/:city/maengel/:id/wieder-oeffnen',
    async (request, reply) => {
      const { city, report } = await reopenTarget(request, request.params.city, request.params.id);
      const token = formString(request.body, 'token').slice(0, 200);
      const reason = formString(request.body, 'reason').slice(0, 3000);
      try {
        await reopenReport(db, report.id, { user: request.user, token }, reason);
      } catch (err) {
        if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
          return reply.page(
            h(ReopenPage, {
              ctx: await request.pageContext(city),
              report: toPublic(report),
              token,
              reason,
              errors: err.details.errors,
            }),
            422,
          );
        }
        throw err;
      }
      return reply.redirect(`/${city.slug}/maengel/${report.id}`, 303);
    },
  );
}
