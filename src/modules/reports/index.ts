import type { FastifyInstance } from 'fastify';
import './messages.ts';
import { registerCommentTarget } from '../participation/index.ts';
import { reportAdminRoutes } from './admin.tsx';
import { open311Routes } from './open311.ts';
import { reportById } from './queries.ts';
import { reportRoutes } from './routes.ts';

// Published reports carry a public discussion (Beteiligung's comments, moderated by the city).
registerCommentTarget('report', async (db, id) => {
  const report = await reportById(db, id);
  return report?.published_at ? { cityId: report.city_id } : undefined;
});

/** Mängelmelder: report defects in public space, follow them to their fix; Open311 GeoReport v2. */
export async function reportsModule(app: FastifyInstance) {
  await app.register(reportRoutes);
  await app.register(reportAdminRoutes);
  await app.register(open311Routes);
}
