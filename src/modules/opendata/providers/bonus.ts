/**
 * Dataset providers of the bonus system: partners and check-in places (with location) per city, and
 * statistics of awarded points per city, action and month (no person appears in them).
 */
import { rows, sql } from '../../../platform/db/index.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const bonusDatasets: DatasetProvider = async ({ db, cities, baseUrl }) => {
  const places = await rows<{ city_id: number; modified: Date; n: number }>(
    db,
    sql`SELECT city_id, max(created_at) AS modified, count(*)::int AS n FROM (
          SELECT city_id, coalesce(approved_at, created_at) AS created_at FROM bonus_partners WHERE status = 'approved'
          UNION ALL SELECT city_id, created_at FROM bonus_places WHERE active) x GROUP BY city_id`,
  );
  const stats = await rows<{ city_id: number; first: Date; last: Date; n: number }>(
    db,
    sql`SELECT city_id, min(created_at) AS first, max(created_at) AS last, count(*)::int AS n
        FROM bonus_awards GROUP BY city_id`,
  );
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
        page: (after, limit) => sql`
          SELECT * FROM (
            SELECT 'partner-' || lpad(p.id::text, 10, '0') AS key, 'partner-' || p.id AS id, 'partner' AS art,
              p.name, p.category AS beschreibung, p.address AS adresse,
              round(ST_Y(p.location)::numeric, 6) AS breite, round(ST_X(p.location)::numeric, 6) AS laenge,
              ST_AsGeoJSON(p.location, 6) AS geometry
            FROM bonus_partners p WHERE p.city_id = ${city.id} AND p.status = 'approved'
            UNION ALL
            SELECT 'ort-' || lpad(o.id::text, 10, '0'), 'ort-' || o.id, 'checkin', o.name, a.name, o.address,
              round(ST_Y(o.location)::numeric, 6), round(ST_X(o.location)::numeric, 6),
              ST_AsGeoJSON(o.location, 6)
            FROM bonus_places o JOIN bonus_actions a ON a.id = o.action_id
            WHERE o.city_id = ${city.id} AND o.active
          ) x WHERE (${after}::text IS NULL OR key > ${after}::text) ORDER BY key LIMIT ${limit}`,
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
        page: (after, limit) => sql`
          SELECT * FROM (
            SELECT to_char(w.created_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM') || '|' || a.slug AS key,
              to_char(w.created_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM') AS monat, a.slug AS aktion,
              a.name AS aktion_name, count(*)::int AS anzahl, sum(w.points)::int AS punkte,
              sum(w.co2_grams)::bigint AS co2_gramm
            FROM bonus_awards w JOIN bonus_actions a ON a.id = w.action_id
            WHERE w.city_id = ${city.id}
            GROUP BY 1, 2, 3, 4
          ) x WHERE (${after}::text IS NULL OR key > ${after}::text) ORDER BY key LIMIT ${limit}`,
      },
    });
  }
  return out;
};
