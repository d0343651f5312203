import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { SESSION_DAYS } from '../../platform/auth/service.ts';
import { notFound } from '../../platform/http/errors.ts';
import { findCity } from '../../platform/tenancy/service.ts';
import { formString } from '../../platform/web/forms.tsx';
import { localePath } from '../../platform/web/i18n.ts';
import { contentAdminRoutes } from './admin-routes.ts';
import { newsRoutes } from './news-routes.ts';
import { AccessibilityPage, EasyLanguagePage, ImprintPage, PrivacyPage, ThanksPage } from './pages.tsx';
import { pageText } from './queries.ts';
import {
  type FeedbackInput,
  PAGE_MAX,
  responsibleContact,
  submitFeedback,
  validateFeedback,
} from './service.ts';

type CityParams = { Params: { city?: string } };

/**
 * Legally required pages of the region and of each city: Impressum (§ 5 DDG), Datenschutzerklärung,
 * Erklärung zur Barrierefreiheit with its feedback form, and the Leichte Sprache page (BITV 2.0 § 4).
 * Each page exists as /{page} for the region and /{city}/{page} for a city.
 */
export async function contentModule(app: FastifyInstance) {
  const db = app.database.db;
  // News, events, campaigns: their own encapsulated plugins.
  await app.register(newsRoutes);
  await app.register(contentAdminRoutes);

  async function where(request: FastifyRequest<CityParams>) {
    const { region, cities } = await app.tenancy();
    const slug = request.params.city;
    const city = slug ? findCity(cities, slug) : undefined;
    if (slug && !city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    const ctx = await request.pageContext(city);
    return { region, city, ctx, contact: responsibleContact(region, city) };
  }

  /** The text an admin added to this page for this city (or the region). */
  async function extra(city: { id: number } | undefined, page: string) {
    return (await pageText(db, city?.id ?? null, page))?.body || undefined;
  }

  /** Registers GET (and optionally POST) for the region path and the city path. */
  function both(
    path: string,
    get: (request: FastifyRequest<CityParams>, reply: FastifyReply) => Promise<unknown>,
    post?: (request: FastifyRequest<CityParams>, reply: FastifyReply) => Promise<unknown>,
  ) {
    for (const url of [path, `/:city${path}`]) {
      app.get<CityParams>(url, { schema: { hide: true } }, get);
      if (post) app.post<CityParams>(url, { schema: { hide: true } }, post);
    }
  }

  both('/impressum', async (request, reply) => {
    const { ctx, contact, city } = await where(request);
    return reply.page(h(ImprintPage, { ctx, contact, extra: await extra(city, 'impressum') }));
  });

  both('/datenschutz', async (request, reply) => {
    const { ctx, contact, region, city } = await where(request);
    return reply.page(
      h(PrivacyPage, {
        ctx,
        contact,
        feedbackEmail: contact.email || region.contact.email,
        tileOrigin: process.env.MAP_TILE_ORIGIN || undefined,
        sessionDays: SESSION_DAYS,
        mailDays: app.config.retention.mailDays,
        oidcName: app.config.oidc?.name,
        extra: await extra(city, 'datenschutz'),
      }),
    );
  });

  const empty: FeedbackInput = { name: '', email: '', page: '', message: '' };

  both(
    '/barrierefreiheit',
    async (request, reply) => {
      const { ctx, contact, city } = await where(request);
      // ?seite=… lets other pages link here with the page concerned filled in.
      const seite = (request.query as Record<string, unknown>).seite;
      const page = typeof seite === 'string' ? seite.slice(0, PAGE_MAX) : '';
      return reply.page(
        h(AccessibilityPage, {
          ctx,
          contact,
          values: { ...empty, page },
          errors: {},
          extra: await extra(city, 'barrierefreiheit'),
        }),
      );
    },
    async (request, reply) => {
      const { ctx, contact, region, city } = await where(request);
      const body = request.body;
      const values: FeedbackInput = {
        name: formString(body, 'name'),
        email: formString(body, 'email'),
        page: formString(body, 'page'),
        // Browsers send line breaks in a textarea as CRLF; count them as one character each.
        message: formString(body, 'message').replace(/\r\n?/g, '\n'),
      };
      const errors = validateFeedback(values);
      if (Object.keys(errors).length > 0) {
        return reply.page(
          h(AccessibilityPage, {
            ctx,
            contact,
            values,
            errors,
            extra: await extra(city, 'barrierefreiheit'),
          }),
          422,
        );
      }
      const base = city ? `/${city.slug}` : '';
      await submitFeedback(
        db,
        { ...values, locale: request.locale },
        { region, city, pageUrl: `${app.config.baseUrl}${base}/barrierefreiheit` },
      );
      return reply.redirect(localePath(request.locale, `${base}/barrierefreiheit/danke`), 303);
    },
  );

  both('/barrierefreiheit/danke', async (request, reply) => {
    const { ctx } = await where(request);
    return reply.page(h(ThanksPage, { ctx }));
  });

  both('/leichte-sprache', async (request, reply) => {
    const { ctx, contact, city } = await where(request);
    const [text, sign] = await Promise.all([extra(city, 'leichte-sprache'), extra(city, 'gebaerdensprache')]);
    return reply.page(h(EasyLanguagePage, { ctx, contact, extra: text, signExtra: sign }));
  });
}
