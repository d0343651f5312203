/** Map layer: published offers and facilities of the directory that have a location. */
import { publicOfferPlaces } from '../../directory/service.ts';
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
    source: publicOfferPlaces(ctx.db, ctx.city?.id),
  },
];
