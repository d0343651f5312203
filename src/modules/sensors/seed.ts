/**
 * Demo sensors for Aalen and Heidenheim: 20 datastreams at 10 stations, all marked simulated, with
 * two days of 10-minute history. The simulator (simulate.ts) continues them live over MQTT.
 * Idempotent: things and datastreams are found again by their demo key.
 */
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { ingestObservations, type Kind, OBSERVATION_TYPES, type ObservationInput } from './service.ts';

interface StreamDef {
  key: string;
  name: string;
  kind: Kind;
  property: string;
  definition: string;
  unit: { name: string; symbol: string; definition: string };
  type: 'measurement' | 'count';
  /** Parking capacity or similar scale. */
  scale?: number;
  threshold?: { value: number; direction: 'above' | 'below'; message: string };
}

interface StationDef {
  key: string;
  city: string;
  name: string;
  place: string;
  lon: number;
  lat: number;
  streams: StreamDef[];
}

const UG = {
  name: 'Mikrogramm pro Kubikmeter',
  symbol: 'µg/m³',
  definition: 'http://unitsofmeasure.org/ucum#ug/m3',
};
const CELSIUS = { name: 'Grad Celsius', symbol: '°C', definition: 'http://unitsofmeasure.org/ucum#Cel' };
const DBA = {
  name: 'Dezibel (A-bewertet)',
  symbol: 'dB(A)',
  definition: 'http://unitsofmeasure.org/ucum#dB',
};
const CM = { name: 'Zentimeter', symbol: 'cm', definition: 'http://unitsofmeasure.org/ucum#cm' };
const SPACES = {
  name: 'freie Stellplätze',
  symbol: 'Plätze',
  definition: 'http://unitsofmeasure.org/ucum#{count}',
};
const BIKES = {
  name: 'Fahrräder je 10 Minuten',
  symbol: 'Räder',
  definition: 'http://unitsofmeasure.org/ucum#{count}',
};

const air = (k: string): StreamDef[] => [
  {
    key: `${k}-pm10`,
    name: 'Feinstaub PM10',
    kind: 'air_quality',
    property: 'PM10',
    definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/5',
    unit: UG,
    type: 'measurement',
  },
  {
    key: `${k}-no2`,
    name: 'Stickstoffdioxid NO₂',
    kind: 'air_quality',
    property: 'NO2',
    definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/8',
    unit: UG,
    type: 'measurement',
  },
  {
    key: `${k}-o3`,
    name: 'Ozon O₃',
    kind: 'air_quality',
    property: 'O3',
    definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/7',
    unit: UG,
    type: 'measurement',
    threshold: {
      value: 180,
      direction: 'above',
      message:
        'Ozonwarnung: Informationsschwelle überschritten. Anstrengung im Freien am Nachmittag vermeiden.',
    },
  },
];
const temp = (k: string): StreamDef => ({
  key: `${k}-temp`,
  name: 'Lufttemperatur',
  kind: 'temperature',
  property: 'Lufttemperatur',
  definition: 'http://vocab.nerc.ac.uk/collection/P07/current/CFSN0023/',
  unit: CELSIUS,
  type: 'measurement',
});
const noise = (k: string): StreamDef => ({
  key: `${k}-noise`,
  name: 'Lärmpegel',
  kind: 'noise',
  property: 'Schalldruckpegel',
  definition: 'https://www.wikidata.org/wiki/Q1068172',
  unit: DBA,
  type: 'measurement',
});
const parking = (k: string, name: string, scale: number): StreamDef => ({
  key: k,
  name: `Freie Plätze ${name}`,
  kind: 'parking',
  property: 'Freie Stellplätze',
  definition: 'https://smartdatamodels.org/dataModel.Parking/availableSpotNumber',
  unit: SPACES,
  type: 'count',
  scale,
  threshold: { value: 10, direction: 'below', message: `${name} ist fast voll.` },
});
const bikes = (k: string): StreamDef => ({
  key: k,
  name: 'Radverkehr',
  kind: 'bike',
  property: 'Anzahl Fahrräder',
  definition: 'https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved',
  unit: BIKES,
  type: 'count',
});
const water = (k: string, river: string): StreamDef => ({
  key: k,
  name: `Wasserstand ${river}`,
  kind: 'water_level',
  property: 'Wasserstand',
  definition: 'http://vocab.nerc.ac.uk/collection/P07/current/CFSN0335/',
  unit: CM,
  type: 'measurement',
  threshold: { value: 250, direction: 'above', message: `Hochwassergefahr an der ${river}: Ufer meiden.` },
});

export const STATIONS: StationDef[] = [
  {
    key: 'aa-bahnhof',
    city: 'aalen',
    name: 'Luftmessstation Bahnhof',
    place: 'Bahnhofplatz',
    lon: 10.0966,
    lat: 48.8392,
    streams: [...air('aa-bahnhof'), temp('aa-bahnhof')],
  },
  {
    key: 'aa-markt',
    city: 'aalen',
    name: 'Umweltsensor Marktplatz',
    place: 'Marktplatz',
    lon: 10.0934,
    lat: 48.8372,
    streams: [temp('aa-markt'), noise('aa-markt')],
  },
  {
    key: 'aa-ph-mitte',
    city: 'aalen',
    name: 'Parkhaus Stadtmitte',
    place: 'Parkhaus Stadtmitte',
    lon: 10.0905,
    lat: 48.8365,
    streams: [parking('aa-ph-mitte', 'Parkhaus Stadtmitte', 420)],
  },
  {
    key: 'aa-ph-kocher',
    city: 'aalen',
    name: 'Parkhaus Kochertal',
    place: 'Parkhaus Kochertal',
    lon: 10.0988,
    lat: 48.8352,
    streams: [parking('aa-ph-kocher', 'Parkhaus Kochertal', 260)],
  },
  {
    key: 'aa-rad',
    city: 'aalen',
    name: 'Radzählstelle Kocher-Jagst-Radweg',
    place: 'Kocher-Jagst-Radweg',
    lon: 10.1012,
    lat: 48.8412,
    streams: [bikes('aa-rad')],
  },
  {
    key: 'aa-pegel',
    city: 'aalen',
    name: 'Pegel Kocher',
    place: 'Kocherbrücke',
    lon: 10.0878,
    lat: 48.8329,
    streams: [water('aa-pegel', 'Kocher')],
  },
  {
    key: 'hdh-brenzpark',
    city: 'heidenheim',
    name: 'Luftmessstation Brenzpark',
    place: 'Brenzpark',
    lon: 10.1469,
    lat: 48.6819,
    streams: [...air('hdh-brenzpark'), temp('hdh-brenzpark')],
  },
  {
    key: 'hdh-rathaus',
    city: 'heidenheim',
    name: 'Umweltsensor Eugen-Jaekle-Platz',
    place: 'Eugen-Jaekle-Platz',
    lon: 10.1531,
    lat: 48.6772,
    streams: [noise('hdh-rathaus')],
  },
  {
    key: 'hdh-ph-schloss',
    city: 'heidenheim',
    name: 'Parkhaus Schlossarkaden',
    place: 'Schlossarkaden',
    lon: 10.1543,
    lat: 48.6788,
    streams: [parking('hdh-ph-schloss', 'Parkhaus Schlossarkaden', 600)],
  },
  {
    key: 'hdh-pegel',
    city: 'heidenheim',
    name: 'Pegel Brenz',
    place: 'Brenzufer Mühlkanal',
    lon: 10.1496,
    lat: 48.6755,
    streams: [water('hdh-pegel', 'Brenz'), bikes('hdh-rad')],
  },
];

function hash(s: string): number {
  let h = 2166136261;
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) / 2 ** 32;
}

/** A plausible value for a stream at time t: daily cycles, rush hours, a little deterministic noise. */
export function simulatedValue(s: StreamDef, t: Date): number {
  const hour =
    Number(
      new Intl.DateTimeFormat('en-GB', {
        hour: 'numeric',
        hourCycle: 'h23',
        timeZone: 'Europe/Berlin',
      }).format(t),
    ) +
    t.getUTCMinutes() / 60;
  const day = Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const rush = Math.exp(-((hour - 8) ** 2) / 2) + Math.exp(-((hour - 17) ** 2) / 3);
  const noise = hash(`${s.key}:${Math.floor(t.getTime() / 600_000)}`) - 0.5;
  const round1 = (n: number) => Math.round(n * 10) / 10;
  switch (s.key.split('-').pop()) {
    case 'pm10':
      return round1(Math.max(2, 16 + 6 * rush + 4 * noise));
    case 'no2':
      return round1(Math.max(3, 18 + 22 * rush + 6 * noise));
    case 'o3':
      return round1(Math.max(5, 45 + 30 * Math.max(0, day) + 8 * noise));
    case 'temp':
      return round1(7 + 5 * day + noise);
    case 'noise':
      return round1(48 + 12 * rush + 4 * Math.max(0, day) + 3 * noise);
    case 'pegel':
      return round1(118 + 6 * Math.sin(t.getTime() / 86_400_000) + 2 * noise);
    case 'rad':
      return Math.max(0, Math.round(3 + 30 * rush * (hour > 6 && hour < 21 ? 1 : 0.1) + 4 * noise));
    default: {
      const occupancy = Math.min(
        0.97,
        0.15 + 0.7 * Math.max(0, Math.sin(((hour - 7) / 13) * Math.PI)) + 0.1 * noise,
      );
      return Math.max(0, Math.round((s.scale ?? 100) * (1 - occupancy)));
    }
  }
}

async function upsertObservedProperty(db: Db, s: StreamDef): Promise<number> {
  const found = await one<{ id: string }>(
    db,
    sql`SELECT id FROM sta_observed_properties WHERE name = ${s.property} AND definition = ${s.definition}`,
  );
  if (found) return Number(found.id);
  const r = await one<{ id: string }>(
    db,
    sql`INSERT INTO sta_observed_properties (name, definition, description) VALUES (${s.property}, ${s.definition}, ${s.property}) RETURNING id`,
  );
  return Number(r!.id);
}

/** Creates the demo stations (once) and fills two days of history for streams without data. */
export async function seedSensors(
  db: Db,
  now = new Date(),
): Promise<{ datastreams: number; observations: number }> {
  const cities = new Map(
    (await rows<{ id: number; slug: string }>(db, sql`SELECT id, slug FROM cities`)).map((c) => [
      c.slug,
      c.id,
    ]),
  );
  let observations = 0;
  const inputs: ObservationInput[] = [];
  let count = 0;
  for (const st of STATIONS) {
    const cityId = cities.get(st.city);
    if (!cityId) continue;
    const props = JSON.stringify({ demoKey: st.key, simulated: true });
    let thing = await one<{ id: string }>(
      db,
      sql`SELECT id FROM sta_things WHERE properties->>'demoKey' = ${st.key}`,
    );
    if (!thing) {
      thing = await one<{ id: string }>(
        db,
        sql`INSERT INTO sta_things (city_id, name, description, properties)
        VALUES (${cityId}, ${st.name}, ${`Simulierte Messstation (Demo) – ${st.place}`}, ${props}::jsonb) RETURNING id`,
      );
      const point = JSON.stringify({ type: 'Point', coordinates: [st.lon, st.lat] });
      const loc = await one<{ id: string }>(
        db,
        sql`INSERT INTO sta_locations (city_id, name, description, location, geom)
        VALUES (${cityId}, ${st.place}, ${`${st.place}, ${st.city === 'aalen' ? 'Aalen' : 'Heidenheim an der Brenz'}`}, ${point}::jsonb,
          ST_SetSRID(ST_GeomFromGeoJSON(${point}), 4326)) RETURNING id`,
      );
      await db.execute(
        sql`INSERT INTO sta_thing_locations VALUES (${Number(thing!.id)}, ${Number(loc!.id)})`,
      );
      const h = await one<{ id: string }>(
        db,
        sql`INSERT INTO sta_historical_locations (thing_id) VALUES (${Number(thing!.id)}) RETURNING id`,
      );
      await db.execute(
        sql`INSERT INTO sta_historical_location_locations VALUES (${Number(h!.id)}, ${Number(loc!.id)})`,
      );
    }
    const thingId = Number(thing!.id);
    for (const s of st.streams) {
      count++;
      let ds = await one<{ id: string }>(
        db,
        sql`SELECT id FROM sta_datastreams WHERE properties->>'demoKey' = ${s.key}`,
      );
      if (!ds) {
        const sensor = await one<{ id: string }>(
          db,
          sql`INSERT INTO sta_sensors (city_id, name, description, encoding_type, metadata)
          VALUES (${cityId}, ${`Simulator ${s.property}`}, 'Simulierter Sensor der Demo', 'text/plain', 'Demo-Simulator der Stadtplattform') RETURNING id`,
        );
        const op = await upsertObservedProperty(db, s);
        ds = await one<{ id: string }>(
          db,
          sql`INSERT INTO sta_datastreams (city_id, thing_id, sensor_id, observed_property_id, name,
            description, observation_type, unit_of_measurement, properties, kind, threshold_value, threshold_direction, threshold_message, simulated)
          VALUES (${cityId}, ${thingId}, ${Number(sensor!.id)}, ${op}, ${`${s.name} ${st.place}`}, ${`${s.name} am Standort ${st.place} (simuliert)`},
            ${OBSERVATION_TYPES[s.type]}, ${JSON.stringify(s.unit)}::jsonb, ${JSON.stringify({ demoKey: s.key, simulated: true })}::jsonb,
            ${s.kind}, ${s.threshold?.value ?? null}, ${s.threshold?.direction ?? 'above'}, ${s.threshold?.message ?? null}, true) RETURNING id`,
        );
      }
      const id = Number(ds!.id);
      const has = await one(db, sql`SELECT 1 FROM sta_latest WHERE datastream_id = ${id}`);
      if (has) continue;
      const end = Math.floor(now.getTime() / 600_000) * 600_000;
      for (let t = end - 2 * 86_400_000; t <= end; t += 600_000) {
        const at = new Date(t);
        inputs.push({ datastreamId: id, phenomenonTime: at.toISOString(), result: simulatedValue(s, at) });
      }
    }
  }
  if (inputs.length) {
    const r = await ingestObservations(db, inputs, { cities: 'all' }, now);
    observations = r.created.length;
  }
  return { datastreams: count, observations };
}

/** Demo keys → datastream ids and definitions, for the simulator. */
export async function simulatedStreams(db: Db): Promise<{ id: number; def: StreamDef }[]> {
  const defs = new Map(STATIONS.flatMap((st) => st.streams.map((s) => [s.key, s] as const)));
  const list = await rows<{ id: string; key: string }>(
    db,
    sql`SELECT id, properties->>'demoKey' AS key FROM sta_datastreams WHERE simulated`,
  );
  return list.filter((r) => defs.has(r.key)).map((r) => ({ id: Number(r.id), def: defs.get(r.key)! }));
}
