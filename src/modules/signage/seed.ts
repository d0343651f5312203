/** Demo steles: two per city with playlists (clearly demo data); safe to run again. */
import { type Db, one, sql } from '../../platform/db/index.ts';
import { listCities } from '../../platform/tenancy/service.ts';
import { rotatingPlaces } from '../bonus/service.ts';
import * as q from './queries.ts';
import { ALL_DAYS } from './schedule.ts';

const WORKDAYS = 1 | 2 | 4 | 8 | 16 | 32; // Monday to Saturday

interface DemoStele {
  name: string;
  place: string;
  lat: number;
  lon: number;
  orientation: 'portrait' | 'landscape';
  resolution: [number, number];
  checkin: boolean;
  slides: Omit<q.SlideValues, 'enabled' | 'link'>[];
}

const slide = (
  kind: string,
  durationSeconds: number,
  extra: Partial<Omit<q.SlideValues, 'kind' | 'durationSeconds'>> = {},
) => ({
  kind,
  durationSeconds,
  title: '',
  body: '',
  weekdays: ALL_DAYS,
  timeFrom: null,
  timeTo: null,
  ...extra,
});

const DEMO: Record<string, DemoStele[]> = {
  aalen: [
    {
      name: 'Stele Marktplatz (Demo)',
      place: 'Marktplatz, vor dem Alten Rathaus',
      lat: 48.8372,
      lon: 10.0933,
      orientation: 'portrait',
      resolution: [1080, 1920],
      checkin: true,
      slides: [
        slide('events', 15),
        slide('message', 12, {
          title: 'Wochenmarkt heute',
          body: 'Mittwochs und samstags von 7 bis 12:30 Uhr auf dem Marktplatz. (Demo-Mitteilung)',
          weekdays: 4 | 32,
          timeFrom: '06:00',
          timeTo: '12:30',
        }),
        slide('checkin', 20),
        slide('offers', 15),
        slide('sensors', 12),
        slide('news', 15),
      ],
    },
    {
      name: 'Stele Bahnhof (Demo)',
      place: 'Bahnhofsvorplatz',
      lat: 48.8405,
      lon: 10.0965,
      orientation: 'landscape',
      resolution: [1920, 1080],
      checkin: false,
      slides: [
        slide('news', 15),
        slide('campaigns', 12),
        slide('message', 10, {
          title: 'Willkommen in Aalen',
          body: 'Tourist-Information im Rathaus: Mo–Fr 9–18 Uhr, Sa 9–13 Uhr. (Demo-Mitteilung)',
          weekdays: WORKDAYS,
        }),
        slide('offers', 15),
      ],
    },
  ],
  heidenheim: [
    {
      name: 'Stele Eugen-Jaekle-Platz (Demo)',
      place: 'Eugen-Jaekle-Platz, Fußgängerzone',
      lat: 48.6775,
      lon: 10.1527,
      orientation: 'portrait',
      resolution: [1080, 1920],
      checkin: true,
      slides: [
        slide('events', 15),
        slide('checkin', 20),
        slide('sensors', 12),
        slide('message', 12, {
          title: 'Guten Morgen, Heidenheim',
          body: 'Das Bürgerbüro im Rathaus öffnet heute um 8 Uhr. (Demo-Mitteilung)',
          weekdays: 1 | 2 | 4 | 8 | 16,
          timeFrom: '06:00',
          timeTo: '11:00',
        }),
        slide('offers', 15),
      ],
    },
    {
      name: 'Stele ZOB (Demo)',
      place: 'Zentraler Omnibusbahnhof',
      lat: 48.6794,
      lon: 10.1505,
      orientation: 'landscape',
      resolution: [1920, 1080],
      checkin: false,
      slides: [slide('news', 15), slide('events', 15), slide('campaigns', 12), slide('offers', 15)],
    },
  ],
};

export async function seedSignage(db: Db): Promise<{ steles: number }> {
  let created = 0;
  for (const city of await listCities(db)) {
    const demo = DEMO[city.slug];
    if (!demo) continue;
    for (const d of demo) {
      const exists = await one(
        db,
        sql`SELECT 1 FROM signage_steles WHERE city_id = ${city.id} AND name = ${d.name}`,
      );
      if (exists) continue;
      const place = d.checkin ? (await rotatingPlaces(db, [city.id]))[0] : undefined;
      await db.transaction(async (trx) => {
        const tx = trx as unknown as Db;
        const id = await q.insertStele(tx, {
          cityId: city.id,
          name: d.name,
          place: d.place,
          lat: d.lat,
          lon: d.lon,
          orientation: d.orientation,
          width: d.resolution[0],
          height: d.resolution[1],
          bonusPlaceId: place?.id ?? null,
        });
        for (const s of d.slides) {
          // Without a rotating bonus place (bonus not seeded) the check-in slide would only say "unavailable".
          if (s.kind === 'checkin' && !place) continue;
          await q.insertSlide(tx, id, { ...s, link: '', enabled: true });
        }
      });
      created++;
    }
  }
  return { steles: created };
}
