/**
 * The MQTT devices of bench/sensors.ts, in their own process so that they do not share the server's
 * event loop — as real devices would not. Started with child_process.fork; gets
 * { url, key, ds, n, conns, inflight, t0, stepMs }, reports 'ready', then { done, ms, acked, cpuMs }
 * after 'go'. Every message is QoS 1 and counts as sent only when its PUBACK arrived.
 *
 * A minimal MQTT 3.1.1 client (CONNECT, PUBLISH QoS 1, CONNACK/PUBACK) instead of mqtt.js: on two
 * cores the load generator should take as little CPU from the server and the database as possible.
 * BENCH_MQTT_CLIENT=mqttjs uses mqtt.js instead.
 */
import net from 'node:net';

interface Job {
  url: string;
  key: string;
  ds: number;
  n: number;
  conns: number;
  inflight: number;
  t0: number;
  stepMs: number;
}

interface Sender {
  publish(topic: string, payload: string): Promise<void>;
  end(): Promise<void>;
}

const send = (m: unknown) => process.send!(m);

function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

const str = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};

async function leanSender(host: string, port: number, clientId: string, password: string): Promise<Sender> {
  const socket = net.connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const pending = new Map<number, () => void>();
  let connack: (() => void) | undefined;
  let rest: Buffer = Buffer.alloc(0);
  // The broker only sends CONNACK and PUBACK here: both are four bytes.
  socket.on('data', (chunk: Buffer) => {
    rest = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let at = 0;
    for (; at + 4 <= rest.length; at += 4) {
      const type = rest[at]! >> 4;
      if (type === 2) {
        if (rest[at + 3] !== 0) throw new Error(`CONNACK refused: ${rest[at + 3]}`);
        connack?.();
      } else if (type === 4) {
        const id = (rest[at + 2]! << 8) | rest[at + 3]!;
        pending.get(id)?.();
        pending.delete(id);
      } else throw new Error(`unexpected MQTT packet type ${type}`);
    }
    rest = rest.subarray(at);
  });
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, 0x80 | 0x40 | 0x02, 0, 0]), // level 4; username, password, clean session; no keepalive
    str(clientId),
    str('bench'),
    str(password),
  ]);
  await new Promise<void>((resolve) => {
    connack = resolve;
    socket.write(Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body]));
  });
  let nextId = 0;
  return {
    publish(topic, payload) {
      nextId = (nextId % 65535) + 1;
      const id = nextId;
      const t = str(topic);
      const p = Buffer.from(payload, 'utf8');
      const len = t.length + 2 + p.length;
      const head = Buffer.from([0x32, ...remainingLength(len)]);
      return new Promise<void>((resolve) => {
        pending.set(id, resolve);
        socket.write(Buffer.concat([head, t, Buffer.from([id >> 8, id & 0xff]), p]));
      });
    },
    end: () =>
      new Promise<void>((resolve) => {
        socket.end(Buffer.from([0xe0, 0]), () => resolve());
      }),
  };
}

async function mqttjsSender(url: string, clientId: string, password: string): Promise<Sender> {
  const { connectAsync } = await import('mqtt');
  const client = await connectAsync(url, { clientId, username: 'bench', password, reconnectPeriod: 0 });
  return {
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    end: () => client.endAsync(),
  };
}

process.once('message', async (job: Job) => {
  const { hostname, port } = new URL(job.url);
  const clients = await Promise.all(
    Array.from({ length: job.conns }, (_, c) =>
      process.env.BENCH_MQTT_CLIENT === 'mqttjs'
        ? mqttjsSender(job.url, `bench-${process.pid}-${c}`, job.key)
        : leanSender(hostname, Number(port), `bench-${process.pid}-${c}`, job.key),
    ),
  );
  const topic = `v1.1/Datastreams(${job.ds})/Observations`;
  const perConn = Math.ceil(job.n / job.conns);
  send({ ready: true });
  await new Promise((resolve) => process.once('message', resolve));
  let acked = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    clients.map(async (client, c) => {
      const open = new Set<Promise<unknown>>();
      for (let i = 0; i < perConn; i++) {
        const k = c * perConn + i;
        if (k >= job.n) break;
        const payload = `{"phenomenonTime":"${new Date(job.t0 + k * job.stepMs).toISOString()}","result":${(20 + Math.sin(k / 50) * 5).toFixed(2)}}`;
        const p = client.publish(topic, payload).then(() => {
          acked++;
        });
        open.add(p);
        void p.finally(() => open.delete(p));
        if (open.size >= job.inflight) await Promise.race(open);
      }
      await Promise.all(open);
    }),
  );
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(clients.map((c) => c.end()));
  send({ done: true, ms, acked, cpuMs: (cpu.user + cpu.system) / 1000 });
  process.disconnect?.();
});
