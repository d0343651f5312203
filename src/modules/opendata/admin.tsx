/** Staff pages of the catalog: datasets kept elsewhere (e.g. Bebauungspläne as PDF + GeoJSON). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AdminLayout, registerAdminSection, requireStaff } from '../../platform/admin/index.ts';
import { audit } from '../../platform/audit/service.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { notFound } from '../../platform/http/errors.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldKit,
  formString,
  SelectField,
  TextField,
} from '../../platform/web/forms.tsx';
import { addMessages } from '../../platform/web/i18n.ts';
import { TableWrap } from '../../platform/web/table.tsx';
import { L } from './pages.tsx';
import {
  createExternal,
  DEFAULT_LICENSE,
  deleteExternal,
  type ExternalInput,
  type ExternalRow,
  externalById,
  FILE_TYPES,
  LICENSES,
  listExternal,
  THEMES,
  type Theme,
  validateExternal,
} from './service.ts';

addMessages({
  de: {
    'admin.opendata': 'Offene Daten',
    'admin.opendata.text': 'Externe Datensätze in den Open-Data-Katalog aufnehmen.',
  },
  en: {
    'admin.opendata': 'Open data',
    'admin.opendata.text': 'Add external datasets to the open data catalog.',
  },
});
registerAdminSection({
  href: '/admin/opendata',
  label: 'admin.opendata',
  description: 'admin.opendata.text',
  visible: (user) => {
    const c = citiesWithRole(user, 'admin');
    return c === 'all' || c.length > 0;
  },
  sort: 45,
});

const DIST_ROWS = 3;
type Values = Record<string, string>;

function ExternalPage(props: {
  ctx: PageContext;
  list: ExternalRow[];
  cities: City[];
  values: Values;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, values, errors } = props;
  const f = fieldKit(ctx, { ...values }, errors);
  return (
    <AdminLayout ctx={ctx} title={L(ctx, 'Offene Daten', 'Open data')}>
      <h1 class="kern-heading-large">
        {L(ctx, 'Offene Daten: externe Datensätze', 'Open data: external datasets')}
      </h1>
      {props.notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p>{props.notice}</p>
          </div>
        </div>
      )}
      <p>
        {L(
          ctx,
          'Alle Daten der Plattform stehen automatisch im Katalog. Hier nehmen Sie Datensätze auf, die anderswo liegen, z. B. Bebauungspläne als PDF und GeoJSON im Geoportal.',
          'All platform data is in the catalog automatically. Here you add datasets kept elsewhere.',
        )}{' '}
        <a class="kern-link" href="/opendata/">
          {L(ctx, 'Zum Katalog', 'To the catalog')}
        </a>
      </p>
      <TableWrap label={L(ctx, 'Externe Datensätze', 'External datasets')}>
        <table class="kern-table">
          <thead>
            <tr>
              <th scope="col">{L(ctx, 'Titel', 'Title')}</th>
              <th scope="col">{L(ctx, 'Kennung', 'Identifier')}</th>
              <th scope="col">{L(ctx, 'Aktion', 'Action')}</th>
            </tr>
          </thead>
          <tbody>
            {props.list.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <a class="kern-link" href={`/opendata/datasets/${d.slug}`}>
                    {d.title}
                  </a>
                </th>
                <td>{d.slug}</td>
                <td>
                  <form method="post" action={ctx.href(`/admin/opendata/${d.id}/loeschen`)}>
                    <CsrfField ctx={ctx} />
                    <button class="kern-btn kern-btn--tertiary" type="submit">
                      <span class="kern-label">
                        {L(ctx, 'Entfernen', 'Remove')}
                        <span class="sp-visually-hidden"> – {d.title}</span>
                      </span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <form method="post" action={ctx.href('/admin/opendata')} class="sp-admin-form" novalidate>
        <h2 class="kern-heading-medium">{L(ctx, 'Datensatz aufnehmen', 'Add a dataset')}</h2>
        <ErrorSummary ctx={ctx} errors={errors} />
        <CsrfField ctx={ctx} />
        <SelectField
          ctx={ctx}
          name="city"
          label={L(ctx, 'Herausgeber', 'Publisher')}
          value={values.city}
          error={errors.city}
          options={props.cities.map((c) => ({ value: c.slug, label: `Stadt ${c.name}` }))}
        />
        {f.text('title', L(ctx, 'Titel', 'Title'), { maxLength: 200 })}
        {f.text('slug', L(ctx, 'Kennung', 'Identifier'), {
          hint: L(ctx, 'Teil der Adresse, z. B. aalen-bebauungsplaene', 'Part of the URL'),
          maxLength: 81,
        })}
        {f.area('description', L(ctx, 'Beschreibung', 'Description'))}
        <SelectField
          ctx={ctx}
          name="theme"
          label={L(ctx, 'Thema', 'Theme')}
          value={values.theme}
          error={errors.theme}
          options={(Object.keys(THEMES) as Theme[]).map((t) => ({ value: t, label: THEMES[t][ctx.locale] }))}
        />
        {f.text('keywords', L(ctx, 'Schlagwörter', 'Keywords'), {
          hint: L(ctx, 'Durch Komma getrennt', 'Comma-separated'),
          optional: true,
        })}
        <SelectField
          ctx={ctx}
          name="license"
          label={L(ctx, 'Lizenz', 'Licence')}
          value={values.license}
          error={errors.license}
          options={LICENSES.map((l) => ({ value: l.iri, label: l.label }))}
        />
        {f.text('landingPage', L(ctx, 'Webseite zum Datensatz', 'Landing page'), {
          type: 'url',
          optional: true,
        })}
        {Array.from({ length: DIST_ROWS }, (_, i) => (
          <fieldset class="kern-fieldset" key={i}>
            <legend class="kern-label">{L(ctx, `Datei ${i + 1}`, `File ${i + 1}`)}</legend>
            <TextField
              ctx={ctx}
              name={`dist-${i}-title`}
              label={L(ctx, 'Bezeichnung', 'Label')}
              value={values[`dist-${i}-title`]}
              optional
            />
            <TextField
              ctx={ctx}
              name={`dist-${i}-url`}
              type="url"
              label={L(ctx, 'Adresse (URL)', 'Address (URL)')}
              value={values[`dist-${i}-url`]}
              error={errors[`dist-${i}-url`]}
              optional={i > 0}
            />
            <SelectField
              ctx={ctx}
              name={`dist-${i}-format`}
              label={L(ctx, 'Format', 'Format')}
              value={values[`dist-${i}-format`]}
              error={errors[`dist-${i}-format`]}
              options={Object.keys(FILE_TYPES).map((f) => ({ value: f, label: f }))}
            />
          </fieldset>
        ))}
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">{L(ctx, 'Aufnehmen', 'Add')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

export async function opendataAdminRoutes(app: FastifyInstance) {
  const db = app.database.db;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Values,
    errors: FieldErrors,
    status = 200,
  ) {
    const user = requireStaff(request, 'admin', 'any');
    const { cities } = await app.tenancy();
    const ids = citiesWithRole(user, 'admin');
    const mine = ids === 'all' ? cities : cities.filter((c) => ids.includes(c.id));
    const [ctx, list] = await Promise.all([request.pageContext(), listExternal(db, ids)]);
    const ok = (request.query as { ok?: string }).ok;
    const notice =
      ok === 'neu'
        ? 'Der Datensatz steht jetzt im Katalog.'
        : ok === 'entfernt'
          ? 'Der Datensatz ist entfernt.'
          : undefined;
    return reply.page(h(ExternalPage, { ctx, list, cities: mine, values, errors, notice }), status);
  }

  app.get('/admin/opendata', { schema: { hide: true } }, async (request, reply) =>
    render(request, reply, { license: DEFAULT_LICENSE, theme: 'REGI' }, {}),
  );

  app.post('/admin/opendata', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const body = request.body as Record<string, unknown>;
    const values: Values = {};
    for (const k of ['city', 'title', 'slug', 'description', 'theme', 'keywords', 'license', 'landingPage'])
      values[k] = formString(body, k).trim().slice(0, 5000);
    for (let i = 0; i < DIST_ROWS; i++)
      for (const f of ['title', 'url', 'format'])
        values[`dist-${i}-${f}`] = formString(body, `dist-${i}-${f}`).trim().slice(0, 2000);
    const { cities } = await app.tenancy();
    const city = cities.find((c) => c.slug === values.city);
    const input: ExternalInput = {
      cityId: city?.id ?? null,
      slug: values.slug!,
      title: values.title!,
      description: values.description!,
      theme: values.theme as Theme,
      keywords: values
        .keywords!.split(',')
        .map((k) => k.trim())
        .filter(Boolean)
        .slice(0, 20),
      license: values.license!,
      landingPage: values.landingPage || null,
      distributions: Array.from({ length: DIST_ROWS }, (_, i) => i)
        .filter((i) => i === 0 || values[`dist-${i}-url`])
        .map((i) => {
          const format = values[`dist-${i}-format`]!;
          return {
            title: values[`dist-${i}-title`] || `${values.title} (${format})`,
            url: values[`dist-${i}-url`]!,
            format,
            mediaType: FILE_TYPES[format] ?? 'application/octet-stream',
          };
        }),
    };
    const errors = validateExternal(input);
    if (!city) errors.city = 'Wählen Sie den Herausgeber.';
    else requireStaff(request, 'admin', city.id);
    if (Object.keys(errors).length === 0) {
      const r = await db.transaction(async (tx) => {
        const id = await createExternal(tx, input, user.id);
        if (id !== 'taken')
          await audit(tx, {
            actorId: user.id,
            cityId: city!.id,
            action: 'opendata.external.create',
            entityType: 'opendata_external_dataset',
            entityId: String(id),
            details: { slug: input.slug },
          });
        return id;
      });
      if (r !== 'taken') return reply.redirect('/admin/opendata?ok=neu', 303);
      errors.slug = 'Diese Kennung ist schon vergeben.';
    }
    return render(request, reply, values, errors, 422);
  });

  app.post<{ Params: { id: string } }>(
    '/admin/opendata/:id/loeschen',
    { schema: { hide: true } },
    async (request, reply) => {
      const d = await externalById(db, Number(request.params.id) || 0);
      if (!d) throw notFound('Diesen Datensatz gibt es nicht.');
      const user = requireStaff(request, 'admin', d.city_id);
      await db.transaction(async (tx) => {
        await deleteExternal(tx, d.id);
        await audit(tx, {
          actorId: user.id,
          cityId: d.city_id,
          action: 'opendata.external.delete',
          entityType: 'opendata_external_dataset',
          entityId: String(d.id),
          details: { slug: d.slug },
        });
      });
      return reply.redirect('/admin/opendata?ok=entfernt', 303);
    },
  );
}
