/**
 * The MQTT devices of bench/sensors.ts, in their own process so that they do not share the server's
 * event loop (and CPU time) — as real devices would not. Started with child_process.fork; gets
 * { url, key, ds, n, conns, inflight, t0, stepMs } and reports 'ready', then { done, ms, acked } after 'go'.
 * Every message is QoS 1: it counts as sent only when its PUBACK arrived.
 */
import { connectAsync } from 'mqtt';

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

process.once('message', async (job: Job) => {
  const clients = await Promise.all(
    Array.from({ length: job.conns }, (_, c) =>
      connectAsync(job.url, {
        clientId: `bench-${process.pid}-${c}`,
        username: 'bench',
        password: job.key,
        reconnectPeriod: 0,
      }),
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
        const p = client.publishAsync(topic, payload, { qos: 1 }).then(() => {
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
  if (process.env.BENCH_MARKS)
    console.error(`senders: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`);
  await Promise.all(clients.map((c) => c.endAsync()));
  send({ done: true, ms, acked });
  process.disconnect?.();
});
