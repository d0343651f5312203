import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type TestApp, testApp, testDatabase } from '../../../test/helpers.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisUp(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const s = net.connect({ host: hostname, port: Number(port || 6379) });
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function post(t: TestApp, ip: string) {
  // A JSON write without cookies: passes CSRF (nothing to forge), meets the write limit.
  return t.app.inject({ method: 'POST', url: '/api/v1/offers', remoteAddress: ip, payload: { city: null } });
}

describe('write rate limit', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp({ rateLimit: { writesPerMinute: 3, loginsPerWindow: 5, loginWindowMinutes: 15 } });
  });
  after(async () => t.close());

  test('writes over the limit get 429 with a readable message; reads stay free', async () => {
    for (let i = 0; i < 3; i++) assert.notEqual((await post(t, '10.0.0.1')).statusCode, 429);
    const limited = await post(t, '10.0.0.1');
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().detail, /Zu viele Anfragen/);
    assert.ok(limited.headers['retry-after']);
    assert.equal((await t.app.inject({ url: '/', remoteAddress: '10.0.0.1' })).statusCode, 200);
    assert.notEqual((await post(t, '10.0.0.2')).statusCode, 429, 'another client is not affected');
  });

  test('HTML form posts over the limit get a 429 page', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/logout',
      remoteAddress: '10.0.0.1',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /Zu viele Anfragen/);
  });
});

describe('rate limit shared through Redis', async () => {
  const up = await redisUp();
  test('two instances count writes together', { skip: up ? false : `no Redis at ${REDIS_URL}` }, async () => {
    const limits = { writesPerMinute: 4, loginsPerWindow: 5, loginWindowMinutes: 15 };
    const db = await testDatabase();
    const a = await testApp({ redisUrl: REDIS_URL, rateLimit: limits }, db);
    const b = await testApp({ redisUrl: REDIS_URL, rateLimit: limits }, db);
    const ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    try {
      for (let i = 0; i < 2; i++) assert.notEqual((await post(a, ip)).statusCode, 429);
      for (let i = 0; i < 2; i++) assert.notEqual((await post(b, ip)).statusCode, 429);
      assert.equal((await post(a, ip)).statusCode, 429);
      assert.equal((await post(b, ip)).statusCode, 429);
    } finally {
      await a.app.close();
      await b.app.close();
      await db.close();
    }
  });
});
