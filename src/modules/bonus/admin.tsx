import { AdminLayout, registerAdminSection } from '../../platform/admin/layout.tsx';
import { citiesWithRole } from '../../platform/auth/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  SelectField,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { addMessages } from '../../platform/web/i18n.ts';
import { TableWrap } from '../../platform/web/table.tsx';
import { QrImage } from './pages.tsx';

addMessages({
  de: {
    'bonus.admin.title': 'Stadttaler: Check-in-Orte',
    'bonus.admin.text':
      'QR-Codes der Check-in-Orte zum Ausdrucken und die Stele-Ansicht mit wechselndem Code.',
    'bonus.admin.none': 'Für Ihre Städte gibt es noch keine Check-in-Orte.',
    'bonus.admin.place': 'Ort',
    'bonus.admin.action': 'Aktion',
    'bonus.admin.code': 'Adresse für den QR-Code',
    'bonus.admin.static': 'Gedruckter Code (Version {v})',
    'bonus.admin.rotating': 'Wechselnder Code: Stele-Ansicht öffnen',
    'bonus.admin.stele.title': 'Stele: {place}',
    'bonus.admin.stele.text':
      'Dieser Code gilt {seconds} Sekunden und den nächsten Zeitraum. Die Seite lädt sich von selbst neu.',
    'bonus.adjust.title': 'Stadttaler: Korrektur buchen',
    'bonus.adjust.text':
      'Korrekturen werden nie überschrieben: Jede Korrektur ist eine eigene Buchung mit Grund und steht im Prüfprotokoll.',
    'bonus.adjust.email': 'E-Mail-Adresse der Person',
    'bonus.adjust.city': 'Stadt, die die Punkte trägt',
    'bonus.adjust.points': 'Punkte',
    'bonus.adjust.pointsHint': 'Positiv schreibt gut, negativ zieht ab. Zum Beispiel 50 oder -20.',
    'bonus.adjust.reason': 'Grund',
    'bonus.adjust.submit': 'Korrektur buchen',
    'bonus.adjust.done': 'Gebucht: {points} Punkte (Buchung {id}). Neues Guthaben: {balance} Punkte.',
  },
  en: {
    'bonus.admin.title': 'Stadttaler: check-in places',
    'bonus.admin.text':
      'QR codes of the check-in places for printing, and the stele view with a rotating code.',
    'bonus.admin.none': 'There are no check-in places for your cities yet.',
    'bonus.admin.place': 'Place',
    'bonus.admin.action': 'Action',
    'bonus.admin.code': 'Address for the QR code',
    'bonus.admin.static': 'Printed code (version {v})',
    'bonus.admin.rotating': 'Rotating code: open the stele view',
    'bonus.admin.stele.title': 'Stele: {place}',
    'bonus.admin.stele.text':
      'This code is valid for {seconds} seconds and the next window. The page reloads itself.',
  },
});

registerAdminSection({
  href: '/admin/bonus',
  label: 'bonus.admin.title',
  description: 'bonus.admin.text',
  visible: (user) => {
    const cities = citiesWithRole(user, 'editor');
    return cities === 'all' || cities.length > 0;
  },
  sort: 30,
});

export interface AdminPlace {
  id: number;
  cityName: string;
  name: string;
  actionName: string;
  points: number;
  codeKind: 'static' | 'rotating';
  codeVersion: number;
  /** Check-in URL of a printed code; rotating codes have none to print. */
  url: string | undefined;
}

export function AdminPlacesPage({ ctx, places }: { ctx: PageContext; places: AdminPlace[] }) {
  const title = ctx.t('bonus.admin.title');
  return (
    <AdminLayout ctx={ctx} title={title} crumbs={[{ label: title }]}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{ctx.t('bonus.admin.text')}</p>
      {places.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.admin.none')}</p>
      ) : (
        <TableWrap label={ctx.t('bonus.admin.title')}>
          <table class="kern-table">
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.admin.place')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.admin.action')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.admin.code')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {places.map((p) => (
                <tr class="kern-table__row" key={p.id}>
                  <td class="kern-table__cell">
                    {p.name} ({p.cityName})
                  </td>
                  <td class="kern-table__cell">
                    {p.actionName}: {p.points}
                  </td>
                  <td class="kern-table__cell">
                    {p.url ? (
                      <>
                        {ctx.t('bonus.admin.static', { v: p.codeVersion })}:{' '}
                        <code class="sp-code">{p.url}</code>{' '}
                        <a class="kern-link" href={`/admin/bonus/orte/${p.id}/qr.svg`} download>
                          {ctx.t('bonus.admin.qr')}
                          <span class="sp-visually-hidden">: {p.name}</span>
                        </a>
                      </>
                    ) : (
                      <a class="kern-link" href={ctx.href(`/admin/bonus/orte/${p.id}/stele`)}>
                        {ctx.t('bonus.admin.rotating')}
                        <span class="sp-visually-hidden">: {p.name}</span>
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </AdminLayout>
  );
}

export function StelePage({
  ctx,
  place,
  url,
  seconds,
  qr,
}: {
  ctx: PageContext;
  place: string;
  url: string;
  seconds: number;
  qr: string;
}) {
  const title = ctx.t('bonus.admin.stele.title', { place });
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: ctx.t('bonus.admin.title'), href: '/admin/bonus' }, { label: place }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{ctx.t('bonus.admin.stele.text', { seconds })}</p>
      <QrImage svg={qr} label={title} large />
      <p class="kern-heading-medium">
        <code class="sp-code">{url}</code>
      </p>
    </AdminLayout>
  );
}

registerAdminSection({
  href: '/admin/bonus/korrektur',
  label: 'bonus.adjust.title',
  description: 'bonus.adjust.text',
  visible: (user) => {
    const cities = citiesWithRole(user, 'admin');
    return cities === 'all' || cities.length > 0;
  },
  sort: 31,
});

export interface AdjustValues {
  email: string;
  city: string;
  points: string;
  reason: string;
}

export function AdjustPage({
  ctx,
  cities,
  values,
  errors,
  done,
}: {
  ctx: PageContext;
  cities: { slug: string; name: string }[];
  values: AdjustValues;
  errors?: FieldErrors;
  done?: { id: number; points: number; balance: number };
}) {
  const title = ctx.t('bonus.adjust.title');
  return (
    <AdminLayout ctx={ctx} title={title} crumbs={[{ label: title }]}>
      <h1 class="kern-heading-large">{title}</h1>
      {errors && <ErrorSummary ctx={ctx} errors={errors} />}
      {done && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">{ctx.t('bonus.adjust.done', done)}</p>
          </div>
        </div>
      )}
      <p class="kern-body">{ctx.t('bonus.adjust.text')}</p>
      <form method="post" action={ctx.href('/admin/bonus/korrektur')} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="email"
          type="email"
          label={ctx.t('bonus.adjust.email')}
          value={values.email}
          error={errors?.email}
          autocomplete="off"
          maxLength={254}
        />
        <SelectField
          ctx={ctx}
          name="city"
          label={ctx.t('bonus.adjust.city')}
          value={values.city}
          error={errors?.city}
          options={cities.map((c) => ({ value: c.slug, label: c.name }))}
        />
        <TextField
          ctx={ctx}
          name="points"
          label={ctx.t('bonus.adjust.points')}
          hint={ctx.t('bonus.adjust.pointsHint')}
          value={values.points}
          error={errors?.points}
          inputMode="numeric"
          maxLength={7}
        />
        <TextArea
          ctx={ctx}
          name="reason"
          label={ctx.t('bonus.adjust.reason')}
          value={values.reason}
          error={errors?.reason}
          rows={3}
          maxLength={500}
        />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{ctx.t('bonus.adjust.submit')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}
