/** Staff pages: monthly settlement and clearing, anomaly flags, campaigns. */
import { AdminLayout, registerAdminSection } from '../../platform/admin/layout.tsx';
import { citiesWithRole } from '../../platform/auth/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  SelectField,
  TextField,
} from '../../platform/web/forms.tsx';
import { addMessages } from '../../platform/web/i18n.ts';
import { TableWrap } from '../../platform/web/table.tsx';
import { netClearing, type PeriodFigures } from './clearing.ts';
import type { Anomaly } from './insights.ts';
import { dateTime, euro, num } from './pages.tsx';
import type { PartnerAdminRow } from './partner.ts';

addMessages({
  de: {
    'bonus.clearing.title': 'Stadttaler: Abrechnung und Clearing',
    'bonus.clearing.text':
      'Monatliche Abrechnung je Partner und Ausgleich zwischen den Städten. Ein abgeschlossener Monat ist endgültig.',
    'bonus.clearing.month': 'Monat',
    'bonus.clearing.status': 'Stand',
    'bonus.clearing.open': 'offen',
    'bonus.clearing.closed': 'abgeschlossen',
    'bonus.clearing.redemptions': 'Einlösungen',
    'bonus.clearing.points': 'Punkte',
    'bonus.clearing.euro': 'Euro',
    'bonus.clearing.none': 'Noch keine Buchungen.',
    'bonus.clearing.monthTitle': 'Abrechnung {month}',
    'bonus.clearing.liveNote':
      'Der Monat ist offen: Die Zahlen werden bei jedem Aufruf aus dem Hauptbuch berechnet.',
    'bonus.clearing.closedNote': 'Abgeschlossen am {date}. Diese Zahlen ändern sich nicht mehr.',
    'bonus.clearing.partners': 'Abrechnung je Partner',
    'bonus.clearing.partner': 'Partner',
    'bonus.clearing.city': 'Stadt',
    'bonus.clearing.matrix': 'Clearing zwischen den Städten',
    'bonus.clearing.matrixText':
      'Zeile: Stadt, die die Punkte ausgegeben hat. Spalte: Stadt des Partners, bei dem sie eingelöst wurden. Jede Einlösung wird anteilig nach der Herkunft der Punkte im Konto aufgeteilt.',
    'bonus.clearing.issuing': 'Ausgegeben von ↓ / eingelöst in →',
    'bonus.clearing.net': 'Ausgleich',
    'bonus.clearing.netRow': '{from} zahlt an {to}: {points} Punkte ({euro})',
    'bonus.clearing.netNone': 'Kein Ausgleich nötig.',
    'bonus.clearing.csvPartners': 'Abrechnung als CSV',
    'bonus.clearing.csvMatrix': 'Clearing als CSV',
    'bonus.clearing.close': 'Monat abschließen',
    'bonus.clearing.closeText':
      'Nach dem Abschluss können die Zahlen dieses Monats nicht mehr geändert werden, auch keine nachträglichen Buchungen.',
    'bonus.clearing.confirm': 'Ich habe die Zahlen geprüft und schließe den Monat endgültig ab.',
    'bonus.clearing.confirmError': 'Bitte bestätigen Sie, dass Sie den Monat endgültig abschließen.',
    'bonus.clearing.notYet': 'Der Monat ist noch nicht vorbei; abschließen geht danach.',
    'bonus.clearing.regionOnly': 'Abschließen können Administratorinnen und Administratoren der Region.',
    'bonus.anomaly.title': 'Stadttaler: Auffälligkeiten',
    'bonus.anomaly.text':
      'Muster der letzten 30 Tage, die einen Blick wert sind. Kein Beweis: Prüfen Sie den Fall, bevor Sie Punkte stornieren.',
    'bonus.anomaly.none': 'Keine Auffälligkeiten in den letzten 30 Tagen.',
    'bonus.anomaly.when': 'Wann',
    'bonus.anomaly.kind': 'Muster',
    'bonus.anomaly.who': 'Wer',
    'bonus.anomaly.detail': 'Einzelheiten',
    'bonus.anomaly.travel': 'Unmöglicher Weg zwischen zwei Check-ins',
    'bonus.anomaly.burst': 'Viele Gutschriften in einer Stunde',
    'bonus.anomaly.refusals': 'Viele abgelehnte Einlösungen an einem Tag',
    'bonus.campaign.title': 'Stadttaler: Aktionszeiträume',
    'bonus.campaign.text':
      'Für eine Zeit mehr Punkte, für eine Aktion oder alle Aktionen einer Stadt. Mehrere Zeiträume zugleich zählen nicht doppelt: Es gilt der höchste Faktor.',
    'bonus.campaign.none': 'Keine Aktionszeiträume.',
    'bonus.campaign.label': 'Name',
    'bonus.campaign.action': 'Aktion',
    'bonus.campaign.allActions': 'Alle Aktionen der Stadt',
    'bonus.campaign.city': 'Stadt',
    'bonus.campaign.percent': 'Faktor in Prozent',
    'bonus.campaign.percentHint': '200 heißt doppelte Punkte, 150 anderthalbfache.',
    'bonus.campaign.starts': 'Beginn (Tag)',
    'bonus.campaign.ends': 'Ende (Tag, einschließlich)',
    'bonus.campaign.submit': 'Aktionszeitraum anlegen',
    'bonus.campaign.period': 'Zeitraum',
    'bonus.campaign.created': 'Der Aktionszeitraum ist angelegt.',
    'bonus.partners.title': 'Stadttaler: Partner',
    'bonus.partners.text':
      'Partner freigeben und festlegen, wer für einen Partner Gutscheine einlösen und Aktionen bestätigen darf.',
    'bonus.partners.none': 'Für Ihre Städte gibt es noch keine Partner.',
    'bonus.partners.status.pending': 'wartet auf Freigabe',
    'bonus.partners.status.approved': 'freigegeben',
    'bonus.partners.status.suspended': 'gesperrt',
    'bonus.partners.counts': '{members} Personen, {offers} Prämien',
    'bonus.partners.approve': 'Freigeben',
    'bonus.partners.email': 'E-Mail-Adresse einer Person, die für „{name}“ handeln soll',
    'bonus.partners.add': 'Person hinzufügen',
    'bonus.partners.added': 'Die Person handelt jetzt für „{name}“.',
    'bonus.partners.known': 'Die Person handelt bereits für „{name}“.',
    'bonus.partners.approved': '„{name}“ ist freigegeben.',
  },
  en: {
    'bonus.clearing.title': 'Stadttaler: settlement and clearing',
    'bonus.clearing.text':
      'Monthly settlement per partner and clearing between the cities. A closed month is final.',
    'bonus.clearing.month': 'Month',
    'bonus.clearing.status': 'Status',
    'bonus.clearing.open': 'open',
    'bonus.clearing.closed': 'closed',
    'bonus.clearing.redemptions': 'Redemptions',
    'bonus.clearing.points': 'Points',
    'bonus.clearing.euro': 'Euro',
    'bonus.clearing.none': 'No bookings yet.',
    'bonus.clearing.monthTitle': 'Settlement {month}',
    'bonus.clearing.liveNote': 'The month is open: the figures are computed from the ledger on every visit.',
    'bonus.clearing.closedNote': 'Closed on {date}. These figures no longer change.',
    'bonus.clearing.partners': 'Settlement per partner',
    'bonus.clearing.partner': 'Partner',
    'bonus.clearing.city': 'City',
    'bonus.clearing.matrix': 'Clearing between the cities',
    'bonus.clearing.matrixText':
      "Row: city that issued the points. Column: city of the partner where they were redeemed. Each redemption is split pro rata by the origin of the wallet's points.",
    'bonus.clearing.issuing': 'Issued by ↓ / redeemed in →',
    'bonus.clearing.net': 'Net settlement',
    'bonus.clearing.netRow': '{from} pays {to}: {points} points ({euro})',
    'bonus.clearing.netNone': 'Nothing to settle.',
    'bonus.clearing.csvPartners': 'Settlement as CSV',
    'bonus.clearing.csvMatrix': 'Clearing as CSV',
    'bonus.clearing.close': 'Close the month',
    'bonus.clearing.closeText':
      "After closing, this month's figures cannot change, not even by late bookings.",
    'bonus.clearing.confirm': 'I have checked the figures and close the month for good.',
    'bonus.clearing.confirmError': 'Please confirm that you close the month for good.',
    'bonus.clearing.notYet': 'The month is not over yet; it can be closed afterwards.',
    'bonus.clearing.regionOnly': 'Region administrators can close a month.',
    'bonus.anomaly.title': 'Stadttaler: anomalies',
    'bonus.anomaly.text':
      'Patterns of the last 30 days worth a look. Not proof: check the case before reversing points.',
    'bonus.anomaly.none': 'No anomalies in the last 30 days.',
    'bonus.anomaly.when': 'When',
    'bonus.anomaly.kind': 'Pattern',
    'bonus.anomaly.who': 'Who',
    'bonus.anomaly.detail': 'Details',
    'bonus.anomaly.travel': 'Impossible journey between two check-ins',
    'bonus.anomaly.burst': 'Many credits within an hour',
    'bonus.anomaly.refusals': 'Many refused redemptions in a day',
    'bonus.campaign.title': 'Stadttaler: campaigns',
    'bonus.campaign.text':
      'More points for a while, for one action or all actions of a city. Overlapping campaigns do not stack: the highest factor applies.',
    'bonus.campaign.none': 'No campaigns.',
    'bonus.campaign.label': 'Name',
    'bonus.campaign.action': 'Action',
    'bonus.campaign.allActions': 'All actions of the city',
    'bonus.campaign.city': 'City',
    'bonus.campaign.percent': 'Factor in percent',
    'bonus.campaign.percentHint': '200 means double points, 150 one and a half times.',
    'bonus.campaign.starts': 'Start (day)',
    'bonus.campaign.ends': 'End (day, inclusive)',
    'bonus.campaign.submit': 'Create campaign',
    'bonus.campaign.period': 'Period',
    'bonus.campaign.created': 'The campaign has been created.',
    'bonus.partners.title': 'Stadttaler: partners',
    'bonus.partners.text':
      'Approve partners and decide who may redeem vouchers and confirm actions for a partner.',
    'bonus.partners.none': 'There are no partners for your cities yet.',
    'bonus.partners.status.pending': 'awaiting approval',
    'bonus.partners.status.approved': 'approved',
    'bonus.partners.status.suspended': 'suspended',
    'bonus.partners.counts': '{members} people, {offers} rewards',
    'bonus.partners.approve': 'Approve',
    'bonus.partners.email': 'E-mail address of a person who acts for “{name}”',
    'bonus.partners.add': 'Add person',
    'bonus.partners.added': 'The person now acts for “{name}”.',
    'bonus.partners.known': 'The person already acts for “{name}”.',
    'bonus.partners.approved': '“{name}” is approved.',
  },
});

const adminVisible = (user: Parameters<typeof citiesWithRole>[0]) => {
  const cities = citiesWithRole(user, 'admin');
  return cities === 'all' || cities.length > 0;
};

registerAdminSection({
  href: '/admin/bonus/partner',
  label: 'bonus.partners.title',
  description: 'bonus.partners.text',
  visible: adminVisible,
  sort: 31.5,
});
registerAdminSection({
  href: '/admin/bonus/abrechnung',
  label: 'bonus.clearing.title',
  description: 'bonus.clearing.text',
  visible: adminVisible,
  sort: 32,
});
registerAdminSection({
  href: '/admin/bonus/auffaelligkeiten',
  label: 'bonus.anomaly.title',
  description: 'bonus.anomaly.text',
  visible: adminVisible,
  sort: 33,
});
registerAdminSection({
  href: '/admin/bonus/kampagnen',
  label: 'bonus.campaign.title',
  description: 'bonus.campaign.text',
  visible: adminVisible,
  sort: 34,
});

export function PeriodsPage({
  ctx,
  periods,
}: {
  ctx: PageContext;
  periods: { month: string; status: 'open' | 'closed'; redemptions: number; points: number }[];
}) {
  const title = ctx.t('bonus.clearing.title');
  return (
    <AdminLayout ctx={ctx} title={title} crumbs={[{ label: title }]}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{ctx.t('bonus.clearing.text')}</p>
      {periods.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.clearing.none')}</p>
      ) : (
        <TableWrap label={title}>
          <table class="kern-table">
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.clearing.month')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.clearing.status')}
                </th>
                <th class="kern-table__header kern-table__header--numeric" scope="col">
                  {ctx.t('bonus.clearing.redemptions')}
                </th>
                <th class="kern-table__header kern-table__header--numeric" scope="col">
                  {ctx.t('bonus.clearing.points')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {periods.map((p) => (
                <tr class="kern-table__row" key={p.month}>
                  <td class="kern-table__cell">
                    <a class="kern-link" href={ctx.href(`/admin/bonus/abrechnung/${p.month}`)}>
                      {p.month}
                    </a>
                  </td>
                  <td class="kern-table__cell">{ctx.t(`bonus.clearing.${p.status}`)}</td>
                  <td class="kern-table__cell kern-table__cell--numeric">{num(ctx, p.redemptions)}</td>
                  <td class="kern-table__cell kern-table__cell--numeric">{num(ctx, p.points)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </AdminLayout>
  );
}

export function PeriodPage({
  ctx,
  figures,
  canClose,
  errors,
}: {
  ctx: PageContext;
  figures: PeriodFigures;
  canClose: boolean;
  errors?: FieldErrors;
}) {
  const title = ctx.t('bonus.clearing.monthTitle', { month: figures.month });
  const name = new Map(figures.cities.map((c) => [c.id, c.name]));
  const cell = (i: number, r: number) =>
    figures.clearing.find((c) => c.issuingCityId === i && c.redeemingCityId === r)?.points ?? 0;
  const net = netClearing(figures);
  const base = `/admin/bonus/abrechnung/${figures.month}`;
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[
        { label: ctx.t('bonus.clearing.title'), href: '/admin/bonus/abrechnung' },
        { label: figures.month },
      ]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      {errors && <ErrorSummary ctx={ctx} errors={errors} />}
      <p class="kern-body">
        {figures.status === 'closed'
          ? ctx.t('bonus.clearing.closedNote', { date: dateTime(ctx, figures.closedAt ?? new Date()) })
          : ctx.t('bonus.clearing.liveNote')}
      </p>

      <h2 class="kern-heading-medium">{ctx.t('bonus.clearing.partners')}</h2>
      {figures.settlements.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.clearing.none')}</p>
      ) : (
        <TableWrap label={ctx.t('bonus.clearing.partners')}>
          <table class="kern-table">
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.clearing.partner')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.clearing.city')}
                </th>
                <th class="kern-table__header kern-table__header--numeric" scope="col">
                  {ctx.t('bonus.clearing.redemptions')}
                </th>
                <th class="kern-table__header kern-table__header--numeric" scope="col">
                  {ctx.t('bonus.clearing.points')}
                </th>
                <th class="kern-table__header kern-table__header--numeric" scope="col">
                  {ctx.t('bonus.clearing.euro')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {figures.settlements.map((s) => (
                <tr class="kern-table__row" key={s.partnerId}>
                  <td class="kern-table__cell">{s.partnerName}</td>
                  <td class="kern-table__cell">{s.cityName}</td>
                  <td class="kern-table__cell kern-table__cell--numeric">{num(ctx, s.redemptions)}</td>
                  <td class="kern-table__cell kern-table__cell--numeric">{num(ctx, s.points)}</td>
                  <td class="kern-table__cell kern-table__cell--numeric">{euro(ctx, s.cents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}

      <h2 class="kern-heading-medium">{ctx.t('bonus.clearing.matrix')}</h2>
      <p class="kern-body">{ctx.t('bonus.clearing.matrixText')}</p>
      <TableWrap label={ctx.t('bonus.clearing.matrix')}>
        <table class="kern-table" id="clearing-matrix">
          <thead class="kern-table__head">
            <tr class="kern-table__row">
              <th class="kern-table__header" scope="col">
                {ctx.t('bonus.clearing.issuing')}
              </th>
              {figures.cities.map((c) => (
                <th class="kern-table__header kern-table__header--numeric" scope="col" key={c.id}>
                  {c.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody class="kern-table__body">
            {figures.cities.map((row) => (
              <tr class="kern-table__row" key={row.id}>
                <th class="kern-table__header" scope="row">
                  {row.name}
                </th>
                {figures.cities.map((col) => (
                  <td class="kern-table__cell kern-table__cell--numeric" key={col.id}>
                    {num(ctx, cell(row.id, col.id))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <h3 class="kern-heading-small">{ctx.t('bonus.clearing.net')}</h3>
      {net.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.clearing.netNone')}</p>
      ) : (
        <ul>
          {net.map((n) => (
            <li key={`${n.from}-${n.to}`}>
              {ctx.t('bonus.clearing.netRow', {
                from: name.get(n.from) ?? '',
                to: name.get(n.to) ?? '',
                points: num(ctx, n.points),
                euro: euro(ctx, n.cents),
              })}
            </li>
          ))}
        </ul>
      )}
      <ul>
        <li>
          <a class="kern-link" href={`${base}/partner.csv`} download>
            {ctx.t('bonus.clearing.csvPartners')}
          </a>
        </li>
        <li>
          <a class="kern-link" href={`${base}/clearing.csv`} download>
            {ctx.t('bonus.clearing.csvMatrix')}
          </a>
        </li>
      </ul>

      {figures.status === 'open' && (
        <section aria-labelledby="close-heading">
          <h2 class="kern-heading-medium" id="close-heading">
            {ctx.t('bonus.clearing.close')}
          </h2>
          {!figures.closable ? (
            <p class="kern-body">{ctx.t('bonus.clearing.notYet')}</p>
          ) : !canClose ? (
            <p class="kern-body">{ctx.t('bonus.clearing.regionOnly')}</p>
          ) : (
            <form method="post" action={ctx.href(`${base}/abschliessen`)} novalidate>
              <CsrfField ctx={ctx} />
              <p class="kern-body">{ctx.t('bonus.clearing.closeText')}</p>
              <div class={errors?.confirm ? 'kern-form-check kern-form-check--error' : 'kern-form-check'}>
                {errors?.confirm && (
                  <p class="kern-error" id="f-confirm-error">
                    {errors.confirm}
                  </p>
                )}
                <input
                  class="kern-form-check__checkbox"
                  type="checkbox"
                  id="f-confirm"
                  name="confirm"
                  value="yes"
                  aria-describedby={errors?.confirm ? 'f-confirm-error' : undefined}
                />
                <label class="kern-label" for="f-confirm">
                  {ctx.t('bonus.clearing.confirm')}
                </label>
              </div>
              <button type="submit" class="kern-btn kern-btn--primary">
                <span class="kern-label">{ctx.t('bonus.clearing.close')}</span>
              </button>
            </form>
          )}
        </section>
      )}
    </AdminLayout>
  );
}

export function AnomaliesPage({
  ctx,
  flags,
  cityName,
}: {
  ctx: PageContext;
  flags: Anomaly[];
  cityName: (id: number | null) => string;
}) {
  const title = ctx.t('bonus.anomaly.title');
  return (
    <AdminLayout ctx={ctx} title={title} crumbs={[{ label: title }]}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{ctx.t('bonus.anomaly.text')}</p>
      {flags.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.anomaly.none')}</p>
      ) : (
        <TableWrap label={title}>
          <table class="kern-table">
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.anomaly.when')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.anomaly.kind')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.anomaly.who')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.anomaly.detail')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {flags.map((f, i) => (
                <tr class="kern-table__row" key={i}>
                  <td class="kern-table__cell">{dateTime(ctx, f.at)}</td>
                  <td class="kern-table__cell">
                    {ctx.t(`bonus.anomaly.${f.kind}`)} ({cityName(f.cityId)})
                  </td>
                  <td class="kern-table__cell">{f.subject}</td>
                  <td class="kern-table__cell">{f.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </AdminLayout>
  );
}

export interface CampaignValues {
  label: string;
  city: string;
  action: string;
  percent: string;
  starts: string;
  ends: string;
}

export function CampaignsPage({
  ctx,
  campaigns,
  cities,
  actions,
  values,
  errors,
  created,
}: {
  ctx: PageContext;
  campaigns: { id: number; label: string; scope: string; percent: number; startsAt: Date; endsAt: Date }[];
  cities: { slug: string; name: string }[];
  actions: { id: number; name: string }[];
  values: CampaignValues;
  errors?: FieldErrors;
  created?: boolean;
}) {
  const title = ctx.t('bonus.campaign.title');
  return (
    <AdminLayout ctx={ctx} title={title} crumbs={[{ label: title }]}>
      <h1 class="kern-heading-large">{title}</h1>
      {errors && <ErrorSummary ctx={ctx} errors={errors} />}
      {created && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">{ctx.t('bonus.campaign.created')}</p>
          </div>
        </div>
      )}
      <p class="kern-body">{ctx.t('bonus.campaign.text')}</p>
      {campaigns.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.campaign.none')}</p>
      ) : (
        <ul>
          {campaigns.map((c) => (
            <li key={c.id}>
              <strong>{c.label}</strong>: {c.scope}, {c.percent} % · {dateTime(ctx, c.startsAt)} –{' '}
              {dateTime(ctx, c.endsAt)}
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={ctx.href('/admin/bonus/kampagnen')} novalidate>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="label"
          label={ctx.t('bonus.campaign.label')}
          value={values.label}
          error={errors?.label}
          maxLength={120}
        />
        <SelectField
          ctx={ctx}
          name="city"
          label={ctx.t('bonus.campaign.city')}
          value={values.city}
          error={errors?.city}
          options={cities.map((c) => ({ value: c.slug, label: c.name }))}
        />
        <SelectField
          ctx={ctx}
          name="action"
          label={ctx.t('bonus.campaign.action')}
          value={values.action}
          error={errors?.action}
          options={[
            { value: '', label: ctx.t('bonus.campaign.allActions') },
            ...actions.map((a) => ({ value: String(a.id), label: a.name })),
          ]}
        />
        <TextField
          ctx={ctx}
          name="percent"
          label={ctx.t('bonus.campaign.percent')}
          hint={ctx.t('bonus.campaign.percentHint')}
          value={values.percent}
          error={errors?.percent}
          inputMode="numeric"
          maxLength={4}
        />
        <TextField
          ctx={ctx}
          name="starts"
          type="date"
          label={ctx.t('bonus.campaign.starts')}
          value={values.starts}
          error={errors?.starts}
        />
        <TextField
          ctx={ctx}
          name="ends"
          type="date"
          label={ctx.t('bonus.campaign.ends')}
          value={values.ends}
          error={errors?.ends}
        />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{ctx.t('bonus.campaign.submit')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

export function PartnersPage({
  ctx,
  partners,
  errors,
  notice,
  email,
}: {
  ctx: PageContext;
  partners: PartnerAdminRow[];
  errors?: FieldErrors;
  notice?: string;
  email?: { partnerId: number; value: string };
}) {
  const title = ctx.t('bonus.partners.title');
  return (
    <AdminLayout ctx={ctx} title={title} crumbs={[{ label: title }]}>
      <h1 class="kern-heading-large">{title}</h1>
      {errors && <ErrorSummary ctx={ctx} errors={errors} />}
      {notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">{notice}</p>
          </div>
        </div>
      )}
      <p class="kern-body">{ctx.t('bonus.partners.text')}</p>
      {partners.length === 0 && <p class="kern-body">{ctx.t('bonus.partners.none')}</p>}
      {partners.map((p) => {
        const field = `email-${p.id}`;
        return (
          <section key={p.id} class="sp-result" aria-labelledby={`partner-${p.id}`}>
            <h2 class="kern-heading-small" id={`partner-${p.id}`}>
              {p.name} ({p.cityName})
            </h2>
            <p class="kern-body">
              {ctx.t(`bonus.partners.status.${p.status}`)} ·{' '}
              {ctx.t('bonus.partners.counts', { members: p.members, offers: p.offers })}
            </p>
            {p.status === 'pending' && (
              <form method="post" action={ctx.href(`/admin/bonus/partner/${p.id}/freigeben`)}>
                <CsrfField ctx={ctx} />
                <button type="submit" class="kern-btn kern-btn--secondary">
                  <span class="kern-label">
                    {ctx.t('bonus.partners.approve')}
                    <span class="sp-visually-hidden">: {p.name}</span>
                  </span>
                </button>
              </form>
            )}
            <form method="post" action={ctx.href(`/admin/bonus/partner/${p.id}/mitglieder`)} novalidate>
              <CsrfField ctx={ctx} />
              <TextField
                ctx={ctx}
                name={field}
                type="email"
                label={ctx.t('bonus.partners.email', { name: p.name })}
                value={email?.partnerId === p.id ? email.value : ''}
                error={errors?.[field]}
                autocomplete="off"
                maxLength={254}
              />
              <button type="submit" class="kern-btn kern-btn--secondary">
                <span class="kern-label">
                  {ctx.t('bonus.partners.add')}
                  <span class="sp-visually-hidden">: {p.name}</span>
                </span>
              </button>
            </form>
          </section>
        );
      })}
    </AdminLayout>
  );
}
