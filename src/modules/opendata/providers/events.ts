/** Dataset provider: the public events of the content module, one dataset per city (and the region's). */
import { publicEventPage, publicEventStats } from '../../content/service.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const eventDatasets: DatasetProvider = async ({ db, cities, region, baseUrl }) => {
  const stats = await publicEventStats(db);
  return stats.map((s): DatasetMeta => {
    const city = cities.find((c) => c.id === s.city_id);
    const base = `${baseUrl}${city ? `/${city.slug}` : ''}/veranstaltungen`;
    return {
      slug: `${scopeSlug(cities, s.city_id)}-veranstaltungen`,
      cityId: s.city_id,
      title: `Veranstaltungen – ${city?.name ?? region.name}`,
      description: `Veröffentlichte Veranstaltungen ${city ? `in ${city.name}` : `der Region ${region.name}`} mit Zeit, Wiederholungsregel, Ort, Veranstalter, Kategorien, Preis und Angaben zur Barrierefreiheit; abgesagte Termine bleiben mit ihrem Status enthalten. Keine Anmeldedaten.`,
      keywords: ['Veranstaltungen', 'Termine', 'Kultur', 'Freizeit'],
      themes: ['EDUC', 'SOCI'],
      modified: s.modified,
      issued: s.first,
      temporal: { start: s.first, end: s.last },
      version: String(s.n),
      accrualPeriodicity: 'IRREG',
      landingPage: base,
      download: {
        geo: true,
        columns: [
          { name: 'id', datatype: 'integer', description: 'Nummer der Veranstaltung' },
          { name: 'titel', datatype: 'string', description: 'Titel' },
          { name: 'beschreibung', datatype: 'string', description: 'Beschreibung (Markdown)' },
          { name: 'status', datatype: 'string', description: 'findet_statt oder abgesagt' },
          { name: 'beginn', datatype: 'dateTime', description: 'Beginn (des ersten Termins)' },
          { name: 'ende', datatype: 'dateTime', description: 'Ende (des ersten Termins)' },
          {
            name: 'ganztaegig',
            datatype: 'boolean',
            description: 'Ganztägig: Beginn und Ende sind Mitternacht in Europe/Berlin',
          },
          {
            name: 'wiederholung',
            datatype: 'string',
            description: 'Wiederholungsregel nach RFC 5545 (RRULE); leer bei Einzelterminen',
          },
          { name: 'letztes_ende', datatype: 'dateTime', description: 'Ende des letzten Termins' },
          { name: 'ort', datatype: 'string', description: 'Name des Veranstaltungsorts' },
          { name: 'adresse', datatype: 'string', description: 'Adresse des Veranstaltungsorts' },
          { name: 'veranstalter', datatype: 'string', description: 'Veranstalter (Organisation)' },
          { name: 'kategorien', datatype: 'string', description: 'Kategorien, durch Semikolon getrennt' },
          {
            name: 'preis_cent',
            datatype: 'integer',
            description: 'Eintritt in Cent; 0: frei; leer: keine Angabe',
          },
          { name: 'preis_hinweis', datatype: 'string', description: 'Hinweis zum Preis' },
          {
            name: 'barrierefreiheit',
            datatype: 'string',
            description: 'Angaben zur Barrierefreiheit, durch Semikolon getrennt',
          },
          { name: 'breite', datatype: 'decimal', description: 'Geografische Breite (WGS84)' },
          { name: 'laenge', datatype: 'decimal', description: 'Geografische Länge (WGS84)' },
          { name: 'geaendert', datatype: 'dateTime', description: 'Letzte Änderung (ISO 8601)' },
          { name: 'url', datatype: 'anyURI', description: 'Seite der Veranstaltung auf der Plattform' },
        ],
        page: (after, limit) => publicEventPage({ cityId: s.city_id, pageUrl: `${base}/` }, after, limit),
      },
    };
  });
};
