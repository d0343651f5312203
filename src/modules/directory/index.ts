import type { FastifyInstance } from 'fastify';
import { directoryAdminRoutes } from './admin-routes.ts';
import { directoryRoutes } from './routes.ts';

/** Angebote & Dienste: offers and digital services of the cities and the region. */
export async function directoryModule(app: FastifyInstance) {
  await app.register(directoryRoutes);
  await app.register(directoryAdminRoutes);
}
