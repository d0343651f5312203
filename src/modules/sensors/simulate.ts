/**
 * Demo simulator: publishes clearly labelled simulated values for the demo datastreams over MQTT
 * (SensorThings MQTT create), like real sensors would. Runs inside `npm start` when SIMULATE is not
 * false, or alone:
 *   STA_API_KEY=… BASE_URL=http://localhost:3000 MQTT_URL=mqtt://127.0.0.1:1883 npm run simulate
 */
import { STATIONS, simulatedValue } from './seed.ts';

type StreamDef = (typeof STATIONS)[number]['streams'][number];

export interface Simulator {
  stop(): Promise<void>;
}

export async function runSimulator(opts: {
  streams: { id: number; def: StreamDef }[];
  url: string;
  apiKey?: string | undefined;
  intervalMs?: number;
  log?: (msg: string) => void;
}): Promise<Simulator> {
  const { connectAsync } = await import('mqtt');
  const client = await connectAsync(opts.url, {
    clientId: `stadtplattform-simulator-${process.pid}`,
    ...(opts.apiKey ? { username: 'simulator', password: opts.apiKey } : {}),
    reconnectPeriod: 5000,
  });
  const tick = () => {
    const now = new Date();
    for (const s of opts.streams) {
      const payload = JSON.stringify({
        phenomenonTime: now.toISOString(),
        result: simulatedValue(s.def, now),
        parameters: { simulated: true },
      });
      client.publish(`v1.1/Datastreams(${s.id})/Observations`, payload, { qos: 1 });
    }
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs ?? 60_000);
  timer.unref();
  opts.log?.(
    `Simulator: ${opts.streams.length} simulierte Messreihen, alle ${(opts.intervalMs ?? 60_000) / 1000} s`,
  );
  return {
    async stop() {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}

/** Standalone: finds the demo datastreams through the SensorThings API, then publishes. */
async function main() {
  const base = (process.env.BASE_URL || 'http://localhost:3000').replace(/\/$/, '');
  const url = process.env.MQTT_URL || `mqtt://127.0.0.1:${process.env.MQTT_PORT || 1883}`;
  const apiKey = process.env.STA_API_KEY;
  if (!apiKey && !process.env.MQTT_URL) {
    console.error('STA_API_KEY fehlt (anzulegen unter /admin/sensoren/schluessel).');
    process.exit(2);
  }
  const res = await fetch(
    `${base}/sta/v1.1/Datastreams?$top=1000&$select=id,properties&$filter=properties/simulated eq true`,
  );
  if (!res.ok) throw new Error(`SensorThings API antwortet mit ${res.status}`);
  const defs = new Map(STATIONS.flatMap((st) => st.streams.map((s) => [s.key, s] as const)));
  const list = ((await res.json()) as { value: { '@iot.id': number; properties?: { demoKey?: string } }[] })
    .value;
  const streams = list.flatMap((d) => {
    const def = defs.get(d.properties?.demoKey ?? '');
    return def ? [{ id: d['@iot.id'], def }] : [];
  });
  const sim = await runSimulator({
    streams,
    url,
    apiKey,
    intervalMs: Number(process.env.SIMULATE_INTERVAL_MS) || 60_000,
    log: console.log,
  });
  setInterval(() => {}, 1 << 30);
  process.once('SIGINT', () => void sim.stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
