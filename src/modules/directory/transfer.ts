/**
 * Import and export of offers: a JSON shape modelled on XZuFi ("stadtplattform-leistungen/1") and a flat
 * CSV with one column per field. Both are described in docs/directory-import.md; keep the two in step.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { sql } from 'drizzle-orm';
import { audit } from '../../platform/audit/service.ts';
import { type Db, one } from '../../platform/db/index.ts';
import { badRequest, forbidden, HttpError } from '../../platform/http/errors.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import type { Offer } from './model.ts';
import { offerPath } from './pages.tsx';
import * as q from './queries.ts';
import { canEdit, upsertOfferAsSystem, ValidationError } from './service.ts';
import { OFFER_KINDS, type OfferKind } from './taxonomy.ts';

export const JSON_FORMAT = 'stadtplattform-leistungen/1';
export const MAX_IMPORT_ROWS = 5_000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export interface ImportRowReport {
  /** Number of the record: 1 is the first entry of "leistungen" or the first CSV line after the header. */
  row: number;
  slug?: string;
  status: 'created' | 'updated' | 'unchanged' | 'rejected';
  /** Field (as named in the file) → German message. */
  errors?: Record<string, string>;
}
export interface ImportReport {
  id: number;
  format: 'csv' | 'json';
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rows: ImportRowReport[];
}

// ---- vocabulary of the exchange format ----

/** German names of the kinds in files; the internal names are accepted on import as well. */
const KIND_NAMES: Record<OfferKind, string> = {
  online_service: 'online-dienst',
  facility: 'einrichtung',
  counselling: 'beratung',
  digital_offer: 'digitales-angebot',
  contact_point: 'anlaufstelle',
};
const STATUS_NAMES = { published: 'veroeffentlicht', draft: 'entwurf' } as const;

function kindFromFile(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  const hit = OFFER_KINDS.find((k) => KIND_NAMES[k] === v);
  return hit ?? v;
}

function statusFromFile(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return 'draft';
  if (typeof value !== 'string') return value;
  const v = value.trim();
  if (v === STATUS_NAMES.published) return 'published';
  if (v === STATUS_NAMES.draft) return 'draft';
  return v;
}

/** Internal field → its name in the files (JSON path; CSV columns use the same names). */
const FILE_NAMES: Record<string, string> = {
  slug: 'id',
  kind: 'typ',
  status: 'status',
  title: 'bezeichnung',
  summary: 'kurztext',
  body: 'volltext',
  easyLanguage: 'leichteSprache',
  categories: 'kategorien',
  lifeSituations: 'lebenslagen',
  targetGroups: 'zielgruppen',
  tags: 'schlagworte',
  provider: 'zustaendigeStelle',
  contact: 'kontakt',
  'contact.phone': 'kontakt.telefon',
  'contact.email': 'kontakt.email',
  'contact.website': 'kontakt.webseite',
  address: 'anschrift',
  'address.street': 'anschrift.strasse',
  'address.postalCode': 'anschrift.plz',
  'address.locality': 'anschrift.ort',
  location: 'geo',
  openingHours: 'oeffnungszeiten',
  accessibility: 'barrierefreiheit',
  onlineServiceUrl: 'onlineDienst',
  leikaKey: 'leikaSchluessel',
  lastReviewed: 'zuletztGeprueft',
  offer: 'leistung',
};

const fileName = (key: string) => FILE_NAMES[key] ?? key;
const renameErrors = (errors: Record<string, string>) =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [fileName(k), v]));

/** Columns of the CSV file, in order. `url` and `stadt` are written on export and ignored on import. */
export const CSV_COLUMNS = [
  'id',
  'typ',
  'status',
  'bezeichnung',
  'kurztext',
  'volltext',
  'leichteSprache',
  'kategorien',
  'lebenslagen',
  'zielgruppen',
  'schlagworte',
  'zustaendigeStelle',
  'kontakt.telefon',
  'kontakt.email',
  'kontakt.webseite',
  'anschrift.strasse',
  'anschrift.plz',
  'anschrift.ort',
  'geo.lat',
  'geo.lon',
  'oeffnungszeiten',
  'barrierefreiheit.stufenlos',
  'barrierefreiheit.wc',
  'barrierefreiheit.induktionsschleife',
  'onlineDienst',
  'leikaSchluessel',
  'zuletztGeprueft',
  'stadt',
  'url',
] as const;
const REQUIRED_COLUMNS = ['id', 'typ', 'bezeichnung', 'kurztext', 'kategorien'];

const JSON_FIELDS = new Set([
  'id',
  'leikaSchluessel',
  'bezeichnung',
  'kurztext',
  'volltext',
  'leichteSprache',
  'typ',
  'kategorien',
  'lebenslagen',
  'zielgruppen',
  'schlagworte',
  'zustaendigeStelle',
  'kontakt',
  'anschrift',
  'geo',
  'oeffnungszeiten',
  'barrierefreiheit',
  'onlineDienst',
  'status',
  'zuletztGeprueft',
  // Written on export, ignored on import: the city is the one the file is imported into.
  'stadt',
  'url',
  'geaendert',
]);

// ---- file → OfferInput ----

interface Mapped {
  slug: string | undefined;
  input: Record<string, unknown>;
  /** Problems the mapping itself found (field name as in the file). */
  errors: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const emptyToNull = (v: unknown) => (v === undefined || v === '' ? null : v);
const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

function definedOnly(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function mapJsonEntry(entry: unknown): Mapped {
  if (!isObject(entry)) {
    return { slug: undefined, input: {}, errors: { leistung: 'Der Eintrag ist kein JSON-Objekt.' } };
  }
  const errors: Record<string, string> = {};
  const unknown = Object.keys(entry).filter((k) => !JSON_FIELDS.has(k));
  if (unknown.length) errors.leistung = `Unbekannte Felder: ${unknown.join(', ')}`;

  const kontakt = entry.kontakt ?? {};
  const contact = isObject(kontakt)
    ? definedOnly({
        phone: emptyToUndefined(kontakt.telefon),
        email: emptyToUndefined(kontakt.email),
        website: emptyToUndefined(kontakt.webseite),
      })
    : kontakt;
  if (isObject(kontakt)) {
    const extra = Object.keys(kontakt).filter((k) => !['telefon', 'email', 'webseite'].includes(k));
    if (extra.length) errors.kontakt = `Unbekannte Felder: ${extra.join(', ')}`;
  }
  const anschrift = emptyToNull(entry.anschrift);
  const address = isObject(anschrift)
    ? { street: anschrift.strasse ?? '', postalCode: anschrift.plz ?? '', locality: anschrift.ort ?? '' }
    : anschrift;
  const geo = emptyToNull(entry.geo);
  const location = isObject(geo) ? { lat: geo.lat, lon: geo.lon } : geo;
  const bf = entry.barrierefreiheit ?? {};
  const accessibility = isObject(bf)
    ? definedOnly({
        stepFree: bf.stufenlos ?? undefined,
        toilet: bf.wc ?? undefined,
        hearingLoop: bf.induktionsschleife ?? undefined,
      })
    : bf;
  const slug = typeof entry.id === 'string' ? entry.id : undefined;
  return {
    slug,
    errors,
    input: {
      slug: entry.id,
      kind: kindFromFile(entry.typ),
      status: statusFromFile(entry.status),
      title: entry.bezeichnung,
      summary: entry.kurztext,
      body: entry.volltext ?? '',
      easyLanguage: entry.leichteSprache ?? '',
      categories: entry.kategorien ?? [],
      lifeSituations: entry.lebenslagen ?? [],
      targetGroups: entry.zielgruppen ?? [],
      tags: entry.schlagworte ?? [],
      provider: entry.zustaendigeStelle ?? '',
      contact,
      address,
      location,
      openingHours: emptyToNull(entry.oeffnungszeiten),
      accessibility,
      onlineServiceUrl: emptyToNull(entry.onlineDienst),
      leikaKey: emptyToNull(entry.leikaSchluessel),
      lastReviewed: emptyToNull(entry.zuletztGeprueft),
    },
  };
}

/**
 * Spreadsheets turn cells starting with = + - @ into formulas. Export prefixes such cells with an
 * apostrophe; import removes exactly one, so values survive the round trip unchanged.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const guardCell = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);
const unguardCell = (v: string) => (/^'+[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

const splitList = (v: string) =>
  v
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean);

function csvBoolean(v: string): boolean | undefined | 'invalid' {
  const s = v.trim().toLowerCase();
  if (s === '') return undefined;
  if (['ja', 'true', '1', 'yes'].includes(s)) return true;
  if (['nein', 'false', '0', 'no'].includes(s)) return false;
  return 'invalid';
}

function csvNumber(v: string): number | string {
  const s = v.trim().replace(',', '.');
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? n : v;
}

/** `text` reads a free-text cell as written; `word` trims cells that hold names, numbers or codes. */
function mapCsvRecord(text: (column: string) => string): Mapped {
  const word = (column: string) => text(column).trim();
  const errors: Record<string, string> = {};
  const contact = definedOnly({
    phone: word('kontakt.telefon') || undefined,
    email: word('kontakt.email') || undefined,
    website: word('kontakt.webseite') || undefined,
  });
  const street = word('anschrift.strasse');
  const postalCode = word('anschrift.plz');
  const locality = word('anschrift.ort');
  const address = street || postalCode || locality ? { street, postalCode, locality } : null;
  const lat = word('geo.lat');
  const lon = word('geo.lon');
  const location = lat || lon ? { lat: csvNumber(lat), lon: csvNumber(lon) } : null;
  const accessibility: Record<string, boolean> = {};
  for (const [column, key] of [
    ['barrierefreiheit.stufenlos', 'stepFree'],
    ['barrierefreiheit.wc', 'toilet'],
    ['barrierefreiheit.induktionsschleife', 'hearingLoop'],
  ] as const) {
    const b = csvBoolean(word(column));
    if (b === 'invalid') errors[column] = 'Geben Sie „ja“, „nein“ ein oder lassen Sie das Feld leer.';
    else if (b !== undefined) accessibility[key] = b;
  }
  const slug = word('id');
  return {
    slug: slug || undefined,
    errors,
    input: {
      slug,
      kind: kindFromFile(word('typ')),
      status: statusFromFile(word('status')),
      title: text('bezeichnung'),
      summary: text('kurztext'),
      body: text('volltext'),
      easyLanguage: text('leichteSprache'),
      categories: splitList(word('kategorien')),
      lifeSituations: splitList(word('lebenslagen')),
      targetGroups: splitList(word('zielgruppen')),
      tags: splitList(word('schlagworte')),
      provider: text('zustaendigeStelle'),
      contact,
      address,
      location,
      openingHours: word('oeffnungszeiten') || null,
      accessibility,
      onlineServiceUrl: word('onlineDienst') || null,
      leikaKey: word('leikaSchluessel') || null,
      lastReviewed: word('zuletztGeprueft') || null,
    },
  };
}

/** A parsed file: one mapping per record, or a problem with the whole file (a 400 for the person). */
function readJson(text: string): Mapped[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw badRequest(`Die Datei ist kein gültiges JSON (${(err as Error).message}).`);
  }
  if (!isObject(doc) || doc.format !== JSON_FORMAT || !Array.isArray(doc.leistungen)) {
    throw badRequest(
      `Die JSON-Datei muss ein Objekt mit "format": "${JSON_FORMAT}" und einer Liste "leistungen" sein.`,
    );
  }
  checkRowLimit(doc.leistungen.length);
  return doc.leistungen.map(mapJsonEntry);
}

function readCsv(text: string): Mapped[] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  // Spreadsheets with German settings write ";" as separator.
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: string[][];
  try {
    records = parseCsv(body, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    });
  } catch (err) {
    throw badRequest(`Die CSV-Datei lässt sich nicht lesen (${(err as Error).message}).`);
  }
  const [header, ...data] = records;
  if (!header) throw badRequest('Die CSV-Datei ist leer: Es fehlt die Kopfzeile mit den Spaltennamen.');
  const columns = header.map((h) => h.trim());
  const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  const doubled = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (unknown.length || missing.length || doubled.length) {
    const parts = [
      unknown.length ? `unbekannte Spalten: ${unknown.join(', ')}` : '',
      missing.length ? `fehlende Spalten: ${missing.join(', ')}` : '',
      doubled.length ? `doppelte Spalten: ${doubled.join(', ')}` : '',
    ].filter(Boolean);
    throw badRequest(`Die Kopfzeile der CSV-Datei passt nicht: ${parts.join('; ')}.`);
  }
  checkRowLimit(data.length);
  const index = new Map(columns.map((c, i) => [c, i]));
  return data.map((record) => {
    if (record.length !== columns.length) {
      return {
        slug: undefined,
        input: {},
        errors: {
          zeile: `Die Zeile hat ${record.length} statt ${columns.length} Spalten. Prüfen Sie Trennzeichen und Anführungszeichen.`,
        },
      };
    }
    const get = (column: string) => {
      const i = index.get(column);
      return i === undefined ? '' : unguardCell(record[i] ?? '');
    };
    return mapCsvRecord(get);
  });
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === '23505' || e?.cause?.code === '23505';
}

function checkRowLimit(n: number) {
  if (n > MAX_IMPORT_ROWS) {
    throw new HttpError(
      413,
      `Die Datei enthält ${n} Einträge. Es können höchstens ${MAX_IMPORT_ROWS.toLocaleString('de-DE')} auf einmal importiert werden; teilen Sie die Datei bitte auf.`,
    );
  }
}

export function checkImportSize(bytes: number) {
  if (bytes > MAX_IMPORT_BYTES) {
    throw new HttpError(
      413,
      'Die Datei ist größer als 5 MB. Teilen Sie sie bitte auf und importieren Sie die Teile nacheinander.',
    );
  }
}

// ---- import ----

/**
 * Imports offers into one city (null = region-wide). Every record goes through the same validation as
 * the forms; bad records are reported and skipped, good ones are written, each on its own, so one
 * failure never undoes another. The run is recorded in offer_imports and the audit log.
 */
export async function importOffers(
  db: Db,
  actor: CurrentUser | undefined,
  cityId: number | null,
  format: 'csv' | 'json',
  text: string,
): Promise<ImportReport> {
  if (actor && !canEdit(actor, cityId))
    throw forbidden('Sie dürfen in dieser Stadt keine Angebote importieren.');
  checkImportSize(Buffer.byteLength(text, 'utf8'));
  const mapped = format === 'json' ? readJson(text) : readCsv(text);

  // One read of the city's offers instead of a lookup per record.
  const scope = cityId === null ? sql`o.city_id IS NULL` : sql`o.city_id = ${cityId}`;
  const stored = new Map((await q.selectOffers(db, scope)).map((o) => [o.slug, o]));
  const rows: ImportRowReport[] = [];
  const seen = new Map<string, number>();
  for (const [i, m] of mapped.entries()) {
    const row = i + 1;
    const report: ImportRowReport = { row, status: 'rejected', ...(m.slug ? { slug: m.slug } : {}) };
    rows.push(report);
    if (m.slug !== undefined) {
      const first = seen.get(m.slug);
      if (first !== undefined) {
        report.errors = {
          id: `Das URL-Kürzel „${m.slug}“ steht schon in Eintrag ${first} dieser Datei; jeder Eintrag darf nur einmal vorkommen.`,
        };
        continue;
      }
      seen.set(m.slug, row);
    }
    if (Object.keys(m.errors).length) {
      report.errors = m.errors;
      continue;
    }
    try {
      // Each record is written by one statement of its own, outside any transaction: a record the
      // database refuses leaves the others intact.
      const slug = (m.input as { slug?: unknown }).slug;
      const known = typeof slug === 'string' ? (stored.get(slug) ?? null) : null;
      report.status = await upsertOfferAsSystem(db, cityId, m.input, known);
    } catch (err) {
      if (err instanceof ValidationError) report.errors = renameErrors(err.errors);
      else if (isUniqueViolation(err)) {
        report.errors = { id: 'Dieses URL-Kürzel wurde gerade von jemand anderem vergeben.' };
      } else throw err;
    }
  }

  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const r of rows) counts[r.status]++;
  return db.transaction(async (tx) => {
    const rec = await one<{ id: number }>(
      tx,
      sql`INSERT INTO offer_imports (city_id, actor_id, format, created, updated, unchanged, rejected, report)
        VALUES (${cityId}, ${actor?.id ?? null}, ${format}, ${counts.created}, ${counts.updated}, ${counts.unchanged},
          ${counts.rejected}, ${JSON.stringify(rows)}::jsonb)
        RETURNING id`,
    );
    await audit(tx, {
      actorId: actor?.id,
      cityId,
      action: 'offer.import',
      entityType: 'offer_import',
      entityId: String(rec!.id),
      details: { format, ...counts },
    });
    return { id: rec!.id, format, ...counts, rows };
  });
}

// ---- export ----

function toJsonEntry(o: Offer, baseUrl: string) {
  return {
    id: o.slug,
    leikaSchluessel: o.leikaKey,
    bezeichnung: o.title,
    kurztext: o.summary,
    volltext: o.body,
    leichteSprache: o.easyLanguage,
    typ: KIND_NAMES[o.kind],
    kategorien: o.categories,
    lebenslagen: o.lifeSituations,
    zielgruppen: o.targetGroups,
    schlagworte: o.tags,
    zustaendigeStelle: o.provider,
    kontakt: definedOnly({ telefon: o.contact.phone, email: o.contact.email, webseite: o.contact.website }),
    anschrift: o.address
      ? { strasse: o.address.street, plz: o.address.postalCode, ort: o.address.locality }
      : null,
    geo: o.location ? { lat: o.location.lat, lon: o.location.lon } : null,
    oeffnungszeiten: o.openingHours,
    barrierefreiheit: definedOnly({
      stufenlos: o.accessibility.stepFree,
      wc: o.accessibility.toilet,
      induktionsschleife: o.accessibility.hearingLoop,
    }),
    onlineDienst: o.onlineServiceUrl,
    status: STATUS_NAMES[o.status],
    zuletztGeprueft: o.lastReviewed,
    stadt: o.city,
    url: baseUrl + offerPath(o),
    geaendert: o.updatedAt.toISOString(),
  };
}

const yesNo = (v: boolean | undefined) => (v === undefined ? '' : v ? 'ja' : 'nein');

function toCsvRecord(o: Offer, baseUrl: string): string[] {
  const values: Record<(typeof CSV_COLUMNS)[number], string> = {
    id: o.slug,
    typ: KIND_NAMES[o.kind],
    status: STATUS_NAMES[o.status],
    bezeichnung: o.title,
    kurztext: o.summary,
    volltext: o.body,
    leichteSprache: o.easyLanguage,
    kategorien: o.categories.join('|'),
    lebenslagen: o.lifeSituations.join('|'),
    zielgruppen: o.targetGroups.join('|'),
    schlagworte: o.tags.join('|'),
    zustaendigeStelle: o.provider,
    'kontakt.telefon': o.contact.phone ?? '',
    'kontakt.email': o.contact.email ?? '',
    'kontakt.webseite': o.contact.website ?? '',
    'anschrift.strasse': o.address?.street ?? '',
    'anschrift.plz': o.address?.postalCode ?? '',
    'anschrift.ort': o.address?.locality ?? '',
    'geo.lat': o.location ? String(o.location.lat) : '',
    'geo.lon': o.location ? String(o.location.lon) : '',
    oeffnungszeiten: o.openingHours ?? '',
    'barrierefreiheit.stufenlos': yesNo(o.accessibility.stepFree),
    'barrierefreiheit.wc': yesNo(o.accessibility.toilet),
    'barrierefreiheit.induktionsschleife': yesNo(o.accessibility.hearingLoop),
    onlineDienst: o.onlineServiceUrl ?? '',
    leikaSchluessel: o.leikaKey ?? '',
    zuletztGeprueft: o.lastReviewed ?? '',
    stadt: o.city ?? '',
    url: baseUrl + offerPath(o),
  };
  return CSV_COLUMNS.map((c) => guardCell(values[c]));
}

/**
 * The offers of one city (null: the region-wide offers), ordered by slug. Staff exports include drafts;
 * the public open-data export passes publishedOnly.
 */
export async function exportOffers(
  db: Db,
  cityId: number | null,
  format: 'csv' | 'json',
  baseUrl: string,
  options: { publishedOnly?: boolean } = {},
): Promise<string> {
  const scope = cityId === null ? sql`o.city_id IS NULL` : sql`o.city_id = ${cityId}`;
  const status = options.publishedOnly ? sql`AND o.status = 'published'` : sql``;
  const offers = await q.selectOffers(db, sql`${scope} ${status}`, sql`ORDER BY o.slug`);
  if (format === 'json') {
    const city = cityId === null ? null : (offers[0]?.city ?? (await citySlug(db, cityId)));
    const doc = {
      format: JSON_FORMAT,
      stadt: city,
      quelle: baseUrl,
      erstellt: new Date().toISOString(),
      leistungen: offers.map((o) => toJsonEntry(o, baseUrl)),
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
  // UTF-8 with BOM so spreadsheet programs detect the encoding; the import skips the BOM.
  return `\uFEFF${stringifyCsv([[...CSV_COLUMNS], ...offers.map((o) => toCsvRecord(o, baseUrl))], {
    record_delimiter: '\r\n',
  })}`;
}

async function citySlug(db: Db, cityId: number): Promise<string | null> {
  const r = await one<{ slug: string }>(db, sql`SELECT slug FROM cities WHERE id = ${cityId}`);
  return r?.slug ?? null;
}
