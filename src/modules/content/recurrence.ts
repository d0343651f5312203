/**
 * Local time in Europe/Berlin and the small RRULE subset events use (RFC 5545: FREQ DAILY, WEEKLY or
 * MONTHLY, INTERVAL, BYDAY for weekly rules, COUNT or UNTIL). Occurrences keep their wall-clock time
 * across daylight-saving changes, as calendar clients do with TZID=Europe/Berlin.
 */
export const ZONE = 'Europe/Berlin';

export interface LocalDateTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function berlinParts(at: Date): LocalDateTime & { second: number } {
  const p: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(at)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return {
    year: p.year!,
    month: p.month!,
    day: p.day!,
    hour: p.hour!,
    minute: p.minute!,
    second: p.second!,
  };
}

/**
 * The instant of a Berlin wall-clock time (Berlin is UTC+1 or UTC+2). An ambiguous autumn time is its
 * first instance; a time skipped in spring takes the offset before the gap (02:30 → 03:30 CEST), as
 * RFC 5545 asks.
 */
export function berlinToDate(t: LocalDateTime): Date {
  // Pure and costly (Intl formatting): series repeat the same wall-clock times, so remember them.
  const key = `${t.year}-${t.month}-${t.day} ${t.hour}:${t.minute}`;
  const known = instants.get(key);
  if (known !== undefined) return new Date(known);
  if (instants.size >= 100_000) instants.clear();
  const ms = computeBerlinInstant(t);
  instants.set(key, ms);
  return new Date(ms);
}

const instants = new Map<string, number>();

function computeBerlinInstant(t: LocalDateTime): number {
  const guess = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  const matches = (ms: number) => {
    const p = berlinParts(new Date(ms));
    return (
      p.year === t.year &&
      p.month === t.month &&
      p.day === t.day &&
      p.hour === t.hour &&
      p.minute === t.minute
    );
  };
  const summer = guess - 7_200_000;
  const winter = guess - 3_600_000;
  return matches(summer) ? summer : winter;
}

/** yyyy-mm-dd of the Berlin date of an instant. */
export function berlinDate(at: Date): string {
  const p = berlinParts(at);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

export const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Rule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  byDay: Weekday[];
  count?: number;
  /** Last possible start (inclusive), as an instant. */
  until?: Date;
}

export function parseRule(text: string): Rule | undefined {
  const fields = new Map(
    text.split(';').map((kv) => {
      const [k, v] = kv.split('=');
      return [k ?? '', v ?? ''] as const;
    }),
  );
  const freq = fields.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY') return undefined;
  const interval = Number(fields.get('INTERVAL') ?? '1');
  if (!Number.isInteger(interval) || interval < 1 || interval > 52) return undefined;
  const byDay = (fields.get('BYDAY') ?? '').split(',').filter(Boolean) as Weekday[];
  if (byDay.some((d) => !WEEKDAYS.includes(d))) return undefined;
  const rule: Rule = { freq, interval, byDay };
  const count = fields.get('COUNT');
  if (count !== undefined) {
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > 1000) return undefined;
    rule.count = n;
  }
  const until = fields.get('UNTIL');
  if (until !== undefined) {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(until);
    if (!m) return undefined;
    rule.until = m[4]
      ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!))
      : // A date-only UNTIL (all-day events) includes that whole local day.
        berlinToDate({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: 23, minute: 59 });
  }
  return rule;
}

/** RRULE text; UNTIL is written in UTC (required with a TZID start) or as a date for all-day events. */
export function formatRule(rule: Rule, allDay: boolean): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length) parts.push(`BYDAY=${rule.byDay.join(',')}`);
  if (rule.count) parts.push(`COUNT=${rule.count}`);
  if (rule.until) {
    if (allDay) parts.push(`UNTIL=${berlinDate(rule.until).replaceAll('-', '')}`);
    else
      parts.push(
        `UNTIL=${rule.until
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, '')}`,
      );
  }
  return parts.join(';');
}

export interface Occurrence {
  start: Date;
  end: Date;
}

const MAX_OCCURRENCES = 1000;

/**
 * Occurrences of an event, in order, that end after `from` and start before `to`. Without a rule, the
 * event itself. All-day events keep whole local days; timed ones keep their exact duration.
 */
export function occurrences(
  event: { startsAt: Date; endsAt: Date; allDay: boolean; rrule: string | null },
  from: Date,
  to: Date,
  limit = MAX_OCCURRENCES,
): Occurrence[] {
  const all = expand(event, to);
  return all.filter((o) => o.end > from && o.start < to).slice(0, limit);
}

/** Every occurrence (bounded by COUNT, UNTIL and MAX_OCCURRENCES), or those starting before `stopAt`. */
export function expand(
  event: {
    startsAt: Date;
    endsAt: Date;
    allDay: boolean;
    rrule: string | null;
  },
  stopAt?: Date,
): Occurrence[] {
  const rule = event.rrule ? parseRule(event.rrule) : undefined;
  if (!rule) return [{ start: event.startsAt, end: event.endsAt }];
  const s = berlinParts(event.startsAt);
  const durationMs = event.endsAt.getTime() - event.startsAt.getTime();
  const e = berlinParts(event.endsAt);
  const durationDays = Math.round(
    (Date.UTC(e.year, e.month - 1, e.day) - Date.UTC(s.year, s.month - 1, s.day)) / 86_400_000,
  );
  const out: Occurrence[] = [];
  const push = (y: number, m: number, d: number): boolean => {
    const start = berlinToDate({ year: y, month: m, day: d, hour: s.hour, minute: s.minute });
    if (start < event.startsAt) return true;
    if (rule.until && start > rule.until) return false;
    if (stopAt && start >= stopAt) return false;
    let end: Date;
    if (event.allDay) {
      const ed = new Date(Date.UTC(y, m - 1, d + durationDays));
      end = berlinToDate({
        year: ed.getUTCFullYear(),
        month: ed.getUTCMonth() + 1,
        day: ed.getUTCDate(),
        hour: 0,
        minute: 0,
      });
    } else end = new Date(start.getTime() + durationMs);
    out.push({ start, end });
    return out.length < (rule.count ?? MAX_OCCURRENCES) && out.length < MAX_OCCURRENCES;
  };
  const base = Date.UTC(s.year, s.month - 1, s.day);
  // Safety bound on steps: far more than COUNT/UNTIL allow within the service's two-year limit.
  for (let step = 0; step < 5000; step++) {
    if (rule.freq === 'DAILY') {
      const d = new Date(base + step * rule.interval * 86_400_000);
      if (!push(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) break;
    } else if (rule.freq === 'WEEKLY') {
      const weekday = (new Date(base).getUTCDay() + 6) % 7; // Monday = 0
      const weekStart = base - weekday * 86_400_000 + step * rule.interval * 7 * 86_400_000;
      const days = rule.byDay.length ? rule.byDay.map((d) => WEEKDAYS.indexOf(d)) : [weekday];
      let go = true;
      for (const idx of [...days].sort((a, b) => a - b)) {
        const d = new Date(weekStart + idx * 86_400_000);
        if (!push(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) {
          go = false;
          break;
        }
      }
      if (!go) break;
    } else {
      const monthIndex = s.month - 1 + step * rule.interval;
      const y = s.year + Math.floor(monthIndex / 12);
      const m = (monthIndex % 12) + 1;
      // Months without that day (31st, 30th, 29 Feb) have no occurrence, as in RFC 5545.
      const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
      if (s.day <= daysInMonth && !push(y, m, s.day)) break;
    }
  }
  return out;
}
