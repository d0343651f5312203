/** Map layer: the information steles of the cities (name and place, from the signage service). */
import { pointSource } from '../../../platform/geo/source.ts';
import { publicSteles } from '../../signage/service.ts';
import type { LayerProvider } from '../model.ts';

export const steleLayers: LayerProvider = async (ctx) => {
  const steles = await publicSteles(ctx.db, ctx.city?.id);
  return [
    {
      key: 'stelen',
      title: { de: 'Info-Stelen', en: 'Information steles' },
      description: {
        de: 'Digitale Stelen mit Nachrichten, Terminen und Warnungen der Stadt',
        en: 'Digital steles with news, events and warnings of the city',
      },
      color: '#4b4b8f',
      symbol: 'point',
      source: pointSource(
        ctx.db,
        steles.map((s) => ({
          id: String(s.id),
          name: s.name,
          info: s.place,
          url: null,
          lon: s.lon,
          lat: s.lat,
        })),
      ),
    },
  ];
};
