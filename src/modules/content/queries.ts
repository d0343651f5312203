import { type SQL, sql } from 'drizzle-orm';
import { type Db, one, rows } from '../../platform/db/index.ts';
import type { Campaign, EventItem, NewsItem, Revision } from './model.ts';

/**
 * Which cities a public list shows: one city's own items plus the region's (NULL), or everything
 * ('all', the region's pages).
 */
export type Scope = { cityId: number } | 'all';

const scopeFilter = (alias: string, scope: Scope): SQL =>
  scope === 'all'
    ? sql`TRUE`
    : sql`(${sql.raw(alias)}.city_id = ${scope.cityId} OR ${sql.raw(alias)}.city_id IS NULL)`;

/** Visible to the public at `at`: published and its publish date reached. */
const live = (alias: string, at: Date): SQL =>
  sql`${sql.raw(alias)}.status = 'published' AND ${sql.raw(alias)}.publish_at <= ${at}`;

// ---------------------------------------------------------------- news

interface NewsRow {
  id: number;
  city_id: number | null;
  city: string | null;
  slug: string;
  status: NewsItem['status'];
  title: string;
  teaser: string;
  body: string;
  easy_language: string;
  tags: string[];
  image_id: string | null;
  image_alt: string;
  comments_enabled: boolean;
  publish_at: Date | string | null;
  revision: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const date = (d: Date | string) => (d instanceof Date ? d : new Date(d));
const maybeDate = (d: Date | string | null) => (d === null ? null : date(d));

const toNews = (r: NewsRow): NewsItem => ({
  id: r.id,
  cityId: r.city_id,
  city: r.city,
  slug: r.slug,
  status: r.status,
  title: r.title,
  teaser: r.teaser,
  body: r.body,
  easyLanguage: r.easy_language,
  tags: r.tags,
  imageId: r.image_id,
  imageAlt: r.image_alt,
  commentsEnabled: r.comments_enabled,
  publishAt: maybeDate(r.publish_at),
  revision: r.revision,
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

const NEWS = sql`SELECT n.id, n.city_id, c.slug AS city, n.slug, n.status, n.title, n.teaser, n.body,
  n.easy_language, n.tags, n.image_id, n.image_alt, n.comments_enabled, n.publish_at, n.revision,
  n.created_at, n.updated_at
  FROM news_items n LEFT JOIN cities c ON c.id = n.city_id`;

export async function publishedNews(
  db: Db,
  opts: { scope: Scope; at: Date; tag?: string | undefined; limit: number; offset?: number },
): Promise<{ items: NewsItem[]; total: number }> {
  const tag = opts.tag ? sql`AND ${opts.tag} = ANY(n.tags)` : sql``;
  const where = sql`WHERE ${live('n', opts.at)} AND ${scopeFilter('n', opts.scope)} ${tag}`;
  const [items, count] = await Promise.all([
    rows<NewsRow>(
      db,
      sql`${NEWS} ${where} ORDER BY n.publish_at DESC, n.id DESC LIMIT ${opts.limit} OFFSET ${opts.offset ?? 0}`,
    ),
    one<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM news_items n ${where}`),
  ]);
  return { items: items.map(toNews), total: count?.n ?? 0 };
}

/** One item by city and slug; `at` undefined → any status (staff preview). */
export async function newsBySlug(
  db: Db,
  cityId: number | null,
  slug: string,
  at: Date | undefined,
): Promise<NewsItem | undefined> {
  const visible = at ? sql`AND ${live('n', at)}` : sql``;
  const r = await one<NewsRow>(
    db,
    sql`${NEWS} WHERE coalesce(n.city_id, 0) = ${cityId ?? 0} AND n.slug = ${slug} ${visible}`,
  );
  return r && toNews(r);
}

export async function newsById(db: Db, id: number): Promise<NewsItem | undefined> {
  const r = await one<NewsRow>(db, sql`${NEWS} WHERE n.id = ${id}`);
  return r && toNews(r);
}

/** Staff list: every status, newest first, limited to the cities the editor may see. */
export async function staffNews(db: Db, cityIds: (number | null)[] | 'all'): Promise<NewsItem[]> {
  return (
    await rows<NewsRow>(
      db,
      sql`${NEWS} WHERE ${staffCities('n', cityIds)} ORDER BY n.updated_at DESC LIMIT 500`,
    )
  ).map(toNews);
}

function staffCities(alias: string, cityIds: (number | null)[] | 'all'): SQL {
  if (cityIds === 'all') return sql`TRUE`;
  const ids = cityIds.filter((c): c is number => c !== null);
  const region = cityIds.includes(null) ? sql`OR ${sql.raw(alias)}.city_id IS NULL` : sql``;
  return sql`(${sql.raw(alias)}.city_id = ANY(${sql.param(ids.length ? ids : [-1])}::int[]) ${region})`;
}

// ---------------------------------------------------------------- events

interface EventRow {
  id: number;
  city_id: number | null;
  city: string | null;
  status: EventItem['status'];
  title: string;
  description: string;
  starts_at: Date | string;
  ends_at: Date | string;
  all_day: boolean;
  rrule: string | null;
  last_ends_at: Date | string;
  offer_id: string | null;
  offer_title: string | null;
  offer_slug: string | null;
  offer_city: string | null;
  place_name: string;
  address: string;
  lat: number | null;
  lon: number | null;
  organiser: string;
  organiser_url: string | null;
  categories: string[];
  price_cents: number | null;
  price_note: string;
  accessibility: string[];
  registration: EventItem['registration'];
  capacity: number | null;
  waitlist: boolean;
  registration_url: string | null;
  image_id: string | null;
  image_alt: string;
  publish_at: Date | string | null;
  revision: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const toEvent = (r: EventRow): EventItem => ({
  id: r.id,
  cityId: r.city_id,
  city: r.city,
  status: r.status,
  title: r.title,
  description: r.description,
  startsAt: date(r.starts_at),
  endsAt: date(r.ends_at),
  allDay: r.all_day,
  rrule: r.rrule,
  lastEndsAt: date(r.last_ends_at),
  offerId: r.offer_id,
  offer:
    r.offer_id && r.offer_title && r.offer_slug
      ? {
          title: r.offer_title,
          path: `${r.offer_city ? `/${r.offer_city}` : ''}/angebote/${r.offer_slug}`,
        }
      : null,
  placeName: r.place_name,
  address: r.address,
  location: r.lat !== null && r.lon !== null ? { lat: Number(r.lat), lon: Number(r.lon) } : null,
  organiser: r.organiser,
  organiserUrl: r.organiser_url,
  categories: r.categories as EventItem['categories'],
  priceCents: r.price_cents,
  priceNote: r.price_note,
  accessibility: r.accessibility as EventItem['accessibility'],
  registration: r.registration,
  capacity: r.capacity,
  waitlist: r.waitlist,
  registrationUrl: r.registration_url,
  imageId: r.image_id,
  imageAlt: r.image_alt,
  publishAt: maybeDate(r.publish_at),
  revision: r.revision,
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

const EVENTS = sql`SELECT e.id, e.city_id, c.slug AS city, e.status, e.title, e.description, e.starts_at,
  e.ends_at, e.all_day, e.rrule, e.last_ends_at, e.offer_id, o.title AS offer_title, o.slug AS offer_slug,
  oc.slug AS offer_city, e.place_name, e.address, ST_Y(e.location) AS lat, ST_X(e.location) AS lon,
  e.organiser, e.organiser_url, e.categories, e.price_cents, e.price_note, e.accessibility, e.registration,
  e.capacity, e.waitlist, e.registration_url, e.image_id, e.image_alt, e.publish_at, e.revision,
  e.created_at, e.updated_at
  FROM events e LEFT JOIN cities c ON c.id = e.city_id
  LEFT JOIN offers o ON o.id = e.offer_id AND o.status = 'published'
  LEFT JOIN cities oc ON oc.id = o.city_id`;

/** Published events (cancelled ones too: they stay listed, marked) with an occurrence ending after `from`. */
export async function publishedEvents(
  db: Db,
  opts: {
    scope: Scope;
    at: Date;
    from: Date;
    to?: Date | undefined;
    category?: string | undefined;
    free?: boolean | undefined;
    accessibility?: string | undefined;
    q?: string | undefined;
    ids?: number[] | undefined;
  },
): Promise<EventItem[]> {
  const filters: SQL[] = [
    sql`(e.status = 'published' OR e.status = 'cancelled') AND e.publish_at <= ${opts.at}`,
    scopeFilter('e', opts.scope),
    sql`e.last_ends_at > ${opts.from}`,
  ];
  if (opts.to) filters.push(sql`e.starts_at < ${opts.to}`);
  if (opts.category) filters.push(sql`${opts.category} = ANY(e.categories)`);
  if (opts.free) filters.push(sql`e.price_cents = 0`);
  if (opts.accessibility) filters.push(sql`${opts.accessibility} = ANY(e.accessibility)`);
  if (opts.q) {
    const like = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(sql`(e.title ILIKE ${like} OR e.description ILIKE ${like} OR e.place_name ILIKE ${like})`);
  }
  if (opts.ids) filters.push(sql`e.id = ANY(${sql.param(opts.ids.length ? opts.ids : [-1])}::int[])`);
  const r = await rows<EventRow>(
    db,
    sql`${EVENTS} WHERE ${sql.join(filters, sql` AND `)} ORDER BY e.starts_at, e.id LIMIT 2000`,
  );
  return r.map(toEvent);
}

export async function eventById(db: Db, id: number, at: Date | undefined): Promise<EventItem | undefined> {
  const visible = at
    ? sql`AND (e.status = 'published' OR e.status = 'cancelled') AND e.publish_at <= ${at}`
    : sql``;
  const r = await one<EventRow>(db, sql`${EVENTS} WHERE e.id = ${id} ${visible}`);
  return r && toEvent(r);
}

export async function staffEvents(db: Db, cityIds: (number | null)[] | 'all'): Promise<EventItem[]> {
  return (
    await rows<EventRow>(
      db,
      sql`${EVENTS} WHERE ${staffCities('e', cityIds)} ORDER BY e.starts_at DESC LIMIT 500`,
    )
  ).map(toEvent);
}

export interface RegistrationRow {
  id: number;
  event_id: number;
  name: string;
  email: string;
  seats: number;
  status: 'confirmed' | 'waitlisted' | 'cancelled';
  created_at: Date | string;
  promoted_at: Date | string | null;
  cancelled_at: Date | string | null;
}

export async function registrations(db: Db, eventId: number): Promise<RegistrationRow[]> {
  return rows<RegistrationRow>(
    db,
    sql`SELECT id::int, event_id, name, email, seats, status, created_at, promoted_at, cancelled_at
        FROM event_registrations WHERE event_id = ${eventId} ORDER BY id`,
  );
}

export async function seatsTaken(
  db: Db,
  eventId: number,
): Promise<{ confirmed: number; waitlisted: number }> {
  const r = await one<{ confirmed: number; waitlisted: number }>(
    db,
    sql`SELECT coalesce(sum(seats) FILTER (WHERE status = 'confirmed'), 0)::int AS confirmed,
               coalesce(sum(seats) FILTER (WHERE status = 'waitlisted'), 0)::int AS waitlisted
        FROM event_registrations WHERE event_id = ${eventId}`,
  );
  return r ?? { confirmed: 0, waitlisted: 0 };
}

// ---------------------------------------------------------------- campaigns

interface CampaignRow {
  id: number;
  city_id: number;
  city: string;
  slug: string;
  status: Campaign['status'];
  title: string;
  theme: string;
  teaser: string;
  body: string;
  starts_at: Date | string;
  ends_at: Date | string;
  multiplier_percent: number;
  bonus_action_ids: number[];
  event_ids: number[];
  stele_messages: string[];
  publish_at: Date | string | null;
  revision: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  cityId: r.city_id,
  city: r.city,
  slug: r.slug,
  status: r.status,
  title: r.title,
  theme: r.theme,
  teaser: r.teaser,
  body: r.body,
  startsAt: date(r.starts_at),
  endsAt: date(r.ends_at),
  multiplierPercent: r.multiplier_percent,
  bonusActionIds: r.bonus_action_ids,
  eventIds: r.event_ids,
  steleMessages: r.stele_messages,
  publishAt: maybeDate(r.publish_at),
  revision: r.revision,
  createdAt: date(r.created_at),
  updatedAt: date(r.updated_at),
});

const CAMPAIGNS = sql`SELECT k.id, k.city_id, c.slug AS city, k.slug, k.status, k.title, k.theme, k.teaser,
  k.body, k.starts_at, k.ends_at, k.multiplier_percent, k.bonus_action_ids, k.event_ids, k.stele_messages,
  k.publish_at, k.revision, k.created_at, k.updated_at
  FROM campaigns k JOIN cities c ON c.id = k.city_id`;

/** Published campaigns of a city (or all) whose period has not ended at `at`; `running` → started too. */
export async function publishedCampaigns(
  db: Db,
  opts: { scope: Scope; at: Date; running?: boolean },
): Promise<Campaign[]> {
  const running = opts.running ? sql`AND k.starts_at <= ${opts.at}` : sql``;
  const scope = opts.scope === 'all' ? sql`TRUE` : sql`k.city_id = ${opts.scope.cityId}`;
  const r = await rows<CampaignRow>(
    db,
    sql`${CAMPAIGNS} WHERE ${live('k', opts.at)} AND ${scope} AND k.ends_at > ${opts.at} ${running}
        ORDER BY k.starts_at, k.id`,
  );
  return r.map(toCampaign);
}

export async function campaignBySlug(
  db: Db,
  cityId: number,
  slug: string,
  at: Date | undefined,
): Promise<Campaign | undefined> {
  const visible = at ? sql`AND ${live('k', at)}` : sql``;
  const r = await one<CampaignRow>(
    db,
    sql`${CAMPAIGNS} WHERE k.city_id = ${cityId} AND k.slug = ${slug} ${visible}`,
  );
  return r && toCampaign(r);
}

export async function campaignById(db: Db, id: number): Promise<Campaign | undefined> {
  const r = await one<CampaignRow>(db, sql`${CAMPAIGNS} WHERE k.id = ${id}`);
  return r && toCampaign(r);
}

export async function staffCampaigns(db: Db, cityIds: (number | null)[] | 'all'): Promise<Campaign[]> {
  return (
    await rows<CampaignRow>(
      db,
      sql`${CAMPAIGNS} WHERE ${staffCities('k', cityIds)} ORDER BY k.starts_at DESC LIMIT 500`,
    )
  ).map(toCampaign);
}

// ---------------------------------------------------------------- revisions and images

export async function addRevision(
  db: Db,
  entry: {
    type: 'news' | 'event' | 'campaign' | 'page';
    id: number;
    revision: number;
    data: unknown;
    actorId: string | undefined;
  },
): Promise<void> {
  await db.execute(sql`INSERT INTO content_revisions (entity_type, entity_id, revision, data, actor_id)
    VALUES (${entry.type}, ${entry.id}, ${entry.revision}, ${JSON.stringify(entry.data)}::jsonb, ${entry.actorId ?? null})`);
}

export async function revisionsOf(
  db: Db,
  type: 'news' | 'event' | 'campaign' | 'page',
  id: number,
): Promise<Revision[]> {
  const r = await rows<{
    revision: number;
    at: Date | string;
    actor_email: string | null;
    data: Record<string, unknown>;
  }>(
    db,
    sql`SELECT r.revision, r.at, u.email AS actor_email, r.data FROM content_revisions r
        LEFT JOIN users u ON u.id = r.actor_id
        WHERE r.entity_type = ${type} AND r.entity_id = ${id} ORDER BY r.revision DESC`,
  );
  return r.map((x) => ({ revision: x.revision, at: date(x.at), actorEmail: x.actor_email, data: x.data }));
}

export async function insertImage(
  db: Db,
  image: { cityId: number | null; data: Buffer; width: number; height: number },
): Promise<string> {
  const r = await one<{ id: string }>(
    db,
    sql`INSERT INTO content_images (city_id, data, width, height)
        VALUES (${image.cityId}, ${image.data}, ${image.width}, ${image.height}) RETURNING id`,
  );
  return r!.id;
}

export async function imageData(
  db: Db,
  id: string,
): Promise<{ data: Buffer; media_type: string; width: number; height: number } | undefined> {
  const r = await one<{ data: Buffer | Uint8Array; media_type: string; width: number; height: number }>(
    db,
    sql`SELECT data, media_type, width, height FROM content_images WHERE id = ${id}`,
  );
  return r && { ...r, data: Buffer.from(r.data) };
}

export async function pageText(
  db: Db,
  cityId: number | null,
  page: string,
): Promise<{ body: string; revision: number } | undefined> {
  return one<{ body: string; revision: number }>(
    db,
    sql`SELECT body, revision FROM content_page_texts WHERE coalesce(city_id, 0) = ${cityId ?? 0} AND page = ${page}`,
  );
}

// ---------------------------------------------------------------- open data and map

/** Public events: published or cancelled (they stay listed, marked) once their publish date has come. */
const PUBLIC_EVENT = sql`(e.status = 'published' OR e.status = 'cancelled') AND e.publish_at <= now()`;

/** Per city (NULL: the region's own events): count and times of the public events, for the catalog. */
export async function publicEventStats(
  db: Db,
): Promise<{ city_id: number | null; modified: Date; first: Date; last: Date; n: number }[]> {
  return rows(
    db,
    sql`SELECT e.city_id, greatest(max(e.updated_at), max(e.publish_at)) AS modified, min(e.starts_at) AS first,
          max(e.last_ends_at) AS last, count(*)::int AS n
        FROM events e WHERE ${PUBLIC_EVENT} GROUP BY e.city_id`,
  );
}

/**
 * One keyset page of the public events of a city (cityId null: the region's own) in the documented
 * export columns (see the open data provider), with `key` and `geometry` (GeoJSON text or NULL).
 */
export function publicEventPage(
  opts: { cityId: number | null; pageUrl: string },
  after: string | number | null,
  limit: number,
): SQL {
  const where = opts.cityId === null ? sql`e.city_id IS NULL` : sql`e.city_id = ${opts.cityId}`;
  return sql`
    SELECT e.id AS key, e.id, e.title AS titel, e.description AS beschreibung,
      CASE e.status WHEN 'cancelled' THEN 'abgesagt' ELSE 'findet_statt' END AS status,
      e.starts_at AS beginn, e.ends_at AS ende, e.all_day AS ganztaegig, e.rrule AS wiederholung,
      e.last_ends_at AS letztes_ende, e.place_name AS ort, e.address AS adresse, e.organiser AS veranstalter,
      array_to_string(e.categories, ';') AS kategorien, e.price_cents AS preis_cent, e.price_note AS preis_hinweis,
      array_to_string(e.accessibility, ';') AS barrierefreiheit,
      round(ST_Y(e.location)::numeric, 6) AS breite, round(ST_X(e.location)::numeric, 6) AS laenge,
      e.updated_at AS geaendert, ${opts.pageUrl} || e.id AS url,
      ST_AsGeoJSON(e.location, 6) AS geometry
    FROM events e
    WHERE ${PUBLIC_EVENT} AND ${where} AND (${after}::int IS NULL OR e.id > ${after}::int)
    ORDER BY e.id LIMIT ${limit}`;
}
