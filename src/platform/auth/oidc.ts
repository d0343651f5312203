/**
 * Login over OpenID Connect (BundID behind Keycloak, or any OIDC provider): authorization code flow
 * with PKCE, state and nonce. The three secrets of one attempt live in a short-lived signed cookie,
 * so any instance can finish a login another one started.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { h } from 'preact';
import { type Locale, translator } from '../web/i18n.ts';
import { MessagePage } from './pages.tsx';
import { safeNext, startSession, targetAfterLogin } from './routes.ts';
import { createUser, findUserByEmail, findUserByOidc, linkOidc, type UserRow } from './service.ts';

export const OIDC_COOKIE = 'sp_oidc';
const COOKIE_PATH = '/auth/oidc';
const ATTEMPT_SECONDS = 600;

/**
 * Options for tests against a local provider on plain http. Never set in production: openid-client
 * refuses http issuers for good reason.
 */
export const oidcTestOptions = { allowInsecureRequests: false };

interface Attempt {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  locale: Locale;
  /** Expiry, ms since epoch: the cookie's max-age is advice to the browser, this is enforced. */
  exp: number;
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`oidc:${payload}`).digest('base64url');
}

export function sealAttempt(secret: string, attempt: Attempt): string {
  const payload = Buffer.from(JSON.stringify(attempt)).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

export function unsealAttempt(secret: string, value: string | undefined): Attempt | undefined {
  if (!value) return undefined;
  const [payload, signature] = value.split('.');
  if (!payload || !signature) return undefined;
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const attempt = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Attempt;
    if (typeof attempt.exp !== 'number' || attempt.exp < Date.now()) return undefined;
    return attempt;
  } catch {
    return undefined;
  }
}

/** A display name from whatever the provider sends, never empty, at most 60 characters. */
function nameFrom(claims: Record<string, unknown>, email: string): string {
  const str = (k: string) => (typeof claims[k] === 'string' ? (claims[k] as string).trim() : '');
  const name =
    str('name') ||
    [str('given_name'), str('family_name')].filter(Boolean).join(' ') ||
    str('preferred_username') ||
    email.split('@')[0] ||
    'Person';
  return name.slice(0, 60);
}

export async function oidcRoutes(app: FastifyInstance) {
  const settings = app.config.oidc;
  if (!settings) return;
  const { config } = app;
  const db = app.database.db;
  const redirectUri = `${config.baseUrl}/auth/oidc/callback`;

  // Discovered once per process; a failed discovery is retried on the next attempt.
  let discovered: Promise<client.Configuration> | undefined;
  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(
        new URL(settings!.issuer),
        settings!.clientId,
        settings!.clientSecret,
        undefined,
        oidcTestOptions.allowInsecureRequests ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        discovered = undefined;
        throw err;
      });
    return discovered;
  }

  async function problem(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    key: string,
  ): Promise<FastifyReply> {
    const t = translator(request.locale);
    const ctx = await request.pageContext();
    return reply.page(
      h(MessagePage, {
        ctx,
        title: t('auth.oidc.failTitle'),
        text: t(key, { name: settings!.name }),
        tone: 'danger',
        children: h(
          'p',
          { class: 'kern-body' },
          h('a', { class: 'kern-link', href: ctx.href('/login') }, t('auth.tryAgain')),
        ),
      }),
      status,
    );
  }

  app.get('/auth/oidc/start', { schema: { hide: true } }, async (request, reply) => {
    let oidc: client.Configuration;
    try {
      oidc = await configuration();
    } catch (err) {
      request.log.warn({ code: (err as { code?: string }).code }, 'OIDC discovery failed');
      return problem(request, reply, 503, 'auth.oidc.unavailable');
    }
    const verifier = client.randomPKCECodeVerifier();
    const attempt: Attempt = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier,
      next: safeNext((request.query as Record<string, unknown>).next),
      locale: request.locale,
      exp: Date.now() + ATTEMPT_SECONDS * 1000,
    };
    const url = client.buildAuthorizationUrl(oidc, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
      ui_locales: request.locale,
    });
    // SameSite=Lax: the provider sends the browser back with a top-level GET, which carries it.
    reply.setCookie(OIDC_COOKIE, sealAttempt(config.secret, attempt), {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: ATTEMPT_SECONDS,
    });
    return reply.redirect(url.href, 303);
  });

  app.get('/auth/oidc/callback', { schema: { hide: true } }, async (request, reply) => {
    const attempt = unsealAttempt(config.secret, request.cookies[OIDC_COOKIE]);
    reply.clearCookie(OIDC_COOKIE, { path: COOKIE_PATH });
    if (!attempt) return problem(request, reply, 400, 'auth.oidc.expired');
    request.locale = attempt.locale;

    let claims: Record<string, unknown>;
    try {
      const oidc = await configuration();
      const current = new URL(redirectUri);
      current.search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const tokens = await client.authorizationCodeGrant(oidc, current, {
        pkceCodeVerifier: attempt.verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new Error('no ID token');
      claims = { ...idToken };
      // Many providers put e-mail and name only into the userinfo answer.
      if (typeof claims.email !== 'string') {
        const info = await client.fetchUserInfo(oidc, tokens.access_token, idToken.sub);
        claims = { ...info, ...idToken, email: info.email, email_verified: info.email_verified };
      }
    } catch (err) {
      // The error code says what went wrong; messages may quote tokens or claims, so they stay out.
      const e = err as { code?: string; error?: string; name?: string };
      request.log.warn({ code: e.code, error: e.error, name: e.name }, 'OIDC login failed');
      return problem(request, reply, 400, 'auth.oidc.failed');
    }

    const issuer = String(claims.iss);
    const subject = String(claims.sub);
    const email = typeof claims.email === 'string' ? claims.email.trim() : '';
    const emailVerified = claims.email_verified === true;

    let user: UserRow | undefined = await findUserByOidc(db, issuer, subject);
    if (!user) {
      if (!email) return problem(request, reply, 400, 'auth.oidc.noEmail');
      const existing = await findUserByEmail(db, email);
      if (existing) {
        // Only an address the provider verified may join an existing account, and only a free one.
        if (existing.oidc_subject || !emailVerified)
          return problem(request, reply, 409, 'auth.oidc.emailTaken');
        await linkOidc(db, existing.id, { issuer, subject, emailVerified });
        user = existing;
      } else {
        user = await db.transaction(async (tx) => {
          const created = await createUser(tx, {
            email,
            displayName: nameFrom(claims, email),
            confirmed: emailVerified,
            locale: attempt.locale,
          });
          await linkOidc(tx, created.id, { issuer, subject, emailVerified });
          return created;
        });
      }
    }
    if (user.disabled_at) return problem(request, reply, 403, 'auth.oidc.disabled');
    await startSession(request, reply, user.id);
    return reply.redirect(targetAfterLogin(attempt.locale, attempt.next), 303);
  });
}
