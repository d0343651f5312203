import type { FastifyInstance } from 'fastify';
import './messages.ts';
import { reportAdminRoutes } from './admin.tsx';
import { open311Routes } from './open311.ts';
import { reportRoutes } from './routes.ts';

/** Mängelmelder: report defects in public space, follow them to their fix; Open311 GeoReport v2. */
export async function reportsModule(app: FastifyInstance) {
  await app.register(reportRoutes);
  await app.register(reportAdminRoutes);
  await app.register(open311Routes);
}
