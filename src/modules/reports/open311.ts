/**
 * Open311 GeoReport v2 at /open311/v2/: discovery, services, requests (GET and POST), tokens, in JSON
 * and XML. jurisdiction_id is the city slug and required (the region has more than one city).
 * Errors are the spec's error lists: [{code, description}] / <errors><error>…</error></errors>.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { HttpError } from '../../platform/http/errors.ts';
import { type City, cityAt, findCity } from '../../platform/tenancy/service.ts';
import {
  type CategoryRow,
  categoriesOf,
  categoryByCode,
  createReport,
  isOpen,
  open311RequestsJson,
  publicUpdates,
  type ReportFilter,
  reportById,
  reportByToken,
  STATUS_LABELS,
  STATUSES,
  verifyApiKey,
} from './service.ts';

type Format = 'json' | 'xml';
const PREFIX = '/open311/v2';
const MAX_PAGE_SIZE = 1000;
const DEFAULT_DAYS = 90;

// ---- XML: a tiny serializer; every text goes through xmlEscape() ----

const xmlEscape = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [k: string]: XmlValue };

/** Arrays repeat their parent element name in the caller's shape: {services: {service: [...]}}. */
function xmlElement(name: string, value: XmlValue): string {
  if (Array.isArray(value)) return value.map((v) => xmlElement(name, v)).join('');
  if (value === null || value === undefined) return `<${name}/>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xmlElement(k, v))
      .join('')}</${name}>`;
  }
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

export function toXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${xmlElement(root, value)}`;
}

export class Open311Error extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function send(reply: FastifyReply, format: Format, status: number, json: unknown, xml: () => string) {
  reply.code(status).header('access-control-allow-origin', '*');
  if (format === 'xml') return reply.type('application/xml; charset=utf-8').send(xml());
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(json));
}

function sendErrors(reply: FastifyReply, format: Format, code: number, description: string) {
  const list = [{ code, description }];
  return send(reply, format, code, list, () => toXml('errors', { error: list }));
}

/** "requests.json" → ["requests", "json"]; anything but json/xml is a 404. */
function splitFormat(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) throw new Open311Error(404, 'Format fehlt: Endung .json oder .xml verwenden.');
  return [m[1]!, m[2] as Format];
}

const formatOfUrl = (url: string): Format => (url.split('?')[0]!.endsWith('.xml') ? 'xml' : 'json');

// ---- mapping ----

function serviceOf(c: CategoryRow) {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.description || null,
    metadata: false,
    type: 'realtime' as const,
    keywords: c.keywords || null,
    group: c.group_name,
  };
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

// ---- parameter parsing ----

type Params = Record<string, unknown>;
const str = (p: Params, name: string): string | undefined => {
  const v = p[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
};

function num(p: Params, name: string, min: number, max: number): number | undefined {
  const s = str(p, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Open311Error(400, `${name} ist ungültig (erlaubt: ${min} bis ${max}).`);
  return n;
}

function date(p: Params, name: string): Date | undefined {
  const s = str(p, name);
  if (s === undefined) return undefined;
  // W3C date-time as the spec asks; a bare date is accepted too.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    throw new Open311Error(400, `${name} muss ein Datum nach W3C sein, z. B. 2026-01-31T00:00:00Z.`);
  }
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Open311Error(400, `${name} ist kein gültiges Datum.`);
  return d;
}

export async function open311Routes(app: FastifyInstance) {
  const db = app.database.db;
  const baseUrl = app.config.baseUrl;

  // Spec errors instead of problem+json, in the format the URL asked for.
  app.setErrorHandler(async (error: FastifyError | HttpError | Open311Error, request, reply) => {
    const format = formatOfUrl(request.url);
    if (error instanceof Open311Error) return sendErrors(reply, format, error.code, error.message);
    if (error instanceof HttpError) {
      const code = error.statusCode === 422 ? 400 : error.statusCode;
      const detail = error.details?.errors ? Object.values(error.details.errors).join(' ') : '';
      return sendErrors(reply, format, code, detail ? `${error.message} ${detail}` : error.message);
    }
    if ((error as FastifyError).statusCode && (error as FastifyError).statusCode! < 500) {
      return sendErrors(reply, format, (error as FastifyError).statusCode!, error.message);
    }
    request.log.error({ err: error }, 'open311 request failed');
    return sendErrors(reply, format, 500, 'Interner Fehler');
  });

  const labels = Object.fromEntries(STATUSES.map((st) => [st, STATUS_LABELS[st].de]));
  const options = (q: Params) => ({ baseUrl, extensions: str(q, 'extensions') === 'true', labels });

  /** The database wrote the JSON; XML is made from it, so both carry the same fields. */
  function sendRequests(reply: FastifyReply, format: Format, json: string) {
    reply.code(200).header('access-control-allow-origin', '*');
    if (format === 'json') return reply.type('application/json; charset=utf-8').send(json);
    const list = JSON.parse(json) as XmlValue[];
    return reply.type('application/xml; charset=utf-8').send(toXml('service_requests', { request: list }));
  }

  async function jurisdiction(p: Params): Promise<City> {
    const id = str(p, 'jurisdiction_id');
    const { cities } = await app.tenancy();
    if (!id) {
      throw new Open311Error(400, `jurisdiction_id fehlt: eine von ${cities.map((c) => c.slug).join(', ')}.`);
    }
    const city = findCity(cities, id);
    if (!city) throw new Open311Error(404, `Unbekannte jurisdiction_id „${id}“.`);
    return city;
  }

  app.get<{ Params: { file: string } }>(`${PREFIX}/:file`, async (request, reply) => {
    const [name, format] = splitFormat(request.params.file);
    const q = request.query as Params;
    if (name === 'discovery') {
      const { cities, region } = await app.tenancy();
      const formats = ['text/xml', 'application/json'];
      const body = {
        changeset: '2026-11-01T00:00:00Z',
        contact: `${region.contact.organisation ?? region.name}${region.contact.email ? `, ${region.contact.email}` : ''}`,
        key_service: `${baseUrl}/admin/maengel/api-schluessel`,
        endpoints: [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: `${baseUrl}${PREFIX}`,
            changeset: '2026-11-01T00:00:00Z',
            type: 'production',
            formats,
          },
        ],
        jurisdictions: cities.map((c) => c.slug),
      };
      return send(reply, format, 200, body, () =>
        toXml('discovery', {
          changeset: body.changeset,
          contact: body.contact,
          key_service: body.key_service,
          endpoints: { endpoint: body.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) },
        }),
      );
    }
    if (name === 'services') {
      const city = await jurisdiction(q);
      const services = (await categoriesOf(db, city.id)).map(serviceOf);
      return send(reply, format, 200, services, () => toXml('services', { service: services }));
    }
    if (name === 'requests') return getRequests(q, format, reply);
    if (name === 'servicerequestupdates') return getUpdates(q, format, reply);
    throw new Open311Error(404, `Unbekannter Endpunkt ${name}.`);
  });

  app.get<{ Params: { code: string } }>(`${PREFIX}/services/:code`, async (request, reply) => {
    const [code, format] = splitFormat(request.params.code);
    const city = await jurisdiction(request.query as Params);
    const category = await categoryByCode(db, city.id, code);
    if (!category?.active) throw new Open311Error(404, `Unbekannter service_code „${code}“.`);
    const definition = { service_code: category.code, attributes: [] as unknown[] };
    return send(reply, format, 200, definition, () =>
      toXml('service_definition', { service_code: category.code, attributes: '' }),
    );
  });

  async function getRequests(q: Params, format: Format, reply: FastifyReply) {
    const city = await jurisdiction(q);
    const ids = str(q, 'service_request_id')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids?.some((i) => !/^\d{1,15}$/.test(i)))
      throw new Open311Error(400, 'service_request_id: Nummern, durch Kommas getrennt.');
    const codes = str(q, 'service_code')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const statusParam = str(q, 'status')
      ?.split(',')
      .map((s) => s.trim().toLowerCase());
    let statuses: string[] | undefined;
    if (statusParam) {
      statuses = [];
      for (const s of statusParam) {
        if (s === 'open') statuses.push(...STATUSES.filter(isOpen));
        else if (s === 'closed') statuses.push(...STATUSES.filter((x) => !isOpen(x)));
        else if ((STATUSES as readonly string[]).includes(s)) statuses.push(s);
        else throw new Open311Error(400, `status „${s}“ ist unbekannt (open, closed).`);
      }
    }
    let from = date(q, 'start_date');
    let to = date(q, 'end_date');
    // Spec defaults: without a date range, the last 90 days; a range is capped at 90 days.
    if (!ids) {
      if (!from && !to) from = new Date(Date.now() - DEFAULT_DAYS * 86_400_000);
      else if (from && !to) to = new Date(from.getTime() + DEFAULT_DAYS * 86_400_000);
      else if (!from && to) from = new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
      if (from && to && from > to) throw new Open311Error(400, 'start_date liegt nach end_date.');
      if (from && to && to.getTime() - from.getTime() > DEFAULT_DAYS * 86_400_000) {
        throw new Open311Error(400, `Der Zeitraum darf höchstens ${DEFAULT_DAYS} Tage umfassen.`);
      }
    }
    const page = num(q, 'page', 1, 1_000_000) ?? 1;
    const pageSize = num(q, 'page_size', 1, MAX_PAGE_SIZE) ?? MAX_PAGE_SIZE;
    const lat = num(q, 'lat', -90, 90);
    const lon = num(q, 'long', -180, 180);
    const radius = num(q, 'radius', 1, 50_000);
    if ((lat === undefined) !== (lon === undefined))
      throw new Open311Error(400, 'lat und long gehören zusammen.');
    let bbox: [number, number, number, number] | undefined;
    const b = str(q, 'bbox');
    if (b) {
      const parts = b.split(',').map(Number);
      if (
        parts.length !== 4 ||
        parts.some((n) => !Number.isFinite(n)) ||
        parts[0]! >= parts[2]! ||
        parts[1]! >= parts[3]!
      ) {
        throw new Open311Error(
          400,
          'bbox: west,süd,ost,nord in Grad (WGS84), z. B. 10.05,48.80,10.15,48.86.',
        );
      }
      bbox = parts as [number, number, number, number];
    }
    const filter: ReportFilter = {
      cityId: city.id,
      publicOnly: true,
      ...(ids ? { ids: ids.map(Number) } : {}),
      ...(codes ? { categoryCodes: codes } : {}),
      ...(statuses ? { statuses } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(lat !== undefined && lon !== undefined ? { near: { lat, lon, radius: radius ?? 500 } } : {}),
      ...(bbox ? { bbox } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    };
    const { body, total } = await open311RequestsJson(db, filter, options(q));
    reply.header('x-total-count', String(total));
    return sendRequests(reply, format, body);
  }

  // Extension (as in Mark-a-Spot and CitySDK): the public changes of requests in a period.
  async function getUpdates(q: Params, format: Format, reply: FastifyReply) {
    const city = await jurisdiction(q);
    const ids = str(q, 'service_request_id')
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids?.some((i) => !/^\d{1,15}$/.test(i)))
      throw new Open311Error(400, 'service_request_id: Nummern, durch Kommas getrennt.');
    const to = date(q, 'end_date') ?? new Date();
    const from = date(q, 'start_date') ?? new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
    if (from > to) throw new Open311Error(400, 'start_date liegt nach end_date.');
    const page = num(q, 'page', 1, 1_000_000) ?? 1;
    const pageSize = num(q, 'page_size', 1, MAX_PAGE_SIZE) ?? MAX_PAGE_SIZE;
    const found = await publicUpdates(db, {
      cityId: city.id,
      from,
      to,
      ...(ids ? { reportIds: ids.map(Number) } : {}),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    const list = found.map((u) => ({
      update_id: String(u.id),
      service_request_id: String(u.report_id),
      status: u.to_status && !isOpen(u.to_status) ? 'closed' : 'open',
      updated_datetime: iso(u.at),
      description: u.public_note,
      media_url: null,
      ...(str(q, 'extensions') === 'true'
        ? {
            extended_attributes: {
              detailed_status: (u.to_status ?? 'eingegangen').toUpperCase(),
              kind: u.kind,
            },
          }
        : {}),
    }));
    return send(reply, format, 200, list, () =>
      toXml('service_request_updates', { request_update: list as XmlValue[] }),
    );
  }

  app.get<{ Params: { id: string } }>(`${PREFIX}/requests/:id`, async (request, reply) => {
    const [id, format] = splitFormat(request.params.id);
    const q = request.query as Params;
    const city = await jurisdiction(q);
    const { body, total } = /^\d{1,15}$/.test(id)
      ? await open311RequestsJson(
          db,
          { cityId: city.id, publicOnly: true, ids: [Number(id)], limit: 1, offset: 0 },
          options(q),
        )
      : { body: '[]', total: 0 };
    if (total === 0) throw new Open311Error(404, `Keine Meldung mit service_request_id ${id}.`);
    return sendRequests(reply, format, body);
  });

  app.get<{ Params: { token: string } }>(`${PREFIX}/tokens/:token`, async (request, reply) => {
    const [token, format] = splitFormat(request.params.token);
    const city = await jurisdiction(request.query as Params);
    const report = /^[a-f0-9]{24}$/.test(token) ? await reportByToken(db, token) : undefined;
    if (!report || report.city_id !== city.id) throw new Open311Error(404, 'Unbekanntes Token.');
    const list = [{ service_request_id: report.published_at ? String(report.id) : null, token }];
    return send(reply, format, 200, list, () => toXml('service_requests', { request: list }));
  });

  // API clients post forms without cookies; the API key authenticates, so there is no CSRF token.
  app.post<{ Params: { file: string } }>(
    `${PREFIX}/:file`,
    { config: { csrf: false } },
    async (request, reply) => {
      const [name, format] = splitFormat(request.params.file);
      if (name !== 'requests') throw new Open311Error(404, `Unbekannter Endpunkt ${name}.`);
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      const key = await verifyApiKey(db, str(p, 'api_key') ?? '');
      if (!key) throw new Open311Error(403, 'api_key fehlt oder ist ungültig.');
      const city = await jurisdiction(p);
      if (key.cityId !== null && key.cityId !== city.id)
        throw new Open311Error(403, 'Dieser api_key gilt nicht für diese jurisdiction_id.');
      const code = str(p, 'service_code');
      if (!code) throw new Open311Error(400, 'service_code fehlt.');
      if (!(await categoryByCode(db, city.id, code)))
        throw new Open311Error(404, `Unbekannter service_code „${code}“.`);
      const lat = num(p, 'lat', -90, 90);
      const lon = num(p, 'long', -180, 180);
      const address = str(p, 'address_string');
      if ((lat === undefined || lon === undefined) && !address) {
        throw new Open311Error(400, 'Ort fehlt: lat und long oder address_string angeben.');
      }
      if (lat !== undefined && lon !== undefined) {
        // The location decides the city: a point elsewhere is refused, not filed under jurisdiction_id.
        const at = await cityAt(db, lon, lat);
        if (!at) throw new Open311Error(400, 'Der Ort liegt außerhalb der Städte dieser Plattform.');
        if (at.id !== city.id) {
          throw new Open311Error(
            400,
            `Der Ort liegt nicht in ${city.name}, sondern in ${at.name}: jurisdiction_id=${at.slug} verwenden.`,
          );
        }
      }
      const description = str(p, 'description') ?? '';
      if (description.length > 4000) throw new Open311Error(400, 'description ist länger als 4000 Zeichen.');
      const email = str(p, 'email');
      const name2 = [str(p, 'first_name'), str(p, 'last_name')].filter(Boolean).join(' ');
      const created = await createReport(db, {
        fallbackCity: city,
        categoryCode: code,
        description,
        address,
        lon,
        lat,
        reporter: { ...(email ? { email } : {}), ...(name2 ? { name: name2 } : {}) },
        source: 'open311',
        trusted: true,
        baseUrl,
      });
      const report = await reportById(db, created.id);
      const category = report!.category_name;
      const list = [
        {
          service_request_id: String(created.id),
          service_notice: `Zuständig: ${report!.department} (${category}).`,
          account_id: null,
          token: created.token,
        },
      ];
      return send(reply, format, 201, list, () => toXml('service_requests', { request: list }));
    },
  );
}
