/**
 * Digital signage: steles (displays in public space) with playlists, emergency messages per city, device
 * heartbeats, and the settings of the self-service terminals. Rules and transactions live here; the only
 * file other modules may import.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { audit } from '../../platform/audit/service.ts';
import { hasRole } from '../../platform/auth/service.ts';
import { type Database, type Db, rows, sql } from '../../platform/db/index.ts';
import { forbidden, notFound, unprocessable } from '../../platform/http/errors.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import * as q from './queries.ts';
import { ALL_DAYS, isActiveAt, WEEKDAY_BITS } from './schedule.ts';

export type { Place as BonusPlaceRow } from '../bonus/service.ts';
export { rotatingPlaces } from '../bonus/service.ts';
export type { EmergencyRow, SlideRow, SteleRow } from './queries.ts';
export {
  activeEmergency,
  getStele,
  listSlides,
  listSteles,
  recentEmergencies,
} from './queries.ts';

/** A display reports every HEARTBEAT_SECONDS; after OFFLINE_AFTER_SECONDS of silence it counts as offline. */
export const HEARTBEAT_SECONDS = 30;
export const OFFLINE_AFTER_SECONDS = 90;
/** PostgreSQL NOTIFY channel: every instance listens and passes events on to its own SSE clients. */
export const CHANNEL = 'signage_events';
export const DEFAULT_KIOSK_IDLE_SECONDS = 90;

export const SLIDE_KINDS = [
  'sensors',
  'events',
  'news',
  'campaigns',
  'checkin',
  'offers',
  'message',
] as const;
export type SlideKind = (typeof SLIDE_KINDS)[number];

export const KIND_LABELS: Record<SlideKind, { de: string; en: string }> = {
  sensors: { de: 'Stadtdaten (Sensoren)', en: 'City data (sensors)' },
  events: { de: 'Nächste Veranstaltungen', en: 'Upcoming events' },
  news: { de: 'Nachrichten', en: 'News' },
  campaigns: { de: 'Kampagnen', en: 'Campaigns' },
  checkin: { de: 'Stadttaler-Check-in (QR-Code)', en: 'Bonus check-in (QR code)' },
  offers: { de: 'Angebote in der Nähe (Karte)', en: 'Offers nearby (map)' },
  message: { de: 'Eigene Mitteilung', en: 'Own message' },
};

/** Common panel sizes; any other size can be typed as WIDTHxHEIGHT. */
export const RESOLUTIONS = ['1080x1920', '1920x1080', '2160x3840', '3840x2160', '768x1366'];

// ---- device key ----

/** The secret part of a stele's device URL: HMAC of the server secret, never stored. */
export function deviceKey(secret: string, stele: { id: number; key_version: number }): string {
  return createHmac('sha256', secret)
    .update(`signage-stele:${stele.id}:${stele.key_version}`)
    .digest('base64url')
    .slice(0, 32);
}

export const devicePath = (secret: string, stele: { id: number; key_version: number }) =>
  `/display/${stele.id}?key=${deviceKey(secret, stele)}`;

/**
 * The stele behind a device URL, or 404 for an unknown id, a wrong key or a switched-off stele: the
 * answer never tells whether a stele with that id exists.
 */
export async function verifyDevice(
  db: Db,
  secret: string,
  id: string,
  key: string | undefined,
): Promise<q.SteleRow> {
  const missing = () => notFound('Diese Anzeige gibt es nicht.');
  if (!/^\d{1,9}$/.test(id) || !key) throw missing();
  const stele = await q.getStele(db, Number(id));
  if (!stele?.active) throw missing();
  const expected = Buffer.from(deviceKey(secret, stele));
  const given = Buffer.from(key);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw missing();
  return stele;
}

// ---- status ----

export type SteleStatus = 'online' | 'offline' | 'never';

export function steleStatus(stele: { last_seen_at: Date | null }, now = new Date()): SteleStatus {
  if (!stele.last_seen_at) return 'never';
  return now.getTime() - new Date(stele.last_seen_at).getTime() <= OFFLINE_AFTER_SECONDS * 1000
    ? 'online'
    : 'offline';
}

/** Heartbeat of a display: when, and what it shows (the admin preview renders that slide). */
export async function heartbeat(
  db: Db,
  stele: q.SteleRow,
  report: { slideId: number | null; emergencyId: number | null },
): Promise<void> {
  await q.recordHeartbeat(db, stele.id, report.slideId, report.emergencyId);
}

// ---- validation of form input (strings from forms, the same from JSON) ----

export type Errors = Record<string, string>;
type Raw = Record<string, unknown>;
const str = (raw: Raw, k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).trim() : '');

function coordinates(raw: Raw, errors: Errors): { lat: number | null; lon: number | null } {
  const latS = str(raw, 'lat').replace(',', '.');
  const lonS = str(raw, 'lon').replace(',', '.');
  if (!latS && !lonS) return { lat: null, lon: null };
  const lat = Number(latS);
  const lon = Number(lonS);
  if (
    !latS ||
    !lonS ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon) ||
    Math.abs(lat) > 90 ||
    Math.abs(lon) > 180
  ) {
    errors.lat =
      'Geben Sie Breite und Länge als Zahlen an (z. B. 48.8374 und 10.0934) oder lassen Sie beide leer.';
    return { lat: null, lon: null };
  }
  return { lat, lon };
}

export function validateStele(
  raw: Raw,
  cityId: number,
  places: { id: number; city_id: number }[],
): { values: q.SteleValues; errors: Errors } {
  const errors: Errors = {};
  const name = str(raw, 'name');
  if (name.length < 3 || name.length > 120) errors.name = 'Geben Sie einen Namen mit 3 bis 120 Zeichen ein.';
  const place = str(raw, 'place');
  if (place.length > 200) errors.place = 'Der Standort darf höchstens 200 Zeichen lang sein.';
  const orientation = str(raw, 'orientation');
  if (orientation !== 'portrait' && orientation !== 'landscape')
    errors.orientation = 'Wählen Sie Hochformat oder Querformat.';
  const m = /^(\d{3,4})\s*[x×]\s*(\d{3,4})$/i.exec(str(raw, 'resolution'));
  const width = m ? Number(m[1]) : 0;
  const height = m ? Number(m[2]) : 0;
  if (!m || width < 320 || height < 240 || width > 7680 || height > 7680)
    errors.resolution = 'Geben Sie die Auflösung als Breite×Höhe in Pixeln an, z. B. 1080x1920.';
  else if (orientation === 'portrait' && width > height)
    errors.resolution = 'Im Hochformat ist die Breite kleiner als die Höhe, z. B. 1080x1920.';
  else if (orientation === 'landscape' && width < height)
    errors.resolution = 'Im Querformat ist die Breite größer als die Höhe, z. B. 1920x1080.';
  const { lat, lon } = coordinates(raw, errors);
  const placeId = str(raw, 'bonusPlaceId');
  let bonusPlaceId: number | null = null;
  if (placeId) {
    const p = places.find((x) => String(x.id) === placeId && x.city_id === cityId);
    if (!p) errors.bonusPlaceId = 'Wählen Sie einen Check-in-Ort dieser Stadt aus der Liste.';
    else bonusPlaceId = p.id;
  }
  return {
    values: {
      cityId,
      name,
      place,
      lat,
      lon,
      orientation: orientation === 'landscape' ? 'landscape' : 'portrait',
      width,
      height,
      bonusPlaceId,
    },
    errors,
  };
}

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A link for "open on your phone": a path on this platform or an https address. */
export function validLink(link: string): boolean {
  if (!link) return true;
  if (link.startsWith('/')) return !link.startsWith('//') && !/\s/.test(link);
  try {
    return new URL(link).protocol === 'https:';
  } catch {
    return false;
  }
}

export function validateSlide(raw: Raw): { values: q.SlideValues; errors: Errors } {
  const errors: Errors = {};
  const kind = str(raw, 'kind');
  if (!(SLIDE_KINDS as readonly string[]).includes(kind)) errors.kind = 'Wählen Sie eine Art der Folie.';
  const title = str(raw, 'title');
  if (title.length > 120) errors.title = 'Der Titel darf höchstens 120 Zeichen lang sein.';
  const body = str(raw, 'body');
  if (kind === 'message' && (title.length < 3 || body.length < 3)) {
    if (title.length < 3) errors.title = 'Eine eigene Mitteilung braucht einen Titel (mindestens 3 Zeichen).';
    if (body.length < 3) errors.body = 'Geben Sie den Text der Mitteilung ein (mindestens 3 Zeichen).';
  }
  if (body.length > 600) errors.body = 'Der Text darf höchstens 600 Zeichen lang sein.';
  const link = str(raw, 'link');
  if (link.length > 500 || !validLink(link))
    errors.link = 'Geben Sie einen Pfad dieser Plattform (beginnt mit /) oder eine https-Adresse an.';
  const duration = Number(str(raw, 'duration'));
  if (!Number.isInteger(duration) || duration < 5 || duration > 300)
    errors.duration = 'Geben Sie die Anzeigedauer als ganze Zahl von 5 bis 300 Sekunden an.';
  const days = raw.weekdays === undefined ? [] : Array.isArray(raw.weekdays) ? raw.weekdays : [raw.weekdays];
  let weekdays = 0;
  for (const d of days) {
    const i = Number(d);
    if (Number.isInteger(i) && i >= 0 && i < 7) weekdays |= WEEKDAY_BITS[i]!;
  }
  if (weekdays === 0) errors.weekdays = 'Wählen Sie mindestens einen Wochentag.';
  const from = str(raw, 'timeFrom');
  const to = str(raw, 'timeTo');
  let timeFrom: string | null = null;
  let timeTo: string | null = null;
  if (from || to) {
    if (!TIME_RE.test(from) || !TIME_RE.test(to))
      errors.timeFrom =
        'Geben Sie Beginn und Ende als Uhrzeit an (z. B. 06:00 und 11:00) oder lassen Sie beide leer.';
    else if (from >= to)
      errors.timeFrom = 'Der Beginn muss vor dem Ende liegen (ohne Mitternacht zu überschreiten).';
    else [timeFrom, timeTo] = [from, to];
  }
  return {
    values: {
      kind,
      title,
      body,
      link,
      durationSeconds: duration,
      weekdays: weekdays || ALL_DAYS,
      timeFrom,
      timeTo,
      enabled:
        raw.enabled === undefined
          ? true
          : raw.enabled === 'on' || raw.enabled === true || raw.enabled === 'true',
    },
    errors,
  };
}

export const EMERGENCY_DURATIONS = [0, 30, 60, 120, 240, 480, 1440];

export function validateEmergency(raw: Raw): {
  values: { title: string; body: string; minutes: number };
  errors: Errors;
} {
  const errors: Errors = {};
  const title = str(raw, 'title');
  if (title.length < 3 || title.length > 120)
    errors.title = 'Geben Sie eine Überschrift mit 3 bis 120 Zeichen ein.';
  const body = str(raw, 'body');
  if (body.length > 600) errors.body = 'Der Text darf höchstens 600 Zeichen lang sein.';
  const minutes = Number(str(raw, 'minutes') || '0');
  if (!EMERGENCY_DURATIONS.includes(minutes)) errors.minutes = 'Wählen Sie eine Dauer aus der Liste.';
  return { values: { title, body, minutes }, errors };
}

// ---- staff writes (each checked, audited, and announced to the displays) ----

export interface SignageEvent {
  /** emergency: the city's message changed; playlist: a stele's slides or settings changed. */
  type: 'emergency' | 'playlist' | 'revoked';
  cityId: number;
  steleId?: number;
  emergency?: PublicEmergency | null;
}

export interface PublicEmergency {
  id: number;
  title: string;
  body: string;
  endsAt: string | null;
}

export const toPublicEmergency = (e: q.EmergencyRow | undefined): PublicEmergency | null =>
  e
    ? { id: e.id, title: e.title, body: e.body, endsAt: e.ends_at ? new Date(e.ends_at).toISOString() : null }
    : null;

/** Tells every instance (and through them every connected display) what changed. */
export async function announce(database: Database, event: SignageEvent): Promise<void> {
  await database.notify(CHANNEL, JSON.stringify(event));
}

export const canManageSteles = (user: CurrentUser | undefined, cityId: number) =>
  hasRole(user, 'admin', cityId);
export const canEditPlaylist = (user: CurrentUser | undefined, cityId: number) =>
  hasRole(user, 'editor', cityId);

function check(allowed: boolean) {
  if (!allowed) throw forbidden();
}

function rejectIf(errors: Errors) {
  if (Object.keys(errors).length) throw unprocessable('Bitte prüfen Sie die markierten Angaben.', errors);
}

export async function createStele(
  db: Db,
  user: CurrentUser | undefined,
  values: q.SteleValues,
): Promise<number> {
  check(canManageSteles(user, values.cityId));
  return db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    const id = await q.insertStele(tx, values);
    await audit(tx, {
      actorId: user?.id,
      cityId: values.cityId,
      action: 'signage.stele.create',
      entityType: 'signage_stele',
      entityId: String(id),
      details: { name: values.name },
    });
    return id;
  });
}

export async function updateStele(
  database: Database,
  user: CurrentUser | undefined,
  stele: q.SteleRow,
  values: q.SteleValues,
): Promise<void> {
  check(canManageSteles(user, stele.city_id));
  await database.db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    await q.updateStele(tx, stele.id, values);
    await audit(tx, {
      actorId: user?.id,
      cityId: stele.city_id,
      action: 'signage.stele.update',
      entityType: 'signage_stele',
      entityId: String(stele.id),
      details: { name: values.name },
    });
  });
  await announce(database, { type: 'playlist', cityId: stele.city_id, steleId: stele.id });
}

/** A new device URL; the old one stops working at once (its open connection is closed). */
export async function regenerateKey(database: Database, user: CurrentUser | undefined, stele: q.SteleRow) {
  check(canManageSteles(user, stele.city_id));
  await database.db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    await q.bumpKeyVersion(tx, stele.id);
    await audit(tx, {
      actorId: user?.id,
      cityId: stele.city_id,
      action: 'signage.stele.new_key',
      entityType: 'signage_stele',
      entityId: String(stele.id),
    });
  });
  await announce(database, { type: 'revoked', cityId: stele.city_id, steleId: stele.id });
}

export async function removeStele(database: Database, user: CurrentUser | undefined, stele: q.SteleRow) {
  check(canManageSteles(user, stele.city_id));
  await database.db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    await q.deleteStele(tx, stele.id);
    await audit(tx, {
      actorId: user?.id,
      cityId: stele.city_id,
      action: 'signage.stele.delete',
      entityType: 'signage_stele',
      entityId: String(stele.id),
      details: { name: stele.name },
    });
  });
  await announce(database, { type: 'revoked', cityId: stele.city_id, steleId: stele.id });
}

type SlideChange =
  | { op: 'add'; values: q.SlideValues }
  | { op: 'update'; slide: q.SlideRow; values: q.SlideValues }
  | { op: 'delete'; slide: q.SlideRow }
  | { op: 'move'; slide: q.SlideRow; direction: -1 | 1 };

/** Adds, changes, removes or moves a slide; the stele reloads its playlist right away. */
export async function changeSlide(
  database: Database,
  user: CurrentUser | undefined,
  stele: q.SteleRow,
  change: SlideChange,
): Promise<number | undefined> {
  check(canEditPlaylist(user, stele.city_id));
  if ('slide' in change && change.slide.stele_id !== stele.id) throw notFound('Diese Folie gibt es nicht.');
  if ('values' in change) {
    const errors: Errors = {};
    if (change.values.kind === 'checkin' && !stele.bonus_place_id)
      errors.kind =
        'Für eine Check-in-Folie braucht die Stele einen Check-in-Ort (in den Stelen-Einstellungen).';
    if (change.values.kind === 'offers' && (stele.lat === null || stele.lon === null))
      errors.kind = 'Für „Angebote in der Nähe“ braucht die Stele einen Standort mit Koordinaten.';
    rejectIf(errors);
  }
  const id = await database.db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    const t = tx;
    let slideId: number;
    switch (change.op) {
      case 'add':
        slideId = await q.insertSlide(t, stele.id, change.values);
        break;
      case 'update':
        slideId = change.slide.id;
        await q.updateSlide(t, slideId, change.values);
        break;
      case 'delete':
        slideId = change.slide.id;
        await q.deleteSlide(t, slideId);
        break;
      case 'move':
        slideId = change.slide.id;
        await q.moveSlide(t, change.slide, change.direction);
        break;
    }
    await audit(t, {
      actorId: user?.id,
      cityId: stele.city_id,
      action: `signage.slide.${change.op}`,
      entityType: 'signage_slide',
      entityId: String(slideId),
      details: { stele: stele.id, ...('values' in change ? { kind: change.values.kind } : {}) },
    });
    return slideId;
  });
  await announce(database, { type: 'playlist', cityId: stele.city_id, steleId: stele.id });
  return id;
}

/** Publishes an emergency message to every stele of the city (on every instance) at once. */
export async function publishEmergency(
  database: Database,
  user: CurrentUser | undefined,
  cityId: number,
  input: { title: string; body: string; minutes: number },
  now = new Date(),
): Promise<PublicEmergency> {
  check(canManageSteles(user, cityId));
  const endsAt = input.minutes > 0 ? new Date(now.getTime() + input.minutes * 60_000) : null;
  const row = await database.db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    const t = tx;
    const e = await q.insertEmergency(t, {
      cityId,
      title: input.title,
      body: input.body,
      endsAt,
      actorId: user?.id ?? null,
    });
    await audit(t, {
      actorId: user?.id,
      cityId,
      action: 'signage.emergency.publish',
      entityType: 'signage_emergency',
      entityId: String(e.id),
      details: { title: input.title, minutes: input.minutes },
    });
    return e;
  });
  const emergency = toPublicEmergency(row);
  await announce(database, { type: 'emergency', cityId, emergency });
  return emergency!;
}

/** Ends the city's emergency message; the steles return to their playlists. */
export async function clearEmergency(database: Database, user: CurrentUser | undefined, cityId: number) {
  check(canManageSteles(user, cityId));
  const cleared = await database.db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    const t = tx;
    const n = await q.clearEmergencies(t, cityId, user?.id ?? null);
    if (n > 0)
      await audit(t, {
        actorId: user?.id,
        cityId,
        action: 'signage.emergency.clear',
        entityType: 'signage_emergency',
        details: { cleared: n },
      });
    return n;
  });
  await announce(database, { type: 'emergency', cityId, emergency: null });
  return cleared;
}

// ---- kiosk ----

export async function kioskIdleSeconds(db: Db, cityId: number): Promise<number> {
  return (await q.kioskIdleSeconds(db, cityId)) ?? DEFAULT_KIOSK_IDLE_SECONDS;
}

export async function setKioskIdleSeconds(
  db: Db,
  user: CurrentUser | undefined,
  cityId: number,
  raw: string,
) {
  check(canManageSteles(user, cityId));
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 15 || seconds > 1800)
    throw unprocessable('Bitte prüfen Sie die markierten Angaben.', {
      idleSeconds: 'Geben Sie eine ganze Zahl von 15 bis 1800 Sekunden an.',
    });
  await db.transaction(async (trx) => {
    const tx = trx as unknown as Db;
    await q.setKioskIdleSeconds(tx, cityId, seconds);
    await audit(tx, {
      actorId: user?.id,
      cityId,
      action: 'signage.kiosk.settings',
      entityType: 'signage_kiosk',
      entityId: String(cityId),
      details: { idleSeconds: seconds },
    });
  });
}

// ---- playlist selection ----

export const slideWindow = (s: q.SlideRow) => ({ weekdays: s.weekdays, from: s.time_from, to: s.time_to });

/** Slides the stele shows at this moment (enabled, inside their weekdays and time window). */
export const activeSlides = (slides: q.SlideRow[], now = new Date()) =>
  slides.filter((s) => s.enabled && isActiveAt(slideWindow(s), now));

/** A stele as the public sees it on the map: name, place and point. Never the device key or URL. */
export interface PublicStele {
  id: number;
  cityId: number;
  name: string;
  place: string;
  lon: number;
  lat: number;
}

/** Active steles with a location; cityId undefined: all cities. */
export function publicSteles(db: Db, cityId?: number): Promise<PublicStele[]> {
  return rows<PublicStele>(
    db,
    sql`SELECT s.id, s.city_id AS "cityId", s.name, s.place, ST_X(s.location)::float8 AS lon, ST_Y(s.location)::float8 AS lat
        FROM signage_steles s
        WHERE s.active AND s.location IS NOT NULL ${cityId === undefined ? sql`` : sql`AND s.city_id = ${cityId}`}
        ORDER BY s.name, s.id`,
  );
}
