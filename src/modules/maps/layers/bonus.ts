/** Map layer: bonus partners and check-in places of the Stadttaler programme. */
import { sql } from '../../../platform/db/index.ts';
import { inScope, type LayerProvider } from '../model.ts';

export const bonusLayers: LayerProvider = async (ctx) => [
  {
    key: 'stadttaler',
    title: { de: 'Stadttaler: Partner und Check-in-Orte', en: 'Stadttaler: partners and check-in places' },
    description: { de: 'Wo man Punkte sammeln und einlösen kann', en: 'Where to collect and redeem points' },
    color: '#8a4f00',
    symbol: 'point',
    ...(ctx.city ? { dataset: `${ctx.city.slug}-stadttaler-orte` } : {}),
    source: sql`SELECT 'partner-' || p.id AS id, p.name, concat_ws(' · ', 'Partner', nullif(p.category, ''), nullif(p.address, '')) AS info,
        NULL::text AS url, p.location AS geom
      FROM bonus_partners p WHERE p.status = 'approved' AND p.location IS NOT NULL AND ${inScope(ctx, sql`p.city_id`)}
      UNION ALL
      SELECT 'ort-' || o.id, o.name, concat_ws(' · ', 'Check-in', a.name, nullif(o.address, '')), NULL::text, o.location
      FROM bonus_places o JOIN bonus_actions a ON a.id = o.action_id
      WHERE o.active AND o.location IS NOT NULL AND ${inScope(ctx, sql`o.city_id`)}`,
  },
];
