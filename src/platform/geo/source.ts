/**
 * Geographic sources for maps: the queries every map layer answers (features in a box simplified per
 * zoom and clustered when dense, a paged list, count, search, the server-drawn picture, vector tiles),
 * built once over an SQL subquery. The module that owns the data writes the subquery over its own
 * tables with public columns only and hands out the source from its service; the map never sees the
 * tables, and the spatial filtering and simplification still run in the database.
 */
import type { SQL } from 'drizzle-orm';
import { type Db, one, rows, sql } from '../db/index.ts';
import { type TileLayer, tileOf } from './mvt.ts';

export type BBox = [number, number, number, number];

export interface MapFeature {
  type: 'Feature';
  id: string;
  geometry: unknown;
  properties: { name: string; info: string; url: string | null; cluster?: boolean; count?: number };
}

export interface ListedFeature {
  id: string;
  name: string;
  info: string | null;
  url: string | null;
  lat: number;
  lon: number;
}

export interface GeoSource {
  /** Features inside a box; clusters instead when more than `limit` fall in it. */
  inBox(bbox: BBox, zoom: number, limit: number): Promise<{ features: MapFeature[]; clustered: boolean }>;
  /** Page `page` (from 1) of every feature with a representative point, by name. */
  list(page: number, perPage: number): Promise<ListedFeature[]>;
  count(): Promise<number>;
  /** Features whose name or info contains every pattern (ILIKE patterns, already escaped). */
  search(patterns: string[], limit: number): Promise<ListedFeature[]>;
  /** Features for a server-drawn picture of the box, simplified to its resolution. */
  picture(bbox: BBox, limit: number): Promise<{ id: string; name: string; geometry: unknown }[]>;
  /** A Mapbox vector tile (one layer named `layer`) of tile z/x/y; clusters beyond `limit` features. */
  tile(layer: string, z: number, x: number, y: number, limit?: number): Promise<Uint8Array>;
}

import { CELL_PX, CELL_ZOOMS, degreesPerPixel } from './cells.ts';

export { CELL_PX, CELL_ZOOMS, degreesPerPixel };

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function clusterFeatures(cells: { x: number; y: number; n: number }[]): MapFeature[] {
  return cells.map((c, i) => ({
    type: 'Feature',
    id: `cluster-${i}`,
    geometry: { type: 'Point', coordinates: [round6(Number(c.x)), round6(Number(c.y))] },
    properties: { name: String(c.n), info: '', url: null, cluster: true, count: Number(c.n) },
  }));
}

/**
 * A source over `subquery`, which must yield the columns id (text), name (text), info (text), url
 * (text or NULL) and geom (geometry, SRID 4326). `cells` optionally pre-aggregates dense layers: a
 * subquery with zoom, gx, gy (cell = 64 px at that zoom: floor(lon / cell), floor(lat / cell)), n, x, y.
 */
export function sqlSource(db: Db, subquery: SQL, cells?: SQL): GeoSource {
  const point = sql`ST_PointOnSurface(geom)`;
  const listed = sql`id, name, info, url, round(ST_Y(${point})::numeric, 6)::float8 AS lat,
    round(ST_X(${point})::numeric, 6)::float8 AS lon`;
  return {
    async inBox(bbox, zoom, limit) {
      const [w, s, e, n] = bbox;
      const z = Math.min(Math.max(Math.round(zoom), 0), 22);
      const tolerance = degreesPerPixel(z) / 2;
      const envelope = sql`ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`;
      const cell = degreesPerPixel(z) * CELL_PX;
      if (cells && z >= CELL_ZOOMS[0] && z <= CELL_ZOOMS[1]) {
        // Pre-aggregated cells tell how many features are in view without reading them.
        const found = await rows<{ x: number; y: number; n: number }>(
          db,
          sql`SELECT x, y, n FROM (${cells}) c WHERE zoom = ${z}
              AND gx BETWEEN ${Math.floor(w / cell)} AND ${Math.floor(e / cell)}
              AND gy BETWEEN ${Math.floor(s / cell)} AND ${Math.floor(n / cell)}`,
        );
        if (found.reduce((sum, c) => sum + c.n, 0) > limit)
          return { clustered: true, features: clusterFeatures(found) };
      }
      const found = await rows<{
        id: string;
        name: string;
        info: string | null;
        url: string | null;
        g: string;
      }>(
        db,
        sql`SELECT id, name, info, url,
              ST_AsGeoJSON(CASE WHEN GeometryType(geom) IN ('POINT', 'MULTIPOINT') THEN geom
                ELSE ST_SimplifyPreserveTopology(geom, ${tolerance}) END, 6) AS g
            FROM (${subquery}) src WHERE geom && ${envelope} LIMIT ${limit + 1}`,
      );
      if (found.length <= limit) {
        return {
          clustered: false,
          features: found.map((r) => ({
            type: 'Feature',
            id: r.id,
            geometry: JSON.parse(r.g),
            properties: { name: r.name, info: r.info ?? '', url: r.url },
          })),
        };
      }
      const clusters = await rows<{ x: number; y: number; n: number }>(
        db,
        sql`SELECT avg((ST_XMin(geom) + ST_XMax(geom)) / 2) AS x, avg((ST_YMin(geom) + ST_YMax(geom)) / 2) AS y,
              count(*)::int AS n
            FROM (${subquery}) src WHERE geom && ${envelope}
            GROUP BY floor((ST_XMin(geom) + ST_XMax(geom)) / 2 / ${cell}), floor((ST_YMin(geom) + ST_YMax(geom)) / 2 / ${cell})`,
      );
      return { clustered: true, features: clusterFeatures(clusters) };
    },

    list: (page, perPage) =>
      rows<ListedFeature>(
        db,
        sql`SELECT ${listed} FROM (${subquery}) src ORDER BY name, id
            LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`,
      ),

    count: async () =>
      (await one<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM (${subquery}) src`))?.n ?? 0,

    search: (patterns, limit) =>
      rows<ListedFeature>(
        db,
        sql`SELECT ${listed} FROM (${subquery}) src
            WHERE ${sql.join(
              patterns.map((w) => sql`(name ILIKE ${w} OR info ILIKE ${w})`),
              sql` AND `,
            )}
            ORDER BY name LIMIT ${limit}`,
      ),

    async picture(bbox, limit) {
      const tolerance = (bbox[2] - bbox[0]) / 1200;
      const found = await rows<{ id: string; name: string; g: string }>(
        db,
        sql`SELECT id, name, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, ${tolerance}), 5) AS g
            FROM (${subquery}) src
            WHERE geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)
            LIMIT ${limit}`,
      );
      return found.map((r) => ({ id: r.id, name: r.name, geometry: JSON.parse(r.g) }));
    },

    tile: (layer, z, x, y, limit) =>
      tileOf(db, { name: layer, source: subquery, cells } satisfies TileLayer, z, x, y, limit),
  };
}

/** A small list of points (a few hundred at most) as a source: it enters the query as one JSON parameter. */
export interface PointFeature {
  id: string;
  name: string;
  info: string;
  url: string | null;
  lon: number;
  lat: number;
}

export function pointSource(db: Db, points: PointFeature[]): GeoSource {
  return sqlSource(
    db,
    sql`SELECT x.id, x.name, x.info, x.url, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326) AS geom
      FROM jsonb_to_recordset(${JSON.stringify(points)}::jsonb)
        AS x(id text, name text, info text, url text, lat float8, lon float8)`,
  );
}
