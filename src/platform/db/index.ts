import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type pg from 'pg';

/** Drizzle database or transaction: services accept either, so they compose inside transactions. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export interface Database {
  kind: 'pglite' | 'pg';
  db: Db;
  /** Run fn with a client that LISTENs on channel; returns an unlisten function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** One connection for multi-statement scripts (migrations); held until fn returns. */
  withClient<T>(fn: (client: ScriptClient) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** The raw PGlite instance (embedded mode only), e.g. to dump a test template. */
  pglite?: PGlite;
}

export interface ScriptClient {
  /** Runs SQL text that may hold several statements (simple query protocol). */
  exec(script: string): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  /** PGlite data folder; undefined → in-memory. */
  dataDir?: string | undefined;
  /** PGlite: start from this dump (tests copy a migrated template). */
  loadDataDir?: Blob | File | undefined;
  poolSize?: number;
}

const CHANNEL_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export async function connect(options: ConnectOptions): Promise<Database> {
  if (options.databaseUrl) return connectPg(options.databaseUrl, options.poolSize ?? 10);
  return connectPglite(options);
}

async function connectPglite(options: ConnectOptions): Promise<Database> {
  const [{ PGlite }, { postgis }, { pg_trgm }, { drizzle }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-postgis'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
  ]);
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { postgis, pg_trgm },
  });
  const db = drizzle({ client }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite: client,
    async listen(channel, onPayload) {
      if (!CHANNEL_RE.test(channel)) throw new Error(`invalid channel ${channel}`);
      return client.listen(channel, onPayload);
    },
    async notify(channel, payload) {
      if (!CHANNEL_RE.test(channel)) throw new Error(`invalid channel ${channel}`);
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async withClient(fn) {
      return fn({
        exec: async (script) => {
          await client.exec(script);
        },
        query: async <T>(text: string, params?: unknown[]) => (await client.query<T>(text, params)).rows,
      });
    },
    async ping() {
      try {
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await client.close();
    },
  };
}

async function connectPg(url: string, poolSize: number): Promise<Database> {
  const [{ default: pg }, { drizzle }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on next use.
  pool.on('error', (err) => {
    process.emitWarning(`PostgreSQL idle connection error: ${err.message}`);
  });
  // Fail fast with a readable message when the server is not there.
  const probe = await pool.connect();
  probe.release();
  const db = drizzle({ client: pool }) as unknown as Db;
  const listeners: pg.PoolClient[] = [];
  return {
    kind: 'pg',
    db,
    async listen(channel, onPayload) {
      if (!CHANNEL_RE.test(channel)) throw new Error(`invalid channel ${channel}`);
      // LISTEN needs one dedicated connection for as long as it listens.
      const client = await pool.connect();
      client.on('error', () => {});
      listeners.push(client);
      client.on('notification', (msg) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '');
      });
      await client.query(`LISTEN ${channel}`);
      return async () => {
        await client.query(`UNLISTEN ${channel}`);
        listeners.splice(listeners.indexOf(client), 1);
        client.release();
      };
    },
    async notify(channel, payload) {
      if (!CHANNEL_RE.test(channel)) throw new Error(`invalid channel ${channel}`);
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async withClient(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (script) => {
            await client.query(script);
          },
          query: async <T>(text: string, params?: unknown[]) =>
            (await client.query(text, params as unknown[])).rows as T[],
        });
      } finally {
        client.release();
      }
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      for (const c of listeners.splice(0)) c.release();
      await pool.end();
    },
  };
}

/** Rows of a raw SQL query, the same shape on PGlite and pg. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function one<T>(db: Db, query: SQL): Promise<T | undefined> {
  return (await rows<T>(db, query))[0];
}

export { sql };
