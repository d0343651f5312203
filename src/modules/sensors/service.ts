/**
 * Urban data: the rules of ingest (validation, rejection counts, batch-wise maintenance of time
 * ranges and latest values), API keys, aggregates, and what other modules read (latestValues,
 * listDatastreams). The only file other modules may import.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';

export const OBSERVATION_TYPES = {
  measurement: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
  count: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CountObservation',
  truth: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_TruthObservation',
  category: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CategoryObservation',
  any: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation',
} as const;

/** The observationType of every MultiDatastream (its results are arrays). */
export const COMPLEX_OBSERVATION =
  'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation';

export const KINDS = [
  'air_quality',
  'temperature',
  'noise',
  'parking',
  'bike',
  'water_level',
  'other',
] as const;
export type Kind = (typeof KINDS)[number];

/** Values more than this far ahead of the server clock are refused. */
export const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;
/** At most this many observations in one request (HTTP) — larger uploads are split by the client. */
export const MAX_BATCH = 10_000;

/** Who writes: an API key (scoped to a city or region-wide) or a staff session. */
export interface Principal {
  cities: number[] | 'all';
  userId?: string | undefined;
  keyId?: number | undefined;
}

export const mayWrite = (p: Principal, cityId: number) => p.cities === 'all' || p.cities.includes(cityId);

// ---- API keys ----

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export interface ApiKeyRow {
  id: number;
  city_id: number | null;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** Returns the key once; only its hash is stored. */
export async function createApiKey(
  db: Db,
  input: { cityId: number | null; name: string; createdBy?: string | undefined },
): Promise<{ id: number; key: string }> {
  const key = `sta_${randomBytes(24).toString('base64url')}`;
  const row = await one<{ id: number }>(
    db,
    sql`INSERT INTO sta_api_keys (city_id, name, key_hash, created_by)
        VALUES (${input.cityId}, ${input.name}, ${hashKey(key)}, ${input.createdBy ?? null}) RETURNING id`,
  );
  return { id: row!.id, key };
}

export async function revokeApiKey(db: Db, id: number): Promise<void> {
  await db.execute(sql`UPDATE sta_api_keys SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL`);
}

export async function listApiKeys(db: Db, cities: number[] | 'all'): Promise<ApiKeyRow[]> {
  return rows<ApiKeyRow>(
    db,
    sql`SELECT id, city_id, name, created_at, last_used_at, revoked_at FROM sta_api_keys
        WHERE ${cities === 'all'} OR city_id = ANY(${sql.param(cities === 'all' ? [] : cities)}::int[])
        ORDER BY revoked_at IS NOT NULL, created_at DESC`,
  );
}

export async function principalForKey(db: Db, key: string): Promise<Principal | undefined> {
  const row = await one<{ id: number; city_id: number | null }>(
    db,
    sql`UPDATE sta_api_keys SET last_used_at = now()
        WHERE key_hash = ${hashKey(key)} AND revoked_at IS NULL RETURNING id, city_id`,
  );
  if (!row) return undefined;
  return { cities: row.city_id === null ? 'all' : [row.city_id], keyId: row.id };
}

// ---- ingest ----

export interface ObservationInput {
  datastreamId: number;
  /** ISO instant or "start/end"; missing → now (SensorThings default). */
  phenomenonTime?: string | undefined;
  resultTime?: string | null | undefined;
  result: unknown;
  resultQuality?: unknown;
  validTime?: string | undefined;
  parameters?: unknown;
  featureOfInterestId?: number | undefined;
}

/** An observation of a MultiDatastream: result is an array with one value per ObservedProperty. */
export type MultiObservationInput = Omit<ObservationInput, 'datastreamId'> & { multiDatastreamId: number };

export type RejectReason = 'type' | 'unknown_datastream' | 'future' | 'invalid' | 'forbidden';

export interface CreatedObservation {
  id: number;
  datastreamId: number;
  phenomenonTime: string;
  phenomenonTimeEnd: string | null;
  resultTime: string | null;
  result: unknown;
  resultQuality?: unknown;
  validTime?: string | undefined;
  parameters?: unknown;
  /** Set for an observation of a MultiDatastream (datastreamId is then 0). */
  multiDatastreamId?: number;
}

export interface IngestResult {
  /** One entry per input, in order: the created observation or why it was refused. */
  results: (
    | { ok: true; observation: CreatedObservation }
    | { ok: false; reason: RejectReason; message: string }
  )[];
  created: CreatedObservation[];
  /** Refusal counts; already stored unless the caller rolls back (then it stores them itself). */
  rejections: RejectionCount[];
}

export interface RejectionCount {
  ds: number;
  reason: RejectReason;
  count: number;
  detail: string;
}

interface DsMeta {
  id: number;
  city_id: number;
  thing_id: number;
  observation_type: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T/;

/** An ISO 8601 instant or interval ("start/end") as epoch milliseconds. */
function parseTime(value: string): { start: number; end: number | null } | undefined {
  const slash = value.indexOf('/');
  const a = slash < 0 ? value : value.slice(0, slash);
  const start = Date.parse(a);
  if (Number.isNaN(start) || !ISO_DATE.test(a)) return undefined;
  if (slash < 0) return { start, end: null };
  const next = value.indexOf('/', slash + 1);
  const end = Date.parse(value.slice(slash + 1, next < 0 ? undefined : next));
  if (Number.isNaN(end) || end < start) return undefined;
  return { start, end };
}

const isoOf = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

export function resultTypeError(type: string, result: unknown): string | undefined {
  switch (type) {
    case OBSERVATION_TYPES.measurement:
      return typeof result === 'number' && Number.isFinite(result)
        ? undefined
        : 'Messwert muss eine Zahl sein';
    case OBSERVATION_TYPES.count:
      return Number.isInteger(result) ? undefined : 'Zählwert muss eine ganze Zahl sein';
    case OBSERVATION_TYPES.truth:
      return typeof result === 'boolean' ? undefined : 'Wert muss true oder false sein';
    case OBSERVATION_TYPES.category:
      return typeof result === 'string' && result.length > 0 ? undefined : 'Kategorie muss ein Text sein';
    default:
      return result === undefined ? 'result fehlt' : undefined;
  }
}

type Span = { start: number; end: number | null };

/**
 * The phenomenon and result time of an input (phenomenonTime defaults to now), or why they are refused:
 * unparsable, or beyond the tolerance into the future. One rule for Datastreams and MultiDatastreams.
 */
function timesOf(
  input: Pick<ObservationInput, 'phenomenonTime' | 'resultTime'>,
  now: Span,
  limit: number,
): { time: Span; resultTime: Span | undefined } | { reason: 'invalid' | 'future'; message: string } {
  const time = input.phenomenonTime === undefined ? now : parseTime(input.phenomenonTime);
  const resultTime = input.resultTime ? parseTime(input.resultTime) : undefined;
  if (!time || (input.resultTime && (!resultTime || resultTime.end !== null)))
    return { reason: 'invalid', message: 'Zeitangabe ungültig (ISO 8601 mit Zeitzone erwartet)' };
  if ((time.end ?? time.start) > limit || (resultTime && resultTime.start > limit))
    return { reason: 'future', message: 'Zeitpunkt liegt in der Zukunft' };
  return { time, resultTime };
}

/** The FeatureOfInterest of the Thing of stream alias s (its first Location's), if there is one yet. */
const thingFoi = (s: string) =>
  sql.raw(`(SELECT f.id FROM sta_thing_locations tl JOIN sta_features_of_interest f ON f.location_id = tl.location_id
    WHERE tl.thing_id = ${s}.thing_id ORDER BY tl.location_id LIMIT 1)`);

/** Why a MultiDatastream's result does not fit its multiObservationDataTypes (null: no value). */
export function multiResultError(types: string[], result: unknown): string | undefined {
  if (!Array.isArray(result) || result.length !== types.length)
    return `result muss eine Liste mit ${types.length} Werten sein (einer je ObservedProperty)`;
  for (let k = 0; k < types.length; k++) {
    const e = result[k] === null ? undefined : resultTypeError(types[k]!, result[k]);
    if (e) return `Wert ${k + 1}: ${e}`;
  }
  return undefined;
}

/** The FeatureOfInterest of a Thing's Location, created on first use (SensorThings default). */
async function createFoiForThing(db: Db, thingId: number): Promise<number | undefined> {
  const created = await one<{ id: number }>(
    db,
    sql`INSERT INTO sta_features_of_interest (name, description, encoding_type, feature, geom, location_id)
        SELECT l.name, l.description, l.encoding_type, l.location, l.geom, l.id
        FROM sta_thing_locations tl JOIN sta_locations l ON l.id = tl.location_id
        WHERE tl.thing_id = ${thingId} ORDER BY l.id LIMIT 1 RETURNING id`,
  );
  return created ? Number(created.id) : undefined;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** The Berlin calendar day of an instant, as SQL (the daily rollup's key). */
const BERLIN_DAY = sql.raw(`(phenomenon_time AT TIME ZONE 'Europe/Berlin')::date`);
const UTC_HOUR = sql.raw(
  `date_bin('1 hour'::interval, phenomenon_time, '2000-01-01T00:00:00Z'::timestamptz)`,
);

/** Adds the numeric results of the inserted rows (CTE ins) to a rollup, one upsert per key. */
const addToRollup = (table: string, key: string, keyExpr: SQL) => {
  const [t, k] = [sql.raw(table), sql.raw(key)];
  return sql`INSERT INTO ${t} (datastream_id, ${k}, n, sum, min, max)
    SELECT datastream_id, ${keyExpr}, count(*), sum(result_number), min(result_number), max(result_number)
    FROM ins WHERE result_number IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (datastream_id, ${k}) DO UPDATE SET n = ${t}.n + EXCLUDED.n, sum = ${t}.sum + EXCLUDED.sum,
      min = LEAST(${t}.min, EXCLUDED.min), max = GREATEST(${t}.max, EXCLUDED.max)`;
};

/** Widens the time ranges of the (Multi)Datastreams of the inserted rows (CTE ins), once per stream. */
const widenSpans = (table: string, key: string) => {
  const [t, k] = [sql.raw(table), sql.raw(key)];
  return sql`UPDATE ${t} d SET
      phenomenon_time_start = LEAST(d.phenomenon_time_start, s.mn),
      phenomenon_time_end = GREATEST(d.phenomenon_time_end, s.mx),
      result_time_start = LEAST(d.result_time_start, s.rmn),
      result_time_end = GREATEST(d.result_time_end, s.rmx)
    FROM (SELECT ${k}, min(phenomenon_time) AS mn, max(coalesce(phenomenon_time_end, phenomenon_time)) AS mx,
            min(result_time) AS rmn, max(result_time) AS rmx
          FROM ins GROUP BY ${k}) s
    WHERE d.id = s.${k}`;
};

/**
 * Validates and stores a batch of observations: one query for the datastreams (with their
 * FeatureOfInterest), then a single statement that inserts the rows and, set-based from what it
 * inserted, maintains the datastreams' time ranges, the latest values and the hourly and daily
 * rollups; one upsert of rejection counts. principal may be one per input (MQTT batches mix devices).
 */
export async function ingestObservations(
  db: Db,
  inputs: ObservationInput[],
  principal: Principal | readonly Principal[],
  now = new Date(),
): Promise<IngestResult> {
  const ids = [...new Set(inputs.map((i) => i.datastreamId).filter((n) => Number.isSafeInteger(n)))];
  const metas = new Map(
    (
      await rows<DsMeta & { foi: string | number | null }>(
        db,
        sql`SELECT d.id, d.city_id, d.thing_id, d.observation_type, ${thingFoi('d')} AS foi
            FROM sta_datastreams d WHERE d.id = ANY(${sql.param(ids.length ? ids : [-1])}::bigint[])`,
      )
    ).map((m) => [
      Number(m.id),
      { ...m, id: Number(m.id), thing_id: Number(m.thing_id), foi: m.foi === null ? null : Number(m.foi) },
    ]),
  );
  const results: IngestResult['results'] = [];
  const valid: {
    index: number;
    input: ObservationInput;
    startIso: string;
    end: number | null;
    resultTime: number | null;
    foi: number | null;
  }[] = [];
  const rejections = new Map<string, RejectionCount>();
  const reject = (ds: number, reason: RejectReason, message: string) => {
    results.push({ ok: false, reason, message });
    const key = `${ds}:${reason}`;
    const r = rejections.get(key) ?? { ds, reason, count: 0, detail: message };
    r.count++;
    rejections.set(key, r);
  };
  const limit = now.getTime() + FUTURE_TOLERANCE_MS;
  const nowTime = { start: now.getTime(), end: null };
  const principalOf = (i: number) => (Array.isArray(principal) ? principal[i]! : (principal as Principal));
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index]!;
    const ds = Number.isSafeInteger(input.datastreamId) ? input.datastreamId : -1;
    const meta = metas.get(ds);
    if (!meta) {
      reject(ds, 'unknown_datastream', `Datastream ${input.datastreamId} gibt es nicht`);
      continue;
    }
    if (!mayWrite(principalOf(index), meta.city_id)) {
      reject(ds, 'forbidden', 'Keine Schreibrechte für diesen Datastream');
      continue;
    }
    const typeError = resultTypeError(meta.observation_type, input.result);
    if (typeError) {
      reject(ds, 'type', typeError);
      continue;
    }
    const times = timesOf(input, nowTime, limit);
    if ('reason' in times) {
      reject(ds, times.reason, times.message);
      continue;
    }
    const { time, resultTime } = times;
    results.push(undefined as never);
    valid.push({
      index,
      input,
      startIso: new Date(time.start).toISOString(),
      end: time.end,
      resultTime: resultTime?.start ?? null,
      foi: input.featureOfInterestId ?? meta.foi,
    });
  }

  // Observations without a FeatureOfInterest get their Thing's Location as one (created once).
  const created: CreatedObservation[] = [];
  for (const v of valid) {
    if (v.foi !== null) continue;
    const meta = metas.get(v.input.datastreamId)!;
    if (meta.foi === null) meta.foi = (await createFoiForThing(db, meta.thing_id)) ?? null;
    v.foi = meta.foi;
  }
  if (valid.length) {
    type Valid = (typeof valid)[number];
    const validTime = (v: Valid) => (v.input.validTime ? parseTime(v.input.validTime) : undefined);
    // Scalar columns travel as one comma-separated text each (split on the server): no per-element
    // quoting and escaping in the driver. Empty = NULL. JSON columns go as arrays.
    const scalar = (name: string, type: string, f: (v: Valid) => string | number | null) => {
      let text = '';
      let any = false;
      for (let i = 0; i < valid.length; i++) {
        const x = f(valid[i]!);
        if (x !== null) any = true;
        text += i ? `,${x ?? ''}` : `${x ?? ''}`;
      }
      return any ? { name, value: sql`string_to_array(${text}, ',', '')::${sql.raw(type)}[]` } : undefined;
    };
    const jsonb = (name: string, f: (v: Valid) => string | null) => {
      const values = valid.map(f);
      return values.some((x) => x !== null) ? { name, value: sql`${sql.param(values)}::jsonb[]` } : undefined;
    };
    const number = (v: Valid) => (typeof v.input.result === 'number' ? v.input.result : null);
    // Columns that are NULL in every row are left out: less to encode and to parse (MQTT batches
    // typically carry time and result only).
    const used = [
      scalar('datastream_id', 'bigint', (v) => v.input.datastreamId),
      scalar('phenomenon_time', 'timestamptz', (v) => v.startIso),
      scalar('phenomenon_time_end', 'timestamptz', (v) => isoOf(v.end)),
      scalar('result_time', 'timestamptz', (v) => isoOf(v.resultTime)),
      scalar('result_number', 'float8', number),
      jsonb('result_json', (v) => (typeof v.input.result === 'number' ? null : json(v.input.result))),
      jsonb('result_quality', (v) => json(v.input.resultQuality)),
      scalar('valid_time_start', 'timestamptz', (v) => isoOf(validTime(v)?.start)),
      scalar('valid_time_end', 'timestamptz', (v) => isoOf(validTime(v)?.end)),
      jsonb('parameters', (v) => json(v.input.parameters)),
      scalar('feature_of_interest_id', 'bigint', (v) => v.foi),
    ].filter((c) => c !== undefined);
    const inserted = await one<{ ids: string }>(
      db,
      sql`WITH ins AS (
            INSERT INTO sta_observations (${sql.raw(used.map((c) => c.name).join(', '))})
            SELECT * FROM unnest(${sql.join(
              used.map((c) => c.value),
              sql`, `,
            )})
            RETURNING id, datastream_id, phenomenon_time, phenomenon_time_end, result_time, result_number, result_json
          ),
          spans AS (${widenSpans('sta_datastreams', 'datastream_id')}),
          latest AS (
            INSERT INTO sta_latest (datastream_id, observation_id, phenomenon_time, result_number, result_json)
            SELECT DISTINCT ON (datastream_id) datastream_id, id, phenomenon_time, result_number, result_json
            FROM ins ORDER BY datastream_id, phenomenon_time DESC, id DESC
            ON CONFLICT (datastream_id) DO UPDATE SET observation_id = EXCLUDED.observation_id,
              phenomenon_time = EXCLUDED.phenomenon_time, result_number = EXCLUDED.result_number,
              result_json = EXCLUDED.result_json
            WHERE sta_latest.phenomenon_time <= EXCLUDED.phenomenon_time
          ),
          hourly AS (${addToRollup('sta_hourly', 'hour', UTC_HOUR)}),
          daily AS (${addToRollup('sta_daily', 'day', BERLIN_DAY)})
          -- Identity values are drawn in row order: sorted ids map back onto the inputs. One text
          -- instead of a row per observation.
          SELECT string_agg(id::text, ',' ORDER BY id) AS ids FROM ins`,
    );
    const newIds = inserted!.ids.split(',');
    for (let i = 0; i < valid.length; i++) {
      const v = valid[i]!;
      const obs: CreatedObservation = {
        id: Number(newIds[i]),
        datastreamId: v.input.datastreamId,
        phenomenonTime: v.startIso,
        phenomenonTimeEnd: isoOf(v.end),
        resultTime: isoOf(v.resultTime),
        result: v.input.result,
        resultQuality: v.input.resultQuality,
        validTime: v.input.validTime,
        parameters: v.input.parameters,
      };
      created.push(obs);
      results[v.index] = { ok: true, observation: obs };
    }
  }
  if (rejections.size) await countRejections(db, [...rejections.values()]);
  return { results, created, rejections: [...rejections.values()] };
}

/**
 * Validates and stores observations of MultiDatastreams: each result an array matching the
 * multiObservationDataTypes. A separate, simpler path than ingestObservations (no rollups, no latest
 * values, no rejection counts, which are per Datastream), so the Datastream path stays as it is.
 */
export async function ingestMultiObservations(
  db: Db,
  inputs: MultiObservationInput[],
  principal: Principal,
  now = new Date(),
): Promise<Pick<IngestResult, 'results' | 'created'>> {
  const ids = [...new Set(inputs.map((i) => i.multiDatastreamId).filter((n) => Number.isSafeInteger(n)))];
  const metas = new Map(
    (
      await rows<{
        id: string | number;
        city_id: number;
        thing_id: string | number;
        types: string[];
        foi: string | number | null;
      }>(
        db,
        sql`SELECT m.id, m.city_id, m.thing_id, m.multi_observation_data_types AS types, ${thingFoi('m')} AS foi
            FROM sta_multi_datastreams m WHERE m.id = ANY(${sql.param(ids.length ? ids : [-1])}::bigint[])`,
      )
    ).map((m) => [Number(m.id), { ...m, foi: m.foi === null ? null : Number(m.foi) }]),
  );
  const results: IngestResult['results'] = [];
  const valid: {
    index: number;
    input: MultiObservationInput;
    start: number;
    end: number | null;
    rt: number | null;
    foi: number | null;
  }[] = [];
  const limit = now.getTime() + FUTURE_TOLERANCE_MS;
  const nowTime = { start: now.getTime(), end: null };
  const fail = (reason: RejectReason, message: string) => results.push({ ok: false, reason, message });
  for (const [index, input] of inputs.entries()) {
    const meta = metas.get(input.multiDatastreamId);
    if (!meta) {
      fail('unknown_datastream', `MultiDatastream ${input.multiDatastreamId} gibt es nicht`);
      continue;
    }
    if (!mayWrite(principal, meta.city_id)) {
      fail('forbidden', 'Keine Schreibrechte für diesen MultiDatastream');
      continue;
    }
    const typeError = multiResultError(meta.types, input.result);
    if (typeError) {
      fail('type', typeError);
      continue;
    }
    const times = timesOf(input, nowTime, limit);
    if ('reason' in times) {
      fail(times.reason, times.message);
      continue;
    }
    results.push(undefined as never);
    if (input.featureOfInterestId === undefined && meta.foi === null)
      meta.foi = (await createFoiForThing(db, Number(meta.thing_id))) ?? null;
    const foi = input.featureOfInterestId ?? meta.foi;
    const { time, resultTime } = times;
    valid.push({ index, input, start: time.start, end: time.end, rt: resultTime?.start ?? null, foi });
  }
  const created: CreatedObservation[] = [];
  if (!valid.length) return { results, created };
  const col = <T>(f: (v: (typeof valid)[number]) => T) => sql.param(valid.map(f));
  const vt = (v: (typeof valid)[number]) => (v.input.validTime ? parseTime(v.input.validTime) : undefined);
  const inserted = await one<{ ids: string }>(
    db,
    sql`WITH ins AS (
          INSERT INTO sta_observations (multi_datastream_id, phenomenon_time, phenomenon_time_end, result_time,
            result_json, result_quality, valid_time_start, valid_time_end, parameters, feature_of_interest_id)
          SELECT * FROM unnest(${col((v) => v.input.multiDatastreamId)}::bigint[],
            ${col((v) => isoOf(v.start))}::timestamptz[], ${col((v) => isoOf(v.end))}::timestamptz[],
            ${col((v) => isoOf(v.rt))}::timestamptz[], ${col((v) => json(v.input.result))}::jsonb[],
            ${col((v) => json(v.input.resultQuality))}::jsonb[], ${col((v) => isoOf(vt(v)?.start))}::timestamptz[],
            ${col((v) => isoOf(vt(v)?.end))}::timestamptz[], ${col((v) => json(v.input.parameters))}::jsonb[],
            ${col((v) => v.foi)}::bigint[])
          RETURNING id, multi_datastream_id, phenomenon_time, phenomenon_time_end, result_time
        ),
        spans AS (${widenSpans('sta_multi_datastreams', 'multi_datastream_id')})
        SELECT string_agg(id::text, ',' ORDER BY id) AS ids FROM ins`,
  );
  const newIds = inserted!.ids.split(',');
  for (const [i, v] of valid.entries()) {
    const { multiDatastreamId, result, resultQuality, validTime, parameters } = v.input;
    const times = {
      phenomenonTime: isoOf(v.start)!,
      phenomenonTimeEnd: isoOf(v.end),
      resultTime: isoOf(v.rt),
    };
    const rest = { result, resultQuality, validTime, parameters };
    const obs: CreatedObservation = {
      id: Number(newIds[i]),
      datastreamId: 0,
      multiDatastreamId,
      ...times,
      ...rest,
    };
    created.push(obs);
    results[v.index] = { ok: true, observation: obs };
  }
  return { results, created };
}

/**
 * Recomputes the hourly and daily rollups of a datastream from its observations: the UTC hours and
 * Berlin days that [from, to] touches, or all of them (after an update or delete of observations,
 * or a bulk COPY import that bypassed ingest).
 */
export async function rebuildRollups(db: Db, datastreamId: number, from?: Date, to?: Date): Promise<void> {
  const f = from?.toISOString() ?? null;
  const t = to?.toISOString() ?? null;
  // Whole Berlin days around the range: they also cover every UTC hour in it (offsets are whole hours).
  const d0 = sql`(${f}::timestamptz AT TIME ZONE 'Europe/Berlin')::date`;
  const d1 = sql`(${t}::timestamptz AT TIME ZONE 'Europe/Berlin')::date + 1`;
  const inDays = (col: SQL) =>
    sql`(${f}::timestamptz IS NULL OR (${col} >= (${d0})::timestamp AT TIME ZONE 'Europe/Berlin'
      AND ${col} < (${d1})::timestamp AT TIME ZONE 'Europe/Berlin'))`;
  await db.execute(
    sql`DELETE FROM sta_hourly WHERE datastream_id = ${datastreamId} AND ${inDays(sql`hour`)}`,
  );
  await db.execute(sql`DELETE FROM sta_daily WHERE datastream_id = ${datastreamId}
    AND (${f}::timestamptz IS NULL OR (day >= ${d0} AND day < ${d1}))`);
  for (const [table, key] of [
    [sql`sta_hourly (datastream_id, hour`, UTC_HOUR],
    [sql`sta_daily (datastream_id, day`, BERLIN_DAY],
  ] as const) {
    await db.execute(sql`INSERT INTO ${table}, n, sum, min, max)
      SELECT datastream_id, ${key}, count(*), sum(result_number), min(result_number), max(result_number)
      FROM sta_observations WHERE datastream_id = ${datastreamId} AND result_number IS NOT NULL
        AND ${inDays(sql`phenomenon_time`)}
      GROUP BY 1, 2`);
  }
}

export async function countRejections(db: Db, list: RejectionCount[]): Promise<void> {
  const p = <T>(f: (r: (typeof list)[number]) => T) => sql.param(list.map(f));
  await db.execute(sql`INSERT INTO sta_rejections (datastream_id, reason, count, last_detail)
    SELECT * FROM unnest(${p((r) => r.ds)}::bigint[], ${p((r) => r.reason)}::text[], ${p((r) => r.count)}::bigint[],
      ${p((r) => r.detail.slice(0, 300))}::text[])
    ON CONFLICT (datastream_id, reason) DO UPDATE SET count = sta_rejections.count + EXCLUDED.count,
      last_at = now(), last_detail = EXCLUDED.last_detail`);
}

export interface RejectionRow {
  datastream_id: number;
  datastream_name: string | null;
  city_id: number | null;
  reason: RejectReason;
  count: number;
  last_at: Date;
  last_detail: string | null;
}

/** Rejection counts visible to staff of the datastream's city; unknown datastreams to region staff. */
export async function listRejections(db: Db, cities: number[] | 'all'): Promise<RejectionRow[]> {
  return rows<RejectionRow>(
    db,
    sql`SELECT r.datastream_id::int AS datastream_id, d.name AS datastream_name, d.city_id, r.reason,
          r.count::int AS count, r.last_at, r.last_detail
        FROM sta_rejections r LEFT JOIN sta_datastreams d ON d.id = r.datastream_id
        WHERE ${cities === 'all'} OR d.city_id = ANY(${sql.param(cities === 'all' ? [] : cities)}::int[])
        ORDER BY r.last_at DESC LIMIT 500`,
  );
}

// ---- what dashboards, steles, open data and maps read ----

export interface DatastreamInfo {
  id: number;
  cityId: number;
  thingId: number;
  name: string;
  description: string;
  kind: Kind;
  unit: { name?: string; symbol?: string; definition?: string };
  observationType: string;
  observedProperty: string;
  simulated: boolean;
  location: { lon: number; lat: number } | null;
  locationName: string | null;
  threshold: { value: number; direction: 'above' | 'below'; message: string | null } | null;
  phenomenonTimeStart: Date | null;
  phenomenonTimeEnd: Date | null;
}

interface DsRow {
  id: string | number;
  city_id: number;
  thing_id: string | number;
  name: string;
  description: string;
  kind: Kind;
  unit_of_measurement: DatastreamInfo['unit'];
  observation_type: string;
  op_name: string;
  simulated: boolean;
  lon: number | null;
  lat: number | null;
  location_name: string | null;
  threshold_value: number | null;
  threshold_direction: 'above' | 'below';
  threshold_message: string | null;
  phenomenon_time_start: Date | null;
  phenomenon_time_end: Date | null;
}

const dsSelect = sql`SELECT d.id, d.city_id, d.thing_id, d.name, d.description, d.kind, d.unit_of_measurement,
    d.observation_type, op.name AS op_name, d.simulated, d.threshold_value, d.threshold_direction,
    d.threshold_message, d.phenomenon_time_start, d.phenomenon_time_end,
    ST_X(ST_PointOnSurface(loc.geom)) AS lon, ST_Y(ST_PointOnSurface(loc.geom)) AS lat, loc.name AS location_name
  FROM sta_datastreams d
  JOIN sta_observed_properties op ON op.id = d.observed_property_id
  LEFT JOIN LATERAL (SELECT l.geom, l.name FROM sta_thing_locations tl JOIN sta_locations l ON l.id = tl.location_id
    WHERE tl.thing_id = d.thing_id ORDER BY l.id LIMIT 1) loc ON true`;

function toInfo(r: DsRow): DatastreamInfo {
  return {
    id: Number(r.id),
    cityId: r.city_id,
    thingId: Number(r.thing_id),
    name: r.name,
    description: r.description,
    kind: r.kind,
    unit: r.unit_of_measurement,
    observationType: r.observation_type,
    observedProperty: r.op_name,
    simulated: r.simulated,
    location: r.lon === null || r.lat === null ? null : { lon: r.lon, lat: r.lat },
    locationName: r.location_name,
    threshold:
      r.threshold_value === null
        ? null
        : { value: r.threshold_value, direction: r.threshold_direction, message: r.threshold_message },
    phenomenonTimeStart: r.phenomenon_time_start,
    phenomenonTimeEnd: r.phenomenon_time_end,
  };
}

export async function listDatastreams(db: Db, filter: { cityId?: number } = {}): Promise<DatastreamInfo[]> {
  const where = filter.cityId === undefined ? sql`true` : sql`d.city_id = ${filter.cityId}`;
  return (await rows<DsRow>(db, sql`${dsSelect} WHERE ${where} ORDER BY d.kind, d.name, d.id`)).map(toInfo);
}

export async function datastreamById(db: Db, id: number): Promise<DatastreamInfo | undefined> {
  const r = await one<DsRow>(db, sql`${dsSelect} WHERE d.id = ${id}`);
  return r ? toInfo(r) : undefined;
}

export type ThresholdStatus = 'ok' | 'exceeded' | 'none';

export interface LatestValue extends DatastreamInfo {
  value: number | string | boolean | null;
  time: Date | null;
  status: ThresholdStatus;
}

export function thresholdStatus(ds: Pick<DatastreamInfo, 'threshold'>, value: unknown): ThresholdStatus {
  if (!ds.threshold || typeof value !== 'number') return 'none';
  const { value: limit, direction } = ds.threshold;
  return (direction === 'above' ? value > limit : value < limit) ? 'exceeded' : 'ok';
}

/** The current value of every datastream of a city: name, unit, kind, location, time, threshold status. */
export async function latestValues(db: Db, cityId: number): Promise<LatestValue[]> {
  const list = await rows<DsRow & { result_number: number | null; result_json: unknown; time: Date | null }>(
    db,
    sql`SELECT x.*, lt.result_number, lt.result_json, lt.phenomenon_time AS time
        FROM (${dsSelect} WHERE d.city_id = ${cityId}) x
        LEFT JOIN sta_latest lt ON lt.datastream_id = x.id
        ORDER BY x.kind, x.name, x.id`,
  );
  return list.map((r) => {
    const info = toInfo(r);
    const value = (r.result_number ?? r.result_json ?? null) as LatestValue['value'];
    // Raw timestamptz columns arrive as text from one driver and as Date from the other.
    const time = r.time === null ? null : new Date(r.time);
    return { ...info, value, time, status: thresholdStatus(info, value) };
  });
}

// ---- aggregates ----

export type Bucket = '10min' | 'hour' | 'day';

export interface AggregateRow {
  t: Date;
  min: number;
  max: number;
  avg: number;
  n: number;
}

/**
 * min/max/avg per bucket, in SQL. 10-minute buckets come from the observations (index range scan),
 * hours from the hourly rollup, days from the daily one (at most 366 rows a year). Days follow the
 * Berlin calendar (23 or 25 hours at the clock changes); every UTC hour lies within one Berlin day, the
 * offsets being whole hours, so a day cut by the range is summed from its hours.
 */
export async function aggregates(
  db: Db,
  datastreamId: number,
  bucket: Bucket,
  from: Date,
  to: Date,
): Promise<AggregateRow[]> {
  if (bucket === '10min') {
    return rows<AggregateRow>(
      db,
      sql`SELECT date_bin('10 minutes'::interval, phenomenon_time, '2000-01-01T00:00:00Z'::timestamptz) AS t,
            min(result_number) AS min, max(result_number) AS max, avg(result_number) AS avg, count(*)::int AS n
          FROM sta_observations WHERE datastream_id = ${datastreamId}
            AND phenomenon_time >= ${from.toISOString()}::timestamptz AND phenomenon_time < ${to.toISOString()}::timestamptz
            AND result_number IS NOT NULL
          GROUP BY 1 ORDER BY 1`,
    );
  }
  const f = from.toISOString();
  const t = to.toISOString();
  // The rollups are per whole hour: the range is taken at hour boundaries.
  if (bucket === 'hour') {
    return rows<AggregateRow>(
      db,
      sql`SELECT hour AS t, min, max, sum / n AS avg, n FROM sta_hourly WHERE datastream_id = ${datastreamId}
            AND hour >= date_trunc('hour', ${f}::timestamptz) AND hour < ${t}::timestamptz
          ORDER BY hour`,
    );
  }
  // Days wholly inside the range come from the daily rollup, the cut days at its ends from hours.
  return rows<AggregateRow>(
    db,
    sql`WITH r AS (
          SELECT date_trunc('hour', ${f}::timestamptz) AS f, ${t}::timestamptz AS t,
            (date_trunc('hour', ${f}::timestamptz) - interval '1 microsecond') AT TIME ZONE 'Europe/Berlin' AS fl
        ), d AS (
          SELECT f, t, fl::date + 1 AS d0, (t AT TIME ZONE 'Europe/Berlin')::date AS d1 FROM r
        ), d2 AS (
          -- Hours before the first whole day [f, cut0) and after the last one [cut1, t): two index ranges.
          SELECT f, t, d0, d1,
            CASE WHEN d0 < d1 THEN d0::timestamp AT TIME ZONE 'Europe/Berlin' ELSE t END AS cut0,
            CASE WHEN d0 < d1 THEN d1::timestamp AT TIME ZONE 'Europe/Berlin' ELSE t END AS cut1 FROM d
        )
        SELECT t, min(min) AS min, max(max) AS max, sum(sum) / sum(n) AS avg, sum(n)::int AS n FROM (
          SELECT day::timestamp AT TIME ZONE 'Europe/Berlin' AS t, n, sum, min, max
          FROM sta_daily, d2 WHERE datastream_id = ${datastreamId} AND day >= d2.d0 AND day < d2.d1
          UNION ALL
          SELECT date_trunc('day', hour, 'Europe/Berlin'), n, sum, min, max
          FROM sta_hourly, d2 WHERE datastream_id = ${datastreamId} AND hour >= d2.f AND hour < d2.cut0
          UNION ALL
          SELECT date_trunc('day', hour, 'Europe/Berlin'), n, sum, min, max
          FROM sta_hourly, d2 WHERE datastream_id = ${datastreamId} AND hour >= d2.cut1 AND hour < d2.t
        ) x GROUP BY t ORDER BY t`,
  );
}

/** Raw observations of a datastream for CSV download, oldest first. */
export async function observationsForExport(
  db: Db,
  datastreamId: number,
  from: Date,
  to: Date,
  limit = 200_000,
): Promise<{ phenomenon_time: Date; result_number: number | null; result_json: unknown }[]> {
  return rows(
    db,
    sql`SELECT phenomenon_time, result_number, result_json FROM sta_observations
        WHERE datastream_id = ${datastreamId} AND phenomenon_time >= ${from.toISOString()}::timestamptz
          AND phenomenon_time < ${to.toISOString()}::timestamptz
        ORDER BY phenomenon_time LIMIT ${limit}`,
  );
}

export async function updateDatastreamSettings(
  db: Db,
  id: number,
  s: {
    kind: Kind;
    thresholdValue: number | null;
    thresholdDirection: 'above' | 'below';
    thresholdMessage: string | null;
  },
): Promise<void> {
  await db.execute(sql`UPDATE sta_datastreams SET kind = ${s.kind}, threshold_value = ${s.thresholdValue},
    threshold_direction = ${s.thresholdDirection}, threshold_message = ${s.thresholdMessage} WHERE id = ${id}`);
}

// ---- open data and maps: public datastreams and their observations ----

/**
 * Every datastream, for catalogs and maps: all of them are public (SensorThings reads need no key).
 * Time ranges are the ones ingest maintains per batch, as Dates on both drivers.
 */
export async function publicDatastreams(db: Db): Promise<DatastreamInfo[]> {
  const toDate = (v: Date | string | null) => (v === null ? null : new Date(v));
  return (await listDatastreams(db)).map((d) => ({
    ...d,
    phenomenonTimeStart: toDate(d.phenomenonTimeStart),
    phenomenonTimeEnd: toDate(d.phenomenonTimeEnd),
  }));
}

/** One observation as published: the result is result_number, or the JSON result for other types. */
export interface PublicObservation {
  id: number;
  phenomenonTime: Date;
  phenomenonTimeEnd: Date | null;
  resultTime: Date | null;
  result: number | string | boolean | Record<string, unknown> | unknown[] | null;
  /** Keyset cursor of this row ("time|id", time in microseconds): pass it as `after` for the next page. */
  cursor: string;
}

const CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|(\d{1,18})$/;

/**
 * A page of a datastream's observations, oldest first, keyset-paged on (phenomenon_time, id) over the
 * (datastream_id, phenomenon_time) index — no OFFSET, so page 10,000 costs what page 1 costs and an
 * export of any length holds one page in memory. The cursor keeps microseconds (a JS Date would not).
 */
export async function observationPage(
  db: Db,
  datastreamId: number,
  after: string | null,
  limit: number,
): Promise<PublicObservation[]> {
  const m = after === null ? null : CURSOR.exec(after);
  if (after !== null && !m) throw new Error(`invalid observation cursor: ${after}`);
  const from = m
    ? sql`AND o.phenomenon_time >= ${m[1]}::timestamptz
      AND (o.phenomenon_time > ${m[1]}::timestamptz OR o.id > ${m[2]}::bigint)`
    : sql``;
  const list = await rows<{
    id: string | number;
    phenomenon_time: Date | string;
    phenomenon_time_end: Date | string | null;
    result_time: Date | string | null;
    result_number: number | null;
    result_json: PublicObservation['result'];
    t: string;
  }>(
    db,
    sql`SELECT o.id, o.phenomenon_time, o.phenomenon_time_end, o.result_time, o.result_number, o.result_json,
          to_char(o.phenomenon_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t
        FROM sta_observations o WHERE o.datastream_id = ${datastreamId} ${from}
        ORDER BY o.phenomenon_time, o.id LIMIT ${limit}`,
  );
  return list.map((r) => ({
    id: Number(r.id),
    phenomenonTime: new Date(r.phenomenon_time),
    phenomenonTimeEnd: r.phenomenon_time_end === null ? null : new Date(r.phenomenon_time_end),
    resultTime: r.result_time === null ? null : new Date(r.result_time),
    result: r.result_number ?? r.result_json ?? null,
    cursor: `${r.t}|${r.id}`,
  }));
}
