/**
 * Map layers kept by the platform itself: admin-uploaded GeoJSON layers and contribution layers
 * (published contributions only). City maps show the city's layers and the region's.
 */
import { rows, sql } from '../../../platform/db/index.ts';
import { sqlSource } from '../../../platform/geo/source.ts';
import type { LayerContext, LayerDef, LayerProvider } from '../model.ts';

interface Row {
  id: number;
  city_id: number | null;
  slug: string;
  kind: 'upload' | 'contributions';
  title: string;
  description: string;
  question: string | null;
  contributions_open: boolean;
  color: string;
  symbol: 'point' | 'line' | 'area';
}

export const layerKey = (r: { kind: string; id: number }) =>
  `${r.kind === 'upload' ? 'ebene' : 'beitraege'}-${r.id}`;

export const ownLayers: LayerProvider = async (ctx: LayerContext) => {
  const list = await rows<Row>(
    ctx.db,
    sql`SELECT l.id, l.city_id, l.slug, l.kind, l.title, l.description, l.question, l.contributions_open, l.color,
          CASE WHEN l.kind = 'contributions' THEN 'point'
            ELSE coalesce((SELECT CASE WHEN GeometryType(f.geom) LIKE '%POLYGON' THEN 'area'
                 WHEN GeometryType(f.geom) LIKE '%LINESTRING' THEN 'line' ELSE 'point' END
               FROM map_features f WHERE f.layer_id = l.id ORDER BY f.id LIMIT 1), 'point') END AS symbol
        FROM map_layers l
        WHERE l.published AND ${ctx.city ? sql`(l.city_id = ${ctx.city.id} OR l.city_id IS NULL)` : sql`true`}
        ORDER BY l.title`,
  );
  return list.map((r): LayerDef => {
    const scope = ctx.cities.find((c) => c.id === r.city_id)?.slug ?? 'region';
    const text = { de: r.title, en: r.title };
    const description = { de: r.description, en: r.description };
    if (r.kind === 'upload') {
      return {
        key: layerKey(r),
        title: text,
        description,
        color: r.color,
        symbol: r.symbol,
        dataset: `${scope}-karte-${r.slug}`,
        source: sqlSource(
          ctx.db,
          sql`SELECT f.id::text AS id, f.name, coalesce(f.properties->>'beschreibung', f.properties->>'description', '') AS info,
            f.url, f.geom FROM map_features f WHERE f.layer_id = ${r.id}`,
          sql`SELECT zoom, gx, gy, n, x, y FROM map_feature_cells WHERE layer_id = ${r.id}`,
        ),
      };
    }
    return {
      key: layerKey(r),
      title: text,
      description: { de: r.question ?? r.description, en: r.question ?? r.description },
      color: r.color,
      symbol: 'point',
      dataset: `${scope}-beitraege-${r.slug}`,
      contribution: { layerId: r.id, slug: r.slug, question: r.question ?? '', open: r.contributions_open },
      source: sqlSource(
        ctx.db,
        sql`SELECT b.id::text AS id, left(b.comment, 80) AS name,
          b.supporters || CASE WHEN b.supporters = 1 THEN ' Unterstützung' ELSE ' Unterstützungen' END AS info,
          ${`/${scope === 'region' ? (ctx.city?.slug ?? ctx.cities[0]?.slug ?? '') : scope}/karte/mitmachen/${r.slug}#beitrag-`} || b.id AS url,
          b.geom FROM map_contributions b WHERE b.layer_id = ${r.id} AND b.status = 'published'`,
      ),
    };
  });
};
