/**
 * SensorThings MQTT extension. Publishing an Observation to v1.1/Datastreams({id})/Observations (or
 * to v1.1/Observations with a Datastream link) creates it; subscribers of those topics receive every
 * new Observation, however it arrived. The same for v1.1/MultiDatastreams({id})/Observations, which
 * is not batched (MultiDatastreams are the rare case: one transaction per message).
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
import { attachFront } from './mqtt-front.ts';
import {
  type CreatedObservation,
  countRejections,
  ingestMultiObservations,
  ingestObservations,
  type MultiObservationInput,
  type ObservationInput,
  type Principal,
  principalForKey,
  type RejectionCount,
} from './service.ts';

const OBS_TOPIC = /^v1\.1\/Datastreams\((\d+)\)\/Observations$/;
const MULTI_PREFIX = 'v1.1/MultiDatastreams(';
const MULTI_TOPIC = /^v1\.1\/MultiDatastreams\((\d+)\)\/Observations$/;
const ALL_TOPIC = 'v1.1/Observations';
/** Where an ingested raw message is re-topicked to: nobody can subscribe to it. */
const INGESTED = '$SYS/stadtplattform/ingested';
/** Topics a subscriber may ask for: observations of one datastream or all of them. */
const SUBSCRIBABLE =
  /^v1\.1\/(Observations|(Multi)?Datastreams\((\d+|\+)\)\/Observations|(Multi)?Datastreams\/\+\/Observations)$/;

export type Outcome = { ok: true; observation: CreatedObservation } | { ok: false; message: string };

/** Parses one MQTT payload into an ingest input; throws a readable message. */
export function parsePayload(topic: string, payload: Buffer): ObservationInput {
  const m = OBS_TOPIC.exec(topic);
  if (!m && topic !== ALL_TOPIC) throw new Error(`Thema ${topic} nimmt keine Observations an`);
  return parseBody(m ? Number(m[1]) : undefined, payload.toString('utf8'));
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * The observation in a payload published to the topic of datastream ds (undefined: v1.1/Observations,
 * the payload names its Datastream); throws a readable message.
 */
export function parseBody(ds: number | undefined, text: string): ObservationInput {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('Nutzlast ist kein JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new Error('Nutzlast muss ein JSON-Objekt sein');
  if (!('result' in body)) throw new Error('result fehlt');
  const id =
    ds ?? Number((body.Datastream as Record<string, unknown> | undefined)?.['@iot.id'] ?? Number.NaN);
  if (!Number.isSafeInteger(id)) throw new Error('Datastream fehlt');
  if (body.phenomenonTime !== undefined && typeof body.phenomenonTime !== 'string')
    throw new Error('phenomenonTime muss eine ISO-8601-Zeit sein');
  return {
    datastreamId: id,
    phenomenonTime: str(body.phenomenonTime),
    resultTime: str(body.resultTime),
    result: body.result,
    resultQuality: body.resultQuality,
    validTime: str(body.validTime),
    parameters: body.parameters,
  };
}

/**
 * Where the outcome of a message goes once its batch is committed (or failed). One sink serves many
 * messages (tag tells them apart), so queuing a message allocates no promise or closure.
 */
export interface Sink {
  settle(tag: number, outcome: Outcome | undefined, err?: unknown): void;
}

/** A message to store, or (refused set) one already refused that is counted with the batch. */
type Pending = {
  input: ObservationInput;
  principal: Principal;
  sink: Sink;
  tag: number;
  refused?: string | undefined;
};

/** The database's own error (Drizzle wraps it as cause): SQLSTATE and message. */
function dbError(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const inner = e?.cause?.code !== undefined ? e.cause : e;
  return { code: String(inner?.code ?? ''), message: String(inner?.message ?? err) };
}
/** SQLSTATE classes of errors caused by the data itself (22 data exception, 23 constraint). */
const dataError = (err: unknown) => /^2[23]/.test(dbError(err).code);
/** Deadlock or serialization failure between concurrent batches: running it again succeeds. */
const retryable = (err: unknown) => /^40(001|P01)$/.test(dbError(err).code);

/**
 * Collects the messages of all connections that arrive while earlier batches are being written (and
 * those of the same event-loop turn) and stores each batch in one transaction: one multi-row insert,
 * rollups and latest values set-based. Each message's promise resolves only after the commit — QoS 1
 * acks wait for it. With PostgreSQL two batches are written at once, so that one batch's JavaScript
 * work (validation, acks, re-publication) overlaps the other's database work. A batch that fails as a
 * whole on its data is retried in halves down to single messages, so one poisonous message (e.g. JSON
 * PostgreSQL refuses) is refused and counted without taking the others down with it. Batches settle in
 * the order they were formed, even when a later one commits first: a connection's PUBACKs go out in
 * the order its PUBLISHes came in (MQTT-4.6.0-2).
 */
export class Batcher {
  private queue: Pending[] = [];
  /** Resolves when the batch formed last has settled all its messages. */
  private settled: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private scheduled = false;
  /**
   * Batches written and messages in them; direct: messages the lean front took past aedes (for tests
   * and benchmarks).
   */
  readonly stats = { batches: 0, messages: 0, largest: 0, direct: 0 };
  constructor(
    private readonly db: Db,
    private readonly hub: SensorHub,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly concurrency = 1,
    private readonly maxBatch = 5000,
  ) {}

  add(input: ObservationInput, principal: Principal): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.push(input, principal, { settle: (_, o, err) => (o ? resolve(o) : reject(err)) }, 0);
    });
  }

  /** Queues a message; sink.settle(tag, …) is called after its batch committed or failed. */
  push(input: ObservationInput, principal: Principal, sink: Sink, tag: number): void {
    this.queue.push({ input, principal, sink, tag });
    this.schedule();
  }

  /**
   * Queues a message that could not be parsed: counted as invalid for datastream ds in the next batch's
   * transaction and settled in turn with the others (so acknowledgements keep their order).
   */
  refuse(ds: number, message: string, principal: Principal, sink: Sink, tag: number): void {
    this.queue.push({
      input: { datastreamId: ds, result: undefined },
      principal,
      sink,
      tag,
      refused: message,
    });
    this.schedule();
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.concurrency || !this.queue.length) return;
    this.scheduled = true;
    // After the current event-loop turn: the messages of all sockets read in it join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.concurrency && this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.inFlight++;
        void this.run(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  private async run(batch: Pending[]) {
    this.stats.batches++;
    this.stats.messages += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    const earlier = this.settled;
    let done!: () => void;
    this.settled = new Promise((resolve) => (done = resolve));
    try {
      await this.store(batch, earlier);
    } finally {
      done();
    }
  }

  /** Writes items; settles them once the batches formed before have settled theirs. */
  private async store(items: Pending[], earlier: Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(items, earlier);
      } catch (err) {
        if (retryable(err) && attempt < 5) continue;
        if (items.length === 1 || !dataError(err)) {
          await earlier;
          for (const item of items) this.settleError(item, err);
          return;
        }
        // Halve: the half without the culprit is stored, the culprit is found in log2(n) steps.
        const mid = items.length >> 1;
        await this.store(items.slice(0, mid), earlier);
        await this.store(items.slice(mid), earlier);
        return;
      }
    }
  }

  private async write(items: Pending[], earlier: Promise<void>) {
    const stored = items.filter((i) => i.refused === undefined);
    const refused = new Map<number, RejectionCount>();
    for (const i of items) {
      if (i.refused === undefined) continue;
      const ds = i.input.datastreamId;
      const r = refused.get(ds) ?? { ds, reason: 'invalid' as const, count: 0, detail: i.refused };
      r.count++;
      refused.set(ds, r);
    }
    const r = await this.db.transaction(async (tx) => {
      const res = stored.length
        ? await ingestObservations(
            tx as unknown as Db,
            stored.map((i) => i.input),
            stored.map((i) => i.principal),
          )
        : { results: [], created: [] };
      if (refused.size) await countRejections(tx as unknown as Db, [...refused.values()]);
      return res;
    });
    await earlier;
    for (let k = 0, s = 0; k < items.length; k++) {
      const item = items[k]!;
      if (item.refused !== undefined) {
        item.sink.settle(item.tag, { ok: false, message: item.refused });
        continue;
      }
      const res = r.results[s++]!;
      item.sink.settle(item.tag, res.ok ? res : { ok: false, message: res.message });
    }
    // After the acks: subscribers and dashboards learn of the new observations.
    this.hub.published(r.created).catch((err) => this.log('publishing observations failed', err));
  }

  private settleError(item: Pending, err: unknown) {
    if (!dataError(err)) return item.sink.settle(item.tag, undefined, err);
    // The message itself cannot be stored: refuse and count it (resending would not help).
    const message = `Nicht speicherbar: ${dbError(err).message}`;
    countRejections(this.db, [
      { ds: item.input.datastreamId, reason: 'invalid', count: 1, detail: message },
    ]).then(
      () => item.sink.settle(item.tag, { ok: false, message }),
      (e) => item.sink.settle(item.tag, undefined, e),
    );
  }
}

/** Principals are cached per key (the lookup itself too, so a burst of connects asks once). */
class Principals {
  private cache = new Map<string, { p: Promise<Principal | undefined>; at: number }>();
  constructor(private readonly db: Db) {}
  of(key: string): Promise<Principal | undefined> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < 60_000) return hit.p;
    const p = principalForKey(this.db, key);
    this.cache.set(key, { p, at: Date.now() });
    p.catch(() => this.cache.delete(key));
    return p;
  }
}

export interface MqttHandle {
  address(): AddressInfo | undefined;
  /** How ingest batched the messages so far. */
  stats: Batcher['stats'];
  close(): Promise<void>;
}

const topicsOf = (o: CreatedObservation) => [
  o.multiDatastreamId
    ? `v1.1/MultiDatastreams(${o.multiDatastreamId})/Observations`
    : `v1.1/Datastreams(${o.datastreamId})/Observations`,
  ALL_TOPIC,
];

/**
 * A message to a MultiDatastream's topic (undefined for other topics): stored in its own transaction
 * and published after the commit; the outcome once it is stored or refused. Refusals are not counted
 * (rejection counts are per Datastream).
 */
function storeMulti(
  db: Db,
  hub: SensorHub,
  topic: string,
  payload: Buffer,
  principal: Principal,
): Promise<Outcome> | undefined {
  if (!topic.startsWith(MULTI_PREFIX)) return undefined;
  const m = MULTI_TOPIC.exec(topic);
  if (!m) return Promise.resolve({ ok: false, message: `Thema ${topic} nimmt keine Observations an` });
  let input: MultiObservationInput;
  try {
    const { datastreamId, ...rest } = parseBody(Number(m[1]), payload.toString('utf8'));
    input = { ...rest, multiDatastreamId: datastreamId };
  } catch (err) {
    return Promise.resolve({ ok: false, message: (err as Error).message });
  }
  return db
    .transaction((tx) => ingestMultiObservations(tx as unknown as Db, [input], principal))
    .then((r) => {
      hub.publishedMulti(r.created);
      const res = r.results[0]!;
      return res.ok ? res : { ok: false, message: res.message };
    });
}

/** The embedded aedes broker on port (0 = any free port). */
export async function startEmbeddedBroker(opts: {
  db: Db;
  hub: SensorHub;
  port: number;
  host?: string;
  base: string;
  /** Batches written at once (PostgreSQL: 2; PGlite has one connection: 1). */
  concurrency?: number;
  log: (msg: string, err?: unknown) => void;
}): Promise<MqttHandle> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker({ drainTimeout: 30_000 });
  const batcher = new Batcher(opts.db, opts.hub, opts.log, opts.concurrency);
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
  // After the PUBACK aedes routes the (re-topicked) raw message like any other publication: offline
  // queues, matching, 'publish' events. It is stored already and goes to nobody — skip all that.
  // (aedes calls publish(packet, client, done) internally; its typings only know (packet, done).)
  const publish = broker.publish.bind(broker) as (...args: unknown[]) => void;
  broker.publish = ((packet: { topic: string }, ...rest: unknown[]) => {
    if (packet.topic !== INGESTED) return publish(packet, ...rest);
    const done = rest.findLast((a) => typeof a === 'function') as (() => void) | undefined;
    done?.();
  }) as typeof broker.publish;
  broker.authorizePublish = (client, packet, done) => {
    const principal = client ? clientPrincipal.get(client) : undefined;
    if (!principal) return done(new Error('Veröffentlichen nur mit API-Schlüssel'));
    const drop = () => {
      // Stored (or refused and counted): the raw message itself goes to nobody; the created
      // Observation is published by the hub like any other.
      packet.topic = INGESTED;
      packet.retain = false;
      done(null);
    };
    const multi = storeMulti(opts.db, opts.hub, packet.topic, packet.payload as Buffer, principal);
    if (multi) {
      multi.then(drop, (err) => {
        opts.log('mqtt ingest failed', err);
        done(err as Error);
      });
      return;
    }
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

  // Connected clients with a subscription: without any, created Observations need no MQTT message.
  const subscribers = new Map<object, Set<string>>();
  broker.on('subscribe', (subs, client) => {
    // Refused subscriptions come with qos 128.
    const granted = subs.filter((s) => (s.qos as number) !== 128).map((s) => s.topic);
    if (granted.length) subscribers.set(client, new Set([...(subscribers.get(client) ?? []), ...granted]));
  });
  broker.on('unsubscribe', (topics, client) => {
    const mine = subscribers.get(client);
    for (const t of topics) mine?.delete(t);
    if (mine && !mine.size) subscribers.delete(client);
  });
  broker.on('clientDisconnect', (client) => subscribers.delete(client));
  const onCreated = (created: CreatedObservation[]) => {
    if (!subscribers.size) return;
    for (const o of created) {
      const payload = Buffer.from(JSON.stringify(observationJson(o, opts.base)));
      for (const topic of topicsOf(o)) {
        broker.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, () => {});
      }
    }
  };
  opts.hub.on('created', onCreated);

  const server = net.createServer((socket) => {
    // Observations from devices take the lean path in front of aedes; the rest is aedes' business.
    attachFront(socket, broker.handle(socket), {
      batcher,
      principalOf: (client) => clientPrincipal.get(client),
      log: opts.log,
    });
  });
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
    stats: batcher.stats,
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
  /** Batches written at once (PostgreSQL: 2; PGlite has one connection: 1). */
  concurrency?: number;
  log: (msg: string, err?: unknown) => void;
}): Promise<MqttHandle> {
  const { connectAsync } = await import('mqtt');
  const batcher = new Batcher(opts.db, opts.hub, opts.log, opts.concurrency);
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
    const multi = storeMulti(opts.db, opts.hub, topic, message, principal);
    if (multi) return void (await multi);
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
    stats: batcher.stats,
    async close() {
      opts.hub.off('created', onCreated);
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}
