/** Map layer: published defect reports with a location (no personal data). */
import { sql } from '../../../platform/db/index.ts';
import { inScope, type LayerProvider } from '../model.ts';

export const reportLayers: LayerProvider = async (ctx) => [
  {
    key: 'maengel',
    title: { de: 'Mängelmeldungen', en: 'Defect reports' },
    description: {
      de: 'Gemeldete Mängel im öffentlichen Raum und ihr Stand',
      en: 'Reported defects in public space and their status',
    },
    color: '#b3261e',
    symbol: 'point',
    ...(ctx.city ? { dataset: `${ctx.city.slug}-maengel` } : {}),
    source: sql`SELECT r.id::text AS id, k.name AS name,
        concat_ws(' · ', CASE r.status WHEN 'eingegangen' THEN 'eingegangen' WHEN 'bestaetigt' THEN 'bestätigt'
          WHEN 'in_bearbeitung' THEN 'in Bearbeitung' WHEN 'erledigt' THEN 'erledigt' WHEN 'abgelehnt' THEN 'abgelehnt'
          WHEN 'duplikat' THEN 'Duplikat' ELSE 'weitergeleitet' END, r.address) AS info,
        '/' || c.slug || '/maengel/' || r.id AS url, r.location AS geom
      FROM reports r JOIN report_categories k ON k.id = r.category_id JOIN cities c ON c.id = r.city_id
      WHERE r.published_at IS NOT NULL AND r.location IS NOT NULL AND ${inScope(ctx, sql`r.city_id`)}`,
  },
];
