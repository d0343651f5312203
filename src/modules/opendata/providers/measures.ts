/**
 * Dataset provider: the measures (Maßnahmen) of the smart-city programme a city takes part in, read
 * through the participation service. A city has dozens of measures, so the list is passed to the
 * database as one JSON parameter and paged there like every other download.
 */
import { sql } from '../../../platform/db/index.ts';
import { listMeasures, MEASURE_STATUS_LABELS } from '../../participation/service.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';

export const measureDatasets: DatasetProvider = async ({ db, cities, baseUrl }) => {
  const out: DatasetMeta[] = [];
  for (const city of cities) {
    const measures = await listMeasures(db, { cityId: city.id });
    if (measures.length === 0) continue;
    const data = measures.map((m) => ({
      key: m.id,
      id: m.id,
      titel: m.title,
      handlungsfeld: m.field_of_action,
      status: m.status,
      status_name: MEASURE_STATUS_LABELS[m.status].de,
      fortschritt: m.progress,
      beginn: m.period_start,
      ende: m.period_end,
      kurzbeschreibung: m.summary,
      zustaendig: m.responsible_office,
      staedte: m.city_ids
        .map((id) => cities.find((c) => c.id === id)?.name)
        .filter(Boolean)
        .join(';'),
      geaendert: new Date(m.updated_at).toISOString(),
      url: `${baseUrl}/${cities.find((c) => c.id === m.city_id)?.slug ?? city.slug}/massnahmen/${m.slug}`,
    }));
    const modified = new Date(Math.max(...measures.map((m) => new Date(m.updated_at).getTime())));
    out.push({
      slug: `${city.slug}-massnahmen`,
      cityId: city.id,
      title: `Maßnahmen der Smart-City-Strategie – ${city.name}`,
      description: `Maßnahmen, an denen ${city.name} beteiligt ist, mit Handlungsfeld, Zeitraum, Stand der Umsetzung, Fortschritt in Prozent und zuständiger Stelle.`,
      keywords: ['Smart City', 'Maßnahmen', 'Beteiligung', 'Strategie'],
      themes: ['GOVE'],
      modified,
      version: String(measures.length),
      accrualPeriodicity: 'IRREG',
      landingPage: `${baseUrl}/${city.slug}/massnahmen`,
      download: {
        geo: false,
        columns: [
          { name: 'id', datatype: 'integer', description: 'Nummer der Maßnahme' },
          { name: 'titel', datatype: 'string', description: 'Titel' },
          { name: 'handlungsfeld', datatype: 'string', description: 'Handlungsfeld der Strategie' },
          {
            name: 'status',
            datatype: 'string',
            description: 'geplant, in_umsetzung, umgesetzt oder pausiert',
          },
          { name: 'status_name', datatype: 'string', description: 'Status in Worten' },
          { name: 'fortschritt', datatype: 'integer', description: 'Fortschritt in Prozent (0–100)' },
          { name: 'beginn', datatype: 'date', description: 'Beginn des Zeitraums' },
          { name: 'ende', datatype: 'date', description: 'Ende des Zeitraums' },
          { name: 'kurzbeschreibung', datatype: 'string', description: 'Kurzbeschreibung' },
          { name: 'zustaendig', datatype: 'string', description: 'Zuständige Stelle' },
          { name: 'staedte', datatype: 'string', description: 'Beteiligte Städte, durch Semikolon getrennt' },
          { name: 'geaendert', datatype: 'dateTime', description: 'Letzte Änderung (ISO 8601)' },
          { name: 'url', datatype: 'anyURI', description: 'Seite der Maßnahme auf der Plattform' },
        ],
        page: (after, limit) => sql`
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(data)}::jsonb) AS x(key int, id int, titel text,
            handlungsfeld text, status text, status_name text, fortschritt int, beginn date, ende date,
            kurzbeschreibung text, zustaendig text, staedte text, geaendert timestamptz, url text)
          WHERE ${after}::int IS NULL OR x.key > ${after}::int
          ORDER BY x.key LIMIT ${limit}`,
      },
    });
  }
  return out;
};
