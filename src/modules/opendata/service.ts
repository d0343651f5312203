/**
 * Open data catalog: the datasets of all providers, the catalog graph, streamed downloads with
 * validators, and the external datasets admins add by hand. Other modules import only this file.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../platform/db/index.ts';
import { one, rows, sql } from '../../platform/db/index.ts';
import type { City, Region } from '../../platform/tenancy/service.ts';
import { buildCatalog } from './dcat.ts';
import type { DatasetMeta, DatasetProvider, Link, ProviderContext, Theme } from './model.ts';
import { DEFAULT_LICENSE, LICENSES, THEMES } from './model.ts';
import { DATASET_PROVIDERS } from './providers/index.ts';

export type {
  Column,
  DatasetMeta,
  DatasetProvider,
  Download,
  Link,
  ProviderContext,
  Theme,
} from './model.ts';
export { DEFAULT_LICENSE, LICENSES, THEMES } from './model.ts';

export async function listDatasets(
  ctx: ProviderContext,
  providers: DatasetProvider[] = DATASET_PROVIDERS,
): Promise<DatasetMeta[]> {
  const all = (await Promise.all(providers.map((p) => p(ctx)))).flat().map(normalise);
  return all.sort((a, b) => a.title.localeCompare(b.title, 'de'));
}

const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/** Raw SQL hands back timestamps as strings on one driver and Dates on the other. */
function normalise(d: DatasetMeta): DatasetMeta {
  return {
    ...d,
    modified: toDate(d.modified),
    ...(d.issued !== undefined ? { issued: toDate(d.issued) } : {}),
    ...(d.temporal ? { temporal: { start: toDate(d.temporal.start), end: toDate(d.temporal.end) } } : {}),
  };
}

export async function findDataset(ctx: ProviderContext, slug: string): Promise<DatasetMeta | undefined> {
  return (await listDatasets(ctx)).find((d) => d.slug === slug);
}

/** dcatde:contributorID: set OPENDATA_CONTRIBUTOR_ID to the ID GovData assigned to the operator. */
export function contributorId(baseUrl: string): string {
  return process.env.OPENDATA_CONTRIBUTOR_ID || `${baseUrl}/opendata/publisher/region`;
}

export async function catalogQuads(ctx: ProviderContext) {
  const datasets = await listDatasets(ctx);
  return buildCatalog({
    baseUrl: ctx.baseUrl,
    region: ctx.region,
    cities: ctx.cities,
    datasets,
    contributorId: contributorId(ctx.baseUrl),
  });
}

/** Strong validator of a download: changes when the data (newest change, count) or format changes. */
export function etagOf(ds: DatasetMeta, format: string): string {
  const h = createHash('sha256')
    .update(`${ds.slug}|${format}|${ds.modified?.toISOString() ?? ''}|${ds.version ?? ''}`)
    .digest('base64url')
    .slice(0, 27);
  return `"${h}"`;
}

/** Case- and accent-tolerant search over title, description and keywords. */
export function searchDatasets(
  datasets: DatasetMeta[],
  filter: { q?: string; theme?: string; cityId?: number | null },
): DatasetMeta[] {
  const norm = (s: string) => s.toLocaleLowerCase('de').normalize('NFKD').replace(/\p{M}/gu, '');
  const words = norm(filter.q ?? '')
    .split(/\s+/)
    .filter(Boolean);
  return datasets.filter((d) => {
    if (filter.theme && !d.themes.includes(filter.theme as Theme)) return false;
    if (filter.cityId !== undefined && d.cityId !== filter.cityId) return false;
    const text = norm(`${d.title} ${d.description} ${d.keywords.join(' ')}`);
    return words.every((w) => text.includes(w));
  });
}

// ---- external datasets ----

export interface ExternalInput {
  cityId: number | null;
  slug: string;
  title: string;
  description: string;
  theme: Theme;
  keywords: string[];
  license: string;
  landingPage: string | null;
  distributions: Link[];
}

export const FILE_TYPES: Record<string, string> = {
  PDF: 'application/pdf',
  GEOJSON: 'application/geo+json',
  CSV: 'text/csv',
  JSON: 'application/json',
  XML: 'application/xml',
  ZIP: 'application/zip',
  HTML: 'text/html',
  WMS_SRVC: 'application/vnd.ogc.wms_xml',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/** Validates the admin form; returns field errors (empty when fine). */
export function validateExternal(v: ExternalInput): Record<string, string> {
  const e: Record<string, string> = {};
  if (!v.title.trim()) e.title = 'Geben Sie einen Titel ein.';
  else if (v.title.length > 200) e.title = 'Der Titel darf höchstens 200 Zeichen lang sein.';
  if (!v.description.trim()) e.description = 'Beschreiben Sie den Datensatz.';
  else if (v.description.length > 4000)
    e.description = 'Die Beschreibung darf höchstens 4000 Zeichen lang sein.';
  if (!/^[a-z0-9][a-z0-9-]{1,80}$/.test(v.slug))
    e.slug = 'Die Kennung besteht aus 2 bis 81 Kleinbuchstaben, Ziffern und Bindestrichen.';
  if (!(v.theme in THEMES)) e.theme = 'Wählen Sie ein Thema.';
  if (!LICENSES.some((l) => l.iri === v.license)) e.license = 'Wählen Sie eine Lizenz.';
  if (v.landingPage && !isHttpUrl(v.landingPage))
    e.landingPage = 'Geben Sie eine Webadresse ein, die mit http:// oder https:// beginnt.';
  if (v.distributions.length === 0) e['dist-0-url'] = 'Geben Sie mindestens eine Datei-Adresse an.';
  v.distributions.forEach((d, i) => {
    if (!isHttpUrl(d.url))
      e[`dist-${i}-url`] = 'Geben Sie eine Webadresse ein, die mit http:// oder https:// beginnt.';
    if (!(d.format in FILE_TYPES)) e[`dist-${i}-format`] = 'Wählen Sie ein Format.';
  });
  return e;
}

export async function createExternal(db: Db, v: ExternalInput, actorId: string): Promise<number | 'taken'> {
  if (await one(db, sql`SELECT 1 FROM opendata_external_datasets WHERE slug = ${v.slug}`)) return 'taken';
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO opendata_external_datasets
          (city_id, slug, title, description, theme, keywords, license, landing_page, distributions, created_by)
        VALUES (${v.cityId}, ${v.slug}, ${v.title.trim()}, ${v.description.trim()}, ${v.theme},
          ${sql.param(v.keywords)}::text[], ${v.license}, ${v.landingPage}, ${JSON.stringify(v.distributions)}::jsonb, ${actorId})
        RETURNING id`,
  );
  return r!.id;
}

export interface ExternalRow {
  id: number;
  city_id: number | null;
  slug: string;
  title: string;
  updated_at: Date;
}

export async function listExternal(db: Db, cityIds: number[] | 'all'): Promise<ExternalRow[]> {
  const where =
    cityIds === 'all' ? sql`true` : sql`city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  return rows<ExternalRow>(
    db,
    sql`SELECT id, city_id, slug, title, updated_at FROM opendata_external_datasets WHERE ${where} ORDER BY title`,
  );
}

export async function externalById(db: Db, id: number): Promise<ExternalRow | undefined> {
  return one<ExternalRow>(
    db,
    sql`SELECT id, city_id, slug, title, updated_at FROM opendata_external_datasets WHERE id = ${id}`,
  );
}

export async function deleteExternal(db: Db, id: number): Promise<void> {
  await db.execute(sql`DELETE FROM opendata_external_datasets WHERE id = ${id}`);
}

export type { City, Region };
export const defaultLicense = DEFAULT_LICENSE;
