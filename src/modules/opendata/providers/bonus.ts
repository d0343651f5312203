/**
 * Dataset providers of the bonus system: partners and check-in places (with location) per city, and
 * statistics of awarded points per city, action and month (no person appears in them); read through
 * the bonus service.
 */
import { awardMonthPage, awardStats, publicPlacePage, publicPlaceStats } from '../../bonus/service.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const bonusDatasets: DatasetProvider = async ({ db, cities, baseUrl }) => {
  const places = await publicPlaceStats(db);
  const stats = await awardStats(db);
  const out: DatasetMeta[] = [];
  for (const s of places) {
    const city = cities.find((c) => c.id === s.city_id);
    if (!city) continue;
    out.push({
      slug: `${scopeSlug(cities, s.city_id)}-stadttaler-orte`,
      cityId: s.city_id,
      title: `Stadttaler: Partner und Check-in-Orte – ${city.name}`,
      description: `Geschäfte und Einrichtungen in ${city.name}, die beim Bonusprogramm Stadttaler mitmachen, und die Orte mit QR-Code, an denen man sich für Punkte einchecken kann.`,
      keywords: ['Bonusprogramm', 'Stadttaler', 'Nachhaltigkeit', 'Einzelhandel'],
      themes: ['ECON', 'SOCI'],
      modified: s.modified,
      version: String(s.n),
      accrualPeriodicity: 'IRREG',
      landingPage: `${baseUrl}/${city.slug}/karte?ebenen=stadttaler`,
      download: {
        geo: true,
        columns: [
          { name: 'id', datatype: 'string', description: 'Kennung: partner-N oder ort-N' },
          { name: 'art', datatype: 'string', description: 'partner (Geschäft) oder checkin (Check-in-Ort)' },
          { name: 'name', datatype: 'string', description: 'Name' },
          {
            name: 'beschreibung',
            datatype: 'string',
            description: 'Branche bzw. Aktion, für die es Punkte gibt',
          },
          { name: 'adresse', datatype: 'string', description: 'Adresse' },
          {
            name: 'breite',
            datatype: 'decimal',
            description: 'Geografische Breite (WGS84), leer wenn unbekannt',
          },
          {
            name: 'laenge',
            datatype: 'decimal',
            description: 'Geografische Länge (WGS84), leer wenn unbekannt',
          },
        ],
        page: (after, limit) => publicPlacePage(db, city.id, after === null ? null : String(after), limit),
      },
    });
  }
  for (const s of stats) {
    const city = cities.find((c) => c.id === s.city_id);
    if (!city) continue;
    out.push({
      slug: `${scopeSlug(cities, s.city_id)}-stadttaler-statistik`,
      cityId: s.city_id,
      title: `Stadttaler: Punkte und CO₂-Einsparung je Monat – ${city.name}`,
      description: `Wie oft im Bonusprogramm Stadttaler in ${city.name} je Monat und Aktion Punkte vergeben wurden, mit der Summe der Punkte und der geschätzten CO₂-Einsparung. Zusammengefasst, ohne Angaben zu Personen.`,
      keywords: ['Bonusprogramm', 'Stadttaler', 'Statistik', 'Klimaschutz'],
      themes: ['ECON', 'ENVI'],
      modified: s.last,
      issued: s.first,
      temporal: { start: s.first, end: s.last },
      version: String(s.n),
      accrualPeriodicity: 'MONTHLY',
      download: {
        geo: false,
        columns: [
          { name: 'monat', datatype: 'string', description: 'Monat (JJJJ-MM, Europe/Berlin)' },
          { name: 'aktion', datatype: 'string', description: 'Aktion (Kennung)' },
          { name: 'aktion_name', datatype: 'string', description: 'Aktion (Name)' },
          { name: 'anzahl', datatype: 'integer', description: 'Anzahl der Vergaben' },
          { name: 'punkte', datatype: 'integer', description: 'Summe der Punkte' },
          { name: 'co2_gramm', datatype: 'integer', description: 'Geschätzte CO₂-Einsparung in Gramm' },
        ],
        page: (after, limit) => awardMonthPage(db, city.id, after === null ? null : String(after), limit),
      },
    });
  }
  return out;
};
