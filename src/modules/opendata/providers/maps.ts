/** Dataset provider: admin-uploaded map layers and the published results of contribution layers (via the maps service). */
import { contributionPage, layerFeaturePage, publishedLayers } from '../../maps/service.ts';
import type { DatasetMeta, DatasetProvider } from '../model.ts';
import { scopeSlug } from '../model.ts';

export const mapDatasets: DatasetProvider = async ({ db, cities, region, baseUrl }) => {
  const layers = await publishedLayers(db);
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
          page: (after, limit) => layerFeaturePage(db, l.id, after === null ? null : Number(after), limit),
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
        page: (after, limit) => contributionPage(db, l.id, after === null ? null : Number(after), limit),
      },
    };
  });
};
