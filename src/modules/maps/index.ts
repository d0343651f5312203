import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { mapAdminRoutes } from './admin.tsx';
import { mapRoutes } from './routes.ts';

/** Citizen map: layers, list alternatives, search, contributions with moderation, uploaded layers. */
export async function mapsModule(app: FastifyInstance) {
  // Photos of contributions and GeoJSON uploads arrive as multipart; fields land in request.body.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 50 * 1024 * 1024, files: 1, fields: 20, fieldSize: 20_000 },
  });
  await app.register(mapRoutes);
  await app.register(mapAdminRoutes);
}
