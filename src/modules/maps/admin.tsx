/** Staff pages of the map: layers (GeoJSON upload, contribution layers) and moderation of contributions. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AdminLayout, registerAdminSection, requireStaff } from '../../platform/admin/index.ts';
import { audit } from '../../platform/audit/service.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { forbidden, notFound } from '../../platform/http/errors.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { CurrentUser, PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  fieldKit,
  formString,
} from '../../platform/web/forms.tsx';
import { addMessages } from '../../platform/web/i18n.ts';
import { TableWrap } from '../../platform/web/table.tsx';
import { DEFAULT_LICENSE, LICENSES } from '../opendata/service.ts';
import { FileField, L } from './pages.tsx';
import {
  type ContributionRow,
  canModerateLayer,
  contributionById,
  createLayer,
  deleteLayer,
  type FeatureInput,
  listOwnLayers,
  moderateContribution,
  type OwnLayerRow,
  ownLayerById,
  parseGeoJson,
  pendingContributions,
  setContributionsOpen,
} from './service.ts';

addMessages({
  de: {
    'admin.maps': 'Karte',
    'admin.maps.text': 'Kartenebenen hochladen, Beteiligungen auf der Karte öffnen, Beiträge moderieren.',
  },
  en: {
    'admin.maps': 'Map',
    'admin.maps.text': 'Upload map layers, open map consultations, moderate contributions.',
  },
});

const some = (c: number[] | 'all') => c === 'all' || c.length > 0;
registerAdminSection({
  href: '/admin/karte',
  label: 'admin.maps',
  description: 'admin.maps.text',
  visible: (user) => some(citiesWithRole(user, 'admin')) || some(citiesWithRole(user, 'moderator')),
  sort: 40,
});

const dt = (d: Date) =>
  new Intl.DateTimeFormat('de-DE', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(d));

interface LayerValues {
  city: string;
  kind: string;
  title: string;
  slug: string;
  description: string;
  question: string;
  color: string;
  license: string;
  geojson: string;
}

const emptyLayer: LayerValues = {
  city: '',
  kind: 'upload',
  title: '',
  slug: '',
  description: '',
  question: '',
  color: '#00537a',
  license: DEFAULT_LICENSE,
  geojson: '',
};

function LayersPage(props: {
  ctx: PageContext;
  layers: OwnLayerRow[];
  cities: City[];
  adminCities: City[];
  pending: ContributionRow[];
  values: LayerValues;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, values, errors } = props;
  const f = fieldKit(ctx, { ...values }, errors);
  const cityName = (id: number | null) => props.cities.find((c) => c.id === id)?.shortName ?? ctx.region.name;
  return (
    <AdminLayout ctx={ctx} title={L(ctx, 'Karte', 'Map')}>
      <h1 class="kern-heading-large">
        {L(ctx, 'Karte: Ebenen und Beiträge', 'Map: layers and contributions')}
      </h1>
      {props.notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p>{props.notice}</p>
          </div>
        </div>
      )}
      <h2 class="kern-heading-medium" id="moderation">
        {L(
          ctx,
          `Beiträge zur Prüfung (${props.pending.length})`,
          `Contributions to review (${props.pending.length})`,
        )}
      </h2>
      {props.pending.length === 0 ? (
        <p>{L(ctx, 'Keine offenen Beiträge.', 'Nothing to review.')}</p>
      ) : (
        <ul class="sp-moderation">
          {props.pending.map((c) => (
            <li key={c.id}>
              <p>
                <strong>{c.layer_title}</strong> · {cityName(c.city_id)} · {dt(c.created_at)} ·{' '}
                {c.kind === 'ST_Point' ? L(ctx, 'Punkt', 'Point') : L(ctx, 'Linie', 'Line')}{' '}
                {c.lat.toFixed(5)}, {c.lon.toFixed(5)} {c.has_photo && L(ctx, '· mit Foto', '· with photo')}
              </p>
              <blockquote>{c.comment}</blockquote>
              <form method="post" action={ctx.href(`/admin/karte/beitraege/${c.id}`)} class="sp-inline-form">
                <CsrfField ctx={ctx} />
                <button class="kern-btn kern-btn--primary" type="submit" name="decision" value="published">
                  <span class="kern-label">
                    {L(ctx, 'Veröffentlichen', 'Publish')}
                    <span class="sp-visually-hidden"> – {c.comment.slice(0, 60)}</span>
                  </span>
                </button>{' '}
                <button class="kern-btn kern-btn--secondary" type="submit" name="decision" value="rejected">
                  <span class="kern-label">
                    {L(ctx, 'Ablehnen', 'Reject')}
                    <span class="sp-visually-hidden"> – {c.comment.slice(0, 60)}</span>
                  </span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h2 class="kern-heading-medium">{L(ctx, 'Ebenen', 'Layers')}</h2>
      <TableWrap label={L(ctx, 'Ebenen', 'Layers')}>
        <table class="kern-table">
          <thead>
            <tr>
              <th scope="col">{L(ctx, 'Titel', 'Title')}</th>
              <th scope="col">{L(ctx, 'Stadt', 'City')}</th>
              <th scope="col">{L(ctx, 'Art', 'Kind')}</th>
              <th scope="col">{L(ctx, 'Objekte', 'Items')}</th>
              <th scope="col">{L(ctx, 'Aktionen', 'Actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.layers.map((l) => (
              <tr key={l.id}>
                <th scope="row">{l.title}</th>
                <td>{cityName(l.city_id)}</td>
                <td>
                  {l.kind === 'upload'
                    ? L(ctx, 'Hochgeladen', 'Uploaded')
                    : `${L(ctx, 'Beteiligung', 'Consultation')} (${l.contributions_open ? L(ctx, 'offen', 'open') : L(ctx, 'geschlossen', 'closed')})`}
                </td>
                <td>
                  {l.features}
                  {l.pending ? ` (+${l.pending} ${L(ctx, 'in Prüfung', 'pending')})` : ''}
                </td>
                <td>
                  {l.kind === 'contributions' && (
                    <form
                      method="post"
                      action={ctx.href(`/admin/karte/${l.id}/beitraege`)}
                      class="sp-inline-form"
                    >
                      <CsrfField ctx={ctx} />
                      <input type="hidden" name="open" value={l.contributions_open ? 'false' : 'true'} />
                      <button class="kern-btn kern-btn--secondary" type="submit">
                        <span class="kern-label">
                          {l.contributions_open ? L(ctx, 'Schließen', 'Close') : L(ctx, 'Öffnen', 'Open')}
                          <span class="sp-visually-hidden"> – {l.title}</span>
                        </span>
                      </button>
                    </form>
                  )}
                  <form
                    method="post"
                    action={ctx.href(`/admin/karte/${l.id}/loeschen`)}
                    class="sp-inline-form"
                  >
                    <CsrfField ctx={ctx} />
                    <button class="kern-btn kern-btn--tertiary" type="submit">
                      <span class="kern-label">
                        {L(ctx, 'Löschen', 'Delete')}
                        <span class="sp-visually-hidden"> – {l.title}</span>
                      </span>
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {props.adminCities.length > 0 && (
        <form
          method="post"
          action={ctx.href('/admin/karte')}
          enctype="multipart/form-data"
          class="sp-admin-form"
          novalidate
        >
          <h2 class="kern-heading-medium" id="neu">
            {L(ctx, 'Neue Ebene', 'New layer')}
          </h2>
          <ErrorSummary ctx={ctx} errors={errors} />
          <CsrfField ctx={ctx} />
          {f.select(
            'city',
            L(ctx, 'Stadt', 'City'),
            props.adminCities.map((c) => ({ value: c.slug, label: c.name })),
          )}
          {f.select('kind', L(ctx, 'Art', 'Kind'), [
            {
              value: 'upload',
              label: L(ctx, 'GeoJSON hochladen (z. B. Bebauungspläne, Spielplätze)', 'Upload GeoJSON'),
            },
            {
              value: 'contributions',
              label: L(
                ctx,
                'Beteiligung: Bürgerinnen und Bürger tragen ein',
                'Consultation: citizens add items',
              ),
            },
          ])}
          {f.text('title', L(ctx, 'Titel', 'Title'), { maxLength: 200 })}
          {f.text('slug', L(ctx, 'Kennung in Adressen', 'Identifier in URLs'), {
            hint: L(
              ctx,
              'Kleinbuchstaben, Ziffern und Bindestriche, z. B. radwege',
              'Lower-case letters, digits, hyphens',
            ),
            maxLength: 61,
          })}
          {f.area('description', L(ctx, 'Beschreibung', 'Description'), { optional: true })}
          {f.text(
            'question',
            L(ctx, 'Frage an die Bürgerinnen und Bürger (nur Beteiligung)', 'Question (consultation only)'),
            {
              hint: L(ctx, 'z. B. Wo fehlen Fahrradbügel?', 'e.g. Where are bike racks missing?'),
              maxLength: 300,
              optional: true,
            },
          )}
          {/* Hand-written: a colour picker, which TextField does not offer. */}
          <div class={errors.color ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
            <label class="kern-label" for={fieldId('color')}>
              {L(ctx, 'Farbe', 'Colour')}
            </label>
            {errors.color && (
              <p class="kern-error" id={`${fieldId('color')}-error`}>
                {errors.color}
              </p>
            )}
            <input
              class="kern-form-input__input sp-color"
              type="color"
              id={fieldId('color')}
              name="color"
              value={values.color}
              aria-describedby={errors.color ? `${fieldId('color')}-error` : undefined}
              aria-invalid={errors.color ? 'true' : undefined}
            />
          </div>
          {f.select(
            'license',
            L(ctx, 'Lizenz im Open-Data-Katalog', 'Licence in the open data catalog'),
            LICENSES.map((l) => ({ value: l.iri, label: l.label })),
          )}
          <FileField
            ctx={ctx}
            name="file"
            label={L(ctx, 'GeoJSON-Datei (nur Hochladen)', 'GeoJSON file (upload only)')}
            hint={L(
              ctx,
              'FeatureCollection in WGS84, höchstens 100.000 Objekte. Eigenschaften „name“ und „url“ (Link zum Dokument) werden angezeigt.',
              'FeatureCollection in WGS84, at most 100,000 features. Properties “name” and “url” are shown.',
            )}
            error={errors.file}
            accept=".geojson,.json,application/geo+json,application/json"
          />
          <button class="kern-btn kern-btn--primary" type="submit">
            <span class="kern-label">{L(ctx, 'Ebene anlegen', 'Create layer')}</span>
          </button>
        </form>
      )}
    </AdminLayout>
  );
}

function staffCities(user: CurrentUser, cities: City[], role: 'admin' | 'moderator'): City[] {
  const ids = citiesWithRole(user, role);
  return ids === 'all' ? cities : cities.filter((c) => ids.includes(c.id));
}

export async function mapAdminRoutes(app: FastifyInstance) {
  const db = app.database.db;

  async function page(
    request: FastifyRequest,
    reply: FastifyReply,
    values = emptyLayer,
    errors: FieldErrors = {},
    status = 200,
  ) {
    const user = request.user!;
    const { cities } = await app.tenancy();
    const adminCities = staffCities(user, cities, 'admin');
    const modCities = [...new Set([...adminCities, ...staffCities(user, cities, 'moderator')])];
    const adminIds = citiesWithRole(user, 'admin');
    const modIds = citiesWithRole(user, 'moderator');
    const all = adminIds === 'all' || modIds === 'all';
    const [ctx, layers, pending] = await Promise.all([
      request.pageContext(),
      listOwnLayers(db, adminIds),
      pendingContributions(db, all ? 'all' : modCities.map((c) => c.id)),
    ]);
    const q = request.query as { ok?: string };
    const notice = {
      neu: 'Die Ebene ist angelegt.',
      moderiert: 'Der Beitrag ist moderiert.',
      geaendert: 'Gespeichert.',
      geloescht: 'Die Ebene ist gelöscht.',
    }[q.ok ?? ''];
    return reply.page(
      h(LayersPage, { ctx, layers, cities, adminCities, pending, values, errors, notice }),
      status,
    );
  }

  const guard = (request: FastifyRequest) => {
    const user = request.user;
    const isAdmin = user && some(citiesWithRole(user, 'admin'));
    if (isAdmin) return user;
    return requireStaff(request, 'moderator', 'any');
  };

  app.get('/admin/karte', { schema: { hide: true } }, async (request, reply) => {
    guard(request);
    return page(request, reply);
  });

  app.post('/admin/karte', { schema: { hide: true } }, async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const body = request.body as Record<string, unknown>;
    const values: LayerValues = {
      city: formString(body, 'city'),
      kind: formString(body, 'kind') === 'contributions' ? 'contributions' : 'upload',
      title: formString(body, 'title').trim().slice(0, 300),
      slug: formString(body, 'slug').trim().toLowerCase().slice(0, 80),
      description: formString(body, 'description').trim().slice(0, 5000),
      question: formString(body, 'question').trim().slice(0, 400),
      color: formString(body, 'color').toLowerCase() || '#00537a',
      license: formString(body, 'license') || DEFAULT_LICENSE,
      geojson: '',
    };
    const { cities } = await app.tenancy();
    const city = cities.find((c) => c.slug === values.city);
    const errors: FieldErrors = {};
    if (!city) errors.city = 'Wählen Sie eine Stadt.';
    else requireStaff(request, 'admin', city.id);
    if (!values.title) errors.title = 'Geben Sie einen Titel ein.';
    else if (values.title.length > 200) errors.title = 'Der Titel darf höchstens 200 Zeichen lang sein.';
    if (!/^[a-z0-9][a-z0-9-]{1,60}$/.test(values.slug))
      errors.slug = 'Die Kennung besteht aus 2 bis 61 Kleinbuchstaben, Ziffern und Bindestrichen.';
    if (values.description.length > 4000)
      errors.description = 'Die Beschreibung darf höchstens 4000 Zeichen lang sein.';
    if (!/^#[0-9a-f]{6}$/.test(values.color)) errors.color = 'Wählen Sie eine Farbe.';
    if (!LICENSES.some((l) => l.iri === values.license)) errors.license = 'Wählen Sie eine Lizenz.';
    if (values.kind === 'contributions' && !values.question)
      errors.question = 'Stellen Sie eine Frage, auf die Bürgerinnen und Bürger antworten.';
    let features: FeatureInput[] = [];
    if (values.kind === 'upload') {
      const file = body.file;
      if (!Buffer.isBuffer(file) || file.length === 0) errors.file = 'Wählen Sie eine GeoJSON-Datei.';
      else {
        const parsed = parseGeoJson(file.toString('utf8'));
        if ('error' in parsed) errors.file = parsed.error;
        else features = parsed.features;
      }
    }
    if (Object.keys(errors).length === 0) {
      const id = await db.transaction(async (tx) => {
        const r = await createLayer(
          tx,
          {
            cityId: city!.id,
            slug: values.slug,
            kind: values.kind as 'upload' | 'contributions',
            title: values.title,
            description: values.description,
            question: values.kind === 'contributions' ? values.question : null,
            color: values.color,
            license: values.license,
          },
          features,
          user.id,
        );
        if (r !== 'taken')
          await audit(tx, {
            actorId: user.id,
            cityId: city!.id,
            action: 'map.layer.create',
            entityType: 'map_layer',
            entityId: String(r),
            details: { title: values.title, kind: values.kind, features: features.length },
          });
        return r;
      });
      if (id !== 'taken') return reply.redirect('/admin/karte?ok=neu', 303);
      errors.slug = 'Diese Kennung gibt es in dieser Stadt schon.';
    }
    return page(request, reply, values, errors, 422);
  });

  async function layerFor(request: FastifyRequest, idText: string) {
    const layer = await ownLayerById(db, Number(idText) || 0);
    if (!layer) throw notFound('Diese Ebene gibt es nicht.');
    const user = requireStaff(request, 'admin', layer.city_id);
    return { layer, user };
  }

  app.post<{ Params: { id: string } }>(
    '/admin/karte/:id/beitraege',
    { schema: { hide: true } },
    async (request, reply) => {
      const { layer, user } = await layerFor(request, request.params.id);
      const open = formString(request.body, 'open') === 'true';
      await db.transaction(async (tx) => {
        await setContributionsOpen(tx, layer.id, open);
        await audit(tx, {
          actorId: user.id,
          cityId: layer.city_id,
          action: open ? 'map.layer.open' : 'map.layer.close',
          entityType: 'map_layer',
          entityId: String(layer.id),
        });
      });
      return reply.redirect('/admin/karte?ok=geaendert', 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/karte/:id/loeschen',
    { schema: { hide: true } },
    async (request, reply) => {
      const { layer, user } = await layerFor(request, request.params.id);
      await db.transaction(async (tx) => {
        await deleteLayer(tx, layer.id);
        await audit(tx, {
          actorId: user.id,
          cityId: layer.city_id,
          action: 'map.layer.delete',
          entityType: 'map_layer',
          entityId: String(layer.id),
          details: { title: layer.title },
        });
      });
      return reply.redirect('/admin/karte?ok=geloescht', 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/karte/beitraege/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      if (!request.user) guard(request);
      const c = await contributionById(db, Number(request.params.id) || 0);
      if (!c) throw notFound('Diesen Beitrag gibt es nicht.');
      if (!canModerateLayer(request.user, c.city_id)) throw forbidden();
      const decision = formString(request.body, 'decision');
      if (decision !== 'published' && decision !== 'rejected')
        return page(request, reply, emptyLayer, {}, 422);
      await db.transaction(async (tx) => {
        await moderateContribution(tx, c.id, decision, request.user!.id);
        await audit(tx, {
          actorId: request.user!.id,
          cityId: c.city_id,
          action: `map.contribution.${decision}`,
          entityType: 'map_contribution',
          entityId: String(c.id),
        });
      });
      return reply.redirect('/admin/karte?ok=moderiert', 303);
    },
  );
}
