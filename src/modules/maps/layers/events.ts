/**
 * Map layer: upcoming public events that have a location, each once at its next date (recurring events
 * expanded by the content service). The list is small, so it enters the query as one JSON parameter
 * (pointSource).
 */
import { pointSource } from '../../../platform/geo/source.ts';
import { upcomingLocatedEvents } from '../../content/service.ts';
import type { LayerProvider } from '../model.ts';

const day = new Intl.DateTimeFormat('de-DE', {
  weekday: 'short',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/Berlin',
});
const time = new Intl.DateTimeFormat('de-DE', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Berlin',
});

/** Occurrences looked at; each event is shown once, so this bounds the work, not the events. */
const OCCURRENCES = 1000;

export const eventLayers: LayerProvider = async (ctx) => {
  const upcoming = await upcomingLocatedEvents(ctx.db, { cityId: ctx.city?.id ?? null, limit: OCCURRENCES });
  const seen = new Set<number>();
  const features = upcoming.flatMap((e) => {
    if (seen.has(e.id)) return [];
    seen.add(e.id);
    const info = e.allDay
      ? day.format(e.startsAt)
      : `${day.format(e.startsAt)}, ${time.format(e.startsAt)} Uhr`;
    return [{ id: String(e.id), name: e.title, info, url: e.url, lat: e.location.lat, lon: e.location.lon }];
  });
  return [
    {
      key: 'veranstaltungen',
      title: { de: 'Veranstaltungen', en: 'Events' },
      description: {
        de: 'Kommende Veranstaltungen mit ihrem nächsten Termin',
        en: 'Upcoming events with their next date',
      },
      color: '#6a3d9a',
      symbol: 'point',
      ...(ctx.city ? { dataset: `${ctx.city.slug}-veranstaltungen` } : {}),
      source: pointSource(ctx.db, features),
    },
  ];
};
