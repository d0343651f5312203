/**
 * Citizen map: layers from all providers, bounding-box queries with simplification and clustering per
 * zoom, list pages, search, uploaded GeoJSON layers, and citizen contributions with moderation and
 * support. Other modules import only this file.
 */
import { hasRole } from '../../platform/auth/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import {
  type BBox,
  CELL_PX,
  CELL_ZOOMS,
  type ListedFeature,
  type MapFeature,
} from '../../platform/geo/source.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { LAYER_PROVIDERS } from './layers/index.ts';
import { layerKey } from './layers/own.ts';
import type { LayerContext, LayerDef } from './model.ts';

export type { BBox, ListedFeature, MapFeature } from '../../platform/geo/source.ts';
export { CELL_PX, CELL_ZOOMS, degreesPerPixel } from '../../platform/geo/source.ts';
export type { LayerContext, LayerDef, LayerProvider } from './model.ts';
export { layerKey };

/** At most this many features per layer and request; beyond it the map shows clusters. */
export const MAX_FEATURES = 2000;

export async function listLayers(ctx: LayerContext): Promise<LayerDef[]> {
  return (await Promise.all(LAYER_PROVIDERS.map((p) => p.provide(ctx)))).flat();
}

/** One layer by its key, asking only the provider that can yield it. */
export async function findLayer(ctx: LayerContext, key: string): Promise<LayerDef | undefined> {
  const fixed = LAYER_PROVIDERS.filter((p) => p.keys?.includes(key));
  const asked = fixed.length ? fixed : LAYER_PROVIDERS.filter((p) => !p.keys);
  return (await Promise.all(asked.map((p) => p.provide(ctx)))).flat().find((l) => l.key === key);
}

/** Parses "west,south,east,north" in WGS84; undefined when malformed or out of range. */
export function parseBBox(v: unknown): BBox | undefined {
  if (typeof v !== 'string') return undefined;
  const parts = v.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return undefined;
  const [w, s, e, n] = parts as BBox;
  if (w < -180 || e > 180 || s < -90 || n > 90 || w >= e || s >= n) return undefined;
  return [w, s, e, n];
}

/**
 * Features of one layer inside a box. Geometries are simplified to half a pixel at this zoom; when
 * more than `limit` features fall in the box, grid clusters (one point per cell of 64 px with its
 * count) come back instead, so a layer of any size answers quickly at every zoom.
 */
export function featuresInBox(
  _db: Db,
  layer: LayerDef,
  bbox: BBox,
  zoom: number,
  limit = MAX_FEATURES,
): Promise<{ features: MapFeature[]; clustered: boolean }> {
  return layer.source.inBox(bbox, zoom, limit);
}

/** Rebuilds the pre-aggregated cells of an uploaded layer (after its features changed). */
export async function refreshCells(db: Db, layerId: number): Promise<void> {
  await db.execute(sql`DELETE FROM map_feature_cells WHERE layer_id = ${layerId}`);
  await db.execute(sql`INSERT INTO map_feature_cells (layer_id, zoom, gx, gy, n, x, y)
    SELECT ${layerId}::int, z, floor(cx / (360.0 / (256 * 2 ^ z)) / ${CELL_PX})::int, floor(cy / (360.0 / (256 * 2 ^ z)) / ${CELL_PX})::int,
      count(*)::int, avg(cx), avg(cy)
    FROM (SELECT (ST_XMin(geom) + ST_XMax(geom)) / 2 AS cx, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS cy
          FROM map_features WHERE layer_id = ${layerId}) f
    CROSS JOIN generate_series(${CELL_ZOOMS[0]}::int, ${CELL_ZOOMS[1]}::int) z
    GROUP BY 2, 3, 4`);
}

/** The list alternative of a layer: every feature with a representative point, by name. */
export async function listFeatures(
  _db: Db,
  layer: LayerDef,
  page: number,
  perPage: number,
): Promise<{ items: ListedFeature[]; total: number }> {
  const [items, total] = await Promise.all([layer.source.list(page, perPage), layer.source.count()]);
  return { items, total };
}

/** Number of features of a layer (for the layer table of the map page). */
export const countFeatures = (_db: Db, layer: LayerDef): Promise<number> => layer.source.count();

export interface SearchHit extends ListedFeature {
  layer: string;
}

/** Places and addresses on the map's layers whose name or address contains all words of q. */
export async function searchPlaces(_db: Db, layers: LayerDef[], q: string, limit = 20): Promise<SearchHit[]> {
  const words = q
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 6)
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (words.length === 0 || layers.length === 0) return [];
  const found = await Promise.all(
    layers.map(async (l) => (await l.source.search(words, limit)).map((h) => ({ layer: l.key, ...h }))),
  );
  return found
    .flat()
    .sort((a, b) => a.name.localeCompare(b.name, 'de'))
    .slice(0, limit);
}

/** Features for the server-drawn map (no JavaScript): simplified to the picture's resolution. */
export const featuresForPicture = (_db: Db, layer: LayerDef, bbox: BBox, limit = 500) =>
  layer.source.picture(bbox, limit);

/** A vector tile of one layer (Mapbox Vector Tile, the layer named by its key); dense tiles: clusters. */
export const layerTile = (layer: LayerDef, z: number, x: number, y: number, limit?: number) =>
  layer.source.tile(layer.key, z, x, y, limit);

/** Extent of the map: the city's (or all cities') boundary box. */
export async function extentOf(db: Db, city: City | undefined): Promise<BBox> {
  const r = await one<{ w: number; s: number; e: number; n: number }>(
    db,
    sql`SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
        FROM (SELECT ST_Extent(boundary)::geometry AS b FROM cities ${city ? sql`WHERE id = ${city.id}` : sql``}) x`,
  );
  return r ? [r.w, r.s, r.e, r.n] : [9.9, 48.6, 10.3, 48.9];
}

// ---- own layers: uploads and contribution layers ----

export interface OwnLayerRow {
  id: number;
  city_id: number | null;
  slug: string;
  kind: 'upload' | 'contributions';
  title: string;
  description: string;
  question: string | null;
  contributions_open: boolean;
  color: string;
  license: string;
  published: boolean;
  updated_at: Date;
  features: number;
  pending: number;
}

export async function listOwnLayers(db: Db, cityIds: number[] | 'all'): Promise<OwnLayerRow[]> {
  const where =
    cityIds === 'all'
      ? sql`true`
      : sql`l.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  return rows<OwnLayerRow>(
    db,
    sql`SELECT l.*, (SELECT count(*)::int FROM map_features f WHERE f.layer_id = l.id)
          + (SELECT count(*)::int FROM map_contributions b WHERE b.layer_id = l.id AND b.status = 'published') AS features,
          (SELECT count(*)::int FROM map_contributions b WHERE b.layer_id = l.id AND b.status = 'pending') AS pending
        FROM map_layers l WHERE ${where} ORDER BY l.title`,
  );
}

export async function ownLayerById(db: Db, id: number): Promise<OwnLayerRow | undefined> {
  return one<OwnLayerRow>(
    db,
    sql`SELECT l.*, 0 AS features, 0 AS pending FROM map_layers l WHERE l.id = ${id}`,
  );
}

export async function contributionLayer(
  db: Db,
  cityId: number,
  slug: string,
): Promise<OwnLayerRow | undefined> {
  return one<OwnLayerRow>(
    db,
    sql`SELECT l.*, 0 AS features, 0 AS pending FROM map_layers l
        WHERE l.kind = 'contributions' AND l.published AND l.slug = ${slug}
          AND (l.city_id = ${cityId} OR l.city_id IS NULL)`,
  );
}

/** A GeoJSON feature ready for the database: geometry as GeoJSON text, name, url and properties. */
export interface FeatureInput {
  geometry: string;
  name: string;
  url: string | null;
  properties: Record<string, unknown>;
}

const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
]);
export const MAX_UPLOAD_FEATURES = 100_000;

function validPosition(p: unknown): boolean {
  return (
    Array.isArray(p) &&
    p.length >= 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Math.abs(p[0]) <= 180 &&
    Math.abs(p[1]) <= 90
  );
}

function validCoordinates(type: string, c: unknown, depth = 0): boolean {
  const need = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 }[
    type
  ]!;
  const walk = (v: unknown, d: number): boolean =>
    d === need ? validPosition(v) : Array.isArray(v) && v.length > 0 && v.every((x) => walk(x, d + 1));
  return walk(c, depth);
}

const firstString = (p: Record<string, unknown>, keys: string[]) => {
  for (const k of keys)
    if (typeof p[k] === 'string' && (p[k] as string).trim()) return (p[k] as string).trim();
  return '';
};

/**
 * Reads an uploaded GeoJSON FeatureCollection (WGS84, RFC 7946). Names come from the properties name,
 * Name, titel or bezeichnung; a link from url, link or dokument (http/https only).
 */
export function parseGeoJson(text: string): { features: FeatureInput[] } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: 'Die Datei ist kein gültiges JSON.' };
  }
  const d = doc as { type?: unknown; features?: unknown };
  const list =
    d.type === 'FeatureCollection' && Array.isArray(d.features)
      ? d.features
      : d.type === 'Feature'
        ? [doc]
        : null;
  if (!list) return { error: 'Erwartet wird eine GeoJSON-FeatureCollection.' };
  if (list.length === 0) return { error: 'Die FeatureCollection enthält keine Objekte.' };
  if (list.length > MAX_UPLOAD_FEATURES)
    return { error: `Höchstens ${MAX_UPLOAD_FEATURES.toLocaleString('de-DE')} Objekte je Ebene.` };
  const features: FeatureInput[] = [];
  for (const [i, f] of list.entries()) {
    const g = (f as { geometry?: { type?: unknown; coordinates?: unknown } }).geometry;
    if (
      !g ||
      typeof g.type !== 'string' ||
      !GEOMETRY_TYPES.has(g.type) ||
      !validCoordinates(g.type, g.coordinates)
    ) {
      return { error: `Objekt ${i + 1} hat keine gültige Geometrie in WGS84 (Längengrad, Breitengrad).` };
    }
    const props = ((f as { properties?: unknown }).properties ?? {}) as Record<string, unknown>;
    if (typeof props !== 'object' || Array.isArray(props))
      return { error: `Objekt ${i + 1}: properties muss ein Objekt sein.` };
    const link = firstString(props, ['url', 'link', 'dokument', 'document']);
    features.push({
      geometry: JSON.stringify(g),
      name: firstString(props, ['name', 'Name', 'titel', 'title', 'bezeichnung', 'Bezeichnung']).slice(
        0,
        300,
      ),
      url: /^https?:\/\//.test(link) ? link.slice(0, 2000) : null,
      properties: props,
    });
  }
  return { features };
}

export interface NewLayer {
  cityId: number | null;
  slug: string;
  kind: 'upload' | 'contributions';
  title: string;
  description: string;
  question: string | null;
  color: string;
  license: string;
}

export async function createLayer(
  db: Db,
  layer: NewLayer,
  features: FeatureInput[],
  actorId: string | null,
): Promise<number | 'taken'> {
  const taken = await one(
    db,
    sql`SELECT 1 FROM map_layers WHERE coalesce(city_id, 0) = ${layer.cityId ?? 0} AND slug = ${layer.slug}`,
  );
  if (taken) return 'taken';
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO map_layers (city_id, slug, kind, title, description, question, contributions_open, color, license, created_by)
        VALUES (${layer.cityId}, ${layer.slug}, ${layer.kind}, ${layer.title}, ${layer.description}, ${layer.question},
          ${layer.kind === 'contributions'}, ${layer.color}, ${layer.license}, ${actorId})
        RETURNING id`,
  );
  await insertFeatures(db, r!.id, features);
  await refreshCells(db, r!.id);
  return r!.id;
}

/** Inserts features in chunks of 1,000 rows (one statement each, parameters bound). */
export async function insertFeatures(db: Db, layerId: number, features: FeatureInput[]): Promise<void> {
  for (let i = 0; i < features.length; i += 1000) {
    const chunk = features.slice(i, i + 1000);
    await db.execute(sql`INSERT INTO map_features (layer_id, name, url, properties, geom)
      SELECT ${layerId}, x.name, x.url, x.properties, ST_SetSRID(ST_MakeValid(ST_GeomFromGeoJSON(x.geometry)), 4326)
      FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
        AS x(name text, url text, properties jsonb, geometry text)`);
  }
}

export async function setContributionsOpen(db: Db, layerId: number, open: boolean): Promise<void> {
  await db.execute(
    sql`UPDATE map_layers SET contributions_open = ${open}, updated_at = now() WHERE id = ${layerId} AND kind = 'contributions'`,
  );
}

export async function deleteLayer(db: Db, layerId: number): Promise<void> {
  await db.execute(sql`DELETE FROM map_layers WHERE id = ${layerId}`);
}

// ---- contributions ----

export interface ContributionInput {
  kind: 'point' | 'line';
  /** [lon, lat] pairs: one for a point, 2 to 100 for a line. */
  coordinates: [number, number][];
  comment: string;
  photo?: { data: Buffer; mediaType: string } | undefined;
}

/** Parses "lat, lon" lines (German decimal commas accepted when separated by semicolon or space). */
export function parseCoordinateLines(text: string): [number, number][] | undefined {
  const out: [number, number][] = [];
  for (const raw of text.split(/\r?\n|;/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(-?\d+(?:[.,]\d+)?)\s*[, ]\s*(-?\d+(?:[.,]\d+)?)$/.exec(line.replace(/\s+/g, ' '));
    if (!m) return undefined;
    const lat = Number(m[1]!.replace(',', '.'));
    const lon = Number(m[2]!.replace(',', '.'));
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
    out.push([lon, lat]);
  }
  return out;
}

export function validateContribution(v: ContributionInput): Record<string, string> {
  const e: Record<string, string> = {};
  const comment = v.comment.trim();
  if (!comment) e.comment = 'Schreiben Sie einen Kommentar zu Ihrem Beitrag.';
  else if (comment.length > 1000) e.comment = 'Der Kommentar darf höchstens 1000 Zeichen lang sein.';
  const outOfRange = v.coordinates.some(([lon, lat]) => Math.abs(lon) > 180 || Math.abs(lat) > 90);
  if (v.kind === 'point' && (v.coordinates.length !== 1 || outOfRange))
    e.lat =
      'Wählen Sie einen Ort auf der Karte oder geben Sie Breite und Länge ein, z. B. 48,8374 und 10,0933.';
  if (v.kind === 'line' && (v.coordinates.length < 2 || v.coordinates.length > 100 || outOfRange))
    e.line = 'Eine Linie braucht 2 bis 100 Punkte, je Zeile Breite und Länge, z. B. 48.8374, 10.0933.';
  return e;
}

/** Stores a pending contribution if it lies in the layer's city; 'outside' otherwise. */
export async function createContribution(
  db: Db,
  layer: OwnLayerRow,
  cityId: number,
  userId: string,
  v: ContributionInput,
): Promise<number | 'outside' | 'closed'> {
  if (!layer.contributions_open) return 'closed';
  const geometry = JSON.stringify(
    v.kind === 'point'
      ? { type: 'Point', coordinates: v.coordinates[0] }
      : { type: 'LineString', coordinates: v.coordinates },
  );
  const inside = await one<{ ok: boolean }>(
    db,
    sql`SELECT ST_Intersects(boundary, ST_SetSRID(ST_GeomFromGeoJSON(${geometry}), 4326)) AS ok FROM cities WHERE id = ${cityId}`,
  );
  if (!inside?.ok) return 'outside';
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO map_contributions (layer_id, user_id, comment, geom, photo, photo_type)
        VALUES (${layer.id}, ${userId}, ${v.comment.trim()}, ST_SetSRID(ST_GeomFromGeoJSON(${geometry}), 4326),
          ${v.photo?.data ?? null}, ${v.photo?.mediaType ?? null})
        RETURNING id`,
  );
  return Number(r!.id);
}

export interface ContributionRow {
  id: number;
  layer_id: number;
  layer_title: string;
  city_id: number | null;
  comment: string;
  kind: 'ST_Point' | 'ST_LineString';
  lat: number;
  lon: number;
  geometry: string;
  has_photo: boolean;
  status: 'pending' | 'published' | 'rejected';
  supporters: number;
  created_at: Date;
  mine: boolean;
  supported: boolean;
}

const contributionColumns = (
  userId: string | null,
) => sql`b.id::int AS id, b.layer_id, l.title AS layer_title, l.city_id,
  b.comment, ST_GeometryType(b.geom) AS kind, round(ST_Y(ST_PointOnSurface(b.geom))::numeric, 6)::float8 AS lat,
  round(ST_X(ST_PointOnSurface(b.geom))::numeric, 6)::float8 AS lon, ST_AsGeoJSON(b.geom, 6) AS geometry,
  b.photo IS NOT NULL AS has_photo, b.status, b.supporters, b.created_at,
  coalesce(b.user_id = ${userId}::uuid, false) AS mine,
  EXISTS (SELECT 1 FROM map_contribution_supports s WHERE s.contribution_id = b.id AND s.user_id = ${userId}::uuid) AS supported`;

/** Published contributions of a layer, plus the viewer's own pending ones. */
export async function contributionsOf(
  db: Db,
  layerId: number,
  userId: string | null,
): Promise<ContributionRow[]> {
  return rows<ContributionRow>(
    db,
    sql`SELECT ${contributionColumns(userId)} FROM map_contributions b JOIN map_layers l ON l.id = b.layer_id
        WHERE b.layer_id = ${layerId} AND (b.status = 'published' OR (b.status = 'pending' AND b.user_id = ${userId}::uuid))
        ORDER BY b.supporters DESC, b.id DESC LIMIT 500`,
  );
}

/** The moderation queue: pending contributions in the given cities. */
export async function pendingContributions(db: Db, cityIds: number[] | 'all'): Promise<ContributionRow[]> {
  const where =
    cityIds === 'all'
      ? sql`true`
      : sql`l.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  return rows<ContributionRow>(
    db,
    sql`SELECT ${contributionColumns(null)} FROM map_contributions b JOIN map_layers l ON l.id = b.layer_id
        WHERE b.status = 'pending' AND ${where} ORDER BY b.id LIMIT 200`,
  );
}

export async function contributionById(db: Db, id: number): Promise<ContributionRow | undefined> {
  return one<ContributionRow>(
    db,
    sql`SELECT ${contributionColumns(null)} FROM map_contributions b JOIN map_layers l ON l.id = b.layer_id WHERE b.id = ${id}`,
  );
}

export async function moderateContribution(
  db: Db,
  id: number,
  decision: 'published' | 'rejected',
  actorId: string,
): Promise<void> {
  await db.execute(sql`UPDATE map_contributions SET status = ${decision}, moderated_by = ${actorId},
    moderated_at = now(), updated_at = now() WHERE id = ${id}`);
}

/** The layer slug of a published contribution that may be supported in this city (layer open). */
export async function supportableLayerSlug(
  db: Db,
  id: number,
  cityId: number,
): Promise<{ slug: string } | undefined> {
  return one<{ slug: string }>(
    db,
    sql`SELECT l.slug FROM map_contributions b JOIN map_layers l ON l.id = b.layer_id
        WHERE b.id = ${id} AND b.status = 'published' AND l.contributions_open
          AND (l.city_id = ${cityId} OR l.city_id IS NULL)`,
  );
}

/** One support per person; supporting one's own contribution is not counted. */
export async function supportContribution(
  db: Db,
  id: number,
  userId: string,
): Promise<'ok' | 'own' | 'again'> {
  const c = await one<{ user_id: string | null }>(
    db,
    sql`SELECT user_id FROM map_contributions WHERE id = ${id}`,
  );
  if (c?.user_id === userId) return 'own';
  const r = await rows(
    db,
    sql`INSERT INTO map_contribution_supports (contribution_id, user_id) VALUES (${id}, ${userId})
        ON CONFLICT DO NOTHING RETURNING 1`,
  );
  if (r.length === 0) return 'again';
  await db.execute(
    sql`UPDATE map_contributions SET supporters = supporters + 1, updated_at = now() WHERE id = ${id}`,
  );
  return 'ok';
}

export async function contributionPhoto(
  db: Db,
  id: number,
): Promise<{ data: Buffer; type: string } | undefined> {
  const r = await one<{ photo: Buffer | Uint8Array; photo_type: string }>(
    db,
    sql`SELECT photo, photo_type FROM map_contributions WHERE id = ${id} AND status = 'published' AND photo IS NOT NULL`,
  );
  return r ? { data: Buffer.from(r.photo), type: r.photo_type } : undefined;
}

/** Moderators and admins of the layer's city (region-wide roles for region layers). */
export function canModerateLayer(user: CurrentUser | undefined, cityId: number | null): boolean {
  return hasRole(user, 'moderator', cityId) || hasRole(user, 'admin', cityId);
}

// ---- open data: published layers and their features, paged by id ----

export type PublishedLayer = Pick<
  OwnLayerRow,
  'id' | 'city_id' | 'slug' | 'kind' | 'title' | 'description' | 'question' | 'license'
> & {
  created_at: Date;
  /** Newest change of the layer or its published contributions. */
  modified: Date;
  /** Features (uploads) or published contributions. */
  n: number;
};

export function publishedLayers(db: Db): Promise<PublishedLayer[]> {
  return rows<PublishedLayer>(
    db,
    sql`SELECT l.id, l.city_id, l.slug, l.kind, l.title, l.description, l.question, l.license, l.created_at,
          greatest(l.updated_at, (SELECT max(b.updated_at) FROM map_contributions b WHERE b.layer_id = l.id AND b.status = 'published')) AS modified,
          CASE WHEN l.kind = 'upload' THEN (SELECT count(*)::int FROM map_features f WHERE f.layer_id = l.id)
            ELSE (SELECT count(*)::int FROM map_contributions b WHERE b.layer_id = l.id AND b.status = 'published') END AS n
        FROM map_layers l WHERE l.published ORDER BY l.id`,
  );
}

/** One keyset page (by id) of an uploaded layer's features: name, url, properties as JSON, geometry. */
export function layerFeaturePage(
  db: Db,
  layerId: number,
  after: number | null,
  limit: number,
): Promise<(Record<string, unknown> & { key: number; geometry: string })[]> {
  return rows(
    db,
    sql`SELECT f.id AS key, f.id, f.name, f.url, f.properties::text AS eigenschaften, ST_AsGeoJSON(f.geom, 7) AS geometry
        FROM map_features f WHERE f.layer_id = ${layerId} AND (${after}::bigint IS NULL OR f.id > ${after}::bigint)
        ORDER BY f.id LIMIT ${limit}`,
  );
}

/** One keyset page (by id) of a layer's published contributions, without the people behind them. */
export function contributionPage(
  db: Db,
  layerId: number,
  after: number | null,
  limit: number,
): Promise<(Record<string, unknown> & { key: number; geometry: string })[]> {
  return rows(
    db,
    sql`SELECT b.id AS key, b.id, b.comment AS kommentar,
          CASE WHEN GeometryType(b.geom) = 'POINT' THEN 'punkt' ELSE 'linie' END AS art,
          b.supporters AS unterstuetzungen, b.created_at AS erstellt, ST_AsGeoJSON(b.geom, 6) AS geometry
        FROM map_contributions b WHERE b.layer_id = ${layerId} AND b.status = 'published'
          AND (${after}::bigint IS NULL OR b.id > ${after}::bigint)
        ORDER BY b.id LIMIT ${limit}`,
  );
}
