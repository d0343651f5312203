/**
 * SensorThings create (with deep insert), update (PATCH) and delete. Observations go through the
 * ingest path (service.ts) so that every write is validated, counted and published the same way.
 */
import { audit } from '../../platform/audit/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { badRequest, forbidden, HttpError, notFound, unprocessable } from '../../platform/http/errors.ts';
import { cityAt } from '../../platform/tenancy/service.ts';
import type { SetName } from './model.ts';
import {
  COMPLEX_OBSERVATION,
  type CreatedObservation,
  type IngestResult,
  ingestMultiObservations,
  ingestObservations,
  type MultiObservationInput,
  mayWrite,
  multiResultError,
  OBSERVATION_TYPES,
  type ObservationInput,
  type Principal,
  type RejectionCount,
  rebuildRollups,
  resultTypeError,
} from './service.ts';

type Body = Record<string, unknown>;

export interface WriteResult {
  id: number;
  /** Observations created on the way (deep insert): the caller publishes them. */
  observations: CreatedObservation[];
}

const GEO_TYPES = [
  'Point',
  'LineString',
  'Polygon',
  'MultiPoint',
  'MultiLineString',
  'MultiPolygon',
  'Feature',
];

const STREAM_KEYS = [
  'name',
  'description',
  'observationType',
  'observedArea',
  'phenomenonTime',
  'resultTime',
  'properties',
  'Thing',
  'Sensor',
  'Observations',
];

const ALLOWED: Record<SetName, string[]> = {
  Things: [
    'name',
    'description',
    'properties',
    'Locations',
    'Datastreams',
    'MultiDatastreams',
    'HistoricalLocations',
  ],
  Locations: ['name', 'description', 'encodingType', 'location', 'properties', 'Things'],
  HistoricalLocations: ['time', 'Thing', 'Locations'],
  Datastreams: [...STREAM_KEYS, 'unitOfMeasurement', 'ObservedProperty'],
  MultiDatastreams: [...STREAM_KEYS, 'multiObservationDataTypes', 'unitOfMeasurements', 'ObservedProperties'],
  Sensors: [
    'name',
    'description',
    'encodingType',
    'metadata',
    'properties',
    'Datastreams',
    'MultiDatastreams',
  ],
  ObservedProperties: ['name', 'definition', 'description', 'properties', 'Datastreams', 'MultiDatastreams'],
  Observations: [
    'phenomenonTime',
    'resultTime',
    'result',
    'resultQuality',
    'validTime',
    'parameters',
    'Datastream',
    'MultiDatastream',
    'FeatureOfInterest',
  ],
  FeaturesOfInterest: ['name', 'description', 'encodingType', 'feature', 'properties', 'Observations'],
};

const TABLE: Record<SetName, string> = {
  Things: 'sta_things',
  Locations: 'sta_locations',
  HistoricalLocations: 'sta_historical_locations',
  Datastreams: 'sta_datastreams',
  MultiDatastreams: 'sta_multi_datastreams',
  Sensors: 'sta_sensors',
  ObservedProperties: 'sta_observed_properties',
  Observations: 'sta_observations',
  FeaturesOfInterest: 'sta_features_of_interest',
};

function checkKeys(set: SetName, body: Body, where: string) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest(`${where}: JSON-Objekt erwartet`);
  for (const k of Object.keys(body)) {
    if (k.startsWith('@iot.') || k.endsWith('@iot.navigationLink')) continue;
    if (!ALLOWED[set].includes(k))
      throw badRequest(`${where}: unbekannte Eigenschaft „${k}“`, { [k]: 'unbekannt' });
  }
}

function str(body: Body, key: string, where: string, required: boolean, max = 2000): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) {
    if (required) throw badRequest(`${where}: „${key}“ fehlt`, { [key]: 'fehlt' });
    return undefined;
  }
  if (typeof v !== 'string' || v.length > max || (required && !v.trim()))
    throw badRequest(`${where}: „${key}“ muss ein Text sein (höchstens ${max} Zeichen)`, {
      [key]: 'ungültig',
    });
  return v;
}

function obj(body: Body, key: string, where: string): Record<string, unknown> | null | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v))
    throw badRequest(`${where}: „${key}“ muss ein JSON-Objekt sein`, { [key]: 'ungültig' });
  return v as Record<string, unknown>;
}

function geo(body: Body, key: string, where: string, required: boolean): Record<string, unknown> | undefined {
  const v = obj(body, key, where);
  if (!v) {
    if (required) throw badRequest(`${where}: „${key}“ fehlt (GeoJSON)`, { [key]: 'fehlt' });
    return undefined;
  }
  const g = v.type === 'Feature' ? (v.geometry as Record<string, unknown> | undefined) : v;
  if (!g || !GEO_TYPES.includes(String(g.type)) || !Array.isArray(g.coordinates))
    throw badRequest(`${where}: „${key}“ ist kein GeoJSON-Geometrieobjekt`, { [key]: 'ungültig' });
  const flat = (g.coordinates as unknown[]).flat(4);
  if (!flat.every((n) => typeof n === 'number' && Number.isFinite(n)))
    throw badRequest(`${where}: Koordinaten müssen Zahlen sein`, { [key]: 'ungültig' });
  return v;
}

const geomOf = (g: Record<string, unknown>) => JSON.stringify(g.type === 'Feature' ? g.geometry : g);

function refId(v: unknown): number | undefined {
  if (v && typeof v === 'object' && '@iot.id' in v) {
    const id = Number((v as Body)['@iot.id']);
    if (!Number.isSafeInteger(id) || id <= 0) throw badRequest('@iot.id muss eine positive ganze Zahl sein');
    return id;
  }
  return undefined;
}

function list(body: Body, key: string, where: string): Body[] {
  const v = body[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw badRequest(`${where}: „${key}“ muss eine Liste sein`);
  return v as Body[];
}

/** A MultiDatastream's unitOfMeasurements: a list of JSON objects (n of them, where the count is fixed). */
function unitList(body: Body, where: string, n?: number): Body[] {
  const units = list(body, 'unitOfMeasurements', where);
  if (
    (n !== undefined && units.length !== n) ||
    !units.every((u) => u && typeof u === 'object' && !Array.isArray(u))
  )
    throw badRequest(
      `${where}: unitOfMeasurements muss eine Liste von ${n === undefined ? '' : `${n} `}JSON-Objekten sein`,
      { unitOfMeasurements: 'ungültig' },
    );
  return units;
}

/** The first refused observation of a write as its HTTP error: the whole request fails. */
function throwRefusal(results: IngestResult['results'], stream: 'Datastream' | 'MultiDatastream') {
  const bad = results.find((x) => !x.ok);
  if (!bad || bad.ok) return;
  if (bad.reason === 'forbidden') throw forbidden(bad.message);
  if (bad.reason === 'unknown_datastream') throw badRequest(bad.message, { [stream]: 'unbekannt' });
  throw badRequest(`Observation abgelehnt: ${bad.message}`, { result: bad.message });
}

export class Writer {
  readonly observations: CreatedObservation[] = [];
  /** Observations of MultiDatastreams created on the way (published separately: no latest values). */
  readonly multiObservations: CreatedObservation[] = [];
  /** Refusals of a write that is then rolled back: counted afterwards, outside the transaction. */
  rejections: RejectionCount[] = [];
  constructor(
    readonly db: Db,
    readonly principal: Principal,
  ) {}

  private async cityOf(set: SetName, id: number): Promise<number | null> {
    const q: Partial<Record<SetName, string>> = {
      Things: 'SELECT city_id FROM sta_things WHERE id = $1',
      Locations: 'SELECT city_id FROM sta_locations WHERE id = $1',
      Sensors: 'SELECT city_id FROM sta_sensors WHERE id = $1',
      Datastreams: 'SELECT city_id FROM sta_datastreams WHERE id = $1',
      MultiDatastreams: 'SELECT city_id FROM sta_multi_datastreams WHERE id = $1',
    };
    if (set === 'Observations') {
      const r = await one<{ city_id: number }>(
        this.db,
        sql`SELECT COALESCE(d.city_id, m.city_id) AS city_id FROM sta_observations o
            LEFT JOIN sta_datastreams d ON d.id = o.datastream_id
            LEFT JOIN sta_multi_datastreams m ON m.id = o.multi_datastream_id WHERE o.id = ${id}`,
      );
      if (!r) throw notFound(`Observation(${id}) gibt es nicht`);
      return r.city_id;
    }
    if (set === 'HistoricalLocations') {
      const r = await one<{ city_id: number }>(
        this.db,
        sql`SELECT t.city_id FROM sta_historical_locations h JOIN sta_things t ON t.id = h.thing_id WHERE h.id = ${id}`,
      );
      if (!r) throw notFound(`HistoricalLocation(${id}) gibt es nicht`);
      return r.city_id;
    }
    if (!q[set]) {
      const r = await one(this.db, sql`SELECT 1 FROM ${sql.raw(TABLE[set])} WHERE id = ${id}`);
      if (!r) throw notFound(`${set}(${id}) gibt es nicht`);
      return null;
    }
    const r = await one<{ city_id: number }>(
      this.db,
      sql`SELECT city_id FROM ${sql.raw(TABLE[set])} WHERE id = ${id}`,
    );
    if (!r) throw notFound(`${set}(${id}) gibt es nicht`);
    return r.city_id;
  }

  /** Existing entity by @iot.id, which the principal may use. */
  private async ref(set: SetName, id: number): Promise<number> {
    const city = await this.cityOf(set, id).catch((err) => {
      if (err instanceof HttpError && err.statusCode === 404) throw badRequest(`${set}(${id}) gibt es nicht`);
      throw err;
    });
    if (city !== null && (set === 'Things' || set === 'Locations') && !mayWrite(this.principal, city))
      throw forbidden();
    return id;
  }

  async assertMayChange(set: SetName, id: number): Promise<number | null> {
    const city = await this.cityOf(set, id);
    if (city === null ? this.principal.cities !== 'all' : !mayWrite(this.principal, city)) throw forbidden();
    return city;
  }

  private singleCity(where: string): number {
    const c = this.principal.cities;
    if (c !== 'all' && c.length === 1) return c[0]!;
    throw unprocessable(`${where}: Stadt nicht bestimmbar – bitte eine Location mit Koordinaten angeben`);
  }

  private async log(action: string, set: SetName, id: number, cityId: number | null) {
    await audit(this.db, {
      actorId: this.principal.userId,
      cityId,
      action: `sta.${action}`,
      entityType: set,
      entityId: String(id),
      details: this.principal.keyId ? { apiKey: this.principal.keyId } : {},
    });
  }

  async create(set: SetName, body: Body, ctx: { cityId?: number } = {}): Promise<number> {
    checkKeys(set, body, set);
    switch (set) {
      case 'Things':
        return this.createThing(body);
      case 'Locations':
        return this.createLocation(body, ctx.cityId);
      case 'HistoricalLocations':
        return this.createHistoricalLocation(body);
      case 'Datastreams':
        return this.createDatastream(body, undefined);
      case 'MultiDatastreams':
        return this.createMultiDatastream(body, undefined);
      case 'Sensors':
        return this.createSensor(body, ctx.cityId);
      case 'ObservedProperties':
        return this.createObservedProperty(body);
      case 'Observations':
        return this.createObservation(body, {});
      case 'FeaturesOfInterest':
        return this.createFoi(body);
    }
  }

  /** An existing entity by @iot.id, or a new one (deep insert). */
  private async refOrCreate(
    set: SetName,
    v: Body,
    ctx: { cityId?: number | undefined } = {},
  ): Promise<number> {
    const id = refId(v);
    return id !== undefined ? this.ref(set, id) : this.create(set, v, ctx as { cityId?: number });
  }

  private async createThing(body: Body): Promise<number> {
    const name = str(body, 'name', 'Thing', true, 300)!;
    const description = str(body, 'description', 'Thing', false) ?? '';
    const properties = obj(body, 'properties', 'Thing');
    const locs: number[] = [];
    for (const l of list(body, 'Locations', 'Thing')) locs.push(await this.refOrCreate('Locations', l));
    let cityId: number | undefined;
    if (locs.length) cityId = (await this.cityOf('Locations', locs[0]!)) ?? undefined;
    cityId ??= this.singleCity('Thing');
    if (!mayWrite(this.principal, cityId)) throw forbidden();
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_things (city_id, name, description, properties)
          VALUES (${cityId}, ${name}, ${description}, ${properties ? JSON.stringify(properties) : null}::jsonb) RETURNING id`,
    );
    const id = Number(row!.id);
    if (locs.length) await this.setLocations(id, locs);
    for (const d of list(body, 'Datastreams', 'Thing')) {
      if (refId(d) !== undefined)
        throw badRequest('Bestehende Datastreams lassen sich nicht an ein neues Thing hängen');
      checkKeys('Datastreams', d, 'Datastream');
      await this.createDatastream(d, id);
    }
    for (const d of list(body, 'MultiDatastreams', 'Thing')) {
      if (refId(d) !== undefined)
        throw badRequest('Bestehende MultiDatastreams lassen sich nicht an ein neues Thing hängen');
      checkKeys('MultiDatastreams', d, 'MultiDatastream');
      await this.createMultiDatastream(d, id);
    }
    await this.log('create', 'Things', id, cityId);
    return id;
  }

  /** Links a Thing to Locations and records the move as a HistoricalLocation. */
  private async setLocations(thingId: number, locs: number[]) {
    await this.db.execute(sql`DELETE FROM sta_thing_locations WHERE thing_id = ${thingId}`);
    await this.db.execute(sql`INSERT INTO sta_thing_locations (thing_id, location_id)
      SELECT ${thingId}, unnest(${sql.param(locs)}::bigint[]) ON CONFLICT DO NOTHING`);
    const h = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_historical_locations (thing_id) VALUES (${thingId}) RETURNING id`,
    );
    await this.db.execute(sql`INSERT INTO sta_historical_location_locations (historical_location_id, location_id)
      SELECT ${Number(h!.id)}, unnest(${sql.param(locs)}::bigint[]) ON CONFLICT DO NOTHING`);
  }

  private async createLocation(body: Body, cityHint: number | undefined): Promise<number> {
    const name = str(body, 'name', 'Location', true, 300)!;
    const description = str(body, 'description', 'Location', false) ?? '';
    const encodingType = str(body, 'encodingType', 'Location', false, 100) ?? 'application/geo+json';
    const location = geo(body, 'location', 'Location', true)!;
    const properties = obj(body, 'properties', 'Location');
    const p = await one<{ lon: number; lat: number }>(
      this.db,
      sql`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON(${geomOf(location)}), 4326)) AS c) x`,
    ).catch(() => {
      throw badRequest('Location: „location“ ist keine gültige Geometrie');
    });
    // The responsible city follows from the point; outside every city a single-city writer's city.
    const city = p ? await cityAt(this.db, p.lon, p.lat) : undefined;
    const cityId = city?.id ?? cityHint ?? this.singleCity('Location');
    if (!mayWrite(this.principal, cityId)) throw forbidden('Dieser Ort liegt nicht in Ihrer Stadt');
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_locations (city_id, name, description, encoding_type, location, geom, properties)
          VALUES (${cityId}, ${name}, ${description}, ${encodingType}, ${JSON.stringify(location)}::jsonb,
            ST_SetSRID(ST_GeomFromGeoJSON(${geomOf(location)}), 4326), ${properties ? JSON.stringify(properties) : null}::jsonb)
          RETURNING id`,
    );
    const id = Number(row!.id);
    for (const t of list(body, 'Things', 'Location')) {
      const thing =
        refId(t) !== undefined ? await this.ref('Things', refId(t)!) : await this.create('Things', t);
      const current = await rows<{ location_id: string }>(
        this.db,
        sql`SELECT location_id FROM sta_thing_locations WHERE thing_id = ${thing}`,
      );
      await this.setLocations(thing, [...current.map((c) => Number(c.location_id)), id]);
    }
    await this.log('create', 'Locations', id, cityId);
    return id;
  }

  private async createHistoricalLocation(body: Body): Promise<number> {
    const thing = refId(body.Thing);
    if (thing === undefined) throw badRequest('HistoricalLocation: „Thing“ mit @iot.id fehlt');
    await this.ref('Things', thing);
    const time = str(body, 'time', 'HistoricalLocation', false, 40);
    if (time !== undefined && Number.isNaN(Date.parse(time)))
      throw badRequest('HistoricalLocation: „time“ ungültig');
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_historical_locations (thing_id, time) VALUES (${thing}, COALESCE(${time ?? null}::timestamptz, now())) RETURNING id`,
    );
    const id = Number(row!.id);
    for (const l of list(body, 'Locations', 'HistoricalLocation')) {
      const loc = await this.refOrCreate('Locations', l);
      await this.db.execute(
        sql`INSERT INTO sta_historical_location_locations VALUES (${id}, ${loc}) ON CONFLICT DO NOTHING`,
      );
    }
    return id;
  }

  private async createSensor(body: Body, cityHint: number | undefined): Promise<number> {
    const cityId = cityHint ?? this.singleCity('Sensor');
    if (!mayWrite(this.principal, cityId)) throw forbidden();
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_sensors (city_id, name, description, encoding_type, metadata, properties)
          VALUES (${cityId}, ${str(body, 'name', 'Sensor', true, 300)!}, ${str(body, 'description', 'Sensor', false) ?? ''},
            ${str(body, 'encodingType', 'Sensor', false, 100) ?? 'text/html'}, ${str(body, 'metadata', 'Sensor', false) ?? ''},
            ${JSON.stringify(obj(body, 'properties', 'Sensor') ?? null)}::jsonb) RETURNING id`,
    );
    await this.log('create', 'Sensors', Number(row!.id), cityId);
    return Number(row!.id);
  }

  private async createObservedProperty(body: Body): Promise<number> {
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_observed_properties (name, definition, description, properties)
          VALUES (${str(body, 'name', 'ObservedProperty', true, 300)!}, ${str(body, 'definition', 'ObservedProperty', false) ?? ''},
            ${str(body, 'description', 'ObservedProperty', false) ?? ''}, ${JSON.stringify(obj(body, 'properties', 'ObservedProperty') ?? null)}::jsonb)
          RETURNING id`,
    );
    await this.log('create', 'ObservedProperties', Number(row!.id), null);
    return Number(row!.id);
  }

  private async createFoi(body: Body): Promise<number> {
    const feature = geo(body, 'feature', 'FeatureOfInterest', true)!;
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_features_of_interest (name, description, encoding_type, feature, geom, properties)
          VALUES (${str(body, 'name', 'FeatureOfInterest', true, 300)!}, ${str(body, 'description', 'FeatureOfInterest', false) ?? ''},
            ${str(body, 'encodingType', 'FeatureOfInterest', false, 100) ?? 'application/geo+json'}, ${JSON.stringify(feature)}::jsonb,
            ST_SetSRID(ST_GeomFromGeoJSON(${geomOf(feature)}), 4326), ${JSON.stringify(obj(body, 'properties', 'FeatureOfInterest') ?? null)}::jsonb)
          RETURNING id`,
    ).catch((err) => {
      if (err instanceof HttpError) throw err;
      throw badRequest('FeatureOfInterest: „feature“ ist keine gültige Geometrie');
    });
    return Number(row!.id);
  }

  private async createDatastream(body: Body, thingFromParent: number | undefined): Promise<number> {
    const name = str(body, 'name', 'Datastream', true, 300)!;
    const observationType = str(body, 'observationType', 'Datastream', true, 200)!;
    if (!(Object.values(OBSERVATION_TYPES) as string[]).includes(observationType))
      throw badRequest('Datastream: unbekannter observationType', { observationType: 'unbekannt' });
    const unit = obj(body, 'unitOfMeasurement', 'Datastream');
    if (!unit) throw badRequest('Datastream: „unitOfMeasurement“ fehlt', { unitOfMeasurement: 'fehlt' });
    const o = body.ObservedProperty as Body | undefined;
    if (!o) throw badRequest('Datastream: „ObservedProperty“ fehlt', { ObservedProperty: 'fehlt' });
    const { thing, cityId, sensor } = await this.thingAndSensor(body, 'Datastream', thingFromParent);
    const op = await this.refOrCreate('ObservedProperties', o);
    const area = geo(body, 'observedArea', 'Datastream', false);
    const properties = obj(body, 'properties', 'Datastream');
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_datastreams (city_id, thing_id, sensor_id, observed_property_id, name, description,
            observation_type, unit_of_measurement, observed_area, properties, simulated)
          VALUES (${cityId}, ${thing}, ${sensor}, ${op}, ${name}, ${str(body, 'description', 'Datastream', false) ?? ''},
            ${observationType}, ${JSON.stringify(unit)}::jsonb,
            ${area ? sql`ST_SetSRID(ST_GeomFromGeoJSON(${geomOf(area)}), 4326)` : sql`NULL`},
            ${properties ? JSON.stringify(properties) : null}::jsonb, ${properties?.simulated === true}) RETURNING id`,
    );
    const id = Number(row!.id);
    await this.log('create', 'Datastreams', id, cityId);
    const obs = list(body, 'Observations', 'Datastream');
    for (const ob of obs) checkKeys('Observations', ob, 'Observation');
    if (obs.length)
      await this.ingest(obs.map((ob) => this.observationInput(ob, { ds: id }) as ObservationInput));
    return id;
  }

  /** The Thing (from the parent, by @iot.id or inline), its city, which the principal must write, and the Sensor. */
  private async thingAndSensor(body: Body, where: string, thingFromParent: number | undefined) {
    const t = body.Thing as Body | undefined;
    if (thingFromParent === undefined && !t) throw badRequest(`${where}: „Thing“ fehlt`, { Thing: 'fehlt' });
    const thing = thingFromParent ?? (await this.refOrCreate('Things', t!));
    const cityId = (await this.cityOf('Things', thing))!;
    if (!mayWrite(this.principal, cityId)) throw forbidden();
    const s = body.Sensor as Body | undefined;
    if (!s) throw badRequest(`${where}: „Sensor“ fehlt`, { Sensor: 'fehlt' });
    const sensor = await this.refOrCreate('Sensors', s, { cityId });
    return { thing, cityId, sensor };
  }

  private async createMultiDatastream(body: Body, thingFromParent: number | undefined): Promise<number> {
    const where = 'MultiDatastream';
    const name = str(body, 'name', where, true, 300)!;
    if (str(body, 'observationType', where, true, 200) !== COMPLEX_OBSERVATION)
      throw badRequest(`${where}: observationType muss ${COMPLEX_OBSERVATION} sein`, {
        observationType: 'ungültig',
      });
    const types = list(body, 'multiObservationDataTypes', where) as unknown[];
    const units = unitList(body, where);
    const ops = list(body, 'ObservedProperties', where);
    if (!types.every((x) => (Object.values(OBSERVATION_TYPES) as unknown[]).includes(x)))
      throw badRequest(`${where}: unbekannter Typ in multiObservationDataTypes`, {
        multiObservationDataTypes: 'unbekannt',
      });
    if (!ops.length || types.length !== ops.length || units.length !== ops.length)
      throw badRequest(
        `${where}: ObservedProperties, multiObservationDataTypes und unitOfMeasurements brauchen gleich viele Einträge (mindestens einen)`,
        { ObservedProperties: 'Anzahl' },
      );
    const { thing, cityId, sensor } = await this.thingAndSensor(body, where, thingFromParent);
    const opIds: number[] = [];
    for (const o of ops) opIds.push(await this.refOrCreate('ObservedProperties', o));
    if (new Set(opIds).size !== opIds.length)
      throw badRequest(`${where}: jede ObservedProperty nur einmal`, { ObservedProperties: 'doppelt' });
    const area = geo(body, 'observedArea', where, false);
    const properties = obj(body, 'properties', where);
    const row = await one<{ id: string }>(
      this.db,
      sql`INSERT INTO sta_multi_datastreams (city_id, thing_id, sensor_id, name, description, observation_type,
            multi_observation_data_types, unit_of_measurements, observed_area, properties)
          VALUES (${cityId}, ${thing}, ${sensor}, ${name}, ${str(body, 'description', where, false) ?? ''},
            ${COMPLEX_OBSERVATION}, ${JSON.stringify(types)}::jsonb, ${JSON.stringify(units)}::jsonb,
            ${area ? sql`ST_SetSRID(ST_GeomFromGeoJSON(${geomOf(area)}), 4326)` : sql`NULL`},
            ${properties ? JSON.stringify(properties) : null}::jsonb) RETURNING id`,
    );
    const id = Number(row!.id);
    await this.db.execute(sql`INSERT INTO sta_multi_datastream_observed_properties
      (multi_datastream_id, observed_property_id, position)
      SELECT ${id}, op, ord - 1 FROM unnest(${sql.param(opIds)}::bigint[]) WITH ORDINALITY AS x(op, ord)`);
    await this.log('create', 'MultiDatastreams', id, cityId);
    const obs = list(body, 'Observations', where);
    for (const ob of obs) checkKeys('Observations', ob, 'Observation');
    if (obs.length)
      await this.ingestMulti(
        obs.map((ob) => this.observationInput(ob, { mds: id }) as MultiObservationInput),
      );
    return id;
  }

  /** stream: the parent (Datastream or MultiDatastream) the body arrived under, if any. */
  observationInput(
    body: Body,
    stream: { ds?: number; mds?: number },
    foi?: number,
  ): ObservationInput | MultiObservationInput {
    const ds = stream.ds ?? refId(body.Datastream);
    const mds = stream.mds ?? refId(body.MultiDatastream);
    if ((ds === undefined) === (mds === undefined))
      throw badRequest(
        'Observation: genau eines von „Datastream“ und „MultiDatastream“ mit @iot.id angeben',
        {
          Datastream: 'fehlt',
        },
      );
    const time = (k: string) => {
      const v = body[k];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') throw badRequest(`Observation: „${k}“ muss eine ISO-8601-Zeit sein`);
      return v;
    };
    if (!('result' in body)) throw badRequest('Observation: „result“ fehlt', { result: 'fehlt' });
    return {
      ...(ds !== undefined ? { datastreamId: ds } : { multiDatastreamId: mds! }),
      phenomenonTime: time('phenomenonTime'),
      resultTime: time('resultTime'),
      result: body.result,
      resultQuality: body.resultQuality,
      validTime: time('validTime'),
      parameters: body.parameters,
      featureOfInterestId: foi,
    };
  }

  async ingest(inputs: ObservationInput[]): Promise<CreatedObservation[]> {
    const r = await ingestObservations(this.db, inputs, this.principal);
    this.rejections = r.rejections;
    throwRefusal(r.results, 'Datastream');
    this.observations.push(...r.created);
    return r.created;
  }

  async ingestMulti(inputs: MultiObservationInput[]): Promise<CreatedObservation[]> {
    const r = await ingestMultiObservations(this.db, inputs, this.principal);
    throwRefusal(r.results, 'MultiDatastream');
    this.multiObservations.push(...r.created);
    return r.created;
  }

  private async createObservation(body: Body, stream: { ds?: number; mds?: number }): Promise<number> {
    const f = body.FeatureOfInterest as Body | undefined;
    const foi = f ? await this.refOrCreate('FeaturesOfInterest', f) : undefined;
    const input = this.observationInput(body, stream, foi);
    const created =
      'multiDatastreamId' in input ? await this.ingestMulti([input]) : await this.ingest([input]);
    if (foi === undefined) {
      const has = await one<{ f: string | null }>(
        this.db,
        sql`SELECT feature_of_interest_id AS f FROM sta_observations WHERE id = ${created[0]!.id}`,
      );
      if (!has?.f)
        throw badRequest('Observation: kein FeatureOfInterest angegeben und das Thing hat keine Location');
    }
    return created[0]!.id;
  }

  // ---- update ----

  async update(set: SetName, id: number, body: Body): Promise<void> {
    checkKeys(set, body, set);
    const cityId = await this.assertMayChange(set, id);
    const sets: ReturnType<typeof sql>[] = [];
    /** A Datastream's observation being changed: its rollups and latest value follow. */
    let oldObservation: { ds: number; time: Date } | undefined;
    const text = (key: string, col: string, required = false, max = 2000) => {
      if (!(key in body)) return;
      sets.push(sql`${sql.raw(col)} = ${str(body, key, set, required, max) ?? ''}`);
    };
    const json = (key: string, col: string) => {
      if (!(key in body)) return;
      sets.push(sql`${sql.raw(col)} = ${JSON.stringify(obj(body, key, set) ?? null)}::jsonb`);
    };
    const geomCol = (key: string, jsonCol: string | null, col: string) => {
      if (!(key in body)) return;
      const g = geo(body, key, set, jsonCol !== null)!;
      if (jsonCol) sets.push(sql`${sql.raw(jsonCol)} = ${JSON.stringify(g)}::jsonb`);
      sets.push(
        sql`${sql.raw(col)} = ${g ? sql`ST_SetSRID(ST_GeomFromGeoJSON(${geomOf(g)}), 4326)` : sql`NULL`}`,
      );
    };
    for (const k of ['name']) text(k, 'name', true, 300);
    text('description', 'description');
    json('properties', 'properties');
    switch (set) {
      case 'Locations':
        text('encodingType', 'encoding_type', true, 100);
        geomCol('location', 'location', 'geom');
        break;
      case 'FeaturesOfInterest':
        text('encodingType', 'encoding_type', true, 100);
        geomCol('feature', 'feature', 'geom');
        break;
      case 'Sensors':
        text('encodingType', 'encoding_type', true, 100);
        text('metadata', 'metadata');
        break;
      case 'ObservedProperties':
        text('definition', 'definition');
        break;
      case 'HistoricalLocations':
        if ('time' in body) sets.push(sql`time = ${str(body, 'time', set, true, 40)!}::timestamptz`);
        break;
      case 'MultiDatastreams':
      case 'Datastreams':
        if ('observationType' in body) throw badRequest('observationType lässt sich nicht ändern');
        if (set === 'MultiDatastreams') {
          // Stored results are arrays of this shape: types and properties stay as they are.
          for (const k of ['multiObservationDataTypes', 'ObservedProperties'])
            if (k in body) throw badRequest(`${k} lässt sich nicht ändern`);
          if ('unitOfMeasurements' in body) {
            const n = await one<{ n: number }>(
              this.db,
              sql`SELECT jsonb_array_length(multi_observation_data_types) AS n FROM sta_multi_datastreams WHERE id = ${id}`,
            );
            const units = unitList(body, 'MultiDatastream', Number(n!.n));
            sets.push(sql`unit_of_measurements = ${JSON.stringify(units)}::jsonb`);
          }
        } else json('unitOfMeasurement', 'unit_of_measurement');
        geomCol('observedArea', null, 'observed_area');
        for (const [k, col, s] of [
          ['Sensor', 'sensor_id', 'Sensors'],
          ['ObservedProperty', 'observed_property_id', 'ObservedProperties'],
        ] as const) {
          if (k in body) sets.push(sql`${sql.raw(col)} = ${await this.ref(s, refId(body[k]) ?? 0)}`);
        }
        if ('Thing' in body) {
          const t = await this.ref('Things', refId(body.Thing) ?? 0);
          sets.push(sql`thing_id = ${t}, city_id = ${(await this.cityOf('Things', t))!}`);
        }
        break;
      case 'Observations': {
        const cur = await one<{
          datastream_id: string | null;
          observation_type: string;
          types: string[] | null;
          t: string | Date;
        }>(
          this.db,
          sql`SELECT o.datastream_id, d.observation_type, m.multi_observation_data_types AS types,
                o.phenomenon_time AS t FROM sta_observations o
              LEFT JOIN sta_datastreams d ON d.id = o.datastream_id
              LEFT JOIN sta_multi_datastreams m ON m.id = o.multi_datastream_id WHERE o.id = ${id}`,
        );
        if (cur!.datastream_id !== null)
          oldObservation = { ds: Number(cur!.datastream_id), time: new Date(cur!.t) };
        if ('result' in body) {
          const check = cur!.types
            ? multiResultError(cur!.types, body.result)
            : resultTypeError(cur!.observation_type, body.result);
          if (check) throw badRequest(`Observation abgelehnt: ${check}`, { result: check });
          const n = typeof body.result === 'number' ? body.result : null;
          sets.push(
            sql`result_number = ${n}, result_json = ${n === null ? JSON.stringify(body.result) : null}::jsonb`,
          );
        }
        for (const [k, col] of [
          ['phenomenonTime', 'phenomenon_time'],
          ['resultTime', 'result_time'],
        ] as const) {
          if (!(k in body)) continue;
          const v = body[k];
          if (typeof v !== 'string' || Number.isNaN(Date.parse(v.split('/')[0]!)))
            throw badRequest(`Observation: „${k}“ muss eine ISO-8601-Zeit sein`);
          sets.push(sql`${sql.raw(col)} = ${v.split('/')[0]!}::timestamptz`);
        }
        if ('resultQuality' in body)
          sets.push(sql`result_quality = ${JSON.stringify(body.resultQuality ?? null)}::jsonb`);
        if ('parameters' in body) json('parameters', 'parameters');
        if ('Datastream' in body || 'MultiDatastream' in body)
          throw badRequest('Der (Multi)Datastream einer Observation lässt sich nicht ändern');
        if ('FeatureOfInterest' in body)
          sets.push(
            sql`feature_of_interest_id = ${await this.ref('FeaturesOfInterest', refId(body.FeatureOfInterest) ?? 0)}`,
          );
        break;
      }
      case 'Things':
        if ('Locations' in body) {
          const locs: number[] = [];
          for (const l of list(body, 'Locations', 'Thing'))
            locs.push(await this.refOrCreate('Locations', l, { cityId: cityId ?? undefined }));
          await this.setLocations(id, locs);
        }
        break;
    }
    if (sets.length) {
      await this.db.execute(
        sql`UPDATE ${sql.raw(TABLE[set])} SET ${sql.join(sets, sql`, `)} WHERE id = ${id}`,
      );
    }
    if (oldObservation) {
      // The rollup hours the observation left and entered, and the latest value.
      const now = await one<{ t: string | Date }>(
        this.db,
        sql`SELECT phenomenon_time AS t FROM sta_observations WHERE id = ${id}`,
      );
      await rebuildRollups(this.db, oldObservation.ds, oldObservation.time, oldObservation.time);
      await rebuildRollups(this.db, oldObservation.ds, new Date(now!.t), new Date(now!.t));
      await recomputeLatest(this.db, oldObservation.ds);
    }
    if (set !== 'Observations') await this.log('update', set, id, cityId);
  }

  async remove(set: SetName, id: number): Promise<void> {
    const cityId = await this.assertMayChange(set, id);
    if (set === 'Observations') {
      const r = await one<{ ds: string | null; t: string | Date }>(
        this.db,
        sql`DELETE FROM sta_observations WHERE id = ${id} RETURNING datastream_id AS ds, phenomenon_time AS t`,
      );
      // MultiDatastreams have no latest values and rollups.
      if (r!.ds === null) return;
      await recomputeLatest(this.db, Number(r!.ds));
      await rebuildRollups(this.db, Number(r!.ds), new Date(r!.t), new Date(r!.t));
      return;
    }
    // A MultiDatastream without one of its ObservedProperties would no longer fit its results; as a
    // Datastream goes with its ObservedProperty, so does it.
    if (set === 'ObservedProperties')
      await this.db.execute(sql`DELETE FROM sta_multi_datastreams WHERE id IN (SELECT multi_datastream_id
        FROM sta_multi_datastream_observed_properties WHERE observed_property_id = ${id})`);
    await this.db.execute(sql`DELETE FROM ${sql.raw(TABLE[set])} WHERE id = ${id}`);
    await this.log('delete', set, id, cityId);
  }
}

export async function recomputeLatest(db: Db, datastreamId: number) {
  await db.execute(sql`DELETE FROM sta_latest WHERE datastream_id = ${datastreamId}`);
  await db.execute(sql`INSERT INTO sta_latest (datastream_id, observation_id, phenomenon_time, result_number, result_json)
    SELECT datastream_id, id, phenomenon_time, result_number, result_json FROM sta_observations
    WHERE datastream_id = ${datastreamId} ORDER BY phenomenon_time DESC, id DESC LIMIT 1`);
}
