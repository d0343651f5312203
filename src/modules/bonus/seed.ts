import { type Db, one, sql } from '../../platform/db/index.ts';
import { listCities } from '../../platform/tenancy/service.ts';
import {
  type ActionInput,
  approvePartner,
  createOffer,
  createPartner,
  createPlace,
  DEFAULT_SCHEME,
  saveScheme,
  upsertAction,
} from './service.ts';

type SeedAction = Omit<ActionInput, 'cityId'> & {
  city: string | null;
  place?: { name: string; address: string; codeKind: 'static' | 'rotating' };
};

const ACTIONS: SeedAction[] = [
  {
    city: null,
    slug: 'mangel-gemeldet',
    name: 'Mangel gemeldet und bestätigt',
    description: 'Sie melden einen Schaden im Mängelmelder, und die Stadt bestätigt ihn.',
    easyLanguage: 'Sie sehen einen Schaden in der Stadt. Sie melden ihn. Dafür bekommen Sie Punkte.',
    points: 20,
    verification: 'participation',
    limitPerDay: 3,
  },
  {
    city: null,
    slug: 'umfrage-teilgenommen',
    name: 'An einer Umfrage der Stadt teilgenommen',
    description: 'Sie beantworten eine Umfrage zur Bürgerbeteiligung.',
    easyLanguage: 'Die Stadt fragt Sie nach Ihrer Meinung. Sie antworten. Dafür bekommen Sie Punkte.',
    points: 30,
    verification: 'participation',
    limitPerMonth: 4,
  },
];

for (const [city, name] of [
  ['aalen', 'Aalen'],
  ['heidenheim', 'Heidenheim'],
] as const) {
  ACTIONS.push(
    {
      city,
      slug: 'stadtbibliothek',
      name: 'Stadtbibliothek besucht',
      description: 'Bücher leihen statt kaufen: Scannen Sie den Code an der Ausleihtheke.',
      easyLanguage: 'Sie gehen in die Bücherei. Sie scannen den Code. Dafür bekommen Sie Punkte.',
      points: 10,
      co2Grams: 500,
      verification: 'checkin',
      limitPerDay: 1,
      limitPerMonth: 8,
      place: { name: `Stadtbibliothek ${name}`, address: `${name}, Innenstadt`, codeKind: 'static' },
    },
    {
      city,
      slug: 'wertstoffhof',
      name: 'Wertstoffe richtig getrennt abgegeben',
      description: 'Scannen Sie den Code am Eingang des Wertstoffhofs.',
      easyLanguage: 'Sie bringen Müll zum Wertstoffhof. Sie scannen den Code. Dafür bekommen Sie Punkte.',
      points: 50,
      co2Grams: 2000,
      verification: 'checkin',
      limitPerWeek: 1,
      limitPerPlaceDay: 500,
      place: { name: `Wertstoffhof ${name}`, address: `${name}`, codeKind: 'static' },
    },
    {
      city,
      slug: 'rad-statt-auto',
      name: 'Mit dem Rad in die Innenstadt',
      description: 'Die Stele am Fahrradparkplatz zeigt einen Code, der sich alle 30 Sekunden ändert.',
      easyLanguage:
        'Sie fahren mit dem Fahrrad in die Stadt. Sie scannen den Code an der Stele. Dafür bekommen Sie Punkte.',
      points: 15,
      co2Grams: 1500,
      verification: 'checkin',
      limitPerDay: 1,
      place: { name: `Stele Fahrradparkplatz ${name}`, address: `${name}, Innenstadt`, codeKind: 'rotating' },
    },
    {
      city,
      slug: 'repair-cafe',
      name: 'Im Repair-Café repariert',
      description: 'Reparieren statt wegwerfen: Das Repair-Café bestätigt Ihren Besuch.',
      easyLanguage: 'Sie lassen etwas reparieren. Das Repair-Café bestätigt das. Dafür bekommen Sie Punkte.',
      points: 100,
      co2Grams: 5000,
      verification: 'partner',
      limitPerMonth: 2,
    },
  );
}

interface SeedPartner {
  city: string;
  slug: string;
  name: string;
  category: string;
  description: string;
  address: string;
  offers: {
    title: string;
    kind: 'credit' | 'item';
    creditCents?: number;
    pointsPrice: number;
    quotaTotal?: number;
    quotaPerPerson?: number;
  }[];
}

const PARTNERS: SeedPartner[] = [
  {
    city: 'aalen',
    slug: 'unverpackt-laden',
    name: 'Unverpackt-Laden (Demo)',
    category: 'Lebensmittel',
    description: 'Lebensmittel ohne Verpackung, zum Abfüllen in eigene Behälter.',
    address: 'Aalen, Innenstadt',
    offers: [
      { title: '1 € Gutschrift', kind: 'credit', creditCents: 100, pointsPrice: 100 },
      { title: '5 € Gutschrift', kind: 'credit', creditCents: 500, pointsPrice: 500 },
    ],
  },
  {
    city: 'aalen',
    slug: 'fahrradwerkstatt',
    name: 'Fahrradwerkstatt (Demo)',
    category: 'Mobilität',
    description: 'Reparatur und Wartung von Fahrrädern.',
    address: 'Aalen',
    offers: [{ title: 'Fahrrad-Check', kind: 'item', pointsPrice: 800, quotaTotal: 50, quotaPerPerson: 1 }],
  },
  {
    city: 'heidenheim',
    slug: 'weltladen',
    name: 'Weltladen (Demo)',
    category: 'Fairer Handel',
    description: 'Fair gehandelte Waren aus aller Welt.',
    address: 'Heidenheim an der Brenz, Innenstadt',
    offers: [
      { title: '1 € Gutschrift', kind: 'credit', creditCents: 100, pointsPrice: 100 },
      { title: '3 € Gutschrift', kind: 'credit', creditCents: 300, pointsPrice: 300 },
    ],
  },
  {
    city: 'heidenheim',
    slug: 'cafe-mehrweg',
    name: 'Café mit Mehrwegbecher (Demo)',
    category: 'Gastronomie',
    description: 'Kaffee zum Mitnehmen nur im Mehrwegbecher.',
    address: 'Heidenheim an der Brenz',
    offers: [{ title: 'Kaffee im Mehrwegbecher', kind: 'item', pointsPrice: 250, quotaPerPerson: 4 }],
  },
];

/** Approximate demo locations (WGS84 lon, lat) for the public map and the anomaly checks. */
const LOCATIONS: Record<string, [number, number]> = {
  'Stadtbibliothek Aalen': [10.0925, 48.837],
  'Wertstoffhof Aalen': [10.106, 48.829],
  'Stele Fahrradparkplatz Aalen': [10.0955, 48.8405],
  'Stadtbibliothek Heidenheim': [10.153, 48.6775],
  'Wertstoffhof Heidenheim': [10.162, 48.668],
  'Stele Fahrradparkplatz Heidenheim': [10.149, 48.679],
  'unverpackt-laden': [10.0935, 48.8378],
  fahrradwerkstatt: [10.097, 48.8355],
  weltladen: [10.152, 48.6768],
  'cafe-mehrweg': [10.1545, 48.676],
};

/** Demo scheme, actions, check-in places, partners and offers in both cities; safe to run again. */
export async function seedBonus(
  db: Db,
): Promise<{ actions: number; places: number; partners: number; offers: number }> {
  const cities = new Map((await listCities(db)).map((c) => [c.slug, c.id]));
  const cityOf = (slug: string) => {
    const id = cities.get(slug);
    if (id === undefined) throw new Error(`bonus seed: unknown city ${slug}`);
    return id;
  };
  const counts = { actions: 0, places: 0, partners: 0, offers: 0 };
  await db.transaction(async (tx) => {
    if (!(await one(tx, sql`SELECT 1 FROM bonus_schemes WHERE region_id = 1`)))
      await saveScheme(tx, DEFAULT_SCHEME);
    for (const { city, place, ...action } of ACTIONS) {
      const cityId = city ? cityOf(city) : null;
      const actionId = await upsertAction(tx, { ...action, cityId });
      counts.actions++;
      if (place && cityId !== null) {
        const known = await one(
          tx,
          sql`SELECT 1 FROM bonus_places WHERE city_id = ${cityId} AND name = ${place.name}`,
        );
        if (!known) {
          await createPlace(tx, { cityId, actionId, ...place });
          counts.places++;
        }
      }
    }
    for (const { city, offers, ...p } of PARTNERS) {
      const cityId = cityOf(city);
      if (await one(tx, sql`SELECT 1 FROM bonus_partners WHERE city_id = ${cityId} AND slug = ${p.slug}`))
        continue;
      const partnerId = await createPartner(tx, { cityId, ...p });
      await approvePartner(tx, partnerId, null);
      counts.partners++;
      for (const o of offers) {
        await createOffer(tx, { partnerId, ...o, status: 'approved' });
        counts.offers++;
      }
    }
    for (const [key, [lon, lat]] of Object.entries(LOCATIONS)) {
      const point = sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)`;
      await tx.execute(
        sql`UPDATE bonus_places SET location = ${point} WHERE name = ${key} AND location IS NULL`,
      );
      await tx.execute(
        sql`UPDATE bonus_partners SET location = ${point} WHERE slug = ${key} AND location IS NULL`,
      );
    }
  });
  return counts;
}
