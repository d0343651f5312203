import type { FastifyInstance } from 'fastify';

export async function opendataAdminRoutes(_app: FastifyInstance) {}
