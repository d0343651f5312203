import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

export function renderDocument(node: VNode<any>): string {
  return `<!doctype html>${renderToString(node)}`;
}

export function registerRender(app: FastifyInstance) {
  app.decorateReply('page', function page(node: VNode<any>, status = 200) {
    this.code(status).type('text/html; charset=utf-8');
    // Pages may show personal data (account, staff views): never cached by shared caches.
    if (!this.hasHeader('cache-control')) this.header('cache-control', 'no-cache');
    const html = renderDocument(node);
    this.server.storePage(this.request, this, html);
    return this.send(html);
  });
}
