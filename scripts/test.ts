/**
 * Test runner: builds one migrated template database per run, then runs every *.test.ts file with
 * node:test; each file copies the template (PGlite dump, or CREATE DATABASE … TEMPLATE on PostgreSQL).
 *   npm test                 all tests (browser tests skip with a notice when Chromium is missing)
 *   npm test -- --e2e        only the browser tests
 *   npm test -- path/a.test.ts …   only these files
 * DATABASE_URL=postgres://… runs the same suite against a PostgreSQL server.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../src/platform/db/index.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { seedDemoRegion } from '../src/platform/tenancy/seed.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const e2eOnly = args.includes('--e2e');
const explicit = args.filter((a) => a.endsWith('.test.ts') || a.endsWith('.test.tsx'));

function findTests(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') findTests(p, out);
    else if (/\.test\.tsx?$/.test(e.name)) out.push(path.relative(root, p));
  }
  return out;
}

const all = [...findTests(path.join(root, 'src')), ...findTests(path.join(root, 'test'))].sort();
const files = explicit.length ? explicit : all.filter((f) => (e2eOnly ? f.startsWith('test/e2e/') : true));

const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', TZ: process.env.TZ ?? 'Europe/Berlin' };
const databaseUrl = process.env.DATABASE_URL;
let dropTemplate: (() => Promise<void>) | undefined;

const started = Date.now();
if (databaseUrl) {
  const admin = await connect({ databaseUrl, poolSize: 1 });
  const template = `sp_tpl_${process.pid}`;
  await admin.withClient(async (c) => {
    await c.exec(`DROP DATABASE IF EXISTS ${template}`);
    await c.exec(`CREATE DATABASE ${template}`);
  });
  const url = new URL(databaseUrl);
  url.pathname = `/${template}`;
  const tpl = await connect({ databaseUrl: url.toString(), poolSize: 1 });
  await migrate(tpl);
  await seedDemoRegion(tpl.db);
  await tpl.close();
  env.SP_TEST_TEMPLATE_DB = template;
  dropTemplate = async () => {
    await admin.withClient(async (c) => {
      const leftovers = await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`sp_t_${process.pid}_%`],
      );
      for (const { datname } of leftovers) await c.exec(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await c.exec(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    });
    await admin.close();
  };
} else {
  const tpl = await connect({});
  await migrate(tpl);
  await seedDemoRegion(tpl.db);
  const dump = await tpl.pglite!.dumpDataDir('none');
  await tpl.close();
  mkdirSync(path.join(root, '.cache'), { recursive: true });
  const file = path.join(root, '.cache', `test-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  env.SP_TEST_TEMPLATE_FILE = file;
  dropTemplate = async () => {
    const { rmSync } = await import('node:fs');
    rmSync(file, { force: true });
  };
}
env.SP_TEST_RUN_ID = String(process.pid);
console.log(
  `test template ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${databaseUrl ? 'PostgreSQL' : 'PGlite'})`,
);

const code = await new Promise<number>((resolve) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    {
      cwd: root,
      env,
      stdio: 'inherit',
    },
  );
  child.on('exit', (c) => resolve(c ?? 1));
});
await dropTemplate?.();
process.exit(code);
