/** Dataset provider: published defect reports without any personal data (read through the reports service), one dataset per city. */
import { publicReportPage, publicReportStats } from '../../reports/service.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const reportsDatasets: DatasetProvider = async ({ db, cities, baseUrl }) => {
  const stats = await publicReportStats(db);
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
          page: (after, limit) =>
            publicReportPage(
              db,
              { cityId: city.id, pageUrl: `${baseUrl}/${city.slug}/maengel/` },
              after === null ? null : Number(after),
              limit,
            ),
        },
      },
    ];
  });
};
