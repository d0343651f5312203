/**
 * What a data source tells the citizen map. Each source is one small provider (a file in layers/)
 * returning layer definitions; a layer's features come from `source`, a GeoSource the owning module's
 * service hands out (bounding-box queries with simplification per zoom, clustering, list, search,
 * vector tiles — all in SQL over that module's public columns), so the map never reads its tables.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/index.ts';
import type { GeoSource } from '../../platform/geo/source.ts';
import type { City } from '../../platform/tenancy/service.ts';

export interface LayerDef {
  /** Stable key in URLs (?ebenen=…) and the API. */
  key: string;
  title: { de: string; en: string };
  description: { de: string; en: string };
  /** Colour of points, lines and area outlines (also in the legend). */
  color: string;
  /** What the legend draws. */
  symbol: 'point' | 'line' | 'area';
  source: GeoSource;
  /** Shown when the map opens without a layer choice. */
  default?: boolean;
  /** Slug of the catalog dataset with the full download. */
  dataset?: string;
  /** Contribution layers: where citizens add points or lines. */
  contribution?: { layerId: number; slug: string; question: string; open: boolean };
}

export interface LayerContext {
  db: Db;
  /** undefined: the region map (all cities). */
  city: City | undefined;
  cities: City[];
}

export type LayerProvider = (ctx: LayerContext) => Promise<LayerDef[]>;

/** SQL condition on a city_id column for the map's scope (a city map shows that city only). */
export function inScope(ctx: LayerContext, column: SQL): SQL {
  return ctx.city ? sql`${column} = ${ctx.city.id}` : sql`true`;
}
