import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';

export const CSRF_COOKIE = 'sp_csrf';
export const SESSION_COOKIE = 'sp_session';

function sign(secret: string, binding: string): string {
  return createHmac('sha256', secret).update(`csrf:${binding}`).digest('base64url');
}

/**
 * The token is bound to the session, or before login to a random CSRF cookie, so a token taken from
 * one browser is worthless in another (signed double submit).
 */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply, secret: string): string {
  const binding = request.sessionTokenHash ?? request.cookies[CSRF_COOKIE] ?? request.newCsrfBinding;
  if (binding) return sign(secret, binding);
  const fresh = randomBytes(18).toString('base64url');
  request.newCsrfBinding = fresh;
  reply.setCookie(CSRF_COOKIE, fresh, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.server.config.secureCookies,
  });
  return sign(secret, fresh);
}

function isForm(request: FastifyRequest): boolean {
  const type = request.headers['content-type'] ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

/**
 * Forms must carry a valid _csrf field (or header). JSON requests that ride on a session cookie must
 * send the token as x-csrf-token; requests without our cookies cannot be forged across sites.
 */
export function verifyCsrf(request: FastifyRequest, secret: string): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
  if (request.routeOptions.config?.csrf === false) return;
  const form = isForm(request);
  const hasSession = Boolean(request.sessionTokenHash);
  if (!form && !hasSession) return;
  const binding = request.sessionTokenHash ?? request.cookies[CSRF_COOKIE];
  const body = request.body as Record<string, unknown> | undefined;
  const given =
    (typeof request.headers['x-csrf-token'] === 'string' ? request.headers['x-csrf-token'] : undefined) ??
    (typeof body?._csrf === 'string' ? body._csrf : undefined) ??
    (typeof (request.query as Record<string, unknown>)?._csrf === 'string'
      ? ((request.query as Record<string, unknown>)._csrf as string)
      : undefined);
  if (!binding || !given) throw new HttpError(403, 'CSRF-Token fehlt', { type: 'csrf' });
  const expected = Buffer.from(sign(secret, binding));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new HttpError(403, 'CSRF-Token ungültig', { type: 'csrf' });
  }
}
