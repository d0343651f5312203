import type { FastifyInstance } from 'fastify';
import { directoryAdminRoutes } from './admin-routes.ts';
import { directoryRoutes } from './routes.ts';
import { currentIndex } from './search-index.ts';

/** Angebote & Dienste: offers and digital services of the cities and the region. */
export async function directoryModule(app: FastifyInstance) {
  // Build the search index once the server listens, so the first visitor does not wait for it
  // (about a second at 20,000 offers). Not awaited: the server is up meanwhile.
  app.addHook('onListen', async () => {
    currentIndex(app.database.db).catch((err) => app.log.warn({ err }, 'search index not built at start'));
  });
  await app.register(directoryRoutes);
  await app.register(directoryAdminRoutes);
}
