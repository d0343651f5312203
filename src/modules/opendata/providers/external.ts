/** Dataset provider: datasets kept elsewhere that admins added to the catalog by hand. */
import { rows, sql } from '../../../platform/db/index.ts';
import type { DatasetProvider, Link, Theme } from '../model.ts';

export const externalDatasets: DatasetProvider = async ({ db }) => {
  const list = await rows<{
    city_id: number | null;
    slug: string;
    title: string;
    description: string;
    theme: string;
    keywords: string[];
    license: string;
    landing_page: string | null;
    distributions: Link[];
    created_at: Date;
    updated_at: Date;
  }>(db, sql`SELECT * FROM opendata_external_datasets ORDER BY id`);
  return list.map((d) => ({
    slug: d.slug,
    cityId: d.city_id,
    title: d.title,
    description: d.description,
    keywords: d.keywords,
    themes: [d.theme as Theme],
    modified: d.updated_at,
    issued: d.created_at,
    license: d.license,
    ...(d.landing_page ? { landingPage: d.landing_page } : {}),
    links: d.distributions,
  }));
};
