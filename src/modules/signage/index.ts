import type { FastifyInstance } from 'fastify';
import { registerAdminSection } from '../../platform/admin/layout.tsx';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { signageAdminRoutes } from './admin.tsx';
import { signageApiRoutes } from './api.ts';
import { SignageHub } from './hub.ts';
import { kioskRoutes } from './kiosk.tsx';
import './messages.ts';
import { displayRoutes } from './routes.ts';

registerAdminSection({
  href: '/admin/stelen',
  label: 'admin.signage',
  description: 'admin.signage.text',
  visible: (user) => {
    const cities = citiesWithRole(user, 'editor');
    return cities === 'all' || cities.length > 0;
  },
  sort: 40,
});

/** Steles (/display/{id}) with live updates over SSE, kiosk terminals (/kiosk/{city}), their admin pages. */
export async function signageModule(app: FastifyInstance) {
  const hub = new SignageHub((err) => app.log.warn({ err }, 'signage event failed'));
  app.addHook('onReady', async () => {
    await hub.start(app.database);
  });
  // Open event streams would keep the server from closing: end them first (devices reconnect).
  app.addHook('preClose', async () => {
    await hub.stop();
  });
  await app.register(displayRoutes, { hub });
  await app.register(signageAdminRoutes);
  await app.register(signageApiRoutes);
  await app.register(kioskRoutes);
}
