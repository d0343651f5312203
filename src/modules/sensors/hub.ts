/**
 * Where created observations go after their transaction committed: MQTT subscribers (every
 * observation, however it arrived — FROST #2097) and, through PostgreSQL NOTIFY, the live dashboards
 * of every instance (only the latest value per datastream, so the payload stays small).
 */
import { EventEmitter } from 'node:events';
import type { Database } from '../../platform/db/index.ts';
import type { CreatedObservation } from './service.ts';

export const LATEST_CHANNEL = 'sta_latest';

export interface LatestEvent {
  d: number;
  t: string;
  v: unknown;
}

export function observationJson(o: CreatedObservation, base: string): Record<string, unknown> {
  const self = `${base}/Observations(${o.id})`;
  const out: Record<string, unknown> = {
    '@iot.id': o.id,
    '@iot.selfLink': self,
    phenomenonTime: o.phenomenonTimeEnd ? `${o.phenomenonTime}/${o.phenomenonTimeEnd}` : o.phenomenonTime,
    resultTime: o.resultTime,
    result: o.result,
  };
  if (o.resultQuality !== undefined) out.resultQuality = o.resultQuality;
  if (o.validTime !== undefined) out.validTime = o.validTime;
  if (o.parameters !== undefined) out.parameters = o.parameters;
  if (o.multiDatastreamId) out['MultiDatastream@iot.navigationLink'] = `${self}/MultiDatastream`;
  else out['Datastream@iot.navigationLink'] = `${self}/Datastream`;
  out['FeatureOfInterest@iot.navigationLink'] = `${self}/FeatureOfInterest`;
  return out;
}

export class SensorHub extends EventEmitter<{
  created: [CreatedObservation[], { skipMqtt?: boolean }];
  latest: [LatestEvent[]];
}> {
  constructor(readonly database: Database) {
    super();
    this.setMaxListeners(0);
  }

  /**
   * Observations of MultiDatastreams, after commit: to MQTT subscribers only (dashboards show
   * Datastreams' latest values).
   */
  publishedMulti(created: CreatedObservation[]): void {
    if (created.length) this.emit('created', created, {});
  }

  /** Call after commit. */
  async published(created: CreatedObservation[], opts: { skipMqtt?: boolean } = {}): Promise<void> {
    if (!created.length) return;
    this.emit('created', created, opts);
    const last = new Map<number, CreatedObservation>();
    for (const o of created) {
      const cur = last.get(o.datastreamId);
      if (!cur || cur.phenomenonTime <= o.phenomenonTime) last.set(o.datastreamId, o);
    }
    const events = [...last.values()].map((o) => ({ d: o.datastreamId, t: o.phenomenonTime, v: o.result }));
    // NOTIFY payloads are limited to 8000 bytes: send in chunks.
    for (let i = 0; i < events.length; i += 40) {
      const payload = JSON.stringify(events.slice(i, i + 40));
      if (payload.length < 7900) await this.database.notify(LATEST_CHANNEL, payload).catch(() => {});
    }
  }
}
