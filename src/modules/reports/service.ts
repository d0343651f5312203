/**
 * Mängelmelder rules: where a report belongs, who may see and change what, the status workflow.
 * The only file of this module other modules may import.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { audit } from '../../platform/audit/service.ts';
import { hasRole, newToken, sha256 } from '../../platform/auth/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { intakeImage, type StoredImage } from '../../platform/files/images.ts';
import { type GeoSource, sqlSource } from '../../platform/geo/source.ts';
import { forbidden, HttpError, notFound, unprocessable } from '../../platform/http/errors.ts';
import { queueMail } from '../../platform/mail/service.ts';
import { type City, cityAt } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import {
  type CategoryRow,
  categoriesOf,
  categoryByCode,
  findReports,
  type NearbyRow,
  openNearby,
  photoById,
  type ReportRow,
  reportById,
} from './queries.ts';

export * from './queries.ts';

export const STATUSES = [
  'eingegangen',
  'bestaetigt',
  'in_bearbeitung',
  'erledigt',
  'abgelehnt',
  'duplikat',
  'weitergeleitet',
] as const;
export type Status = (typeof STATUSES)[number];
export const OPEN_STATUSES: Status[] = ['eingegangen', 'bestaetigt', 'in_bearbeitung'];
export const isOpen = (s: string) => (OPEN_STATUSES as string[]).includes(s);

export const STATUS_LABELS: Record<Status, { de: string; en: string }> = {
  eingegangen: { de: 'eingegangen', en: 'received' },
  bestaetigt: { de: 'bestätigt', en: 'confirmed' },
  in_bearbeitung: { de: 'in Bearbeitung', en: 'in progress' },
  erledigt: { de: 'erledigt', en: 'fixed' },
  abgelehnt: { de: 'abgelehnt', en: 'rejected' },
  duplikat: { de: 'Duplikat', en: 'duplicate' },
  weitergeleitet: { de: 'weitergeleitet', en: 'forwarded' },
};

/** Which status may follow which; closed reports can be taken up again by staff. */
export const TRANSITIONS: Record<Status, Status[]> = {
  eingegangen: ['bestaetigt', 'in_bearbeitung', 'erledigt', 'abgelehnt', 'duplikat', 'weitergeleitet'],
  bestaetigt: ['in_bearbeitung', 'erledigt', 'abgelehnt', 'duplikat', 'weitergeleitet'],
  in_bearbeitung: ['erledigt', 'abgelehnt', 'duplikat', 'weitergeleitet'],
  erledigt: ['in_bearbeitung'],
  abgelehnt: ['bestaetigt'],
  duplikat: ['bestaetigt'],
  weitergeleitet: ['bestaetigt'],
};

/** Public note templates for the back office (the case worker can edit the text before sending). */
export const NOTE_TEMPLATES: Record<Status, string> = {
  eingegangen: '',
  bestaetigt: 'Vielen Dank für Ihre Meldung. Wir haben sie geprüft und an die zuständige Stelle gegeben.',
  in_bearbeitung: 'Die zuständige Stelle kümmert sich darum. Die Arbeiten sind beauftragt.',
  erledigt: 'Der Mangel ist behoben. Vielen Dank für Ihren Hinweis!',
  abgelehnt: 'Wir können hier nicht tätig werden, weil ',
  duplikat: 'Dieser Mangel wurde bereits gemeldet. Den Stand finden Sie bei der verknüpften Meldung.',
  weitergeleitet: 'Dafür ist die Stadt nicht zuständig. Wir haben Ihre Meldung weitergeleitet an: ',
};

export const DUPLICATE_RADIUS_M = 50;
export const REOPEN_DAYS = 30;
export const MAX_PHOTOS = 3;

// ---- categories ----

export const CATEGORY_SEED: Omit<CategoryRow, 'id' | 'city_id' | 'active'>[] = [
  {
    code: 'schlagloch',
    name: 'Schlagloch',
    group_name: 'Straße und Verkehr',
    description: 'Schlaglöcher und Schäden im Straßenbelag, auf Rad- und Gehwegen',
    keywords: 'Straße,Belag,Loch,Radweg,Gehweg',
    department: 'Tiefbauamt',
    ack_days: 2,
    sla_days: 14,
    sort: 10,
  },
  {
    code: 'strassenbeleuchtung',
    name: 'Straßenbeleuchtung defekt',
    group_name: 'Straße und Verkehr',
    description: 'Laterne aus, flackert oder brennt tagsüber',
    keywords: 'Laterne,Licht,Beleuchtung',
    department: 'Stadtwerke – Straßenbeleuchtung',
    ack_days: 2,
    sla_days: 10,
    sort: 20,
  },
  {
    code: 'verkehrszeichen',
    name: 'Verkehrszeichen',
    group_name: 'Straße und Verkehr',
    description: 'Beschädigte, verdrehte oder fehlende Verkehrszeichen',
    keywords: 'Schild,Ampel,Verkehr',
    department: 'Straßenverkehrsbehörde',
    ack_days: 1,
    sla_days: 7,
    sort: 30,
  },
  {
    code: 'muell',
    name: 'Illegale Müllablagerung',
    group_name: 'Sauberkeit',
    description: 'Wilder Müll, Sperrmüll im Gelände, überquellende Papierkörbe',
    keywords: 'Müll,Abfall,Sperrmüll,Papierkorb',
    department: 'Betriebshof – Stadtreinigung',
    ack_days: 1,
    sla_days: 5,
    sort: 40,
  },
  {
    code: 'graffiti',
    name: 'Graffiti',
    group_name: 'Sauberkeit',
    description: 'Schmierereien an öffentlichen Gebäuden und Anlagen',
    keywords: 'Graffiti,Schmiererei,Farbe',
    department: 'Betriebshof – Stadtreinigung',
    ack_days: 3,
    sla_days: 30,
    sort: 50,
  },
  {
    code: 'spielplatz',
    name: 'Spielplatz beschädigt',
    group_name: 'Grün und Freizeit',
    description: 'Beschädigte Spielgeräte, Scherben, gefährliche Stellen auf Spielplätzen',
    keywords: 'Spielplatz,Spielgerät,Schaukel,Rutsche',
    department: 'Grünflächenamt',
    ack_days: 1,
    sla_days: 7,
    sort: 60,
  },
  {
    code: 'gruenflaechen',
    name: 'Grünflächen',
    group_name: 'Grün und Freizeit',
    description: 'Umgestürzte Bäume, überwachsene Wege, ungepflegte Grünanlagen',
    keywords: 'Baum,Hecke,Rasen,Park',
    department: 'Grünflächenamt',
    ack_days: 3,
    sla_days: 21,
    sort: 70,
  },
  {
    code: 'sonstiges',
    name: 'Sonstiges',
    group_name: 'Sonstiges',
    description: 'Alles, was in keine andere Kategorie passt',
    keywords: '',
    department: 'Bürgerbüro',
    ack_days: 3,
    sla_days: 30,
    sort: 90,
  },
];

/** Idempotent: gives every city the standard categories (existing ones keep staff changes). */
export async function seedCategories(db: Db): Promise<void> {
  const cities = await rows<{ id: number }>(db, sql`SELECT id FROM cities`);
  for (const city of cities) {
    for (const c of CATEGORY_SEED) {
      await db.execute(sql`INSERT INTO report_categories
          (city_id, code, name, group_name, description, keywords, department, ack_days, sla_days, sort)
        VALUES (${city.id}, ${c.code}, ${c.name}, ${c.group_name}, ${c.description}, ${c.keywords},
          ${c.department}, ${c.ack_days}, ${c.sla_days}, ${c.sort})
        ON CONFLICT (city_id, code) DO NOTHING`);
    }
  }
}

export { categoriesOf };

// ---- visibility and roles ----

export const canHandle = (user: CurrentUser | undefined, cityId: number) =>
  hasRole(user, 'case_worker', cityId);
export const canModerate = (user: CurrentUser | undefined, cityId: number) =>
  hasRole(user, 'case_worker', cityId) || hasRole(user, 'moderator', cityId);

export function isVisible(report: ReportRow, user: CurrentUser | undefined): boolean {
  return (
    report.published_at !== null ||
    canModerate(user, report.city_id) ||
    (user !== undefined && report.reporter_user_id === user.id)
  );
}

/** What the public may see of a report: no name, no e-mail, no tokens. */
export interface PublicReport {
  id: number;
  citySlug: string;
  categoryCode: string;
  categoryName: string;
  department: string;
  status: Status;
  description: string | null;
  address: string | null;
  lon: number | null;
  lat: number | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  expectedAt: Date | null;
  lastNote: string | null;
  photoId: number | null;
  duplicateOf: number | null;
  forwardedTo: string | null;
  /** People who said "me too" (and merged duplicates). */
  supportCount: number;
  token: string;
}

export function toPublic(r: ReportRow): PublicReport {
  return {
    id: r.id,
    citySlug: r.city_slug,
    categoryCode: r.category_code,
    categoryName: r.category_name,
    department: r.department,
    status: r.status as Status,
    description: r.text_hidden ? null : r.description,
    address: r.address,
    lon: r.lon === null ? null : Number(r.lon),
    lat: r.lat === null ? null : Number(r.lat),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    expectedAt: isOpen(r.status)
      ? new Date(new Date(r.created_at).getTime() + r.sla_days * 86_400_000)
      : null,
    lastNote: r.last_note,
    photoId: r.photo_id,
    duplicateOf: r.duplicate_of,
    forwardedTo: r.forwarded_to,
    supportCount: r.support_count,
    token: r.token,
  };
}

// ---- creating a report ----

export interface NewReport {
  /** The city whose page the form was on: only used when no location is given. */
  fallbackCity: City;
  categoryCode: string;
  description: string;
  address?: string | undefined;
  lon?: number | undefined;
  lat?: number | undefined;
  photos?: Buffer[];
  reporter: { user?: CurrentUser | undefined; name?: string | undefined; email?: string | undefined };
  source: 'web' | 'open311' | 'seed';
  /** Trusted channels (Open311 key holders) publish at once. */
  trusted?: boolean;
  baseUrl: string;
}

export interface Created {
  id: number;
  cityId: number;
  citySlug: string;
  token: string;
  published: boolean;
  /** Sent by e-mail; returned for tests and the seed only. */
  reporterToken: string | undefined;
}

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Validates the fields a person types; returns field → message (German, understandable). */
export function validateReportFields(input: {
  categoryCode: string;
  description: string;
  address?: string | undefined;
  lon?: number | undefined;
  lat?: number | undefined;
  email?: string | undefined;
  name?: string | undefined;
}): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!input.categoryCode) errors.category = 'Wählen Sie eine Kategorie.';
  const d = input.description.trim();
  if (d.length < 10) errors.description = 'Beschreiben Sie den Mangel in mindestens 10 Zeichen.';
  else if (d.length > 4000) errors.description = 'Die Beschreibung darf höchstens 4.000 Zeichen lang sein.';
  const hasPoint = input.lon !== undefined && input.lat !== undefined;
  if ((input.lon === undefined) !== (input.lat === undefined)) {
    errors.lat =
      'Geben Sie Breite und Länge an – oder lassen Sie beide Felder leer und nennen Sie eine Adresse.';
  } else if (hasPoint && (Math.abs(input.lat!) > 90 || Math.abs(input.lon!) > 180)) {
    errors.lat = 'Breite und Länge sind keine gültigen Koordinaten.';
  }
  const addr = input.address?.trim() ?? '';
  if (!hasPoint && addr.length < 3 && !errors.lat) {
    errors.address =
      'Geben Sie den Ort an: auf der Karte, mit Ihrem Standort oder als Adresse oder Ortsbeschreibung.';
  }
  if (addr.length > 300) errors.address = 'Die Ortsangabe darf höchstens 300 Zeichen lang sein.';
  if (input.email && !EMAIL_RE.test(input.email))
    errors.email = 'Geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.';
  if (input.name && input.name.length > 120) errors.name = 'Der Name darf höchstens 120 Zeichen lang sein.';
  return errors;
}

export const outsideRegion = () =>
  unprocessable(
    'Dieser Ort liegt außerhalb der Städte auf dieser Plattform. Bitte melden Sie den Mangel der dort zuständigen Gemeinde.',
    { lat: 'Der Ort liegt außerhalb von Aalen und Heidenheim an der Brenz.' },
  );

/** The responsible city: from the location by point-in-polygon, else the city of the form's page. */
export async function responsibleCity(
  db: Db,
  fallback: City,
  lon: number | undefined,
  lat: number | undefined,
): Promise<City> {
  if (lon === undefined || lat === undefined) return fallback;
  const city = await cityAt(db, lon, lat);
  if (!city) throw outsideRegion();
  return city;
}

export async function createReport(db: Db, input: NewReport): Promise<Created> {
  const email = input.reporter.email?.trim() || input.reporter.user?.email || undefined;
  const errors = validateReportFields({
    categoryCode: input.categoryCode,
    description: input.description,
    address: input.address,
    lon: input.lon,
    lat: input.lat,
    email,
    name: input.reporter.name,
  });
  if (Object.keys(errors).length) throw unprocessable('Bitte prüfen Sie Ihre Angaben.', errors);
  if ((input.photos?.length ?? 0) > MAX_PHOTOS) {
    throw unprocessable(`Höchstens ${MAX_PHOTOS} Fotos pro Meldung.`, {
      photos: `Höchstens ${MAX_PHOTOS} Fotos.`,
    });
  }
  const city = await responsibleCity(db, input.fallbackCity, input.lon, input.lat);
  const category = await categoryByCode(db, city.id, input.categoryCode);
  if (!category?.active) {
    throw unprocessable('Diese Kategorie gibt es hier nicht.', {
      category: 'Wählen Sie eine Kategorie aus der Liste.',
    });
  }
  // Decode and re-encode before the transaction: slow work outside the lock, bad files refused early.
  const photos: StoredImage[] = [];
  for (const p of input.photos ?? []) {
    const heic = await hevcMessage(p);
    if (heic) throw unprocessable(heic, { photos: heic });
    try {
      photos.push(await intakeImage(p));
    } catch (err) {
      if (err instanceof HttpError)
        throw new HttpError(err.statusCode, err.message, { errors: { photos: err.message } });
      throw err;
    }
  }
  const token = randomBytes(12).toString('hex');
  const reporterToken = email ? newToken() : undefined;
  const published = Boolean(input.reporter.user) || Boolean(input.trusted);
  const hasPoint = input.lon !== undefined && input.lat !== undefined;
  const created = await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const r = await one<{ id: number }>(
      tx,
      sql`INSERT INTO reports (city_id, category_id, description, address, location, reporter_user_id,
            reporter_name, reporter_email, reporter_token_hash, token, published_at, source)
          VALUES (${city.id}, ${category.id}, ${input.description.trim()}, ${input.address?.trim() || null},
            ${hasPoint ? sql`ST_SetSRID(ST_MakePoint(${input.lon}, ${input.lat}), 4326)` : sql`NULL`},
            ${input.reporter.user?.id ?? null}, ${input.reporter.name?.trim() || null}, ${email ?? null},
            ${reporterToken ? sha256(reporterToken) : null}, ${token}, ${published ? sql`now()` : sql`NULL`}, ${input.source})
          RETURNING id::int AS id`,
    );
    const id = r!.id;
    for (const p of photos) {
      await tx.execute(sql`INSERT INTO report_photos (report_id, data, media_type, width, height)
        VALUES (${id}, ${p.data}, ${p.mediaType}, ${p.width}, ${p.height})`);
    }
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, to_status)
      VALUES (${id}, ${input.reporter.user?.id ?? null}, 'created', 'eingegangen')`);
    if (email && reporterToken) {
      const link = `${input.baseUrl}/${city.slug}/maengel/${id}`;
      const text = published
        ? `Vielen Dank für Ihre Meldung Nr. ${id} (${category.name}).\n\nDen Stand sehen Sie hier: ${link}\n\nIst der Mangel als erledigt gemeldet, aber nicht behoben? Innerhalb von ${REOPEN_DAYS} Tagen können Sie die Meldung hier wieder öffnen: ${link}/wieder-oeffnen?token=${reporterToken}\n`
        : `Vielen Dank für Ihre Meldung Nr. ${id} (${category.name}).\n\nBitte bestätigen Sie Ihre Meldung, damit sie veröffentlicht und bearbeitet wird:\n${link}/bestaetigen?token=${reporterToken}\n\nWenn Sie nichts gemeldet haben, können Sie diese E-Mail ignorieren.\n`;
      await queueMail(tx, {
        to: email,
        subject: published
          ? `Ihre Meldung Nr. ${id} ist eingegangen`
          : `Bitte bestätigen Sie Ihre Meldung Nr. ${id}`,
        text,
        purpose: published ? 'report_received' : 'report_confirm',
      });
    }
    return id;
  });
  return { id: created, cityId: city.id, citySlug: city.slug, token, published, reporterToken };
}

/**
 * HEIF photos decode here when they are AVIF-coded; iPhone HEIC photos are HEVC-coded, which the
 * image library ships without (patents). Say so plainly instead of calling the file broken.
 */
export async function hevcMessage(photo: Buffer): Promise<string | undefined> {
  const meta = await sharp(photo)
    .metadata()
    .catch(() => undefined);
  if (meta?.format !== 'heif' || meta.compression !== 'hevc') return undefined;
  return 'HEIC-Fotos im HEVC-Format (iPhone) können wir nicht lesen. Bitte senden Sie das Foto als JPEG – auf dem iPhone z. B. über „Teilen“ → „Optionen“ → „Am kompatibelsten“ oder Einstellungen → Kamera → Formate.';
}

/** "Already reported?": open reports of the same category within 50 m. */
export async function duplicateCandidates(
  db: Db,
  city: City,
  categoryCode: string,
  lon: number,
  lat: number,
) {
  const category = await categoryByCode(db, city.id, categoryCode);
  if (!category) return [];
  return openNearby(db, category.id, lon, lat, DUPLICATE_RADIUS_M);
}

/** The e-mail link publishes an anonymous report; using it again is harmless. */
export async function confirmReport(db: Db, id: number, token: string): Promise<ReportRow> {
  const report = await reportById(db, id);
  if (!report?.reporter_token_hash || report.reporter_token_hash !== sha256(token)) {
    throw notFound('Dieser Bestätigungslink ist ungültig.');
  }
  if (!report.published_at) {
    await db.transaction(async (t) => {
      const tx = t as unknown as Db;
      await tx.execute(sql`UPDATE reports SET published_at = now(), updated_at = now() WHERE id = ${id}`);
      await tx.execute(sql`INSERT INTO report_history (report_id, kind) VALUES (${id}, 'confirmed')`);
    });
  }
  return (await reportById(db, id))!;
}

// ---- staff: status workflow ----

export interface StatusChange {
  to: string;
  publicNote?: string | undefined;
  internalNote?: string | undefined;
  duplicateOf?: number | undefined;
  forwardedTo?: string | undefined;
}

export async function changeStatus(
  db: Db,
  user: CurrentUser | undefined,
  reportId: number,
  change: StatusChange,
  baseUrl: string,
): Promise<void> {
  const report = await reportById(db, reportId);
  if (!report) throw notFound('Diese Meldung gibt es nicht.');
  if (!canHandle(user, report.city_id)) throw forbidden('Sie bearbeiten keine Meldungen dieser Stadt.');
  const from = report.status as Status;
  const to = change.to as Status;
  const errors: Record<string, string> = {};
  if (!(STATUSES as readonly string[]).includes(to)) errors.status = 'Wählen Sie einen Status.';
  else if (!TRANSITIONS[from].includes(to)) {
    errors.status = `Von „${STATUS_LABELS[from].de}“ geht es nicht nach „${STATUS_LABELS[to].de}“.`;
  }
  const note = change.publicNote?.trim() ?? '';
  const internal = change.internalNote?.trim() ?? '';
  if (note.length > 2000) errors.publicNote = 'Die öffentliche Notiz darf höchstens 2.000 Zeichen lang sein.';
  if (internal.length > 4000)
    errors.internalNote = 'Die interne Notiz darf höchstens 4.000 Zeichen lang sein.';
  if (to === 'abgelehnt' && note.length < 10) {
    errors.publicNote =
      'Geben Sie den Grund der Ablehnung an (mindestens 10 Zeichen): er wird veröffentlicht.';
  }
  let duplicateOf: number | null = null;
  if (to === 'duplikat') {
    const original = change.duplicateOf ? await reportById(db, change.duplicateOf) : undefined;
    if (!original || original.city_id !== report.city_id || original.id === report.id) {
      errors.duplicateOf = 'Geben Sie die Nummer der ursprünglichen Meldung derselben Stadt an.';
    } else if (original.status === 'duplikat') {
      // Merge into the root, so nobody follows a chain of duplicates.
      errors.duplicateOf = `Meldung Nr. ${original.id} ist selbst ein Duplikat von Nr. ${original.duplicate_of}: nehmen Sie diese.`;
    } else duplicateOf = original.id;
  }
  const forwardedTo = change.forwardedTo?.trim() ?? '';
  if (to === 'weitergeleitet' && forwardedTo.length < 3) {
    errors.forwardedTo = 'Geben Sie an, an wen die Meldung weitergeleitet wurde.';
  }
  if (Object.keys(errors).length) throw unprocessable('Der Status wurde nicht geändert.', errors);
  const closed = !isOpen(to);
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    // Staff taking a report up publishes it, unless they turn it down.
    const publish = ['bestaetigt', 'in_bearbeitung', 'erledigt', 'weitergeleitet'].includes(to);
    await tx.execute(sql`UPDATE reports SET status = ${to}, updated_at = now(),
        acknowledged_at = coalesce(acknowledged_at, ${to === 'eingegangen' ? sql`NULL` : sql`now()`}),
        closed_at = ${closed ? sql`now()` : sql`NULL`},
        duplicate_of = ${duplicateOf}, forwarded_to = ${to === 'weitergeleitet' ? forwardedTo : null},
        published_at = ${publish ? sql`coalesce(published_at, now())` : sql`published_at`}
      WHERE id = ${reportId}`);
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, from_status, to_status, public_note, internal_note)
      VALUES (${reportId}, ${user!.id}, 'status', ${from}, ${to}, ${note || null}, ${internal || null})`);
    if (duplicateOf) await attachDuplicate(tx, user!.id, report, duplicateOf);
    await audit(tx, {
      actorId: user!.id,
      cityId: report.city_id,
      action: 'report.status',
      entityType: 'report',
      entityId: String(reportId),
      details: { from, to, ...(duplicateOf ? { duplicateOf } : {}) },
    });
    if (report.reporter_email) {
      const link = `${baseUrl}/${report.city_slug}/maengel/${reportId}`;
      // Only the hash is stored, so "erledigt" brings a fresh reopen link for the reporter.
      let reopenLink = '';
      if (to === 'erledigt') {
        const fresh = newToken();
        await tx.execute(
          sql`UPDATE reports SET reporter_token_hash = ${sha256(fresh)} WHERE id = ${reportId}`,
        );
        reopenLink = `${link}/wieder-oeffnen?token=${fresh}`;
      }
      await queueMail(tx, {
        to: report.reporter_email,
        subject: `Ihre Meldung Nr. ${reportId}: ${STATUS_LABELS[to].de}`,
        text: `Der Stand Ihrer Meldung Nr. ${reportId} (${report.category_name}) ist jetzt: ${STATUS_LABELS[to].de}.\n\n${note ? `${note}\n\n` : ''}Mehr dazu: ${link}\n${reopenLink ? `\nIst der Mangel nicht behoben? Innerhalb von ${REOPEN_DAYS} Tagen können Sie die Meldung hier wieder öffnen:\n${reopenLink}\n` : ''}`,
        purpose: 'report_status',
      });
    }
    // Supporters and reporters of merged duplicates follow the report (no reopen link: not theirs).
    const followers = (await followersOf(tx, reportId)).filter((e) => e !== report.reporter_email);
    for (const address of followers) {
      await queueMail(tx, {
        to: address,
        subject: `Meldung Nr. ${reportId}, die Sie unterstützen: ${STATUS_LABELS[to].de}`,
        text: `Der Stand der Meldung Nr. ${reportId} (${report.category_name}) ist jetzt: ${STATUS_LABELS[to].de}.\n\n${note ? `${note}\n\n` : ''}Mehr dazu: ${baseUrl}/${report.city_slug}/maengel/${reportId}\n`,
        purpose: 'report_status',
      });
    }
  });
}

export async function addInternalNote(db: Db, user: CurrentUser | undefined, reportId: number, note: string) {
  const report = await reportById(db, reportId);
  if (!report) throw notFound('Diese Meldung gibt es nicht.');
  if (!canHandle(user, report.city_id)) throw forbidden('Sie bearbeiten keine Meldungen dieser Stadt.');
  const text = note.trim();
  if (text.length < 1 || text.length > 4000) {
    throw unprocessable('Die Notiz wurde nicht gespeichert.', {
      internalNote: 'Schreiben Sie eine Notiz (höchstens 4.000 Zeichen).',
    });
  }
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, internal_note)
      VALUES (${reportId}, ${user!.id}, 'note', ${text})`);
    await audit(tx, {
      actorId: user!.id,
      cityId: report.city_id,
      action: 'report.note',
      entityType: 'report',
      entityId: String(reportId),
    });
  });
}

export async function setPhotoHidden(
  db: Db,
  user: CurrentUser | undefined,
  photoId: number,
  hidden: boolean,
) {
  const photo = await one<{ report_id: number; city_id: number }>(
    db,
    sql`SELECT p.report_id::int AS report_id, r.city_id FROM report_photos p JOIN reports r ON r.id = p.report_id
        WHERE p.id = ${photoId}`,
  );
  if (!photo) throw notFound('Dieses Foto gibt es nicht.');
  if (!canModerate(user, photo.city_id)) throw forbidden('Sie moderieren keine Meldungen dieser Stadt.');
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(sql`UPDATE report_photos SET hidden = ${hidden} WHERE id = ${photoId}`);
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, internal_note)
      VALUES (${photo.report_id}, ${user!.id}, 'photo_hidden', ${hidden ? `Foto ${photoId} verborgen` : `Foto ${photoId} wieder sichtbar`})`);
    await audit(tx, {
      actorId: user!.id,
      cityId: photo.city_id,
      action: hidden ? 'report.photo.hide' : 'report.photo.show',
      entityType: 'report_photo',
      entityId: String(photoId),
    });
  });
}

export async function setTextHidden(
  db: Db,
  user: CurrentUser | undefined,
  reportId: number,
  hidden: boolean,
) {
  const report = await reportById(db, reportId);
  if (!report) throw notFound('Diese Meldung gibt es nicht.');
  if (!canModerate(user, report.city_id)) throw forbidden('Sie moderieren keine Meldungen dieser Stadt.');
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(
      sql`UPDATE reports SET text_hidden = ${hidden}, updated_at = now() WHERE id = ${reportId}`,
    );
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, internal_note)
      VALUES (${reportId}, ${user!.id}, 'text_hidden', ${hidden ? 'Beschreibung verborgen' : 'Beschreibung wieder sichtbar'})`);
    await audit(tx, {
      actorId: user!.id,
      cityId: report.city_id,
      action: hidden ? 'report.text.hide' : 'report.text.show',
      entityType: 'report',
      entityId: String(reportId),
    });
  });
}

// ---- reporter: reopen ----

/** Whether the reporter (by account or by the e-mailed token) may say "not fixed" now. */
export function reopenState(
  report: ReportRow,
  who: { user?: CurrentUser | undefined; token?: string | undefined },
  now = new Date(),
): 'ok' | 'not_reporter' | 'not_closed' | 'too_late' {
  const byUser = who.user !== undefined && report.reporter_user_id === who.user.id;
  const byToken = Boolean(
    who.token && report.reporter_token_hash && sha256(who.token) === report.reporter_token_hash,
  );
  if (!byUser && !byToken) return 'not_reporter';
  if (report.status !== 'erledigt' || !report.closed_at) return 'not_closed';
  if (now.getTime() - new Date(report.closed_at).getTime() > REOPEN_DAYS * 86_400_000) return 'too_late';
  return 'ok';
}

export async function reopenReport(
  db: Db,
  reportId: number,
  who: { user?: CurrentUser | undefined; token?: string | undefined },
  reason: string,
): Promise<void> {
  const report = await reportById(db, reportId);
  if (!report) throw notFound('Diese Meldung gibt es nicht.');
  const state = reopenState(report, who);
  if (state === 'not_reporter')
    throw forbidden('Nur wer den Mangel gemeldet hat, kann die Meldung wieder öffnen.');
  if (state === 'not_closed')
    throw unprocessable('Die Meldung ist nicht als erledigt markiert.', {
      reason: 'Die Meldung ist nicht als erledigt markiert.',
    });
  if (state === 'too_late') {
    throw unprocessable(
      `Eine Meldung kann nur bis ${REOPEN_DAYS} Tage nach „erledigt“ wieder geöffnet werden. Bitte erstellen Sie eine neue Meldung.`,
      {
        reason: `Die Frist von ${REOPEN_DAYS} Tagen ist abgelaufen.`,
      },
    );
  }
  const text = reason.trim();
  if (text.length < 10 || text.length > 2000) {
    throw unprocessable('Bitte prüfen Sie Ihre Angaben.', {
      reason: 'Beschreiben Sie in mindestens 10 Zeichen, was noch nicht behoben ist.',
    });
  }
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(
      sql`UPDATE reports SET status = 'bestaetigt', closed_at = NULL, updated_at = now() WHERE id = ${reportId}`,
    );
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, from_status, to_status, public_note)
      VALUES (${reportId}, ${who.user?.id ?? null}, 'reopened', 'erledigt', 'bestaetigt', ${`Nicht behoben: ${text}`})`);
  });
}

// ---- Open311 API keys ----

export async function createApiKey(
  db: Db,
  user: CurrentUser | undefined,
  name: string,
  cityId: number | null,
): Promise<string> {
  if (!hasRole(user, 'admin', cityId)) throw forbidden('Nur Admins verwalten API-Schlüssel.');
  if (name.trim().length < 2 || name.length > 120) {
    throw unprocessable('Bitte prüfen Sie Ihre Angaben.', {
      name: 'Geben Sie einen Namen an (2 bis 120 Zeichen).',
    });
  }
  const key = `sp311_${newToken()}`;
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const r = await one<{ id: number }>(
      tx,
      sql`INSERT INTO open311_api_keys (key_hash, name, city_id, created_by)
          VALUES (${sha256(key)}, ${name.trim()}, ${cityId}, ${user?.id ?? null}) RETURNING id`,
    );
    await audit(tx, {
      actorId: user?.id,
      cityId,
      action: 'open311.key.create',
      entityType: 'open311_api_key',
      entityId: String(r!.id),
      details: { name: name.trim() },
    });
  });
  return key;
}

/** Creates a key without a person (CLI, seed, tests). */
export async function createApiKeyUnchecked(db: Db, name: string, cityId: number | null): Promise<string> {
  const key = `sp311_${newToken()}`;
  await db.execute(
    sql`INSERT INTO open311_api_keys (key_hash, name, city_id) VALUES (${sha256(key)}, ${name}, ${cityId})`,
  );
  return key;
}

export async function revokeApiKey(db: Db, user: CurrentUser | undefined, id: number): Promise<void> {
  const k = await one<{ city_id: number | null }>(
    db,
    sql`SELECT city_id FROM open311_api_keys WHERE id = ${id}`,
  );
  if (!k) throw notFound('Diesen Schlüssel gibt es nicht.');
  if (!hasRole(user, 'admin', k.city_id)) throw forbidden('Nur Admins verwalten API-Schlüssel.');
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(
      sql`UPDATE open311_api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${id}`,
    );
    await audit(tx, {
      actorId: user?.id,
      cityId: k.city_id,
      action: 'open311.key.revoke',
      entityType: 'open311_api_key',
      entityId: String(id),
    });
  });
}

export interface ApiKeyRow {
  id: number;
  name: string;
  city_id: number | null;
  created_at: Date;
  revoked_at: Date | null;
}

export async function listApiKeys(db: Db, cityIds: number[] | 'all'): Promise<ApiKeyRow[]> {
  const f =
    cityIds === 'all' ? sql`TRUE` : sql`city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  return rows<ApiKeyRow>(
    db,
    sql`SELECT id, name, city_id, created_at, revoked_at FROM open311_api_keys WHERE ${f} ORDER BY id DESC`,
  );
}

/** The key's city scope (null = region-wide), or undefined when the key is unknown or revoked. */
export async function verifyApiKey(
  db: Db,
  key: string,
): Promise<{ id: number; cityId: number | null } | undefined> {
  if (!key || key.length > 200) return undefined;
  const r = await one<{ id: number; city_id: number | null }>(
    db,
    sql`SELECT id, city_id FROM open311_api_keys WHERE key_hash = ${sha256(key)} AND revoked_at IS NULL`,
  );
  return r && { id: r.id, cityId: r.city_id };
}

// ---- staff: assignment ----

export interface StaffMember {
  id: string;
  display_name: string;
  email: string;
}

/** Who may be assigned reports of a city: case workers and admins of the city or the whole region. */
export async function assignableStaff(db: Db, cityId: number): Promise<StaffMember[]> {
  return rows<StaffMember>(
    db,
    sql`SELECT DISTINCT u.id, u.display_name, u.email FROM users u JOIN role_assignments a ON a.user_id = u.id
        WHERE a.role IN ('case_worker', 'admin') AND (a.city_id = ${cityId} OR a.city_id IS NULL)
          AND u.disabled_at IS NULL
        ORDER BY u.display_name, u.email`,
  );
}

/** Assigns a report to a staff member of its city (null: nobody); the assignee is told by e-mail. */
export async function assignReport(
  db: Db,
  user: CurrentUser | undefined,
  reportId: number,
  assigneeId: string | null,
  baseUrl: string,
): Promise<void> {
  const report = await reportById(db, reportId);
  if (!report) throw notFound('Diese Meldung gibt es nicht.');
  if (!canHandle(user, report.city_id)) throw forbidden('Sie bearbeiten keine Meldungen dieser Stadt.');
  let assignee: StaffMember | undefined;
  if (assigneeId) {
    assignee = (await assignableStaff(db, report.city_id)).find((s) => s.id === assigneeId);
    if (!assignee) {
      throw unprocessable('Die Meldung wurde nicht zugewiesen.', {
        assignee: 'Wählen Sie eine Person, die Meldungen dieser Stadt bearbeitet.',
      });
    }
  }
  if ((report.assigned_to ?? null) === (assignee?.id ?? null)) return;
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(
      sql`UPDATE reports SET assigned_to = ${assignee?.id ?? null}, updated_at = now() WHERE id = ${reportId}`,
    );
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, internal_note)
      VALUES (${reportId}, ${user!.id}, 'assigned', ${assignee ? `Zugewiesen an ${assignee.display_name}` : 'Zuweisung aufgehoben'})`);
    await audit(tx, {
      actorId: user!.id,
      cityId: report.city_id,
      action: 'report.assign',
      entityType: 'report',
      entityId: String(reportId),
      details: { assignee: assignee?.id ?? null },
    });
    if (assignee && assignee.id !== user!.id) {
      await queueMail(tx, {
        to: assignee.email,
        subject: `Meldung Nr. ${reportId} ist Ihnen zugewiesen`,
        text: `${user!.displayName} hat Ihnen die Meldung Nr. ${reportId} (${report.category_name}) zugewiesen.\n\n${baseUrl}/admin/maengel/${reportId}\n`,
        purpose: 'report_assigned',
      });
    }
  });
}

// ---- supporters ("me too") and merged duplicates ----

/**
 * "Me too" on an open public report. Signed-in people count once and get its status e-mails;
 * anonymous support only counts (the write rate limit keeps that honest enough).
 */
export async function supportReport(
  db: Db,
  reportId: number,
  user: CurrentUser | undefined,
): Promise<'added' | 'already'> {
  const report = await reportById(db, reportId);
  if (!report?.published_at)
    throw notFound('Diese Meldung gibt es nicht oder sie ist noch nicht veröffentlicht.');
  if (!isOpen(report.status)) {
    throw unprocessable('Diese Meldung ist abgeschlossen und kann nicht mehr unterstützt werden.', {
      support: 'Die Meldung ist abgeschlossen. Besteht der Mangel weiter, melden Sie ihn bitte neu.',
    });
  }
  if (user && report.reporter_user_id === user.id) return 'already';
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const inserted = await one<{ id: number }>(
      tx,
      sql`INSERT INTO report_supporters (report_id, user_id) VALUES (${reportId}, ${user?.id ?? null})
          ON CONFLICT (report_id, user_id) WHERE user_id IS NOT NULL DO NOTHING RETURNING id::int AS id`,
    );
    if (!inserted) return 'already' as const;
    await tx.execute(sql`UPDATE reports SET support_count = support_count + 1 WHERE id = ${reportId}`);
    return 'added' as const;
  });
}

/** Inside changeStatus(→ duplikat): the duplicate's reporter follows the original from now on. */
async function attachDuplicate(tx: Db, actorId: string, duplicate: ReportRow, originalId: number) {
  const follower = duplicate.reporter_user_id ?? null;
  const email = follower ? null : duplicate.reporter_email;
  await tx.execute(sql`INSERT INTO report_supporters (report_id, user_id, email, merged_from)
    VALUES (${originalId}, ${follower}, ${email}, ${duplicate.id})
    ON CONFLICT DO NOTHING`);
  await tx.execute(sql`UPDATE reports SET support_count = support_count + 1 + ${duplicate.support_count},
      updated_at = now() WHERE id = ${originalId}`);
  await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, internal_note)
    VALUES (${originalId}, ${actorId}, 'merged', ${`Meldung Nr. ${duplicate.id} als Duplikat hierher zusammengeführt`})`);
}

/** E-mail addresses that follow a report besides its reporter (supporters, merged duplicates). */
export async function followersOf(db: Db, reportId: number): Promise<string[]> {
  const r = await rows<{ email: string }>(
    db,
    sql`SELECT DISTINCT coalesce(u.email, s.email) AS email FROM report_supporters s
        LEFT JOIN users u ON u.id = s.user_id
        WHERE s.report_id = ${reportId} AND coalesce(u.email, s.email) IS NOT NULL`,
  );
  return r.map((x) => x.email);
}

/** Open reports of the same city and category near a report: candidates to merge in the back office. */
export async function mergeCandidates(db: Db, report: ReportRow): Promise<NearbyRow[]> {
  if (report.lon === null || report.lat === null || !isOpen(report.status)) return [];
  const near = await rows<NearbyRow>(
    db,
    sql`SELECT r.id::int AS id, r.description, r.status, r.created_at,
          round(ST_Distance(r.location::geography, ST_SetSRID(ST_MakePoint(${report.lon}, ${report.lat}), 4326)::geography))::int AS distance
        FROM reports r
        WHERE r.category_id = ${report.category_id} AND r.id <> ${report.id}
          AND r.status IN ('eingegangen', 'bestaetigt', 'in_bearbeitung')
          AND ST_DWithin(r.location::geography, ST_SetSRID(ST_MakePoint(${report.lon}, ${report.lat}), 4326)::geography, ${DUPLICATE_RADIUS_M * 2})
        ORDER BY distance, r.id LIMIT 10`,
  );
  return near;
}

// ---- moderation: redact part of a photo ----

export interface Redaction {
  /** Rectangle in percent of width and height, from the top left corner. */
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Blacks out a rectangle (a face, a number plate) for good: the stored pixels are replaced, so no
 * unredacted copy remains.
 */
export async function redactPhoto(
  db: Db,
  user: CurrentUser | undefined,
  photoId: number,
  area: Redaction,
): Promise<void> {
  const photo = await photoById(db, photoId);
  if (!photo) throw notFound('Dieses Foto gibt es nicht.');
  const report = await reportById(db, photo.report_id);
  if (!report || !canModerate(user, report.city_id))
    throw forbidden('Sie moderieren keine Meldungen dieser Stadt.');
  const errors: Record<string, string> = {};
  for (const k of ['x', 'y', 'w', 'h'] as const) {
    const v = area[k];
    if (!Number.isFinite(v) || v < 0 || v > 100) errors[`redact${k}`] = 'Eine Zahl von 0 bis 100 (Prozent).';
  }
  if (!errors.redactw && area.w < 1) errors.redactw = 'Die Breite muss mindestens 1 % sein.';
  if (!errors.redacth && area.h < 1) errors.redacth = 'Die Höhe muss mindestens 1 % sein.';
  if (Object.keys(errors).length) throw unprocessable('Das Foto wurde nicht geschwärzt.', errors);
  const left = Math.min(photo.width - 1, Math.floor((area.x / 100) * photo.width));
  const top = Math.min(photo.height - 1, Math.floor((area.y / 100) * photo.height));
  const width = Math.max(1, Math.min(photo.width - left, Math.ceil((area.w / 100) * photo.width)));
  const height = Math.max(1, Math.min(photo.height - top, Math.ceil((area.h / 100) * photo.height)));
  const box = await sharp({ create: { width, height, channels: 3, background: '#222222' } })
    .png()
    .toBuffer();
  const data = await sharp(photo.data)
    .composite([{ input: box, left, top }])
    .webp({ quality: 80 })
    .toBuffer();
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(sql`UPDATE report_photos SET data = ${data}, redacted_at = now() WHERE id = ${photoId}`);
    await tx.execute(sql`INSERT INTO report_history (report_id, actor_id, kind, internal_note)
      VALUES (${photo.report_id}, ${user!.id}, 'photo_redacted', ${`Foto ${photoId} teilweise geschwärzt`})`);
    await audit(tx, {
      actorId: user!.id,
      cityId: report.city_id,
      action: 'report.photo.redact',
      entityType: 'report_photo',
      entityId: String(photoId),
      details: { left, top, width, height },
    });
  });
}

// ---- public data for other modules (open-data catalog, maps) ----

export interface PublicReportQuery {
  cityId: number;
  statuses?: string[];
  categoryCodes?: string[];
  from?: Date;
  to?: Date;
  bbox?: [number, number, number, number];
  limit?: number;
  offset?: number;
}

/** Published reports of a city without any personal data (no name, e-mail, tokens, internal notes). */
export async function listPublicReports(
  db: Db,
  q: PublicReportQuery,
): Promise<Omit<PublicReport, 'token'>[]> {
  const found = await findReports(db, {
    cityId: q.cityId,
    publicOnly: true,
    ...(q.statuses ? { statuses: q.statuses } : {}),
    ...(q.categoryCodes ? { categoryCodes: q.categoryCodes } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.bbox ? { bbox: q.bbox } : {}),
    limit: Math.min(Math.max(q.limit ?? 1000, 1), 10_000),
    offset: Math.max(q.offset ?? 0, 0),
  });
  return found.map((r) => {
    const { token: _token, ...rest } = toPublic(r);
    return rest;
  });
}

// ---- categories: department and service levels per city (admins) ----

export interface CategoryChange {
  name: string;
  department: string;
  ackDays: number;
  slaDays: number;
  active: boolean;
}

export async function updateCategory(
  db: Db,
  user: CurrentUser | undefined,
  id: number,
  change: CategoryChange,
): Promise<void> {
  const c = await one<CategoryRow>(db, sql`SELECT * FROM report_categories WHERE id = ${id}`);
  if (!c) throw notFound('Diese Kategorie gibt es nicht.');
  if (!hasRole(user, 'admin', c.city_id)) throw forbidden('Nur Admins der Stadt ändern Kategorien.');
  const errors: Record<string, string> = {};
  const name = change.name.trim();
  const department = change.department.trim();
  if (name.length < 2 || name.length > 100) errors.name = 'Geben Sie einen Namen an (2 bis 100 Zeichen).';
  if (department.length < 2 || department.length > 200)
    errors.department = 'Geben Sie die zuständige Stelle an (2 bis 200 Zeichen).';
  if (!Number.isInteger(change.ackDays) || change.ackDays < 1 || change.ackDays > 365)
    errors.ackDays = 'Eine ganze Zahl von 1 bis 365 Tagen.';
  if (!Number.isInteger(change.slaDays) || change.slaDays < 1 || change.slaDays > 365)
    errors.slaDays = 'Eine ganze Zahl von 1 bis 365 Tagen.';
  else if (!errors.ackDays && change.slaDays < change.ackDays)
    errors.slaDays =
      'Die Frist bis zur Erledigung darf nicht kürzer sein als die bis zur Eingangsbestätigung.';
  if (Object.keys(errors).length) throw unprocessable('Die Kategorie wurde nicht gespeichert.', errors);
  await db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(sql`UPDATE report_categories SET name = ${name}, department = ${department},
        ack_days = ${change.ackDays}, sla_days = ${change.slaDays}, active = ${change.active} WHERE id = ${id}`);
    await audit(tx, {
      actorId: user!.id,
      cityId: c.city_id,
      action: 'report.category.update',
      entityType: 'report_category',
      entityId: String(id),
      details: { department, ackDays: change.ackDays, slaDays: change.slaDays, active: change.active },
    });
  });
}

// ---- public reads for the map and the open data catalog (published reports, no personal data) ----

/** Published reports with a location as a map source; city undefined: all cities. */
export function publicReportPlaces(db: Db, city: number | undefined): GeoSource {
  return sqlSource(
    db,
    sql`SELECT r.id::text AS id, k.name AS name,
        concat_ws(' · ', CASE r.status WHEN 'eingegangen' THEN 'eingegangen' WHEN 'bestaetigt' THEN 'bestätigt'
          WHEN 'in_bearbeitung' THEN 'in Bearbeitung' WHEN 'erledigt' THEN 'erledigt' WHEN 'abgelehnt' THEN 'abgelehnt'
          WHEN 'duplikat' THEN 'Duplikat' ELSE 'weitergeleitet' END, r.address) AS info,
        '/' || c.slug || '/maengel/' || r.id AS url, r.location AS geom
      FROM reports r JOIN report_categories k ON k.id = r.category_id JOIN cities c ON c.id = r.city_id
      WHERE r.published_at IS NOT NULL AND r.location IS NOT NULL
        AND ${city === undefined ? sql`true` : sql`r.city_id = ${city}`}`,
  );
}

/** Per city: number of published reports, newest change, first and last receipt. */
export function publicReportStats(
  db: Db,
): Promise<{ city_id: number; modified: Date; first: Date; last: Date; n: number }[]> {
  return rows(
    db,
    sql`SELECT city_id, max(updated_at) AS modified, min(created_at) AS first, max(created_at) AS last,
          count(*)::int AS n
        FROM reports WHERE published_at IS NOT NULL GROUP BY city_id`,
  );
}

/**
 * One keyset page (by id) of a city's published reports for the open data download: no reporter
 * data, hidden texts empty; columns documented in the catalog's reports provider.
 */
export function publicReportPage(
  db: Db,
  opts: { cityId: number; pageUrl: string },
  after: number | null,
  limit: number,
): Promise<(Record<string, unknown> & { key: number; geometry: string | null })[]> {
  return rows(
    db,
    sql`SELECT r.id AS key, r.id, k.code AS kategorie, k.name AS kategorie_name, r.status,
          CASE WHEN r.text_hidden THEN '' ELSE r.description END AS beschreibung,
          r.address AS adresse, round(ST_Y(r.location)::numeric, 6) AS breite,
          round(ST_X(r.location)::numeric, 6) AS laenge, r.created_at AS erstellt,
          r.acknowledged_at AS bestaetigt, r.closed_at AS abgeschlossen, r.updated_at AS geaendert,
          ${opts.pageUrl} || r.id AS url, ST_AsGeoJSON(r.location, 6) AS geometry
        FROM reports r JOIN report_categories k ON k.id = r.category_id
        WHERE r.city_id = ${opts.cityId} AND r.published_at IS NOT NULL
          AND (${after}::bigint IS NULL OR r.id > ${after}::bigint)
        ORDER BY r.id LIMIT ${limit}`,
  );
}
