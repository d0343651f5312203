/**
 * What a data source tells the open data catalog. Each source is one small provider (a function in
 * providers/) that returns dataset metadata; a dataset with a `download` gets CSV (and, with
 * geometry, GeoJSON) files that are streamed page by page from the database, never built in memory.
 */
import type { SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.ts';
import type { City, Region } from '../../platform/tenancy/service.ts';

export type Datatype = 'string' | 'integer' | 'decimal' | 'dateTime' | 'date' | 'boolean' | 'anyURI';

/** A documented CSV column; GeoJSON features carry the same names as properties. */
export interface Column {
  name: string;
  datatype: Datatype;
  description: string;
}

/** One row of a download: the columns by name, its keyset `key`, and GeoJSON text in `geometry`. */
export type DownloadRow = Record<string, unknown> & { key: string | number; geometry?: string | null };

/**
 * A keyset-paged export. `page(after, limit)` must return at most `limit` rows ordered by `key`
 * (ascending, unique) with key > after (after = null: from the start). Rows hold the columns by name,
 * plus `geometry` (GeoJSON text from ST_AsGeoJSON) when `geo` is true. The page is either SQL the
 * catalog runs, or the rows themselves, read through the owning module's service.
 */
export interface Download {
  columns: Column[];
  geo: boolean;
  page(after: string | number | null, limit: number): SQL | Promise<DownloadRow[]>;
}

/** EU data themes (publications.europa.eu/resource/authority/data-theme). */
export type Theme =
  | 'AGRI'
  | 'ECON'
  | 'EDUC'
  | 'ENER'
  | 'ENVI'
  | 'GOVE'
  | 'HEAL'
  | 'INTR'
  | 'JUST'
  | 'REGI'
  | 'SOCI'
  | 'TECH'
  | 'TRAN';

/** An API that serves the dataset (SensorThings, Open311, …): a dcat:DataService. */
export interface Service {
  title: string;
  endpointUrl: string;
  /** Where this dataset is in the API (the distribution's accessURL); default: the endpoint. */
  accessUrl?: string;
  /** Publisher of the service when it serves several cities: null = the region. */
  publisherCityId?: number | null;
  endpointDescription?: string;
  /** IRI of the standard the API conforms to. */
  conformsTo?: string;
}

/** A file kept elsewhere (external datasets): listed, not served. */
export interface Link {
  title: string;
  url: string;
  /** EU file type code, e.g. PDF, GEOJSON, CSV. */
  format: string;
  mediaType: string;
}

export interface DatasetMeta {
  /** Stable identifier in URLs: /opendata/datasets/{slug}(.csv|.geojson). */
  slug: string;
  /** The publishing city; null: the region. */
  cityId: number | null;
  title: string;
  description: string;
  keywords: string[];
  themes: Theme[];
  /** Newest change of the data; drives Last-Modified and the ETag. */
  modified: Date | null;
  issued?: Date | null;
  temporal?: { start: Date | null; end: Date | null };
  /** Extra input for the ETag beside `modified` (e.g. the row count, so deletions change it). */
  version?: string;
  /** Licence IRI; default dl-de/by-2-0. */
  license?: string;
  /** EU frequency code, e.g. CONT, DAILY, IRREG. */
  accrualPeriodicity?: string;
  /** A page for people (the list or map of this data). */
  landingPage?: string;
  download?: Download;
  services?: Service[];
  links?: Link[];
}

export interface ProviderContext {
  db: Db;
  region: Region;
  cities: City[];
  baseUrl: string;
}

export type DatasetProvider = (ctx: ProviderContext) => Promise<DatasetMeta[]>;

export const DEFAULT_LICENSE = 'http://dcat-ap.de/def/licenses/dl-by-de/2.0';

export const LICENSES: { iri: string; label: string }[] = [
  { iri: DEFAULT_LICENSE, label: 'Datenlizenz Deutschland – Namensnennung – Version 2.0' },
  {
    iri: 'http://dcat-ap.de/def/licenses/dl-zero-de/2.0',
    label: 'Datenlizenz Deutschland – Zero – Version 2.0',
  },
  { iri: 'http://dcat-ap.de/def/licenses/cc-by/4.0', label: 'Creative Commons Namensnennung 4.0' },
  { iri: 'http://dcat-ap.de/def/licenses/cc-zero', label: 'Creative Commons Zero (CC0 1.0)' },
  { iri: 'http://dcat-ap.de/def/licenses/odbl', label: 'Open Data Commons Open Database License (ODbL)' },
];

export const THEMES: Record<Theme, { de: string; en: string }> = {
  AGRI: {
    de: 'Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel',
    en: 'Agriculture, fisheries, forestry and food',
  },
  ECON: { de: 'Wirtschaft und Finanzen', en: 'Economy and finance' },
  EDUC: { de: 'Bildung, Kultur und Sport', en: 'Education, culture and sport' },
  ENER: { de: 'Energie', en: 'Energy' },
  ENVI: { de: 'Umwelt', en: 'Environment' },
  GOVE: { de: 'Regierung und öffentlicher Sektor', en: 'Government and public sector' },
  HEAL: { de: 'Gesundheit', en: 'Health' },
  INTR: { de: 'Internationale Themen', en: 'International issues' },
  JUST: {
    de: 'Justiz, Rechtssystem und öffentliche Sicherheit',
    en: 'Justice, legal system and public safety',
  },
  REGI: { de: 'Regionen und Städte', en: 'Regions and cities' },
  SOCI: { de: 'Bevölkerung und Gesellschaft', en: 'Population and society' },
  TECH: { de: 'Wissenschaft und Technologie', en: 'Science and technology' },
  TRAN: { de: 'Verkehr', en: 'Transport' },
};

/** Slug prefix of a city's datasets, or "region" for region-wide ones. */
export const scopeSlug = (cities: City[], cityId: number | null) =>
  cityId === null ? 'region' : (cities.find((c) => c.id === cityId)?.slug ?? `stadt-${cityId}`);
