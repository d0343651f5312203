/**
 * The SensorThings data model: entity sets, their columns, navigation between them, and the
 * translation of parsed $filter/$orderby expressions into SQL over those tables.
 */
import type { SQL } from 'drizzle-orm';
import { sql } from '../../platform/db/index.ts';
import { type Expr, QueryError } from './odata.ts';

export type SetName =
  | 'Things'
  | 'Locations'
  | 'HistoricalLocations'
  | 'Datastreams'
  | 'MultiDatastreams'
  | 'Sensors'
  | 'ObservedProperties'
  | 'Observations'
  | 'FeaturesOfInterest';

type PType = 'string' | 'number' | 'json' | 'time' | 'geo' | 'result';

interface PropDef {
  /** SQL expression over the row alias. */
  col: (a: string) => string;
  type: PType;
}

export interface NavDef {
  target: SetName;
  many: boolean;
  /** Condition on child alias c that links it to the parent with id p (an SQL expression). */
  cond: (p: string, c: string) => string;
  /** The children's own order (ordered navigations): after $orderby, before id. */
  order?: (p: string, c: string) => string;
}

export interface EntityDef {
  set: SetName;
  single: string;
  table: string;
  props: Record<string, PropDef>;
  navs: Record<string, NavDef>;
  /** Columns selected for output (alias t). */
  select: string;
  format(row: Record<string, unknown>): Record<string, unknown>;
}

const c = (name: string) => (a: string) => `${a}.${name}`;
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const interval = (start: unknown, end: unknown) =>
  start === null || start === undefined ? null : end ? `${iso(start)}/${iso(end)}` : iso(start);

const single = (table: string, fk: string) => (p: string, ch: string) =>
  `${ch}.id = (SELECT ${fk} FROM ${table} WHERE id = ${p})`;

/** What Datastreams and MultiDatastreams have in common. */
const STREAM_PROPS: Record<string, PropDef> = {
  id: { col: c('id'), type: 'number' },
  name: { col: c('name'), type: 'string' },
  description: { col: c('description'), type: 'string' },
  observedArea: { col: c('observed_area'), type: 'geo' },
  phenomenonTime: { col: c('phenomenon_time_start'), type: 'time' },
  resultTime: { col: c('result_time_start'), type: 'time' },
  properties: { col: c('properties'), type: 'json' },
  observationType: { col: c('observation_type'), type: 'string' },
};
const streamNavs = (table: string): Record<string, NavDef> => ({
  Thing: { target: 'Things', many: false, cond: single(table, 'thing_id') },
  Sensor: { target: 'Sensors', many: false, cond: single(table, 'sensor_id') },
});
const STREAM_SELECT = `t.id, t.name, t.description, t.observation_type,
      ST_AsGeoJSON(t.observed_area)::jsonb AS observed_area, t.phenomenon_time_start, t.phenomenon_time_end,
      t.result_time_start, t.result_time_end, t.properties`;
/** extra: the unit(s) and types, right after observationType as the spec lists them. */
const streamFormat = (r: Record<string, unknown>, extra: Record<string, unknown>) => ({
  name: r.name,
  description: r.description,
  observationType: r.observation_type,
  ...extra,
  observedArea: r.observed_area ?? undefined,
  phenomenonTime: interval(r.phenomenon_time_start, r.phenomenon_time_end) ?? undefined,
  resultTime: interval(r.result_time_start, r.result_time_end) ?? undefined,
  properties: r.properties ?? undefined,
});

export const ENTITIES: Record<SetName, EntityDef> = {
  Things: {
    set: 'Things',
    single: 'Thing',
    table: 'sta_things',
    props: {
      id: { col: c('id'), type: 'number' },
      name: { col: c('name'), type: 'string' },
      description: { col: c('description'), type: 'string' },
      properties: { col: c('properties'), type: 'json' },
    },
    navs: {
      Locations: {
        target: 'Locations',
        many: true,
        cond: (p, ch) =>
          `EXISTS (SELECT 1 FROM sta_thing_locations l WHERE l.location_id = ${ch}.id AND l.thing_id = ${p})`,
      },
      HistoricalLocations: {
        target: 'HistoricalLocations',
        many: true,
        cond: (p, ch) => `${ch}.thing_id = ${p}`,
      },
      Datastreams: { target: 'Datastreams', many: true, cond: (p, ch) => `${ch}.thing_id = ${p}` },
      MultiDatastreams: { target: 'MultiDatastreams', many: true, cond: (p, ch) => `${ch}.thing_id = ${p}` },
    },
    select: 't.id, t.name, t.description, t.properties',
    format: (r) => ({ name: r.name, description: r.description, properties: r.properties ?? undefined }),
  },
  Locations: {
    set: 'Locations',
    single: 'Location',
    table: 'sta_locations',
    props: {
      id: { col: c('id'), type: 'number' },
      name: { col: c('name'), type: 'string' },
      description: { col: c('description'), type: 'string' },
      encodingType: { col: c('encoding_type'), type: 'string' },
      location: { col: c('geom'), type: 'geo' },
      properties: { col: c('properties'), type: 'json' },
    },
    navs: {
      Things: {
        target: 'Things',
        many: true,
        cond: (p, ch) =>
          `EXISTS (SELECT 1 FROM sta_thing_locations l WHERE l.thing_id = ${ch}.id AND l.location_id = ${p})`,
      },
      HistoricalLocations: {
        target: 'HistoricalLocations',
        many: true,
        cond: (p, ch) =>
          `EXISTS (SELECT 1 FROM sta_historical_location_locations h WHERE h.historical_location_id = ${ch}.id AND h.location_id = ${p})`,
      },
    },
    select: 't.id, t.name, t.description, t.encoding_type, t.location, t.properties',
    format: (r) => ({
      name: r.name,
      description: r.description,
      encodingType: r.encoding_type,
      location: r.location,
      properties: r.properties ?? undefined,
    }),
  },
  HistoricalLocations: {
    set: 'HistoricalLocations',
    single: 'HistoricalLocation',
    table: 'sta_historical_locations',
    props: { id: { col: c('id'), type: 'number' }, time: { col: c('time'), type: 'time' } },
    navs: {
      Thing: { target: 'Things', many: false, cond: single('sta_historical_locations', 'thing_id') },
      Locations: {
        target: 'Locations',
        many: true,
        cond: (p, ch) =>
          `EXISTS (SELECT 1 FROM sta_historical_location_locations h WHERE h.location_id = ${ch}.id AND h.historical_location_id = ${p})`,
      },
    },
    select: 't.id, t.time',
    format: (r) => ({ time: iso(r.time) }),
  },
  Datastreams: {
    set: 'Datastreams',
    single: 'Datastream',
    table: 'sta_datastreams',
    props: {
      ...STREAM_PROPS,
      unitOfMeasurement: { col: c('unit_of_measurement'), type: 'json' },
    },
    navs: {
      ...streamNavs('sta_datastreams'),
      ObservedProperty: {
        target: 'ObservedProperties',
        many: false,
        cond: single('sta_datastreams', 'observed_property_id'),
      },
      Observations: { target: 'Observations', many: true, cond: (p, ch) => `${ch}.datastream_id = ${p}` },
    },
    select: `${STREAM_SELECT}, t.unit_of_measurement`,
    format: (r) => streamFormat(r, { unitOfMeasurement: r.unit_of_measurement }),
  },
  MultiDatastreams: {
    set: 'MultiDatastreams',
    single: 'MultiDatastream',
    table: 'sta_multi_datastreams',
    props: {
      ...STREAM_PROPS,
      multiObservationDataTypes: { col: c('multi_observation_data_types'), type: 'json' },
      unitOfMeasurements: { col: c('unit_of_measurements'), type: 'json' },
    },
    navs: {
      ...streamNavs('sta_multi_datastreams'),
      ObservedProperties: {
        target: 'ObservedProperties',
        many: true,
        cond: (p, ch) =>
          `EXISTS (SELECT 1 FROM sta_multi_datastream_observed_properties m WHERE m.observed_property_id = ${ch}.id AND m.multi_datastream_id = ${p})`,
        order: (p, ch) =>
          `(SELECT m.position FROM sta_multi_datastream_observed_properties m WHERE m.observed_property_id = ${ch}.id AND m.multi_datastream_id = ${p})`,
      },
      Observations: {
        target: 'Observations',
        many: true,
        cond: (p, ch) => `${ch}.multi_datastream_id = ${p}`,
      },
    },
    select: `${STREAM_SELECT}, t.multi_observation_data_types, t.unit_of_measurements`,
    format: (r) =>
      streamFormat(r, {
        multiObservationDataTypes: r.multi_observation_data_types,
        unitOfMeasurements: r.unit_of_measurements,
      }),
  },
  Sensors: {
    set: 'Sensors',
    single: 'Sensor',
    table: 'sta_sensors',
    props: {
      id: { col: c('id'), type: 'number' },
      name: { col: c('name'), type: 'string' },
      description: { col: c('description'), type: 'string' },
      encodingType: { col: c('encoding_type'), type: 'string' },
      metadata: { col: c('metadata'), type: 'string' },
      properties: { col: c('properties'), type: 'json' },
    },
    navs: {
      Datastreams: { target: 'Datastreams', many: true, cond: (p, ch) => `${ch}.sensor_id = ${p}` },
      MultiDatastreams: { target: 'MultiDatastreams', many: true, cond: (p, ch) => `${ch}.sensor_id = ${p}` },
    },
    select: 't.id, t.name, t.description, t.encoding_type, t.metadata, t.properties',
    format: (r) => ({
      name: r.name,
      description: r.description,
      encodingType: r.encoding_type,
      metadata: r.metadata,
      properties: r.properties ?? undefined,
    }),
  },
  ObservedProperties: {
    set: 'ObservedProperties',
    single: 'ObservedProperty',
    table: 'sta_observed_properties',
    props: {
      id: { col: c('id'), type: 'number' },
      name: { col: c('name'), type: 'string' },
      definition: { col: c('definition'), type: 'string' },
      description: { col: c('description'), type: 'string' },
      properties: { col: c('properties'), type: 'json' },
    },
    navs: {
      Datastreams: {
        target: 'Datastreams',
        many: true,
        cond: (p, ch) => `${ch}.observed_property_id = ${p}`,
      },
      MultiDatastreams: {
        target: 'MultiDatastreams',
        many: true,
        cond: (p, ch) =>
          `EXISTS (SELECT 1 FROM sta_multi_datastream_observed_properties m WHERE m.multi_datastream_id = ${ch}.id AND m.observed_property_id = ${p})`,
      },
    },
    select: 't.id, t.name, t.definition, t.description, t.properties',
    format: (r) => ({
      name: r.name,
      definition: r.definition,
      description: r.description,
      properties: r.properties ?? undefined,
    }),
  },
  Observations: {
    set: 'Observations',
    single: 'Observation',
    table: 'sta_observations',
    props: {
      id: { col: c('id'), type: 'number' },
      phenomenonTime: { col: c('phenomenon_time'), type: 'time' },
      resultTime: { col: c('result_time'), type: 'time' },
      result: { col: (a) => a, type: 'result' },
      resultQuality: { col: c('result_quality'), type: 'json' },
      validTime: { col: c('valid_time_start'), type: 'time' },
      parameters: { col: c('parameters'), type: 'json' },
    },
    navs: {
      Datastream: { target: 'Datastreams', many: false, cond: single('sta_observations', 'datastream_id') },
      MultiDatastream: {
        target: 'MultiDatastreams',
        many: false,
        cond: single('sta_observations', 'multi_datastream_id'),
      },
      FeatureOfInterest: {
        target: 'FeaturesOfInterest',
        many: false,
        cond: single('sta_observations', 'feature_of_interest_id'),
      },
    },
    select: `t.id, t.phenomenon_time, t.phenomenon_time_end, t.result_time, t.result_number, t.result_json,
      t.result_quality, t.valid_time_start, t.valid_time_end, t.parameters`,
    format: (r) => ({
      phenomenonTime: interval(r.phenomenon_time, r.phenomenon_time_end),
      resultTime: iso(r.result_time),
      result: r.result_number ?? r.result_json ?? null,
      resultQuality: r.result_quality ?? undefined,
      validTime: interval(r.valid_time_start, r.valid_time_end) ?? undefined,
      parameters: r.parameters ?? undefined,
    }),
  },
  FeaturesOfInterest: {
    set: 'FeaturesOfInterest',
    single: 'FeatureOfInterest',
    table: 'sta_features_of_interest',
    props: {
      id: { col: c('id'), type: 'number' },
      name: { col: c('name'), type: 'string' },
      description: { col: c('description'), type: 'string' },
      encodingType: { col: c('encoding_type'), type: 'string' },
      feature: { col: c('geom'), type: 'geo' },
      properties: { col: c('properties'), type: 'json' },
    },
    navs: {
      Observations: {
        target: 'Observations',
        many: true,
        cond: (p, ch) => `${ch}.feature_of_interest_id = ${p}`,
      },
    },
    select: 't.id, t.name, t.description, t.encoding_type, t.feature, t.properties',
    format: (r) => ({
      name: r.name,
      description: r.description,
      encodingType: r.encoding_type,
      feature: r.feature,
      properties: r.properties ?? undefined,
    }),
  },
};

export const SET_NAMES = Object.keys(ENTITIES) as SetName[];

// ---- $filter / $orderby → SQL ----

type VType = 'string' | 'number' | 'bool' | 'time' | 'date' | 'duration' | 'geo' | 'json' | 'result' | 'null';

interface Val {
  sql: SQL;
  type: VType;
  /** For result: its JSON form (sql holds the numeric form). */
  json?: SQL;
}

interface Scope {
  def: EntityDef;
  alias: string;
  depth: number;
}

const fail = (msg: string, e: { pos: number }): never => {
  throw new QueryError(msg, e.pos);
};

function pathValue(scope: Scope, e: Extract<Expr, { k: 'path' }>): Val {
  let { def, alias } = scope;
  const segs = [...e.segs];
  let depth = scope.depth;
  // Single-valued navigations become scalar subqueries: Datastream/Thing/name.
  const wrap: ((inner: string) => string)[] = [];
  while (segs.length > 1 && def.navs[segs[0]!]) {
    const nav = def.navs[segs.shift()!]!;
    if (nav.many)
      fail(`„${e.segs.join('/')}“: Filter über mehrwertige Navigation werden nicht unterstützt`, e);
    const child = `n${++depth}`;
    const target = ENTITIES[nav.target];
    const parentId = `${alias}.id`;
    wrap.push(
      (inner) => `(SELECT ${inner} FROM ${target.table} ${child} WHERE ${nav.cond(parentId, child)})`,
    );
    def = target;
    alias = child;
  }
  const name = segs.shift()!;
  const prop = def.props[name];
  if (!prop) {
    if (def.navs[name]) fail(`„${name}“ ist eine Navigation, keine Eigenschaft`, e);
    fail(`Unbekannte Eigenschaft „${name}“ von ${def.single}`, e);
  }
  let type: VType = prop!.type;
  let inner: string;
  if (prop!.type === 'result') {
    if (segs.length) fail('result hat keine Untereigenschaften', e);
    inner = `${alias}`;
  } else if (segs.length) {
    if (prop!.type !== 'json') fail(`„${name}“ hat keine Untereigenschaften`, e);
    // JSON path keys are validated identifiers; quote them as SQL text array literal elements.
    for (const s of segs) if (!/^[A-Za-z0-9_@.$-]+$/.test(s)) fail(`Ungültiger Schlüssel „${s}“`, e);
    inner = `(${prop!.col(alias)} #> '{${segs.map((s) => `"${s}"`).join(',')}}')`;
  } else inner = prop!.col(alias);
  if (type === 'result') {
    // result is numeric or JSON: expose both shapes, coerced where it meets the other side.
    const num = wrap.reduceRight((acc, w) => w(acc), `${inner}.result_number`);
    const json = wrap.reduceRight(
      (acc, w) => w(acc),
      `COALESCE(to_jsonb(${inner}.result_number), ${inner}.result_json)`,
    );
    return { sql: sql.raw(num), json: sql.raw(json), type };
  }
  if (segs.length) type = 'json';
  const out = wrap.reduceRight((acc, w) => w(acc), inner);
  return { sql: sql.raw(out), type };
}

/** result → its numeric or JSON form. */
function resultParts(v: Val): { num: SQL; json: SQL } {
  return { num: v.sql, json: v.json ?? v.sql };
}

function coerce(v: Val, to: VType): SQL {
  if (v.type === to) return v.sql;
  if (v.type === 'result') {
    const { num, json } = resultParts(v);
    if (to === 'number') return num;
    return coerce({ sql: json, type: 'json' }, to);
  }
  if (v.type === 'json') {
    switch (to) {
      case 'number':
        return sql`(CASE WHEN jsonb_typeof(${v.sql}) = 'number' THEN (${v.sql} #>> '{}')::float8 END)`;
      case 'string':
        return sql`(CASE WHEN jsonb_typeof(${v.sql}) = 'string' THEN ${v.sql} #>> '{}' END)`;
      case 'bool':
        return sql`(CASE WHEN jsonb_typeof(${v.sql}) = 'boolean' THEN (${v.sql} #>> '{}')::boolean END)`;
      case 'time':
        return sql`sta_try_time(${v.sql} #>> '{}')`;
      default:
        return v.sql;
    }
  }
  if (v.type === 'date' && to === 'time') return sql`(${v.sql})::timestamp AT TIME ZONE 'UTC'`;
  if (v.type === 'time' && to === 'date') return sql`(${v.sql} AT TIME ZONE 'UTC')::date`;
  if (v.type === 'string' && to === 'time') return sql`sta_try_time(${v.sql})`;
  if (v.type === 'null') return sql`NULL`;
  return v.sql;
}

function unify(l: Val, r: Val, e: { pos: number }): { l: SQL; r: SQL; type: VType } {
  const concrete = (t: VType) => t !== 'json' && t !== 'result' && t !== 'null';
  if (concrete(l.type) && concrete(r.type)) {
    if (l.type === r.type) return { l: l.sql, r: r.sql, type: l.type };
    const pair = new Set([l.type, r.type]);
    if (pair.has('time') && (pair.has('date') || pair.has('string')))
      return { l: coerce(l, 'time'), r: coerce(r, 'time'), type: 'time' };
    return fail(`Typen passen nicht zusammen: ${l.type} und ${r.type}`, e);
  }
  // One side is JSON-like (a property value or result): it takes the other side's type.
  const type: VType = concrete(l.type) ? l.type : concrete(r.type) ? r.type : 'json';
  return { l: coerce(l, type), r: coerce(r, type), type };
}

const CMP: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const ARITH: Record<string, string> = { add: '+', sub: '-', mul: '*', div: '/', mod: '%' };

function literal(e: Extract<Expr, { k: 'lit' }>): Val {
  switch (e.type) {
    case 'string':
      return { sql: sql`${e.value}::text`, type: 'string' };
    case 'number':
      return { sql: sql`${e.value}::float8`, type: 'number' };
    case 'bool':
      return { sql: e.value ? sql`true` : sql`false`, type: 'bool' };
    case 'null':
      return { sql: sql`NULL`, type: 'null' };
    case 'time':
      return { sql: sql`${e.value}::timestamptz`, type: 'time' };
    case 'date':
      return { sql: sql`${e.value}::date`, type: 'date' };
    case 'duration':
      return { sql: sql`${e.value}::interval`, type: 'duration' };
    case 'geo':
      return { sql: sql`ST_GeomFromText(${e.value}::text, 4326)`, type: 'geo' };
  }
}

const STRING1: Record<string, (a: SQL) => Val> = {
  length: (a) => ({ sql: sql`char_length(${a})::float8`, type: 'number' }),
  tolower: (a) => ({ sql: sql`lower(${a})`, type: 'string' }),
  toupper: (a) => ({ sql: sql`upper(${a})`, type: 'string' }),
  trim: (a) => ({ sql: sql`btrim(${a})`, type: 'string' }),
};

const STRING2: Record<string, (a: SQL, b: SQL) => Val> = {
  substringof: (a, b) => ({ sql: sql`(strpos(${b}, ${a}) > 0)`, type: 'bool' }),
  contains: (a, b) => ({ sql: sql`(strpos(${a}, ${b}) > 0)`, type: 'bool' }),
  startswith: (a, b) => ({ sql: sql`(left(${a}, char_length(${b})) = ${b})`, type: 'bool' }),
  endswith: (a, b) => ({ sql: sql`(right(${a}, char_length(${b})) = ${b})`, type: 'bool' }),
  indexof: (a, b) => ({ sql: sql`(strpos(${a}, ${b}) - 1)::float8`, type: 'number' }),
  concat: (a, b) => ({ sql: sql`(${a} || ${b})`, type: 'string' }),
};

const DATE_PART: Record<string, string> = {
  year: 'year',
  month: 'month',
  day: 'day',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
};

const GEO_BOOL: Record<string, string> = {
  'geo.intersects': 'ST_Intersects',
  st_intersects: 'ST_Intersects',
  st_within: 'ST_Within',
  st_contains: 'ST_Contains',
  st_equals: 'ST_Equals',
  st_disjoint: 'ST_Disjoint',
  st_touches: 'ST_Touches',
  st_overlaps: 'ST_Overlaps',
  st_crosses: 'ST_Crosses',
};

function arity(e: Extract<Expr, { k: 'call' }>, n: number[]) {
  if (!n.includes(e.args.length)) fail(`${e.name}() erwartet ${n.join(' oder ')} Argument(e)`, e);
}

function compile(scope: Scope, e: Expr): Val {
  switch (e.k) {
    case 'lit':
      return literal(e);
    case 'path':
      return pathValue(scope, e);
    case 'not': {
      const v = compile(scope, e.e);
      return { sql: sql`(NOT ${coerce(v, 'bool')})`, type: 'bool' };
    }
    case 'neg': {
      const v = compile(scope, e.e);
      return { sql: sql`(-${coerce(v, 'number')})`, type: 'number' };
    }
    case 'bin': {
      const l = compile(scope, e.l);
      const r = compile(scope, e.r);
      if (e.op === 'and' || e.op === 'or') {
        const op = sql.raw(e.op.toUpperCase());
        return { sql: sql`(${coerce(l, 'bool')} ${op} ${coerce(r, 'bool')})`, type: 'bool' };
      }
      if (CMP[e.op]) {
        if (l.type === 'null' || r.type === 'null') {
          const other = l.type === 'null' ? r : l;
          const otherSql = other.type === 'result' ? resultParts(other).json : other.sql;
          if (e.op === 'eq') return { sql: sql`(${otherSql} IS NULL)`, type: 'bool' };
          if (e.op === 'ne') return { sql: sql`(${otherSql} IS NOT NULL)`, type: 'bool' };
          fail('null lässt sich nur mit eq oder ne vergleichen', e);
        }
        const u = unify(l, r, e);
        if (u.type === 'geo') fail('Geometrien mit st_equals vergleichen', e);
        return { sql: sql`(${u.l} ${sql.raw(CMP[e.op]!)} ${u.r})`, type: 'bool' };
      }
      if (ARITH[e.op]) {
        // time ± duration, time − time; otherwise numbers.
        if (l.type === 'time' && r.type === 'duration' && (e.op === 'add' || e.op === 'sub'))
          return { sql: sql`(${l.sql} ${sql.raw(ARITH[e.op]!)} ${r.sql})`, type: 'time' };
        if (l.type === 'time' && r.type === 'time' && e.op === 'sub')
          return { sql: sql`(${l.sql} - ${r.sql})`, type: 'duration' };
        const a = coerce(l, 'number');
        const b = coerce(r, 'number');
        if (e.op === 'div') return { sql: sql`(${a} / NULLIF(${b}, 0))`, type: 'number' };
        if (e.op === 'mod')
          return { sql: sql`mod(${a}::numeric, NULLIF(${b}, 0)::numeric)::float8`, type: 'number' };
        return { sql: sql`(${a} ${sql.raw(ARITH[e.op]!)} ${b})`, type: 'number' };
      }
      return fail(`Unbekannter Operator ${e.op}`, e);
    }
    case 'call': {
      const args = e.args.map((a) => compile(scope, a));
      const s = (i: number) => coerce(args[i]!, 'string');
      const n = (i: number) => coerce(args[i]!, 'number');
      const t = (i: number) => coerce(args[i]!, 'time');
      const g = (i: number) => {
        if (args[i]!.type !== 'geo') fail(`${e.name}(): Argument ${i + 1} muss eine Geometrie sein`, e);
        return args[i]!.sql;
      };
      if (STRING1[e.name]) {
        arity(e, [1]);
        return STRING1[e.name]!(s(0));
      }
      if (STRING2[e.name]) {
        arity(e, [2]);
        return STRING2[e.name]!(s(0), s(1));
      }
      if (e.name === 'substring') {
        arity(e, [2, 3]);
        return args.length === 2
          ? { sql: sql`substr(${s(0)}, (${n(1)})::int + 1)`, type: 'string' }
          : { sql: sql`substr(${s(0)}, (${n(1)})::int + 1, (${n(2)})::int)`, type: 'string' };
      }
      if (DATE_PART[e.name]) {
        arity(e, [1]);
        const part = sql.raw(DATE_PART[e.name]!);
        const expr =
          e.name === 'second'
            ? sql`floor(EXTRACT(second FROM ${t(0)} AT TIME ZONE 'UTC'))::float8`
            : sql`EXTRACT(${part} FROM ${t(0)} AT TIME ZONE 'UTC')::float8`;
        return { sql: expr, type: 'number' };
      }
      switch (e.name) {
        case 'fractionalseconds':
          arity(e, [1]);
          return {
            sql: sql`(EXTRACT(microseconds FROM ${t(0)}) / 1e6 - floor(EXTRACT(second FROM ${t(0)})))::float8`,
            type: 'number',
          };
        case 'date':
          arity(e, [1]);
          return { sql: sql`(${t(0)} AT TIME ZONE 'UTC')::date`, type: 'date' };
        // Times are stored in UTC.
        case 'totaloffsetminutes':
          arity(e, [1]);
          return { sql: sql`0::float8`, type: 'number' };
        case 'now':
          arity(e, [0]);
          return { sql: sql`now()`, type: 'time' };
        case 'mindatetime':
          arity(e, [0]);
          return { sql: sql`'-infinity'::timestamptz`, type: 'time' };
        case 'maxdatetime':
          arity(e, [0]);
          return { sql: sql`'infinity'::timestamptz`, type: 'time' };
        case 'round':
        case 'floor':
        case 'ceiling': {
          arity(e, [1]);
          const fn = sql.raw(e.name === 'ceiling' ? 'ceil' : e.name);
          return { sql: sql`${fn}(${n(0)})::float8`, type: 'number' };
        }
        case 'geo.distance':
          arity(e, [2]);
          return { sql: sql`ST_Distance(${g(0)}, ${g(1)})`, type: 'number' };
        case 'geo.length':
          arity(e, [1]);
          return { sql: sql`ST_Length(${g(0)})`, type: 'number' };
        case 'st_relate':
          arity(e, [3]);
          return { sql: sql`ST_Relate(${g(0)}, ${g(1)}, ${s(2)})`, type: 'bool' };
      }
      if (GEO_BOOL[e.name]) {
        arity(e, [2]);
        return { sql: sql`${sql.raw(GEO_BOOL[e.name]!)}(${g(0)}, ${g(1)})`, type: 'bool' };
      }
      return fail(`Unbekannte Funktion ${e.name}()`, e);
    }
  }
}

/** A WHERE condition for entity def (row alias a) from a parsed $filter. */
export function filterSql(def: EntityDef, alias: string, e: Expr): SQL {
  const v = compile({ def, alias, depth: 0 }, e);
  if (v.type !== 'bool' && v.type !== 'json' && v.type !== 'result')
    fail('$filter muss eine Bedingung sein (wahr oder falsch)', e as { pos: number });
  return sql`(${coerce(v, 'bool')}) IS TRUE`;
}

/** An ORDER BY expression; result orders numerically first, then by its JSON form. */
export function orderSql(def: EntityDef, alias: string, e: Expr): SQL[] {
  const v = compile({ def, alias, depth: 0 }, e);
  if (v.type === 'result') {
    const { num, json } = resultParts(v);
    return [num, json];
  }
  if (v.type === 'geo') fail('Nach Geometrien lässt sich nicht sortieren', e as { pos: number });
  return [v.sql];
}
