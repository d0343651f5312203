/** Dataset provider: the boundaries of the cities of the region (one region-wide dataset). */
import { one, sql } from '../../../platform/db/index.ts';
import type { DatasetProvider } from '../model.ts';

export const boundaryDatasets: DatasetProvider = async ({ db, region, baseUrl }) => {
  const v = await one<{ v: string }>(
    db,
    sql`SELECT md5(string_agg(ags || ST_AsEWKB(boundary)::text, '' ORDER BY id)) AS v FROM cities`,
  );
  return [
    {
      slug: 'region-stadtgrenzen',
      cityId: null,
      title: `Stadtgrenzen – ${region.name}`,
      description: `Gemeindegrenzen der Städte der Region ${region.name} mit Name und amtlichem Gemeindeschlüssel (AGS), wie sie die Plattform für die Zuständigkeit von Meldungen verwendet.`,
      keywords: ['Verwaltungsgrenzen', 'Gemeinde', 'AGS'],
      themes: ['REGI', 'GOVE'],
      modified: null,
      version: v?.v ?? '',
      accrualPeriodicity: 'IRREG',
      landingPage: `${baseUrl}/karte`,
      download: {
        geo: true,
        columns: [
          { name: 'ags', datatype: 'string', description: 'Amtlicher Gemeindeschlüssel (8 Ziffern)' },
          { name: 'name', datatype: 'string', description: 'Name der Stadt' },
          { name: 'kurzname', datatype: 'string', description: 'Kurzname' },
          { name: 'flaeche_km2', datatype: 'decimal', description: 'Fläche in Quadratkilometern' },
        ],
        page: (after, limit) => sql`
          SELECT ags AS key, ags, name, short_name AS kurzname,
            round((ST_Area(boundary::geography) / 1e6)::numeric, 2) AS flaeche_km2,
            ST_AsGeoJSON(boundary, 6) AS geometry
          FROM cities WHERE (${after}::text IS NULL OR ags > ${after}::text) ORDER BY ags LIMIT ${limit}`,
      },
    },
  ];
};
