import type { FastifyInstance } from 'fastify';
import { SensorHub } from './hub.ts';
import { staRoutes } from './sta.ts';

/** Urban data platform: SensorThings API 1.1, MQTT ingest, aggregates, Stadtdaten dashboards. */
export async function sensorsModule(app: FastifyInstance) {
  const hub = new SensorHub(app.database);
  await app.register(staRoutes, { hub });
}
