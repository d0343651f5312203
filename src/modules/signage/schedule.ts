/**
 * When a slide may be shown: pure functions shared by the server (no-JS rendering, admin preview) and
 * the display island (which keeps rotating from its cached playlist while the server is away).
 */

export const TZ = 'Europe/Berlin';

/** Weekday bits: Monday = 1 … Sunday = 64. */
export const WEEKDAY_BITS = [1, 2, 4, 8, 16, 32, 64] as const;
export const ALL_DAYS = 127;

export interface SlideWindow {
  weekdays: number;
  /** "HH:MM" in Europe/Berlin, or null for all day. */
  from: string | null;
  to: string | null;
}

const fmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const DAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** Weekday index (0 = Monday) and "HH:MM" of a moment in Berlin. */
export function berlinClock(now: Date): { day: number; time: string } {
  const parts = Object.fromEntries(fmt.formatToParts(now).map((p) => [p.type, p.value]));
  return { day: DAY_INDEX[parts.weekday ?? 'Mon'] ?? 0, time: `${parts.hour}:${parts.minute}` };
}

/** True when the slide's weekdays and daily window include this moment (window end exclusive). */
export function isActiveAt(w: SlideWindow, now: Date): boolean {
  const { day, time } = berlinClock(now);
  if ((w.weekdays & WEEKDAY_BITS[day]!) === 0) return false;
  if (!w.from || !w.to) return true;
  return time >= w.from.slice(0, 5) && time < w.to.slice(0, 5);
}
