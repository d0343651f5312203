/**
 * Editorial rules for news, events and campaigns: form values → validated input, saving with a
 * revision and an audit entry in one transaction, optimistic locking against lost updates.
 */
import { audit } from '../../platform/audit/service.ts';
import { type Db, one, sql } from '../../platform/db/index.ts';
import { intakeImage } from '../../platform/files/images.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { FieldErrors } from '../../platform/web/forms.tsx';
import { actionNames, setSourceMultiplier } from '../bonus/service.ts';
import {
  ACCESSIBILITY_FACTS,
  type AccessibilityFact,
  type Campaign,
  EVENT_CATEGORIES,
  type EventCategory,
  type EventItem,
  type NewsItem,
  type Status,
} from './model.ts';
import { addRevision, campaignById, eventById, insertImage, newsById } from './queries.ts';
import {
  berlinParts,
  berlinToDate,
  expand,
  formatRule,
  pad,
  parseRule,
  type Rule,
  WEEKDAYS,
  type Weekday,
} from './recurrence.ts';

export const TITLE_MAX = 200;
export const TEASER_MAX = 500;
export const BODY_MAX = 50_000;
export const ALT_MAX = 300;
export const MESSAGE_MAX = 140;

/** Raw form values: every field a string, multi-value fields as arrays. */
export type Values = Record<string, string | string[]>;
const str = (v: Values, k: string) => {
  const x = v[k];
  return (Array.isArray(x) ? (x[0] ?? '') : (x ?? '')).trim();
};
const list = (v: Values, k: string) => {
  const x = v[k];
  return (Array.isArray(x) ? x : x ? [x] : []).map((s) => s.trim()).filter(Boolean);
};

export class ValidationError extends HttpError {
  constructor(public fieldErrors: FieldErrors) {
    super(422, 'Die Eingaben sind nicht vollständig oder nicht gültig.', { errors: fieldErrors });
  }
}

// ------------------------------------------------------------ dates in forms (Europe/Berlin)

/** "2026-12-05T18:30" (datetime-local, Berlin) → instant; undefined when malformed. */
export function parseLocalDateTime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined;
  return berlinToDate({ year: y, month: mo, day: d, hour: h, minute: mi });
}

export function parseLocalDate(text: string): Date | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseLocalDateTime(`${text}T00:00`) : undefined;
}

export function localDateTimeValue(d: Date | null): string {
  if (!d) return '';
  const p = berlinParts(d);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

export function localDateValue(d: Date | null): string {
  return localDateTimeValue(d).slice(0, 10);
}

/** A slug from a title: German letters spelt out, everything else a hyphen. */
export function slugify(title: string): string {
  const map: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
  return title
    .toLowerCase()
    .replace(/[äöüß]/g, (c) => map[c]!)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

const SLUG_RE = /^[a-z0-9][a-z0-9-]{0,99}$/;
const URL_RE = /^https?:\/\/[^\s<>"]+$/;

interface Publishing {
  status: Status;
  publishAt: Date | null;
}

/** Draft, or published now or at a set time (which may be in the future: scheduled). */
function publishing(v: Values, errors: FieldErrors, now: Date): Publishing {
  const status = str(v, 'status') === 'published' ? 'published' : 'draft';
  const text = str(v, 'publishAt');
  let publishAt: Date | null = null;
  if (text) {
    const at = parseLocalDateTime(text);
    if (!at) errors.publishAt = 'content.error.dateTime';
    else publishAt = at;
  }
  if (status === 'published' && !publishAt) publishAt = now;
  return { status, publishAt };
}

function checkImage(v: Values, hasImage: boolean, errors: FieldErrors): string {
  const alt = str(v, 'imageAlt');
  if (alt.length > ALT_MAX) errors.imageAlt = 'content.error.altLong';
  else if (hasImage && !alt) errors.imageAlt = 'content.error.altMissing';
  return alt;
}

function text(v: Values, k: string, max: number, errors: FieldErrors, required: boolean): string {
  const value = str(v, k).replace(/\r\n?/g, '\n');
  if (required && !value) errors[k] = `content.error.${k}Missing`;
  else if ([...value].length > max) errors[k] = 'content.error.tooLong';
  return value;
}

// ------------------------------------------------------------ news

export interface NewsInput extends Publishing {
  cityId: number | null;
  slug: string;
  title: string;
  teaser: string;
  body: string;
  easyLanguage: string;
  tags: string[];
  imageAlt: string;
  commentsEnabled: boolean;
  removeImage: boolean;
}

export function newsInput(
  v: Values,
  ctx: { cityId: number | null; hasImage: boolean; now?: Date },
): { input: NewsInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = text(v, 'title', TITLE_MAX, errors, true);
  const slug = str(v, 'slug') || slugify(title);
  if (!errors.title && !SLUG_RE.test(slug)) errors.slug = 'content.error.slug';
  const tags = [
    ...new Set(
      str(v, 'tags')
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (tags.length > 10 || tags.some((t) => t.length > 40)) errors.tags = 'content.error.tags';
  const removeImage = str(v, 'removeImage') === 'on';
  const input: NewsInput = {
    cityId: ctx.cityId,
    slug,
    title,
    teaser: text(v, 'teaser', TEASER_MAX, errors, true),
    body: text(v, 'body', BODY_MAX, errors, false),
    easyLanguage: text(v, 'easyLanguage', 20_000, errors, false),
    tags,
    imageAlt: checkImage(v, ctx.hasImage && !removeImage, errors),
    commentsEnabled: str(v, 'commentsEnabled') === 'on',
    removeImage,
    ...publishing(v, errors, ctx.now ?? new Date()),
  };
  return { input, errors };
}

/** Who saves: a staff member, or undefined for the system (demo seed). */
export interface Actor {
  id: string | undefined;
}

/** Re-encodes an uploaded image (metadata stripped) before any transaction starts. */
export async function prepareImage(upload: Buffer | undefined) {
  if (!upload || upload.length === 0) return undefined;
  return intakeImage(upload, { maxSide: 1600 });
}

/**
 * Creates (id undefined) or updates a news item. `expectedRevision` guards against overwriting a
 * newer version someone else saved meanwhile (409).
 */
export async function saveNews(
  db: Db,
  actor: Actor,
  id: number | undefined,
  input: NewsInput,
  opts: { expectedRevision?: number; upload?: Buffer | undefined },
): Promise<NewsItem> {
  const image = await prepareImage(opts.upload);
  return db.transaction(async (tx) => {
    const imageId = image
      ? await insertImage(tx, {
          cityId: input.cityId,
          data: image.data,
          width: image.width,
          height: image.height,
        })
      : undefined;
    const clash = await one<{ id: number }>(
      tx,
      sql`SELECT id FROM news_items WHERE coalesce(city_id, 0) = ${input.cityId ?? 0} AND slug = ${input.slug}
          AND id <> ${id ?? -1}`,
    );
    if (clash) throw new ValidationError({ slug: 'content.error.slugTaken' });
    let newId: number;
    if (id === undefined) {
      const r = await one<{ id: number }>(
        tx,
        sql`INSERT INTO news_items (city_id, slug, status, title, teaser, body, easy_language, tags, image_id,
              image_alt, comments_enabled, publish_at)
            VALUES (${input.cityId}, ${input.slug}, ${input.status}, ${input.title}, ${input.teaser}, ${input.body},
              ${input.easyLanguage}, ${sql.param(input.tags)}::text[], ${imageId ?? null}, ${input.imageAlt},
              ${input.commentsEnabled}, ${input.publishAt})
            RETURNING id`,
      );
      newId = r!.id;
    } else {
      const current = await lockCurrent(tx, 'news', id, opts.expectedRevision);
      const nextImage = imageId ?? (input.removeImage ? null : current.image_id);
      if (nextImage && !input.imageAlt) throw new ValidationError({ imageAlt: 'content.error.altMissing' });
      await tx.execute(sql`UPDATE news_items SET slug = ${input.slug}, status = ${input.status},
          title = ${input.title}, teaser = ${input.teaser}, body = ${input.body},
          easy_language = ${input.easyLanguage}, tags = ${sql.param(input.tags)}::text[], image_id = ${nextImage},
          image_alt = ${input.imageAlt}, comments_enabled = ${input.commentsEnabled},
          publish_at = ${input.publishAt}, revision = revision + 1, updated_at = now()
        WHERE id = ${id}`);
      newId = id;
    }
    const saved = (await newsById(tx, newId))!;
    return recordSave(tx, actor, 'news', id === undefined, saved, {
      status: saved.status,
      publishAt: saved.publishAt,
    });
  });
}

const TABLES = { news: 'news_items', event: 'events', campaign: 'campaigns' } as const;
const MISSING = {
  news: 'Diese Meldung gibt es nicht.',
  event: 'Diese Veranstaltung gibt es nicht.',
  campaign: 'Diese Aktion gibt es nicht.',
};

/** Locks the row for the update and refuses to overwrite a newer revision than the editor saw. */
async function lockCurrent(
  tx: Db,
  type: keyof typeof TABLES,
  id: number,
  expectedRevision: number | undefined,
): Promise<{ revision: number; image_id: string | null }> {
  const image = type === 'campaign' ? sql`NULL::uuid` : sql`image_id`;
  const current = await one<{ revision: number; image_id: string | null }>(
    tx,
    sql`SELECT revision, ${image} AS image_id FROM ${sql.raw(TABLES[type])} WHERE id = ${id} FOR UPDATE`,
  );
  if (!current) throw new HttpError(404, MISSING[type]);
  if (expectedRevision !== undefined && expectedRevision !== current.revision) throw staleError();
  return current;
}

/** Every save leaves a revision and an audit entry, in the transaction of the save. */
async function recordSave<T extends { id: number; revision: number; cityId: number | null }>(
  tx: Db,
  actor: Actor,
  type: keyof typeof TABLES,
  created: boolean,
  saved: T,
  details: Record<string, unknown>,
): Promise<T> {
  await addRevision(tx, {
    type,
    id: saved.id,
    revision: saved.revision,
    data: snapshot(saved),
    actorId: actor.id,
  });
  await audit(tx, {
    actorId: actor.id,
    cityId: saved.cityId,
    action: `${type}.${created ? 'create' : 'update'}`,
    entityType: type,
    entityId: String(saved.id),
    details: { revision: saved.revision, ...details },
  });
  return saved;
}

const staleError = () =>
  new HttpError(
    409,
    'Jemand hat diesen Eintrag inzwischen gespeichert. Laden Sie die Seite neu und übernehmen Sie Ihre Änderungen.',
  );

/** What a revision keeps: the editable fields, not the image bytes. */
function snapshot(item: object): Record<string, unknown> {
  const {
    createdAt: _c,
    updatedAt: _u,
    revision: _r,
    offer: _o,
    city: _city,
    ...rest
  } = item as Record<string, unknown>;
  return rest;
}

export async function deleteNews(db: Db, actor: Actor, item: NewsItem): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`DELETE FROM news_items WHERE id = ${item.id}`);
    await audit(tx, {
      actorId: actor.id,
      cityId: item.cityId,
      action: 'news.delete',
      entityType: 'news',
      entityId: String(item.id),
      details: { title: item.title },
    });
  });
}

// ------------------------------------------------------------ events

export const MAX_SERIES_DAYS = 731;

/** When the last occurrence of an event (series) ends. */
export function expandLastEnd(e: {
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  rrule: string | null;
}): Date {
  return expand(e).at(-1)?.end ?? e.endsAt;
}

/** An event as the editor saves it: the stored fields without ids, links and bookkeeping. */
export type EventInput = Omit<
  EventItem,
  'id' | 'city' | 'offer' | 'status' | 'publishAt' | 'imageId' | 'revision' | 'createdAt' | 'updatedAt'
> &
  Publishing & { removeImage: boolean; cancelled: boolean };

/** "12", "12,50", "0" → cents; "" → null (not stated). */
export function parseEuro(textValue: string): number | null | undefined {
  if (!textValue) return null;
  const m = /^(\d{1,6})(?:[.,](\d{1,2}))?\s*(?:€|EUR)?$/i.exec(textValue);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

export function eventInput(
  v: Values,
  ctx: { cityId: number | null; hasImage: boolean; now?: Date },
): { input: EventInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = text(v, 'title', TITLE_MAX, errors, true);
  const allDay = str(v, 'allDay') === 'on';
  const startDate = str(v, 'startDate');
  const endDate = str(v, 'endDate') || startDate;
  let startsAt: Date | undefined;
  let endsAt: Date | undefined;
  if (allDay) {
    startsAt = parseLocalDate(startDate);
    const endDay = parseLocalDate(endDate);
    if (!startsAt) errors.startDate = 'content.error.date';
    if (!endDay) errors.endDate = 'content.error.date';
    if (endDay) {
      // Stored end is exclusive: local midnight after the last day.
      const p = berlinParts(endDay);
      const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
      endsAt = berlinToDate({
        year: next.getUTCFullYear(),
        month: next.getUTCMonth() + 1,
        day: next.getUTCDate(),
        hour: 0,
        minute: 0,
      });
    }
  } else {
    startsAt = parseLocalDateTime(`${startDate}T${str(v, 'startTime')}`);
    endsAt = parseLocalDateTime(`${endDate}T${str(v, 'endTime') || str(v, 'startTime')}`);
    if (!startsAt) errors.startDate = 'content.error.dateTime';
    else if (!endsAt) errors.endDate = 'content.error.dateTime';
  }
  if (startsAt && endsAt && endsAt < startsAt) errors.endDate = 'content.error.endBeforeStart';

  // Recurrence: daily, weekly (on chosen weekdays) or monthly, always with an end date.
  let rrule: string | null = null;
  let lastEndsAt = endsAt;
  const repeat = str(v, 'repeat');
  if (repeat && startsAt && endsAt && !errors.endDate) {
    if (repeat !== 'DAILY' && repeat !== 'WEEKLY' && repeat !== 'MONTHLY')
      errors.repeat = 'content.error.repeat';
    const interval = Number(str(v, 'interval') || '1');
    if (!Number.isInteger(interval) || interval < 1 || interval > 12)
      errors.interval = 'content.error.interval';
    const until = parseLocalDate(str(v, 'repeatUntil'));
    if (!until) errors.repeatUntil = 'content.error.repeatUntil';
    else if (until < startsAt || until.getTime() - startsAt.getTime() > MAX_SERIES_DAYS * 86_400_000)
      errors.repeatUntil = 'content.error.repeatRange';
    const byDay = list(v, 'byDay').filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d));
    if (repeat === 'WEEKLY' && byDay.length) {
      // The first date must be one of the chosen weekdays, or calendars disagree about it.
      const p = berlinParts(startsAt);
      const localWd = WEEKDAYS[(new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7]!;
      if (!byDay.includes(localWd)) errors.byDay = 'content.error.byDay';
    }
    if (!errors.repeat && !errors.interval && !errors.repeatUntil && !errors.byDay && until) {
      const p = berlinParts(until);
      const rule: Rule = {
        freq: repeat as Rule['freq'],
        interval,
        byDay: repeat === 'WEEKLY' ? byDay : [],
        until: berlinToDate({ year: p.year, month: p.month, day: p.day, hour: 23, minute: 59 }),
      };
      rrule = formatRule(rule, allDay);
      lastEndsAt = expandLastEnd({ startsAt, endsAt, allDay, rrule });
      if (!parseRule(rrule)) errors.repeat = 'content.error.repeat';
    }
  }

  const lat = str(v, 'lat');
  const lon = str(v, 'lon');
  let location: EventInput['location'] = null;
  if (lat || lon) {
    const la = Number(lat.replace(',', '.'));
    const lo = Number(lon.replace(',', '.'));
    if (
      !lat ||
      !lon ||
      !Number.isFinite(la) ||
      !Number.isFinite(lo) ||
      Math.abs(la) > 90 ||
      Math.abs(lo) > 180
    )
      errors.lat = 'content.error.coordinates';
    else location = { lat: la, lon: lo };
  }
  const organiserUrl = str(v, 'organiserUrl') || null;
  if (organiserUrl && !URL_RE.test(organiserUrl)) errors.organiserUrl = 'content.error.url';
  const categories = list(v, 'categories').filter((c): c is EventCategory =>
    (EVENT_CATEGORIES as readonly string[]).includes(c),
  );
  const accessibility = list(v, 'accessibility').filter((c): c is AccessibilityFact =>
    (ACCESSIBILITY_FACTS as readonly string[]).includes(c),
  );
  const priceCents = parseEuro(str(v, 'price'));
  if (priceCents === undefined) errors.price = 'content.error.price';

  const registration =
    (['none', 'internal', 'external'] as const).find((r) => r === str(v, 'registration')) ?? 'none';
  let capacity: number | null = null;
  let registrationUrl: string | null = null;
  if (registration === 'internal') {
    capacity = Number(str(v, 'capacity'));
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100_000) {
      errors.capacity = 'content.error.capacity';
      capacity = null;
    }
    if (rrule) errors.registration = 'content.error.registrationSeries';
  } else if (registration === 'external') {
    registrationUrl = str(v, 'registrationUrl');
    if (!URL_RE.test(registrationUrl)) errors.registrationUrl = 'content.error.url';
  }
  const offerId = str(v, 'offerId') || null;
  if (offerId && !/^[0-9a-f-]{36}$/.test(offerId)) errors.offerId = 'content.error.offer';
  const placeName = text(v, 'placeName', 200, errors, !offerId);
  const removeImage = str(v, 'removeImage') === 'on';
  const now = ctx.now ?? new Date();
  const input: EventInput = {
    cityId: ctx.cityId,
    title,
    description: text(v, 'description', BODY_MAX, errors, false),
    startsAt: startsAt ?? now,
    endsAt: endsAt ?? now,
    allDay,
    rrule,
    lastEndsAt: lastEndsAt ?? now,
    offerId,
    placeName,
    address: text(v, 'address', 300, errors, false),
    location,
    organiser: text(v, 'organiser', 200, errors, false),
    organiserUrl,
    categories,
    priceCents: priceCents ?? null,
    priceNote: text(v, 'priceNote', 200, errors, false),
    accessibility,
    registration,
    capacity,
    waitlist: str(v, 'waitlist') === 'on',
    registrationUrl,
    imageAlt: checkImage(v, ctx.hasImage && !removeImage, errors),
    removeImage,
    cancelled: str(v, 'cancelled') === 'on',
    ...publishing(v, errors, now),
  };
  return { input, errors };
}

export async function saveEvent(
  db: Db,
  actor: Actor,
  id: number | undefined,
  input: EventInput,
  opts: { expectedRevision?: number; upload?: Buffer | undefined },
): Promise<EventItem> {
  const image = await prepareImage(opts.upload);
  const status = input.status === 'published' && input.cancelled ? 'cancelled' : input.status;
  const point = input.location
    ? sql`ST_SetSRID(ST_MakePoint(${input.location.lon}, ${input.location.lat}), 4326)`
    : sql`NULL`;
  return db.transaction(async (tx) => {
    const imageId = image
      ? await insertImage(tx, {
          cityId: input.cityId,
          data: image.data,
          width: image.width,
          height: image.height,
        })
      : undefined;
    if (input.offerId) {
      const offer = await one<{ id: string }>(
        tx,
        sql`SELECT id FROM offers WHERE id = ${input.offerId} AND status = 'published'`,
      );
      if (!offer) throw new ValidationError({ offerId: 'content.error.offer' });
    }
    const fields = sql`status = ${status}, title = ${input.title}, description = ${input.description},
      starts_at = ${input.startsAt}, ends_at = ${input.endsAt}, all_day = ${input.allDay}, rrule = ${input.rrule},
      last_ends_at = ${input.lastEndsAt}, offer_id = ${input.offerId}, place_name = ${input.placeName},
      address = ${input.address}, location = ${point}, organiser = ${input.organiser},
      organiser_url = ${input.organiserUrl}, categories = ${sql.param(input.categories)}::text[],
      price_cents = ${input.priceCents}, price_note = ${input.priceNote},
      accessibility = ${sql.param(input.accessibility)}::text[], registration = ${input.registration},
      capacity = ${input.capacity}, waitlist = ${input.waitlist}, registration_url = ${input.registrationUrl},
      image_alt = ${input.imageAlt}, publish_at = ${input.publishAt}`;
    let newId: number;
    if (id === undefined) {
      const r = await one<{ id: number }>(
        tx,
        sql`INSERT INTO events (city_id, title, starts_at, ends_at, last_ends_at, image_id, publish_at)
            VALUES (${input.cityId}, ${input.title}, ${input.startsAt}, ${input.endsAt}, ${input.lastEndsAt},
              ${imageId ?? null}, ${input.publishAt})
            RETURNING id`,
      );
      newId = r!.id;
      await tx.execute(sql`UPDATE events SET ${fields} WHERE id = ${newId}`);
    } else {
      const current = await lockCurrent(tx, 'event', id, opts.expectedRevision);
      const nextImage = imageId ?? (input.removeImage ? null : current.image_id);
      if (nextImage && !input.imageAlt) throw new ValidationError({ imageAlt: 'content.error.altMissing' });
      await tx.execute(sql`UPDATE events SET ${fields}, image_id = ${nextImage}, revision = revision + 1,
          updated_at = now() WHERE id = ${id}`);
      newId = id;
    }
    const saved = (await eventById(tx, newId, undefined))!;
    return recordSave(tx, actor, 'event', id === undefined, saved, { status: saved.status });
  });
}

// ------------------------------------------------------------ campaigns

export interface CampaignInput extends Publishing {
  cityId: number;
  slug: string;
  title: string;
  theme: string;
  teaser: string;
  body: string;
  startsAt: Date;
  endsAt: Date;
  multiplierPercent: number;
  bonusActionIds: number[];
  eventIds: number[];
  steleMessages: string[];
}

export function campaignInput(
  v: Values,
  ctx: { cityId: number; now?: Date },
): { input: CampaignInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = text(v, 'title', TITLE_MAX, errors, true);
  const slug = str(v, 'slug') || slugify(title);
  if (!errors.title && !SLUG_RE.test(slug)) errors.slug = 'content.error.slug';
  const startsAt = parseLocalDate(str(v, 'startDate'));
  const lastDay = parseLocalDate(str(v, 'endDate'));
  if (!startsAt) errors.startDate = 'content.error.date';
  if (!lastDay) errors.endDate = 'content.error.date';
  let endsAt: Date | undefined;
  if (lastDay) {
    const p = berlinParts(lastDay);
    const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
    endsAt = berlinToDate({
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: 0,
      minute: 0,
    });
  }
  if (startsAt && endsAt && endsAt <= startsAt) errors.endDate = 'content.error.endBeforeStart';
  const factor = Number(str(v, 'multiplier').replace(',', '.') || '1');
  const multiplierPercent = Math.round(factor * 100);
  if (!Number.isFinite(factor) || multiplierPercent < 100 || multiplierPercent > 1000)
    errors.multiplier = 'content.error.multiplier';
  const ids = (k: string) => [
    ...new Set(
      list(v, k)
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0),
    ),
  ];
  const steleMessages = str(v, 'steleMessages')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (steleMessages.length > 10 || steleMessages.some((m) => [...m].length > MESSAGE_MAX))
    errors.steleMessages = 'content.error.messages';
  const now = ctx.now ?? new Date();
  return {
    input: {
      cityId: ctx.cityId,
      slug,
      title,
      theme: text(v, 'theme', 200, errors, false),
      teaser: text(v, 'teaser', TEASER_MAX, errors, false),
      body: text(v, 'body', BODY_MAX, errors, false),
      startsAt: startsAt ?? now,
      endsAt: endsAt ?? now,
      multiplierPercent: errors.multiplier ? 100 : multiplierPercent,
      bonusActionIds: ids('bonusActionIds'),
      eventIds: ids('eventIds'),
      steleMessages,
      ...publishing(v, errors, now),
    },
    errors,
  };
}

export async function saveCampaign(
  db: Db,
  actor: Actor,
  id: number | undefined,
  input: CampaignInput,
  opts: { expectedRevision?: number },
): Promise<Campaign> {
  return db.transaction(async (tx) => {
    const clash = await one<{ id: number }>(
      tx,
      sql`SELECT id FROM campaigns WHERE city_id = ${input.cityId} AND slug = ${input.slug} AND id <> ${id ?? -1}`,
    );
    if (clash) throw new ValidationError({ slug: 'content.error.slugTaken' });
    // Linked events must be the city's own or the region's; actions the city's or region-wide ones.
    const badEvent = await one<{ id: number }>(
      tx,
      sql`SELECT x AS id FROM unnest(${sql.param(input.eventIds)}::int[]) x
          WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = x AND (e.city_id = ${input.cityId} OR e.city_id IS NULL))`,
    );
    if (badEvent) throw new ValidationError({ eventIds: 'content.error.linkedEvent' });
    const actions = new Set((await actionNames(tx, input.cityId, { all: true })).map((a) => a.id));
    if (input.bonusActionIds.some((a) => !actions.has(a)))
      throw new ValidationError({ bonusActionIds: 'content.error.linkedAction' });
    const fields = sql`slug = ${input.slug}, status = ${input.status}, title = ${input.title},
      theme = ${input.theme}, teaser = ${input.teaser}, body = ${input.body}, starts_at = ${input.startsAt},
      ends_at = ${input.endsAt}, multiplier_percent = ${input.multiplierPercent},
      bonus_action_ids = ${sql.param(input.bonusActionIds)}::int[], event_ids = ${sql.param(input.eventIds)}::int[],
      stele_messages = ${sql.param(input.steleMessages)}::text[], publish_at = ${input.publishAt}`;
    let newId: number;
    if (id === undefined) {
      const r = await one<{ id: number }>(
        tx,
        sql`INSERT INTO campaigns (city_id, slug, title, starts_at, ends_at, publish_at)
            VALUES (${input.cityId}, ${input.slug}, ${input.title}, ${input.startsAt}, ${input.endsAt}, ${input.publishAt})
            RETURNING id`,
      );
      newId = r!.id;
      await tx.execute(sql`UPDATE campaigns SET ${fields} WHERE id = ${newId}`);
    } else {
      await lockCurrent(tx, 'campaign', id, opts.expectedRevision);
      await tx.execute(
        sql`UPDATE campaigns SET ${fields}, revision = revision + 1, updated_at = now() WHERE id = ${id}`,
      );
      newId = id;
    }
    const saved = (await campaignById(tx, newId))!;
    await registerMultiplier(tx, saved);
    return recordSave(tx, actor, 'campaign', id === undefined, saved, {
      status: saved.status,
      multiplierPercent: saved.multiplierPercent,
    });
  });
}

/**
 * The bonus module applies multipliers when it awards points; a published campaign registers its own
 * there (from its start, or its publication if later, to its end) and a draft withdraws it.
 */
async function registerMultiplier(tx: Db, c: Campaign): Promise<void> {
  const startsAt = c.publishAt && c.publishAt > c.startsAt ? c.publishAt : c.startsAt;
  await setSourceMultiplier(
    tx,
    `content.campaign:${c.id}`,
    c.status === 'published'
      ? {
          label: `Aktion „${c.title}“`,
          cityId: c.cityId,
          actionIds: c.bonusActionIds,
          percent: c.multiplierPercent,
          startsAt,
          endsAt: c.endsAt,
        }
      : null,
  );
}

// ------------------------------------------------------------ page texts

export const PAGE_KINDS = [
  'impressum',
  'datenschutz',
  'barrierefreiheit',
  'leichte-sprache',
  'gebaerdensprache',
] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

export async function savePageText(
  db: Db,
  actor: Actor,
  where: { cityId: number | null; page: PageKind },
  body: string,
  expectedRevision: number | undefined,
): Promise<number> {
  if ([...body].length > BODY_MAX) throw new ValidationError({ body: 'content.error.tooLong' });
  return db.transaction(async (tx) => {
    const current = await one<{ id: number; revision: number }>(
      tx,
      sql`SELECT id, revision FROM content_page_texts WHERE coalesce(city_id, 0) = ${where.cityId ?? 0}
          AND page = ${where.page} FOR UPDATE`,
    );
    if (current && expectedRevision !== undefined && expectedRevision !== current.revision)
      throw staleError();
    const row = current
      ? await one<{ id: number; revision: number }>(
          tx,
          sql`UPDATE content_page_texts SET body = ${body}, revision = revision + 1, updated_at = now()
              WHERE id = ${current.id} RETURNING id, revision`,
        )
      : await one<{ id: number; revision: number }>(
          tx,
          sql`INSERT INTO content_page_texts (city_id, page, body) VALUES (${where.cityId}, ${where.page}, ${body})
              RETURNING id, revision`,
        );
    await addRevision(tx, {
      type: 'page',
      id: row!.id,
      revision: row!.revision,
      data: { ...where, body },
      actorId: actor.id,
    });
    await audit(tx, {
      actorId: actor.id,
      cityId: where.cityId,
      action: 'page.update',
      entityType: 'page',
      entityId: `${where.cityId ?? 'region'}:${where.page}`,
      details: { revision: row!.revision },
    });
    return row!.revision;
  });
}
