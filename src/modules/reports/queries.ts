/** SQL of the Mängelmelder: reads and plain writes, no rules (those live in service.ts). */
import type { SQL } from 'drizzle-orm';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';

export interface CategoryRow {
  id: number;
  city_id: number;
  code: string;
  name: string;
  group_name: string;
  description: string;
  keywords: string;
  department: string;
  ack_days: number;
  sla_days: number;
  sort: number;
  active: boolean;
}

/** A report with its category; includes personal data: never hand this to a public view as is. */
export interface ReportRow {
  id: number;
  city_id: number;
  city_slug: string;
  category_id: number;
  category_code: string;
  category_name: string;
  department: string;
  sla_days: number;
  status: string;
  description: string;
  address: string | null;
  lon: number | null;
  lat: number | null;
  reporter_user_id: string | null;
  reporter_name: string | null;
  reporter_email: string | null;
  reporter_token_hash: string | null;
  token: string;
  published_at: Date | null;
  text_hidden: boolean;
  duplicate_of: number | null;
  forwarded_to: string | null;
  source: string;
  created_at: Date;
  updated_at: Date;
  acknowledged_at: Date | null;
  closed_at: Date | null;
  /** Last public note (status_notes in Open311). */
  last_note: string | null;
  /** First photo that is not hidden. */
  photo_id: number | null;
  /** Staff member the report is assigned to (internal). */
  assigned_to: string | null;
  assignee_name: string | null;
  /** "Me too" supporters and reporters of merged duplicates. */
  support_count: number;
}

export const REPORT_SELECT = sql`SELECT r.id::int AS id, r.city_id, c.slug AS city_slug, r.category_id,
    k.code AS category_code, k.name AS category_name, k.department, k.sla_days, r.status, r.description,
    r.address, ST_X(r.location) AS lon, ST_Y(r.location) AS lat, r.reporter_user_id, r.reporter_name,
    r.reporter_email, r.reporter_token_hash, r.token, r.published_at, r.text_hidden,
    r.duplicate_of::int AS duplicate_of, r.forwarded_to, r.source, r.created_at, r.updated_at,
    r.acknowledged_at, r.closed_at, r.assigned_to, r.support_count,
    (SELECT u.display_name FROM users u WHERE u.id = r.assigned_to) AS assignee_name,
    (SELECT h.public_note FROM report_history h WHERE h.report_id = r.id AND h.public_note IS NOT NULL
      ORDER BY h.at DESC, h.id DESC LIMIT 1) AS last_note,
    (SELECT p.id::int FROM report_photos p WHERE p.report_id = r.id AND NOT p.hidden ORDER BY p.id LIMIT 1) AS photo_id
  FROM reports r JOIN report_categories k ON k.id = r.category_id JOIN cities c ON c.id = r.city_id`;

export async function categoriesOf(db: Db, cityId: number, activeOnly = true): Promise<CategoryRow[]> {
  return rows<CategoryRow>(
    db,
    sql`SELECT * FROM report_categories WHERE city_id = ${cityId} ${activeOnly ? sql`AND active` : sql``}
        ORDER BY sort, name`,
  );
}

export async function categoryByCode(db: Db, cityId: number, code: string): Promise<CategoryRow | undefined> {
  return one<CategoryRow>(
    db,
    sql`SELECT * FROM report_categories WHERE city_id = ${cityId} AND code = ${code}`,
  );
}

export async function reportById(db: Db, id: number): Promise<ReportRow | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return one<ReportRow>(db, sql`${REPORT_SELECT} WHERE r.id = ${id}`);
}

export async function reportByToken(db: Db, token: string): Promise<ReportRow | undefined> {
  return one<ReportRow>(db, sql`${REPORT_SELECT} WHERE r.token = ${token}`);
}

export interface ReportFilter {
  cityId: number;
  /** Only reports visible to the public. */
  publicOnly: boolean;
  ids?: number[];
  categoryCodes?: string[];
  statuses?: string[];
  from?: Date;
  to?: Date;
  near?: { lon: number; lat: number; radius: number };
  bbox?: [number, number, number, number];
  /** Sort by last change (Open311 update feeds) instead of creation. */
  orderBy?: 'created' | 'updated';
  limit: number;
  offset: number;
}

function where(f: ReportFilter): SQL {
  const parts: SQL[] = [sql`r.city_id = ${f.cityId}`];
  if (f.publicOnly) parts.push(sql`r.published_at IS NOT NULL`);
  if (f.ids) parts.push(sql`r.id = ANY(${sql.param(f.ids.length ? f.ids : [-1])}::bigint[])`);
  if (f.categoryCodes?.length) parts.push(sql`k.code = ANY(${sql.param(f.categoryCodes)}::text[])`);
  if (f.statuses?.length) parts.push(sql`r.status = ANY(${sql.param(f.statuses)}::text[])`);
  if (f.from) parts.push(sql`r.created_at >= ${f.from}`);
  if (f.to) parts.push(sql`r.created_at <= ${f.to}`);
  if (f.near) {
    parts.push(sql`ST_DWithin(r.location::geography,
      ST_SetSRID(ST_MakePoint(${f.near.lon}, ${f.near.lat}), 4326)::geography, ${f.near.radius})`);
  }
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    parts.push(sql`r.location && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`);
  }
  return sql.join(parts, sql` AND `);
}

export async function findReports(db: Db, f: ReportFilter): Promise<ReportRow[]> {
  const order =
    f.orderBy === 'updated' ? sql`r.updated_at DESC, r.id DESC` : sql`r.created_at DESC, r.id DESC`;
  return rows<ReportRow>(
    db,
    sql`${REPORT_SELECT} WHERE ${where(f)} ORDER BY ${order} LIMIT ${f.limit} OFFSET ${f.offset}`,
  );
}

export async function countReports(db: Db, f: ReportFilter): Promise<number> {
  // The category join only when filtering by category: without it the count is index-only.
  const join = f.categoryCodes?.length ? sql`JOIN report_categories k ON k.id = r.category_id` : sql``;
  const r = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM reports r ${join} WHERE ${where(f)}`,
  );
  return r?.n ?? 0;
}

export interface NearbyRow {
  id: number;
  description: string;
  status: string;
  created_at: Date;
  distance: number;
}

/** Open, public reports of one category within `metres` of a point: "already reported?". */
export async function openNearby(
  db: Db,
  categoryId: number,
  lon: number,
  lat: number,
  metres: number,
): Promise<NearbyRow[]> {
  return rows<NearbyRow>(
    db,
    sql`SELECT r.id::int AS id, CASE WHEN r.text_hidden THEN '' ELSE r.description END AS description, r.status, r.created_at,
          round(ST_Distance(r.location::geography, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)::geography))::int AS distance
        FROM reports r
        WHERE r.category_id = ${categoryId} AND r.published_at IS NOT NULL
          AND r.status IN ('eingegangen', 'bestaetigt', 'in_bearbeitung')
          AND ST_DWithin(r.location::geography, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)::geography, ${metres})
        ORDER BY distance LIMIT 10`,
  );
}

export interface HistoryRow {
  id: number;
  at: Date;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  public_note: string | null;
  internal_note: string | null;
  actor_name: string | null;
}

export async function historyOf(db: Db, reportId: number): Promise<HistoryRow[]> {
  return rows<HistoryRow>(
    db,
    sql`SELECT h.id::int AS id, h.at, h.kind, h.from_status, h.to_status, h.public_note, h.internal_note,
          u.display_name AS actor_name
        FROM report_history h LEFT JOIN users u ON u.id = h.actor_id
        WHERE h.report_id = ${reportId} ORDER BY h.at, h.id`,
  );
}

export interface PhotoMeta {
  id: number;
  width: number;
  height: number;
  hidden: boolean;
}

export async function photosOf(db: Db, reportId: number): Promise<PhotoMeta[]> {
  return rows<PhotoMeta>(
    db,
    sql`SELECT id::int AS id, width, height, hidden FROM report_photos WHERE report_id = ${reportId} ORDER BY id`,
  );
}

export async function photoById(
  db: Db,
  photoId: number,
): Promise<(PhotoMeta & { report_id: number; data: Buffer; media_type: string }) | undefined> {
  if (!Number.isSafeInteger(photoId) || photoId <= 0) return undefined;
  const r = await one<PhotoMeta & { report_id: number; data: Buffer | Uint8Array; media_type: string }>(
    db,
    sql`SELECT id::int AS id, report_id::int AS report_id, data, media_type, width, height, hidden
        FROM report_photos WHERE id = ${photoId}`,
  );
  return r && { ...r, data: Buffer.from(r.data) };
}

export interface UpdateRow {
  id: number;
  report_id: number;
  at: Date;
  kind: string;
  to_status: string | null;
  public_note: string | null;
}

/** Public changes of public reports (Open311 servicerequestupdates), oldest first. */
export async function publicUpdates(
  db: Db,
  f: { cityId: number; from: Date; to: Date; reportIds?: number[]; limit: number; offset: number },
): Promise<UpdateRow[]> {
  return rows<UpdateRow>(
    db,
    sql`SELECT h.id::int AS id, h.report_id::int AS report_id, h.at, h.kind, h.to_status, h.public_note
        FROM report_history h JOIN reports r ON r.id = h.report_id
        WHERE r.city_id = ${f.cityId} AND r.published_at IS NOT NULL
          AND h.kind IN ('created', 'status', 'reopened')
          AND h.at >= ${f.from} AND h.at <= ${f.to}
          ${f.reportIds ? sql`AND h.report_id = ANY(${sql.param(f.reportIds.length ? f.reportIds : [-1])}::bigint[])` : sql``}
        ORDER BY h.at, h.id LIMIT ${f.limit} OFFSET ${f.offset}`,
  );
}

const utc = (col: SQL) => sql`to_char((${col}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * Open311 service requests as one JSON array built by the database: no row objects, no date parsing
 * in Node (the benchmark in docs/performance.md showed those dominate). Public data only: never a
 * name, e-mail, token or internal note. `labels` maps our status to its readable label.
 */
export async function open311RequestsJson(
  db: Db,
  f: ReportFilter,
  o: { baseUrl: string; extensions: boolean; labels: Record<string, string> },
): Promise<{ body: string; total: number }> {
  const open = sql`r.status IN ('eingegangen', 'bestaetigt', 'in_bearbeitung')`;
  const label = sql.join(
    [
      sql`CASE r.status`,
      ...Object.entries(o.labels).map(([k, v]) => sql`WHEN ${k} THEN ${v}`),
      sql`ELSE r.status END`,
    ],
    sql` `,
  );
  const extended = o.extensions
    ? sql`, 'extended_attributes', json_build_object(
          'detailed_status', upper(r.status), 'detailed_status_label', ${label},
          'duplicate_of', r.duplicate_of::text, 'forwarded_to', r.forwarded_to,
          'support_count', r.support_count,
          'url', ${o.baseUrl} || '/' || c.slug || '/maengel/' || r.id)`
    : sql``;
  const r = await one<{ body: string; total: number }>(
    db,
    sql`SELECT coalesce((SELECT json_agg(x.j ORDER BY x.created_at DESC, x.id DESC) FROM (
          SELECT r.created_at, r.id, json_build_object(
            'service_request_id', r.id::text,
            'status', CASE WHEN ${open} THEN 'open' ELSE 'closed' END,
            'status_notes', (SELECT h.public_note FROM report_history h
              WHERE h.report_id = r.id AND h.public_note IS NOT NULL ORDER BY h.at DESC, h.id DESC LIMIT 1),
            'service_name', k.name, 'service_code', k.code,
            'description', CASE WHEN r.text_hidden THEN NULL ELSE r.description END,
            'agency_responsible', k.department, 'service_notice', NULL,
            'requested_datetime', ${utc(sql`r.created_at`)}, 'updated_datetime', ${utc(sql`r.updated_at`)},
            'expected_datetime', CASE WHEN ${open} THEN ${utc(sql`r.created_at + make_interval(days => k.sla_days)`)} END,
            'address', r.address, 'address_id', NULL, 'zipcode', NULL,
            'lat', ST_Y(r.location), 'long', ST_X(r.location),
            'media_url', (SELECT ${o.baseUrl} || '/' || c.slug || '/maengel/' || r.id || '/fotos/' || p.id
              FROM report_photos p WHERE p.report_id = r.id AND NOT p.hidden ORDER BY p.id LIMIT 1)
            ${extended}) AS j
          FROM reports r JOIN report_categories k ON k.id = r.category_id JOIN cities c ON c.id = r.city_id
          WHERE ${where(f)} ORDER BY r.created_at DESC, r.id DESC LIMIT ${f.limit} OFFSET ${f.offset}) x), '[]')::text AS body,
        (SELECT count(*)::int FROM reports r
          ${f.categoryCodes?.length ? sql`JOIN report_categories k ON k.id = r.category_id` : sql``}
          WHERE ${where(f)}) AS total`,
  );
  return { body: r!.body, total: r!.total };
}
