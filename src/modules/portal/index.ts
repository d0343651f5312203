import type { FastifyInstance, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { notFound } from '../../platform/http/errors.ts';
import { findCity } from '../../platform/tenancy/service.ts';
import { searchOffers } from '../directory/service.ts';
import { StartPage } from './pages.tsx';

/** The start pages of the region and of each city: they gather what the modules offer. */
export async function portalModule(app: FastifyInstance) {
  const db = app.database.db;

  async function start(request: FastifyRequest, citySlug?: string) {
    const { cities } = await app.tenancy();
    const city = citySlug ? findCity(cities, citySlug) : undefined;
    if (citySlug && !city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    const [ctx, counts] = await Promise.all([
      request.pageContext(city),
      searchOffers(db, { cityId: city?.id, perPage: 1 }),
    ]);
    return h(StartPage, { ctx, offerCounts: counts.facets.category });
  }

  app.get('/', { schema: { hide: true } }, async (request, reply) => reply.page(await start(request)));
  app.get<{ Params: { city: string } }>('/:city/', { schema: { hide: true } }, async (request, reply) =>
    reply.page(await start(request, request.params.city)),
  );
  // /aalen → /aalen/ so relative links and the canonical address agree.
  app.get<{ Params: { city: string } }>('/:city', { schema: { hide: true } }, async (request, reply) => {
    const { cities } = await app.tenancy();
    if (!findCity(cities, request.params.city)) throw notFound();
    return reply.redirect(`${request.locale === 'en' ? '/en' : ''}/${request.params.city}/`, 301);
  });
}
