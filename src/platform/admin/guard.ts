import type { FastifyRequest } from 'fastify';
import { citiesWithRole, hasRole, type Role } from '../auth/service.ts';
import { forbidden, HttpError } from '../http/errors.ts';
import type { CurrentUser } from '../web/context.ts';

/**
 * Guard for staff pages and staff APIs. Anonymous → 401 (the error handler turns that into a redirect
 * to /login?next=… for pages and problem+json for /api/); signed in without the role → 403.
 * cityId: a city id (role there or region-wide), null (region-wide role), 'any' (role in some city).
 */
export function requireStaff(
  request: FastifyRequest,
  role: Role,
  cityId: number | null | 'any',
): CurrentUser {
  const user = request.user;
  if (!user) throw new HttpError(401, 'Bitte melden Sie sich an.');
  const allowed =
    cityId === 'any'
      ? (() => {
          const cities = citiesWithRole(user, role);
          return cities === 'all' || cities.length > 0;
        })()
      : hasRole(user, role, cityId);
  if (!allowed) throw forbidden();
  return user;
}

/** Any staff role at all (the admin dashboard): 401 when anonymous, 403 for citizens. */
export function requireAnyStaff(request: FastifyRequest): CurrentUser {
  const user = request.user;
  if (!user) throw new HttpError(401, 'Bitte melden Sie sich an.');
  if (user.roles.size === 0) throw forbidden();
  return user;
}
