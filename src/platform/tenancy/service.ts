import { type Db, one, rows, sql } from '../db/index.ts';

export interface Region {
  slug: string;
  name: string;
  contact: Contact;
}

export interface Contact {
  organisation?: string;
  street?: string;
  postalCode?: string;
  locality?: string;
  phone?: string;
  email?: string;
  website?: string;
  representative?: string;
}

export interface City {
  id: number;
  slug: string;
  name: string;
  shortName: string;
  ags: string;
  /** GeoNames ID (dct:spatial in the open data catalog); null when not set. */
  geonamesId: number | null;
  contact: Contact;
  theme: { primary?: string };
}

interface CityRow {
  id: number;
  slug: string;
  name: string;
  short_name: string;
  ags: string;
  geonames_id: number | null;
  contact: Contact;
  theme: City['theme'];
}

const toCity = (r: CityRow): City => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  shortName: r.short_name,
  ags: r.ags.trim(),
  geonamesId: r.geonames_id ?? null,
  contact: r.contact,
  theme: r.theme,
});

export async function getRegion(db: Db): Promise<Region> {
  const r = await one<Region>(db, sql`SELECT slug, name, contact FROM region WHERE id = 1`);
  return r ?? { slug: 'region', name: 'Region', contact: {} };
}

export async function listCities(db: Db): Promise<City[]> {
  const r = await rows<CityRow>(
    db,
    sql`SELECT id, slug, name, short_name, ags, geonames_id, contact, theme FROM cities ORDER BY sort, name`,
  );
  return r.map(toCity);
}

/** The responsible city for a WGS84 point, by point-in-polygon on the boundaries. */
export async function cityAt(db: Db, lon: number, lat: number): Promise<City | undefined> {
  const r = await one<CityRow>(
    db,
    sql`SELECT id, slug, name, short_name, ags, geonames_id, contact, theme FROM cities
        WHERE ST_Contains(boundary, ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)) LIMIT 1`,
  );
  return r && toCity(r);
}

export async function cityBoundaryGeoJson(db: Db, cityId: number): Promise<unknown> {
  const r = await one<{ g: string }>(
    db,
    sql`SELECT ST_AsGeoJSON(boundary, 6) AS g FROM cities WHERE id = ${cityId}`,
  );
  return r ? JSON.parse(r.g) : undefined;
}

export interface NewCity {
  slug: string;
  name: string;
  shortName: string;
  ags: string;
  geonamesId?: number | null;
  boundary: object;
  contact: Contact;
  theme?: City['theme'];
  sort?: number;
}

export async function upsertRegion(db: Db, region: Region): Promise<void> {
  await db.execute(sql`INSERT INTO region (id, slug, name, contact) VALUES (1, ${region.slug}, ${region.name}, ${JSON.stringify(region.contact)}::jsonb)
    ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name, contact = excluded.contact`);
}

export async function upsertCity(db: Db, c: NewCity): Promise<number> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO cities (slug, name, short_name, ags, geonames_id, boundary, contact, theme, sort)
      VALUES (${c.slug}, ${c.name}, ${c.shortName}, ${c.ags}, ${c.geonamesId ?? null},
        ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(c.boundary)}), 4326)),
        ${JSON.stringify(c.contact)}::jsonb, ${JSON.stringify(c.theme ?? {})}::jsonb, ${c.sort ?? 0})
      ON CONFLICT (slug) DO UPDATE SET name = excluded.name, short_name = excluded.short_name,
        ags = excluded.ags, geonames_id = excluded.geonames_id, boundary = excluded.boundary, contact = excluded.contact, theme = excluded.theme
      RETURNING id`,
  );
  return r!.id;
}

export function findCity(cities: City[], slug: string): City | undefined {
  return cities.find((c) => c.slug === slug);
}
