/**
 * iCalendar (RFC 5545) output for events: one VTIMEZONE for Europe/Berlin, local times with TZID,
 * all-day events as DATE values, recurrence as RRULE, cancelled events with STATUS:CANCELLED.
 */
import { type EventItem, eventPath } from './model.ts';
import { berlinParts, pad } from './recurrence.ts';

/** TEXT value escaping (RFC 5545 3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded; never inside a UTF-8 sequence. */
export function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74; // continuation lines start with a space
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const utc = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const local = (d: Date) => {
  const p = berlinParts(d);
  return `${p.year}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}00`;
};
const day = (d: Date) => local(d).slice(0, 8);

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export function eventLines(e: EventItem, baseUrl: string): string[] {
  const host = new URL(baseUrl).host;
  const url = `${baseUrl}${eventPath(e.city, e.id)}`;
  const place = e.offer?.title ?? e.placeName;
  const description = [
    e.description,
    e.organiser ? `Veranstalter: ${e.organiser}` : '',
    e.priceCents === 0
      ? 'Eintritt frei'
      : e.priceCents !== null
        ? `Preis: ${(e.priceCents / 100).toFixed(2).replace('.', ',')} €`
        : '',
    e.priceNote,
    url,
  ]
    .filter(Boolean)
    .join('\n\n');
  const lines = [
    'BEGIN:VEVENT',
    `UID:event-${e.id}@${host}`,
    `DTSTAMP:${utc(e.updatedAt)}`,
    `LAST-MODIFIED:${utc(e.updatedAt)}`,
    `SEQUENCE:${e.revision - 1}`,
    e.allDay ? `DTSTART;VALUE=DATE:${day(e.startsAt)}` : `DTSTART;TZID=Europe/Berlin:${local(e.startsAt)}`,
    e.allDay ? `DTEND;VALUE=DATE:${day(e.endsAt)}` : `DTEND;TZID=Europe/Berlin:${local(e.endsAt)}`,
  ];
  if (e.rrule) lines.push(`RRULE:${e.rrule}`);
  lines.push(`SUMMARY:${escapeText(e.title)}`);
  lines.push(`DESCRIPTION:${escapeText(description)}`);
  const location = [place, e.address].filter(Boolean).join(', ');
  if (location) lines.push(`LOCATION:${escapeText(location)}`);
  if (e.location) lines.push(`GEO:${e.location.lat.toFixed(6)};${e.location.lon.toFixed(6)}`);
  if (e.categories.length) lines.push(`CATEGORIES:${e.categories.map(escapeText).join(',')}`);
  lines.push(`STATUS:${e.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`);
  lines.push(`URL:${url}`);
  lines.push('END:VEVENT');
  return lines;
}

export function calendar(events: EventItem[], opts: { name: string; baseUrl: string }): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Stadtplattform//Veranstaltungen//DE',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(opts.name)}`,
    'X-WR-TIMEZONE:Europe/Berlin',
    ...VTIMEZONE,
    ...events.flatMap((e) => eventLines(e, opts.baseUrl)),
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
