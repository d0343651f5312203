/**
 * People-facing urban data: the Stadtdaten dashboard per city, one page per datastream with chart and
 * table, CSV download, live updates (Server-Sent Events fed by PostgreSQL NOTIFY, so every instance
 * sees every value), a JSON API of current values, and the per-datastream CSV upload.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { h } from 'preact';
import { type Static, Type } from 'typebox';
import type { Db } from '../../platform/db/index.ts';
import { badRequest, HttpError, notFound } from '../../platform/http/errors.ts';
import { cityBoundaryGeoJson, findCity } from '../../platform/tenancy/service.ts';
import { LATEST_CHANNEL, type LatestEvent, type SensorHub } from './hub.ts';
import { formatValue } from './meaning.ts';
import { DashboardPage, DatastreamPage } from './pages.tsx';
import {
  aggregates,
  datastreamById,
  ingestObservations,
  latestValues,
  listDatastreams,
  type ObservationInput,
  observationsForExport,
} from './service.ts';
import { principalOf } from './sta.ts';

const MAX_CSV_LINES = 2500;

/** openSenseMap-style upload lines: `time,value` or `value` (now), optional header, `#` comments. */
export function parseCsvUpload(
  text: string,
  datastreamId: number,
): { inputs: ObservationInput[]; lines: number[] } {
  const inputs: ObservationInput[] = [];
  const lines: number[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (
      !line ||
      line.startsWith('#') ||
      (i === 0 && /[a-z]/i.test(line) && !/^\d{4}-/.test(line) && !/^-?\d/.test(line))
    )
      continue;
    const parts = line.split(/[,;\t]/).map((p) => p.trim());
    const [time, value] = parts.length >= 2 ? [parts[0], parts[1]!] : [undefined, parts[0]!];
    const n = Number(value.replace(',', '.'));
    inputs.push({
      datastreamId,
      phenomenonTime: time,
      result:
        value === 'true' || value === 'false'
          ? value === 'true'
          : Number.isFinite(n) && value !== ''
            ? n
            : value,
    });
    lines.push(i + 1);
  }
  if (inputs.length > MAX_CSV_LINES) throw new HttpError(413, `Höchstens ${MAX_CSV_LINES} Zeilen je Upload`);
  return { inputs, lines };
}

const LatestSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  observedProperty: Type.String(),
  unit: Type.Object({ name: Type.Optional(Type.String()), symbol: Type.Optional(Type.String()) }),
  value: Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]),
  time: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  status: Type.Union([Type.Literal('ok'), Type.Literal('exceeded'), Type.Literal('none')]),
  thresholdMessage: Type.Union([Type.String(), Type.Null()]),
  simulated: Type.Boolean(),
  location: Type.Union([Type.Object({ lon: Type.Number(), lat: Type.Number() }), Type.Null()]),
});

export async function sensorRoutes(app: FastifyInstance, opts: { hub: SensorHub }) {
  const db: Db = app.database.db;

  async function cityOr404(slug: string) {
    const city = findCity((await app.tenancy()).cities, slug);
    if (!city) throw notFound('Diese Stadt gibt es auf der Plattform nicht.');
    return city;
  }

  // ---- live updates ----
  const streams = new Map<number, Set<ServerResponse>>();
  const cityOfDs = new Map<number, number>();
  let unlisten: (() => Promise<void>) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  async function fanOut(events: LatestEvent[]) {
    for (const e of events) {
      if (!cityOfDs.has(e.d)) for (const d of await listDatastreams(db)) cityOfDs.set(d.id, d.cityId);
      const subscribers = streams.get(cityOfDs.get(e.d) ?? -1);
      if (!subscribers?.size) continue;
      const data = JSON.stringify({ ...e, f: { de: formatValue('de', e.v), en: formatValue('en', e.v) } });
      for (const res of subscribers) res.write(`event: latest\ndata: ${data}\n\n`);
    }
  }

  async function ensureListening() {
    if (unlisten) return;
    unlisten = await app.database.listen(LATEST_CHANNEL, (payload) => {
      try {
        void fanOut(JSON.parse(payload) as LatestEvent[]).catch(() => {});
      } catch {
        // A foreign or broken payload: ignore.
      }
    });
    heartbeat = setInterval(() => {
      for (const set of streams.values()) for (const res of set) res.write(': ping\n\n');
    }, 25_000);
    heartbeat.unref();
  }

  // Open event streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const set of streams.values()) for (const res of set) res.end();
    streams.clear();
    if (heartbeat) clearInterval(heartbeat);
  });
  app.addHook('onClose', async () => {
    await unlisten?.().catch(() => {});
  });

  app.get<{ Params: { city: string } }>('/:city/stadtdaten/live', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    await ensureListening();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write('retry: 5000\n\n');
    if (!streams.has(city.id)) streams.set(city.id, new Set());
    streams.get(city.id)!.add(res);
    request.raw.on('close', () => streams.get(city.id)?.delete(res));
  });

  app.get<{ Params: { city: string } }>('/:city/stadtdaten', async (request, reply) => {
    const city = await cityOr404(request.params.city);
    const [ctx, values, boundary] = await Promise.all([
      request.pageContext(city),
      latestValues(db, city.id),
      cityBoundaryGeoJson(db, city.id),
    ]);
    return reply.page(h(DashboardPage, { ctx, values, boundary }));
  });

  app.get<{ Params: { city: string; id: string }; Querystring: { tage?: string } }>(
    '/:city/stadtdaten/:id',
    async (request, reply) => {
      const city = await cityOr404(request.params.city);
      const m = /^(\d{1,12})(\.csv)?$/.exec(request.params.id);
      const ds = m ? await datastreamById(db, Number(m[1])) : undefined;
      if (!m || !ds || ds.cityId !== city.id) throw notFound('Diese Messreihe gibt es nicht.');
      const days = [1, 7, 30, 365].includes(Number(request.query.tage)) ? Number(request.query.tage) : 7;
      const to = new Date(
        Math.max(Date.now(), ds.phenomenonTimeEnd ? new Date(ds.phenomenonTimeEnd).getTime() : 0) + 1000,
      );
      const from = new Date(to.getTime() - days * 86_400_000);
      if (m[2]) {
        const list = await observationsForExport(db, ds.id, from, to);
        const esc = (s: string) => (/[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const body = [
          'phenomenonTime,result,unit',
          ...list.map(
            (r) =>
              `${new Date(r.phenomenon_time).toISOString()},${esc(String(r.result_number ?? JSON.stringify(r.result_json)))},${esc(ds.unit.symbol ?? '')}`,
          ),
        ].join('\n');
        const name = `${city.slug}-messreihe-${ds.id}-${days}-tage.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('access-control-allow-origin', '*')
          .send(`${body}\n`);
      }
      // A year as days (from the daily rollup), shorter periods as hours.
      const bucket = days >= 365 ? 'day' : 'hour';
      const [ctx, rows, latest] = await Promise.all([
        request.pageContext(city),
        aggregates(db, ds.id, bucket, from, to),
        latestValues(db, city.id).then((l) => l.find((v) => v.id === ds.id)),
      ]);
      return reply.page(h(DatastreamPage, { ctx, ds, rows, latest, days, bucket }));
    },
  );

  // ---- JSON API ----

  app.get<{ Params: { city: string } }>(
    '/api/v1/sensors/:city/latest',
    {
      schema: {
        tags: ['Stadtdaten'],
        summary: 'Aktuelle Werte aller Messreihen einer Stadt (für Stelen, Karten, offene Daten)',
        params: Type.Object({ city: Type.String() }),
        response: { 200: Type.Array(LatestSchema) },
      },
    },
    async (request, reply) => {
      const city = await cityOr404(request.params.city);
      const values = await latestValues(db, city.id);
      reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=30');
      return values.map(
        (v): Static<typeof LatestSchema> => ({
          id: v.id,
          name: v.name,
          kind: v.kind,
          observedProperty: v.observedProperty,
          unit: {
            ...(v.unit.name ? { name: v.unit.name } : {}),
            ...(v.unit.symbol ? { symbol: v.unit.symbol } : {}),
          },
          value: v.value,
          time: v.time ? new Date(v.time).toISOString() : null,
          status: v.status,
          thresholdMessage: v.threshold?.message ?? null,
          simulated: v.simulated,
          location: v.location,
        }),
      );
    },
  );

  // CSV upload: one datastream per request, lines `time,value`.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      ['text/csv', 'text/plain'],
      { parseAs: 'string', bodyLimit: 512 * 1024 },
      (_req, body, done) => done(null, body),
    );
    scope.post<{ Params: { id: string } }>(
      '/api/v1/sensors/datastreams/:id/observations',
      {
        config: { rateLimit: { max: 600, timeWindow: 60_000 } },
        schema: {
          tags: ['Stadtdaten'],
          summary: 'Messwerte einer Messreihe als CSV hochladen (Zeilen „Zeit,Wert“, höchstens 2500)',
          params: Type.Object({ id: Type.String({ pattern: '^\\d{1,12}$' }) }),
          description: 'Schreibrecht per X-API-Key oder Sitzung der Redaktion.',
        },
      },
      async (request, reply) => {
        if (typeof request.body !== 'string') throw badRequest('CSV erwartet (Content-Type: text/csv)');
        const principal = await principalOf(db, request);
        const id = Number(request.params.id);
        const { inputs, lines } = parseCsvUpload(request.body, id);
        if (!inputs.length) throw badRequest('Die Datei enthält keine Messwerte');
        const r = await db.transaction((tx) => ingestObservations(tx as unknown as Db, inputs, principal));
        await opts.hub.published(r.created);
        const rejected = r.results.flatMap((x, i) => (x.ok ? [] : [{ line: lines[i]!, message: x.message }]));
        if (r.created.length === 0 && rejected.every((x) => /gibt es nicht/.test(x.message)))
          throw notFound('Diese Messreihe gibt es nicht');
        return reply.code(r.created.length ? 201 : 422).send({ created: r.created.length, rejected });
      },
    );
  });
}
