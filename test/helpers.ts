import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { createSession, createUser, grantRole, type Role } from '../src/platform/auth/service.ts';
import { connect, type Database } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';
import { listCities } from '../src/platform/tenancy/service.ts';

/** A fresh database for one test file: a copy of the run's migrated template with the demo cities. */
export async function testDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = process.env.SP_TEST_TEMPLATE_DB;
    const admin = await connect({ databaseUrl: url, poolSize: 1 });
    const name = `sp_t_${process.env.SP_TEST_RUN_ID ?? 'x'}_${randomBytes(4).toString('hex')}`;
    await admin.withClient(async (c) => {
      if (template) await c.exec(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      else await c.exec(`CREATE DATABASE ${name}`);
    });
    const u = new URL(url);
    u.pathname = `/${name}`;
    const database = await connect({ databaseUrl: u.toString(), poolSize: 5 });
    if (!template) {
      await migrate(database);
      await seedDemoRegion(database.db);
    }
    const close = database.close.bind(database);
    database.close = async () => {
      await close();
      await admin.withClient((c) => c.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    };
    return database;
  }
  const file = process.env.SP_TEST_TEMPLATE_FILE;
  if (file) return connect({ loadDataDir: new Blob([readFileSync(file)]) });
  // Run directly (node --test file) without the runner: build from scratch.
  const database = await connect({});
  await migrate(database);
  await seedDemoRegion(database.db);
  return database;
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

export async function testApp(overrides: Partial<Config> = {}, database?: Database): Promise<TestApp> {
  const db = database ?? (await testDatabase());
  const config = loadConfig(
    { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' },
    { secret: 'test-secret-test-secret-test-secret-123', databaseUrl: undefined, ...overrides },
  );
  const app = await buildApp(config, { database: db, logger: false });
  await app.ready();
  return {
    app,
    database: db,
    config,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

export async function cityId(database: Database, slug: string): Promise<number> {
  const city = (await listCities(database.db)).find((c) => c.slug === slug);
  if (!city) throw new Error(`no city ${slug}`);
  return city.id;
}

/** A signed-in browser: session cookie plus a CSRF token read from a rendered form. */
export interface Agent {
  cookie: string;
  csrf: string;
  userId: string;
}

export async function userAgent(
  t: TestApp,
  roles: { role: Role; city: string | null }[] = [],
  email = `u${randomBytes(4).toString('hex')}@example.org`,
): Promise<Agent> {
  const user = await createUser(t.database.db, {
    email,
    displayName: 'Test Person',
    password: 'correct horse battery',
    confirmed: true,
  });
  for (const r of roles)
    await grantRole(t.database.db, user.id, r.role, r.city ? await cityId(t.database, r.city) : null);
  const token = await createSession(t.database.db, user.id);
  const cookie = `sp_session=${token}`;
  return { cookie, csrf: await csrfFrom(t.app, '/', cookie), userId: user.id };
}

/** Reads the _csrf value of the first form on a page (the logout form for signed-in users). */
export async function csrfFrom(app: FastifyInstance, url: string, cookie?: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (!m) throw new Error(`no _csrf on ${url} (${res.statusCode})`);
  return m[1]!;
}

/** Cookies set by a response, as a Cookie header value. */
export function cookiesOf(res: LightMyRequestResponse, previous = ''): string {
  const jar = new Map(
    previous
      .split(/;\s*/)
      .filter(Boolean)
      .map((c) => c.split('=') as [string, string]),
  );
  for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
    if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
  return [...jar.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
}

export function form(data: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(data)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}
