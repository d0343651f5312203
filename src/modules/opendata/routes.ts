/**
 * /opendata/: the HTML catalog with search, the DCAT-AP.de catalog with content negotiation (Turtle,
 * RDF/XML, JSON-LD), dataset pages, column schemas and streamed CSV/GeoJSON downloads with ETag and
 * Last-Modified (gzip/brotli by the platform's compression).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../platform/http/errors.ts';
import { toJsonLd, toRdfXml, toTurtle } from './dcat.ts';
import { csvChunks, geojsonChunks } from './export.ts';
import { CatalogPage, DatasetPage } from './pages.tsx';
import {
  catalogQuads,
  type DatasetMeta,
  DEFAULT_LICENSE,
  etagOf,
  findDataset,
  listDatasets,
  type ProviderContext,
  searchDatasets,
  THEMES,
} from './service.ts';

const FORMATS = {
  ttl: 'text/turtle',
  rdf: 'application/rdf+xml',
  jsonld: 'application/ld+json',
} as const;
type RdfFormat = keyof typeof FORMATS;

/** Picks the RDF format from the Accept header (q-values honoured); Turtle when anything goes. */
export function negotiate(accept: string | undefined): RdfFormat | 'html' | undefined {
  if (!accept) return 'ttl';
  const wanted = accept
    .split(',')
    .map((part, i) => {
      const [type, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type!.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((w) => w.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const w of wanted) {
    if (w.type === 'text/turtle' || w.type === 'application/x-turtle') return 'ttl';
    if (w.type === 'application/rdf+xml' || w.type === 'application/xml') return 'rdf';
    if (w.type === 'application/ld+json' || w.type === 'application/json') return 'jsonld';
    if (w.type === 'text/html' || w.type === 'application/xhtml+xml') return 'html';
    if (w.type === '*/*' || w.type === 'text/*' || w.type === 'application/*') return 'ttl';
  }
  return undefined;
}

export async function opendataRoutes(app: FastifyInstance) {
  const db = app.database.db;
  const providerContext = async (): Promise<ProviderContext> => {
    const { region, cities } = await app.tenancy();
    return { db, region, cities, baseUrl: app.config.baseUrl };
  };

  async function sendCatalog(reply: FastifyReply, format: RdfFormat) {
    const quads = await catalogQuads(await providerContext());
    reply.header('content-type', `${FORMATS[format]}; charset=utf-8`).header('vary', 'Accept');
    reply.header('cache-control', 'public, max-age=300');
    if (format === 'ttl') return reply.send(await toTurtle(quads));
    if (format === 'rdf') return reply.send(toRdfXml(quads));
    return reply.send(JSON.stringify(toJsonLd(quads)));
  }

  app.get('/opendata', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/opendata/', 301),
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/opendata/',
    { schema: { hide: true } },
    async (request, reply) => {
      const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 200) : '';
      const theme =
        typeof request.query.thema === 'string' && request.query.thema in THEMES ? request.query.thema : '';
      const ctx = await request.pageContext();
      const citySlug = typeof request.query.stadt === 'string' ? request.query.stadt : '';
      const city = ctx.cities.find((c) => c.slug === citySlug);
      const all = await listDatasets(await providerContext());
      const found = searchDatasets(all, {
        q,
        theme,
        ...(citySlug === 'region' ? { cityId: null } : city ? { cityId: city.id } : {}),
      });
      return reply.page(
        h(CatalogPage, {
          ctx,
          datasets: found,
          total: all.length,
          filter: { q, theme, city: city ? city.slug : citySlug === 'region' ? 'region' : '' },
        }),
      );
    },
  );

  app.get(
    '/opendata/catalog',
    {
      schema: {
        summary: 'DCAT-AP.de catalog of all public datasets',
        description:
          'Content negotiation: text/turtle (default), application/rdf+xml, application/ld+json; text/html redirects to the catalog page.',
        tags: ['Open Data'],
        produces: Object.values(FORMATS),
      },
    },
    async (request, reply) => {
      const format = negotiate(request.headers.accept);
      if (format === 'html') return reply.redirect('/opendata/', 303);
      if (!format) {
        return reply
          .code(406)
          .type('application/problem+json')
          .send({
            type: 'about:blank',
            title: 'Not Acceptable',
            status: 406,
            detail: `Verfügbar: ${Object.values(FORMATS).join(', ')}`,
          });
      }
      return sendCatalog(reply, format);
    },
  );
  for (const format of Object.keys(FORMATS) as RdfFormat[]) {
    app.get(
      `/opendata/catalog.${format}`,
      { schema: { summary: `DCAT-AP.de catalog as ${FORMATS[format]}`, tags: ['Open Data'] } },
      async (_request, reply) => sendCatalog(reply, format),
    );
  }

  async function datasetOr404(slug: string): Promise<DatasetMeta> {
    const ds = /^[a-z0-9][a-z0-9-]{0,120}$/.test(slug)
      ? await findDataset(await providerContext(), slug)
      : undefined;
    if (!ds) throw notFound('Diesen Datensatz gibt es nicht (mehr).');
    return ds;
  }

  /** 304 when the client's copy is current; otherwise sets the validators and returns false. */
  function notModified(
    request: FastifyRequest,
    reply: FastifyReply,
    ds: DatasetMeta,
    format: string,
  ): boolean {
    const etag = etagOf(ds, format);
    reply.header('etag', etag);
    reply.header('cache-control', 'public, max-age=300, must-revalidate');
    if (ds.modified)
      reply.header('last-modified', new Date(Math.floor(ds.modified.getTime() / 1000) * 1000).toUTCString());
    const inm = request.headers['if-none-match'];
    if (inm) return inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
    const ims = request.headers['if-modified-since'];
    if (ims && ds.modified && !Number.isNaN(Date.parse(ims)))
      return Math.floor(ds.modified.getTime() / 1000) <= Math.floor(Date.parse(ims) / 1000);
    return false;
  }

  app.get<{ Params: { file: string } }>(
    '/opendata/datasets/:file',
    {
      schema: {
        summary: 'A dataset: HTML page, or its download as .csv or .geojson (streamed)',
        tags: ['Open Data'],
        params: {
          type: 'object',
          properties: { file: { type: 'string', maxLength: 140 } },
          required: ['file'],
        },
      },
    },
    async (request, reply) => {
      const m = /^(.+?)(?:\.(csv|geojson))?$/.exec(request.params.file);
      const slug = m?.[1] ?? '';
      const ext = m?.[2];
      const ds = await datasetOr404(slug);
      if (!ext) {
        const { cities } = await app.tenancy();
        const ctx = await request.pageContext(cities.find((c) => c.id === ds.cityId));
        return reply.page(h(DatasetPage, { ctx, dataset: ds }));
      }
      if (!ds.download || (ext === 'geojson' && !ds.download.geo))
        throw notFound('Diesen Datensatz gibt es in diesem Format nicht.');
      if (notModified(request, reply, ds, ext)) return reply.code(304).send();
      const download = ds.download;
      const filename = `${ds.slug}.${ext}`;
      reply.header('content-disposition', `attachment; filename="${filename}"`);
      if (ext === 'csv') {
        reply.type('text/csv; charset=utf-8; header=present');
        return reply.send(Readable.from(csvChunks(db, download)));
      }
      reply.type('application/geo+json; charset=utf-8');
      return reply.send(
        Readable.from(
          geojsonChunks(db, download, { name: ds.title, license: ds.license ?? DEFAULT_LICENSE }),
        ),
      );
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/opendata/datasets/:slug/schema',
    { schema: { summary: 'Columns of a dataset download (Frictionless Table Schema)', tags: ['Open Data'] } },
    async (request, reply) => {
      const ds = await datasetOr404(request.params.slug);
      if (!ds.download) throw notFound('Dieser Datensatz hat keine Tabelle.');
      const types = {
        string: 'string',
        integer: 'integer',
        decimal: 'number',
        dateTime: 'datetime',
        date: 'date',
        boolean: 'boolean',
        anyURI: 'string',
      };
      return reply.type('application/json; charset=utf-8').send({
        fields: ds.download.columns.map((c) => ({
          name: c.name,
          type: types[c.datatype],
          ...(c.datatype === 'anyURI' ? { format: 'uri' } : {}),
          description: c.description,
        })),
        primaryKey: ds.download.columns.some((c) => c.name === 'id') ? 'id' : undefined,
      });
    },
  );
}
