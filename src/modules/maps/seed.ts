/**
 * Demo map data (clearly marked as demo): uploaded layers (Spielplätze, Radwege, Bebauungspläne with
 * links to their documents), a contribution layer "Wo fehlen Fahrradbügel?" with a few published
 * contributions, an external dataset in the catalog, and locations of the bonus partners and
 * check-in places. Idempotent.
 */
import { type Db, one, sql } from '../../platform/db/index.ts';
import { listCities } from '../../platform/tenancy/service.ts';
import { createLayer, type FeatureInput } from './service.ts';

const CENTRES: Record<string, [number, number]> = {
  aalen: [10.0933, 48.8374],
  heidenheim: [10.1536, 48.6769],
};

const point = (c: [number, number], dx: number, dy: number) =>
  JSON.stringify({ type: 'Point', coordinates: [+(c[0] + dx).toFixed(5), +(c[1] + dy).toFixed(5)] });

const feature = (
  geometry: string,
  name: string,
  props: Record<string, unknown> = {},
  url: string | null = null,
) => ({ geometry, name, url, properties: { name, ...props } }) satisfies FeatureInput;

function playgrounds(city: string, c: [number, number]): FeatureInput[] {
  const names = [
    'Stadtgarten',
    'Am Bürgerpark',
    'Schillerschule',
    'Wasserspielplatz',
    'Am Waldrand',
    'Rosenstraße',
  ];
  return names.map((n, i) =>
    feature(
      point(c, Math.cos(i * 1.1) * 0.012 * (1 + (i % 3)), Math.sin(i * 1.1) * 0.008 * (1 + (i % 3))),
      `Spielplatz ${n} (Demo)`,
      {
        beschreibung: `Spielplatz in ${city}: ${i % 2 ? 'Schaukel, Rutsche, Sandkasten' : 'Kletterturm, Wasserspiel, Bänke im Schatten'}`,
      },
    ),
  );
}

function cyclePaths(c: [number, number]): FeatureInput[] {
  const line = (pts: [number, number][]) =>
    JSON.stringify({
      type: 'LineString',
      coordinates: pts.map(([dx, dy]) => [+(c[0] + dx).toFixed(5), +(c[1] + dy).toFixed(5)]),
    });
  return [
    feature(
      line([
        [-0.03, -0.004],
        [-0.015, -0.002],
        [0, 0],
        [0.015, 0.003],
        [0.03, 0.005],
      ]),
      'Radweg Ost–West (Demo)',
      {
        beschreibung: 'Asphaltiert, vom Verkehr getrennt',
      },
    ),
    feature(
      line([
        [0.002, -0.025],
        [0.001, -0.012],
        [0, 0],
        [-0.002, 0.012],
        [-0.004, 0.024],
      ]),
      'Radweg Nord–Süd (Demo)',
      {
        beschreibung: 'Schutzstreifen auf der Fahrbahn',
      },
    ),
  ];
}

function plans(city: string, c: [number, number]): FeatureInput[] {
  const box = (dx: number, dy: number, w: number, h: number) =>
    JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [c[0] + dx, c[1] + dy],
          [c[0] + dx + w, c[1] + dy],
          [c[0] + dx + w, c[1] + dy + h],
          [c[0] + dx, c[1] + dy + h],
          [c[0] + dx, c[1] + dy],
        ].map(([x, y]) => [+x!.toFixed(5), +y!.toFixed(5)]),
      ],
    });
  return [
    feature(
      box(0.008, 0.004, 0.006, 0.004),
      'Bebauungsplan „Wohnen am Hang“ (Demo)',
      { beschreibung: 'In Kraft seit 2021' },
      `https://www.${city}.example/bplan/wohnen-am-hang.pdf`,
    ),
    feature(
      box(-0.018, -0.01, 0.008, 0.005),
      'Bebauungsplan „Gewerbegebiet West“ (Demo)',
      { beschreibung: 'Im Verfahren' },
      `https://www.${city}.example/bplan/gewerbe-west.pdf`,
    ),
  ];
}

export async function seedMaps(db: Db): Promise<{ layers: number }> {
  const cities = await listCities(db);
  let layers = 0;
  await db.transaction(async (tx) => {
    for (const city of cities) {
      const c = CENTRES[city.slug];
      if (!c) continue;
      const exists = async (slug: string) =>
        one(tx, sql`SELECT 1 FROM map_layers WHERE city_id = ${city.id} AND slug = ${slug}`);
      const add = async (
        slug: string,
        title: string,
        description: string,
        color: string,
        features: FeatureInput[],
      ) => {
        if (await exists(slug)) return;
        await createLayer(
          tx,
          {
            cityId: city.id,
            slug,
            kind: 'upload',
            title,
            description,
            question: null,
            color,
            license: 'http://dcat-ap.de/def/licenses/dl-by-de/2.0',
          },
          features,
          null,
        );
        layers++;
      };
      await add(
        'spielplaetze',
        'Spielplätze',
        `Öffentliche Spielplätze in ${city.name} (Demodaten).`,
        '#6a1b9a',
        playgrounds(city.name, c),
      );
      await add(
        'radwege',
        'Radwege',
        `Ausgewählte Radwege in ${city.name} (Demodaten).`,
        '#0b5394',
        cyclePaths(c),
      );
      await add(
        'bebauungsplaene',
        'Bebauungspläne',
        `Geltungsbereiche von Bebauungsplänen mit Link zum Plan als PDF (Demodaten).`,
        '#7f4f24',
        plans(city.slug, c),
      );
      if (!(await exists('fahrradbuegel'))) {
        const r = await one<{ id: number }>(
          tx,
          sql`INSERT INTO map_layers (city_id, slug, kind, title, description, question, contributions_open, color)
              VALUES (${city.id}, 'fahrradbuegel', 'contributions', 'Fahrradbügel',
                'Die Stadt plant neue Abstellanlagen für Fahrräder und sammelt Hinweise (Demo).',
                'Wo fehlen Fahrradbügel?', true, '#c2185b') RETURNING id`,
        );
        const samples: [number, number, string, number][] = [
          [0.001, 0.0015, 'Vor der Bäckerei am Markt stehen die Räder immer an der Hauswand. (Demo)', 7],
          [-0.004, -0.002, 'Am Bahnhof reichen die Bügel morgens nicht aus. (Demo)', 12],
          [0.006, -0.003, 'Beim Freibad fehlen Bügel ganz. (Demo)', 3],
        ];
        for (const [dx, dy, comment, n] of samples) {
          await tx.execute(sql`INSERT INTO map_contributions (layer_id, comment, geom, status, supporters, moderated_at)
            VALUES (${r!.id}, ${comment}, ST_SetSRID(ST_GeomFromGeoJSON(${point(c, dx, dy)}), 4326), 'published', ${n}, now())`);
        }
        layers++;
      }
    }
    const aalen = cities.find((c) => c.slug === 'aalen');
    if (
      aalen &&
      !(await one(
        tx,
        sql`SELECT 1 FROM opendata_external_datasets WHERE slug = 'aalen-bebauungsplaene-extern'`,
      ))
    ) {
      await tx.execute(sql`INSERT INTO opendata_external_datasets (city_id, slug, title, description, theme, keywords, landing_page, distributions)
        VALUES (${aalen.id}, 'aalen-bebauungsplaene-extern', 'Bebauungspläne Aalen (Demo)',
          'Rechtskräftige Bebauungspläne der Stadt Aalen als PDF und ihre Geltungsbereiche als GeoJSON, aus dem Geoportal der Stadt (Demodaten, Adressen sind Beispiele).',
          'REGI', ARRAY['Bebauungsplan', 'Bauleitplanung'], 'https://www.aalen.example/bauleitplanung',
          ${JSON.stringify([
            {
              title: 'Übersicht der Bebauungspläne (PDF)',
              url: 'https://www.aalen.example/bplan/uebersicht.pdf',
              format: 'PDF',
              mediaType: 'application/pdf',
            },
            {
              title: 'Geltungsbereiche (GeoJSON)',
              url: 'https://www.aalen.example/bplan/geltungsbereiche.geojson',
              format: 'GEOJSON',
              mediaType: 'application/geo+json',
            },
          ])}::jsonb)`);
    }
  });
  return { layers };
}
