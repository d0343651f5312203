/** SensorThings MQTT: publish → stored (before the ack) → subscribers receive; embedded and Mosquitto. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import mqtt from 'mqtt';
import { cityId, type TestApp, testApp } from '../../../test/helpers.ts';
import { one, sql } from '../../platform/db/index.ts';
import { mqttOf } from './index.ts';
import { createApiKey } from './service.ts';
import { makeDatastream } from './test-fixtures.ts';

/** Resolves with the first message on topic matching pred. */
function nextMessage(
  client: mqtt.MqttClient,
  pred: (m: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const on = (_topic: string, payload: Buffer) => {
      const m = JSON.parse(payload.toString());
      if (pred(m)) {
        client.off('message', on);
        resolve(m);
      }
    };
    client.on('message', on);
  });
}

describe('MQTT with the embedded broker', () => {
  let t: TestApp;
  let key: string;
  let ds: number;
  let url: string;
  const clients: mqtt.MqttClient[] = [];

  before(async () => {
    t = await testApp({ mqttPort: 0, host: '127.0.0.1' });
    key = (await createApiKey(t.database.db, { cityId: await cityId(t.database, 'aalen'), name: 'mqtt' }))
      .key;
    ds = await makeDatastream(t, key);
    url = `mqtt://127.0.0.1:${mqttOf(t.database)!.address()!.port}`;
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await t.close();
  });

  test('publish (QoS 1) is stored before the ack; subscribers receive the created Observation', async () => {
    const sub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    clients.push(sub);
    await sub.subscribeAsync(`v1.1/Datastreams(${ds})/Observations`, { qos: 1 });
    const pub = await mqtt.connectAsync(url, { username: 'sensor', password: key, reconnectPeriod: 0 });
    clients.push(pub);
    const received = nextMessage(sub, (m) => m.result === 142);
    await pub.publishAsync(
      `v1.1/Datastreams(${ds})/Observations`,
      JSON.stringify({ phenomenonTime: '2026-02-01T08:00:00Z', result: 142 }),
      { qos: 1 },
    );
    // The PUBACK has arrived: the row must already be there.
    const row = await one<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM sta_observations WHERE datastream_id = ${ds} AND result_number = 142`,
    );
    assert.ok(row, 'stored before the acknowledgement');
    const msg = await received;
    assert.equal(msg['@iot.id'], Number(row.id));
    assert.match(String(msg['@iot.selfLink']), /\/sta\/v1\.1\/Observations\(\d+\)$/);

    // Observations created over HTTP reach MQTT subscribers too (FROST #2097).
    const viaHttp = nextMessage(sub, (m) => m.result === 150);
    const res = await t.app.inject({
      method: 'POST',
      url: `/sta/v1.1/Datastreams(${ds})/Observations`,
      headers: { 'x-api-key': key },
      payload: { phenomenonTime: '2026-02-01T08:10:00Z', result: 150 },
    });
    assert.equal(res.statusCode, 201);
    assert.equal((await viaHttp)['@iot.id'], res.json()['@iot.id']);
  });

  test('device bytes split anywhere: the lean path stores, acknowledges after commit, and leaves the rest to aedes', async () => {
    const ds = await makeDatastream(t, key);
    const raw = await rawConnect(mqttOf(t.database)!.address()!.port, key);
    const before = mqttOf(t.database)!.stats.direct;
    const topic = `v1.1/Datastreams(${ds})/Observations`;
    const bytes = Buffer.concat([
      publishPacket(topic, JSON.stringify({ phenomenonTime: '2026-03-01T08:00:00Z', result: 301 }), 7),
      Buffer.from([0xc0, 0]), // PINGREQ: answered by aedes
      publishPacket(topic, JSON.stringify({ phenomenonTime: '2026-03-01T08:01:00Z', result: 302 }), 0),
      publishPacket('v1.1/Observations', JSON.stringify({ result: 303, Datastream: { '@iot.id': ds } }), 8),
      publishPacket(topic, '{"result": kaputt', 9),
    ]);
    // Three bytes per write: packets and even their length bytes arrive in pieces.
    for (let i = 0; i < bytes.length; i += 3) {
      raw.socket.write(bytes.subarray(i, i + 3));
      await new Promise((r) => setImmediate(r));
    }
    const got = await raw.read(4 + 4 + 4 + 2);
    const acks: number[] = [];
    let pings = 0;
    for (let i = 0; i < got.length; ) {
      if (got[i] === 0x40) acks.push(got.readUInt16BE(i + 2));
      else if (got[i] === 0xd0) pings++;
      else assert.fail(`unexpected packet 0x${got[i]!.toString(16)}`);
      i += got[i] === 0xd0 ? 2 : 4;
    }
    // In the order the PUBLISHes came in, even if they were stored in different batches.
    assert.deepEqual(acks, [7, 8, 9]);
    assert.equal(pings, 1);
    // The acknowledged ones are stored already; the QoS 0 one (no acknowledgement) follows.
    const count = async (values: number[]) =>
      (await one<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM sta_observations WHERE datastream_id = ${ds}
            AND result_number = ANY(${sql.param(values)}::float8[])`,
      ))!.n;
    assert.equal(await count([301, 303]), 2);
    for (let i = 0; i < 100 && (await count([302])) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await count([302]), 1);
    const invalid = await one<{ n: number }>(
      t.database.db,
      sql`SELECT coalesce(sum(count), 0)::int AS n FROM sta_rejections WHERE datastream_id = ${ds} AND reason = 'invalid'`,
    );
    assert.equal(invalid!.n, 1);
    assert.equal(mqttOf(t.database)!.stats.direct - before, 4);
    raw.socket.destroy();
  });

  test('a message the database cannot store gets no acknowledgement; the resend after the fault is stored once', async () => {
    const ds = await makeDatastream(t, key);
    const topic = `v1.1/Datastreams(${ds})/Observations`;
    const payload = JSON.stringify({ phenomenonTime: '2026-03-02T08:00:00Z', result: 666 });
    const count = async () =>
      (await one<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM sta_observations WHERE datastream_id = ${ds} AND result_number = 666`,
      ))!.n;
    // A fault that is not about the data (as if the disk were full): the write fails as a whole.
    await t.database.db.execute(sql`CREATE FUNCTION sta_test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.result_number = 666 THEN RAISE EXCEPTION 'simulated fault'; END IF; RETURN NEW; END $$`);
    await t.database.db.execute(sql`CREATE TRIGGER sta_test_fault BEFORE INSERT ON sta_observations
      FOR EACH ROW EXECUTE FUNCTION sta_test_fault()`);
    try {
      const raw = await rawConnect(mqttOf(t.database)!.address()!.port, key);
      raw.socket.write(publishPacket(topic, payload, 11));
      // No PUBACK: the broker closes the connection, so the device keeps the message and resends.
      await assert.rejects(raw.read(4), /closed by the broker/);
      assert.equal(await count(), 0);
    } finally {
      await t.database.db.execute(sql`DROP TRIGGER sta_test_fault ON sta_observations`);
      await t.database.db.execute(sql`DROP FUNCTION sta_test_fault()`);
    }
    const again = await rawConnect(mqttOf(t.database)!.address()!.port, key);
    again.socket.write(publishPacket(topic, payload, 11));
    assert.deepEqual([...(await again.read(4))], [0x40, 2, 0, 11]);
    assert.equal(await count(), 1);
    again.socket.destroy();
  });

  test('publishing on the lean path keeps the connection alive (keepalive 1 s, no PINGREQ)', async () => {
    const ds = await makeDatastream(t, key);
    const raw = await rawConnect(mqttOf(t.database)!.address()!.port, key, 1);
    const topic = `v1.1/Datastreams(${ds})/Observations`;
    // aedes closes a connection that is silent for 1.5 keepalive periods: 2.5 s of publishing only.
    for (let i = 1; i <= 10; i++) {
      raw.socket.write(publishPacket(topic, JSON.stringify({ result: i }), i));
      assert.deepEqual([...(await raw.read(4))], [0x40, 2, 0, i]);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(raw.closed(), false);
    raw.socket.destroy();
  });

  test('bad payloads are refused and counted; publishing without a key is not allowed', async () => {
    const pub = await mqtt.connectAsync(url, { username: 'sensor', password: key, reconnectPeriod: 0 });
    clients.push(pub);
    await pub.publishAsync(`v1.1/Datastreams(${ds})/Observations`, 'kein json', { qos: 1 });
    await pub.publishAsync(`v1.1/Datastreams(${ds})/Observations`, JSON.stringify({ result: 'hoch' }), {
      qos: 1,
    });
    await pub.publishAsync(
      `v1.1/Datastreams(${ds})/Observations`,
      JSON.stringify({ result: 1, phenomenonTime: '2999-01-01T00:00:00Z' }),
      { qos: 1 },
    );
    const counts = await one<{ invalid: number; type: number; future: number }>(
      t.database.db,
      sql`SELECT coalesce(sum(count) FILTER (WHERE reason = 'invalid'), 0)::int AS invalid,
            coalesce(sum(count) FILTER (WHERE reason = 'type'), 0)::int AS type,
            coalesce(sum(count) FILTER (WHERE reason = 'future'), 0)::int AS future
          FROM sta_rejections WHERE datastream_id = ${ds}`,
    );
    assert.deepEqual(counts, { invalid: 1, type: 1, future: 1 });
    const stored = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM sta_observations WHERE datastream_id = ${ds}`,
    );
    assert.equal(stored!.n, 2);

    const anon = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    clients.push(anon);
    const closed = new Promise<void>((resolve) => anon.once('close', () => resolve()));
    anon.publish(`v1.1/Datastreams(${ds})/Observations`, JSON.stringify({ result: 3 }), { qos: 1 });
    await closed;
    await assert.rejects(
      mqtt.connectAsync(url, { username: 'sensor', password: 'sta_wrong', reconnectPeriod: 0 }),
    );
  });
});

/** The bytes of an MQTT 3.1.1 PUBLISH (QoS 1 with packet id, QoS 0 without). */
function publishPacket(topic: string, payload: string, id: number): Buffer {
  const t = Buffer.from(topic);
  const p = Buffer.from(payload);
  const body = Buffer.concat([
    Buffer.from([t.length >> 8, t.length & 0xff]),
    t,
    id ? Buffer.from([id >> 8, id & 0xff]) : Buffer.alloc(0),
    p,
  ]);
  const len: number[] = [];
  let n = body.length;
  do {
    len.push((n & 127) | (n > 127 ? 128 : 0));
    n >>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([id ? 0x32 : 0x30, ...len]), body]);
}

/** A bare TCP connection that has sent CONNECT with the key and got its CONNACK. */
async function rawConnect(port: number, password: string, keepAliveSeconds = 0) {
  const socket = net.connect({ host: '127.0.0.1', port });
  let buffered = Buffer.alloc(0);
  let wake = () => {};
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake();
  });
  let closed = false;
  const read = async (n: number) => {
    while (buffered.length < n) {
      if (closed) throw new Error('connection closed by the broker');
      await new Promise<void>((r) => (wake = r));
    }
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
  const str = (s: string) => Buffer.concat([Buffer.from([0, Buffer.byteLength(s)]), Buffer.from(s)]);
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, 0xc2, 0, keepAliveSeconds]),
    str('raw-test'),
    str('sensor'),
    str(password),
  ]);
  socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
  assert.deepEqual([...(await read(4))], [0x20, 2, 0, 0]);
  socket.on('close', () => {
    closed = true;
    wake();
  });
  return { socket, read, closed: () => closed };
}

async function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 3000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

const MOSQUITTO = process.env.MQTT_TEST_URL ?? 'mqtt://127.0.0.1:1883';
const mosquittoUp = await reachable(new URL(MOSQUITTO).hostname, Number(new URL(MOSQUITTO).port || 1883));

describe('MQTT with an external broker (Mosquitto)', {
  skip: mosquittoUp ? false : `no broker at ${MOSQUITTO}`,
}, () => {
  let t: TestApp;
  let ds: number;
  const clients: mqtt.MqttClient[] = [];

  before(async () => {
    // Our own group and a session that ends with the connection: parallel runs do not share load.
    const id = `sp-test-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
    Object.assign(process.env, { MQTT_SHARE_GROUP: id, MQTT_CLIENT_ID: id, MQTT_SESSION_EXPIRY: '0' });
    t = await testApp({ mqttUrl: MOSQUITTO });
    const key = (
      await createApiKey(t.database.db, { cityId: await cityId(t.database, 'aalen'), name: 'mqtt' })
    ).key;
    ds = await makeDatastream(t, key);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await t.close();
  });

  test('a device publishes to Mosquitto; the platform stores it and re-publishes the Observation', async () => {
    const marker = 1000 + Math.floor(Math.random() * 1e6);
    const sub = await mqtt.connectAsync(MOSQUITTO, { reconnectPeriod: 0 });
    clients.push(sub);
    await sub.subscribeAsync(`v1.1/Datastreams(${ds})/Observations`, { qos: 1 });
    const created = nextMessage(sub, (m) => m.result === marker && '@iot.id' in m);
    const device = await mqtt.connectAsync(MOSQUITTO, { reconnectPeriod: 0 });
    clients.push(device);
    await device.publishAsync(`v1.1/Datastreams(${ds})/Observations`, JSON.stringify({ result: marker }), {
      qos: 1,
    });
    const msg = await created;
    const row = await one<{ id: string }>(
      t.database.db,
      sql`SELECT id FROM sta_observations WHERE result_number = ${marker}`,
    );
    assert.equal(msg['@iot.id'], Number(row!.id));
    // Our own re-publication is not ingested a second time.
    const n = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM sta_observations WHERE result_number = ${marker}`,
    );
    assert.equal(n!.n, 1);
  });

  test('many devices at once: every message stored exactly once, in batches, and re-published', async () => {
    const base = 2_000_000 + Math.floor(Math.random() * 1e6) * 1000;
    const sub = await mqtt.connectAsync(MOSQUITTO, { reconnectPeriod: 0 });
    clients.push(sub);
    await sub.subscribeAsync(`v1.1/Datastreams(${ds})/Observations`, { qos: 1 });
    const N = 300;
    const seen = new Set<number>();
    const all = new Promise<void>((resolve) => {
      sub.on('message', (_topic, payload) => {
        const m = JSON.parse(payload.toString());
        if ('@iot.id' in m && m.result >= base && m.result < base + N) seen.add(m.result);
        if (seen.size === N) resolve();
      });
    });
    const devices = await Promise.all(
      Array.from({ length: 6 }, () => mqtt.connectAsync(MOSQUITTO, { reconnectPeriod: 0 })),
    );
    clients.push(...devices);
    const before = { ...mqttOf(t.database)!.stats };
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        devices[i % devices.length]!.publishAsync(
          `v1.1/Datastreams(${ds})/Observations`,
          JSON.stringify({ result: base + i }),
          { qos: 1 },
        ),
      ),
    );
    await all;
    const stored = await one<{ n: number; distinct: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n, count(DISTINCT result_number)::int AS distinct FROM sta_observations
          WHERE datastream_id = ${ds} AND result_number >= ${base} AND result_number < ${base + N}`,
    );
    assert.deepEqual(stored, { n: N, distinct: N });
    const stats = mqttOf(t.database)!.stats;
    assert.ok(stats.batches - before.batches < N, `${stats.batches - before.batches} batches for ${N}`);
  });
});
