import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { bonusModule } from './modules/bonus/index.ts';
import { contentModule } from './modules/content/index.ts';
import { directoryModule } from './modules/directory/index.ts';
import { mapsModule } from './modules/maps/index.ts';
import { opendataModule } from './modules/opendata/index.ts';
import { participationModule } from './modules/participation/index.ts';
import { portalModule } from './modules/portal/index.ts';
import { reportsModule } from './modules/reports/index.ts';
import { sensorsModule } from './modules/sensors/index.ts';
import { signageModule } from './modules/signage/index.ts';
import { adminModule } from './platform/admin/index.ts';
import { authModule } from './platform/auth/index.ts';
import type { Database } from './platform/db/index.ts';
import { apiDocs } from './platform/http/openapi.ts';
import { httpPlatform, rewriteLocale } from './platform/http/plugin.ts';
import { retentionModule } from './platform/retention/index.ts';
import { loadAssets } from './platform/web/assets.ts';
import './platform/types.ts';

export interface AppDeps {
  database: Database;
  /** false silences request logs (tests); default: pino at config.logLevel. */
  logger?: boolean;
}

/** The one composition root: platform plugins first, then the modules. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : {
            level: config.logLevel,
            // No personal data in logs: no IPs, no query strings (search terms, tokens), no cookies.
            serializers: {
              req: (req) => ({ method: req.method, path: String(req.url).split('?')[0] }),
              res: (res) => ({ statusCode: res.statusCode }),
            },
          },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: process.env.TRUST_PROXY === 'true',
    rewriteUrl: (raw) => rewriteLocale(raw as never),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('config', config);
  app.decorate('database', deps.database);
  app.decorate('assets', loadAssets(config.publicDir));

  await app.register(swagger, {
    // The document describes the machine interfaces only; HTML pages and forms are not API.
    transform: ({ schema, url }) => ({
      schema: /^\/(api|open311|sta|opendata)\//.test(url) ? schema : { ...schema, hide: true },
      url,
    }),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Stadtplattform API',
        version: '1',
        description: 'Offene Schnittstellen der Stadtplattform: Angebote und Dienste der Städte der Region.',
        license: { name: 'EUPL-1.2', url: 'https://eupl.eu/1.2/de/' },
      },
      servers: [{ url: config.baseUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sp_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
  });
  await app.register(httpPlatform);
  await app.register(fastifyStatic, {
    root: config.publicDir,
    prefix: '/assets/',
    decorateReply: false,
    preCompressed: true,
    immutable: true,
    maxAge: '365d',
    index: false,
  });
  await app.register(apiDocs);
  await app.register(authModule);
  await app.register(adminModule);
  await app.register(retentionModule);
  await app.register(reportsModule);
  await app.register(contentModule);
  await app.register(bonusModule);
  await app.register(participationModule);
  await app.register(portalModule);
  await app.register(directoryModule);
  await app.register(opendataModule);
  await app.register(mapsModule);
  await app.register(signageModule);
  await app.register(sensorsModule);
  return app;
}
