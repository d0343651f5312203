/**
 * OIDC login end to end against a real OpenID provider (oidc-provider) on 127.0.0.1: discovery, PKCE,
 * state and nonce, code exchange, userinfo, account creation and linking.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
// @ts-expect-error oidc-provider publishes no type declarations
import Provider from 'oidc-provider';
import { type TestApp, testApp } from '../../../test/helpers.ts';
import { one, sql } from '../db/index.ts';
import { OIDC_COOKIE, oidcTestOptions, sealAttempt } from './oidc.ts';
import { createUser, findUserByEmail } from './service.ts';

interface TestAccount {
  email: string;
  email_verified: boolean;
  name: string;
}

const CLIENT = { id: 'stadtplattform', secret: 'test-client-secret-0123456789abcdef' };

describe('OIDC login', () => {
  let t: TestApp;
  let server: http.Server;
  let issuer: string;
  const accounts = new Map<string, TestAccount>();
  /** The account the next login interaction signs in as. */
  let signInAs = '';
  /** Prompts the provider showed, in order. */
  const prompts: string[] = [];

  before(async () => {
    // The provider's address is known once it listens; the provider attaches afterwards.
    let handler: http.RequestListener = (_req, res) => res.end();
    server = http.createServer((req, res) => handler(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
    t = await testApp({
      oidc: { issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, name: 'Test-ID' },
    });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          redirect_uris: [`${t.config.baseUrl}/auth/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: ['oidc-test-cookie-key'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: false } },
      ttl: {
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
        AccessToken: 600,
        IdToken: 600,
        AuthorizationCode: 60,
      },
      async findAccount(_ctx: unknown, sub: string) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return { accountId: sub, claims: async () => ({ sub, ...account }) };
      },
    });
    const callback = provider.callback();
    // Interactions: sign in as `signInAs`, then grant what the client asked for (login + consent).
    handler = async (req, res) => {
      if (!req.url?.startsWith('/interaction/')) return callback(req, res);
      try {
        const details = await provider.interactionDetails(req, res);
        prompts.push(details.prompt.name);
        if (details.prompt.name === 'login') {
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: signInAs } },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
        const missing = details.prompt.details;
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { consent: { grantId } },
          { mergeWithLastSubmission: true },
        );
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    };
    oidcTestOptions.allowInsecureRequests = true;
  });

  after(async () => {
    oidcTestOptions.allowInsecureRequests = false;
    // The provider's socket first: a failed set-up must not leave the test process hanging.
    server?.closeAllConnections();
    server?.close();
    await t?.close();
  });

  /**
   * A browser visit: the app's start route, then the provider's redirects with its cookies (the
   * provider runs on a real socket, the app is injected), back to the app's callback.
   */
  async function signIn(accountId: string, next = '') {
    signInAs = accountId;
    const start = await t.app.inject(`/auth/oidc/start${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    assert.equal(start.statusCode, 303);
    const attempt = (start.cookies as { name: string; value: string }[]).find((c) => c.name === OIDC_COOKIE);
    assert.ok(attempt, 'the attempt cookie is set');
    const startCookie = ([] as string[])
      .concat(start.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith(OIDC_COOKIE));
    assert.match(startCookie!, /HttpOnly/);
    assert.match(startCookie!, /Path=\/auth\/oidc/);
    let location = String(start.headers.location);
    const authorize = new URL(location);
    assert.equal(authorize.origin, issuer);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('state'));
    assert.ok(authorize.searchParams.get('nonce'));

    const jar = new Map<string, string>();
    for (let hops = 0; !location.startsWith(t.config.baseUrl); hops++) {
      assert.ok(hops < 10, 'too many redirects at the provider');
      const res = await fetch(location, {
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [name, ...value] = pair!.split('=');
        jar.set(name!, value.join('='));
      }
      assert.ok([302, 303].includes(res.status), `provider answered ${res.status}: ${await res.text()}`);
      location = new URL(res.headers.get('location')!, location).href;
    }
    const callback = new URL(location);
    const res = await t.app.inject({
      url: callback.pathname + callback.search,
      headers: { cookie: `${OIDC_COOKIE}=${attempt.value}` },
    });
    return { res, callback, attempt: attempt.value };
  }

  const sessionOf = (res: { cookies: unknown }) =>
    (res.cookies as { name: string; value: string }[]).find((c) => c.name === 'sp_session')?.value;

  test('the login page offers the provider', async () => {
    const res = await t.app.inject('/login?next=%2Faalen%2F');
    assert.match(res.body, /Mit Test-ID anmelden/);
    assert.match(res.body, /href="\/auth\/oidc\/start\?next=%2Faalen%2F"/);
  });

  test('first login creates a confirmed account; the next one finds it by issuer and subject', async () => {
    accounts.set('sub-anna', { email: 'anna@example.org', email_verified: true, name: 'Anna Beispiel' });
    prompts.length = 0;
    const { res } = await signIn('sub-anna', '/aalen/');
    assert.deepEqual(prompts, ['login', 'consent']);
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/aalen/');
    const session = sessionOf(res);
    assert.ok(session);
    const account = await t.app.inject({ url: '/account', headers: { cookie: `sp_session=${session}` } });
    assert.equal(account.statusCode, 200);
    assert.match(account.body, /Anna Beispiel/);
    assert.match(account.body, /anna@example\.org/);
    assert.match(account.body, /Sie melden sich über Test-ID an/);

    const user = await findUserByEmail(t.database.db, 'anna@example.org');
    assert.ok(user?.email_confirmed_at);
    assert.equal(user.oidc_issuer, issuer);
    assert.equal(user.oidc_subject, 'sub-anna');
    assert.equal(user.password_hash, null);

    // The address changed at the provider: still the same account, found by subject.
    accounts.set('sub-anna', { email: 'anna.neu@example.org', email_verified: true, name: 'Anna Beispiel' });
    const second = await signIn('sub-anna');
    assert.equal(second.res.statusCode, 303);
    assert.equal(second.res.headers.location, '/account');
    const count = await one<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM users WHERE oidc_subject = 'sub-anna'`,
    );
    assert.equal(count?.n, 1);
  });

  test('a verified address joins the existing confirmed account with that address', async () => {
    const existing = await createUser(t.database.db, {
      email: 'bert@example.org',
      displayName: 'Bert',
      password: 'Berts eigenes Passwort',
      confirmed: true,
    });
    accounts.set('sub-bert', { email: 'BERT@example.org', email_verified: true, name: 'Bert B.' });
    const { res } = await signIn('sub-bert');
    assert.equal(res.statusCode, 303);
    const user = await findUserByEmail(t.database.db, 'bert@example.org');
    assert.equal(user?.id, existing.id);
    assert.equal(user?.oidc_subject, 'sub-bert');
    assert.ok(user?.password_hash, 'a confirmed account keeps its password');
  });

  test('an unconfirmed look-alike account loses the password nobody proved', async () => {
    // Someone registered the address first (never confirmed) hoping to share the account later.
    const squat = await createUser(t.database.db, {
      email: 'carla@example.org',
      displayName: 'Carla?',
      password: 'Passwort des Angreifers',
    });
    accounts.set('sub-carla', { email: 'carla@example.org', email_verified: true, name: 'Carla' });
    const { res } = await signIn('sub-carla');
    assert.equal(res.statusCode, 303);
    const user = await findUserByEmail(t.database.db, 'carla@example.org');
    assert.equal(user?.id, squat.id);
    assert.equal(user?.password_hash, null);
    assert.ok(user?.email_confirmed_at);
  });

  test('an unverified address never joins an existing account', async () => {
    await createUser(t.database.db, {
      email: 'dora@example.org',
      displayName: 'Dora',
      password: 'Doras Passwort 1',
      confirmed: true,
    });
    accounts.set('sub-mallory', { email: 'dora@example.org', email_verified: false, name: 'Mallory' });
    const { res } = await signIn('sub-mallory');
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /schon ein Konto/);
    assert.equal(sessionOf(res), undefined);
    assert.equal((await findUserByEmail(t.database.db, 'dora@example.org'))?.oidc_subject, null);
  });

  test('a callback without the attempt cookie, or with another attempt’s, is refused', async () => {
    accounts.set('sub-emil', { email: 'emil@example.org', email_verified: true, name: 'Emil' });
    const { callback } = await signIn('sub-emil');
    const bare = await t.app.inject(callback.pathname + callback.search);
    assert.equal(bare.statusCode, 400);
    assert.match(bare.body, /zu lange gedauert|noch einmal/);

    // A cookie signed by us but for another attempt: state and PKCE do not match.
    const other = sealAttempt(t.config.secret, {
      state: 'anderer-state',
      nonce: 'anderer-nonce',
      verifier: 'x'.repeat(43),
      next: '',
      locale: 'de',
      exp: Date.now() + 60_000,
    });
    const mismatch = await t.app.inject({
      url: callback.pathname + callback.search,
      headers: { cookie: `${OIDC_COOKIE}=${other}` },
    });
    assert.equal(mismatch.statusCode, 400);
    assert.equal(sessionOf(mismatch), undefined);

    const forged = await t.app.inject({
      url: callback.pathname + callback.search,
      headers: { cookie: `${OIDC_COOKIE}=${other.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}` },
    });
    assert.equal(forged.statusCode, 400);
  });

  test('a code is good for one login only', async () => {
    accounts.set('sub-fritz', { email: 'fritz@example.org', email_verified: true, name: 'Fritz' });
    const { res, callback, attempt } = await signIn('sub-fritz');
    assert.equal(res.statusCode, 303);
    const replay = await t.app.inject({
      url: callback.pathname + callback.search,
      headers: { cookie: `${OIDC_COOKIE}=${attempt}` },
    });
    assert.equal(replay.statusCode, 400);
    assert.equal(sessionOf(replay), undefined);
  });
});
