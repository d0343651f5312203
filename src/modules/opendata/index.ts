import type { FastifyInstance } from 'fastify';
import { opendataAdminRoutes } from './admin.tsx';
import { opendataRoutes } from './routes.ts';

/** Open data: DCAT-AP.de catalog, dataset pages and streamed downloads, external datasets. */
export async function opendataModule(app: FastifyInstance) {
  await app.register(opendataRoutes);
  await app.register(opendataAdminRoutes);
}
