import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

const root = path.resolve(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: NodeJS.ProcessEnv): Running {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitReady(port: number, running: Running, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (running.child.exitCode !== null) throw new Error(`server exited: ${running.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server not ready in time: ${running.output()}`);
}

// The README's `npm start` path, on the embedded database in a fresh data folder.
describe('npm start on an empty data folder', {
  skip: process.env.DATABASE_URL ? 'embedded-database path only' : false,
}, () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sp-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('migrates, seeds the demo region, serves, shuts down gracefully, and reuses the data on the next start', async () => {
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      DATABASE_URL: '',
    };
    const first = startServer(env);
    await waitReady(port, first);
    assert.match(first.output(), /Demo region seeded/);
    const page = await fetch(`http://127.0.0.1:${port}/aalen/angebote?q=Geheimwort-Suchbegriff`);
    assert.equal(page.status, 200);
    const home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    assert.match(home, /Aalen/);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, 'graceful shutdown exits 0');
    // Logs carry method and path, never query strings (search terms, tokens) or client addresses.
    assert.match(first.output(), /"path":"\/aalen\/angebote"/);
    assert.doesNotMatch(first.output(), /Geheimwort/);
    assert.doesNotMatch(first.output(), /127\.0\.0\.1"|remoteAddress/);

    const second = startServer(env);
    await waitReady(port, second);
    assert.doesNotMatch(second.output(), /Demo region seeded/, 'second start reuses the data');
    const again = await fetch(`http://127.0.0.1:${port}/heidenheim/`);
    assert.equal(again.status, 200);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);

    // The retention command for cron: deletes what is past its period and says how much.
    const purge = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'purge'], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    assert.equal(purge.status, 0, purge.stderr);
    assert.match(purge.stdout, /sessions: \d+, authTokens: \d+, loginFailures: \d+, mails: \d+, jobs: \d+/);
  });
});
