/** SQL of digital signage; no rules here (service.ts has them). */
import { type Db, one, rows, sql } from '../../platform/db/index.ts';

export interface SteleRow {
  id: number;
  city_id: number;
  name: string;
  place: string;
  lon: number | null;
  lat: number | null;
  orientation: 'portrait' | 'landscape';
  width: number;
  height: number;
  key_version: number;
  bonus_place_id: number | null;
  active: boolean;
  last_seen_at: Date | null;
  last_slide_id: number | null;
  last_emergency_id: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface SlideRow {
  id: number;
  stele_id: number;
  position: number;
  kind: string;
  title: string;
  body: string;
  link: string;
  duration_seconds: number;
  weekdays: number;
  time_from: string | null;
  time_to: string | null;
  enabled: boolean;
}

export interface EmergencyRow {
  id: number;
  city_id: number;
  title: string;
  body: string;
  created_at: Date;
  ends_at: Date | null;
  cleared_at: Date | null;
}

/** column IN the given cities ('all' for region-wide staff). */
const inCities = (column: string, cityIds: number[] | 'all') =>
  cityIds === 'all'
    ? sql`TRUE`
    : sql`${sql.raw(column)} = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;

const STELE_COLUMNS = sql`s.id, s.city_id, s.name, s.place, ST_X(s.location) AS lon, ST_Y(s.location) AS lat,
  s.orientation, s.width, s.height, s.key_version, s.bonus_place_id, s.active, s.last_seen_at, s.last_slide_id,
  s.last_emergency_id, s.created_at, s.updated_at`;

export const getStele = (db: Db, id: number) =>
  one<SteleRow>(db, sql`SELECT ${STELE_COLUMNS} FROM signage_steles s WHERE s.id = ${id}`);

export function listSteles(db: Db, cityIds: number[] | 'all'): Promise<SteleRow[]> {
  return rows<SteleRow>(
    db,
    sql`SELECT ${STELE_COLUMNS} FROM signage_steles s JOIN cities c ON c.id = s.city_id
        WHERE ${inCities('s.city_id', cityIds)} ORDER BY c.sort, s.name, s.id`,
  );
}

export interface SteleValues {
  cityId: number;
  name: string;
  place: string;
  lon: number | null;
  lat: number | null;
  orientation: 'portrait' | 'landscape';
  width: number;
  height: number;
  bonusPlaceId: number | null;
}

const pointOf = (v: SteleValues) =>
  v.lon === null || v.lat === null ? sql`NULL` : sql`ST_SetSRID(ST_MakePoint(${v.lon}, ${v.lat}), 4326)`;

export async function insertStele(db: Db, v: SteleValues): Promise<number> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO signage_steles (city_id, name, place, location, orientation, width, height, bonus_place_id)
        VALUES (${v.cityId}, ${v.name}, ${v.place}, ${pointOf(v)}, ${v.orientation}, ${v.width}, ${v.height},
          ${v.bonusPlaceId}) RETURNING id`,
  );
  return r!.id;
}

export async function updateStele(db: Db, id: number, v: SteleValues): Promise<void> {
  await db.execute(sql`UPDATE signage_steles SET name = ${v.name}, place = ${v.place}, location = ${pointOf(v)},
      orientation = ${v.orientation}, width = ${v.width}, height = ${v.height}, bonus_place_id = ${v.bonusPlaceId},
      updated_at = now() WHERE id = ${id}`);
}

export async function bumpKeyVersion(db: Db, id: number): Promise<void> {
  await db.execute(
    sql`UPDATE signage_steles SET key_version = key_version + 1, updated_at = now() WHERE id = ${id}`,
  );
}

export async function deleteStele(db: Db, id: number): Promise<void> {
  await db.execute(sql`DELETE FROM signage_steles WHERE id = ${id}`);
}

export async function recordHeartbeat(
  db: Db,
  id: number,
  slideId: number | null,
  emergencyId: number | null,
): Promise<void> {
  await db.execute(sql`UPDATE signage_steles SET last_seen_at = now(), last_slide_id = ${slideId},
      last_emergency_id = ${emergencyId} WHERE id = ${id}`);
}

export const listSlides = (db: Db, steleId: number) =>
  rows<SlideRow>(
    db,
    sql`SELECT id, stele_id, position, kind, title, body, link, duration_seconds, weekdays,
          to_char(time_from, 'HH24:MI') AS time_from, to_char(time_to, 'HH24:MI') AS time_to, enabled
        FROM signage_slides WHERE stele_id = ${steleId} ORDER BY position, id`,
  );

export interface SlideValues {
  kind: string;
  title: string;
  body: string;
  link: string;
  durationSeconds: number;
  weekdays: number;
  timeFrom: string | null;
  timeTo: string | null;
  enabled: boolean;
}

export async function insertSlide(db: Db, steleId: number, v: SlideValues): Promise<number> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO signage_slides (stele_id, position, kind, title, body, link, duration_seconds, weekdays,
          time_from, time_to, enabled)
        VALUES (${steleId},
          (SELECT coalesce(max(position), 0) + 1 FROM signage_slides WHERE stele_id = ${steleId}),
          ${v.kind}, ${v.title}, ${v.body}, ${v.link}, ${v.durationSeconds}, ${v.weekdays},
          ${v.timeFrom}::time, ${v.timeTo}::time, ${v.enabled})
        RETURNING id`,
  );
  return r!.id;
}

export async function updateSlide(db: Db, id: number, v: SlideValues): Promise<void> {
  await db.execute(sql`UPDATE signage_slides SET kind = ${v.kind}, title = ${v.title}, body = ${v.body},
      link = ${v.link}, duration_seconds = ${v.durationSeconds}, weekdays = ${v.weekdays},
      time_from = ${v.timeFrom}::time, time_to = ${v.timeTo}::time, enabled = ${v.enabled}, updated_at = now()
      WHERE id = ${id}`);
}

export async function deleteSlide(db: Db, id: number): Promise<void> {
  await db.execute(sql`DELETE FROM signage_slides WHERE id = ${id}`);
}

/** Swaps a slide with its neighbour (direction -1 up, +1 down). */
export async function moveSlide(db: Db, slide: SlideRow, direction: -1 | 1): Promise<void> {
  const neighbour = await one<{ id: number; position: number }>(
    db,
    direction < 0
      ? sql`SELECT id, position FROM signage_slides WHERE stele_id = ${slide.stele_id}
            AND (position, id) < (${slide.position}, ${slide.id}) ORDER BY position DESC, id DESC LIMIT 1`
      : sql`SELECT id, position FROM signage_slides WHERE stele_id = ${slide.stele_id}
            AND (position, id) > (${slide.position}, ${slide.id}) ORDER BY position, id LIMIT 1`,
  );
  if (!neighbour) return;
  const [a, b] = [
    slide.position,
    neighbour.position === slide.position ? slide.position + direction : neighbour.position,
  ];
  await db.execute(sql`UPDATE signage_slides SET position = ${b} WHERE id = ${slide.id}`);
  await db.execute(sql`UPDATE signage_slides SET position = ${a} WHERE id = ${neighbour.id}`);
}

export const getSlide = (db: Db, id: number) =>
  one<SlideRow>(
    db,
    sql`SELECT id, stele_id, position, kind, title, body, link, duration_seconds, weekdays,
          to_char(time_from, 'HH24:MI') AS time_from, to_char(time_to, 'HH24:MI') AS time_to, enabled
        FROM signage_slides WHERE id = ${id}`,
  );

/** The emergency message in force for a city now: the newest one not cleared and not ended. */
export const activeEmergency = (db: Db, cityId: number) =>
  one<EmergencyRow>(
    db,
    sql`SELECT id, city_id, title, body, created_at, ends_at, cleared_at FROM signage_emergencies
        WHERE city_id = ${cityId} AND cleared_at IS NULL AND (ends_at IS NULL OR ends_at > now())
        ORDER BY created_at DESC, id DESC LIMIT 1`,
  );

export async function insertEmergency(
  db: Db,
  e: { cityId: number; title: string; body: string; endsAt: Date | null; actorId: string | null },
): Promise<EmergencyRow> {
  return (await one<EmergencyRow>(
    db,
    sql`INSERT INTO signage_emergencies (city_id, title, body, ends_at, created_by)
        VALUES (${e.cityId}, ${e.title}, ${e.body}, ${e.endsAt}, ${e.actorId})
        RETURNING id, city_id, title, body, created_at, ends_at, cleared_at`,
  ))!;
}

/** Clears every open message of the city; returns how many. */
export async function clearEmergencies(db: Db, cityId: number, actorId: string | null): Promise<number> {
  const r = await rows<{ id: number }>(
    db,
    sql`UPDATE signage_emergencies SET cleared_at = now(), cleared_by = ${actorId}
        WHERE city_id = ${cityId} AND cleared_at IS NULL RETURNING id`,
  );
  return r.length;
}

export const recentEmergencies = (db: Db, cityIds: number[] | 'all', limit = 10) =>
  rows<EmergencyRow & { city_id: number }>(
    db,
    sql`SELECT id, city_id, title, body, created_at, ends_at, cleared_at FROM signage_emergencies
        WHERE ${inCities('city_id', cityIds)}
        ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
  );

export const kioskIdleSeconds = async (db: Db, cityId: number) =>
  (
    await one<{ idle_seconds: number }>(
      db,
      sql`SELECT idle_seconds FROM signage_kiosk_settings WHERE city_id = ${cityId}`,
    )
  )?.idle_seconds;

export async function setKioskIdleSeconds(db: Db, cityId: number, seconds: number): Promise<void> {
  await db.execute(sql`INSERT INTO signage_kiosk_settings (city_id, idle_seconds) VALUES (${cityId}, ${seconds})
      ON CONFLICT (city_id) DO UPDATE SET idle_seconds = EXCLUDED.idle_seconds, updated_at = now()`);
}
