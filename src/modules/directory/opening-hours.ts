import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// opening_hours ships CommonJS only.
const OpeningHours = require('opening_hours') as new (
  value: string,
  nominatim: object,
  options?: object,
) => { getState(date?: Date): boolean; getNextChange(date?: Date): Date | undefined };

type Parsed = InstanceType<typeof OpeningHours>;

// Public holidays of Baden-Württemberg apply to every city of the region.
const NOMINATIM = { lat: 48.8, lon: 10.1, address: { country_code: 'de', state: 'Baden-Württemberg' } };
const cache = new Map<string, Parsed | null>();

/** Parsed opening hours, or null when the value is not valid OSM opening_hours syntax. */
export function parseOpeningHours(value: string): Parsed | null {
  if (cache.has(value)) return cache.get(value)!;
  let parsed: Parsed | null;
  try {
    parsed = new OpeningHours(value, NOMINATIM);
  } catch {
    parsed = null;
  }
  if (cache.size > 5_000) cache.clear();
  cache.set(value, parsed);
  return parsed;
}

// Building an Intl formatter costs far more than using one: make it once.
const BERLIN = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Times are evaluated in Europe/Berlin, whatever the server's zone. */
function berlinWallClock(now: Date): Date {
  const parts = BERLIN.formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return new Date(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

export function isOpenAt(value: string | null, now = new Date()): boolean | undefined {
  if (!value) return undefined;
  const parsed = parseOpeningHours(value);
  if (!parsed) return undefined;
  return parsed.getState(berlinWallClock(now));
}

/** Next opening or closing as Berlin wall-clock time (HH:MM and weekday), for "öffnet Mo 08:00". */
export function nextChange(value: string | null, now = new Date()): Date | undefined {
  if (!value) return undefined;
  return parseOpeningHours(value)?.getNextChange(berlinWallClock(now)) ?? undefined;
}

/** The rules among `rules` that are open at `now` (each rule parsed and evaluated once). */
export function openRules(rules: string[], now = new Date()): string[] {
  const at = berlinWallClock(now);
  return rules.filter((r) => parseOpeningHours(r)?.getState(at) === true);
}
