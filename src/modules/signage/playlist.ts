/**
 * What each slide of a stele shows right now: data from the other modules (content, directory, bonus,
 * sensors), QR codes as SVG made here (no external service), each slide loaded on its own so one
 * failing source leaves the rest of the playlist running.
 */
import QRCode from 'qrcode';
import type { Db } from '../../platform/db/index.ts';
import type { City } from '../../platform/tenancy/service.ts';
import { checkinToken, getPlace, ROTATION_SECONDS, rotationWindow } from '../bonus/service.ts';
import { activeCampaignMessages, latestNews, upcomingEvents } from '../content/service.ts';
import { listPublished } from '../directory/service.ts';
import { latestValues } from '../sensors/service.ts';
import type * as q from './queries.ts';
import type { SlideKind } from './service.ts';

/** One live reading for a sensor tile; `simulated` readings say so on screen. */
export interface SensorReading {
  label: string;
  value: string;
  unit: string;
  observedAt: Date;
  simulated: boolean;
  /** The threshold notice when the value crosses it (e.g. an ozone warning), else null. */
  warning: string | null;
}

const number = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });
const MAX_TILES = 6;

/** Current readings of the city's sensors, warnings first; datastreams without a value are left out. */
export async function sensorReadings(db: Db, cityId: number): Promise<SensorReading[]> {
  const values = await latestValues(db, cityId);
  return values
    .filter((v) => v.time !== null && v.value !== null)
    .sort((x, y) => Number(y.status === 'exceeded') - Number(x.status === 'exceeded'))
    .slice(0, MAX_TILES)
    .map((v) => ({
      label: v.locationName && !v.name.includes(v.locationName) ? `${v.name} (${v.locationName})` : v.name,
      value: typeof v.value === 'number' ? number.format(v.value) : String(v.value),
      unit: v.unit.symbol ?? '',
      observedAt: v.time!,
      simulated: v.simulated,
      warning: v.status === 'exceeded' ? (v.threshold?.message ?? 'Grenzwert überschritten') : null,
    }));
}

export interface ListItem {
  title: string;
  text: string;
  /** Date line (events: start; news: published). */
  when: Date | null;
  allDay?: boolean;
}

export interface NearbyOffer {
  n: number;
  title: string;
  distanceM: number;
  /** Position relative to the stele, −1 … 1 on both axes (north up). */
  x: number;
  y: number;
}

export type SlideContent =
  | { kind: 'sensors'; readings: SensorReading[] }
  | { kind: 'events' | 'news' | 'campaigns'; items: ListItem[] | null }
  | { kind: 'checkin'; placeName: string; url: string; qr: string; validSeconds: number }
  | { kind: 'offers'; items: NearbyOffer[]; radiusM: number }
  | { kind: 'message'; body: string }
  | { kind: 'unavailable' };

export interface Slide {
  id: number;
  kind: SlideKind;
  title: string;
  duration: number;
  weekdays: number;
  from: string | null;
  to: string | null;
  content: SlideContent;
  /** "Scan to open on your phone": absolute URL and its QR code, when the slide has one. */
  phone: { url: string; qr: string } | null;
}

// ---- QR codes ----

const qrCache = new Map<string, string>();
const QR_CACHE_MAX = 2000;

/** QR code as an SVG string (black on white, quiet zone 2 modules); cached because steles ask often. */
export async function qrSvg(text: string): Promise<string> {
  const hit = qrCache.get(text);
  if (hit) return hit;
  const svg = await QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#000000', light: '#ffffff' },
  });
  if (qrCache.size >= QR_CACHE_MAX) qrCache.delete(qrCache.keys().next().value!);
  qrCache.set(text, svg);
  return svg;
}

// ---- sources ----

/** Items of a list slide (events, news, campaign messages of the city and of the whole region). */
export async function listFor(
  kind: 'events' | 'news' | 'campaigns',
  db: Db,
  cityId: number,
  now: Date,
  limit = kind === 'events' ? 4 : 3,
): Promise<ListItem[]> {
  if (kind === 'events') {
    const events = await upcomingEvents(db, { cityId, limit, from: now });
    return events.map((e) => ({
      title: e.title,
      text: e.placeName,
      when: new Date(e.startsAt),
      allDay: e.allDay,
    }));
  }
  if (kind === 'news') {
    const news = await latestNews(db, { cityId, limit });
    return news.map((n) => ({ title: n.title, text: n.teaser, when: new Date(n.publishedAt) }));
  }
  const messages = await activeCampaignMessages(db, { cityId, at: now });
  return messages.slice(0, limit).map((m) => ({ title: m.message, text: m.title, when: null }));
}

const EARTH_M = 6_371_000;
const rad = (d: number) => (d * Math.PI) / 180;

export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.sqrt(h));
}

const NEARBY_MAX_M = 1500;
const NEARBY_COUNT = 5;

async function nearbyOffers(db: Db, cityId: number, at: { lat: number; lon: number }) {
  const offers = (await listPublished(db, cityId))
    .filter((o) => o.location)
    .map((o) => ({ o, d: distanceM(at, o.location!) }))
    .filter((x) => x.d <= NEARBY_MAX_M)
    .sort((a, b) => a.d - b.d)
    .slice(0, NEARBY_COUNT);
  // Round the map radius up to a readable scale (250 m steps).
  const radiusM = Math.max(250, Math.ceil(Math.max(0, ...offers.map((x) => x.d)) / 250) * 250);
  const mPerLon = (Math.PI / 180) * EARTH_M * Math.cos(rad(at.lat));
  const mPerLat = (Math.PI / 180) * EARTH_M;
  return {
    radiusM,
    items: offers.map(({ o, d }, i) => ({
      n: i + 1,
      title: o.title,
      distanceM: Math.round(d / 10) * 10,
      x: ((o.location!.lon - at.lon) * mPerLon) / radiusM,
      y: -((o.location!.lat - at.lat) * mPerLat) / radiusM,
    })),
  };
}

/** The default phone link of each kind: the matching page of the city's portal. */
function defaultLink(kind: SlideKind, city: City): string {
  switch (kind) {
    case 'events':
      return `/${city.slug}/veranstaltungen`;
    case 'news':
      return `/${city.slug}/aktuelles`;
    case 'offers':
      return `/${city.slug}/angebote`;
    case 'campaigns':
      return `/${city.slug}/`;
    case 'sensors':
      return `/${city.slug}/stadtdaten`;
    default:
      return '';
  }
}

export interface PlaylistInput {
  db: Db;
  secret: string;
  baseUrl: string;
  city: City;
  stele: q.SteleRow;
  slides: q.SlideRow[];
  now?: Date;
}

async function slideContent(input: PlaylistInput, s: q.SlideRow, now: Date): Promise<SlideContent> {
  const { db, stele } = input;
  switch (s.kind as SlideKind) {
    case 'sensors':
      return { kind: 'sensors', readings: await sensorReadings(db, stele.city_id) };
    case 'events':
    case 'news':
    case 'campaigns':
      return {
        kind: s.kind as 'events',
        items: (await listFor(s.kind as 'events', db, stele.city_id, now)) ?? null,
      };
    case 'checkin': {
      const place = stele.bonus_place_id ? await getPlace(db, stele.bonus_place_id) : undefined;
      if (!place?.active || place.code_kind !== 'rotating') return { kind: 'unavailable' };
      const url = `${input.baseUrl}/bonus/c/${checkinToken(input.secret, place, now)}`;
      const validSeconds = (rotationWindow(now) + 1) * ROTATION_SECONDS - Math.floor(now.getTime() / 1000);
      return { kind: 'checkin', placeName: place.name, url, qr: await qrSvg(url), validSeconds };
    }
    case 'offers':
      if (stele.lat === null || stele.lon === null) return { kind: 'unavailable' };
      return {
        kind: 'offers',
        ...(await nearbyOffers(db, stele.city_id, { lat: stele.lat, lon: stele.lon })),
      };
    case 'message':
      return { kind: 'message', body: s.body };
    default:
      return { kind: 'unavailable' };
  }
}

/** Every enabled slide with its content (time windows are applied by the caller or the display). */
export async function buildPlaylist(input: PlaylistInput): Promise<Slide[]> {
  const now = input.now ?? new Date();
  return Promise.all(
    input.slides
      .filter((s) => s.enabled)
      .map(async (s) => {
        let c: SlideContent;
        try {
          c = await slideContent(input, s, now);
        } catch {
          // One source failing (a module's table missing, a bad row) must not blank the stele.
          c = { kind: 'unavailable' };
        }
        const link = s.link || defaultLink(s.kind as SlideKind, input.city);
        const url = link ? (link.startsWith('/') ? input.baseUrl + link : link) : '';
        return {
          id: s.id,
          kind: s.kind as SlideKind,
          title: s.title,
          duration: s.duration_seconds,
          weekdays: s.weekdays,
          from: s.time_from,
          to: s.time_to,
          content: c,
          phone: url && s.kind !== 'checkin' ? { url, qr: await qrSvg(url) } : null,
        };
      }),
  );
}

/** Seconds until the playlist should be fetched again: at the next check-in code, else in 5 minutes. */
export function refreshSeconds(slides: Slide[]): number {
  const codes = slides.flatMap((s) => (s.content.kind === 'checkin' ? [s.content.validSeconds] : []));
  return codes.length ? Math.max(2, Math.min(...codes) + 1) : 300;
}
