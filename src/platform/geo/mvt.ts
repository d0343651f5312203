/**
 * Mapbox vector tiles (MVT 2.1) of a geographic subquery. On PostgreSQL PostGIS builds them
 * (ST_AsMVTGeom + ST_AsMVT). PGlite's PostGIS is compiled without protobuf-c, and there even
 * ST_AsMVTGeom fails, so there the database does the same geometric work with plain functions
 * (transform to Web Mercator, clip to the tile plus a buffer, scale to tile units, snap to the grid)
 * and the tile is encoded here: a few dozen lines of protobuf writing instead of a dependency.
 */
import type { SQL } from 'drizzle-orm';
import { type Db, one, rows, sql } from '../db/index.ts';

export const EXTENT = 4096;
export const BUFFER = 64;
export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile';

export interface TileLayer {
  name: string;
  /** Columns id, name, info, url (text) and geom (SRID 4326). */
  source: SQL;
}

/** Whether ST_AsMVT works on a database (learned on first use). */
const native = new WeakMap<Db, boolean>();

export async function tileOf(db: Db, layer: TileLayer, z: number, x: number, y: number): Promise<Uint8Array> {
  const env = sql`ST_TileEnvelope(${z}::int, ${x}::int, ${y}::int)`;
  // The 4326 box of the tile with its buffer, for the GiST index of the source.
  const margin = sql`ST_Transform(ST_Expand(${env}, (ST_XMax(${env}) - ST_XMin(${env})) * ${BUFFER / EXTENT}), 4326)`;
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
  const scale = sql`${EXTENT}::float8 / (ST_XMax(${env}) - ST_XMin(${env}))`;
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

/** One tile with one layer; properties are strings, deduplicated into the layer's key and value tables. */
export function encodeTile(
  name: string,
  features: { geometry: Geometry; properties: Record<string, string> }[],
): Uint8Array {
  const layer = new Writer();
  layer.uint(15, 2);
  layer.string(1, name);
  const keys = new Map<string, number>();
  const values = new Map<string, number>();
  const index = (m: Map<string, number>, k: string) => {
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
    for (const [k, v] of Object.entries(f.properties)) tags.push(index(keys, k), index(values, v));
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
    value.string(1, v);
    layer.bytesField(4, value.finish());
  }
  layer.uint(5, EXTENT);
  const tile = new Writer();
  tile.bytesField(3, layer.finish());
  return tile.finish();
}
