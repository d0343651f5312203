import type { Config } from '../config.ts';
import type { Database } from './db/index.ts';
import type { City, Region } from './tenancy/service.ts';
import type { Assets, CurrentUser, PageContext } from './web/context.ts';
import type { Locale } from './web/i18n.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    assets: Assets;
    /** Region and cities, cached briefly: read on every page, changed rarely. */
    tenancy(): Promise<{ region: Region; cities: City[] }>;
    invalidateTenancy(): void;
  }
  interface FastifyRequest {
    locale: Locale;
    user: CurrentUser | undefined;
    sessionTokenHash: string | undefined;
    newCsrfBinding: string | undefined;
    /** Page context for server-rendered pages; city from the route when it has one. */
    pageContext(city?: City): Promise<PageContext>;
  }
  interface FastifyReply {
    /** Renders a Preact page as a full HTML document. */
    page(node: import('preact').VNode<any>, status?: number): FastifyReply;
  }
  interface FastifyContextConfig {
    csrf?: boolean;
  }
}
