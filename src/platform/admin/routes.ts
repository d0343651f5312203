import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { audit, listAudit } from '../audit/service.ts';
import {
  citiesWithRole,
  countRegionAdmins,
  findUserById,
  grantRole,
  hasRole,
  listUsers,
  ROLES,
  type Role,
  revokeRole,
  rolesOf,
} from '../auth/service.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { listOutbox } from '../mail/service.ts';
import type { CurrentUser, PageContext } from '../web/context.ts';
import { type FieldErrors, formString } from '../web/forms.tsx';
import { localePath, translator } from '../web/i18n.ts';
import { requireAnyStaff, requireStaff } from './guard.ts';
import { adminSectionsFor } from './layout.tsx';
import { AuditPage, DashboardPage, type GrantValues, OutboxPage, UserPage, UsersPage } from './pages.tsx';

const USERS_PER_PAGE = 50;
const AUDIT_PER_PAGE = 50;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const pageOf = (v: unknown) => {
  const n = Number.parseInt(String(v ?? '1'), 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 10_000) : 1;
};

/** Whether actor may grant or revoke roles for cityId (null: the whole region). */
export function mayAdminister(actor: CurrentUser, cityId: number | null): boolean {
  return hasRole(actor, 'admin', cityId);
}

export async function adminRoutes(app: FastifyInstance) {
  const db = app.database.db;

  app.get('/admin', { schema: { hide: true } }, async (request, reply) =>
    reply.redirect(localePath(request.locale, '/admin/'), 301),
  );

  app.get('/admin/', { schema: { hide: true } }, async (request, reply) => {
    const user = requireAnyStaff(request);
    const ctx = await request.pageContext();
    return reply.page(h(DashboardPage, { ctx, sections: adminSectionsFor(user) }));
  });

  // ---- users and roles ----

  app.get('/admin/users', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const query = request.query as Record<string, unknown>;
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 254) : '';
    const page = pageOf(query.seite);
    const scope = citiesWithRole(user, 'admin');
    const [ctx, result] = await Promise.all([
      request.pageContext(),
      listUsers(db, { scope, q, limit: USERS_PER_PAGE, offset: (page - 1) * USERS_PER_PAGE }),
    ]);
    return reply.page(
      h(UsersPage, {
        ctx,
        users: result.users,
        total: result.total,
        page,
        pages: Math.max(1, Math.ceil(result.total / USERS_PER_PAGE)),
        q,
        scopeAll: scope === 'all',
      }),
    );
  });

  /** Where this admin may grant roles: the region (region admins) and the cities they administer. */
  function grantOptions(ctx: PageContext, actor: CurrentUser) {
    const options: { value: string; label: string }[] = [];
    if (mayAdminister(actor, null)) options.push({ value: 'region', label: ctx.t('auth.account.region') });
    for (const c of ctx.cities)
      if (mayAdminister(actor, c.id)) options.push({ value: c.slug, label: c.name });
    return options;
  }

  async function userPage(
    request: FastifyRequest,
    actor: CurrentUser,
    id: string,
    extra: { values?: GrantValues; errors?: FieldErrors; notice?: 'granted' | 'revoked' } = {},
  ) {
    const target = UUID_RE.test(id) ? await findUserById(db, id) : undefined;
    if (!target) throw notFound('Dieses Konto gibt es nicht (mehr).');
    const [ctx, roles] = await Promise.all([request.pageContext(), rolesOf(db, target.id)]);
    const options = grantOptions(ctx, actor);
    return h(UserPage, {
      ctx,
      target,
      roles: roles.map((r) => ({ ...r, manageable: mayAdminister(actor, r.cityId) })),
      grantOptions: options,
      values: extra.values ?? { role: 'editor', city: options[0]?.value ?? '' },
      errors: extra.errors ?? {},
      notice: extra.notice,
    });
  }

  app.get('/admin/users/:id', { schema: { hide: true } }, async (request, reply) => {
    const actor = requireStaff(request, 'admin', 'any');
    const { id } = request.params as { id: string };
    const query = request.query as Record<string, unknown>;
    const notice = query.vergeben === '1' ? 'granted' : query.entzogen === '1' ? 'revoked' : undefined;
    return reply.page(await userPage(request, actor, id, { notice }));
  });

  /** Role and city from a grant/revoke form; undefined city: not a known choice. */
  async function roleChoice(body: unknown) {
    const role = formString(body, 'role');
    const city = formString(body, 'city');
    const { cities } = await app.tenancy();
    const cityId = city === 'region' ? null : cities.find((c) => c.slug === city)?.id;
    return {
      values: { role, city },
      role: (ROLES as readonly string[]).includes(role) ? (role as Role) : undefined,
      cityId,
    };
  }

  app.post('/admin/users/:id/roles', { schema: { hide: true } }, async (request, reply) => {
    const actor = requireStaff(request, 'admin', 'any');
    const { id } = request.params as { id: string };
    const t = translator(request.locale);
    const choice = await roleChoice(request.body);
    const errors: FieldErrors = {};
    if (!choice.role) errors.role = t('admin.user.err.role');
    if (choice.cityId === undefined) errors.city = t('admin.user.err.city');
    if (!choice.role || choice.cityId === undefined) {
      return reply.page(await userPage(request, actor, id, { values: choice.values, errors }), 422);
    }
    // A city admin appoints only in their own city; region roles only by region admins.
    if (!mayAdminister(actor, choice.cityId))
      throw forbidden('Sie dürfen Rollen nur für Ihre eigenen Städte vergeben.');
    const target = UUID_RE.test(id) ? await findUserById(db, id) : undefined;
    if (!target) throw notFound('Dieses Konto gibt es nicht (mehr).');
    const role = choice.role;
    const cityId = choice.cityId;
    await db.transaction(async (tx) => {
      await grantRole(tx, target.id, role, cityId);
      await audit(tx, {
        actorId: actor.id,
        cityId,
        action: 'role.grant',
        entityType: 'user',
        entityId: target.id,
        details: { role },
      });
    });
    return reply.redirect(`${localePath(request.locale, `/admin/users/${target.id}`)}?vergeben=1`, 303);
  });

  app.post('/admin/users/:id/roles/revoke', { schema: { hide: true } }, async (request, reply) => {
    const actor = requireStaff(request, 'admin', 'any');
    const { id } = request.params as { id: string };
    const t = translator(request.locale);
    const choice = await roleChoice(request.body);
    if (!choice.role || choice.cityId === undefined) {
      const errors: FieldErrors = choice.role
        ? { city: t('admin.user.err.city') }
        : { role: t('admin.user.err.role') };
      return reply.page(await userPage(request, actor, id, { errors }), 422);
    }
    if (!mayAdminister(actor, choice.cityId))
      throw forbidden('Sie dürfen Rollen nur für Ihre eigenen Städte entziehen.');
    const target = UUID_RE.test(id) ? await findUserById(db, id) : undefined;
    if (!target) throw notFound('Dieses Konto gibt es nicht (mehr).');
    const role = choice.role;
    const cityId = choice.cityId;
    const held = (await rolesOf(db, target.id)).some((r) => r.role === role && r.cityId === cityId);
    // Nobody may lock the region out of its own administration.
    if (held && role === 'admin' && cityId === null && (await countRegionAdmins(db)) <= 1) {
      return reply.page(
        await userPage(request, actor, id, { errors: { role: t('admin.user.err.lastAdmin') } }),
        409,
      );
    }
    if (held) {
      await db.transaction(async (tx) => {
        await revokeRole(tx, target.id, role, cityId);
        await audit(tx, {
          actorId: actor.id,
          cityId,
          action: 'role.revoke',
          entityType: 'user',
          entityId: target.id,
          details: { role },
        });
      });
    }
    return reply.redirect(`${localePath(request.locale, `/admin/users/${target.id}`)}?entzogen=1`, 303);
  });

  // ---- mail outbox: region admins only, since mails carry sign-in links for every account ----

  app.get('/admin/outbox', { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request, 'admin', null);
    const [ctx, mails] = await Promise.all([request.pageContext(), listOutbox(db, 100)]);
    return reply.page(h(OutboxPage, { ctx, mails }));
  });

  // ---- audit log: entries of the cities this admin administers ----

  app.get('/admin/audit', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const page = pageOf((request.query as Record<string, unknown>).seite);
    const [ctx, entries] = await Promise.all([
      request.pageContext(),
      listAudit(db, {
        cityIds: citiesWithRole(user, 'admin'),
        limit: AUDIT_PER_PAGE + 1,
        offset: (page - 1) * AUDIT_PER_PAGE,
      }),
    ]);
    return reply.page(
      h(AuditPage, {
        ctx,
        entries: entries.slice(0, AUDIT_PER_PAGE),
        page,
        hasMore: entries.length > AUDIT_PER_PAGE,
      }),
    );
  });
}
