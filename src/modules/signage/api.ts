/** JSON API for signage staff tools: stele status, and emergency messages per city. */
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../platform/admin/guard.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { notFound, unprocessable } from '../../platform/http/errors.ts';
import {
  clearEmergency,
  EMERGENCY_DURATIONS,
  listSteles,
  publishEmergency,
  steleStatus,
  validateEmergency,
} from './service.ts';

const Problem = Type.Object({
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  errors: Type.Optional(Type.Record(Type.String(), Type.String())),
});
const security = [{ session: [], csrf: [] }];
const tags = ['Stelen'];

const EmergencySchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  endsAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export async function signageApiRoutes(app: FastifyInstance) {
  const db = app.database.db;

  const citySlug = async (slug: string) => {
    const city = (await app.tenancy()).cities.find((c) => c.slug === slug);
    if (!city) throw notFound('Diese Stadt gibt es nicht.');
    return city;
  };

  app.get(
    '/api/v1/signage/steles',
    {
      schema: {
        tags,
        summary: 'Stelen mit Zustand (online/offline) und letzter Meldung – für Mitarbeitende',
        security,
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.Integer(),
              city: Type.String(),
              name: Type.String(),
              place: Type.String(),
              orientation: Type.Union([Type.Literal('portrait'), Type.Literal('landscape')]),
              width: Type.Integer(),
              height: Type.Integer(),
              status: Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('never')]),
              lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
              showingSlideId: Type.Union([Type.Integer(), Type.Null()]),
              showingEmergencyId: Type.Union([Type.Integer(), Type.Null()]),
            }),
          ),
          401: Problem,
          403: Problem,
        },
      },
    },
    async (request) => {
      requireStaff(request, 'editor', 'any');
      const cities = (await app.tenancy()).cities;
      const now = new Date();
      return (await listSteles(db, citiesWithRole(request.user, 'editor'))).map((s) => ({
        id: s.id,
        city: cities.find((c) => c.id === s.city_id)?.slug ?? '',
        name: s.name,
        place: s.place,
        orientation: s.orientation,
        width: s.width,
        height: s.height,
        status: steleStatus(s, now),
        lastSeenAt: s.last_seen_at ? new Date(s.last_seen_at).toISOString() : null,
        showingSlideId: s.last_slide_id,
        showingEmergencyId: s.last_emergency_id,
      }));
    },
  );

  app.post<{ Body: { city: string; title: string; body?: string; minutes?: number } }>(
    '/api/v1/signage/emergencies',
    {
      schema: {
        tags,
        summary: 'Warnmeldung auf allen Stelen einer Stadt anzeigen (überlagert jede Playlist)',
        description:
          'Erreicht alle verbundenen Stelen innerhalb von Sekunden, auch über mehrere Server-Instanzen.',
        security,
        body: Type.Object(
          {
            city: Type.String({ maxLength: 60 }),
            title: Type.String({ minLength: 3, maxLength: 120 }),
            body: Type.Optional(Type.String({ maxLength: 600 })),
            minutes: Type.Optional(
              Type.Integer({ enum: EMERGENCY_DURATIONS, description: 'Dauer; 0 = bis zum Beenden' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: EmergencySchema, 401: Problem, 403: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const city = await citySlug(request.body.city);
      requireStaff(request, 'admin', city.id);
      const { values, errors } = validateEmergency({
        title: request.body.title,
        body: request.body.body ?? '',
        minutes: String(request.body.minutes ?? 0),
      });
      if (Object.keys(errors).length) throw unprocessable('Bitte prüfen Sie die Angaben.', errors);
      const emergency = await publishEmergency(app.database, request.user, city.id, values);
      return reply.code(201).send(emergency);
    },
  );

  app.delete<{ Params: { city: string } }>(
    '/api/v1/signage/emergencies/:city',
    {
      schema: {
        tags,
        summary: 'Warnmeldung einer Stadt beenden: die Stelen zeigen wieder ihre Playlist',
        security,
        params: Type.Object({ city: Type.String({ maxLength: 60 }) }),
        response: { 204: Type.Null(), 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const city = await citySlug(request.params.city);
      requireStaff(request, 'admin', city.id);
      await clearEmergency(app.database, request.user, city.id);
      return reply.code(204).send();
    },
  );
}
