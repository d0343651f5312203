import { readFileSync } from 'node:fs';
import type { Db } from '../../platform/db/index.ts';
import { listCities } from '../../platform/tenancy/service.ts';
import { upsertOfferAsSystem } from './service.ts';

interface SeedOffer {
  city: string | null;
  [key: string]: unknown;
}

export function demoOffers(): SeedOffer[] {
  return JSON.parse(readFileSync(new URL('./seed/offers.json', import.meta.url), 'utf8')) as SeedOffer[];
}

/** Demo offers for Aalen, Heidenheim and the region; safe to run again (upsert by city and slug). */
export async function seedDirectory(
  db: Db,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const cities = new Map((await listCities(db)).map((c) => [c.slug, c.id]));
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const { city, ...offer } of demoOffers()) {
    const cityId = city === null ? null : cities.get(city);
    if (cityId === undefined) throw new Error(`seed offer ${String(offer.slug)}: unknown city ${city}`);
    const input = {
      status: 'published',
      body: '',
      easyLanguage: '',
      lifeSituations: [],
      targetGroups: [],
      tags: [],
      provider: '',
      contact: {},
      address: null,
      location: null,
      openingHours: null,
      accessibility: {},
      onlineServiceUrl: null,
      leikaKey: null,
      lastReviewed: null,
      ...offer,
    };
    counts[await upsertOfferAsSystem(db, cityId, input)]++;
  }
  return counts;
}
