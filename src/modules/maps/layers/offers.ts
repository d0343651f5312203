/** Map layer: published offers and facilities of the directory that have a location. */
import { sql } from '../../../platform/db/index.ts';
import type { LayerProvider } from '../model.ts';

export const offerLayers: LayerProvider = async (ctx) => [
  {
    key: 'angebote',
    title: { de: 'Angebote und Einrichtungen', en: 'Offers and facilities' },
    description: {
      de: 'Ämter, Beratungsstellen, Bibliotheken und andere Anlaufstellen',
      en: 'Offices, counselling, libraries and other places to go',
    },
    color: '#1d6f42',
    symbol: 'point',
    default: true,
    ...(ctx.city ? { dataset: `${ctx.city.slug}-angebote` } : {}),
    source: sql`SELECT o.id::text AS id, o.title AS name,
        concat_ws(', ', o.address->>'street', concat_ws(' ', o.address->>'postalCode', o.address->>'locality')) AS info,
        CASE WHEN c.slug IS NULL THEN '/angebote/' || o.slug ELSE '/' || c.slug || '/angebote/' || o.slug END AS url,
        o.location AS geom
      FROM offers o LEFT JOIN cities c ON c.id = o.city_id
      WHERE o.status = 'published' AND o.location IS NOT NULL
        AND ${ctx.city ? sql`(o.city_id = ${ctx.city.id} OR o.city_id IS NULL)` : sql`true`}`,
  },
];
