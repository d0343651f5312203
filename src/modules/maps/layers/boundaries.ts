/** Map layer: city boundaries. */
import { sql } from '../../../platform/db/index.ts';
import { sqlSource } from '../../../platform/geo/source.ts';
import { inScope, type LayerProvider } from '../model.ts';

export const boundaryLayers: LayerProvider = async (ctx) => [
  {
    key: 'stadtgrenzen',
    title: { de: 'Stadtgrenzen', en: 'City boundaries' },
    description: {
      de: 'Gemeindegrenzen mit amtlichem Gemeindeschlüssel',
      en: 'Municipal boundaries with their official key',
    },
    color: '#00537a',
    symbol: 'area',
    default: true,
    dataset: 'region-stadtgrenzen',
    source: sqlSource(
      ctx.db,
      sql`SELECT 'stadt-' || id AS id, name, 'AGS ' || ags AS info, '/' || slug || '/' AS url,
        boundary AS geom FROM cities WHERE ${inScope(ctx, sql`id`)}`,
    ),
  },
];
