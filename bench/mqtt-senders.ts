/**
 * The MQTT devices of bench/sensors.ts, in their own process so that they do not share the server's
 * event loop — as real devices would not. Started with child_process.fork; gets
 * { url, key, ds, n, conns, inflight, t0, stepMs }, reports 'ready', then { done, ms, acked, cpuMs }
 * after 'go'. Every message is QoS 1 and counts as sent only when its PUBACK arrived.
 *
 * The load generator is not the system under test (real sensors run on other machines), but on two
 * cores it takes its CPU time from the server and the database. So it does as little as an honest
 * MQTT 3.1.1 client can: real TCP connections, a real CONNECT with the API key, PUBLISH QoS 1 with a
 * distinct packet id per outstanding message. Before 'go' each connection encodes all its PUBLISH
 * packets into one buffer (what a device would have produced anyway); after 'go' it writes as many of
 * them as its window of `inflight` unacknowledged messages allows in one write, and as PUBACKs come
 * in (read as 4-byte packets, each id checked against the outstanding ones) the next ones. The run is
 * over only when every PUBACK has arrived; bench/sensors.ts then checks that exactly n rows are stored.
 * BENCH_MQTT_CLIENT=mqttjs uses mqtt.js instead (one publishAsync per message).
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

const payloadOf = (job: Job, k: number) =>
  `{"phenomenonTime":"${new Date(job.t0 + k * job.stepMs).toISOString()}","result":${(20 + Math.sin(k / 50) * 5).toFixed(2)}}`;

/** One device connection: CONNECT, then all its messages pre-encoded, sent in a window of `inflight`. */
class LeanConnection {
  private socket!: net.Socket;
  private buf!: Buffer;
  /** End offset of packet i in buf. */
  private ends!: Uint32Array;
  private ids!: Uint16Array;
  /** 1 while a packet id waits for its PUBACK. */
  private readonly outstanding = new Uint8Array(65536);
  private sent = 0;
  acked = 0;
  private rest: Buffer | undefined;
  private onConnack?: () => void;
  private onDone?: () => void;
  private fail?: (err: Error) => void;

  constructor(
    private readonly job: Job,
    private readonly first: number,
    private readonly count: number,
  ) {}

  async connect(host: string, port: number, clientId: string) {
    this.encode();
    this.socket = net.connect({ host, port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('error', (err) => this.fail?.(err));
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    const body = Buffer.concat([
      str('MQTT'),
      Buffer.from([4, 0x80 | 0x40 | 0x02, 0, 0]), // level 4; username, password, clean session; no keepalive
      str(clientId),
      str('bench'),
      str(this.job.key),
    ]);
    await new Promise<void>((resolve) => {
      this.onConnack = resolve;
      this.socket.write(Buffer.concat([Buffer.from([0x10, ...remainingLength(body.length)]), body]));
    });
  }

  /** All PUBLISH packets of this connection, back to back; packet ids 1…65535, reused only after their PUBACK. */
  private encode() {
    const topic = str(`v1.1/Datastreams(${this.job.ds})/Observations`);
    const parts: Buffer[] = [];
    this.ends = new Uint32Array(this.count);
    this.ids = new Uint16Array(this.count);
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const payload = Buffer.from(payloadOf(this.job, this.first + i), 'utf8');
      const id = (i % 65535) + 1;
      const head = Buffer.from([0x32, ...remainingLength(topic.length + 2 + payload.length)]);
      parts.push(head, topic, Buffer.from([id >> 8, id & 0xff]), payload);
      at += head.length + topic.length + 2 + payload.length;
      this.ends[i] = at;
      this.ids[i] = id;
    }
    this.buf = Buffer.concat(parts, at);
  }

  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onDone = resolve;
      this.fail = reject;
      if (!this.count) return resolve();
      this.fill();
    });
  }

  /** Writes every packet the window allows, in one write. */
  private fill() {
    const upTo = Math.min(this.count, this.acked + this.job.inflight);
    if (upTo <= this.sent) return;
    for (let i = this.sent; i < upTo; i++) {
      const id = this.ids[i]!;
      if (this.outstanding[id]) throw new Error(`packet id ${id} still outstanding`);
      this.outstanding[id] = 1;
    }
    this.socket.write(this.buf.subarray(this.sent ? this.ends[this.sent - 1] : 0, this.ends[upTo - 1]));
    this.sent = upTo;
  }

  // The broker only sends CONNACK and PUBACK here: both are four bytes.
  private read(chunk: Buffer) {
    let data = chunk;
    if (this.rest) {
      data = Buffer.concat([this.rest, chunk]);
      this.rest = undefined;
    }
    let at = 0;
    for (; at + 4 <= data.length; at += 4) {
      const type = data[at]!;
      if (type === 0x40 && data[at + 1] === 2) {
        const id = (data[at + 2]! << 8) | data[at + 3]!;
        if (!this.outstanding[id]) return this.fail?.(new Error(`PUBACK for unknown packet id ${id}`));
        this.outstanding[id] = 0;
        this.acked++;
      } else if (type === 0x20 && data[at + 1] === 2) {
        if (data[at + 3] !== 0) throw new Error(`CONNACK refused: ${data[at + 3]}`);
        this.onConnack?.();
      } else {
        return this.fail?.(new Error(`unexpected MQTT packet 0x${type.toString(16)}`));
      }
    }
    if (at < data.length) this.rest = data.subarray(at);
    if (!this.onDone) return;
    if (this.acked === this.count) this.onDone();
    else this.fill();
  }

  end(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.socket.end(Buffer.from([0xe0, 0]), () => resolve());
    });
  }
}

async function runLean(job: Job, shares: [number, number][]) {
  const { hostname, port } = new URL(job.url);
  const conns = shares.map(([first, count]) => new LeanConnection(job, first, count));
  await Promise.all(conns.map((c, i) => c.connect(hostname, Number(port), `bench-${process.pid}-${i}`)));
  return {
    go: async () => {
      await Promise.all(conns.map((c) => c.run()));
      return conns.reduce((s, c) => s + c.acked, 0);
    },
    end: () => Promise.all(conns.map((c) => c.end())),
  };
}

async function runMqttjs(job: Job, shares: [number, number][]) {
  const { connectAsync } = await import('mqtt');
  const clients = await Promise.all(
    shares.map((_, c) =>
      connectAsync(job.url, {
        clientId: `bench-${process.pid}-${c}`,
        username: 'bench',
        password: job.key,
        reconnectPeriod: 0,
      }),
    ),
  );
  const topic = `v1.1/Datastreams(${job.ds})/Observations`;
  return {
    go: async () => {
      let acked = 0;
      await Promise.all(
        clients.map(async (client, c) => {
          const [first, count] = shares[c]!;
          const open = new Set<Promise<unknown>>();
          for (let i = 0; i < count; i++) {
            const p = client.publishAsync(topic, payloadOf(job, first + i), { qos: 1 }).then(() => {
              acked++;
            });
            open.add(p);
            void p.finally(() => open.delete(p));
            if (open.size >= job.inflight) await Promise.race(open);
          }
          await Promise.all(open);
        }),
      );
      return acked;
    },
    end: () => Promise.all(clients.map((c) => c.endAsync())),
  };
}

process.once('message', async (job: Job) => {
  const perConn = Math.ceil(job.n / job.conns);
  const shares: [number, number][] = Array.from({ length: job.conns }, (_, c) => [
    c * perConn,
    Math.max(0, Math.min(perConn, job.n - c * perConn)),
  ]);
  const run = await (process.env.BENCH_MQTT_CLIENT === 'mqttjs' ? runMqttjs : runLean)(job, shares);
  send({ ready: true });
  await new Promise((resolve) => process.once('message', resolve));
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const acked = await run.go();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  await run.end();
  send({ done: true, ms, acked, cpuMs: (cpu.user + cpu.system) / 1000 });
  process.disconnect?.();
});
