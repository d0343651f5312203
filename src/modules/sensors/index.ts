import type { FastifyInstance } from 'fastify';
import { type Database, sql } from '../../platform/db/index.ts';
import { SensorHub } from './hub.ts';
import { connectExternalBroker, type MqttHandle, startEmbeddedBroker } from './mqtt.ts';
import './messages.ts';
import { sensorAdminRoutes } from './admin.tsx';
import { sensorRoutes } from './routes.ts';
import { simulatedStreams } from './seed.ts';
import { createApiKey } from './service.ts';
import { runSimulator, type Simulator } from './simulate.ts';
import { STA_PREFIX, staRoutes } from './sta.ts';

const brokers = new WeakMap<Database, MqttHandle>();
const hubs = new WeakMap<Database, SensorHub>();

/** The MQTT side of an app (tests: the port of the embedded broker). */
export const mqttOf = (database: Database) => brokers.get(database);
export const hubOf = (database: Database) => hubs.get(database);

/** Urban data platform: SensorThings API 1.1, MQTT ingest, aggregates, Stadtdaten dashboards. */
export async function sensorsModule(app: FastifyInstance) {
  const hub = new SensorHub(app.database);
  hubs.set(app.database, hub);
  await app.register(staRoutes, { hub });
  await app.register(sensorRoutes, { hub });
  await app.register(sensorAdminRoutes);

  const { config } = app;
  const base = `${config.baseUrl}${STA_PREFIX}`;
  const log = (msg: string, err?: unknown) => app.log.error({ err }, msg);
  const concurrency = app.database.kind === 'pg' ? 2 : 1;
  let mqtt: MqttHandle | undefined;
  if (config.mqttUrl) {
    const env = process.env;
    mqtt = await connectExternalBroker({
      db: app.database.db,
      hub,
      url: config.mqttUrl,
      base,
      log,
      concurrency,
      group: env.MQTT_SHARE_GROUP || undefined,
      clientId: env.MQTT_CLIENT_ID || undefined,
      sessionExpirySeconds: env.MQTT_SESSION_EXPIRY ? Number(env.MQTT_SESSION_EXPIRY) : undefined,
    });
  } else if (config.mqttPort !== undefined) {
    try {
      mqtt = await startEmbeddedBroker({
        db: app.database.db,
        hub,
        port: config.mqttPort,
        host: config.host,
        base,
        log,
        concurrency,
      });
      app.log.info({ port: mqtt.address()?.port }, 'embedded MQTT broker listening');
    } catch (err) {
      // A broker already on the port (e.g. Mosquitto): the web side still works; say how to fix it.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      app.log.warn(
        `MQTT port ${config.mqttPort} is in use: no embedded broker. Set MQTT_URL to use that broker, or another MQTT_PORT.`,
      );
    }
  }
  if (mqtt) {
    brokers.set(app.database, mqtt);
    app.addHook('onClose', async () => {
      await mqtt.close();
      brokers.delete(app.database);
    });
  }
}

/**
 * The demo simulator inside `npm start` (SIMULATE=false turns it off): publishes over the app's own
 * MQTT broker with a fresh region-wide key; the previous simulator key is revoked.
 */
export async function startDemoSimulator(app: FastifyInstance): Promise<Simulator | undefined> {
  if (process.env.SIMULATE === 'false' || !app.config.seedDemo) return undefined;
  const db = app.database.db;
  const streams = await simulatedStreams(db);
  const port = mqttOf(app.database)?.address()?.port;
  const url = app.config.mqttUrl ?? (port ? `mqtt://127.0.0.1:${port}` : undefined);
  if (!streams.length || !url) return undefined;
  const name = 'Demo-Simulator (automatisch)';
  await db.execute(
    sql`UPDATE sta_api_keys SET revoked_at = now() WHERE name = ${name} AND revoked_at IS NULL`,
  );
  const { key } = await createApiKey(db, { cityId: null, name });
  return runSimulator({
    streams,
    url,
    apiKey: key,
    intervalMs: Number(process.env.SIMULATE_INTERVAL_MS) || 60_000,
    log: (m) => app.log.info(m),
  });
}
