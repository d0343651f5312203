/**
 * Address search for the report form, offline: a small committed gazetteer of streets and places of
 * the demo cities (approximate positions, demo data) plus the addresses of the city's published
 * offers from the directory. No third-party geocoder: nothing leaves the server.
 */

import { type Db, rows, sql } from '../../platform/db/index.ts';
import { listPublished } from '../directory/service.ts';

type Entry = [name: string, kind: 'street' | 'place', lat: number, lon: number];

/** Demo gazetteer: real names, positions approximate (good enough to route and to find duplicates). */
export const GAZETTEER: Record<string, Entry[]> = {
  aalen: [
    ['Marktplatz', 'place', 48.8373, 10.0933],
    ['Bahnhof Aalen', 'place', 48.8406, 10.0958],
    ['Stadtgarten', 'place', 48.836, 10.097],
    ['Limesmuseum', 'place', 48.833, 10.0828],
    ['Hochschule Aalen, Beethovenstraße', 'place', 48.839, 10.071],
    ['Wasseralfingen, Rathaus', 'place', 48.8606, 10.1008],
    ['Unterkochen, Ortsmitte', 'place', 48.8149, 10.1295],
    ['Bahnhofstraße', 'street', 48.8392, 10.095],
    ['Gartenstraße', 'street', 48.8357, 10.099],
    ['Friedhofstraße', 'street', 48.839, 10.088],
    ['Ulmer Straße', 'street', 48.833, 10.101],
    ['Stuttgarter Straße', 'street', 48.834, 10.085],
    ['Wilhelm-Merz-Straße', 'street', 48.843, 10.089],
    ['Hirschbachstraße', 'street', 48.831, 10.096],
    ['Rombacher Straße', 'street', 48.845, 10.079],
    ['Weidenfelder Straße', 'street', 48.831, 10.105],
    ['Reichsstädter Straße', 'street', 48.8365, 10.0905],
    ['Gmünder Straße', 'street', 48.8385, 10.082],
    ['Wellandstraße', 'street', 48.829, 10.092],
  ],
  heidenheim: [
    ['Rathaus Heidenheim, Grabenstraße', 'place', 48.677, 10.153],
    ['Bahnhof Heidenheim', 'place', 48.6772, 10.1545],
    ['Schloss Hellenstein', 'place', 48.6785, 10.1465],
    ['Brenzpark', 'place', 48.688, 10.159],
    ['Voith-Arena', 'place', 48.6687, 10.1393],
    ['Schnaitheim, Ortsmitte', 'place', 48.7004, 10.1572],
    ['Mergelstetten, Ortsmitte', 'place', 48.6512, 10.1658],
    ['Hauptstraße', 'street', 48.677, 10.1525],
    ['Brenzstraße', 'street', 48.6745, 10.156],
    ['Clichystraße', 'street', 48.679, 10.148],
    ['Schnaitheimer Straße', 'street', 48.685, 10.156],
    ['Olgastraße', 'street', 48.676, 10.149],
    ['Karlstraße', 'street', 48.6735, 10.1505],
    ['Erchenstraße', 'street', 48.6725, 10.1545],
    ['Wilhelmstraße', 'street', 48.677, 10.147],
    ['Ploucquetstraße', 'street', 48.672, 10.16],
    ['Friedrich-Pfenning-Straße', 'street', 48.67, 10.158],
    ['Giengener Straße', 'street', 48.669, 10.147],
    ['Bergstraße', 'street', 48.68, 10.144],
  ],
};

/** Idempotent; entries outside the city's boundary are skipped (they would route elsewhere). */
export async function seedGazetteer(db: Db): Promise<number> {
  const cities = await rows<{ id: number; slug: string }>(db, sql`SELECT id, slug FROM cities`);
  let n = 0;
  for (const city of cities) {
    for (const [name, kind, lat, lon] of GAZETTEER[city.slug] ?? []) {
      const r = await rows(
        db,
        sql`INSERT INTO report_places (city_id, name, kind, location)
            SELECT ${city.id}, ${name}, ${kind}, p FROM (SELECT ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326) AS p) x
            WHERE EXISTS (SELECT 1 FROM cities c WHERE c.id = ${city.id} AND ST_Contains(c.boundary, x.p))
            ON CONFLICT (city_id, name) DO NOTHING RETURNING id`,
      );
      n += r.length;
    }
  }
  return n;
}

export interface PlaceHit {
  /** "g12" (gazetteer) or "o<uuid>" (directory offer): what the form sends back. */
  ref: string;
  label: string;
  lat: number;
  lon: number;
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/str\.?(\s|$)/g, 'straße$1')
    .replace(/ss/g, 'ß')
    .trim();

/** Streets, places and offer addresses of one city matching `q` (typos tolerated), best first. */
export async function searchPlaces(db: Db, cityId: number, q: string, limit = 8): Promise<PlaceHit[]> {
  const text = q.trim().slice(0, 100);
  if (text.length < 3) return [];
  // House numbers and "vor der Bäckerei" are kept by the caller; only the name part is searched.
  const name =
    text
      .replace(/\s+\d+\s*[a-z]?\b.*$/i, '')
      .replace(/,.*$/, '')
      .trim() || text;
  const gazetteer = await rows<{ id: number; name: string; lat: number; lon: number; score: number }>(
    db,
    sql`SELECT id, name, ST_Y(location) AS lat, ST_X(location) AS lon,
          greatest(similarity(lower(name), lower(${name})), word_similarity(lower(${name}), lower(name))) AS score
        FROM report_places
        WHERE city_id = ${cityId} AND (lower(name) % lower(${name}) OR lower(${name}) <% lower(name)
          OR lower(name) LIKE '%' || lower(${name}) || '%')
        ORDER BY score DESC, name LIMIT ${limit}`,
  );
  const hits: PlaceHit[] = gazetteer.map((g) => ({
    ref: `g${g.id}`,
    label: g.name,
    lat: Number(g.lat),
    lon: Number(g.lon),
  }));
  // Offer addresses (Bürgerbüro, Stadtbibliothek …): exact positions the directory already has.
  const wanted = norm(name);
  for (const o of await listPublished(db, cityId)) {
    if (!o.address || !o.location || o.cityId !== cityId) continue;
    const label = `${o.title}, ${o.address.street}`;
    if (norm(label).includes(wanted)) {
      hits.push({ ref: `o${o.id}`, label, lat: o.location.lat, lon: o.location.lon });
    }
  }
  return hits.slice(0, limit);
}

/** Resolves a ref from the form back to a place of this city. */
export async function placeByRef(db: Db, cityId: number, ref: string): Promise<PlaceHit | undefined> {
  if (/^g\d{1,9}$/.test(ref)) {
    const r = await rows<{ id: number; name: string; lat: number; lon: number }>(
      db,
      sql`SELECT id, name, ST_Y(location) AS lat, ST_X(location) AS lon FROM report_places
          WHERE id = ${Number(ref.slice(1))} AND city_id = ${cityId}`,
    );
    const g = r[0];
    return g && { ref, label: g.name, lat: Number(g.lat), lon: Number(g.lon) };
  }
  if (/^o[0-9a-f-]{36}$/.test(ref)) {
    const o = (await listPublished(db, cityId)).find((x) => x.id === ref.slice(1) && x.cityId === cityId);
    if (o?.address && o.location) {
      return { ref, label: `${o.title}, ${o.address.street}`, lat: o.location.lat, lon: o.location.lon };
    }
  }
  return undefined;
}
