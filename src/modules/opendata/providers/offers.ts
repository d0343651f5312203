/** Dataset provider: published offers and services of the directory (read through its service), one dataset per city. */
import { publicOfferPage, publicOfferStats } from '../../directory/service.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const offersDatasets: DatasetProvider = async ({ db, cities, region, baseUrl }) => {
  const stats = await publicOfferStats(db);
  return stats.map((s): DatasetMeta => {
    const city = cities.find((c) => c.id === s.city_id);
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
        page: (after, limit) =>
          publicOfferPage(
            db,
            { cityId: s.city_id, pageUrl: `${baseUrl}${base}/angebote/` },
            after === null ? null : String(after),
            limit,
          ),
      },
    };
  });
};
