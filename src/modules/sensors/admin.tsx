/**
 * Staff pages for urban data (editors and admins of a city): datastreams with rejection counts,
 * registering a station with its first datastream, thresholds for notices, API keys.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AdminLayout, registerAdminSection, requireStaff } from '../../platform/admin/index.ts';
import { audit } from '../../platform/audit/service.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { type Db, one, sql } from '../../platform/db/index.ts';
import { forbidden, HttpError, notFound } from '../../platform/http/errors.ts';
import type { CurrentUser, PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldKit,
  formString,
  SelectField,
  TextField,
} from '../../platform/web/forms.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import { KIND_LABELS } from './meaning.ts';
import { dateTime, L } from './pages.tsx';
import {
  type ApiKeyRow,
  createApiKey,
  type DatastreamInfo,
  datastreamById,
  KINDS,
  type Kind,
  listApiKeys,
  listDatastreams,
  listRejections,
  OBSERVATION_TYPES,
  type RejectionRow,
  revokeApiKey,
  updateDatastreamSettings,
} from './service.ts';
import { Writer } from './sta-write.ts';

registerAdminSection({
  href: '/admin/sensoren',
  label: 'admin.sensors',
  description: 'admin.sensors.text',
  visible: (user) => {
    const c = citiesWithRole(user, 'editor');
    return c === 'all' || c.length > 0;
  },
  sort: 40,
});

const REASONS: Record<string, string> = {
  type: 'falscher Datentyp',
  unknown_datastream: 'unbekannte Messreihe',
  future: 'Zeit in der Zukunft',
  invalid: 'ungültige Nachricht',
  forbidden: 'ohne Schreibrecht',
};

function editableCities(user: CurrentUser): number[] | 'all' {
  return citiesWithRole(user, 'editor');
}

const mayEdit = (cities: number[] | 'all', cityId: number) => cities === 'all' || cities.includes(cityId);

function OverviewPage(props: {
  ctx: PageContext;
  streams: DatastreamInfo[];
  rejections: RejectionRow[];
  cityName: (id: number | null) => string;
}) {
  const { ctx, streams, rejections } = props;
  const rejectedBy = new Map<number, number>();
  for (const r of rejections)
    rejectedBy.set(r.datastream_id, (rejectedBy.get(r.datastream_id) ?? 0) + r.count);
  return (
    <AdminLayout
      ctx={ctx}
      title={L(ctx, 'Sensoren und Stadtdaten', 'Sensors and city data')}
      crumbs={[{ label: L(ctx, 'Sensoren', 'Sensors') }]}
    >
      <h1>{L(ctx, 'Sensoren und Stadtdaten', 'Sensors and city data')}</h1>
      <ul class="sp-actions">
        <li>
          <a href={ctx.href('/admin/sensoren/neu')}>
            {L(ctx, 'Neue Messreihe anlegen', 'Register a data stream')}
          </a>
        </li>
        <li>
          <a href={ctx.href('/admin/sensoren/schluessel')}>
            {L(ctx, 'API-Schlüssel verwalten', 'Manage API keys')}
          </a>
        </li>
      </ul>
      <h2>{L(ctx, 'Messreihen', 'Data streams')}</h2>
      <TableWrap label={L(ctx, 'Messreihen', 'Data streams')}>
        <table class="sp-table">
          <thead>
            <tr>
              <th scope="col">{L(ctx, 'Name', 'Name')}</th>
              <th scope="col">{L(ctx, 'Stadt', 'City')}</th>
              <th scope="col">{L(ctx, 'Art', 'Kind')}</th>
              <th scope="col">{L(ctx, 'Letzter Wert', 'Last value')}</th>
              <th scope="col">{L(ctx, 'Grenzwert', 'Threshold')}</th>
              <th scope="col">{L(ctx, 'Abgelehnt', 'Refused')}</th>
            </tr>
          </thead>
          <tbody>
            {streams.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <a href={ctx.href(`/admin/sensoren/${d.id}`)}>{d.name}</a> <small>#{d.id}</small>
                </th>
                <td>{props.cityName(d.cityId)}</td>
                <td>{L(ctx, KIND_LABELS[d.kind].de, KIND_LABELS[d.kind].en)}</td>
                <td>{d.phenomenonTimeEnd ? dateTime(ctx, d.phenomenonTimeEnd) : '–'}</td>
                <td>
                  {d.threshold
                    ? `${d.threshold.direction === 'above' ? '>' : '<'} ${d.threshold.value} ${d.unit.symbol ?? ''}`
                    : '–'}
                </td>
                <td>{rejectedBy.get(d.id) ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <h2>{L(ctx, 'Abgelehnte Werte', 'Refused values')}</h2>
      {rejections.length === 0 ? (
        <p>{L(ctx, 'Bisher wurden keine Werte abgelehnt.', 'No values have been refused so far.')}</p>
      ) : (
        <TableWrap label={L(ctx, 'Abgelehnte Werte', 'Refused values')}>
          <table class="sp-table">
            <thead>
              <tr>
                <th scope="col">{L(ctx, 'Messreihe', 'Data stream')}</th>
                <th scope="col">{L(ctx, 'Grund', 'Reason')}</th>
                <th scope="col">{L(ctx, 'Anzahl', 'Count')}</th>
                <th scope="col">{L(ctx, 'Zuletzt', 'Last')}</th>
                <th scope="col">{L(ctx, 'Letzte Meldung', 'Last message')}</th>
              </tr>
            </thead>
            <tbody>
              {rejections.map((r) => (
                <tr key={`${r.datastream_id}-${r.reason}`}>
                  <th scope="row">
                    {r.datastream_name ?? `#${r.datastream_id} (${L(ctx, 'unbekannt', 'unknown')})`}
                  </th>
                  <td>{REASONS[r.reason] ?? r.reason}</td>
                  <td>{r.count}</td>
                  <td>{dateTime(ctx, r.last_at)}</td>
                  <td>{r.last_detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </AdminLayout>
  );
}

export interface NewStreamValues {
  station: string;
  place: string;
  lat: string;
  lon: string;
  name: string;
  property: string;
  unitName: string;
  unitSymbol: string;
  type: string;
  kind: string;
}

function NewStreamPage({
  ctx,
  values,
  errors,
}: {
  ctx: PageContext;
  values: NewStreamValues;
  errors: FieldErrors;
}) {
  const kinds = KINDS.map((k) => ({ value: k, label: L(ctx, KIND_LABELS[k].de, KIND_LABELS[k].en) }));
  const f = fieldKit(ctx, { ...values }, errors);
  return (
    <AdminLayout
      ctx={ctx}
      title={L(ctx, 'Neue Messreihe', 'New data stream')}
      crumbs={[
        { label: L(ctx, 'Sensoren', 'Sensors'), href: '/admin/sensoren' },
        { label: L(ctx, 'Neu', 'New') },
      ]}
    >
      <h1>{L(ctx, 'Neue Messreihe anlegen', 'Register a data stream')}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={ctx.href('/admin/sensoren/neu')} novalidate>
        <CsrfField ctx={ctx} />
        <fieldset class="kern-fieldset">
          <legend class="kern-label">
            {L(ctx, 'Messstation (Thing) und Ort', 'Station (Thing) and place')}
          </legend>
          {f.text('station', L(ctx, 'Name der Station', 'Station name'), { maxLength: 300 })}
          {f.text('place', L(ctx, 'Ort', 'Place'), {
            hint: L(ctx, 'z. B. Marktplatz', 'e.g. market square'),
            maxLength: 300,
          })}
          <TextField
            ctx={ctx}
            name="lat"
            label={L(ctx, 'Breitengrad', 'Latitude')}
            hint="48,8378"
            inputMode="decimal"
            value={values.lat}
            error={errors.lat}
          />
          <TextField
            ctx={ctx}
            name="lon"
            label={L(ctx, 'Längengrad', 'Longitude')}
            hint="10,0936"
            inputMode="decimal"
            value={values.lon}
            error={errors.lon}
          />
        </fieldset>
        <fieldset class="kern-fieldset">
          <legend class="kern-label">{L(ctx, 'Messreihe (Datastream)', 'Data stream')}</legend>
          {f.text('name', L(ctx, 'Name der Messreihe', 'Data stream name'), { maxLength: 300 })}
          {f.text('property', L(ctx, 'Messgröße', 'Observed property'), {
            hint: L(ctx, 'z. B. PM10, Lufttemperatur', 'e.g. PM10, air temperature'),
            maxLength: 300,
          })}
          {f.text('unitName', L(ctx, 'Einheit', 'Unit'), {
            hint: L(ctx, 'z. B. Grad Celsius', 'e.g. degree Celsius'),
            maxLength: 100,
          })}
          <TextField
            ctx={ctx}
            name="unitSymbol"
            label={L(ctx, 'Einheitenzeichen', 'Unit symbol')}
            hint="°C"
            value={values.unitSymbol}
            error={errors.unitSymbol}
            maxLength={30}
          />
          <SelectField
            ctx={ctx}
            name="type"
            label={L(ctx, 'Art der Werte', 'Value type')}
            value={values.type}
            error={errors.type}
            options={[
              { value: 'measurement', label: L(ctx, 'Messwert (Zahl)', 'Measurement (number)') },
              { value: 'count', label: L(ctx, 'Zählwert (ganze Zahl)', 'Count (integer)') },
            ]}
          />
          <SelectField
            ctx={ctx}
            name="kind"
            label={L(ctx, 'Bereich auf dem Dashboard', 'Dashboard section')}
            value={values.kind}
            error={errors.kind}
            options={kinds}
          />
        </fieldset>
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{L(ctx, 'Anlegen', 'Create')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

export interface SettingsValues {
  kind: string;
  threshold: string;
  direction: string;
  message: string;
}

function StreamPage(props: {
  ctx: PageContext;
  ds: DatastreamInfo;
  values: SettingsValues;
  errors: FieldErrors;
  saved: boolean;
}) {
  const { ctx, ds, values, errors } = props;
  const f = fieldKit(ctx, { ...values }, errors);
  return (
    <AdminLayout
      ctx={ctx}
      title={ds.name}
      crumbs={[{ label: L(ctx, 'Sensoren', 'Sensors'), href: '/admin/sensoren' }, { label: ds.name }]}
    >
      <h1>{ds.name}</h1>
      {props.saved && (
        <p class="sp-notice" role="status">
          {L(ctx, 'Gespeichert.', 'Saved.')}
        </p>
      )}
      <p>
        SensorThings: <a href={`/sta/v1.1/Datastreams(${ds.id})`}>Datastreams({ds.id})</a> · MQTT:{' '}
        <code>v1.1/Datastreams({ds.id})/Observations</code> · CSV-Upload:{' '}
        <code>POST /api/v1/sensors/datastreams/{ds.id}/observations</code>
      </p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={ctx.href(`/admin/sensoren/${ds.id}`)} novalidate>
        <CsrfField ctx={ctx} />
        <SelectField
          ctx={ctx}
          name="kind"
          label={L(ctx, 'Bereich auf dem Dashboard', 'Dashboard section')}
          value={values.kind}
          error={errors.kind}
          options={KINDS.map((k) => ({ value: k, label: L(ctx, KIND_LABELS[k].de, KIND_LABELS[k].en) }))}
        />
        <TextField
          ctx={ctx}
          name="threshold"
          label={L(
            ctx,
            `Grenzwert für einen Hinweis (${ds.unit.symbol ?? ''})`,
            `Threshold for a notice (${ds.unit.symbol ?? ''})`,
          )}
          hint={L(ctx, 'Leer lassen: kein Hinweis.', 'Leave empty: no notice.')}
          inputMode="decimal"
          optional
          value={values.threshold}
          error={errors.threshold}
        />
        <SelectField
          ctx={ctx}
          name="direction"
          label={L(ctx, 'Hinweis, wenn der Wert …', 'Notice when the value is …')}
          value={values.direction}
          error={errors.direction}
          options={[
            { value: 'above', label: L(ctx, 'darüber liegt', 'above') },
            { value: 'below', label: L(ctx, 'darunter liegt', 'below') },
          ]}
        />
        {f.text(
          'message',
          L(ctx, 'Text des Hinweises (Dashboard und Stelen)', 'Notice text (dashboard and steles)'),
          { optional: true, maxLength: 300 },
        )}
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{L(ctx, 'Speichern', 'Save')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

function KeysPage(props: {
  ctx: PageContext;
  keys: ApiKeyRow[];
  cities: { id: number; name: string }[];
  created?: string | undefined;
  values: { name: string; city: string };
  errors: FieldErrors;
  cityName: (id: number | null) => string;
}) {
  const { ctx, keys, errors } = props;
  return (
    <AdminLayout
      ctx={ctx}
      title={L(ctx, 'API-Schlüssel', 'API keys')}
      crumbs={[
        { label: L(ctx, 'Sensoren', 'Sensors'), href: '/admin/sensoren' },
        { label: L(ctx, 'API-Schlüssel', 'API keys') },
      ]}
    >
      <h1>{L(ctx, 'API-Schlüssel für Sensordaten', 'API keys for sensor data')}</h1>
      {props.created && (
        <div class="sp-notice" role="status">
          <p>
            <strong>
              {L(
                ctx,
                'Neuer Schlüssel – nur jetzt sichtbar, bitte sicher speichern:',
                'New key – shown only now, store it safely:',
              )}
            </strong>
          </p>
          <p>
            <code class="sp-secret">{props.created}</code>
          </p>
          <p>
            {L(
              ctx,
              'Senden als Kopfzeile X-API-Key, oder als MQTT-Passwort.',
              'Send as X-API-Key header, or as MQTT password.',
            )}
          </p>
        </div>
      )}
      {keys.length > 0 && (
        <TableWrap label={L(ctx, 'Schlüssel', 'Keys')}>
          <table class="sp-table">
            <thead>
              <tr>
                <th scope="col">{L(ctx, 'Name', 'Name')}</th>
                <th scope="col">{L(ctx, 'Stadt', 'City')}</th>
                <th scope="col">{L(ctx, 'Zuletzt benutzt', 'Last used')}</th>
                <th scope="col">{L(ctx, 'Status', 'Status')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>{props.cityName(k.city_id)}</td>
                  <td>{k.last_used_at ? dateTime(ctx, k.last_used_at) : '–'}</td>
                  <td>
                    {k.revoked_at ? (
                      L(ctx, 'widerrufen', 'revoked')
                    ) : (
                      <form
                        method="post"
                        action={ctx.href(`/admin/sensoren/schluessel/${k.id}/widerrufen`)}
                        class="sp-inline-form"
                      >
                        <CsrfField ctx={ctx} />
                        <button type="submit" class="sp-linkbutton">
                          {L(ctx, `${k.name} widerrufen`, `Revoke ${k.name}`)}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h2>{L(ctx, 'Neuen Schlüssel erzeugen', 'Create a key')}</h2>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={ctx.href('/admin/sensoren/schluessel')} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="name"
          label={L(ctx, 'Wofür (z. B. Gerät oder Partner)', 'Purpose (e.g. device or partner)')}
          value={props.values.name}
          error={errors.name}
          maxLength={200}
        />
        <SelectField
          ctx={ctx}
          name="city"
          label={L(ctx, 'Stadt', 'City')}
          value={props.values.city}
          error={errors.city}
          options={props.cities.map((c) => ({ value: String(c.id), label: c.name }))}
        />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{L(ctx, 'Schlüssel erzeugen', 'Create key')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

const num = (v: string) => {
  const n = Number(v.trim().replace(',', '.'));
  return v.trim() === '' || !Number.isFinite(n) ? undefined : n;
};

export async function sensorAdminRoutes(app: FastifyInstance) {
  const db: Db = app.database.db;

  const staff = (request: FastifyRequest) => {
    const user = requireStaff(request, 'editor', 'any');
    return { user, cities: editableCities(user) };
  };
  const cityNames = async () => {
    const { cities } = await app.tenancy();
    return (id: number | null) =>
      id === null ? 'Region' : (cities.find((c) => c.id === id)?.shortName ?? String(id));
  };

  app.get('/admin/sensoren', async (request, reply) => {
    const { cities } = staff(request);
    const all = await listDatastreams(db);
    const [ctx, rejections, cityName] = await Promise.all([
      request.pageContext(),
      listRejections(db, cities),
      cityNames(),
    ]);
    const streams = all.filter((d) => mayEdit(cities, d.cityId));
    return reply.page(h(OverviewPage, { ctx, streams, rejections, cityName }));
  });

  const emptyStream: NewStreamValues = {
    station: '',
    place: '',
    lat: '',
    lon: '',
    name: '',
    property: '',
    unitName: '',
    unitSymbol: '',
    type: 'measurement',
    kind: 'other',
  };
  const renderNew = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: NewStreamValues,
    errors: FieldErrors,
    status = 200,
  ) => reply.page(h(NewStreamPage, { ctx: await request.pageContext(), values, errors }), status);

  app.get('/admin/sensoren/neu', async (request, reply) => {
    staff(request);
    return renderNew(request, reply, emptyStream, {});
  });

  app.post('/admin/sensoren/neu', async (request, reply) => {
    const { user, cities } = staff(request);
    const b = request.body;
    const v = Object.fromEntries(
      Object.keys(emptyStream).map((k) => [k, formString(b, k).slice(0, 300)]),
    ) as unknown as NewStreamValues;
    const errors: FieldErrors = {};
    for (const k of ['station', 'place', 'name', 'property', 'unitName', 'unitSymbol'] as const) {
      if (!v[k].trim()) errors[k] = L(await request.pageContext(), 'Bitte ausfüllen.', 'Please fill in.');
    }
    const lat = num(v.lat);
    const lon = num(v.lon);
    if (lat === undefined || lat < -90 || lat > 90)
      errors.lat = 'Geben Sie den Breitengrad als Zahl an, z. B. 48,8378.';
    if (lon === undefined || lon < -180 || lon > 180)
      errors.lon = 'Geben Sie den Längengrad als Zahl an, z. B. 10,0936.';
    if (v.type !== 'measurement' && v.type !== 'count') errors.type = 'Wählen Sie die Art der Werte.';
    if (!(KINDS as readonly string[]).includes(v.kind)) errors.kind = 'Wählen Sie einen Bereich.';
    if (Object.keys(errors).length) return renderNew(request, reply, v, errors, 422);
    let dsId: number;
    try {
      dsId = await db.transaction(async (tx) => {
        const w = new Writer(tx as unknown as Db, { cities, userId: user.id });
        const thingId = await w.create('Things', {
          name: v.station,
          description: v.place,
          Locations: [
            {
              name: v.place,
              description: v.place,
              encodingType: 'application/geo+json',
              location: { type: 'Point', coordinates: [lon, lat] },
            },
          ],
          Datastreams: [
            {
              name: v.name,
              description: `${v.property} am Standort ${v.place}`,
              observationType: OBSERVATION_TYPES[v.type as 'measurement' | 'count'],
              unitOfMeasurement: { name: v.unitName, symbol: v.unitSymbol, definition: '' },
              Sensor: { name: v.station, description: '', encodingType: 'text/html', metadata: '' },
              ObservedProperty: { name: v.property, definition: '', description: v.property },
            },
          ],
        });
        const r = await one<{ id: string }>(
          tx as unknown as Db,
          sql`UPDATE sta_datastreams SET kind = ${v.kind} WHERE thing_id = ${thingId} RETURNING id`,
        );
        return Number(r!.id);
      });
    } catch (err) {
      if (err instanceof HttpError && [400, 403, 422].includes(err.statusCode)) {
        return renderNew(
          request,
          reply,
          v,
          {
            lat:
              err.statusCode === 403
                ? 'Dieser Ort liegt nicht in einer Stadt, für die Sie Messreihen anlegen dürfen.'
                : err.message,
          },
          422,
        );
      }
      throw err;
    }
    return reply.redirect(`/admin/sensoren/${dsId}?gespeichert=1`, 303);
  });

  const streamFor = async (request: FastifyRequest, id: string) => {
    const { user, cities } = staff(request);
    const ds = /^\d{1,12}$/.test(id) ? await datastreamById(db, Number(id)) : undefined;
    if (!ds) throw notFound('Diese Messreihe gibt es nicht.');
    if (!mayEdit(cities, ds.cityId)) throw forbidden('Sie dürfen Messreihen dieser Stadt nicht bearbeiten.');
    return { user, ds };
  };

  app.get<{ Params: { id: string }; Querystring: { gespeichert?: string } }>(
    '/admin/sensoren/:id',
    async (request, reply) => {
      const { ds } = await streamFor(request, request.params.id);
      const values: SettingsValues = {
        kind: ds.kind,
        threshold: ds.threshold ? String(ds.threshold.value).replace('.', ',') : '',
        direction: ds.threshold?.direction ?? 'above',
        message: ds.threshold?.message ?? '',
      };
      return reply.page(
        h(StreamPage, {
          ctx: await request.pageContext(),
          ds,
          values,
          errors: {},
          saved: request.query.gespeichert === '1',
        }),
      );
    },
  );

  app.post<{ Params: { id: string } }>('/admin/sensoren/:id', async (request, reply) => {
    const { user, ds } = await streamFor(request, request.params.id);
    const values: SettingsValues = {
      kind: formString(request.body, 'kind'),
      threshold: formString(request.body, 'threshold').slice(0, 30),
      direction: formString(request.body, 'direction'),
      message: formString(request.body, 'message').slice(0, 300),
    };
    const errors: FieldErrors = {};
    if (!(KINDS as readonly string[]).includes(values.kind)) errors.kind = 'Wählen Sie einen Bereich.';
    const threshold = num(values.threshold);
    if (values.threshold.trim() && threshold === undefined)
      errors.threshold = 'Geben Sie den Grenzwert als Zahl an, z. B. 180 oder 7,5.';
    if (values.direction !== 'above' && values.direction !== 'below')
      errors.direction = 'Wählen Sie darüber oder darunter.';
    if (Object.keys(errors).length) {
      return reply.page(
        h(StreamPage, { ctx: await request.pageContext(), ds, values, errors, saved: false }),
        422,
      );
    }
    await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      await updateDatastreamSettings(t, ds.id, {
        kind: values.kind as Kind,
        thresholdValue: threshold ?? null,
        thresholdDirection: values.direction as 'above' | 'below',
        thresholdMessage: values.message.trim() || null,
      });
      await audit(t, {
        actorId: user.id,
        cityId: ds.cityId,
        action: 'sensors.settings',
        entityType: 'datastream',
        entityId: String(ds.id),
        details: { kind: values.kind, threshold: threshold ?? null, direction: values.direction },
      });
    });
    return reply.redirect(`/admin/sensoren/${ds.id}?gespeichert=1`, 303);
  });

  // ---- API keys ----
  const renderKeys = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { created?: string; values?: { name: string; city: string }; errors?: FieldErrors },
    status = 200,
  ) => {
    const { cities } = staff(request);
    const { cities: all } = await app.tenancy();
    const choosable = all.filter((c) => mayEdit(cities, c.id)).map((c) => ({ id: c.id, name: c.shortName }));
    const [ctx, keys, cityName] = await Promise.all([
      request.pageContext(),
      listApiKeys(db, cities),
      cityNames(),
    ]);
    return reply.page(
      h(KeysPage, {
        ctx,
        keys,
        cities: choosable,
        created: extra.created,
        values: extra.values ?? { name: '', city: String(choosable[0]?.id ?? '') },
        errors: extra.errors ?? {},
        cityName,
      }),
      status,
    );
  };

  app.get('/admin/sensoren/schluessel', async (request, reply) => renderKeys(request, reply, {}));

  app.post('/admin/sensoren/schluessel', async (request, reply) => {
    const { user, cities } = staff(request);
    const values = {
      name: formString(request.body, 'name').trim().slice(0, 200),
      city: formString(request.body, 'city'),
    };
    const errors: FieldErrors = {};
    if (!values.name) errors.name = 'Geben Sie an, wofür der Schlüssel ist.';
    const cityId = Number(values.city);
    if (!Number.isInteger(cityId) || !mayEdit(cities, cityId))
      errors.city = 'Wählen Sie eine Stadt, für die Sie zuständig sind.';
    if (Object.keys(errors).length) return renderKeys(request, reply, { values, errors }, 422);
    const created = await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      const k = await createApiKey(t, { cityId, name: values.name, createdBy: user.id });
      await audit(t, {
        actorId: user.id,
        cityId,
        action: 'sensors.apikey.create',
        entityType: 'sta_api_key',
        entityId: String(k.id),
        details: { name: values.name },
      });
      return k;
    });
    // The key is shown once, on this response only; it is never stored in clear text.
    reply.header('cache-control', 'no-store');
    return renderKeys(request, reply, { created: created.key }, 201);
  });

  app.post<{ Params: { id: string } }>(
    '/admin/sensoren/schluessel/:id/widerrufen',
    async (request, reply) => {
      const { user, cities } = staff(request);
      const keys = await listApiKeys(db, cities);
      const key = keys.find((k) => String(k.id) === request.params.id);
      if (!key) throw notFound('Diesen Schlüssel gibt es nicht.');
      if (key.city_id === null && cities !== 'all') throw forbidden();
      await db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        await revokeApiKey(t, key.id);
        await audit(t, {
          actorId: user.id,
          cityId: key.city_id,
          action: 'sensors.apikey.revoke',
          entityType: 'sta_api_key',
          entityId: String(key.id),
        });
      });
      return reply.redirect('/admin/sensoren/schluessel', 303);
    },
  );
}
