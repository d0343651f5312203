import { type Db, one, sql } from '../../platform/db/index.ts';
import { queueMail } from '../../platform/mail/service.ts';
import type { City, Contact, Region } from '../../platform/tenancy/service.ts';
import type { FieldErrors } from '../../platform/web/forms.tsx';
import type { Locale } from '../../platform/web/i18n.ts';
import { multiplierAt } from '../bonus/service.ts';
import {
  type EventItem,
  type EventSummary,
  eventPath,
  imagePath,
  type NewsItem,
  type NewsSummary,
  newsPath,
} from './model.ts';
import {
  publicEventPage as publicEventPageQuery,
  publicEventStats as publicEventStatsQuery,
  publishedCampaigns,
  publishedEvents,
  publishedNews,
  type Scope,
} from './queries.ts';
import { occurrences } from './recurrence.ts';

export const MESSAGE_MAX = 5000;
export const NAME_MAX = 200;
export const EMAIL_MAX = 254;
export const PAGE_MAX = 500;

/** Date of the accessibility statement (BITV 2.0 / L-BGG-DVO: the statement names when it was made). */
export const STATEMENT_DATE = '2026-11-23';

export interface FeedbackInput {
  name: string;
  email: string;
  page: string;
  message: string;
}

// Deliberately loose: one @, no spaces, a dot in the domain. The address only serves a reply.
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Field errors as message keys (translated by the page); empty when the input is valid. */
export function validateFeedback(input: FeedbackInput): FieldErrors {
  const errors: FieldErrors = {};
  if (input.name.length > NAME_MAX) errors.name = 'content.feedback.error.nameLong';
  if (input.email && (input.email.length > EMAIL_MAX || !EMAIL_RE.test(input.email)))
    errors.email = 'content.feedback.error.email';
  if (input.page.length > PAGE_MAX) errors.page = 'content.feedback.error.pageLong';
  if (!input.message) errors.message = 'content.feedback.error.messageMissing';
  else if ([...input.message].length > MESSAGE_MAX) errors.message = 'content.feedback.error.messageLong';
  return errors;
}

/** The contact that answers for these pages: the city's, else the region's. */
export function responsibleContact(region: Region, city: City | undefined): Contact {
  return city ? city.contact : region.contact;
}

/** Demo contact data is marked as such ("(Demo)" in a name, or a reserved .example domain). */
export function isDemoContact(contact: Contact): boolean {
  const names = [contact.organisation, contact.representative].filter(Boolean).join(' ');
  const hosts = [contact.email, contact.website].filter(Boolean).join(' ');
  return /\bDemo\b/i.test(names) || /\.example\b/i.test(hosts);
}

/**
 * Stores the feedback and queues a notification to the responsible contact, in one transaction: a
 * message is never stored without its notification, or announced without being stored.
 */
export async function submitFeedback(
  db: Db,
  input: FeedbackInput & { locale: Locale },
  where: { region: Region; city: City | undefined; pageUrl: string },
): Promise<{ id: number; notified: boolean }> {
  const contact = responsibleContact(where.region, where.city);
  // A city without its own address falls back to the region's, so the message still reaches someone.
  const to = contact.email || where.region.contact.email;
  return db.transaction(async (tx) => {
    const row = await one<{ id: string; created_at: Date }>(
      tx,
      sql`INSERT INTO accessibility_feedback (city_id, name, email, page, message, locale)
          VALUES (${where.city?.id ?? null}, ${input.name || null}, ${input.email || null},
            ${input.page || null}, ${input.message}, ${input.locale})
          RETURNING id, created_at`,
    );
    const id = Number(row!.id);
    if (to) {
      const site = where.city ? where.city.name : where.region.name;
      await queueMail(tx, {
        to,
        subject: `Rückmeldung zur Barrierefreiheit #${id} (${site})`,
        purpose: 'accessibility_feedback',
        text: [
          `Über die Erklärung zur Barrierefreiheit (${where.pageUrl}) ist eine Rückmeldung eingegangen.`,
          'Die Erklärung zur Barrierefreiheit sagt eine Antwort innerhalb eines Monats zu.',
          '',
          `Nummer: ${id}`,
          `Eingegangen: ${new Date(row!.created_at).toISOString()}`,
          `Name: ${input.name || '(nicht angegeben)'}`,
          `E-Mail: ${input.email || '(nicht angegeben – keine Antwort möglich)'}`,
          `Betroffene Seite: ${input.page || '(nicht angegeben)'}`,
          `Sprache der Oberfläche: ${input.locale}`,
          '',
          'Nachricht:',
          input.message,
        ].join('\n'),
      });
    }
    return { id, notified: Boolean(to) };
  });
}

// ------------------------------------------------------------------ news, events, campaigns

export type { Campaign, EventItem, EventSummary, NewsItem, NewsSummary } from './model.ts';

/** Scope of a public list: a city shows its own items and the region's; null shows everything. */
const scopeOf = (cityId: number | null): Scope => (cityId === null ? 'all' : { cityId });

/**
 * The next occurrences of published events (recurring events expanded), soonest first, for lists,
 * the portal and the steles. cityId null: the whole region.
 */
export async function upcomingEvents(
  db: Db,
  opts: { cityId: number | null; limit: number; from?: Date },
): Promise<EventSummary[]> {
  return (await nextOccurrences(db, opts)).map(({ e, start, end }) => ({
    id: e.id,
    cityId: e.cityId,
    title: e.title,
    startsAt: start,
    endsAt: end,
    allDay: e.allDay,
    placeName: e.placeName,
    url: eventPath(e.city, e.id),
  }));
}

/** Like upcomingEvents, but only events with a location, and the location with them (the map). */
export async function upcomingLocatedEvents(
  db: Db,
  opts: { cityId: number | null; limit: number; from?: Date },
): Promise<(EventSummary & { location: { lat: number; lon: number } })[]> {
  return (await nextOccurrences(db, opts, true)).map(({ e, start, end }) => ({
    id: e.id,
    cityId: e.cityId,
    title: e.title,
    startsAt: start,
    endsAt: end,
    allDay: e.allDay,
    placeName: e.placeName,
    url: eventPath(e.city, e.id),
    location: e.location!,
  }));
}

/** How far ahead the lists of coming events look. */
const MAX_AHEAD_DAYS = 400;

async function nextOccurrences(
  db: Db,
  opts: { cityId: number | null; limit: number; from?: Date },
  locatedOnly = false,
): Promise<{ e: EventItem; start: Date; end: Date }[]> {
  const from = opts.from ?? new Date();
  const events = await publishedEvents(db, { scope: scopeOf(opts.cityId), at: new Date(), from });
  const shown = events.filter((e) => e.status !== 'cancelled' && (!locatedOnly || e.location));
  // Series are expanded only as far as needed: first two weeks ahead, then further while fewer than
  // `limit` occurrences start in the window (everything outside it starts later than all inside).
  let out: { e: EventItem; start: Date; end: Date }[] = [];
  for (let days = 14; ; days = Math.min(MAX_AHEAD_DAYS, days * 4)) {
    const to = new Date(from.getTime() + days * 86_400_000);
    out = [];
    for (const e of shown) {
      for (const o of occurrences(e, from, to, opts.limit)) out.push({ e, start: o.start, end: o.end });
    }
    if (out.length >= opts.limit || days >= MAX_AHEAD_DAYS) break;
  }
  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.e.id - b.e.id).slice(0, opts.limit);
}

/** Per city (null: the region's own) count and times of the public events, for the open data catalog. */
export const publicEventStats = (db: Db) => publicEventStatsQuery(db);

/**
 * One keyset page (SQL) of a city's public events for the open data download; the columns are
 * documented in the catalog's events provider. pageUrl: the event page URL without the id.
 */
export const publicEventPage = publicEventPageQuery;

/** The newest published news (scheduled ones only once their time has come). */
export async function latestNews(
  db: Db,
  opts: { cityId: number | null; limit: number },
): Promise<NewsSummary[]> {
  const { items } = await publishedNews(db, {
    scope: scopeOf(opts.cityId),
    at: new Date(),
    limit: opts.limit,
  });
  return items.map(toNewsSummary);
}

export function toNewsSummary(n: NewsItem): NewsSummary {
  return {
    id: n.id,
    cityId: n.cityId,
    title: n.title,
    teaser: n.teaser,
    publishedAt: n.publishAt!,
    imageUrl: n.imageId ? imagePath(n.imageId) : null,
    imageAlt: n.imageId ? n.imageAlt : '',
    url: newsPath(n.city, n.slug),
  };
}

/** Stele messages of the city's published campaigns running at `at`, in order. */
export async function activeCampaignMessages(
  db: Db,
  opts: { cityId: number; at?: Date },
): Promise<{ campaignId: number; title: string; message: string }[]> {
  const at = opts.at ?? new Date();
  const campaigns = await publishedCampaigns(db, { scope: { cityId: opts.cityId }, at, running: true });
  return campaigns.flatMap((c) =>
    c.steleMessages.map((message) => ({ campaignId: c.id, title: c.title, message })),
  );
}

/**
 * Factor for the bonus points of an action in a city at a moment, as the bonus module applies it
 * (published campaigns register their multiplier there when saved); 1 without any.
 */
export async function activeMultiplier(db: Db, cityId: number, actionId: number, at: Date): Promise<number> {
  return multiplierAt(db, cityId, actionId, at);
}
