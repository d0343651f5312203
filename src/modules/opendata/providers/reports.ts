/** Dataset provider: published defect reports without any personal data, one dataset per city. */
import { rows, sql } from '../../../platform/db/index.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const reportsDatasets: DatasetProvider = async ({ db, cities, baseUrl }) => {
  const stats = await rows<{ city_id: number; modified: Date; first: Date; last: Date; n: number }>(
    db,
    sql`SELECT city_id, max(updated_at) AS modified, min(created_at) AS first, max(created_at) AS last,
          count(*)::int AS n
        FROM reports WHERE published_at IS NOT NULL GROUP BY city_id`,
  );
  return stats.flatMap((s): DatasetMeta[] => {
    const city = cities.find((c) => c.id === s.city_id);
    if (!city) return [];
    return [
      {
        slug: `${scopeSlug(cities, s.city_id)}-maengel`,
        cityId: s.city_id,
        title: `Mängelmeldungen – ${city.name}`,
        description: `Veröffentlichte Meldungen über Mängel im öffentlichen Raum in ${city.name} (Schlaglöcher, defekte Straßenlaternen, wilder Müll …) mit Kategorie, Status, Ort und Bearbeitungszeiten. Ohne Namen und Kontaktdaten der Meldenden; von der Moderation ausgeblendete Texte fehlen.`,
        keywords: ['Mängelmelder', 'Infrastruktur', 'Open311', 'Straßen'],
        themes: ['GOVE', 'TRAN'],
        modified: s.modified,
        issued: s.first,
        temporal: { start: s.first, end: s.last },
        version: String(s.n),
        accrualPeriodicity: 'CONT',
        landingPage: `${baseUrl}/${city.slug}/maengel`,
        services: [
          {
            title: `Open311 GeoReport v2 – ${city.name}`,
            endpointUrl: `${baseUrl}/open311/v2/discovery.json`,
            endpointDescription: `${baseUrl}/open311/v2/discovery.json`,
            conformsTo: 'http://wiki.open311.org/GeoReport_v2/',
          },
        ],
        download: {
          geo: true,
          columns: [
            { name: 'id', datatype: 'integer', description: 'Nummer der Meldung' },
            { name: 'kategorie', datatype: 'string', description: 'Kategorie (Code)' },
            { name: 'kategorie_name', datatype: 'string', description: 'Kategorie (Name)' },
            {
              name: 'status',
              datatype: 'string',
              description:
                'eingegangen, bestaetigt, in_bearbeitung, erledigt, abgelehnt, duplikat, weitergeleitet',
            },
            {
              name: 'beschreibung',
              datatype: 'string',
              description: 'Beschreibung; leer, wenn von der Moderation ausgeblendet',
            },
            { name: 'adresse', datatype: 'string', description: 'Ortsangabe' },
            { name: 'breite', datatype: 'decimal', description: 'Geografische Breite (WGS84)' },
            { name: 'laenge', datatype: 'decimal', description: 'Geografische Länge (WGS84)' },
            { name: 'erstellt', datatype: 'dateTime', description: 'Eingang der Meldung' },
            { name: 'bestaetigt', datatype: 'dateTime', description: 'Bestätigung durch die Stadt' },
            { name: 'abgeschlossen', datatype: 'dateTime', description: 'Abschluss' },
            { name: 'geaendert', datatype: 'dateTime', description: 'Letzte Änderung' },
            { name: 'url', datatype: 'anyURI', description: 'Seite der Meldung' },
          ],
          page: (after, limit) => sql`
            SELECT r.id AS key, r.id, k.code AS kategorie, k.name AS kategorie_name, r.status,
              CASE WHEN r.text_hidden THEN '' ELSE r.description END AS beschreibung,
              r.address AS adresse, round(ST_Y(r.location)::numeric, 6) AS breite,
              round(ST_X(r.location)::numeric, 6) AS laenge, r.created_at AS erstellt,
              r.acknowledged_at AS bestaetigt, r.closed_at AS abgeschlossen, r.updated_at AS geaendert,
              ${`${baseUrl}/${city.slug}/maengel/`} || r.id AS url,
              ST_AsGeoJSON(r.location, 6) AS geometry
            FROM reports r JOIN report_categories k ON k.id = r.category_id
            WHERE r.city_id = ${city.id} AND r.published_at IS NOT NULL
              AND (${after}::bigint IS NULL OR r.id > ${after}::bigint)
            ORDER BY r.id LIMIT ${limit}`,
        },
      },
    ];
  });
};
