/** Map layer: bonus partners and check-in places of the Stadttaler programme. */
import { publicBonusPlaces } from '../../bonus/service.ts';
import type { LayerProvider } from '../model.ts';

export const bonusLayers: LayerProvider = async (ctx) => [
  {
    key: 'stadttaler',
    title: { de: 'Stadttaler: Partner und Check-in-Orte', en: 'Stadttaler: partners and check-in places' },
    description: { de: 'Wo man Punkte sammeln und einlösen kann', en: 'Where to collect and redeem points' },
    color: '#8a4f00',
    symbol: 'point',
    ...(ctx.city ? { dataset: `${ctx.city.slug}-stadttaler-orte` } : {}),
    source: publicBonusPlaces(ctx.db, ctx.city?.id),
  },
];
