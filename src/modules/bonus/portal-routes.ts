/**
 * HTTP for the partner portal (/partner), member codes, the citizen's data export, public
 * statistics, and the staff pages for settlement and clearing, anomalies and campaigns.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import Type from 'typebox';
import { requireStaff } from '../../platform/admin/guard.ts';
import { citiesWithRole, findUserByEmail, hasRole } from '../../platform/auth/service.ts';
import { rows, sql } from '../../platform/db/index.ts';
import { forbidden, HttpError, notFound } from '../../platform/http/errors.ts';
import { cityBoundaryGeoJson, findCity } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { formString } from '../../platform/web/forms.tsx';
import { clearingCsv, closePeriod, isMonth, listPeriods, periodFigures, settlementCsv } from './clearing.ts';
import {
  AnomaliesPage,
  CampaignsPage,
  type CampaignValues,
  PartnersPage,
  PeriodPage,
  PeriodsPage,
} from './clearing-admin.tsx';
import { Problem, requireUser, STATUS, scanLimit } from './http.ts';
import { anomalies, publicStats, walletExport, walletExportCsv } from './insights.ts';
import {
  addPartnerMember,
  confirmAction,
  formatMemberCode,
  listPartners,
  memberCode,
  partnerActions,
  partnerActivity,
  renewMemberCode,
} from './partner.ts';
import {
  ConfirmPage,
  type ConfirmValues,
  MemberCodePage,
  PartnerHomePage,
  StatsPage,
} from './portal-pages.tsx';
import { qrSvg } from './qr.ts';
import { partnersOf } from './queries.ts';
import { approvePartner, BonusError, createMultiplier, TZ } from './service.ts';

export async function bonusPortalRoutes(app: FastifyInstance) {
  const db = app.database.db;

  async function cityOr404(slug: string | undefined) {
    if (!slug) return undefined;
    const city = findCity((await app.tenancy()).cities, slug);
    if (!city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    return city;
  }

  // ---- citizen: member code and own data ----

  async function memberPage(request: FastifyRequest, citySlug: string | undefined, renewed = false) {
    const user = requireUser(request);
    const city = await cityOr404(citySlug);
    const code = renewed ? await renewMemberCode(db, user.id) : await memberCode(db, user.id);
    const ctx = await request.pageContext(city);
    return h(MemberCodePage, { ctx, code: formatMemberCode(code), qr: await qrSvg(code), renewed });
  }
  app.get('/bonus/mitgliedscode', { schema: { hide: true } }, async (request, reply) =>
    reply.header('cache-control', 'no-store').page(await memberPage(request, undefined)),
  );
  app.get<{ Params: { city: string } }>(
    '/:city/bonus/mitgliedscode',
    { schema: { hide: true } },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').page(await memberPage(request, request.params.city)),
  );
  app.post('/bonus/mitgliedscode', { schema: { hide: true } }, async (request, reply) =>
    reply.header('cache-control', 'no-store').page(await memberPage(request, undefined, true)),
  );
  app.post<{ Params: { city: string } }>(
    '/:city/bonus/mitgliedscode',
    { schema: { hide: true } },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').page(await memberPage(request, request.params.city, true)),
  );

  app.get('/bonus/export.json', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="stadttaler-daten.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(await walletExport(db, user.id), null, 2));
  });
  app.get('/bonus/export.csv', { schema: { hide: true } }, async (request, reply) => {
    const user = requireUser(request);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="stadttaler-buchungen.csv"')
      .type('text/csv; charset=utf-8')
      .send(walletExportCsv(await walletExport(db, user.id)));
  });

  // ---- public statistics ----

  async function statsPage(request: FastifyRequest, citySlug?: string) {
    const city = await cityOr404(citySlug);
    const cities = (await app.tenancy()).cities.filter((c) => !city || c.id === city.id);
    const [stats, boundaries] = await Promise.all([
      publicStats(db, city?.id),
      Promise.all(cities.map((c) => cityBoundaryGeoJson(db, c.id))),
    ]);
    return h(StatsPage, { ctx: await request.pageContext(city), stats, boundaries });
  }
  app.get('/bonus/statistik', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await statsPage(request)),
  );
  app.get<{ Params: { city: string } }>(
    '/:city/bonus/statistik',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await statsPage(request, request.params.city)),
  );

  // ---- partner portal ----

  // The scan island needs the camera on the partner forms only; everywhere else it stays off.
  app.addHook('onSend', async (request, reply) => {
    const route = request.routeOptions.url ?? '';
    if (route === '/partner/einloesen' || route === '/partner/bestaetigen')
      reply.header('permissions-policy', 'geolocation=(self), camera=(self), microphone=(), payment=()');
  });

  async function requirePartner(request: FastifyRequest) {
    const user = requireUser(request);
    const partners = await partnersOf(db, user.id);
    if (partners.length === 0) throw forbidden('Diese Seite ist für Partner des Bonusprogramms.');
    return { user, partners };
  }

  app.get('/partner', { schema: { hide: true } }, async (request, reply) => {
    const { partners } = await requirePartner(request);
    const now = new Date();
    const month = new Intl.DateTimeFormat('en-CA', {
      timeZone: TZ,
      year: 'numeric',
      month: '2-digit',
    }).format(now);
    const figures = await periodFigures(db, month, now);
    const ids = new Set(partners.map((p) => p.id));
    const mine = figures.settlements.filter((s) => ids.has(s.partnerId));
    const activity = (await Promise.all(partners.map((p) => partnerActivity(db, p.id))))
      .flat()
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, 20);
    const confirmable = (await Promise.all(partners.map((p) => partnerActions(db, p.cityId, now)))).some(
      (a) => a.length > 0,
    );
    return reply.page(
      h(PartnerHomePage, {
        ctx: await request.pageContext(),
        partners,
        activity,
        confirmable,
        month: {
          redemptions: mine.reduce((s, l) => s + l.redemptions, 0),
          points: mine.reduce((s, l) => s + l.points, 0),
          cents: mine.reduce((s, l) => s + l.cents, 0),
        },
      }),
    );
  });

  async function confirmActions(partners: { id: number; cityId: number }[], partnerId: number) {
    const p = partners.find((x) => x.id === partnerId) ?? partners[0]!;
    return (await partnerActions(db, p.cityId)).map((a) => ({ id: a.id, name: a.name, points: a.points }));
  }

  app.get('/partner/bestaetigen', { schema: { hide: true } }, async (request, reply) => {
    const { partners } = await requirePartner(request);
    const actions = await confirmActions(partners, partners[0]!.id);
    const values: ConfirmValues = {
      partner: String(partners[0]!.id),
      action: actions[0] ? String(actions[0].id) : '',
      code: '',
    };
    return reply.page(
      h(ConfirmPage, {
        ctx: await request.pageContext(),
        partners,
        actions,
        values,
        requestKey: randomBytes(12).toString('base64url'),
      }),
    );
  });

  app.post(
    '/partner/bestaetigen',
    { schema: { hide: true }, config: scanLimit(60) },
    async (request, reply) => {
      const { user, partners } = await requirePartner(request);
      const values: ConfirmValues = {
        partner: formString(request.body, 'partner'),
        action: formString(request.body, 'action'),
        code: formString(request.body, 'code').slice(0, 40),
      };
      const given = formString(request.body, 'requestKey');
      const requestKey = /^[A-Za-z0-9_-]{8,40}$/.test(given) ? given : randomBytes(12).toString('base64url');
      const partnerId = Number(values.partner);
      const actions = await confirmActions(partners, partnerId);
      const ctx = await request.pageContext();
      const errors: Record<string, string> = {};
      if (!partners.some((p) => p.id === partnerId)) errors.partner = 'Bitte wählen Sie Ihren Partner.';
      if (!actions.some((a) => String(a.id) === values.action))
        errors.action = 'Bitte wählen Sie eine Aktion.';
      if (!values.code) errors.code = 'Bitte geben Sie den Mitgliedscode der Person ein.';
      if (Object.keys(errors).length === 0) {
        try {
          const r = await confirmAction(db, {
            actorId: user.id,
            partnerId,
            actionId: Number(values.action),
            memberCode: values.code,
            requestKey,
          });
          // A fresh form (new key) for the next person.
          return reply.page(
            h(ConfirmPage, {
              ctx,
              partners,
              actions,
              values: { ...values, code: '' },
              requestKey: randomBytes(12).toString('base64url'),
              done: r.status === 'duplicate' ? 'duplicate' : { action: r.actionName, points: r.points },
            }),
          );
        } catch (err) {
          if (!(err instanceof BonusError)) throw err;
          const field =
            err.code === 'wrong_partner' ? 'partner' : err.code === 'inactive' ? 'action' : 'code';
          errors[field] = err.message;
          return reply.page(
            h(ConfirmPage, { ctx, partners, actions, values, requestKey, errors }),
            STATUS[err.code] === 404 ? 422 : STATUS[err.code],
          );
        }
      }
      return reply.page(h(ConfirmPage, { ctx, partners, actions, values, requestKey, errors }), 422);
    },
  );

  // ---- staff: settlement and clearing ----

  /** City admins see their cities' partners; the matrix is shared by all cities. */
  function scopeFigures<T extends { settlements: { cityId: number }[] }>(user: CurrentUser, f: T): T {
    const cities = citiesWithRole(user, 'admin');
    if (cities === 'all') return f;
    return { ...f, settlements: f.settlements.filter((s) => cities.includes(s.cityId)) };
  }

  app.get('/admin/bonus/abrechnung', { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request, 'admin', 'any');
    return reply.page(h(PeriodsPage, { ctx: await request.pageContext(), periods: await listPeriods(db) }));
  });

  function monthParam(month: string) {
    if (!isMonth(month)) throw notFound('Diesen Monat gibt es nicht. Format: 2026-03.');
    return month;
  }

  app.get<{ Params: { month: string } }>(
    '/admin/bonus/abrechnung/:month',
    { schema: { hide: true } },
    async (request, reply) => {
      const user = requireStaff(request, 'admin', 'any');
      const figures = scopeFigures(user, await periodFigures(db, monthParam(request.params.month)));
      return reply.page(
        h(PeriodPage, { ctx: await request.pageContext(), figures, canClose: hasRole(user, 'admin', null) }),
      );
    },
  );

  for (const [file, csv] of [
    ['partner.csv', settlementCsv],
    ['clearing.csv', clearingCsv],
  ] as const)
    app.get<{ Params: { month: string } }>(
      `/admin/bonus/abrechnung/:month/${file}`,
      { schema: { hide: true } },
      async (request, reply) => {
        const user = requireStaff(request, 'admin', 'any');
        const month = monthParam(request.params.month);
        const figures = scopeFigures(user, await periodFigures(db, month));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="stadttaler-${month}-${file}"`)
          .header('cache-control', 'private, no-store')
          .send(csv(figures));
      },
    );

  app.post<{ Params: { month: string } }>(
    '/admin/bonus/abrechnung/:month/abschliessen',
    { schema: { hide: true } },
    async (request, reply) => {
      // Closing binds every city: region administrators only.
      const user = requireStaff(request, 'admin', null);
      const month = monthParam(request.params.month);
      const ctx = await request.pageContext();
      if (formString(request.body, 'confirm') !== 'yes') {
        const figures = await periodFigures(db, month);
        return reply.page(
          h(PeriodPage, {
            ctx,
            figures,
            canClose: true,
            errors: { confirm: ctx.t('bonus.clearing.confirmError') },
          }),
          422,
        );
      }
      try {
        await closePeriod(db, { month, actorId: user.id });
      } catch (err) {
        if (!(err instanceof BonusError)) throw err;
        const figures = await periodFigures(db, month);
        return reply.page(
          h(PeriodPage, { ctx, figures, canClose: true, errors: { confirm: err.message } }),
          STATUS[err.code],
        );
      }
      return reply.redirect(ctx.href(`/admin/bonus/abrechnung/${month}`), 303);
    },
  );

  // ---- staff: partners and the people who act for them ----

  async function partnerForAdmin(request: FastifyRequest, id: string) {
    if (!/^\d{1,9}$/.test(id)) throw notFound('Diesen Partner gibt es nicht.');
    const [p] = await listPartners(db, 'all').then((all) => all.filter((x) => x.id === Number(id)));
    if (!p) throw notFound('Diesen Partner gibt es nicht.');
    const user = requireStaff(request, 'admin', p.cityId);
    return { user, partner: p };
  }

  async function partnersPage(
    request: FastifyRequest,
    extra: Partial<Parameters<typeof PartnersPage>[0]> = {},
  ) {
    const user = requireStaff(request, 'admin', 'any');
    const partners = await listPartners(db, citiesWithRole(user, 'admin'));
    return h(PartnersPage, { ctx: await request.pageContext(), partners, ...extra });
  }

  app.get('/admin/bonus/partner', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await partnersPage(request)),
  );

  app.post<{ Params: { id: string } }>(
    '/admin/bonus/partner/:id/freigeben',
    { schema: { hide: true } },
    async (request, reply) => {
      const { user, partner } = await partnerForAdmin(request, request.params.id);
      await approvePartner(db, partner.id, user.id);
      const ctx = await request.pageContext();
      return reply.page(
        await partnersPage(request, { notice: ctx.t('bonus.partners.approved', { name: partner.name }) }),
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/bonus/partner/:id/mitglieder',
    { schema: { hide: true } },
    async (request, reply) => {
      const { user, partner } = await partnerForAdmin(request, request.params.id);
      const field = `email-${partner.id}`;
      const value = formString(request.body, field).slice(0, 254);
      const person = value ? await findUserByEmail(db, value) : undefined;
      if (!person)
        return reply.page(
          await partnersPage(request, {
            errors: {
              [field]:
                'Zu dieser E-Mail-Adresse gibt es kein Konto. Die Person muss sich zuerst registrieren.',
            },
            email: { partnerId: partner.id, value },
          }),
          422,
        );
      const added = await addPartnerMember(db, {
        partnerId: partner.id,
        userId: person.id,
        actorId: user.id,
      });
      const ctx = await request.pageContext();
      return reply.page(
        await partnersPage(request, {
          notice: ctx.t(added ? 'bonus.partners.added' : 'bonus.partners.known', { name: partner.name }),
        }),
      );
    },
  );

  // ---- staff: anomalies ----

  app.get('/admin/bonus/auffaelligkeiten', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const cities = (await app.tenancy()).cities;
    const flags = await anomalies(db, citiesWithRole(user, 'admin'));
    const cityName = (id: number | null) => cities.find((c) => c.id === id)?.shortName ?? '—';
    return reply.page(h(AnomaliesPage, { ctx: await request.pageContext(), flags, cityName }));
  });

  // ---- staff: campaigns ----

  async function campaignData(user: CurrentUser) {
    const allowed = citiesWithRole(user, 'admin');
    const cities = (await app.tenancy()).cities.filter((c) => allowed === 'all' || allowed.includes(c.id));
    const ids = cities.map((c) => c.id);
    const actions = await rows<{ id: number; name: string; city_id: number | null; city: string | null }>(
      db,
      sql`SELECT a.id, a.name, a.city_id, c.short_name AS city FROM bonus_actions a LEFT JOIN cities c ON c.id = a.city_id
          WHERE a.active AND (a.city_id IS NULL OR a.city_id = ANY(${sql.param(ids)}::int[])) ORDER BY c.sort NULLS FIRST, a.name`,
    );
    const list = await rows<{
      id: number;
      label: string;
      percent: number;
      starts_at: Date;
      ends_at: Date;
      action: string | null;
      city: string | null;
    }>(
      db,
      sql`SELECT m.id, m.label, m.percent, m.starts_at, m.ends_at, a.name AS action, c.short_name AS city
          FROM bonus_multipliers m LEFT JOIN bonus_actions a ON a.id = m.action_id LEFT JOIN cities c ON c.id = m.city_id
          WHERE m.ends_at > now() - interval '90 days'
            AND (m.city_id = ANY(${sql.param(ids)}::int[]) OR (m.city_id IS NULL AND ${allowed === 'all'}))
          ORDER BY m.starts_at DESC LIMIT 100`,
    );
    return {
      cities: cities.map((c) => ({ id: c.id, slug: c.slug, name: c.shortName })),
      actions: actions.map((a) => ({
        id: a.id,
        name: a.city ? `${a.name} (${a.city})` : a.name,
        cityId: a.city_id,
      })),
      campaigns: list.map((m) => ({
        id: m.id,
        label: m.label,
        percent: m.percent,
        startsAt: new Date(m.starts_at),
        endsAt: new Date(m.ends_at),
        scope: [m.action, m.city].filter(Boolean).join(', '),
      })),
    };
  }

  app.get('/admin/bonus/kampagnen', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const data = await campaignData(user);
    const values: CampaignValues = {
      label: '',
      city: data.cities[0]?.slug ?? '',
      action: '',
      percent: '200',
      starts: '',
      ends: '',
    };
    return reply.page(h(CampaignsPage, { ctx: await request.pageContext(), ...data, values }));
  });

  app.post('/admin/bonus/kampagnen', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const data = await campaignData(user);
    const values: CampaignValues = {
      label: formString(request.body, 'label').slice(0, 120),
      city: formString(request.body, 'city'),
      action: formString(request.body, 'action'),
      percent: formString(request.body, 'percent'),
      starts: formString(request.body, 'starts'),
      ends: formString(request.body, 'ends'),
    };
    const errors: Record<string, string> = {};
    if (!values.label) errors.label = 'Bitte geben Sie dem Aktionszeitraum einen Namen.';
    const city = data.cities.find((c) => c.slug === values.city);
    if (!city) errors.city = 'Bitte wählen Sie eine Stadt, für die Sie zuständig sind.';
    const action = values.action ? data.actions.find((a) => String(a.id) === values.action) : undefined;
    if (values.action && (!action || (action.cityId !== null && action.cityId !== city?.id)))
      errors.action = 'Bitte wählen Sie eine Aktion dieser Stadt oder der ganzen Region.';
    const percent = /^\d{2,4}$/.test(values.percent) ? Number(values.percent) : Number.NaN;
    if (!(percent >= 10 && percent <= 1000))
      errors.percent = 'Bitte geben Sie eine Zahl von 10 bis 1000 ein.';
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if (!day.test(values.starts))
      errors.starts = 'Bitte geben Sie den ersten Tag an, zum Beispiel 2026-05-01.';
    if (!day.test(values.ends)) errors.ends = 'Bitte geben Sie den letzten Tag an, zum Beispiel 2026-05-31.';
    const ctx = await request.pageContext();
    if (Object.keys(errors).length === 0) {
      const [b] = await rows<{ s: Date; e: Date }>(
        db,
        sql`SELECT (${values.starts}::date::timestamp AT TIME ZONE ${TZ}) AS s,
                   ((${values.ends}::date + 1)::timestamp AT TIME ZONE ${TZ}) AS e`,
      );
      try {
        await createMultiplier(
          db,
          {
            label: values.label,
            cityId: city!.id,
            actionId: action?.id ?? null,
            percent,
            startsAt: new Date(b!.s),
            endsAt: new Date(b!.e),
          },
          user.id,
        );
        const fresh = await campaignData(user);
        return reply.page(
          h(CampaignsPage, {
            ctx,
            ...fresh,
            values: { ...values, label: '', starts: '', ends: '' },
            created: true,
          }),
        );
      } catch (err) {
        if (!(err instanceof BonusError)) throw err;
        errors.ends = err.message;
      }
    }
    return reply.page(h(CampaignsPage, { ctx, ...data, values, errors }), 422);
  });

  // ---- JSON API ----

  const StatsSchema = Type.Object({
    pointsIssued: Type.Integer(),
    pointsIssued30d: Type.Integer(),
    pointsRedeemed: Type.Integer(),
    pointsRedeemed30d: Type.Integer(),
    activeParticipants30d: Type.Union([Type.Integer(), Type.Null()], {
      description: 'null: weniger als 5 Personen (zum Schutz Einzelner nicht ausgewiesen)',
    }),
    co2Kg: Type.Integer({ description: 'Geschätzt, aus Richtwerten je Aktion' }),
    partners: Type.Array(
      Type.Object({
        name: Type.String(),
        category: Type.String(),
        address: Type.String(),
        cityName: Type.String(),
        lat: Type.Union([Type.Number(), Type.Null()]),
        lon: Type.Union([Type.Number(), Type.Null()]),
      }),
    ),
  });

  app.get<{ Querystring: { city?: string } }>(
    '/api/v1/bonus/statistics',
    {
      schema: {
        tags: ['Stadttaler'],
        summary: 'Öffentliche Statistik: Punkte vergeben und eingelöst, Teilnehmende, CO₂, Partner',
        querystring: Type.Object({ city: Type.Optional(Type.String({ maxLength: 60 })) }),
        response: { 200: StatsSchema, 404: Problem },
      },
    },
    async (request) => {
      const city = await cityOr404(request.query.city);
      return publicStats(db, city?.id);
    },
  );

  app.get(
    '/api/v1/bonus/member-code',
    {
      schema: {
        tags: ['Stadttaler'],
        summary: 'Eigener Mitgliedscode (für Bestätigungen durch Partner)',
        security: [{ session: [] }],
        response: {
          200: Type.Object({ code: Type.String(), displayCode: Type.String() }),
          401: Problem,
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const code = await memberCode(db, user.id);
      reply.header('cache-control', 'no-store');
      return { code, displayCode: formatMemberCode(code) };
    },
  );

  app.post<{
    Body: { partnerId: number; actionId: number; memberCode: string };
    Headers: { 'idempotency-key'?: string };
  }>(
    '/api/v1/bonus/confirmations',
    {
      config: scanLimit(60),
      schema: {
        tags: ['Stadttaler'],
        summary: 'Partner: Aktion für eine Person bestätigen (Mitgliedscode); Punkte werden gutgeschrieben',
        description:
          'Der Header Idempotency-Key ist Pflicht: Eine Wiederholung mit demselben Schlüssel schreibt nichts doppelt gut (status duplicate).',
        security: [{ session: [], csrf: [] }],
        headers: Type.Object({
          'idempotency-key': Type.String({ minLength: 8, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' }),
        }),
        body: Type.Object(
          {
            partnerId: Type.Integer({ minimum: 1 }),
            actionId: Type.Integer({ minimum: 1 }),
            memberCode: Type.String({ minLength: 1, maxLength: 20 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('awarded'), Type.Literal('duplicate')]),
            points: Type.Integer(),
            action: Type.String(),
          }),
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
          422: Problem,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      try {
        const r = await confirmAction(db, {
          actorId: user.id,
          partnerId: request.body.partnerId,
          actionId: request.body.actionId,
          memberCode: request.body.memberCode,
          requestKey: request.headers['idempotency-key']!,
        });
        return { status: r.status, points: r.points, action: r.actionName };
      } catch (err) {
        if (err instanceof BonusError) throw new HttpError(STATUS[err.code], err.message, { type: err.code });
        throw err;
      }
    },
  );
}
