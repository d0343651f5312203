/**
 * SensorThings MQTT extension. Publishing an Observation to v1.1/Datastreams({id})/Observations (or
 * to v1.1/Observations with a Datastream link) creates it; subscribers of those topics receive every
 * new Observation, however it arrived.
 *
 * Embedded broker (aedes) when MQTT_PORT is set; with MQTT_URL the platform instead joins an external
 * broker with a shared subscription, so several instances split the load. In both cases QoS 1 is
 * acknowledged only after the observation is committed (write before ack). Concurrent messages are
 * collected into one batch (one transaction) for throughput.
 */
import net, { type AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Db } from '../../platform/db/index.ts';
import { observationJson, type SensorHub } from './hub.ts';
import {
  type CreatedObservation,
  countRejections,
  ingestObservations,
  type ObservationInput,
  type Principal,
  principalForKey,
} from './service.ts';

const OBS_TOPIC = /^v1\.1\/Datastreams\((\d+)\)\/Observations$/;
const ALL_TOPIC = 'v1.1/Observations';
/** Topics a subscriber may ask for: observations of one datastream or all of them. */
const SUBSCRIBABLE =
  /^v1\.1\/(Observations|Datastreams\((\d+|\+)\)\/Observations|Datastreams\/\+\/Observations)$/;

type Outcome = { ok: true; observation: CreatedObservation } | { ok: false; message: string };

/** Parses one MQTT payload into an ingest input; throws a readable message. */
export function parsePayload(topic: string, payload: Buffer): ObservationInput {
  const m = OBS_TOPIC.exec(topic);
  if (!m && topic !== ALL_TOPIC) throw new Error(`Thema ${topic} nimmt keine Observations an`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new Error('Nutzlast ist kein JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new Error('Nutzlast muss ein JSON-Objekt sein');
  if (!('result' in body)) throw new Error('result fehlt');
  const ds = m
    ? Number(m[1])
    : Number((body.Datastream as Record<string, unknown> | undefined)?.['@iot.id'] ?? Number.NaN);
  if (!Number.isSafeInteger(ds)) throw new Error('Datastream fehlt');
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (body.phenomenonTime !== undefined && typeof body.phenomenonTime !== 'string')
    throw new Error('phenomenonTime muss eine ISO-8601-Zeit sein');
  return {
    datastreamId: ds,
    phenomenonTime: str(body.phenomenonTime),
    resultTime: str(body.resultTime),
    result: body.result,
    resultQuality: body.resultQuality,
    validTime: str(body.validTime),
    parameters: body.parameters,
  };
}

/** Collects concurrent messages and stores them in one transaction; resolves each after commit. */
export class Batcher {
  private queue: {
    input: ObservationInput;
    principal: Principal;
    resolve: (o: Outcome) => void;
    reject: (e: unknown) => void;
  }[] = [];
  private running = false;
  constructor(
    private readonly db: Db,
    private readonly hub: SensorHub,
    private readonly maxBatch = 2000,
  ) {}

  add(input: ObservationInput, principal: Principal): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, principal, resolve, reject });
      if (!this.running) void this.flush();
    });
  }

  private async flush() {
    this.running = true;
    while (this.queue.length) {
      // Everything that arrived while the previous batch was being written goes into the next one.
      const batch = this.queue.splice(0, this.maxBatch);
      const groups = new Map<Principal, typeof batch>();
      for (const item of batch) {
        if (!groups.has(item.principal)) groups.set(item.principal, []);
        groups.get(item.principal)!.push(item);
      }
      for (const [principal, items] of groups) {
        try {
          const r = await this.db.transaction((tx) =>
            ingestObservations(
              tx as unknown as Db,
              items.map((i) => i.input),
              principal,
            ),
          );
          await this.hub.published(r.created);
          for (const [k, item] of items.entries()) {
            const res = r.results[k]!;
            item.resolve(res.ok ? res : { ok: false, message: res.message });
          }
        } catch (err) {
          for (const item of items) item.reject(err);
        }
      }
    }
    this.running = false;
  }
}

/** Principals are cached per key so that batches group by identity. */
class Principals {
  private cache = new Map<string, { p: Principal | undefined; at: number }>();
  constructor(private readonly db: Db) {}
  async of(key: string): Promise<Principal | undefined> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < 60_000) return hit.p;
    const p = await principalForKey(this.db, key);
    this.cache.set(key, { p, at: Date.now() });
    return p;
  }
}

export interface MqttHandle {
  address(): AddressInfo | undefined;
  close(): Promise<void>;
}

const topicsOf = (o: CreatedObservation) => [`v1.1/Datastreams(${o.datastreamId})/Observations`, ALL_TOPIC];

/** The embedded aedes broker on port (0 = any free port). */
export async function startEmbeddedBroker(opts: {
  db: Db;
  hub: SensorHub;
  port: number;
  host?: string;
  base: string;
  log: (msg: string, err?: unknown) => void;
}): Promise<MqttHandle> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker({ drainTimeout: 30_000 });
  const batcher = new Batcher(opts.db, opts.hub);
  const principals = new Principals(opts.db);
  const clientPrincipal = new WeakMap<object, Principal>();

  // Anonymous clients may subscribe (reads are public); publishing needs an API key as password.
  broker.authenticate = (client, _username, password, done) => {
    if (!password?.length) return done(null, true);
    principals.of(password.toString('utf8')).then(
      (p) => {
        if (!p) {
          const err = Object.assign(new Error('API-Schlüssel ungültig'), { returnCode: 4 as const });
          return done(err, false);
        }
        clientPrincipal.set(client, p);
        done(null, true);
      },
      (err) => done(Object.assign(err as Error, { returnCode: 3 as const }), false),
    );
  };
  broker.authorizeSubscribe = (_client, sub, done) => done(null, SUBSCRIBABLE.test(sub.topic) ? sub : null);
  broker.authorizePublish = (client, packet, done) => {
    const principal = client ? clientPrincipal.get(client) : undefined;
    if (!principal) return done(new Error('Veröffentlichen nur mit API-Schlüssel'));
    const drop = () => {
      // Stored (or refused and counted): the raw message itself goes to nobody; the created
      // Observation is published by the hub like any other.
      packet.topic = '$SYS/stadtplattform/ingested';
      packet.retain = false;
      done(null);
    };
    let input: ObservationInput;
    try {
      input = parsePayload(packet.topic, packet.payload as Buffer);
    } catch (err) {
      const ds = Number(OBS_TOPIC.exec(packet.topic)?.[1] ?? 0);
      countRejections(opts.db, [{ ds, reason: 'invalid', count: 1, detail: (err as Error).message }]).then(
        drop,
        (e) => done(e),
      );
      return;
    }
    batcher.add(input, principal).then(drop, (err) => {
      opts.log('mqtt ingest failed', err);
      // Not stored: no acknowledgement, the client resends after reconnecting.
      done(err as Error);
    });
  };

  const onCreated = (created: CreatedObservation[]) => {
    for (const o of created) {
      const payload = Buffer.from(JSON.stringify(observationJson(o, opts.base)));
      for (const topic of topicsOf(o)) {
        broker.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, () => {});
      }
    }
  };
  opts.hub.on('created', onCreated);

  const server = net.createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    opts.hub.off('created', onCreated);
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  return {
    address: () => server.address() as AddressInfo,
    async close() {
      opts.hub.off('created', onCreated);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Joins an external broker (Mosquitto, EMQX, …) with a shared subscription. Devices authenticate at
 * that broker (its ACLs decide who may publish where); messages reaching the platform are trusted
 * region-wide. The session is persistent, so messages not yet acknowledged are redelivered.
 */
export async function connectExternalBroker(opts: {
  db: Db;
  hub: SensorHub;
  url: string;
  base: string;
  /** Shared-subscription group: all instances of one platform use the same. */
  group?: string | undefined;
  /** Stable per instance, so that a restart resumes its persistent session (nothing is lost). */
  clientId?: string | undefined;
  /** How long the broker keeps the session (and unacknowledged messages) of a stopped instance. */
  sessionExpirySeconds?: number | undefined;
  connections?: number;
  log: (msg: string, err?: unknown) => void;
}): Promise<MqttHandle> {
  const { connectAsync } = await import('mqtt');
  const batcher = new Batcher(opts.db, opts.hub);
  const principal: Principal = { cities: 'all' };
  const group = opts.group ?? 'stadtplattform';
  const baseId = opts.clientId ?? `stadtplattform-${hostname()}`;
  const n = Math.max(1, opts.connections ?? 4);
  const clients: Awaited<ReturnType<typeof connectAsync>>[] = [];
  const ingestOne = async (
    topic: string,
    message: Buffer,
    packet: { properties?: { userProperties?: Record<string, unknown> } },
  ) => {
    // Our own re-publications of created Observations carry this marker: never ingest them again.
    if (packet.properties?.userProperties?.['sp-origin'] === 'server') return;
    let input: ObservationInput;
    try {
      input = parsePayload(topic, message);
    } catch (err) {
      const ds = Number(OBS_TOPIC.exec(topic)?.[1] ?? 0);
      await countRejections(opts.db, [{ ds, reason: 'invalid', count: 1, detail: (err as Error).message }]);
      return;
    }
    await batcher.add(input, principal);
  };
  for (let i = 0; i < n; i++) {
    const client = await connectAsync(opts.url, {
      clientId: `${baseId}-${i}`,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: opts.sessionExpirySeconds ?? 3600 },
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      customHandleAcks: (topic, message, packet, done) => {
        ingestOne(topic, message, packet).then(
          () => done(0),
          (err) => {
            opts.log('mqtt ingest failed', err);
            // 0x80: unspecified error; the broker keeps the message for redelivery.
            done(0x80);
          },
        );
      },
    });
    await client.subscribeAsync([`$share/${group}/v1.1/+/Observations`, `$share/${group}/${ALL_TOPIC}`], {
      qos: 1,
    });
    // QoS 0 has no acknowledgement to hold back: store it as it comes.
    client.on('message', (topic, message, packet) => {
      if (packet.qos === 0)
        ingestOne(topic, message, packet).catch((err) => opts.log('mqtt ingest failed', err));
    });
    clients.push(client);
  }
  const publisher = clients[0]!;
  const onCreated = (created: CreatedObservation[]) => {
    for (const o of created) {
      const payload = JSON.stringify(observationJson(o, opts.base));
      for (const topic of topicsOf(o)) {
        publisher.publish(topic, payload, {
          qos: 0,
          properties: { userProperties: { 'sp-origin': 'server' } },
        });
      }
    }
  };
  opts.hub.on('created', onCreated);
  return {
    address: () => undefined,
    async close() {
      opts.hub.off('created', onCreated);
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}
