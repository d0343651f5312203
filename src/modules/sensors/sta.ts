/**
 * OGC SensorThings API 1.1 at /sta/v1.1/: reads are public, writes need an API key
 * (X-API-Key or Authorization: Bearer) or a staff session (editor or admin of the city).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { citiesWithRole } from '../../platform/auth/service.ts';
import type { Db } from '../../platform/db/index.ts';
import { badRequest, HttpError } from '../../platform/http/errors.ts';
import { observationJson, type SensorHub } from './hub.ts';
import { ENTITIES, SET_NAMES, type SetName } from './model.ts';
import {
  type CreatedObservation,
  countRejections,
  type IngestResult,
  ingestMultiObservations,
  ingestObservations,
  MAX_BATCH,
  type MultiObservationInput,
  type ObservationInput,
  type Principal,
  principalForKey,
} from './service.ts';
import { type Ctx, readCollection, readEntity, resolvePath } from './sta-read.ts';
import { Writer } from './sta-write.ts';

export const STA_PREFIX = '/sta/v1.1';

const CONFORMANCE = [
  'http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/request-data',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt/receive-updates',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/multi-datastream',
];

/** API key or staff session; anything else may only read. */
export async function principalOf(db: Db, request: FastifyRequest): Promise<Principal> {
  const header = request.headers['x-api-key'];
  const auth = request.headers.authorization;
  const key = typeof header === 'string' ? header : auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
  if (key) {
    const p = await principalForKey(db, key.trim());
    if (!p) throw new HttpError(401, 'API-Schlüssel ungültig oder widerrufen');
    return p;
  }
  const user = request.user;
  if (!user) throw new HttpError(401, 'Schreiben nur mit API-Schlüssel oder als angemeldete Redaktion');
  const editor = citiesWithRole(user, 'editor');
  if (editor !== 'all' && editor.length === 0) throw new HttpError(403, 'Keine Berechtigung für Sensordaten');
  return { cities: editor, userId: user.id };
}

const WRITE_LIMIT = { rateLimit: { max: 1200, timeWindow: 60_000 } };

/** The reverse navigation, so POST Datastreams(1)/Observations links the new entity to its parent. */
function linkToParent(body: Record<string, unknown>, target: SetName, parent: { set: SetName; id: number }) {
  const def = ENTITIES[target];
  const entry = Object.entries(def.navs).find(([, n]) => n.target === parent.set);
  if (!entry) return;
  const [name, nav] = entry;
  const ref = { '@iot.id': parent.id };
  if (nav.many) body[name] = [...(Array.isArray(body[name]) ? (body[name] as unknown[]) : []), ref];
  else body[name] = ref;
}

export interface DataArrayItem {
  Datastream?: { '@iot.id'?: unknown };
  MultiDatastream?: { '@iot.id'?: unknown };
  components?: unknown;
  dataArray?: unknown;
}

const COMPONENTS = new Set([
  'phenomenonTime',
  'result',
  'resultTime',
  'resultQuality',
  'validTime',
  'parameters',
  'FeatureOfInterest/id',
]);

export interface DataArrayInputs {
  /** Rows of Datastreams. */
  inputs: ObservationInput[];
  /** Rows of MultiDatastreams. */
  multi: MultiObservationInput[];
  /** Only with multi rows: per item, whose rows and how many (to answer in the order of the request). */
  blocks?: { multi: boolean; n: number }[];
}

/** The dataArray extension: [{Datastream or MultiDatastream, components, dataArray}] → flat inputs. */
export function fromDataArray(body: unknown): DataArrayInputs {
  if (!Array.isArray(body)) throw badRequest('CreateObservations erwartet eine Liste');
  const out: ObservationInput[] = [];
  const blocks: { multi: boolean; n: number }[] = [];
  for (const [i, item] of (body as DataArrayItem[]).entries()) {
    const isMulti = item?.MultiDatastream !== undefined;
    const ds = Number((isMulti ? item.MultiDatastream : item?.Datastream)?.['@iot.id']);
    if (!Number.isSafeInteger(ds))
      throw badRequest(`Eintrag ${i + 1}: Datastream oder MultiDatastream mit @iot.id fehlt`);
    const comps = item.components;
    if (
      !Array.isArray(comps) ||
      !comps.every((c) => typeof c === 'string' && COMPONENTS.has(c)) ||
      !comps.includes('result')
    )
      throw badRequest(`Eintrag ${i + 1}: components ungültig (result ist Pflicht)`);
    if (!Array.isArray(item.dataArray)) throw badRequest(`Eintrag ${i + 1}: dataArray fehlt`);
    for (const row of item.dataArray as unknown[]) {
      if (!Array.isArray(row) || row.length !== comps.length)
        throw badRequest(`Eintrag ${i + 1}: jede Zeile braucht ${comps.length} Werte`);
      const v = Object.fromEntries((comps as string[]).map((c, k) => [c, row[k]]));
      const str = (x: unknown) =>
        typeof x === 'string' ? x : x === undefined || x === null ? undefined : String(x);
      out.push({
        datastreamId: ds,
        phenomenonTime: str(v.phenomenonTime),
        resultTime: str(v.resultTime),
        result: v.result,
        resultQuality: v.resultQuality,
        validTime: str(v.validTime),
        parameters: v.parameters,
        featureOfInterestId:
          v['FeatureOfInterest/id'] === undefined ? undefined : Number(v['FeatureOfInterest/id']),
      });
    }
    blocks.push({ multi: isMulti, n: (item.dataArray as unknown[]).length });
  }
  if (out.length > MAX_BATCH) throw new HttpError(413, `Höchstens ${MAX_BATCH} Werte je Anfrage`);
  return blocks.some((b) => b.multi) ? splitMulti(out, blocks) : { inputs: out, multi: [] };
}

/** Rows of MultiDatastream items were parsed like a Datastream's (the id in datastreamId): move them over. */
function splitMulti(rows: ObservationInput[], blocks: { multi: boolean; n: number }[]): DataArrayInputs {
  const out: DataArrayInputs = { inputs: [], multi: [], blocks };
  let k = 0;
  for (const b of blocks) {
    for (const row of rows.slice(k, k + b.n)) {
      if (!b.multi) out.inputs.push(row);
      else {
        const { datastreamId, ...rest } = row;
        out.multi.push({ ...rest, multiDatastreamId: datastreamId });
      }
    }
    k += b.n;
  }
  return out;
}

export async function staRoutes(app: FastifyInstance, opts: { hub: SensorHub }) {
  const db = app.database.db;
  const { hub } = opts;
  const base = () => `${app.config.baseUrl}${STA_PREFIX}`;
  const ctx = (): Ctx => {
    const estimateAbove = Number(process.env.STA_COUNT_ESTIMATE_ABOVE);
    return {
      db,
      base: base(),
      countEstimateAbove: Number.isFinite(estimateAbove) && estimateAbove > 0 ? estimateAbove : undefined,
    };
  };

  const pathOf = (request: FastifyRequest) =>
    decodeURIComponent(request.url.split('?')[0]!.slice(STA_PREFIX.length + 1));
  const queryOf = (request: FastifyRequest) => {
    const raw: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.query as Record<string, unknown>)) {
      if (Array.isArray(v)) throw badRequest(`${k} darf nur einmal vorkommen`);
      raw[k] = String(v);
    }
    return raw;
  };
  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply
      .code(status)
      .header('access-control-allow-origin', '*')
      .type('application/json; charset=utf-8')
      .send(body);

  /** Write in one transaction, publish after commit. */
  async function write<T>(request: FastifyRequest, fn: (w: Writer) => Promise<T>): Promise<T> {
    const principal = await principalOf(db, request);
    let created: CreatedObservation[] = [];
    let createdMulti: CreatedObservation[] = [];
    let writer: Writer | undefined;
    let result: T;
    try {
      result = await db.transaction(async (tx) => {
        writer = new Writer(tx as unknown as Db, principal);
        const r = await fn(writer);
        created = writer.observations;
        createdMulti = writer.multiObservations;
        return r;
      });
    } catch (err) {
      if (writer?.rejections.length) await countRejections(db, writer.rejections);
      throw err;
    }
    await hub.published(created);
    hub.publishedMulti(createdMulti);
    return result;
  }

  const index = async (_request: FastifyRequest, reply: FastifyReply) =>
    json(reply, 200, {
      value: SET_NAMES.map((name) => ({ name, url: `${base()}/${name}` })),
      serverSettings: { conformance: CONFORMANCE },
    });
  app.get(STA_PREFIX, { schema: { hide: true } }, index);
  app.get(`${STA_PREFIX}/`, { schema: { hide: true } }, index);

  app.get(`${STA_PREFIX}/*`, { schema: { hide: true } }, async (request, reply) => {
    const path = pathOf(request);
    const raw = queryOf(request);
    const r = await resolvePath(db, path);
    reply.header('cache-control', 'no-cache');
    switch (r.kind) {
      case 'collection': {
        const { estimated, ...c } = await readCollection(
          ctx(),
          r.def,
          r.cond,
          raw,
          `${base()}/${path}`,
          r.order,
        );
        if (estimated) reply.header('x-count-estimated', 'true');
        return json(reply, 200, c);
      }
      case 'entity':
        return json(reply, 200, await readEntity(ctx(), r.def, r.id, r.cond, raw));
      case 'property': {
        const e = await readEntity(ctx(), r.def, r.id, undefined, {});
        const v = r.property === 'id' ? e['@iot.id'] : e[r.property];
        if (v === undefined) return reply.code(204).send();
        if (r.value)
          return reply.type('text/plain; charset=utf-8').send(typeof v === 'string' ? v : JSON.stringify(v));
        return json(reply, 200, { [r.property]: v });
      }
      case 'ref': {
        if (r.id !== undefined)
          return json(reply, 200, { '@iot.selfLink': `${base()}/${r.def.set}(${r.id})` });
        if (raw.$resultFormat !== undefined) throw badRequest('$resultFormat passt nicht zu $ref');
        const { estimated, ...c } = await readCollection(
          ctx(),
          r.def,
          r.cond,
          { ...raw, $select: 'id' },
          `${base()}/${path}`,
          r.order,
        );
        if (estimated) reply.header('x-count-estimated', 'true');
        return json(reply, 200, {
          ...c,
          value: c.value.map((v) => ({ '@iot.selfLink': v['@iot.selfLink'] })),
        });
      }
    }
  });

  app.post(
    `${STA_PREFIX}/CreateObservations`,
    { schema: { hide: true }, config: WRITE_LIMIT },
    async (request, reply) => {
      const principal = await principalOf(db, request);
      const { inputs, multi, blocks } = fromDataArray(request.body);
      const [r, m] = await db.transaction(async (tx) => [
        await ingestObservations(tx as unknown as Db, inputs, principal),
        multi.length ? await ingestMultiObservations(tx as unknown as Db, multi, principal) : undefined,
      ]);
      await hub.published(r.created);
      const link = (x: IngestResult['results'][number]) =>
        x.ok ? `${base()}/Observations(${x.observation.id})` : 'error';
      if (!m || !blocks) return json(reply, 201, r.results.map(link));
      // Answers in the order of the request's items.
      hub.publishedMulti(m.created);
      const out: string[] = [];
      const next = { d: 0, m: 0 };
      for (const b of blocks) {
        const [list, k] = b.multi ? [m.results, 'm' as const] : [r.results, 'd' as const];
        for (const x of list.slice(next[k], next[k] + b.n)) out.push(link(x));
        next[k] += b.n;
      }
      return json(reply, 201, out);
    },
  );

  app.post(`${STA_PREFIX}/*`, { schema: { hide: true }, config: WRITE_LIMIT }, async (request, reply) => {
    const r = await resolvePath(db, pathOf(request));
    if (r.kind !== 'collection') throw new HttpError(405, 'Neue Einträge nur an eine Sammlung senden');
    const body = request.body as Record<string, unknown>;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('JSON-Objekt erwartet');
    if (r.parent) linkToParent(body, r.def.set, r.parent);
    const id = await write(request, (w) => w.create(r.def.set, body));
    const entity = await readEntity(ctx(), r.def, id, undefined, {});
    reply.header('location', entity['@iot.selfLink'] as string);
    return json(reply, 201, entity);
  });

  const update = async (request: FastifyRequest, reply: FastifyReply) => {
    const r = await resolvePath(db, pathOf(request));
    if (r.kind !== 'entity') throw new HttpError(405, 'Ändern nur an einem einzelnen Eintrag');
    const body = request.body as Record<string, unknown>;
    await write(request, (w) => w.update(r.def.set, r.id, body));
    return json(reply, 200, await readEntity(ctx(), r.def, r.id, undefined, {}));
  };
  app.patch(`${STA_PREFIX}/*`, { schema: { hide: true }, config: WRITE_LIMIT }, update);

  app.delete(`${STA_PREFIX}/*`, { schema: { hide: true }, config: WRITE_LIMIT }, async (request, reply) => {
    const r = await resolvePath(db, pathOf(request));
    if (r.kind !== 'entity') throw new HttpError(405, 'Löschen nur an einem einzelnen Eintrag');
    await write(request, (w) => w.remove(r.def.set, r.id));
    return reply.code(200).send();
  });
}

export { observationJson };
