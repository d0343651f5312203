/**
 * Urban data: the rules of ingest (validation, rejection counts, batch-wise maintenance of time
 * ranges and latest values), API keys, aggregates, and what other modules read (latestValues,
 * listDatastreams). The only file other modules may import.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';

export const OBSERVATION_TYPES = {
  measurement: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
  count: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CountObservation',
  truth: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_TruthObservation',
  category: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CategoryObservation',
  any: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation',
} as const;

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

function parseTime(value: string): { start: Date; end: Date | null } | undefined {
  const [a, b] = value.split('/');
  const start = new Date(a!);
  if (!a || Number.isNaN(start.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(a)) return undefined;
  if (b === undefined) return { start, end: null };
  const end = new Date(b);
  if (Number.isNaN(end.getTime()) || end < start) return undefined;
  return { start, end };
}

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

/** The FeatureOfInterest of a Thing's Location, created on first use (SensorThings default). */
async function foiForThing(db: Db, thingId: number): Promise<number | undefined> {
  const found = await one<{ id: number }>(
    db,
    sql`SELECT f.id FROM sta_thing_locations tl JOIN sta_features_of_interest f ON f.location_id = tl.location_id
        WHERE tl.thing_id = ${thingId} ORDER BY tl.location_id LIMIT 1`,
  );
  if (found) return Number(found.id);
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

/**
 * Validates and stores a batch of observations in one transaction: one multi-row INSERT, one update
 * of the datastreams' time ranges, one upsert of the latest values, one upsert of rejection counts.
 */
export async function ingestObservations(
  db: Db,
  inputs: ObservationInput[],
  principal: Principal,
  now = new Date(),
): Promise<IngestResult> {
  const ids = [...new Set(inputs.map((i) => i.datastreamId).filter((n) => Number.isSafeInteger(n)))];
  const metas = new Map(
    (
      await rows<DsMeta>(
        db,
        sql`SELECT id, city_id, thing_id, observation_type FROM sta_datastreams
            WHERE id = ANY(${sql.param(ids.length ? ids : [-1])}::bigint[])`,
      )
    ).map((m) => [Number(m.id), { ...m, id: Number(m.id), thing_id: Number(m.thing_id) }]),
  );
  const results: IngestResult['results'] = [];
  const valid: {
    index: number;
    input: ObservationInput;
    start: Date;
    end: Date | null;
    resultTime: Date | null;
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
  for (const [index, input] of inputs.entries()) {
    const ds = Number.isSafeInteger(input.datastreamId) ? input.datastreamId : -1;
    const meta = metas.get(ds);
    if (!meta) {
      reject(ds, 'unknown_datastream', `Datastream ${input.datastreamId} gibt es nicht`);
      continue;
    }
    if (!mayWrite(principal, meta.city_id)) {
      reject(ds, 'forbidden', 'Keine Schreibrechte für diesen Datastream');
      continue;
    }
    const typeError = resultTypeError(meta.observation_type, input.result);
    if (typeError) {
      reject(ds, 'type', typeError);
      continue;
    }
    const time =
      input.phenomenonTime === undefined ? { start: now, end: null } : parseTime(input.phenomenonTime);
    const resultTime = input.resultTime ? parseTime(input.resultTime) : undefined;
    if (!time || (input.resultTime && (!resultTime || resultTime.end))) {
      reject(ds, 'invalid', 'Zeitangabe ungültig (ISO 8601 mit Zeitzone erwartet)');
      continue;
    }
    if ((time.end ?? time.start).getTime() > limit || (resultTime && resultTime.start.getTime() > limit)) {
      reject(ds, 'future', 'Zeitpunkt liegt in der Zukunft');
      continue;
    }
    results.push(undefined as never);
    valid.push({ index, input, start: time.start, end: time.end, resultTime: resultTime?.start ?? null });
  }

  // Observations without a FeatureOfInterest get their Thing's Location as one.
  const foiByThing = new Map<number, number | undefined>();
  for (const v of valid) {
    if (v.input.featureOfInterestId !== undefined) continue;
    const thing = metas.get(v.input.datastreamId)!.thing_id;
    if (!foiByThing.has(thing)) foiByThing.set(thing, await foiForThing(db, thing));
  }

  const created: CreatedObservation[] = [];
  if (valid.length) {
    const col = <T>(f: (v: (typeof valid)[number]) => T) => sql.param(valid.map(f));
    const inserted = await rows<{ id: string | number }>(
      db,
      sql`INSERT INTO sta_observations (datastream_id, phenomenon_time, phenomenon_time_end, result_time,
            result_number, result_json, result_quality, valid_time_start, valid_time_end, parameters,
            feature_of_interest_id)
          SELECT * FROM unnest(
            ${col((v) => v.input.datastreamId)}::bigint[],
            ${col((v) => v.start.toISOString())}::timestamptz[],
            ${col((v) => v.end?.toISOString() ?? null)}::timestamptz[],
            ${col((v) => v.resultTime?.toISOString() ?? null)}::timestamptz[],
            ${col((v) => (typeof v.input.result === 'number' ? v.input.result : null))}::float8[],
            ${col((v) => (typeof v.input.result === 'number' ? null : json(v.input.result)))}::jsonb[],
            ${col((v) => json(v.input.resultQuality))}::jsonb[],
            ${col((v) => (v.input.validTime ? parseTime(v.input.validTime)?.start.toISOString() : null) ?? null)}::timestamptz[],
            ${col((v) => (v.input.validTime ? parseTime(v.input.validTime)?.end?.toISOString() : null) ?? null)}::timestamptz[],
            ${col((v) => json(v.input.parameters))}::jsonb[],
            ${col(
              (v) =>
                v.input.featureOfInterestId ??
                foiByThing.get(metas.get(v.input.datastreamId)!.thing_id) ??
                null,
            )}::bigint[])
          RETURNING id`,
    );
    for (const [i, v] of valid.entries()) {
      const obs: CreatedObservation = {
        id: Number(inserted[i]!.id),
        datastreamId: v.input.datastreamId,
        phenomenonTime: v.start.toISOString(),
        phenomenonTimeEnd: v.end?.toISOString() ?? null,
        resultTime: v.resultTime?.toISOString() ?? null,
        result: v.input.result,
        resultQuality: v.input.resultQuality,
        validTime: v.input.validTime,
        parameters: v.input.parameters,
      };
      created.push(obs);
      results[v.index] = { ok: true, observation: obs };
    }
    // Per batch, not per row: time ranges and latest value of each datastream touched.
    const span = new Map<
      number,
      { min: Date; max: Date; rmin: Date | null; rmax: Date | null; last: (typeof valid)[number] }
    >();
    for (const v of valid) {
      const id = v.input.datastreamId;
      const s = span.get(id);
      const end = v.end ?? v.start;
      if (!s) span.set(id, { min: v.start, max: end, rmin: v.resultTime, rmax: v.resultTime, last: v });
      else {
        if (v.start < s.min) s.min = v.start;
        if (end > s.max) s.max = end;
        if (v.resultTime && (!s.rmin || v.resultTime < s.rmin)) s.rmin = v.resultTime;
        if (v.resultTime && (!s.rmax || v.resultTime > s.rmax)) s.rmax = v.resultTime;
        if (v.start >= s.last.start) s.last = v;
      }
    }
    const spans = [...span.entries()];
    const sp = <T>(f: (e: (typeof spans)[number]) => T) => sql.param(spans.map(f));
    await db.execute(sql`UPDATE sta_datastreams d SET
        phenomenon_time_start = LEAST(d.phenomenon_time_start, s.mn),
        phenomenon_time_end = GREATEST(d.phenomenon_time_end, s.mx),
        result_time_start = LEAST(d.result_time_start, s.rmn),
        result_time_end = GREATEST(d.result_time_end, s.rmx)
      FROM unnest(${sp(([id]) => id)}::bigint[], ${sp(([, s]) => s.min.toISOString())}::timestamptz[],
        ${sp(([, s]) => s.max.toISOString())}::timestamptz[], ${sp(([, s]) => s.rmin?.toISOString() ?? null)}::timestamptz[],
        ${sp(([, s]) => s.rmax?.toISOString() ?? null)}::timestamptz[]) AS s(id, mn, mx, rmn, rmx)
      WHERE d.id = s.id`);
    const lastObs = spans.map(
      ([, s]) => results[s.last.index] as { ok: true; observation: CreatedObservation },
    );
    const lo = <T>(f: (o: CreatedObservation) => T) => sql.param(lastObs.map((r) => f(r.observation)));
    await db.execute(sql`INSERT INTO sta_latest (datastream_id, observation_id, phenomenon_time, result_number, result_json)
      SELECT * FROM unnest(${lo((o) => o.datastreamId)}::bigint[], ${lo((o) => o.id)}::bigint[],
        ${lo((o) => o.phenomenonTime)}::timestamptz[],
        ${lo((o) => (typeof o.result === 'number' ? o.result : null))}::float8[],
        ${lo((o) => (typeof o.result === 'number' ? null : json(o.result)))}::jsonb[])
      ON CONFLICT (datastream_id) DO UPDATE SET observation_id = EXCLUDED.observation_id,
        phenomenon_time = EXCLUDED.phenomenon_time, result_number = EXCLUDED.result_number,
        result_json = EXCLUDED.result_json
      WHERE sta_latest.phenomenon_time <= EXCLUDED.phenomenon_time`);
  }
  if (created.length) await addToHourly(db, created);
  if (rejections.size) await countRejections(db, [...rejections.values()]);
  return { results, created, rejections: [...rejections.values()] };
}

const HOUR_MS = 3_600_000;

/** Adds a batch's numeric results to the hourly rollup: one upsert per batch. */
async function addToHourly(db: Db, created: CreatedObservation[]): Promise<void> {
  const acc = new Map<
    string,
    { ds: number; hour: string; n: number; sum: number; min: number; max: number }
  >();
  for (const o of created) {
    if (typeof o.result !== 'number') continue;
    const hour = new Date(Math.floor(Date.parse(o.phenomenonTime) / HOUR_MS) * HOUR_MS).toISOString();
    const key = `${o.datastreamId}|${hour}`;
    const a = acc.get(key);
    if (!a) acc.set(key, { ds: o.datastreamId, hour, n: 1, sum: o.result, min: o.result, max: o.result });
    else {
      a.n++;
      a.sum += o.result;
      if (o.result < a.min) a.min = o.result;
      if (o.result > a.max) a.max = o.result;
    }
  }
  if (!acc.size) return;
  const list = [...acc.values()];
  const p = <T>(f: (r: (typeof list)[number]) => T) => sql.param(list.map(f));
  await db.execute(sql`INSERT INTO sta_hourly (datastream_id, hour, n, sum, min, max)
    SELECT * FROM unnest(${p((r) => r.ds)}::bigint[], ${p((r) => r.hour)}::timestamptz[], ${p((r) => r.n)}::int[],
      ${p((r) => r.sum)}::float8[], ${p((r) => r.min)}::float8[], ${p((r) => r.max)}::float8[])
    ON CONFLICT (datastream_id, hour) DO UPDATE SET n = sta_hourly.n + EXCLUDED.n, sum = sta_hourly.sum + EXCLUDED.sum,
      min = LEAST(sta_hourly.min, EXCLUDED.min), max = GREATEST(sta_hourly.max, EXCLUDED.max)`);
}

/**
 * Recomputes the rollup of a datastream from the observations, for the hours in [from, to) or all
 * (after an update or delete of observations, or a bulk COPY import that bypassed ingest).
 */
export async function rebuildHourly(db: Db, datastreamId: number, from?: Date, to?: Date): Promise<void> {
  const range =
    from && to
      ? sql`AND phenomenon_time >= ${new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS).toISOString()}::timestamptz
          AND phenomenon_time < ${new Date(Math.ceil((to.getTime() + 1) / HOUR_MS) * HOUR_MS).toISOString()}::timestamptz`
      : sql``;
  const hourRange =
    from && to
      ? sql`AND hour >= ${new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS).toISOString()}::timestamptz
          AND hour < ${new Date(Math.ceil((to.getTime() + 1) / HOUR_MS) * HOUR_MS).toISOString()}::timestamptz`
      : sql``;
  await db.execute(sql`DELETE FROM sta_hourly WHERE datastream_id = ${datastreamId} ${hourRange}`);
  await db.execute(sql`INSERT INTO sta_hourly (datastream_id, hour, n, sum, min, max)
    SELECT datastream_id, date_bin('1 hour'::interval, phenomenon_time, '2000-01-01T00:00:00Z'::timestamptz),
      count(*), sum(result_number), min(result_number), max(result_number)
    FROM sta_observations WHERE datastream_id = ${datastreamId} AND result_number IS NOT NULL ${range}
    GROUP BY 1, 2`);
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
 * min/max/avg per bucket, in SQL. 10-minute buckets come from the observations (index range scan);
 * hours and days from the hourly rollup. Days follow the Berlin calendar (23 or 25 hours at the clock
 * changes); every UTC hour lies within one Berlin day, the offsets being whole hours.
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
  const t = bucket === 'hour' ? sql`hour` : sql`date_trunc('day', hour, 'Europe/Berlin')`;
  // The rollup is per whole hour: the range is taken at hour boundaries.
  return rows<AggregateRow>(
    db,
    sql`SELECT ${t} AS t, min(min) AS min, max(max) AS max, sum(sum) / sum(n) AS avg, sum(n)::int AS n
        FROM sta_hourly WHERE datastream_id = ${datastreamId}
          AND hour >= date_trunc('hour', ${from.toISOString()}::timestamptz) AND hour < ${to.toISOString()}::timestamptz
        GROUP BY 1 ORDER BY 1`,
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
