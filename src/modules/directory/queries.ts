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

// ---- search (the in-process index does the rest: search-index.ts) ----

/**
 * The two full-text queries of a search text (see offer_search_query), as tsquery text, and for
 * words no offer uses the closest dictionary word ({"persoalausweis": "personalausweis"}).
 */
export interface CompiledText {
  match: string;
  rank: string;
  suggestion: Record<string, string> | null;
}

/** Stems a search text and adds look-alikes of its words from the dictionary of offer words. */
export async function compileText(db: Db, text: string): Promise<CompiledText> {
  const r = await one<CompiledText>(
    db,
    sql`SELECT match::text AS match, rank::text AS rank, suggestion FROM offer_search_query(${text})`,
  );
  return r ?? { match: '', rank: '', suggestion: null };
}

/** Full rows of these offers, in the given order; ids no longer matching `where` are left out. */
export async function offersInOrder(db: Db, ids: string[], where: SQL): Promise<Offer[]> {
  if (!ids.length) return [];
  const found = await selectOffers(db, sql`o.id = ANY(${sql.param(ids)}::uuid[]) AND ${where}`, sql``);
  const byId = new Map(found.map((o) => [o.id, o]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
