import { sql } from 'drizzle-orm';
import { audit } from '../../platform/audit/service.ts';
import { hasRole } from '../../platform/auth/service.ts';
import { type Db, rows } from '../../platform/db/index.ts';
import { type GeoSource, sqlSource } from '../../platform/geo/source.ts';
import { forbidden, HttpError, notFound } from '../../platform/http/errors.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { type Offer, type OfferInput, validateOfferInput } from './model.ts';
import { openRules } from './opening-hours.ts';
import * as q from './queries.ts';
import { currentIndex, type Facets, type SearchIndex, searchIndex } from './search-index.ts';
import { keywordsFor } from './taxonomy.ts';
import { parseTsquery } from './tsquery.ts';

export type { Offer, OfferInput } from './model.ts';

export interface SearchParams {
  q?: string;
  cityId?: number;
  kinds?: string[];
  categories?: string[];
  lifeSituations?: string[];
  openNow?: boolean;
  online?: boolean;
  page?: number;
  perPage?: number;
  now?: Date;
}

export type { Facets } from './search-index.ts';

export interface SearchResult {
  offers: Offer[];
  total: number;
  page: number;
  perPage: number;
  pages: number;
  facets: Facets;
  /** "Meinten Sie …?": the search text with unknown words replaced by the closest known ones. */
  suggestion?: string;
}

export const MAX_PER_PAGE = 100;
const MAX_QUERY = 200;

/**
 * Search over published offers: German full text, typo tolerance, facets, paging. Matching, ranking
 * and counting run in the in-process index (search-index.ts); the database compiles a search text
 * the first time it is searched and reads the offers of the page.
 */
export async function searchOffers(db: Db, params: SearchParams): Promise<SearchResult> {
  const perPage = Math.min(Math.max(params.perPage ?? 20, 1), MAX_PER_PAGE);
  const page = Math.max(params.page ?? 1, 1);
  const text = (params.q ?? '').trim().slice(0, MAX_QUERY);
  const { index, texts } = await currentIndex(db);
  let compiled = text ? texts.get(text) : undefined;
  if (text && !compiled) {
    const c = await q.compileText(db, text);
    compiled = {
      match: parseTsquery(c.match),
      rank: parseTsquery(c.rank),
      suggestion: c.suggestion ? suggest(text, c.suggestion) : undefined,
    };
    texts.set(text, compiled);
  }
  let openRule: ((rule: string) => boolean) | undefined;
  if (params.openNow) {
    const open = openNow(index, params.now ?? new Date());
    openRule = (rule) => open.has(rule);
  }
  const { order, facets } = searchIndex(index, {
    cityId: params.cityId,
    kinds: params.kinds ?? [],
    categories: params.categories ?? [],
    lifeSituations: params.lifeSituations ?? [],
    online: params.online ?? false,
    openRule,
    text: compiled,
  });
  const total = order.length;
  const offset = (page - 1) * perPage;
  const ids = Array.from(order.subarray(offset, offset + perPage), (d) => index.ids[d]!);
  // Read with the current status: an offer unpublished a moment ago is left out, never shown.
  const offers = await q.offersInOrder(db, ids, sql`o.status = 'published'`);
  const pages = Math.max(1, Math.ceil(total / perPage));
  return { offers, total, page, perPage, pages, facets, suggestion: compiled?.suggestion };
}

/**
 * The typed text with its unknown words replaced (keys lower case, as the database compares them),
 * everything else as typed; a capital first letter stays capital.
 */
function suggest(text: string, replacements: Record<string, string>): string | undefined {
  const out = text.replace(/[\p{L}\p{N}]+/gu, (word) => {
    const better = replacements[word.toLowerCase()];
    if (!better) return word;
    return word[0] !== word[0]!.toLowerCase() ? better[0]!.toUpperCase() + better.slice(1) : better;
  });
  return out === text ? undefined : out;
}

/** The opening-hours rules of the index open at `now`: each evaluated once per index and minute. */
const openCache = new WeakMap<SearchIndex, { minute: number; open: Set<string> }>();
function openNow(index: SearchIndex, now: Date): Set<string> {
  const minute = Math.floor(now.getTime() / 60_000);
  const hit = openCache.get(index);
  if (hit?.minute === minute) return hit.open;
  const open = new Set(openRules(index.rules.names, now));
  openCache.set(index, { minute, open });
  return open;
}

export async function getOffer(db: Db, id: string): Promise<Offer | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return q.selectOffer(db, sql`o.id = ${id}`);
}

export async function getOfferBySlug(
  db: Db,
  cityId: number | null,
  slug: string,
): Promise<Offer | undefined> {
  return q.selectOffer(db, sql`coalesce(o.city_id, 0) = ${cityId ?? 0} AND o.slug = ${slug}`);
}

export async function listOffersForStaff(db: Db, cityIds: number[] | 'all', search = ''): Promise<Offer[]> {
  const scope =
    cityIds === 'all'
      ? sql`TRUE`
      : sql`(o.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[]))`;
  const text = search ? sql`AND (o.title ILIKE ${`%${search}%`} OR o.slug ILIKE ${`%${search}%`})` : sql``;
  return q.selectOffers(db, sql`${scope} ${text}`, sql`ORDER BY c.slug NULLS FIRST, o.title LIMIT 500`);
}

/** Published offers of a city (and the region), for exports and the life-situation pages. */
export async function listPublished(db: Db, cityId: number | null, lifeSituation?: string): Promise<Offer[]> {
  const scope = cityId === null ? sql`TRUE` : sql`(o.city_id = ${cityId} OR o.city_id IS NULL)`;
  const life = lifeSituation ? sql`AND ${lifeSituation} = ANY(o.life_situations)` : sql``;
  return q.selectOffers(db, sql`o.status = 'published' AND ${scope} ${life}`);
}

// ---- staff writes: role check, validation, audit, in one transaction ----

/** Editors write in their city; region-wide offers need a region-wide editor. */
export function canEdit(user: CurrentUser | undefined, cityId: number | null): boolean {
  return hasRole(user, 'editor', cityId);
}

export class ValidationError extends HttpError {
  constructor(readonly errors: Record<string, string>) {
    super(422, 'Das Angebot enthält ungültige Angaben.', { errors });
  }
}

async function checkRules(
  db: Db,
  cityId: number | null,
  input: OfferInput,
  exceptId?: string,
): Promise<void> {
  const errors: Record<string, string> = {};
  if (await q.slugTaken(db, cityId, input.slug, exceptId)) {
    errors.slug = 'Dieses URL-Kürzel ist in dieser Stadt schon vergeben. Wählen Sie ein anderes.';
  }
  if (input.location && !(await q.pointInCity(db, cityId, input.location.lon, input.location.lat))) {
    errors.location = 'Die Lage liegt außerhalb des Stadtgebiets. Prüfen Sie Breiten- und Längengrad.';
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

export function parseOfferInput(raw: unknown): OfferInput {
  const result = validateOfferInput(raw);
  if (result.errors) throw new ValidationError(result.errors);
  return result.value;
}

export async function createOffer(
  db: Db,
  actor: CurrentUser | undefined,
  cityId: number | null,
  raw: unknown,
): Promise<Offer> {
  if (!canEdit(actor, cityId)) throw forbidden('Sie dürfen in dieser Stadt keine Angebote anlegen.');
  const input = parseOfferInput(raw);
  const offer = await db.transaction(async (tx) => {
    await checkRules(tx, cityId, input);
    const id = await q.insertOffer(tx, cityId, input, keywordsFor(input.categories, input.lifeSituations));
    await audit(tx, {
      actorId: actor?.id,
      cityId,
      action: 'offer.create',
      entityType: 'offer',
      entityId: id,
      details: { title: input.title, status: input.status },
    });
    return (await getOffer(tx, id))!;
  });
  return offer;
}

export async function updateOffer(
  db: Db,
  actor: CurrentUser | undefined,
  id: string,
  raw: unknown,
): Promise<Offer> {
  const existing = await getOffer(db, id);
  if (!existing) throw notFound('Angebot nicht gefunden');
  if (!canEdit(actor, existing.cityId)) throw forbidden('Sie dürfen Angebote dieser Stadt nicht ändern.');
  const input = parseOfferInput(raw);
  const offer = await db.transaction(async (tx) => {
    await checkRules(tx, existing.cityId, input, id);
    await q.updateOfferRow(tx, id, input, keywordsFor(input.categories, input.lifeSituations));
    const changed = (Object.keys(input) as (keyof OfferInput)[]).filter(
      (k) => JSON.stringify(input[k]) !== JSON.stringify(existing[k]),
    );
    await audit(tx, {
      actorId: actor?.id,
      cityId: existing.cityId,
      action: 'offer.update',
      entityType: 'offer',
      entityId: id,
      details: { changed },
    });
    return (await getOffer(tx, id))!;
  });
  return offer;
}

export async function setOfferStatus(
  db: Db,
  actor: CurrentUser | undefined,
  id: string,
  status: 'draft' | 'published',
): Promise<Offer> {
  const existing = await getOffer(db, id);
  if (!existing) throw notFound('Angebot nicht gefunden');
  const { id: _id, cityId: _c, city: _s, createdAt: _a, updatedAt: _u, publishedAt: _p, ...input } = existing;
  return updateOffer(db, actor, id, { ...input, status });
}

export async function deleteOffer(db: Db, actor: CurrentUser | undefined, id: string): Promise<void> {
  const existing = await getOffer(db, id);
  if (!existing) throw notFound('Angebot nicht gefunden');
  if (!canEdit(actor, existing.cityId)) throw forbidden('Sie dürfen Angebote dieser Stadt nicht löschen.');
  await db.transaction(async (tx) => {
    await q.deleteOfferRow(tx, id);
    await audit(tx, {
      actorId: actor?.id,
      cityId: existing.cityId,
      action: 'offer.delete',
      entityType: 'offer',
      entityId: id,
      details: { title: existing.title },
    });
  });
}

/**
 * Seeding and imports by the system (no actor): same validation, no role check. Bulk callers may pass
 * the offer already stored under the slug (null: none) to save a lookup per record.
 */
export async function upsertOfferAsSystem(
  db: Db,
  cityId: number | null,
  raw: unknown,
  known?: Offer | null,
): Promise<'created' | 'updated' | 'unchanged'> {
  const input = parseOfferInput(raw);
  const existing = known === undefined ? await getOfferBySlug(db, cityId, input.slug) : known;
  if (existing) {
    const { id, cityId: _c, city: _s, createdAt: _a, updatedAt: _u, publishedAt: _p, ...current } = existing;
    if (JSON.stringify(normalise(current)) === JSON.stringify(normalise(input))) return 'unchanged';
    await checkRules(db, cityId, input, id);
    await q.updateOfferRow(db, id, input, keywordsFor(input.categories, input.lifeSituations));
    return 'updated';
  }
  await checkRules(db, cityId, input);
  await q.insertOffer(db, cityId, input, keywordsFor(input.categories, input.lifeSituations));
  return 'created';
}

/** Key order differs between input and jsonb: compare a canonical form. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}

// ---- public reads for the map and the open data catalog (published offers, public columns only) ----

/**
 * Published offers with a location as a map source. city: that city's offers and the region-wide
 * ones; undefined: all. Box queries, simplification and tiles run in SQL (GeoSource).
 */
export function publicOfferPlaces(db: Db, city: number | undefined): GeoSource {
  return sqlSource(
    db,
    sql`SELECT o.id::text AS id, o.title AS name,
        concat_ws(', ', o.address->>'street', concat_ws(' ', o.address->>'postalCode', o.address->>'locality')) AS info,
        CASE WHEN c.slug IS NULL THEN '/angebote/' || o.slug ELSE '/' || c.slug || '/angebote/' || o.slug END AS url,
        o.location AS geom
      FROM offers o LEFT JOIN cities c ON c.id = o.city_id
      WHERE o.status = 'published' AND o.location IS NOT NULL
        AND ${city === undefined ? sql`true` : sql`(o.city_id = ${city} OR o.city_id IS NULL)`}`,
  );
}

/** Per city (null: region-wide) the number of published offers, their newest change and first publication. */
export function publicOfferStats(
  db: Db,
): Promise<{ city_id: number | null; modified: Date; issued: Date | null; n: number }[]> {
  return rows(
    db,
    sql`SELECT city_id, max(updated_at) AS modified, min(published_at) AS issued, count(*)::int AS n
        FROM offers WHERE status = 'published' GROUP BY city_id`,
  );
}

/**
 * One keyset page (by id) of a city's published offers for the open data download, with the columns
 * documented in the catalog's offers provider. pageUrl: the offer page URL without the slug.
 */
export function publicOfferPage(
  db: Db,
  opts: { cityId: number | null; pageUrl: string },
  after: string | null,
  limit: number,
): Promise<(Record<string, unknown> & { key: string; geometry: string | null })[]> {
  const where = opts.cityId === null ? sql`o.city_id IS NULL` : sql`o.city_id = ${opts.cityId}`;
  return rows(
    db,
    sql`SELECT o.id::text AS key, o.id::text AS id, o.title AS titel, o.kind AS art,
          o.summary AS kurzbeschreibung, array_to_string(o.categories, ';') AS kategorien,
          o.provider AS anbieter, o.address->>'street' AS strasse, o.address->>'postalCode' AS plz,
          o.address->>'locality' AS ort, o.contact->>'phone' AS telefon, o.contact->>'website' AS webseite,
          o.opening_hours AS oeffnungszeiten, o.online_service_url AS online_dienst, o.leika_key AS leika,
          round(ST_Y(o.location)::numeric, 6) AS breite, round(ST_X(o.location)::numeric, 6) AS laenge,
          o.updated_at AS geaendert, ${opts.pageUrl} || o.slug AS url,
          ST_AsGeoJSON(o.location, 6) AS geometry
        FROM offers o
        WHERE o.status = 'published' AND ${where}
          AND (${after}::uuid IS NULL OR o.id > ${after}::uuid)
        ORDER BY o.id LIMIT ${limit}`,
  );
}
