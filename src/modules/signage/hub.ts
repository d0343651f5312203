/**
 * Server-sent events for the displays of one instance. The instance LISTENs once on the signage channel
 * of PostgreSQL and passes each event to the connections it concerns, so a message published on any
 * instance reaches every stele, whichever instance it is connected to.
 */
import type { ServerResponse } from 'node:http';
import type { Database } from '../../platform/db/index.ts';
import { CHANNEL, type SignageEvent } from './service.ts';

/** A comment line every KEEPALIVE_MS keeps proxies and NAT routers from dropping idle streams. */
const KEEPALIVE_MS = 25_000;
/** EventSource waits this long before reconnecting after a dropped stream. */
const RETRY_MS = 3_000;

export interface Connection {
  steleId: number;
  cityId: number;
  res: ServerResponse;
}

export class SignageHub {
  private byCity = new Map<number, Set<Connection>>();
  private unlisten: (() => Promise<void>) | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  /** Events delivered to connections since start (metrics, tests). */
  delivered = 0;

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  async start(database: Database): Promise<void> {
    this.unlisten = await database.listen(CHANNEL, (payload) => {
      try {
        this.dispatch(JSON.parse(payload) as SignageEvent);
      } catch (err) {
        this.onError(err);
      }
    });
    this.keepalive = setInterval(() => this.each(() => ': keepalive\n\n'), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  get size(): number {
    let n = 0;
    for (const set of this.byCity.values()) n += set.size;
    return n;
  }

  /** Takes over a response as an event stream; the first event says what is in force right now. */
  open(conn: Connection, first: { event: string; data: unknown }): void {
    const { res } = conn;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must pass events through at once, not buffer them.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n${frame(first.event, first.data)}`);
    let set = this.byCity.get(conn.cityId);
    if (!set) {
      set = new Set();
      this.byCity.set(conn.cityId, set);
    }
    set.add(conn);
    const remove = () => {
      set.delete(conn);
      if (set.size === 0 && this.byCity.get(conn.cityId) === set) this.byCity.delete(conn.cityId);
    };
    res.on('close', remove);
    res.on('error', remove);
  }

  /** Sends an event to the connections it concerns (exported for the benchmark and tests). */
  dispatch(event: SignageEvent): void {
    const set = this.byCity.get(event.cityId);
    if (!set) return;
    if (event.type === 'emergency') {
      const text = frame('emergency', event.emergency ?? null);
      for (const c of set) this.write(c, text);
      return;
    }
    for (const c of set) {
      if (c.steleId !== event.steleId) continue;
      if (event.type === 'revoked') {
        // The key changed or the stele was removed: the device must reload and will get a 404.
        this.write(c, frame('revoked', null));
        c.res.end();
      } else this.write(c, frame('playlist', null));
    }
  }

  private write(c: Connection, text: string) {
    if (c.res.writableEnded) return;
    c.res.write(text);
    this.delivered++;
  }

  private each(text: (c: Connection) => string) {
    for (const set of this.byCity.values())
      for (const c of set) if (!c.res.writableEnded) c.res.write(text(c));
  }

  /** Ends every stream (server shutdown: EventSource reconnects to another instance) and stops listening. */
  async stop(): Promise<void> {
    if (this.keepalive) clearInterval(this.keepalive);
    for (const set of this.byCity.values()) for (const c of set) c.res.end();
    this.byCity.clear();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.().catch(this.onError);
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
