/** HTTP helpers shared by the bonus routes: refusal status codes, sign-in guard, scan rate limit. */
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { HttpError } from '../../platform/http/errors.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { BonusError, type BonusErrorCode } from './service.ts';

/** HTTP status for each kind of refusal. */
export const STATUS: Record<BonusErrorCode, number> = {
  insufficient: 409,
  not_found: 404,
  limit: 409,
  inactive: 409,
  duplicate: 409,
  invalid_token: 422,
  expired_token: 410,
  voucher_used: 409,
  voucher_expired: 410,
  own_voucher: 403,
  wrong_partner: 403,
  quota: 409,
  invalid: 422,
};

export const asHttp = (err: unknown): unknown =>
  err instanceof BonusError ? new HttpError(STATUS[err.code], err.message, { type: err.code }) : err;

export function requireUser(request: FastifyRequest): CurrentUser {
  if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an.');
  return request.user;
}

export const Problem = Type.Object({
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/**
 * Scans and redemptions are limited per person (per client when anonymous), also for GET check-in
 * links, which the platform's global write limit does not count.
 */
export const scanLimit = (max: number) => ({
  rateLimit: {
    max,
    timeWindow: 60_000,
    allowList: () => false,
    keyGenerator: (request: FastifyRequest) => `bonus:${request.user?.id ?? request.ip}`,
  },
});
