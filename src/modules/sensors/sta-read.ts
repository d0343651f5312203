/**
 * Reading SensorThings resources: path resolution, query options, $expand via LATERAL joins (one
 * query per expanded navigation, whatever the number of parents), @iot.nextLink paging.
 */
import type { SQL } from 'drizzle-orm';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import { ENTITIES, type EntityDef, filterSql, orderSql, type SetName } from './model.ts';
import {
  type Expr,
  type OrderItem,
  parseExpand,
  parseFilter,
  parseOrderby,
  parseSelect,
  QueryError,
  type RawOptions,
} from './odata.ts';

export const DEFAULT_TOP = 100;
export const MAX_TOP = 10_000;
const OPTIONS = new Set([
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$select',
  '$expand',
  '$resultFormat',
]);

export interface ReadOptions {
  /** $resultFormat=dataArray: Observations grouped per Datastream as rows of components. */
  dataArray: boolean;
  filter?: Expr | undefined;
  orderby: OrderItem[];
  top: number;
  skip: number;
  count: boolean;
  select?: string[] | undefined;
  expand: Map<string, ReadOptions>;
  raw: RawOptions;
}

export function badQuery(err: QueryError): HttpError {
  const where = err.option ? `${err.option}: ` : '';
  return new HttpError(400, `${where}${err.message}`, {
    type: 'query',
    errors: { [err.option ?? 'query']: err.message },
  });
}

function intOption(raw: RawOptions, name: string, fallback: number, max?: number): number {
  const v = raw[name];
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v.trim()))
    throw new QueryError(`${name} muss eine nicht-negative ganze Zahl sein`, undefined, name);
  const n = Number(v);
  return max !== undefined ? Math.min(n, max) : n;
}

export function parseOptions(def: EntityDef, raw: RawOptions, allowDataArray = false): ReadOptions {
  for (const key of Object.keys(raw)) {
    if (key.startsWith('$') && !OPTIONS.has(key))
      throw new QueryError(`Unbekannte Option ${key}`, undefined, key);
  }
  const count = raw.$count;
  if (count !== undefined && count !== 'true' && count !== 'false')
    throw new QueryError('$count muss true oder false sein', undefined, '$count');
  const select = raw.$select !== undefined ? parseSelect(raw.$select) : undefined;
  for (const s of select ?? []) {
    if (!def.props[s] && !def.navs[s])
      throw new QueryError(`${def.single} hat keine Eigenschaft „${s}“`, undefined, '$select');
  }
  const expand = new Map<string, ReadOptions>();
  for (const item of raw.$expand !== undefined ? parseExpand(raw.$expand) : []) {
    let current = def;
    let map = expand;
    for (const [i, seg] of item.path.entries()) {
      const nav = current.navs[seg];
      if (!nav) throw new QueryError(`${current.single} hat keine Navigation „${seg}“`, undefined, '$expand');
      const target = ENTITIES[nav.target];
      const last = i === item.path.length - 1;
      let opts = map.get(seg);
      if (!opts || last) {
        const parsed = parseOptions(target, last ? item.options : {});
        if (opts) for (const [k, v] of opts.expand) if (!parsed.expand.has(k)) parsed.expand.set(k, v);
        opts = parsed;
        map.set(seg, opts);
      }
      current = target;
      map = opts.expand;
    }
  }
  // The dataArray format (STA 1.1, 14.3) exists for Observation collections only, without $expand.
  const dataArray = raw.$resultFormat === 'dataArray';
  if (raw.$resultFormat !== undefined && (!dataArray || !allowDataArray))
    throw new QueryError(
      '$resultFormat=dataArray gibt es nur für Sammlungen von Observations',
      undefined,
      '$resultFormat',
    );
  if (dataArray && expand.size)
    throw new QueryError('$expand und $resultFormat=dataArray schließen sich aus', undefined, '$expand');
  if (dataArray && select?.some((s) => def.navs[s]))
    throw new QueryError('$resultFormat=dataArray: $select nur mit Eigenschaften', undefined, '$select');
  return {
    dataArray,
    filter: raw.$filter !== undefined ? parseFilter(raw.$filter) : undefined,
    orderby: raw.$orderby !== undefined ? parseOrderby(raw.$orderby) : [],
    top: intOption(raw, '$top', DEFAULT_TOP, MAX_TOP),
    skip: intOption(raw, '$skip', 0),
    count: count === 'true',
    select,
    expand,
    raw,
  };
}

export interface Ctx {
  db: Db;
  /** e.g. https://example.org/sta/v1.1 */
  base: string;
  /**
   * STA_COUNT_ESTIMATE_ABOVE: $count of the unfiltered Observations collection is the query planner's
   * row estimate when that is above this many rows (FROST's ESTIMATE_LIMIT); otherwise exact.
   */
  countEstimateAbove?: number | undefined;
}

/** The planner's row estimate of a whole table: no scan, from the table's size and statistics. */
async function plannedRows(db: Db, table: string): Promise<number> {
  const plan = await one<{ 'QUERY PLAN': unknown }>(
    db,
    sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${sql.raw(table)}`,
  );
  const json = plan!['QUERY PLAN'];
  const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as [{ Plan: { 'Plan Rows': number } }];
  return Math.round(parsed[0].Plan['Plan Rows']);
}

type Row = Record<string, unknown> & { id: string | number };

/** The JSON of one entity: ids and links first, then selected properties. */
export function entityJson(
  def: EntityDef,
  row: Row,
  base: string,
  select?: string[],
): Record<string, unknown> {
  const id = Number(row.id);
  const self = `${base}/${def.set}(${id})`;
  const out: Record<string, unknown> = {};
  const want = (name: string) => !select || select.includes(name);
  if (want('id')) out['@iot.id'] = id;
  if (!select || select.includes('id')) out['@iot.selfLink'] = self;
  for (const [k, v] of Object.entries(def.format(row))) if (v !== undefined && want(k)) out[k] = v;
  for (const nav of Object.keys(def.navs)) if (want(nav)) out[`${nav}@iot.navigationLink`] = `${self}/${nav}`;
  return out;
}

function whereOf(def: EntityDef, cond: string | undefined, opts: ReadOptions): SQL {
  const parts: SQL[] = [];
  if (cond) parts.push(sql.raw(cond));
  if (opts.filter) parts.push(filterSql(def, 't', opts.filter));
  return parts.length ? sql.join(parts, sql` AND `) : sql`true`;
}

/** first: the navigation's own order (ObservedProperties of a MultiDatastream), if it has one. */
function orderOf(def: EntityDef, opts: ReadOptions, first?: string): SQL {
  const items: SQL[] = [];
  for (const o of opts.orderby) {
    for (const part of orderSql(def, 't', o.expr))
      items.push(sql`${part} ${sql.raw(o.desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST')}`);
  }
  if (first) items.push(sql.raw(first));
  items.push(sql`t.id ASC`);
  return sql.join(items, sql`, `);
}

function nextLink(path: string, raw: RawOptions, top: number, skip: number): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) if (k !== '$top' && k !== '$skip') params.set(k, v);
  params.set('$top', String(top));
  params.set('$skip', String(skip + top));
  return `${path}?${params.toString().replace(/%24/g, '$').replace(/%2F/g, '/').replace(/%2C/g, ',')}`;
}

export interface Collection {
  '@iot.count'?: number;
  /** The count is an estimate (not part of the body: sent as a header). */
  estimated?: boolean;
  '@iot.nextLink'?: string;
  value: Record<string, unknown>[];
}

async function withTranslation<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof QueryError) throw badQuery(err);
    throw err;
  }
}

/** A collection, optionally restricted by a navigation condition (e.g. the Observations of Datastream 7). */
export async function readCollection(
  ctx: Ctx,
  def: EntityDef,
  cond: string | undefined,
  raw: RawOptions,
  path: string,
  order?: string,
): Promise<Collection> {
  return withTranslation(async () => {
    const opts = parseOptions(def, raw, def.set === 'Observations');
    const where = whereOf(def, cond, opts);
    const list = await rows<Row>(
      ctx.db,
      sql`SELECT ${sql.raw(def.select)}${sql.raw(opts.dataArray ? ', t.datastream_id AS _ds, t.multi_datastream_id AS _mds' : '')}
          FROM ${sql.raw(def.table)} t WHERE ${where}
          ORDER BY ${orderOf(def, opts, order)} LIMIT ${opts.top + 1} OFFSET ${opts.skip}`,
    );
    const more = list.length > opts.top;
    const page = list.slice(0, opts.top);
    const out: Collection = { value: [] };
    if (opts.count) {
      const estimate =
        ctx.countEstimateAbove !== undefined && def.set === 'Observations' && !cond && !opts.filter
          ? await plannedRows(ctx.db, def.table)
          : undefined;
      if (estimate !== undefined && estimate > ctx.countEstimateAbove!) {
        out['@iot.count'] = estimate;
        out.estimated = true;
      } else {
        const c = await one<{ n: number }>(
          ctx.db,
          sql`SELECT count(*)::bigint AS n FROM ${sql.raw(def.table)} t WHERE ${where}`,
        );
        out['@iot.count'] = Number(c!.n);
      }
    }
    if (more) out['@iot.nextLink'] = nextLink(path, raw, opts.top, opts.skip);
    out.value = opts.dataArray ? dataArrayOf(ctx, def, page, opts) : await render(ctx, def, page, opts);
    return out;
  });
}

/** Default components of the dataArray format: every property of an Observation (id first). */
const DATA_ARRAY_COMPONENTS = Object.keys(ENTITIES.Observations.props);

/**
 * One entry per Datastream or MultiDatastream (in the order of first appearance), each with its rows of
 * components.
 */
function dataArrayOf(ctx: Ctx, def: EntityDef, page: Row[], opts: ReadOptions): Record<string, unknown>[] {
  const components = opts.select ?? DATA_ARRAY_COMPONENTS;
  const groups = new Map<string, unknown[][]>();
  for (const row of page) {
    const ds = row._ds === null ? `MultiDatastreams(${row._mds})` : `Datastreams(${row._ds})`;
    const props = def.format(row);
    const values = components.map((c) => (c === 'id' ? Number(row.id) : (props[c] ?? null)));
    const list = groups.get(ds);
    if (list) list.push(values);
    else groups.set(ds, [values]);
  }
  return [...groups].map(([stream, dataArray]) => ({
    // Datastreams(3) → Datastream@iot.navigationLink
    [`${stream.slice(0, stream.indexOf('s('))}@iot.navigationLink`]: `${ctx.base}/${stream}`,
    components,
    'dataArray@iot.count': dataArray.length,
    dataArray,
  }));
}

export async function readEntity(
  ctx: Ctx,
  def: EntityDef,
  id: number,
  cond: string | undefined,
  raw: RawOptions,
): Promise<Record<string, unknown>> {
  return withTranslation(async () => {
    const opts = parseOptions(def, raw);
    const where = cond ? sql`t.id = ${id} AND ${sql.raw(cond)}` : sql`t.id = ${id}`;
    const row = await one<Row>(
      ctx.db,
      sql`SELECT ${sql.raw(def.select)} FROM ${sql.raw(def.table)} t WHERE ${where}`,
    );
    if (!row) throw notFound(`${def.single}(${id}) gibt es nicht`);
    return (await render(ctx, def, [row], opts))[0]!;
  });
}

async function render(
  ctx: Ctx,
  def: EntityDef,
  list: Row[],
  opts: ReadOptions,
): Promise<Record<string, unknown>[]> {
  const out = list.map((r) => entityJson(def, r, ctx.base, opts.select));
  if (!list.length || !opts.expand.size) return out;
  const ids = list.map((r) => Number(r.id));
  for (const [navName, sub] of opts.expand) {
    const nav = def.navs[navName]!;
    const target = ENTITIES[nav.target];
    const where = whereOf(target, nav.cond('p.pid', 't'), sub);
    const limit = nav.many ? sub.top + 1 : 1;
    const offset = nav.many ? sub.skip : 0;
    const children = await rows<Row & { _p: string | number }>(
      ctx.db,
      sql`SELECT p.pid AS _p, x.* FROM unnest(${sql.param(ids)}::bigint[]) AS p(pid)
          CROSS JOIN LATERAL (SELECT ${sql.raw(target.select)} FROM ${sql.raw(target.table)} t WHERE ${where}
            ORDER BY ${orderOf(target, sub, nav.order?.('p.pid', 't'))} LIMIT ${limit} OFFSET ${offset}) x`,
    );
    const counts = new Map<number, number>();
    if (nav.many && sub.count) {
      const cs = await rows<{ pid: string | number; n: number }>(
        ctx.db,
        sql`SELECT p.pid, (SELECT count(*)::int FROM ${sql.raw(target.table)} t WHERE ${where}) AS n
            FROM unnest(${sql.param(ids)}::bigint[]) AS p(pid)`,
      );
      for (const c of cs) counts.set(Number(c.pid), c.n);
    }
    const byParent = new Map<number, Row[]>();
    for (const ch of children) {
      const k = Number(ch._p);
      if (!byParent.has(k)) byParent.set(k, []);
      byParent.get(k)!.push(ch);
    }
    // Render all children of this navigation at once, so nested expands stay one query per level.
    const flat = [...byParent.values()].flatMap((l) => (nav.many ? l.slice(0, sub.top) : l));
    const rendered = await render(ctx, target, flat, sub);
    let k = 0;
    for (const [i, parent] of out.entries()) {
      const pid = ids[i]!;
      const mine = byParent.get(pid) ?? [];
      const shown = nav.many ? mine.slice(0, sub.top) : mine;
      const items = rendered.slice(k, k + shown.length);
      k += shown.length;
      if (nav.many) {
        if (sub.count) parent[`${navName}@iot.count`] = counts.get(pid) ?? 0;
        parent[navName] = items;
        if (mine.length > sub.top) {
          parent[`${navName}@iot.nextLink`] = nextLink(
            `${ctx.base}/${def.set}(${pid})/${navName}`,
            sub.raw,
            sub.top,
            sub.skip,
          );
        }
      } else if (items[0]) parent[navName] = items[0];
    }
  }
  return out;
}

// ---- resource paths ----

export type Resolved =
  | {
      kind: 'collection';
      def: EntityDef;
      cond?: string | undefined;
      order?: string | undefined;
      parent?: { set: SetName; id: number; nav: string };
    }
  | { kind: 'entity'; def: EntityDef; id: number; cond?: string | undefined }
  | { kind: 'property'; def: EntityDef; id: number; property: string; value: boolean }
  | { kind: 'ref'; def: EntityDef; cond?: string | undefined; order?: string | undefined; id?: number };

const SEG = /^([A-Za-z]+)(?:\((\d+)\))?$/;

/** Walks Things(1)/Datastreams(2)/Observations, checking each step exists. */
export async function resolvePath(db: Db, path: string): Promise<Resolved> {
  const segs = path.split('/').filter(Boolean);
  const first = SEG.exec(segs[0] ?? '');
  const set = first?.[1] as SetName | undefined;
  if (!first || !set || !ENTITIES[set]) throw notFound(`Unbekannte Ressource „${segs[0] ?? ''}“`);
  let def = ENTITIES[set];
  let id = first[2] !== undefined ? Number(first[2]) : undefined;
  let cond: string | undefined;
  let order: string | undefined;
  let parent: { set: SetName; id: number; nav: string } | undefined;
  if (id !== undefined && !Number.isSafeInteger(id)) throw notFound();
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i]!;
    if (id === undefined) {
      if (seg === '$ref' && i === segs.length - 1) return { kind: 'ref', def, cond, order };
      throw new HttpError(400, `Nach einer Sammlung darf nichts mehr folgen („${seg}“)`);
    }
    // The entity so far must exist before we walk on.
    const exists = await one<{ id: unknown }>(
      db,
      sql`SELECT t.id FROM ${sql.raw(def.table)} t WHERE t.id = ${id} ${cond ? sql`AND ${sql.raw(cond)}` : sql``}`,
    );
    if (!exists) throw notFound(`${def.single}(${id}) gibt es nicht`);
    if (seg === '$ref' && i === segs.length - 1) return { kind: 'ref', def, id, cond };
    const m = SEG.exec(seg);
    const nav = m ? def.navs[m[1]!] : undefined;
    if (nav && m) {
      parent = { set: def.set, id, nav: m[1]! };
      cond = nav.cond(String(id), 't');
      order = nav.order?.(String(id), 't');
      def = ENTITIES[nav.target];
      if (nav.many) id = m[2] !== undefined ? Number(m[2]) : undefined;
      else {
        if (m[2] !== undefined) throw new HttpError(400, `${m[1]} ist einwertig und hat keine id`);
        const child = await one<{ id: string | number }>(
          db,
          sql`SELECT t.id FROM ${sql.raw(def.table)} t WHERE ${sql.raw(cond)}`,
        );
        if (!child) throw notFound(`${parent.set}(${parent.id}) hat kein ${m[1]}`);
        id = Number(child.id);
        cond = undefined;
      }
      continue;
    }
    if (def.props[seg]) {
      const rest = segs.slice(i + 1);
      if (rest.length > 1 || (rest.length === 1 && rest[0] !== '$value'))
        throw new HttpError(400, 'Ungültiger Pfad');
      return { kind: 'property', def, id, property: seg, value: rest[0] === '$value' };
    }
    throw notFound(`${def.single} hat weder Eigenschaft noch Navigation „${seg}“`);
  }
  if (id === undefined) return { kind: 'collection', def, cond, order, parent };
  return { kind: 'entity', def, id, cond };
}
