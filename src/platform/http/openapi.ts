import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { h } from 'preact';
import type { PageContext } from '../web/context.ts';
import { Layout } from '../web/layout.tsx';

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    schema?: { type?: string };
  }[];
};
type OpenApiDoc = {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
};

/** A server-rendered, script-free reading of the OpenAPI document: works under the strict CSP and without JS. */
function ApiDocsPage({ ctx, doc }: { ctx: PageContext; doc: OpenApiDoc }) {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return h(
    Layout,
    { ctx, title: doc.info.title, breadcrumbs: [{ label: ctx.region.name, href: '/' }, { label: 'API' }] },
    h('h1', { class: 'kern-heading-large' }, doc.info.title),
    h('p', { class: 'kern-body' }, doc.info.description ?? ''),
    h(
      'p',
      { class: 'kern-body' },
      'Maschinenlesbar: ',
      h('a', { class: 'kern-link', href: '/api/openapi.json' }, 'OpenAPI 3.1 (JSON)'),
    ),
    ...ops.map(({ path, method, op }) =>
      h(
        'section',
        { class: 'sp-apiop', key: `${method} ${path}` },
        h('h2', { class: 'kern-heading-small' }, h('code', null, `${method} ${path}`)),
        op.summary ? h('p', { class: 'kern-body' }, op.summary) : null,
        op.description ? h('p', { class: 'kern-body kern-body--small' }, op.description) : null,
        op.parameters?.length
          ? h(
              'table',
              { class: 'kern-table kern-table--small' },
              h('caption', { class: 'sp-visually-hidden' }, `Parameter für ${method} ${path}`),
              h(
                'thead',
                { class: 'kern-table__header' },
                h(
                  'tr',
                  { class: 'kern-table__row' },
                  ...['Name', 'Ort', 'Typ', 'Pflicht', 'Beschreibung'].map((c) =>
                    h('th', { class: 'kern-table__header', scope: 'col' }, c),
                  ),
                ),
              ),
              h(
                'tbody',
                { class: 'kern-table__body' },
                ...op.parameters.map((p) =>
                  h(
                    'tr',
                    { class: 'kern-table__row', key: `${p.in}-${p.name}` },
                    h('td', { class: 'kern-table__cell' }, h('code', null, p.name)),
                    h('td', { class: 'kern-table__cell' }, p.in),
                    h('td', { class: 'kern-table__cell' }, p.schema?.type ?? ''),
                    h('td', { class: 'kern-table__cell' }, p.required ? 'ja' : 'nein'),
                    h('td', { class: 'kern-table__cell' }, p.description ?? ''),
                  ),
                ),
              ),
            )
          : null,
      ),
    ),
  );
}

export const apiDocs = fp(async (app: FastifyInstance) => {
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/api/docs', { schema: { hide: true } }, async (request, reply) => {
    const ctx = await request.pageContext();
    return reply.page(h(ApiDocsPage, { ctx, doc: app.swagger() as unknown as OpenApiDoc }));
  });
});
