/** Map layer: published defect reports with a location (no personal data). */
import { publicReportPlaces } from '../../reports/service.ts';
import type { LayerProvider } from '../model.ts';

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
    source: publicReportPlaces(ctx.db, ctx.city?.id),
  },
];
