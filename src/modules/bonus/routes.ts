import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import Type from 'typebox';
import { requireStaff } from '../../platform/admin/guard.ts';
import { citiesWithRole, findUserByEmail } from '../../platform/auth/service.ts';
import { rows, sql } from '../../platform/db/index.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import { findCity } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { formString } from '../../platform/web/forms.tsx';
import { localePath } from '../../platform/web/i18n.ts';
import { AdjustPage, type AdjustValues, AdminPlacesPage, StelePage } from './admin.tsx';
import { asHttp, Problem, requireUser, STATUS, scanLimit } from './http.ts';
import { BonusIntroPage, CheckinResultPage, RedeemPage, VoucherPage, WalletPage } from './pages.tsx';
import { formatMemberCode, memberCode, redeemAudited } from './partner.ts';
import { WalletExtras } from './portal-pages.tsx';
import { qrSvg } from './qr.ts';
import {
  activeActions,
  availableOffers,
  expiredVoucherIds,
  openVouchers,
  partnersOf,
  voucherOf,
  walletHistory,
} from './queries.ts';
import {
  adjustWallet,
  BonusError,
  checkIn,
  checkinToken,
  expiringPoints,
  formatCode,
  getScheme,
  issueVoucher,
  type Place,
  ROTATION_SECONDS,
  releaseVoucher,
  rotationWindow,
  walletBalance,
} from './service.ts';

const VoucherSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String({ description: 'Einmal-Code (zehn Zeichen)' }),
  displayCode: Type.String({ description: 'Code zum Vorlesen und Abtippen, z. B. ABCDE-23456' }),
  qrPayload: Type.String({ description: 'Inhalt für den QR-Code, den der Partner scannt' }),
  points: Type.Integer(),
  status: Type.Union([Type.Literal('issued'), Type.Literal('redeemed'), Type.Literal('released')]),
  expiresAt: Type.String({ format: 'date-time' }),
});

const security = [{ session: [], csrf: [] }];

export async function bonusRoutes(app: FastifyInstance) {
  const db = app.database.db;
  const { secret, baseUrl } = app.config;

  const redeemUrl = (code: string) => `${baseUrl}/partner/einloesen?code=${code}`;

  async function cityOr404(slug: string | undefined) {
    if (!slug) return undefined;
    const city = findCity((await app.tenancy()).cities, slug);
    if (!city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    return city;
  }

  /** Expired vouchers of this person go back to the wallet before anything is shown. */
  async function settleExpired(userId: string, now: Date) {
    for (const id of await expiredVoucherIds(db, userId, now)) await releaseVoucher(db, id, now);
  }

  async function walletProps(
    userId: string,
    cityId: number | undefined,
    ctx: Parameters<typeof WalletExtras>[0]['ctx'],
  ) {
    const now = new Date();
    await settleExpired(userId, now);
    const code = formatMemberCode(await memberCode(db, userId));
    const [scheme, balance, expiring, vouchers, offers, history, actions] = await Promise.all([
      getScheme(db),
      walletBalance(db, userId),
      expiringPoints(db, userId),
      openVouchers(db, userId, now),
      availableOffers(db, now, cityId),
      walletHistory(db, userId),
      activeActions(db, now, cityId),
    ]);
    return {
      scheme,
      balance,
      expiring,
      vouchers,
      offers,
      history,
      actions,
      extras: h(WalletExtras, { ctx, code }),
    };
  }

  // ---- pages ----

  async function walletPage(request: FastifyRequest, citySlug?: string) {
    const city = await cityOr404(citySlug);
    const ctx = await request.pageContext(city);
    if (!request.user) {
      const [scheme, actions] = await Promise.all([getScheme(db), activeActions(db, new Date(), city?.id)]);
      return h(BonusIntroPage, { ctx, scheme, actions });
    }
    return h(WalletPage, { ctx, ...(await walletProps(request.user.id, city?.id, ctx)) });
  }
  app.get('/bonus', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await walletPage(request)),
  );
  app.get<{ Params: { city: string } }>('/:city/bonus', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await walletPage(request, request.params.city)),
  );

  async function takeVoucher(request: FastifyRequest, citySlug: string | undefined) {
    const user = requireUser(request);
    const city = await cityOr404(citySlug);
    const offerId = Number.parseInt(formString(request.body, 'offerId'), 10);
    try {
      if (!Number.isSafeInteger(offerId)) throw new BonusError('not_found', 'Diese Prämie gibt es nicht.');
      const voucher = await issueVoucher(db, { userId: user.id, offerId });
      return { redirect: `${city ? `/${city.slug}` : ''}/bonus/gutscheine/${voucher.id}` };
    } catch (err) {
      if (!(err instanceof BonusError)) throw err;
      const ctx = await request.pageContext(city);
      return {
        status: STATUS[err.code] === 404 ? 422 : STATUS[err.code],
        page: h(WalletPage, {
          ctx,
          ...(await walletProps(user.id, city?.id, ctx)),
          errors: { praemien: err.message },
        }),
      };
    }
  }
  app.post('/bonus/gutscheine', { schema: { hide: true } }, async (request, reply) => {
    const r = await takeVoucher(request, undefined);
    return r.redirect
      ? reply.redirect(localePath(request.locale, r.redirect), 303)
      : reply.page(r.page!, r.status);
  });
  app.post<{ Params: { city: string } }>(
    '/:city/bonus/gutscheine',
    { schema: { hide: true } },
    async (request, reply) => {
      const r = await takeVoucher(request, request.params.city);
      return r.redirect
        ? reply.redirect(localePath(request.locale, r.redirect), 303)
        : reply.page(r.page!, r.status);
    },
  );

  async function voucherPage(request: FastifyRequest, citySlug: string | undefined, id: string) {
    const user = requireUser(request);
    const city = await cityOr404(citySlug);
    const n = Number.parseInt(id, 10);
    if (!/^\d{1,15}$/.test(id)) throw notFound('Diesen Gutschein gibt es nicht.');
    await settleExpired(user.id, new Date());
    const voucher = await voucherOf(db, user.id, n);
    if (!voucher) throw notFound('Diesen Gutschein gibt es nicht.');
    const qr = voucher.status === 'issued' ? await qrSvg(redeemUrl(voucher.code)) : undefined;
    return h(VoucherPage, { ctx: await request.pageContext(city), voucher, ...(qr ? { qr } : {}) });
  }
  app.get<{ Params: { id: string } }>(
    '/bonus/gutscheine/:id',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await voucherPage(request, undefined, request.params.id)),
  );
  app.get<{ Params: { city: string; id: string } }>(
    '/:city/bonus/gutscheine/:id',
    { schema: { hide: true } },
    async (request, reply) => reply.page(await voucherPage(request, request.params.city, request.params.id)),
  );

  // The QR code on site points here; anonymous visitors log in and come back (401 → login?next=).
  app.get<{ Params: { token: string } }>(
    '/bonus/c/:token',
    { schema: { hide: true }, config: scanLimit(30) },
    async (request, reply) => {
      const user = requireUser(request);
      // Never cache a check-in: a cached page would show points that were not booked.
      reply.header('cache-control', 'no-store');
      try {
        const r = await checkIn(db, { secret, token: request.params.token, userId: user.id });
        const city = (await app.tenancy()).cities.find((c) => c.id === r.cityId);
        const ctx = await request.pageContext(city);
        const balance = await walletBalance(db, user.id);
        return reply.page(
          h(CheckinResultPage, {
            ctx,
            result: { ok: true, points: r.points, action: r.actionName, place: r.placeName, balance },
          }),
        );
      } catch (err) {
        if (!(err instanceof BonusError)) throw err;
        const ctx = await request.pageContext();
        return reply.page(
          h(CheckinResultPage, { ctx, result: { ok: false, message: err.message } }),
          STATUS[err.code],
        );
      }
    },
  );

  // ---- partner: redeem by typed code ----

  async function requirePartner(request: FastifyRequest) {
    const user = requireUser(request);
    const partners = await partnersOf(db, user.id);
    if (partners.length === 0) throw forbidden('Diese Seite ist für Partner des Bonusprogramms.');
    return user;
  }
  app.get('/partner/einloesen', { schema: { hide: true } }, async (request, reply) => {
    await requirePartner(request);
    // The voucher QR code links here with the code filled in; the partner still confirms with the button.
    const q = (request.query as Record<string, unknown>).code;
    const code = typeof q === 'string' ? q.slice(0, 40) : '';
    return reply.page(h(RedeemPage, { ctx: await request.pageContext(), code }));
  });
  app.post(
    '/partner/einloesen',
    { schema: { hide: true }, config: scanLimit(60) },
    async (request, reply) => {
      const user = await requirePartner(request);
      const code = formString(request.body, 'code').slice(0, 40);
      const ctx = await request.pageContext();
      if (!code.trim())
        return reply.page(
          h(RedeemPage, { ctx, code, errors: { code: 'Bitte geben Sie den Gutschein-Code ein.' } }),
          422,
        );
      try {
        const r = await redeemAudited(db, { code, actorId: user.id });
        return reply.page(h(RedeemPage, { ctx, code: '', done: { offer: r.offerTitle, points: r.points } }));
      } catch (err) {
        if (!(err instanceof BonusError)) throw err;
        return reply.page(h(RedeemPage, { ctx, code, errors: { code: err.message } }), STATUS[err.code]);
      }
    },
  );

  // ---- staff: check-in places, printable URLs and the stele view ----

  const checkinUrl = (token: string) => `${baseUrl}/bonus/c/${token}`;

  app.get('/admin/bonus', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'editor', 'any');
    const cities = citiesWithRole(user, 'editor');
    const list = await rows<Place & { city_name: string; action_name: string; points: number }>(
      db,
      sql`SELECT p.*, c.short_name AS city_name, a.name AS action_name, a.points
          FROM bonus_places p JOIN cities c ON c.id = p.city_id JOIN bonus_actions a ON a.id = p.action_id
          WHERE p.active AND (${cities === 'all'} OR p.city_id = ANY(${sql.param(cities === 'all' ? [] : cities)}::int[]))
          ORDER BY c.sort, p.name`,
    );
    const places = list.map((p) => ({
      id: p.id,
      cityName: p.city_name,
      name: p.name,
      actionName: p.action_name,
      points: p.points,
      codeKind: p.code_kind,
      codeVersion: p.code_version,
      url: p.code_kind === 'static' ? checkinUrl(checkinToken(secret, p)) : undefined,
    }));
    return reply.page(h(AdminPlacesPage, { ctx: await request.pageContext(), places }));
  });

  app.get<{ Params: { id: string } }>(
    '/admin/bonus/orte/:id/stele',
    { schema: { hide: true } },
    async (request, reply) => {
      if (!/^\d{1,9}$/.test(request.params.id)) throw notFound('Diesen Ort gibt es nicht.');
      const [place] = await rows<Place>(
        db,
        sql`SELECT * FROM bonus_places WHERE id = ${Number(request.params.id)} AND code_kind = 'rotating' AND active`,
      );
      if (!place) throw notFound('Diesen Ort mit wechselndem Code gibt es nicht.');
      requireStaff(request, 'editor', place.city_id);
      const now = new Date();
      const seconds = (rotationWindow(now) + 1) * ROTATION_SECONDS - Math.floor(now.getTime() / 1000);
      // Without JavaScript: the Refresh header reloads the page when the next code starts.
      reply.header('refresh', String(seconds)).header('cache-control', 'no-store');
      const url = checkinUrl(checkinToken(secret, place, now));
      return reply.page(
        h(StelePage, {
          ctx: await request.pageContext(),
          place: place.name,
          url,
          seconds,
          qr: await qrSvg(url),
        }),
      );
    },
  );

  // A printable QR code of a static check-in place (SVG scales to any poster size).
  app.get<{ Params: { id: string } }>(
    '/admin/bonus/orte/:id/qr.svg',
    { schema: { hide: true } },
    async (request, reply) => {
      if (!/^\d{1,9}$/.test(request.params.id)) throw notFound('Diesen Ort gibt es nicht.');
      const [place] = await rows<Place>(
        db,
        sql`SELECT * FROM bonus_places WHERE id = ${Number(request.params.id)} AND code_kind = 'static' AND active`,
      );
      if (!place) throw notFound('Diesen Ort mit gedrucktem Code gibt es nicht.');
      requireStaff(request, 'editor', place.city_id);
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header(
          'content-disposition',
          `inline; filename="stadttaler-ort-${place.id}-v${place.code_version}.svg"`,
        )
        .header('cache-control', 'private, no-store')
        .send(await qrSvg(checkinUrl(checkinToken(secret, place))));
    },
  );

  // ---- staff: corrections (reason required, audited) ----

  async function adjustCities(user: CurrentUser) {
    const allowed = citiesWithRole(user, 'admin');
    return (await app.tenancy()).cities.filter((c) => allowed === 'all' || allowed.includes(c.id));
  }

  app.get('/admin/bonus/korrektur', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const cities = await adjustCities(user);
    const values: AdjustValues = { email: '', city: cities[0]?.slug ?? '', points: '', reason: '' };
    return reply.page(h(AdjustPage, { ctx: await request.pageContext(), cities, values }));
  });

  app.post('/admin/bonus/korrektur', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const cities = await adjustCities(user);
    const values: AdjustValues = {
      email: formString(request.body, 'email').slice(0, 254),
      city: formString(request.body, 'city'),
      points: formString(request.body, 'points').replace(/\s/g, ''),
      reason: formString(request.body, 'reason').slice(0, 500),
    };
    const errors: Record<string, string> = {};
    const person = values.email ? await findUserByEmail(db, values.email) : undefined;
    if (!person) errors.email = 'Zu dieser E-Mail-Adresse gibt es kein Konto.';
    const city = cities.find((c) => c.slug === values.city);
    if (!city) errors.city = 'Bitte wählen Sie eine Stadt, für die Sie zuständig sind.';
    const points = /^[+-]?\d{1,6}$/.test(values.points) ? Number(values.points) : Number.NaN;
    if (!Number.isSafeInteger(points) || points === 0)
      errors.points = 'Bitte geben Sie eine ganze Zahl ungleich 0 ein, zum Beispiel 50 oder -20.';
    if (values.reason.length < 5) errors.reason = 'Bitte geben Sie einen Grund an (mindestens 5 Zeichen).';
    const ctx = await request.pageContext();
    if (Object.keys(errors).length === 0) {
      try {
        const posted = await adjustWallet(db, {
          actorId: user.id,
          userId: person!.id,
          cityId: city!.id,
          points,
          reason: values.reason,
        });
        const balance = await walletBalance(db, person!.id);
        const fresh: AdjustValues = { email: '', city: city!.slug, points: '', reason: '' };
        return reply.page(
          h(AdjustPage, { ctx, cities, values: fresh, done: { id: posted.id, points, balance } }),
        );
      } catch (err) {
        if (!(err instanceof BonusError)) throw err;
        errors.points = err.message;
      }
    }
    return reply.page(h(AdjustPage, { ctx, cities, values, errors }), 422);
  });

  // ---- JSON API ----

  const voucherJson = (v: { id: number; code: string; points: number; status: string; expiresAt: Date }) => ({
    id: v.id,
    code: v.code,
    displayCode: formatCode(v.code),
    qrPayload: redeemUrl(v.code),
    points: v.points,
    status: v.status as 'issued',
    expiresAt: v.expiresAt.toISOString(),
  });

  app.get(
    '/api/v1/bonus/wallet',
    {
      schema: {
        tags: ['Stadttaler'],
        summary: 'Eigenes Punktekonto: Guthaben, verfallende Punkte, offene Gutscheine, Buchungen',
        security,
        response: {
          200: Type.Object({
            scheme: Type.Object({ name: Type.String(), pointsPerEuro: Type.Integer() }),
            balance: Type.Integer(),
            expiring: Type.Array(
              Type.Object({
                year: Type.Integer(),
                points: Type.Integer(),
                expiresOn: Type.String({ format: 'date' }),
              }),
            ),
            vouchers: Type.Array(VoucherSchema),
            history: Type.Array(
              Type.Object({
                transactionId: Type.Integer(),
                kind: Type.String(),
                amount: Type.Integer(),
                at: Type.String({ format: 'date-time' }),
                label: Type.String(),
              }),
            ),
          }),
          401: Problem,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const now = new Date();
      await settleExpired(user.id, now);
      const [scheme, balance, expiring, vouchers, history] = await Promise.all([
        getScheme(db),
        walletBalance(db, user.id),
        expiringPoints(db, user.id),
        openVouchers(db, user.id, now),
        walletHistory(db, user.id),
      ]);
      return {
        scheme: { name: scheme.name, pointsPerEuro: scheme.pointsPerEuro },
        balance,
        expiring,
        vouchers: vouchers.map((v) => voucherJson({ ...v, status: 'issued' })),
        history: history.map((x) => ({ ...x, at: x.at.toISOString() })),
      };
    },
  );

  app.post<{ Body: { token: string } }>(
    '/api/v1/bonus/checkins',
    {
      config: scanLimit(30),
      schema: {
        tags: ['Stadttaler'],
        summary: 'Check-in mit dem Token eines QR-Codes: Punkte einmal gutschreiben',
        security,
        body: Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            points: Type.Integer(),
            action: Type.String(),
            place: Type.String(),
            balance: Type.Integer(),
          }),
          401: Problem,
          409: Problem,
          410: Problem,
          422: Problem,
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      try {
        const r = await checkIn(db, { secret, token: request.body.token, userId: user.id });
        reply.code(201);
        return {
          points: r.points,
          action: r.actionName,
          place: r.placeName,
          balance: await walletBalance(db, user.id),
        };
      } catch (err) {
        throw asHttp(err);
      }
    },
  );

  app.post<{ Body: { offerId: number } }>(
    '/api/v1/bonus/vouchers',
    {
      schema: {
        tags: ['Stadttaler'],
        summary: 'Gutschein für eine Prämie holen (Punkte werden reserviert)',
        description:
          'Mit dem Header Idempotency-Key liefert eine Wiederholung derselben Anfrage denselben Gutschein, ohne erneut Punkte abzubuchen.',
        security,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 100 })),
        }),
        body: Type.Object({ offerId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: { 201: VoucherSchema, 401: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const key = request.headers['idempotency-key'];
      try {
        const v = await issueVoucher(db, {
          userId: user.id,
          offerId: request.body.offerId,
          ...(typeof key === 'string' ? { requestKey: key } : {}),
        });
        reply.code(201);
        return voucherJson(v);
      } catch (err) {
        throw asHttp(err);
      }
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/v1/bonus/redemptions',
    {
      config: scanLimit(60),
      schema: {
        tags: ['Stadttaler'],
        summary: 'Partner: Gutschein einlösen (die erste Einlösung gilt)',
        security,
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 40 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            voucherId: Type.Integer(),
            points: Type.Integer(),
            offer: Type.String(),
            partner: Type.String(),
          }),
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
          410: Problem,
        },
      },
    },
    async (request) => {
      const user = requireUser(request);
      try {
        const r = await redeemAudited(db, { code: request.body.code, actorId: user.id });
        return {
          voucherId: r.voucherId,
          points: r.points,
          offer: r.offerTitle,
          partner: r.partnerName,
        };
      } catch (err) {
        throw asHttp(err);
      }
    },
  );
}
