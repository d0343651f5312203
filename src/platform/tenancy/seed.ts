import { readFileSync } from 'node:fs';
import type { Db } from '../db/index.ts';
import { upsertCity, upsertRegion } from './service.ts';

const boundaries = JSON.parse(
  readFileSync(new URL('./seed/boundaries.json', import.meta.url), 'utf8'),
) as Record<string, object>;

/** The demo region: Aalen and Heidenheim an der Brenz in Ostwürttemberg. */
export async function seedDemoRegion(db: Db): Promise<void> {
  await upsertRegion(db, {
    slug: 'ostwuerttemberg',
    name: 'Region Ostwürttemberg',
    contact: {
      organisation: 'Stadtplattform Ostwürttemberg (Demo)',
      street: 'Marktplatz 30',
      postalCode: '73430',
      locality: 'Aalen',
      email: 'plattform@ostwuerttemberg.example',
      phone: '07361 52-0',
      representative: 'Die Oberbürgermeister der beteiligten Städte (Demo)',
    },
  });
  await upsertCity(db, {
    slug: 'aalen',
    name: 'Aalen',
    shortName: 'Aalen',
    ags: '08136088',
    geonamesId: 2959927,
    boundary: boundaries.aalen!,
    sort: 1,
    theme: { primary: '#00537a' },
    contact: {
      organisation: 'Stadt Aalen (Demo)',
      street: 'Marktplatz 30',
      postalCode: '73430',
      locality: 'Aalen',
      phone: '07361 52-0',
      email: 'info@aalen.example',
      website: 'https://www.aalen.example',
      representative: 'Oberbürgermeister der Stadt Aalen',
    },
  });
  await upsertCity(db, {
    slug: 'heidenheim',
    name: 'Heidenheim an der Brenz',
    shortName: 'Heidenheim',
    ags: '08135019',
    geonamesId: 2907851,
    boundary: boundaries.heidenheim!,
    sort: 2,
    theme: { primary: '#8a1538' },
    contact: {
      organisation: 'Stadt Heidenheim an der Brenz (Demo)',
      street: 'Grabenstraße 15',
      postalCode: '89522',
      locality: 'Heidenheim an der Brenz',
      phone: '07321 327-0',
      email: 'info@heidenheim.example',
      website: 'https://www.heidenheim.example',
      representative: 'Oberbürgermeister der Stadt Heidenheim an der Brenz',
    },
  });
}
