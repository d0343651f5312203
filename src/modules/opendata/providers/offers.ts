/** Dataset provider: published offers and services of the directory, one dataset per city. */
import { rows, sql } from '../../../platform/db/index.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const offersDatasets: DatasetProvider = async ({ db, cities, region, baseUrl }) => {
  const stats = await rows<{ city_id: number | null; modified: Date; issued: Date | null; n: number }>(
    db,
    sql`SELECT city_id, max(updated_at) AS modified, min(published_at) AS issued, count(*)::int AS n
        FROM offers WHERE status = 'published' GROUP BY city_id`,
  );
  return stats.map((s): DatasetMeta => {
    const city = cities.find((c) => c.id === s.city_id);
    const where = city ? sql`o.city_id = ${city.id}` : sql`o.city_id IS NULL`;
    const base = city ? `/${city.slug}` : '';
    return {
      slug: `${scopeSlug(cities, s.city_id)}-angebote`,
      cityId: s.city_id,
      title: `Angebote und Dienste – ${city?.name ?? region.name}`,
      description: `Einrichtungen, Beratungsstellen, Anlaufstellen und Online-Dienste ${city ? `der Stadt ${city.name}` : `der Region ${region.name}`} mit Adresse, Lage, Öffnungszeiten und Kontakt der Einrichtung.`,
      keywords: ['Verwaltung', 'Einrichtungen', 'Online-Dienste', 'Öffnungszeiten'],
      themes: ['GOVE', 'SOCI'],
      modified: s.modified,
      issued: s.issued,
      version: String(s.n),
      accrualPeriodicity: 'IRREG',
      landingPage: `${baseUrl}${base}/angebote`,
      download: {
        geo: true,
        columns: [
          { name: 'id', datatype: 'string', description: 'Dauerhafte Kennung (UUID)' },
          { name: 'titel', datatype: 'string', description: 'Name des Angebots' },
          {
            name: 'art',
            datatype: 'string',
            description: 'online_service, facility, counselling, digital_offer oder contact_point',
          },
          { name: 'kurzbeschreibung', datatype: 'string', description: 'Kurzbeschreibung' },
          { name: 'kategorien', datatype: 'string', description: 'Kategorien, durch Semikolon getrennt' },
          { name: 'anbieter', datatype: 'string', description: 'Wer das Angebot macht' },
          { name: 'strasse', datatype: 'string', description: 'Straße und Hausnummer' },
          { name: 'plz', datatype: 'string', description: 'Postleitzahl' },
          { name: 'ort', datatype: 'string', description: 'Ort' },
          { name: 'telefon', datatype: 'string', description: 'Telefon der Einrichtung' },
          { name: 'webseite', datatype: 'anyURI', description: 'Webseite der Einrichtung' },
          {
            name: 'oeffnungszeiten',
            datatype: 'string',
            description: 'Öffnungszeiten im OSM-Format opening_hours',
          },
          { name: 'online_dienst', datatype: 'anyURI', description: 'Adresse des Online-Dienstes' },
          { name: 'leika', datatype: 'string', description: 'LeiKa-Leistungsschlüssel (14 Ziffern)' },
          { name: 'breite', datatype: 'decimal', description: 'Geografische Breite (WGS84)' },
          { name: 'laenge', datatype: 'decimal', description: 'Geografische Länge (WGS84)' },
          { name: 'geaendert', datatype: 'dateTime', description: 'Letzte Änderung (ISO 8601)' },
          { name: 'url', datatype: 'anyURI', description: 'Seite des Angebots auf der Plattform' },
        ],
        page: (after, limit) => sql`
          SELECT o.id::text AS key, o.id::text AS id, o.title AS titel, o.kind AS art,
            o.summary AS kurzbeschreibung, array_to_string(o.categories, ';') AS kategorien,
            o.provider AS anbieter, o.address->>'street' AS strasse, o.address->>'postalCode' AS plz,
            o.address->>'locality' AS ort, o.contact->>'phone' AS telefon, o.contact->>'website' AS webseite,
            o.opening_hours AS oeffnungszeiten, o.online_service_url AS online_dienst, o.leika_key AS leika,
            round(ST_Y(o.location)::numeric, 6) AS breite, round(ST_X(o.location)::numeric, 6) AS laenge,
            o.updated_at AS geaendert, ${`${baseUrl}${base}/angebote/`} || o.slug AS url,
            ST_AsGeoJSON(o.location, 6) AS geometry
          FROM offers o
          WHERE o.status = 'published' AND ${where}
            AND (${after}::uuid IS NULL OR o.id > ${after}::uuid)
          ORDER BY o.id LIMIT ${limit}`,
      },
    };
  });
};
