/** Pages of the partner portal (/partner/…), the member code, and the public statistics. */
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  SelectField,
  TextField,
} from '../../platform/web/forms.tsx';
import { addMessages } from '../../platform/web/i18n.ts';
import { Layout } from '../../platform/web/layout.tsx';
import { rings } from '../../platform/web/minimap.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import type { PublicStats } from './insights.ts';
import { bonusBase, dateTime, euro, num, QrImage } from './pages.tsx';
import type { PartnerActivity } from './partner.ts';

addMessages({
  de: {
    'bonus.portal.title': 'Partnerbereich Stadttaler',
    'bonus.portal.intro': 'Sie handeln für: {partners}.',
    'bonus.portal.redeem': 'Gutschein einlösen',
    'bonus.portal.redeemText': 'Code eintippen oder mit der Kamera scannen.',
    'bonus.portal.confirm': 'Aktion bestätigen',
    'bonus.portal.confirmText':
      'Zum Beispiel eine Reparatur im Repair-Café: Mitgliedscode der Person eintippen oder scannen.',
    'bonus.portal.activity': 'Zuletzt',
    'bonus.portal.none': 'Noch nichts eingelöst oder bestätigt.',
    'bonus.portal.month': 'Dieser Monat',
    'bonus.portal.monthText':
      '{n} Einlösungen, {points} Punkte ({euro}). Die Abrechnung folgt nach Monatsende.',
    'bonus.portal.kind.redeem': 'Eingelöst',
    'bonus.portal.kind.confirm': 'Bestätigt',
    'bonus.portal.when': 'Zeitpunkt',
    'bonus.portal.what': 'Was',
    'bonus.portal.points': 'Punkte',
    'bonus.confirm.title': 'Aktion bestätigen',
    'bonus.confirm.partner': 'Partner',
    'bonus.confirm.action': 'Aktion',
    'bonus.confirm.code': 'Mitgliedscode der Person',
    'bonus.confirm.codeHint':
      'Acht Zeichen, zum Beispiel ABCD-2345. Die Person zeigt ihn in „Meine Stadttaler“.',
    'bonus.confirm.submit': 'Bestätigen und Punkte gutschreiben',
    'bonus.confirm.ok': 'Bestätigt: „{action}“, {n} Punkte gutgeschrieben.',
    'bonus.confirm.duplicate': 'Diese Bestätigung wurde schon gebucht.',
    'bonus.confirm.noActions': 'Für Ihren Partner gibt es zurzeit keine Aktionen zum Bestätigen.',
    'bonus.scan.hint': 'Sie können den Code auch mit der Kamera scannen, wenn Ihr Browser das kann.',
    'bonus.member.title': 'Ihr Mitgliedscode',
    'bonus.member.text':
      'Zeigen Sie diesen Code bei einem Partner, zum Beispiel im Repair-Café. Der Partner bestätigt damit Ihre Aktion, und Sie bekommen die Punkte.',
    'bonus.member.qr': 'QR-Code Ihres Mitgliedscodes',
    'bonus.member.renew': 'Neuen Code erzeugen',
    'bonus.member.renewText':
      'Wenn jemand anderes Ihren Code kennt: Ein neuer Code ersetzt den alten sofort.',
    'bonus.member.renewed': 'Sie haben einen neuen Mitgliedscode. Der alte gilt nicht mehr.',
    'bonus.data.title': 'Ihre Daten',
    'bonus.data.text':
      'Laden Sie alle Buchungen, Gutscheine und Aktionen herunter, die wir zu Ihnen speichern.',
    'bonus.data.json': 'Herunterladen als JSON',
    'bonus.data.csv': 'Buchungen als CSV',
    'bonus.data.delete':
      'Konto löschen: Ihr Name und Ihre E-Mail-Adresse werden gelöscht, die Buchungen bleiben ohne Bezug zu Ihnen für die Abrechnung erhalten.',
    'bonus.data.deleteLink': 'Zum Konto',
    'bonus.member.show': 'Mitgliedscode zeigen',
    'bonus.stats.title': 'Stadttaler in Zahlen',
    'bonus.stats.cityTitle': 'Stadttaler in Zahlen: {city}',
    'bonus.stats.text':
      'So viel bewegt das Bonusprogramm. Alle Zahlen sind Summen, keine Angaben zu einzelnen Personen.',
    'bonus.stats.issued': 'Punkte vergeben',
    'bonus.stats.redeemed': 'Punkte eingelöst',
    'bonus.stats.active': 'Aktive Teilnehmende (30 Tage)',
    'bonus.stats.fewer': 'weniger als {n}',
    'bonus.stats.co2': 'Geschätzt eingespartes CO₂',
    'bonus.stats.co2Value': '{kg} kg',
    'bonus.stats.co2Note':
      'Schätzung: Jede Aktion hat einen festen Richtwert (zum Beispiel Rad statt Auto: 1,5 kg). Gemessen wird nichts.',
    'bonus.stats.last30': 'davon in den letzten 30 Tagen: {n}',
    'bonus.stats.byAction': 'Nach Aktion',
    'bonus.stats.action': 'Aktion',
    'bonus.stats.awards': 'Anzahl',
    'bonus.stats.partners': 'Partner',
    'bonus.stats.map': 'Karte der Partner',
    'bonus.stats.noMap': 'Für die Partner sind noch keine Orte hinterlegt.',
  },
  en: {
    'bonus.portal.title': 'Stadttaler partner area',
    'bonus.portal.intro': 'You act for: {partners}.',
    'bonus.portal.redeem': 'Redeem a voucher',
    'bonus.portal.redeemText': 'Type the code or scan it with the camera.',
    'bonus.portal.confirm': 'Confirm an action',
    'bonus.portal.confirmText':
      "For example a repair at the repair café: type or scan the person's member code.",
    'bonus.portal.activity': 'Recent',
    'bonus.portal.none': 'Nothing redeemed or confirmed yet.',
    'bonus.portal.month': 'This month',
    'bonus.portal.monthText':
      '{n} redemptions, {points} points ({euro}). Settlement follows at the end of the month.',
    'bonus.portal.kind.redeem': 'Redeemed',
    'bonus.portal.kind.confirm': 'Confirmed',
    'bonus.portal.when': 'Time',
    'bonus.portal.what': 'What',
    'bonus.portal.points': 'Points',
    'bonus.confirm.title': 'Confirm an action',
    'bonus.confirm.partner': 'Partner',
    'bonus.confirm.action': 'Action',
    'bonus.confirm.code': "The person's member code",
    'bonus.confirm.codeHint':
      'Eight characters, for example ABCD-2345. The person finds it under “My Stadttaler”.',
    'bonus.confirm.submit': 'Confirm and credit points',
    'bonus.confirm.ok': 'Confirmed: “{action}”, {n} points credited.',
    'bonus.confirm.duplicate': 'This confirmation has already been booked.',
    'bonus.confirm.noActions': 'There are no actions to confirm for your partner at the moment.',
    'bonus.scan.hint': 'You can also scan the code with the camera if your browser supports it.',
    'bonus.member.title': 'Your member code',
    'bonus.member.text':
      'Show this code at a partner, for example at the repair café. The partner confirms your action with it and you get the points.',
    'bonus.member.qr': 'QR code of your member code',
    'bonus.member.renew': 'Create a new code',
    'bonus.member.renewText': 'If someone else knows your code: a new code replaces the old one at once.',
    'bonus.member.renewed': 'You have a new member code. The old one no longer works.',
    'bonus.data.title': 'Your data',
    'bonus.data.text': 'Download all transactions, vouchers and actions we store about you.',
    'bonus.data.json': 'Download as JSON',
    'bonus.data.csv': 'Transactions as CSV',
    'bonus.data.delete':
      'Delete account: your name and e-mail address are deleted; transactions stay for the accounts without any link to you.',
    'bonus.data.deleteLink': 'To the account',
    'bonus.member.show': 'Show member code',
    'bonus.stats.title': 'Stadttaler in figures',
    'bonus.stats.cityTitle': 'Stadttaler in figures: {city}',
    'bonus.stats.text':
      'What the bonus programme moves. All figures are totals, nothing about single persons.',
    'bonus.stats.issued': 'Points issued',
    'bonus.stats.redeemed': 'Points redeemed',
    'bonus.stats.active': 'Active participants (30 days)',
    'bonus.stats.fewer': 'fewer than {n}',
    'bonus.stats.co2': 'Estimated CO₂ saved',
    'bonus.stats.co2Value': '{kg} kg',
    'bonus.stats.co2Note':
      'Estimate: each action has a fixed reference value (e.g. bike instead of car: 1.5 kg). Nothing is measured.',
    'bonus.stats.last30': 'of which in the last 30 days: {n}',
    'bonus.stats.byAction': 'By action',
    'bonus.stats.action': 'Action',
    'bonus.stats.awards': 'Count',
    'bonus.stats.partners': 'Partners',
    'bonus.stats.map': 'Map of partners',
    'bonus.stats.noMap': 'No locations have been entered for the partners yet.',
  },
});

export function PartnerHomePage({
  ctx,
  partners,
  activity,
  month,
  confirmable,
}: {
  ctx: PageContext;
  partners: { id: number; name: string }[];
  activity: PartnerActivity[];
  month: { redemptions: number; points: number; cents: number };
  confirmable: boolean;
}) {
  const title = ctx.t('bonus.portal.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">
        {ctx.t('bonus.portal.intro', { partners: partners.map((p) => p.name).join(', ') })}
      </p>
      <ul class="sp-bonus-portal">
        <li>
          <a class="kern-link" href={ctx.href('/partner/einloesen')}>
            {ctx.t('bonus.portal.redeem')}
          </a>
          : {ctx.t('bonus.portal.redeemText')}
        </li>
        {confirmable && (
          <li>
            <a class="kern-link" href={ctx.href('/partner/bestaetigen')}>
              {ctx.t('bonus.portal.confirm')}
            </a>
            : {ctx.t('bonus.portal.confirmText')}
          </li>
        )}
      </ul>
      <h2 class="kern-heading-medium">{ctx.t('bonus.portal.month')}</h2>
      <p class="kern-body">
        {ctx.t('bonus.portal.monthText', {
          n: num(ctx, month.redemptions),
          points: num(ctx, month.points),
          euro: euro(ctx, month.cents),
        })}
      </p>
      <h2 class="kern-heading-medium">{ctx.t('bonus.portal.activity')}</h2>
      {activity.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.portal.none')}</p>
      ) : (
        <TableWrap label={ctx.t('bonus.portal.activity')}>
          <table class="kern-table">
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.portal.when')}
                </th>
                <th class="kern-table__header" scope="col">
                  {ctx.t('bonus.portal.what')}
                </th>
                <th class="kern-table__header kern-table__header--numeric" scope="col">
                  {ctx.t('bonus.portal.points')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {activity.map((a, i) => (
                <tr class="kern-table__row" key={i}>
                  <td class="kern-table__cell">{dateTime(ctx, a.at)}</td>
                  <td class="kern-table__cell">
                    {ctx.t(`bonus.portal.kind.${a.kind}`)}: {a.label}
                  </td>
                  <td class="kern-table__cell kern-table__cell--numeric">{num(ctx, a.points)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

export interface ConfirmValues {
  partner: string;
  action: string;
  code: string;
}

export function ConfirmPage({
  ctx,
  partners,
  actions,
  values,
  requestKey,
  errors,
  done,
}: {
  ctx: PageContext;
  partners: { id: number; name: string }[];
  actions: { id: number; name: string; points: number }[];
  values: ConfirmValues;
  requestKey: string;
  errors?: FieldErrors;
  done?: { action: string; points: number } | 'duplicate';
}) {
  const title = ctx.t('bonus.confirm.title');
  return (
    <Layout
      ctx={ctx}
      title={title}
      islands={['qr-scan']}
      breadcrumbs={[{ label: ctx.t('bonus.portal.title'), href: '/partner' }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      {errors && <ErrorSummary ctx={ctx} errors={errors} />}
      {done && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">
              {done === 'duplicate'
                ? ctx.t('bonus.confirm.duplicate')
                : ctx.t('bonus.confirm.ok', { action: done.action, n: num(ctx, done.points) })}
            </p>
          </div>
        </div>
      )}
      {actions.length === 0 ? (
        <p class="kern-body">{ctx.t('bonus.confirm.noActions')}</p>
      ) : (
        <form method="post" action={ctx.href('/partner/bestaetigen')} novalidate>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="requestKey" value={requestKey} />
          {partners.length > 1 ? (
            <SelectField
              ctx={ctx}
              name="partner"
              label={ctx.t('bonus.confirm.partner')}
              value={values.partner}
              error={errors?.partner}
              options={partners.map((p) => ({ value: String(p.id), label: p.name }))}
            />
          ) : (
            <input type="hidden" name="partner" value={String(partners[0]!.id)} />
          )}
          <SelectField
            ctx={ctx}
            name="action"
            label={ctx.t('bonus.confirm.action')}
            value={values.action}
            error={errors?.action}
            options={actions.map((a) => ({
              value: String(a.id),
              label: `${a.name} (${num(ctx, a.points)})`,
            }))}
          />
          <div data-qr-scan="member">
            <TextField
              ctx={ctx}
              name="code"
              label={ctx.t('bonus.confirm.code')}
              hint={`${ctx.t('bonus.confirm.codeHint')} ${ctx.t('bonus.scan.hint')}`}
              value={values.code}
              error={errors?.code}
              autocomplete="off"
              maxLength={20}
            />
          </div>
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">{ctx.t('bonus.confirm.submit')}</span>
          </button>
        </form>
      )}
    </Layout>
  );
}

export function MemberCodePage({
  ctx,
  code,
  qr,
  renewed,
}: {
  ctx: PageContext;
  code: string;
  qr: string;
  renewed?: boolean;
}) {
  const title = ctx.t('bonus.member.title');
  const base = bonusBase(ctx);
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[{ label: ctx.t('nav.bonus'), href: base }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      {renewed && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p class="kern-body">{ctx.t('bonus.member.renewed')}</p>
          </div>
        </div>
      )}
      <p class="kern-body">{ctx.t('bonus.member.text')}</p>
      <p class="sp-voucher-code kern-heading-large">{code}</p>
      <QrImage svg={qr} label={`${ctx.t('bonus.member.qr')}: ${code}`} />
      <h2 class="kern-heading-medium">{ctx.t('bonus.member.renew')}</h2>
      <p class="kern-body">{ctx.t('bonus.member.renewText')}</p>
      <form method="post" action={ctx.href(`${base}/mitgliedscode`)}>
        <CsrfField ctx={ctx} />
        <button type="submit" class="kern-btn kern-btn--secondary">
          <span class="kern-label">{ctx.t('bonus.member.renew')}</span>
        </button>
      </form>
    </Layout>
  );
}

/** Links under the wallet: member code, own data export, account deletion. */
export function WalletExtras({ ctx, code }: { ctx: PageContext; code: string }) {
  const base = bonusBase(ctx);
  return (
    <>
      <section aria-labelledby="bonus-member">
        <h2 class="kern-heading-medium" id="bonus-member">
          {ctx.t('bonus.member.title')}
        </h2>
        <p class="kern-body">
          <strong class="sp-code">{code}</strong> ·{' '}
          <a class="kern-link" href={ctx.href(`${base}/mitgliedscode`)}>
            {ctx.t('bonus.member.show')}
          </a>
        </p>
      </section>
      <section aria-labelledby="bonus-data">
        <h2 class="kern-heading-medium" id="bonus-data">
          {ctx.t('bonus.data.title')}
        </h2>
        <p class="kern-body">{ctx.t('bonus.data.text')}</p>
        <ul>
          <li>
            <a class="kern-link" href="/bonus/export.json" download>
              {ctx.t('bonus.data.json')}
            </a>
          </li>
          <li>
            <a class="kern-link" href="/bonus/export.csv" download>
              {ctx.t('bonus.data.csv')}
            </a>
          </li>
        </ul>
        <p class="kern-body">
          {ctx.t('bonus.data.delete')}{' '}
          <a class="kern-link" href={ctx.href('/account')}>
            {ctx.t('bonus.data.deleteLink')}
          </a>
        </p>
      </section>
    </>
  );
}

/** Partners as dots over the city outlines, drawn on the server (no tiles, no script). */
function PartnerMap({
  ctx,
  boundaries,
  partners,
}: {
  ctx: PageContext;
  boundaries: unknown[];
  partners: { name: string; lat: number; lon: number }[];
}) {
  const outlines = boundaries.flatMap(rings);
  const all = [...outlines.flat(), ...partners.map((p) => [p.lon, p.lat] as [number, number])];
  if (all.length === 0) return null;
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const w = Math.max((maxLon - minLon) * kx, 1e-6);
  const h = Math.max(maxLat - minLat, 1e-6);
  const scale = 400 / Math.max(w, h);
  const x = (lon: number) => ((lon - minLon) * kx * scale + 10).toFixed(1);
  const y = (lat: number) => ((maxLat - lat) * scale + 10).toFixed(1);
  return (
    <figure class="sp-minimap">
      <svg
        viewBox={`0 0 ${Math.round(w * scale + 20)} ${Math.round(h * scale + 20)}`}
        role="img"
        aria-label={ctx.t('bonus.stats.map')}
      >
        {outlines.map((ring, i) => (
          <polygon
            key={i}
            points={ring.map(([lon, lat]) => `${x(lon)},${y(lat)}`).join(' ')}
            class="sp-minimap__area"
          />
        ))}
        {partners.map((p) => (
          <circle key={p.name} cx={x(p.lon)} cy={y(p.lat)} r="6" class="sp-minimap__point">
            <title>{p.name}</title>
          </circle>
        ))}
      </svg>
      <figcaption class="kern-body--small">{ctx.t('bonus.stats.map')}</figcaption>
    </figure>
  );
}

export function StatsPage({
  ctx,
  stats,
  boundaries,
}: {
  ctx: PageContext;
  stats: PublicStats;
  boundaries: unknown[];
}) {
  const title = ctx.city
    ? ctx.t('bonus.stats.cityTitle', { city: ctx.city.shortName })
    : ctx.t('bonus.stats.title');
  const located = stats.partners.filter(
    (p): p is typeof p & { lat: number; lon: number } => p.lat !== null && p.lon !== null,
  );
  const figure = (label: string, value: string, note?: string) => (
    <div class="sp-stat">
      <dt class="kern-label">{label}</dt>
      <dd class="kern-heading-medium">
        {value}
        {note && <span class="kern-body--small sp-stat__note">{note}</span>}
      </dd>
    </div>
  );
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[{ label: ctx.t('nav.bonus'), href: bonusBase(ctx) }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{ctx.t('bonus.stats.text')}</p>
      <dl class="sp-stats">
        {figure(
          ctx.t('bonus.stats.issued'),
          num(ctx, stats.pointsIssued),
          ctx.t('bonus.stats.last30', { n: num(ctx, stats.pointsIssued30d) }),
        )}
        {figure(
          ctx.t('bonus.stats.redeemed'),
          num(ctx, stats.pointsRedeemed),
          ctx.t('bonus.stats.last30', { n: num(ctx, stats.pointsRedeemed30d) }),
        )}
        {figure(
          ctx.t('bonus.stats.active'),
          stats.activeParticipants30d === null
            ? ctx.t('bonus.stats.fewer', { n: 5 })
            : num(ctx, stats.activeParticipants30d),
        )}
        {figure(ctx.t('bonus.stats.co2'), ctx.t('bonus.stats.co2Value', { kg: num(ctx, stats.co2Kg) }))}
      </dl>
      <p class="kern-hint">{ctx.t('bonus.stats.co2Note')}</p>

      {stats.byAction.length > 0 && (
        <>
          <h2 class="kern-heading-medium">{ctx.t('bonus.stats.byAction')}</h2>
          <TableWrap label={ctx.t('bonus.stats.byAction')}>
            <table class="kern-table">
              <thead class="kern-table__head">
                <tr class="kern-table__row">
                  <th class="kern-table__header" scope="col">
                    {ctx.t('bonus.stats.action')}
                  </th>
                  <th class="kern-table__header kern-table__header--numeric" scope="col">
                    {ctx.t('bonus.stats.awards')}
                  </th>
                  <th class="kern-table__header kern-table__header--numeric" scope="col">
                    {ctx.t('bonus.portal.points')}
                  </th>
                  <th class="kern-table__header kern-table__header--numeric" scope="col">
                    {ctx.t('bonus.stats.co2')}
                  </th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {stats.byAction.map((a) => (
                  <tr class="kern-table__row" key={a.name}>
                    <td class="kern-table__cell">{a.name}</td>
                    <td class="kern-table__cell kern-table__cell--numeric">{num(ctx, a.awards)}</td>
                    <td class="kern-table__cell kern-table__cell--numeric">{num(ctx, a.points)}</td>
                    <td class="kern-table__cell kern-table__cell--numeric">
                      {ctx.t('bonus.stats.co2Value', { kg: num(ctx, a.co2Kg) })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}

      <h2 class="kern-heading-medium">{ctx.t('bonus.stats.partners')}</h2>
      {located.length > 0 ? (
        <PartnerMap ctx={ctx} boundaries={boundaries} partners={located} />
      ) : (
        <p class="kern-body">{ctx.t('bonus.stats.noMap')}</p>
      )}
      <ul>
        {stats.partners.map((p) => (
          <li key={`${p.cityName}-${p.name}`}>
            <strong>{p.name}</strong>
            {p.category ? ` (${p.category})` : ''}: {p.address || p.cityName}
          </li>
        ))}
      </ul>
    </Layout>
  );
}
