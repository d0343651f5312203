/** Dataset provider: admin-uploaded map layers and the published results of contribution layers. */
import { rows, sql } from '../../../platform/db/index.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const mapDatasets: DatasetProvider = async ({ db, cities, region, baseUrl }) => {
  const layers = await rows<{
    id: number;
    city_id: number | null;
    slug: string;
    kind: 'upload' | 'contributions';
    title: string;
    description: string;
    question: string | null;
    license: string;
    created_at: Date;
    modified: Date;
    n: number;
  }>(
    db,
    sql`SELECT l.id, l.city_id, l.slug, l.kind, l.title, l.description, l.question, l.license, l.created_at,
          greatest(l.updated_at, (SELECT max(b.updated_at) FROM map_contributions b WHERE b.layer_id = l.id AND b.status = 'published')) AS modified,
          CASE WHEN l.kind = 'upload' THEN (SELECT count(*)::int FROM map_features f WHERE f.layer_id = l.id)
            ELSE (SELECT count(*)::int FROM map_contributions b WHERE b.layer_id = l.id AND b.status = 'published') END AS n
        FROM map_layers l WHERE l.published ORDER BY l.id`,
  );
  return layers.map((l): DatasetMeta => {
    const scope = scopeSlug(cities, l.city_id);
    const city = cities.find((c) => c.id === l.city_id);
    const where = city ? city.name : region.name;
    const mapUrl = `${baseUrl}${city ? `/${city.slug}` : ''}/karte?ebenen=${l.kind === 'upload' ? 'ebene' : 'beitraege'}-${l.id}`;
    if (l.kind === 'upload') {
      return {
        slug: `${scope}-karte-${l.slug}`,
        cityId: l.city_id,
        title: `${l.title} – ${where}`,
        description: l.description || `Kartenebene „${l.title}“ der Stadtplattform (${where}).`,
        keywords: ['Karte', 'Geodaten', l.title],
        themes: ['REGI'],
        modified: l.modified,
        issued: l.created_at,
        version: String(l.n),
        license: l.license,
        accrualPeriodicity: 'IRREG',
        landingPage: mapUrl,
        download: {
          geo: true,
          columns: [
            { name: 'id', datatype: 'integer', description: 'Nummer des Objekts' },
            { name: 'name', datatype: 'string', description: 'Name' },
            { name: 'url', datatype: 'anyURI', description: 'Verknüpftes Dokument, z. B. der Plan als PDF' },
            {
              name: 'eigenschaften',
              datatype: 'string',
              description: 'Alle Eigenschaften aus der Quelle als JSON',
            },
          ],
          page: (after, limit) => sql`
            SELECT f.id AS key, f.id, f.name, f.url, f.properties::text AS eigenschaften, ST_AsGeoJSON(f.geom, 7) AS geometry
            FROM map_features f WHERE f.layer_id = ${l.id} AND (${after}::bigint IS NULL OR f.id > ${after}::bigint)
            ORDER BY f.id LIMIT ${limit}`,
        },
      };
    }
    return {
      slug: `${scope}-beitraege-${l.slug}`,
      cityId: l.city_id,
      title: `Beiträge: ${l.title} – ${where}`,
      description: `Von der Moderation freigegebene Beiträge von Bürgerinnen und Bürgern auf die Frage „${l.question}“ mit Kommentar, Ort und Zahl der Unterstützungen. Ohne Angaben zu den Personen.`,
      keywords: ['Bürgerbeteiligung', 'Karte', l.title],
      themes: ['GOVE', 'REGI'],
      modified: l.modified,
      issued: l.created_at,
      version: String(l.n),
      license: l.license,
      accrualPeriodicity: 'CONT',
      landingPage: mapUrl,
      download: {
        geo: true,
        columns: [
          { name: 'id', datatype: 'integer', description: 'Nummer des Beitrags' },
          { name: 'kommentar', datatype: 'string', description: 'Kommentar' },
          { name: 'art', datatype: 'string', description: 'punkt oder linie' },
          { name: 'unterstuetzungen', datatype: 'integer', description: 'Zahl der Unterstützungen' },
          { name: 'erstellt', datatype: 'dateTime', description: 'Eingang des Beitrags' },
        ],
        page: (after, limit) => sql`
          SELECT b.id AS key, b.id, b.comment AS kommentar,
            CASE WHEN GeometryType(b.geom) = 'POINT' THEN 'punkt' ELSE 'linie' END AS art,
            b.supporters AS unterstuetzungen, b.created_at AS erstellt, ST_AsGeoJSON(b.geom, 6) AS geometry
          FROM map_contributions b WHERE b.layer_id = ${l.id} AND b.status = 'published'
            AND (${after}::bigint IS NULL OR b.id > ${after}::bigint)
          ORDER BY b.id LIMIT ${limit}`,
      },
    };
  });
};
