import { type SQL, sql } from 'drizzle-orm';
import { type Db, one, rows } from '../../platform/db/index.ts';
import type { Offer, OfferInput } from './model.ts';

interface OfferRow {
  id: string;
  city_id: number | null;
  city: string | null;
  slug: string;
  kind: Offer['kind'];
  status: Offer['status'];
  title: string;
  summary: string;
  body: string;
  easy_language: string;
  categories: string[];
  life_situations: string[];
  target_groups: string[];
  tags: string[];
  provider: string;
  contact: Offer['contact'];
  address: Offer['address'];
  lat: number | null;
  lon: number | null;
  opening_hours: string | null;
  accessibility: Offer['accessibility'];
  online_service_url: string | null;
  leika_key: string | null;
  last_reviewed: string | Date | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
}

const dateOnly = (d: string | Date | null): string | null =>
  d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);

export function toOffer(r: OfferRow): Offer {
  return {
    id: r.id,
    cityId: r.city_id,
    city: r.city,
    slug: r.slug,
    kind: r.kind,
    status: r.status,
    title: r.title,
    summary: r.summary,
    body: r.body,
    easyLanguage: r.easy_language,
    categories: r.categories as Offer['categories'],
    lifeSituations: r.life_situations as Offer['lifeSituations'],
    targetGroups: r.target_groups as Offer['targetGroups'],
    tags: r.tags,
    provider: r.provider,
    contact: r.contact,
    address: r.address,
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    openingHours: r.opening_hours,
    accessibility: r.accessibility,
    onlineServiceUrl: r.online_service_url,
    leikaKey: r.leika_key,
    lastReviewed: dateOnly(r.last_reviewed),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    publishedAt: r.published_at ? new Date(r.published_at) : null,
  };
}

export const OFFER_COLUMNS = sql`o.id, o.city_id, c.slug AS city, o.slug, o.kind, o.status, o.title, o.summary, o.body,
  o.easy_language, o.categories, o.life_situations, o.target_groups, o.tags, o.provider, o.contact, o.address,
  ST_Y(o.location) AS lat, ST_X(o.location) AS lon, o.opening_hours, o.accessibility, o.online_service_url,
  o.leika_key, o.last_reviewed::text AS last_reviewed, o.created_at, o.updated_at, o.published_at`;

export async function selectOffer(db: Db, where: SQL): Promise<Offer | undefined> {
  const r = await one<OfferRow>(
    db,
    sql`SELECT ${OFFER_COLUMNS} FROM offers o LEFT JOIN cities c ON c.id = o.city_id WHERE ${where}`,
  );
  return r && toOffer(r);
}

export async function selectOffers(
  db: Db,
  where: SQL,
  orderLimit: SQL = sql`ORDER BY o.title`,
): Promise<Offer[]> {
  const r = await rows<OfferRow>(
    db,
    sql`SELECT ${OFFER_COLUMNS} FROM offers o LEFT JOIN cities c ON c.id = o.city_id WHERE ${where} ${orderLimit}`,
  );
  return r.map(toOffer);
}

function arr(values: string[]) {
  // One array parameter: a bare JS array would expand to a row of parameters.
  return sql`${sql.param(values)}::text[]`;
}

function point(location: OfferInput['location']) {
  return location ? sql`ST_SetSRID(ST_MakePoint(${location.lon}, ${location.lat}), 4326)` : sql`NULL`;
}

export async function insertOffer(
  db: Db,
  cityId: number | null,
  o: OfferInput,
  keywords: string,
): Promise<string> {
  const r = await one<{ id: string }>(
    db,
    sql`INSERT INTO offers (city_id, slug, kind, status, title, summary, body, easy_language, categories, life_situations,
        target_groups, tags, provider, contact, address, location, opening_hours, accessibility, online_service_url,
        leika_key, last_reviewed, keywords, published_at)
      VALUES (${cityId}, ${o.slug}, ${o.kind}, ${o.status}, ${o.title}, ${o.summary}, ${o.body}, ${o.easyLanguage},
        ${arr(o.categories)}, ${arr(o.lifeSituations)}, ${arr(o.targetGroups)}, ${arr(o.tags)}, ${o.provider},
        ${JSON.stringify(o.contact)}::jsonb, ${o.address ? JSON.stringify(o.address) : null}::jsonb, ${point(o.location)},
        ${o.openingHours}, ${JSON.stringify(o.accessibility)}::jsonb, ${o.onlineServiceUrl}, ${o.leikaKey},
        ${o.lastReviewed}::date, ${keywords}, ${o.status === 'published' ? sql`now()` : sql`NULL`})
      RETURNING id`,
  );
  return r!.id;
}

export async function updateOfferRow(db: Db, id: string, o: OfferInput, keywords: string): Promise<void> {
  await db.execute(sql`UPDATE offers SET slug = ${o.slug}, kind = ${o.kind}, status = ${o.status}, title = ${o.title},
      summary = ${o.summary}, body = ${o.body}, easy_language = ${o.easyLanguage}, categories = ${arr(o.categories)},
      life_situations = ${arr(o.lifeSituations)}, target_groups = ${arr(o.targetGroups)}, tags = ${arr(o.tags)},
      provider = ${o.provider}, contact = ${JSON.stringify(o.contact)}::jsonb,
      address = ${o.address ? JSON.stringify(o.address) : null}::jsonb, location = ${point(o.location)},
      opening_hours = ${o.openingHours}, accessibility = ${JSON.stringify(o.accessibility)}::jsonb,
      online_service_url = ${o.onlineServiceUrl}, leika_key = ${o.leikaKey}, last_reviewed = ${o.lastReviewed}::date,
      keywords = ${keywords}, updated_at = now(),
      published_at = CASE WHEN ${o.status} = 'published' THEN coalesce(published_at, now()) ELSE NULL END
    WHERE id = ${id}`);
}

export async function deleteOfferRow(db: Db, id: string): Promise<void> {
  await db.execute(sql`DELETE FROM offers WHERE id = ${id}`);
}

export async function slugTaken(
  db: Db,
  cityId: number | null,
  slug: string,
  exceptId?: string,
): Promise<boolean> {
  const r = await one(
    db,
    sql`SELECT 1 FROM offers WHERE coalesce(city_id, 0) = ${cityId ?? 0} AND slug = ${slug}
      ${exceptId ? sql`AND id <> ${exceptId}` : sql``}`,
  );
  return Boolean(r);
}

/** Whether a point lies inside the city (or, for region offers, inside any city of the region). */
export async function pointInCity(db: Db, cityId: number | null, lon: number, lat: number): Promise<boolean> {
  const r = await one(
    db,
    sql`SELECT 1 FROM cities WHERE ${cityId === null ? sql`TRUE` : sql`id = ${cityId}`}
      AND ST_Contains(boundary, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)) LIMIT 1`,
  );
  return Boolean(r);
}

// ---- search ----

export interface SearchFilter {
  q: string;
  /** Restrict to one city; region-wide offers are included. */
  cityId: number | undefined;
  kinds: string[];
  categories: string[];
  lifeSituations: string[];
  online: boolean;
  /** Include drafts (staff lists). */
  includeDrafts: boolean;
  /** Only offers with one of these opening-hours rules (used by "open now"). */
  openingHours?: string[];
  /** The full-text queries of q, when compiled already (compileText). */
  compiled?: CompiledText;
}

/** The two full-text queries of a search text (see offer_search_query), as tsquery text. */
export interface CompiledText {
  match: string;
  rank: string;
}

/** Runs offer_search_query once; its result can be reused as parameters while the words are the same. */
export async function compileText(db: Db, text: string): Promise<CompiledText> {
  const r = await one<CompiledText>(
    db,
    sql`SELECT match::text AS match, rank::text AS rank FROM offer_search_query(${text})`,
  );
  return r ?? { match: '', rank: '' };
}

/**
 * The WHERE clause of a search. `textMatch` is the full-text query of f.q when the caller computed it
 * once already (searchPage); by default it is computed in a scalar subquery, once per statement.
 */
export function filterSql(f: SearchFilter, textMatch?: SQL): SQL {
  const parts: SQL[] = [f.includeDrafts ? sql`TRUE` : sql`o.status = 'published'`];
  if (f.cityId !== undefined) parts.push(sql`(o.city_id = ${f.cityId} OR o.city_id IS NULL)`);
  if (f.kinds.length) parts.push(sql`o.kind = ANY(${arr(f.kinds)})`);
  if (f.categories.length) parts.push(sql`o.categories && ${arr(f.categories)}`);
  if (f.lifeSituations.length) parts.push(sql`o.life_situations && ${arr(f.lifeSituations)}`);
  if (f.online) parts.push(sql`o.online_service_url IS NOT NULL`);
  if (f.openingHours) parts.push(sql`o.opening_hours = ANY(${arr(f.openingHours)})`);
  if (f.q) {
    // German full text; typos and compounds through the dictionary of offer words (migration 0007),
    // so matching always runs on the GIN index, never as trigram similarity against every offer.
    const match =
      textMatch ??
      (f.compiled ? sql`${f.compiled.match}::tsquery` : sql`(SELECT match FROM offer_search_query(${f.q}))`);
    parts.push(sql`o.search @@ ${match}`);
  }
  return sql.join(parts, sql` AND `);
}

export interface SearchPageRow extends OfferRow {
  rank: number;
}

/** The full-text queries of a search text: compiled already, or computed once per statement (a CTE). */
function textQuery(f: SearchFilter): { cte: SQL; rank: SQL; match: SQL | undefined } {
  if (!f.q) return { cte: sql``, rank: sql`0::real`, match: undefined };
  if (f.compiled) {
    return {
      cte: sql``,
      rank: sql`ts_rank_cd(o.search, ${f.compiled.rank}::tsquery, 32)`,
      match: sql`${f.compiled.match}::tsquery`,
    };
  }
  return {
    cte: sql`query AS MATERIALIZED (SELECT match, rank FROM offer_search_query(${f.q})),`,
    rank: sql`ts_rank_cd(o.search, (SELECT rank FROM query), 32)`,
    match: sql`(SELECT match FROM query)`,
  };
}

/**
 * Result order: best rank first, then title; the id makes the order total, so pages never overlap.
 * Without a search text only the title counts (served by offers_published_title_idx).
 */
function resultOrder(f: SearchFilter): SQL {
  return f.q ? sql`rank DESC, title, id` : sql`title, id`;
}

/** One page of matches at any offset. */
export async function searchPage(db: Db, f: SearchFilter, limit: number, offset: number): Promise<Offer[]> {
  // Rank over narrow rows, then read the full rows of this page only.
  const t = textQuery(f);
  const r = await rows<SearchPageRow>(
    db,
    sql`WITH ${t.cte} page AS (
        SELECT o.id, o.title, ${t.rank} AS rank
        FROM offers o WHERE ${filterSql(f, t.match)}
        ORDER BY ${resultOrder(f)}
        LIMIT ${limit} OFFSET ${offset})
      SELECT ${OFFER_COLUMNS}, page.rank
      FROM page JOIN offers o ON o.id = page.id LEFT JOIN cities c ON c.id = o.city_id
      ORDER BY page.rank DESC, page.title, page.id`,
  );
  return r.map(toOffer);
}

export interface FacetRow {
  facet: 'city' | 'kind' | 'category' | 'life';
  /** The value (city slug, null for region-wide offers; kind) … */
  value: string | null;
  /** … or, for categories and life situations, the set of values these offers share. */
  values: string[] | null;
  count: number;
}

export interface SearchPass {
  facets: FacetRow[];
  /** The ids of the first `top` matches, in result order. */
  top: string[];
}

/**
 * Facet counts and the first `top` matches in one statement. With a search text the matches are read
 * once into a narrow list (id, title, rank, facet columns) that the ranking and the counting share;
 * without one, the first matches come from the title index. All four facets are counted in one scan
 * (grouping sets), categories and life situations per distinct set (a few hundred groups rather than
 * a row per value and offer); the caller adds each set's count to its values.
 */
export async function searchPass(db: Db, f: SearchFilter, top: number): Promise<SearchPass> {
  const t = textQuery(f);
  const matches = sql`SELECT o.id, o.title, o.city_id, o.kind, o.categories, o.life_situations, ${t.rank} AS rank
    FROM offers o WHERE ${filterSql(f, t.match)}`;
  const r = await rows<(FacetRow | { facet: 'top' }) & { ids: string[] | null }>(
    db,
    sql`WITH ${t.cte} m AS ${f.q ? sql`MATERIALIZED` : sql`NOT MATERIALIZED`} (${matches}),
      g AS (
        SELECT CASE WHEN GROUPING(city_id) = 0 THEN 'city' WHEN GROUPING(kind) = 0 THEN 'kind'
            WHEN GROUPING(categories) = 0 THEN 'category' ELSE 'life' END AS facet,
          city_id, kind, coalesce(categories, life_situations) AS values, count(*)::int AS count
        FROM m GROUP BY GROUPING SETS ((city_id), (kind), (categories), (life_situations)))
      SELECT 'top' AS facet, NULL AS value, NULL::text[] AS values, 0 AS count,
        (SELECT array_agg(p.id::text ORDER BY ${resultOrder(f)})
         FROM (SELECT id, title, rank FROM m ORDER BY ${resultOrder(f)} LIMIT ${top}) p) AS ids
      UNION ALL
      SELECT g.facet, CASE g.facet WHEN 'city' THEN c.slug ELSE g.kind END, g.values, g.count, NULL
      FROM g LEFT JOIN cities c ON g.facet = 'city' AND c.id = g.city_id`,
  );
  const facets: FacetRow[] = [];
  let ids: string[] = [];
  for (const x of r) {
    if (x.facet === 'top') ids = x.ids ?? [];
    else facets.push({ ...x, values: x.facet === 'category' || x.facet === 'life' ? x.values : null });
  }
  return { facets, top: ids };
}

/** Full rows of these offers, in the given order; ids no longer matching `where` are left out. */
export async function offersInOrder(db: Db, ids: string[], where: SQL): Promise<Offer[]> {
  if (!ids.length) return [];
  const found = await selectOffers(db, sql`o.id = ANY(${sql.param(ids)}::uuid[]) AND ${where}`, sql``);
  const byId = new Map(found.map((o) => [o.id, o]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The distinct opening-hours rules of the matching offers, for the "open now" filter. */
export async function openingHoursRules(db: Db, f: SearchFilter): Promise<string[]> {
  const r = await rows<{ opening_hours: string }>(
    db,
    sql`SELECT DISTINCT o.opening_hours FROM offers o WHERE ${filterSql(f)} AND o.opening_hours IS NOT NULL`,
  );
  return r.map((x) => x.opening_hours);
}
