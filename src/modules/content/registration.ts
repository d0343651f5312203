/**
 * Event registration with capacity and waitlist. Each registration and cancellation locks the event
 * row, so two people cannot take the last seat at once; cancelling promotes the waitlist in arrival
 * order (first come, first served: nobody behind is promoted past someone who does not fit yet).
 */
import { newToken, sha256 } from '../../platform/auth/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { HttpError } from '../../platform/http/errors.ts';
import { queueMail } from '../../platform/mail/service.ts';
import type { FieldErrors } from '../../platform/web/forms.tsx';
import { ValidationError, type Values } from './editorial.ts';
import { type EventItem, eventPath } from './model.ts';
import { eventById, seatsTaken } from './queries.ts';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_SEATS = 10;

export interface RegistrationInput {
  name: string;
  email: string;
  seats: number;
}

export function registrationInput(v: Values): { input: RegistrationInput; errors: FieldErrors } {
  const s = (k: string) => String((Array.isArray(v[k]) ? v[k][0] : v[k]) ?? '').trim();
  const errors: FieldErrors = {};
  const name = s('name');
  const email = s('email');
  const seats = Number(s('seats') || '1');
  if (!name) errors.name = 'content.register.error.name';
  else if (name.length > 200) errors.name = 'content.error.tooLong';
  if (!EMAIL_RE.test(email) || email.length > 254) errors.email = 'content.register.error.email';
  if (!Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS)
    errors.seats = 'content.register.error.seats';
  return { input: { name, email, seats }, errors };
}

export interface Availability {
  capacity: number;
  confirmed: number;
  waitlisted: number;
  free: number;
  open: boolean;
}

/** Whether people can still register: published, not cancelled, not yet started. */
export function registrationOpen(event: EventItem, now: Date): boolean {
  return event.registration === 'internal' && event.status === 'published' && event.startsAt > now;
}

export async function availability(db: Db, event: EventItem, now = new Date()): Promise<Availability> {
  const taken = await seatsTaken(db, event.id);
  const capacity = event.capacity ?? 0;
  return {
    capacity,
    ...taken,
    free: Math.max(0, capacity - taken.confirmed),
    open: registrationOpen(event, now),
  };
}

const when = (event: EventItem) =>
  new Intl.DateTimeFormat('de-DE', {
    dateStyle: 'full',
    ...(event.allDay ? {} : { timeStyle: 'short' }),
    timeZone: 'Europe/Berlin',
  }).format(event.startsAt);

export async function register(
  db: Db,
  eventId: number,
  input: RegistrationInput,
  opts: { baseUrl: string; now?: Date },
): Promise<{ status: 'confirmed' | 'waitlisted'; position: number }> {
  const now = opts.now ?? new Date();
  const token = newToken();
  const result = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM events WHERE id = ${eventId} FOR UPDATE`);
    const event = await eventById(tx, eventId, now);
    if (!event) throw new HttpError(404, 'Diese Veranstaltung gibt es nicht.');
    if (!registrationOpen(event, now))
      throw new HttpError(409, 'Für diese Veranstaltung ist keine Anmeldung (mehr) möglich.');
    const dup = await one<{ id: number }>(
      tx,
      sql`SELECT id FROM event_registrations WHERE event_id = ${eventId} AND lower(email) = lower(${input.email})
          AND status <> 'cancelled'`,
    );
    if (dup) throw new ValidationError({ email: 'content.register.error.duplicate' });
    const taken = await seatsTaken(tx, eventId);
    // Nobody jumps the queue: with people waiting, newcomers wait too.
    const fits = taken.waitlisted === 0 && taken.confirmed + input.seats <= (event.capacity ?? 0);
    if (!fits && !event.waitlist) throw new ValidationError({ seats: 'content.register.error.full' });
    const status = fits ? 'confirmed' : 'waitlisted';
    await tx.execute(sql`INSERT INTO event_registrations (event_id, name, email, seats, status, cancel_token_hash)
      VALUES (${eventId}, ${input.name}, ${input.email}, ${input.seats}, ${status}, ${sha256(token)})`);
    const position =
      status === 'waitlisted'
        ? (await one<{ n: number }>(
            tx,
            sql`SELECT count(*)::int AS n FROM event_registrations WHERE event_id = ${eventId} AND status = 'waitlisted'`,
          ))!.n
        : 0;
    const cancelUrl = `${opts.baseUrl}${eventPath(event.city, event.id)}/abmelden?t=${token}`;
    await queueMail(tx, {
      to: input.email,
      subject:
        status === 'confirmed'
          ? `Anmeldung bestätigt: ${event.title}`
          : `Warteliste: ${event.title} (Platz ${position})`,
      purpose: 'event_registration',
      text: [
        `Hallo ${input.name},`,
        '',
        status === 'confirmed'
          ? `Ihre Anmeldung für „${event.title}“ ist bestätigt (${input.seats} ${input.seats === 1 ? 'Platz' : 'Plätze'}).`
          : `„${event.title}“ ist ausgebucht. Sie stehen auf Platz ${position} der Warteliste. Wird ein Platz frei, rücken Sie automatisch nach und bekommen eine E-Mail.`,
        '',
        `Wann: ${when(event)}`,
        `Wo: ${[event.placeName, event.address].filter(Boolean).join(', ')}`,
        `Mehr: ${opts.baseUrl}${eventPath(event.city, event.id)}`,
        '',
        'Falls Sie nicht kommen können, melden Sie sich bitte hier ab – dann rückt jemand von der Warteliste nach:',
        cancelUrl,
      ].join('\n'),
    });
    return { status, position } as const;
  });
  return result;
}

/** The registration a cancellation link belongs to (to show before confirming). */
export async function registrationByToken(
  db: Db,
  eventId: number,
  token: string,
): Promise<{ id: number; name: string; status: string; seats: number } | undefined> {
  if (!token || token.length > 100) return undefined;
  return one(
    db,
    sql`SELECT id::int, name, status, seats FROM event_registrations
        WHERE cancel_token_hash = ${sha256(token)} AND event_id = ${eventId}`,
  );
}

/** Cancels by the e-mailed token and promotes waiting people into the freed seats. */
export async function cancelRegistration(
  db: Db,
  eventId: number,
  token: string,
  opts: { baseUrl: string; now?: Date },
): Promise<{ cancelled: boolean; promoted: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM events WHERE id = ${eventId} FOR UPDATE`);
    const reg = await one<{ id: number; status: string }>(
      tx,
      sql`SELECT id::int, status FROM event_registrations
          WHERE cancel_token_hash = ${sha256(token)} AND event_id = ${eventId}`,
    );
    if (!reg) throw new HttpError(404, 'Dieser Abmelde-Link ist ungültig.');
    if (reg.status === 'cancelled') return { cancelled: false, promoted: 0 };
    await tx.execute(
      sql`UPDATE event_registrations SET status = 'cancelled', cancelled_at = now() WHERE id = ${reg.id}`,
    );
    const event = await eventById(tx, eventId, undefined);
    const promoted =
      event && event.startsAt > (opts.now ?? new Date()) ? await promote(tx, event, opts.baseUrl) : 0;
    return { cancelled: true, promoted };
  });
}

/** Moves waiting people up while the first in line fits into the free seats. */
async function promote(tx: Db, event: EventItem, baseUrl: string): Promise<number> {
  const taken = await seatsTaken(tx, event.id);
  let free = (event.capacity ?? 0) - taken.confirmed;
  const waiting = await rows<{ id: number; name: string; email: string; seats: number }>(
    tx,
    sql`SELECT id::int, name, email, seats FROM event_registrations
        WHERE event_id = ${event.id} AND status = 'waitlisted' ORDER BY id`,
  );
  let n = 0;
  for (const w of waiting) {
    if (w.seats > free) break;
    free -= w.seats;
    n++;
    await tx.execute(
      sql`UPDATE event_registrations SET status = 'confirmed', promoted_at = now() WHERE id = ${w.id}`,
    );
    await queueMail(tx, {
      to: w.email,
      subject: `Platz frei – Anmeldung bestätigt: ${event.title}`,
      purpose: 'event_registration',
      text: [
        `Hallo ${w.name},`,
        '',
        `für „${event.title}“ ist ein Platz frei geworden. Ihre Anmeldung von der Warteliste ist jetzt bestätigt.`,
        '',
        `Wann: ${when(event)}`,
        `Mehr: ${baseUrl}${eventPath(event.city, event.id)}`,
        '',
        'Zum Abmelden nutzen Sie bitte den Link aus Ihrer ersten E-Mail.',
      ].join('\n'),
    });
  }
  return n;
}
