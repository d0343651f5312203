import type { FastifyInstance } from 'fastify';

/** Citizen map: layers, list alternatives, search, contributions with moderation. */
export async function mapsModule(_app: FastifyInstance) {}
