/**
 * Lean ingest path in front of the embedded aedes broker. Devices publish thousands of observations
 * per second; routing each through aedes (packet objects, handler chain, a setImmediate and a socket
 * write per PUBACK, debug calls) cost the server about as much as validating and storing it. So the
 * bytes a connection receives are framed here first: a PUBLISH (QoS 0/1) to an observation topic from
 * an MQTT 3.1/3.1.1 client that has connected with an API key goes straight to the Batcher, and its
 * PUBACK is written after the commit — the PUBACKs of one connection and one batch in one write.
 * Everything else (CONNECT, SUBSCRIBE, PING, other topics, MQTT 5, anything before the CONNACK) is
 * handed unchanged to aedes' own parser, which then behaves exactly as without this front.
 *
 * It relies on aedes internals (aedes 1.x: conn.client, client._parser, the _parsingBatch read
 * throttle, the keepalive timer); mqtt.test.ts exercises both paths.
 */
import type { Socket } from 'node:net';
import type { Batcher, Outcome, Sink } from './mqtt.ts';
import { parseBody } from './mqtt.ts';
import type { ObservationInput, Principal } from './service.ts';

/** The parts of an aedes Client this front uses. */
interface AedesClient {
  connected: boolean;
  closed: boolean;
  version: number | null;
  _parser: { parse(buf: Buffer): unknown };
  /** Packets being handled; aedes reads the socket again only when it is back at 0. */
  _parsingBatch: number;
  /** Ends the handling of one packet (an error closes the connection). */
  _nextBatch(err?: unknown): void;
  _keepaliveInterval: number;
  _keepaliveTimer: { refresh(): void } | null;
}

export interface FrontOptions {
  batcher: Batcher;
  /** The principal of an authenticated client (set by the broker's authenticate). */
  principalOf(client: object): Principal | undefined;
  log(msg: string, err?: unknown): void;
}

const PREFIX = Buffer.from('v1.1/');
const DS_PREFIX = Buffer.from('v1.1/Datastreams(');
const DS_SUFFIX = Buffer.from(')/Observations');
const ALL = Buffer.from('v1.1/Observations');

/**
 * The datastream of an observation topic in buf[from, to): its id, 0 for v1.1/Observations (the
 * payload names it), -1 for any other topic.
 */
export function topicDatastream(buf: Buffer, from: number, to: number): number {
  const len = to - from;
  if (len === ALL.length && buf.compare(ALL, 0, ALL.length, from, to) === 0) return 0;
  const digits = len - DS_PREFIX.length - DS_SUFFIX.length;
  if (digits < 1 || digits > 15) return -1;
  if (buf.compare(DS_PREFIX, 0, DS_PREFIX.length, from, from + DS_PREFIX.length) !== 0) return -1;
  if (buf.compare(DS_SUFFIX, 0, DS_SUFFIX.length, to - DS_SUFFIX.length, to) !== 0) return -1;
  let id = 0;
  for (let i = from + DS_PREFIX.length; i < to - DS_SUFFIX.length; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return -1;
    id = id * 10 + c;
  }
  return id > 0 ? id : -1;
}

/** One device connection: frames its bytes, takes the ingest PUBLISHes, passes the rest to aedes. */
class Connection implements Sink {
  private rest: Buffer | undefined;
  private principal: Principal | undefined;
  /** Packet ids to acknowledge, written together after the batch's settle loop. */
  private acks: number[] = [];
  private flushing = false;
  /** Devices publish to the same topic again and again: its bytes and datastream, compared whole. */
  private lastTopic: Buffer | undefined;
  private lastDs = -1;
  private readonly parse: (buf: Buffer) => unknown;

  constructor(
    private readonly socket: Socket,
    private readonly client: AedesClient,
    private readonly opts: FrontOptions,
  ) {
    const parser = client._parser;
    this.parse = parser.parse.bind(parser);
    parser.parse = (buf: Buffer) => this.receive(buf);
  }

  private receive(chunk: Buffer) {
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = undefined;
    }
    const c = this.client;
    // Packets are framed here from the first byte on, so aedes' parser only ever gets whole packets
    // and never holds half of one when a connection turns into a publishing device.
    if (c.connected && !this.principal && (c.version === 3 || c.version === 4))
      this.principal = this.opts.principalOf(c);
    const fast = this.principal !== undefined && c.connected;
    const len = buf.length;
    let at = 0;
    /** Start of a run of packets for aedes (handed over in order, before the next ingest packet). */
    let pass = -1;
    let took = false;
    while (at + 2 <= len) {
      const b0 = buf[at]!;
      let remaining = 0;
      let p = at + 1;
      let complete = false;
      for (let i = 0, mul = 1; i < 4 && p < len; i++, mul *= 128) {
        const b = buf[p++]!;
        remaining += (b & 127) * mul;
        if (!(b & 128)) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        // A length of more than four bytes is malformed: aedes' parser reports it.
        if (p - at > 4) return this.parse(buf.subarray(pass < 0 ? at : pass));
        break;
      }
      const end = p + remaining;
      if (end > len) break;
      if (fast && b0 >> 4 === 3 && this.take(buf, b0, p, end)) {
        took = true;
        if (pass >= 0) {
          this.parse(buf.subarray(pass, at));
          pass = -1;
        }
      } else if (pass < 0) pass = at;
      at = end;
    }
    if (pass >= 0) this.parse(buf.subarray(pass, at));
    if (at < len) this.rest = buf.subarray(at);
    if (took && c._keepaliveInterval > 0) c._keepaliveTimer?.refresh();
  }

  /** An ingest PUBLISH in buf[start, end) after its fixed header: queue it; false leaves it to aedes. */
  private take(buf: Buffer, b0: number, start: number, end: number): boolean {
    const qos = (b0 >> 1) & 3;
    if (qos > 1 || start + 2 > end) return false;
    const topicEnd = start + 2 + ((buf[start]! << 8) | buf[start + 1]!);
    if (topicEnd + (qos ? 2 : 0) > end) return false;
    const last = this.lastTopic;
    let ds: number;
    if (
      last &&
      last.length === topicEnd - start - 2 &&
      buf.compare(last, 0, last.length, start + 2, topicEnd) === 0
    )
      ds = this.lastDs;
    else {
      if (buf.compare(PREFIX, 0, PREFIX.length, start + 2, start + 2 + PREFIX.length) !== 0) return false;
      ds = topicDatastream(buf, start + 2, topicEnd);
      if (ds < 0) return false;
      this.lastTopic = Buffer.from(buf.subarray(start + 2, topicEnd));
      this.lastDs = ds;
    }
    let id = 0;
    let p = topicEnd;
    if (qos) {
      id = (buf[p]! << 8) | buf[p + 1]!;
      if (!id) return false;
      p += 2;
    }
    // Being handled: aedes' reader waits for it like for its own packets (backpressure per connection).
    this.client._parsingBatch++;
    this.opts.batcher.stats.direct++;
    // The tag carries the packet id (0 for QoS 0, which needs no PUBACK).
    let input: ObservationInput;
    try {
      input = parseBody(ds || undefined, buf.toString('utf8', p, end));
    } catch (err) {
      // Counted with the next batch, then acknowledged like a stored message (resending won't help).
      this.opts.batcher.refuse(ds, (err as Error).message, this.principal!, this, id);
      return true;
    }
    this.opts.batcher.push(input, this.principal!, this, id);
    return true;
  }

  settle(id: number, _outcome: Outcome | undefined, err?: unknown) {
    const c = this.client;
    if (err) {
      this.opts.log('mqtt ingest failed', err);
      // Not stored: no acknowledgement; aedes closes the connection and the device resends.
      return c._nextBatch(err);
    }
    if (id && !c.closed) {
      this.acks.push(id);
      if (!this.flushing) {
        this.flushing = true;
        process.nextTick(() => this.flush());
      }
    }
    c._nextBatch();
  }

  private flush() {
    this.flushing = false;
    const ids = this.acks;
    if (!ids.length) return;
    this.acks = [];
    if (this.client.closed || this.socket.destroyed) return;
    const out = Buffer.allocUnsafe(ids.length * 4);
    for (let i = 0, o = 0; i < ids.length; i++, o += 4) {
      out[o] = 0x40;
      out[o + 1] = 2;
      out[o + 2] = ids[i]! >> 8;
      out[o + 3] = ids[i]! & 0xff;
    }
    this.socket.write(out);
  }
}

/** Puts the front between a new connection and the aedes client aedes just created for it. */
export function attachFront(socket: Socket, client: object, opts: FrontOptions): void {
  new Connection(socket, client as AedesClient, opts);
}
