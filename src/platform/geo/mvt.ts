/**
 * Mapbox vector tiles (MVT 2.1) of a geographic subquery. On PostgreSQL PostGIS builds them
 * (ST_AsMVTGeom + ST_AsMVT). PGlite's PostGIS is compiled without protobuf-c, and there even
 * ST_AsMVTGeom fails, so there the database does the same geometric work with plain functions
 * (transform to Web Mercator, clip to the tile plus a buffer, scale to tile units, snap to the grid)
 * and the tile is encoded here: a few dozen lines of protobuf writing instead of a dependency.
 */
import type { SQL } from 'drizzle-orm';
import { type Db, one, rows, sql } from '../db/index.ts';
import { CELL_PX, CELL_ZOOMS, degreesPerPixel } from './cells.ts';

export const EXTENT = 4096;
export const BUFFER = 64;
/** Beyond this many features a tile carries clusters: one point per 64 px cell with its count. */
export const MAX_TILE_FEATURES = 4000;
const CELL = (EXTENT * CELL_PX) / 256;
export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile';

export interface TileLayer {
  name: string;
  /** Columns id, name, info, url (text) and geom (SRID 4326). */
  source: SQL;
  /** Pre-aggregated 64 px cells (see GeoSource), when the layer keeps them. */
  cells?: SQL | undefined;
}

/** Whether ST_AsMVT works on a database (learned on first use). */
const native = new WeakMap<Db, boolean>();

export async function tileOf(
  db: Db,
  layer: TileLayer,
  z: number,
  x: number,
  y: number,
  limit = MAX_TILE_FEATURES,
): Promise<Uint8Array> {
  const env = sql`ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int)`;
  // The 4326 box of the tile with its buffer, for the GiST index of the source.
  const margin = sql`ST_Transform(ST_Expand(${env}, (ST_XMax(${env}) - ST_XMin(${env})) * ${BUFFER / EXTENT}), 4326)`;
  const scale = sql`${EXTENT}::float8 / (ST_XMax(${env}) - ST_XMin(${env}))`;
  const clusters = await denseClusters(db, layer, z, x, y, margin, limit);
  if (clusters) {
    return encodeTile(
      layer.name,
      clusters.map((c, i) => ({
        geometry: { type: 'Point', coordinates: [c.x, c.y] },
        properties: { id: `cluster-${i}`, name: String(c.n), info: '', url: '', cluster: 'true', count: c.n },
      })),
    );
  }
  if (native.get(db) !== false) {
    try {
      const r = await one<{ tile: Uint8Array | null }>(
        db,
        sql`SELECT ST_AsMVT(q, ${layer.name}, ${EXTENT}, 'geom') AS tile FROM (
              SELECT id, name, info, url,
                ST_AsMVTGeom(ST_Transform(geom, 3857), ${env}, ${EXTENT}, ${BUFFER}, true) AS geom
              FROM (${layer.source}) src WHERE geom && ${margin}) q WHERE geom IS NOT NULL`,
      );
      native.set(db, true);
      return r?.tile ? new Uint8Array(r.tile) : new Uint8Array(0);
    } catch (e) {
      const message = String((e as { cause?: Error }).cause?.message ?? (e as Error).message);
      if (!/protobuf/i.test(message)) throw e;
      native.set(db, false);
    }
  }
  const found = await rows<{ id: string; name: string; info: string | null; url: string | null; g: string }>(
    db,
    sql`SELECT id, name, info, url, ST_AsGeoJSON(g, 0) AS g FROM (
          SELECT id, name, info, url,
            ST_RemoveRepeatedPoints(ST_SnapToGrid(ST_TransScale(
              ST_ClipByBox2D(ST_Transform(geom, 3857), ST_Expand(${env}, ${BUFFER} / (${scale}))::box2d),
              -ST_XMin(${env}), -ST_YMax(${env}), ${scale}, -(${scale})), 1)) AS g
          FROM (${layer.source}) src WHERE geom && ${margin}) q
        WHERE g IS NOT NULL AND NOT ST_IsEmpty(g)`,
  );
  return encodeTile(
    layer.name,
    found.map((r) => ({
      geometry: JSON.parse(r.g) as Geometry,
      properties: { id: r.id, name: r.name, info: r.info ?? '', url: r.url ?? '' },
    })),
  );
}

/** Position of a WGS84 point in tile units (Web Mercator arithmetic, no PostGIS transform). */
function tileUnits(lon: number, lat: number, z: number, x: number, y: number) {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    tx: (((lon + 180) / 360) * n - x) * EXTENT,
    ty: (((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n - y) * EXTENT,
  };
}

/**
 * Clusters (count and mean position in tile units, one per 64 px cell) when the tile holds more than
 * `limit` features; undefined otherwise. Only features whose box centre lies in the tile itself count,
 * so the counts add up over tiles. Layers with pre-aggregated cells answer from them (a few hundred
 * rows); others group in SQL, with Mercator as arithmetic, which is far cheaper than ST_Transform.
 */
async function denseClusters(
  db: Db,
  layer: TileLayer,
  z: number,
  x: number,
  y: number,
  margin: SQL,
  limit: number,
): Promise<{ n: number; x: number; y: number }[] | undefined> {
  const inTile = (c: { tx: number; ty: number }) => c.tx >= 0 && c.tx < EXTENT && c.ty >= 0 && c.ty < EXTENT;
  if (layer.cells && z >= CELL_ZOOMS[0] && z <= CELL_ZOOMS[1]) {
    const n = 2 ** z;
    const lonOf = (tx: number) => (tx / n) * 360 - 180;
    const latOf = (ty: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * ty) / n))) * 180) / Math.PI;
    const cell = degreesPerPixel(z) * CELL_PX;
    const cells = await rows<{ x: number; y: number; n: number }>(
      db,
      sql`SELECT x, y, n FROM (${layer.cells}) c WHERE zoom = ${z}
          AND gx BETWEEN ${Math.floor(lonOf(x) / cell)} AND ${Math.floor(lonOf(x + 1) / cell)}
          AND gy BETWEEN ${Math.floor(latOf(y + 1) / cell)} AND ${Math.floor(latOf(y) / cell)}`,
    );
    const found = cells
      .map((c) => ({ n: Number(c.n), ...tileUnits(Number(c.x), Number(c.y), z, x, y) }))
      .filter(inTile);
    if (found.reduce((sum, c) => sum + c.n, 0) <= limit) return undefined;
    return found.map((c) => ({ n: c.n, x: Math.round(c.tx), y: Math.round(c.ty) }));
  }
  const dense = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM (${layer.source}) src WHERE geom && ${margin} LIMIT ${limit + 1}) q`,
  );
  if ((dense?.n ?? 0) <= limit) return undefined;
  const n = 2 ** z;
  return rows<{ n: number; x: number; y: number }>(
    db,
    sql`SELECT count(*)::int AS n, round(avg(tx))::int AS x, round(avg(ty))::int AS y FROM (
          SELECT ((cx + 180) / 360 * ${n}::float8 - ${x}) * ${EXTENT} AS tx,
            ((1 - ln(tan(radians(cy)) + 1 / cos(radians(cy))) / pi()) / 2 * ${n}::float8 - ${y}) * ${EXTENT} AS ty
          FROM (SELECT (ST_XMin(geom) + ST_XMax(geom)) / 2 AS cx, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS cy
                FROM (${layer.source}) src WHERE geom && ${margin}) p) q
        WHERE tx >= 0 AND tx < ${EXTENT} AND ty >= 0 AND ty < ${EXTENT}
        GROUP BY floor(tx / ${CELL}), floor(ty / ${CELL})`,
  );
}

// ---- encoding (vector-tile-spec 2.1) ----

type Position = number[];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: Geometry[] };

/** Protobuf writer: varints and length-delimited fields, the only wire types a tile needs. */
class Writer {
  private bytes: number[] = [];
  varint(v: number) {
    let n = v;
    while (n > 0x7f) {
      this.bytes.push((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    this.bytes.push(n);
  }
  tag(field: number, wire: 0 | 2) {
    this.varint(field * 8 + wire);
  }
  uint(field: number, v: number) {
    this.tag(field, 0);
    this.varint(v);
  }
  bytesField(field: number, b: Uint8Array | number[]) {
    this.tag(field, 2);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
  }
  string(field: number, s: string) {
    this.bytesField(field, new TextEncoder().encode(s));
  }
  packed(field: number, values: number[]) {
    const w = new Writer();
    for (const v of values) w.varint(v);
    this.bytesField(field, w.bytes);
  }
  finish() {
    return Uint8Array.from(this.bytes);
  }
}

const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1);
const command = (id: number, count: number) => (id & 7) | (count << 3);

/** Geometry commands of one feature; null when nothing drawable is left. */
function commands(g: Geometry): { type: 1 | 2 | 3; cmds: number[] } | null {
  let cx = 0;
  let cy = 0;
  const out: number[] = [];
  const move = (p: Position) => {
    out.push(zigzag(p[0]! - cx), zigzag(p[1]! - cy));
    cx = p[0]!;
    cy = p[1]!;
  };
  const line = (pts: Position[]) => {
    out.push(command(1, 1));
    move(pts[0]!);
    out.push(command(2, pts.length - 1));
    for (const p of pts.slice(1)) move(p);
  };
  // Exterior rings have positive area in tile coordinates (y down), interior rings negative.
  const ring = (pts: Position[], exterior: boolean) => {
    const open = pts.slice(0, -1);
    if (open.length < 3) return false;
    let area = 0;
    for (let i = 0; i < open.length; i++) {
      const a = open[i]!;
      const b = open[(i + 1) % open.length]!;
      area += a[0]! * b[1]! - b[0]! * a[1]!;
    }
    if (area === 0) return false;
    const ordered = area > 0 === exterior ? open : [...open].reverse();
    line(ordered);
    out.push(command(7, 1));
    return true;
  };
  const polygon = (rings: Position[][]) => {
    const [outer, ...holes] = rings;
    if (!outer || !ring(outer, true)) return;
    for (const h of holes) ring(h, false);
  };
  switch (g.type) {
    case 'Point':
      out.push(command(1, 1));
      move(g.coordinates);
      return { type: 1, cmds: out };
    case 'MultiPoint':
      if (g.coordinates.length === 0) return null;
      out.push(command(1, g.coordinates.length));
      for (const p of g.coordinates) move(p);
      return { type: 1, cmds: out };
    case 'LineString':
      if (g.coordinates.length < 2) return null;
      line(g.coordinates);
      return { type: 2, cmds: out };
    case 'MultiLineString':
      for (const l of g.coordinates) if (l.length >= 2) line(l);
      return out.length ? { type: 2, cmds: out } : null;
    case 'Polygon':
      polygon(g.coordinates);
      return out.length ? { type: 3, cmds: out } : null;
    case 'MultiPolygon':
      for (const p of g.coordinates) polygon(p);
      return out.length ? { type: 3, cmds: out } : null;
    default:
      // Clipping can leave a collection; its largest-dimension part is what a tile can carry.
      for (const t of ['MultiPolygon', 'Polygon', 'MultiLineString', 'LineString', 'MultiPoint', 'Point']) {
        const part = g.geometries.find((x) => x.type === t);
        if (part) return commands(part);
      }
      return null;
  }
}

/**
 * One tile with one layer; property values are strings or non-negative integers, deduplicated into
 * the layer's key and value tables.
 */
export function encodeTile(
  name: string,
  features: { geometry: Geometry; properties: Record<string, string | number> }[],
): Uint8Array {
  const layer = new Writer();
  layer.uint(15, 2);
  layer.string(1, name);
  const keys = new Map<string, number>();
  const values = new Map<string | number, number>();
  const index = <K>(m: Map<K, number>, k: K) => {
    let i = m.get(k);
    if (i === undefined) {
      i = m.size;
      m.set(k, i);
    }
    return i;
  };
  let written = 0;
  for (const f of features) {
    const geom = commands(f.geometry);
    if (!geom) continue;
    const feature = new Writer();
    const tags: number[] = [];
    for (const [k, v] of Object.entries(f.properties))
      tags.push(
        index(keys, k),
        index(values, typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : String(v)),
      );
    feature.packed(2, tags);
    feature.uint(3, geom.type);
    feature.packed(4, geom.cmds);
    layer.bytesField(2, feature.finish());
    written++;
  }
  if (written === 0) return new Uint8Array(0);
  for (const k of keys.keys()) layer.string(3, k);
  for (const v of values.keys()) {
    const value = new Writer();
    if (typeof v === 'number') value.uint(5, v);
    else value.string(1, v);
    layer.bytesField(4, value.finish());
  }
  layer.uint(5, EXTENT);
  const tile = new Writer();
  tile.bytesField(3, layer.finish());
  return tile.finish();
}
