import type { ComponentChildren } from 'preact';
import type { PageContext } from '../../platform/web/context.ts';
import { CsrfField, ErrorSummary, type FieldErrors, fieldId, TextField } from '../../platform/web/forms.tsx';
import { Layout } from '../../platform/web/layout.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import type { ActionListItem, HistoryRow, OfferListItem, OpenVoucher } from './queries.ts';
import { formatCode, type Scheme, TZ } from './service.ts';
import './messages.ts';

/** A QR code drawn on the server (SVG markup from the qrcode package: paths only, no text). */
export function QrImage({ svg, label, large }: { svg: string; label: string; large?: boolean }) {
  return (
    <div
      class={large ? 'sp-qr sp-qr--large' : 'sp-qr'}
      role="img"
      aria-label={label}
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}

export const bonusBase = (ctx: PageContext) => `${ctx.city ? `/${ctx.city.slug}` : ''}/bonus`;

const time = (ctx: PageContext, d: Date) =>
  new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: TZ,
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);

export const dateTime = (ctx: PageContext, d: Date) =>
  new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: TZ,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d);

const day = (ctx: PageContext, isoDay: string) =>
  new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${isoDay}T12:00:00Z`));

export const euro = (ctx: PageContext, cents: number) =>
  new Intl.NumberFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    style: 'currency',
    currency: 'EUR',
  }).format(cents / 100);

export const num = (ctx: PageContext, n: number) =>
  new Intl.NumberFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB').format(n);

function ActionList({ ctx, actions }: { ctx: PageContext; actions: ActionListItem[] }) {
  if (actions.length === 0) return null;
  return (
    <section aria-labelledby="bonus-actions">
      <h2 class="kern-heading-medium" id="bonus-actions">
        {ctx.t('bonus.actions.title')}
      </h2>
      <ul class="sp-bonus-actions">
        {actions.map((a) => (
          <li key={`${a.cityName}-${a.name}`}>
            <strong>{a.name}</strong>: {ctx.t('bonus.points', { n: num(ctx, a.points) })}
            {a.cityName ? ` (${a.cityName})` : ''}
            {a.description && <p class="kern-body--small">{a.description}</p>}
            {a.easyLanguage && (
              <details class="sp-easy">
                <summary>{ctx.t('bonus.actions.easy')}</summary>
                <p class="kern-body" lang="de">
                  {a.easyLanguage}
                </p>
              </details>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Shown to visitors who are not logged in. */
export function BonusIntroPage({
  ctx,
  scheme,
  actions,
}: {
  ctx: PageContext;
  scheme: Scheme;
  actions: ActionListItem[];
}) {
  const title = ctx.t('bonus.intro.title', { scheme: scheme.name });
  return (
    <Layout ctx={ctx} title={title}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{ctx.t('bonus.intro.text', { perEuro: scheme.pointsPerEuro })}</p>
      <p class="kern-body">{ctx.t('bonus.intro.privacy')}</p>
      <p>
        <a
          class="kern-btn kern-btn--primary"
          href={ctx.href(`/login?next=${encodeURIComponent(bonusBase(ctx))}`)}
        >
          <span class="kern-label">{ctx.t('bonus.intro.login')}</span>
        </a>
      </p>
      <ActionList ctx={ctx} actions={actions} />
    </Layout>
  );
}

export interface WalletPageProps {
  ctx: PageContext;
  scheme: Scheme;
  balance: number;
  expiring: { year: number; points: number; expiresOn: string }[];
  vouchers: OpenVoucher[];
  offers: OfferListItem[];
  history: HistoryRow[];
  actions: ActionListItem[];
  errors?: FieldErrors;
  /** Member code and data links (portal-pages.tsx). */
  extras?: ComponentChildren;
}

export function WalletPage(p: WalletPageProps) {
  const { ctx, scheme } = p;
  const title = ctx.t('bonus.wallet.title', { scheme: scheme.name });
  const base = bonusBase(ctx);
  return (
    <Layout ctx={ctx} title={title}>
      <h1 class="kern-heading-large">{title}</h1>
      {p.errors && <ErrorSummary ctx={ctx} errors={p.errors} />}
      <section aria-labelledby="bonus-balance" class="sp-bonus-balance">
        <h2 class="kern-heading-medium" id="bonus-balance">
          {ctx.t('bonus.balance')}
        </h2>
        <p class="kern-heading-large">{ctx.t('bonus.points', { n: num(ctx, p.balance) })}</p>
        <p class="kern-body">
          {ctx.t('bonus.worth', { euro: euro(ctx, Math.floor((p.balance * 100) / scheme.pointsPerEuro)) })}
        </p>
      </section>

      {p.vouchers.length > 0 && (
        <section aria-labelledby="bonus-vouchers">
          <h2 class="kern-heading-medium" id="bonus-vouchers">
            {ctx.t('bonus.vouchers.title')}
          </h2>
          <ul>
            {p.vouchers.map((v) => (
              <li key={v.id}>
                <strong>{v.offerTitle}</strong> · {v.partnerName} ·{' '}
                {ctx.t('bonus.vouchers.validUntil', { time: time(ctx, v.expiresAt) })} ·{' '}
                <a class="kern-link" href={ctx.href(`${base}/gutscheine/${v.id}`)}>
                  {ctx.t('bonus.vouchers.show')}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="bonus-expiring">
        <h2 class="kern-heading-medium" id="bonus-expiring">
          {ctx.t('bonus.expiring.title')}
        </h2>
        {p.expiring.length === 0 ? (
          <p class="kern-body">{ctx.t('bonus.expiring.none')}</p>
        ) : (
          <ul>
            {p.expiring.map((e) => (
              <li key={e.year}>
                {ctx.t('bonus.expiring.row', {
                  n: num(ctx, e.points),
                  year: e.year,
                  date: day(ctx, e.expiresOn),
                })}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="bonus-offers" id={fieldId('praemien')} tabIndex={-1}>
        <h2 class="kern-heading-medium" id="bonus-offers">
          {ctx.t('bonus.offers.title')}
        </h2>
        {p.offers.length === 0 ? (
          <p class="kern-body">{ctx.t('bonus.offers.none')}</p>
        ) : (
          <>
            <p class="kern-hint">{ctx.t('bonus.offers.hint', { minutes: scheme.voucherMinutes })}</p>
            <ul class="sp-bonus-offers">
              {p.offers.map((o) => (
                <li key={o.id} class="sp-result">
                  <h3 class="kern-heading-small">{o.title}</h3>
                  <p class="kern-body--small">
                    {o.partnerName}, {o.partnerAddress ? `${o.partnerAddress}, ` : ''}
                    {o.cityName} · {ctx.t('bonus.offers.price', { n: num(ctx, o.pointsPrice) })}
                  </p>
                  {o.description && <p class="kern-body">{o.description}</p>}
                  {p.balance >= o.pointsPrice && (
                    <form method="post" action={ctx.href(`${base}/gutscheine`)}>
                      <CsrfField ctx={ctx} />
                      <input type="hidden" name="offerId" value={String(o.id)} />
                      <button type="submit" class="kern-btn kern-btn--secondary">
                        <span class="kern-label">
                          {ctx.t('bonus.offers.get')}
                          <span class="sp-visually-hidden">: {o.title}</span>
                        </span>
                      </button>
                    </form>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="bonus-history">
        <h2 class="kern-heading-medium" id="bonus-history">
          {ctx.t('bonus.history.title')}
        </h2>
        {p.history.length === 0 ? (
          <p class="kern-body">{ctx.t('bonus.history.none')}</p>
        ) : (
          <TableWrap label={ctx.t('bonus.history.title')}>
            <table class="kern-table">
              <thead class="kern-table__head">
                <tr class="kern-table__row">
                  <th class="kern-table__header" scope="col">
                    {ctx.t('bonus.history.date')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {ctx.t('bonus.history.what')}
                  </th>
                  <th class="kern-table__header kern-table__header--numeric" scope="col">
                    {ctx.t('bonus.history.points')}
                  </th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {p.history.map((h) => (
                  <tr class="kern-table__row" key={h.transactionId}>
                    <td class="kern-table__cell">{dateTime(ctx, h.at)}</td>
                    <td class="kern-table__cell">
                      {ctx.t(`bonus.kind.${h.kind}`)}
                      {h.label ? `: ${h.label}` : ''}
                    </td>
                    <td class="kern-table__cell kern-table__cell--numeric">
                      {h.amount > 0 ? `+${num(ctx, h.amount)}` : num(ctx, h.amount)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>

      {p.extras}
      <ActionList ctx={ctx} actions={p.actions} />
      <p class="kern-body">
        <a class="kern-link" href={ctx.href(`${base}/statistik`)}>
          {ctx.t('bonus.stats.title')}
        </a>
      </p>
    </Layout>
  );
}

export function CheckinResultPage({
  ctx,
  result,
}: {
  ctx: PageContext;
  result:
    | { ok: true; points: number; action: string; place: string; balance: number }
    | { ok: false; message: string };
}) {
  const title = result.ok
    ? ctx.t('bonus.checkin.ok.title', { n: num(ctx, result.points) })
    : ctx.t('bonus.checkin.fail.title');
  return (
    <Layout ctx={ctx} title={title}>
      <div
        class={result.ok ? 'kern-alert kern-alert--success' : 'kern-alert kern-alert--warning'}
        role="status"
      >
        <div class="kern-alert__header">
          <h1 class="kern-title">{title}</h1>
        </div>
        <div class="kern-alert__body">
          <p class="kern-body">
            {result.ok
              ? ctx.t('bonus.checkin.ok.text', {
                  n: num(ctx, result.points),
                  action: result.action,
                  place: result.place,
                })
              : result.message}
          </p>
        </div>
      </div>
      {result.ok && (
        <p class="kern-body">
          {ctx.t('bonus.balance')}: {ctx.t('bonus.points', { n: num(ctx, result.balance) })}
        </p>
      )}
      <p>
        <a class="kern-link" href={ctx.href(bonusBase(ctx))}>
          {ctx.t('bonus.checkin.toWallet')}
        </a>
      </p>
    </Layout>
  );
}

export function VoucherPage({
  ctx,
  voucher,
  qr,
}: {
  ctx: PageContext;
  /** SVG of the QR code the partner scans. */
  qr?: string;
  voucher: {
    code: string;
    points: number;
    status: string;
    expiresAt: Date;
    offerTitle: string;
    partnerName: string;
    partnerAddress: string;
  };
}) {
  const title = `${ctx.t('bonus.voucher.title')}: ${voucher.offerTitle}`;
  return (
    <Layout ctx={ctx} title={title}>
      <h1 class="kern-heading-large">{title}</h1>
      {voucher.status === 'issued' ? (
        <>
          <p class="kern-body">{ctx.t('bonus.voucher.show', { partner: voucher.partnerName })}</p>
          <p class="kern-body">{voucher.partnerAddress}</p>
          <p class="kern-label">{ctx.t('bonus.voucher.code')}</p>
          <p class="sp-voucher-code kern-heading-large">{formatCode(voucher.code)}</p>
          {qr && <QrImage svg={qr} label={ctx.t('bonus.voucher.qr')} />}
          <p class="kern-body">{ctx.t('bonus.voucher.until', { time: time(ctx, voucher.expiresAt) })}</p>
        </>
      ) : (
        <p class="kern-body">
          {voucher.status === 'redeemed' ? ctx.t('bonus.voucher.redeemed') : ctx.t('bonus.voucher.released')}
        </p>
      )}
      <p>
        <a class="kern-link" href={ctx.href(bonusBase(ctx))}>
          {ctx.t('bonus.checkin.toWallet')}
        </a>
      </p>
    </Layout>
  );
}

/** Partner: type the code the citizen shows. */
export function RedeemPage({
  ctx,
  code,
  errors,
  done,
}: {
  ctx: PageContext;
  code: string;
  errors?: FieldErrors;
  done?: { offer: string; points: number };
}) {
  const title = ctx.t('bonus.partner.title');
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
              {ctx.t('bonus.partner.ok', { offer: done.offer, n: num(ctx, done.points) })}
            </p>
          </div>
        </div>
      )}
      <form method="post" action={ctx.href('/partner/einloesen')} novalidate>
        <CsrfField ctx={ctx} />
        <div data-qr-scan="voucher">
          <TextField
            ctx={ctx}
            name="code"
            label={ctx.t('bonus.partner.code')}
            hint={`${ctx.t('bonus.partner.codeHint')} ${ctx.t('bonus.scan.hint')}`}
            value={code}
            error={errors?.code}
            autocomplete="off"
            maxLength={20}
          />
        </div>
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{ctx.t('bonus.partner.submit')}</span>
        </button>
      </form>
    </Layout>
  );
}
