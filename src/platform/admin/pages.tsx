/** Staff shell pages: dashboard, users and roles, mail outbox, audit log. */

import type { AuditRow } from '../audit/service.ts';
import { cityLabel, roleLabel } from '../auth/pages.tsx';
import type { UserListRow, UserRow } from '../auth/service.ts';
import { ROLES } from '../auth/service.ts';
import type { OutboxMail } from '../mail/service.ts';
import type { PageContext } from '../web/context.ts';
import { CsrfField, ErrorSummary, type FieldErrors, SelectField, TextField } from '../web/forms.tsx';
import { addMessages } from '../web/i18n.ts';
import { Pager } from '../web/pagination.tsx';
import { TableWrap } from '../web/table.tsx';
import { AdminLayout, type AdminSection } from './layout.tsx';

addMessages({
  de: {
    'admin.dashboard.intro': 'Willkommen, {name}. Hier finden Sie die Bereiche, die Sie verwalten dürfen.',
    'admin.dashboard.none':
      'Für Ihre Rolle gibt es hier noch keine Bereiche. Ihre Aufgaben finden Sie in den jeweiligen Modulen.',
    'admin.sections': 'Bereiche',
    'admin.offers': 'Angebote',
    'admin.offers.text': 'Angebote und digitale Dienste der Städte anlegen, bearbeiten und veröffentlichen.',
    'admin.outbox': 'Mail-Ausgang',
    'admin.outbox.text':
      'Alle E-Mails der Plattform. Ohne Mailserver lesen Sie hier z. B. Bestätigungslinks.',
    'admin.audit': 'Audit-Log',
    'admin.audit.text': 'Wer hat wann was geändert – für die Städte, die Sie verwalten.',
    'admin.users': 'Benutzer & Rollen',
    'admin.users.text': 'Konten finden und Aufgaben in der Verwaltung vergeben oder entziehen.',
    'admin.users.search': 'Suchen',
    'admin.users.searchLabelAll': 'Name oder E-Mail-Adresse',
    'admin.users.searchLabelCity': 'E-Mail-Adresse',
    'admin.users.searchHintCity':
      'Die Liste zeigt Personen mit Aufgaben in Ihren Städten. Um jemand anderen zu ernennen, geben Sie die vollständige E-Mail-Adresse ein.',
    'admin.users.count': '{n} Konten',
    'admin.users.none': 'Keine Konten gefunden.',
    'admin.users.caption': 'Konten und ihre Rollen',
    'admin.users.name': 'Name',
    'admin.users.email': 'E-Mail-Adresse',
    'admin.users.status': 'Status',
    'admin.users.roles': 'Rollen',
    'admin.users.edit': 'Rollen von {name} bearbeiten',
    'admin.users.editShort': 'Bearbeiten',
    'admin.users.confirmed': 'bestätigt',
    'admin.users.unconfirmed': 'nicht bestätigt',
    'admin.users.disabled': 'gesperrt',
    'admin.user.title': 'Konto: {name}',
    'admin.user.roles': 'Rollen',
    'admin.user.noRoles': 'Keine Rollen.',
    'admin.user.rolesCaption': 'Rollen dieses Kontos',
    'admin.user.role': 'Rolle',
    'admin.user.where': 'Zuständigkeit',
    'admin.user.action': 'Aktion',
    'admin.user.revoke': 'Entziehen',
    'admin.user.revokeLabel': '{role} ({where}) entziehen',
    'admin.user.grant': 'Rolle vergeben',
    'admin.user.grantRole': 'Rolle',
    'admin.user.grantCity': 'Zuständig für',
    'admin.user.grantSubmit': 'Rolle vergeben',
    'admin.user.granted': 'Die Rolle wurde vergeben.',
    'admin.user.revoked': 'Die Rolle wurde entzogen.',
    'admin.user.err.role': 'Wählen Sie eine Rolle aus.',
    'admin.user.err.city': 'Wählen Sie aus, wofür die Person zuständig sein soll.',
    'admin.user.err.lastAdmin':
      'Das ist die letzte Administration der ganzen Region. Ernennen Sie zuerst eine andere Person, bevor Sie diese Rolle entziehen.',
    'admin.outbox.caption': 'Die neuesten E-Mails',
    'admin.outbox.none': 'Der Mail-Ausgang ist leer.',
    'admin.outbox.to': 'An',
    'admin.outbox.subject': 'Betreff',
    'admin.outbox.purpose': 'Zweck',
    'admin.outbox.created': 'Erstellt',
    'admin.outbox.state': 'Versand',
    'admin.outbox.sent': 'gesendet {at}',
    'admin.outbox.pending': 'wartet',
    'admin.outbox.failed': 'Fehler: {error}',
    'admin.outbox.show': 'Text anzeigen',
    'admin.outbox.note':
      'E-Mails enthalten persönliche Daten und Anmeldelinks. Geben Sie nichts davon weiter; Links hier nur zum Testen der Demo verwenden.',
    'admin.audit.caption': 'Änderungen, neueste zuerst',
    'admin.audit.none': 'Noch keine Einträge.',
    'admin.audit.at': 'Zeit',
    'admin.audit.actor': 'Person',
    'admin.audit.city': 'Stadt',
    'admin.audit.action': 'Aktion',
    'admin.audit.entity': 'Betroffen',
    'admin.audit.details': 'Details',
    'admin.audit.system': 'System',
    'admin.audit.newer': 'Neuere Einträge',
    'admin.audit.older': 'Ältere Einträge',
  },
  en: {
    'admin.dashboard.intro': 'Welcome, {name}. Here are the sections you may manage.',
    'admin.dashboard.none':
      'There are no sections here for your role yet. Your tasks are in the modules themselves.',
    'admin.sections': 'Sections',
    'admin.offers': 'Offers',
    'admin.offers.text': 'Create, edit and publish the offers and digital services of the cities.',
    'admin.outbox': 'Mail outbox',
    'admin.outbox.text':
      'Every email the platform sends. Without a mail server, read confirmation links here.',
    'admin.audit': 'Audit log',
    'admin.audit.text': 'Who changed what and when – for the cities you administer.',
    'admin.users': 'Users & roles',
    'admin.users.text': 'Find accounts and grant or revoke tasks in the administration.',
    'admin.users.search': 'Search',
    'admin.users.searchLabelAll': 'Name or email address',
    'admin.users.searchLabelCity': 'Email address',
    'admin.users.searchHintCity':
      'The list shows people with tasks in your cities. To appoint someone else, enter their complete email address.',
    'admin.users.count': '{n} accounts',
    'admin.users.none': 'No accounts found.',
    'admin.users.caption': 'Accounts and their roles',
    'admin.users.name': 'Name',
    'admin.users.email': 'Email address',
    'admin.users.status': 'Status',
    'admin.users.roles': 'Roles',
    'admin.users.edit': 'Edit roles of {name}',
    'admin.users.editShort': 'Edit',
    'admin.users.confirmed': 'confirmed',
    'admin.users.unconfirmed': 'not confirmed',
    'admin.users.disabled': 'locked',
    'admin.user.title': 'Account: {name}',
    'admin.user.roles': 'Roles',
    'admin.user.noRoles': 'No roles.',
    'admin.user.rolesCaption': 'Roles of this account',
    'admin.user.role': 'Role',
    'admin.user.where': 'Responsible for',
    'admin.user.action': 'Action',
    'admin.user.revoke': 'Revoke',
    'admin.user.revokeLabel': 'Revoke {role} ({where})',
    'admin.user.grant': 'Grant a role',
    'admin.user.grantRole': 'Role',
    'admin.user.grantCity': 'Responsible for',
    'admin.user.grantSubmit': 'Grant role',
    'admin.user.granted': 'The role has been granted.',
    'admin.user.revoked': 'The role has been revoked.',
    'admin.user.err.role': 'Choose a role.',
    'admin.user.err.city': 'Choose what the person will be responsible for.',
    'admin.user.err.lastAdmin':
      'This is the last administrator of the whole region. Appoint someone else first before revoking this role.',
    'admin.outbox.caption': 'The latest emails',
    'admin.outbox.none': 'The outbox is empty.',
    'admin.outbox.to': 'To',
    'admin.outbox.subject': 'Subject',
    'admin.outbox.purpose': 'Purpose',
    'admin.outbox.created': 'Created',
    'admin.outbox.state': 'Delivery',
    'admin.outbox.sent': 'sent {at}',
    'admin.outbox.pending': 'waiting',
    'admin.outbox.failed': 'Error: {error}',
    'admin.outbox.show': 'Show text',
    'admin.outbox.note':
      'Emails contain personal data and sign-in links. Pass none of it on; use links here only to try out the demo.',
    'admin.audit.caption': 'Changes, newest first',
    'admin.audit.none': 'No entries yet.',
    'admin.audit.at': 'Time',
    'admin.audit.actor': 'Person',
    'admin.audit.city': 'City',
    'admin.audit.action': 'Action',
    'admin.audit.entity': 'Affected',
    'admin.audit.details': 'Details',
    'admin.audit.system': 'System',
    'admin.audit.newer': 'Newer entries',
    'admin.audit.older': 'Older entries',
  },
});

const dateTime = (ctx: PageContext, d: Date | string) =>
  new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Europe/Berlin',
  }).format(typeof d === 'string' ? new Date(d) : d);

function Notice({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <div class="kern-alert kern-alert--success" role="status">
      <div class="kern-alert__body">
        <p class="kern-body">{text}</p>
      </div>
    </div>
  );
}

// ---- dashboard ----

export function DashboardPage({ ctx, sections }: { ctx: PageContext; sections: AdminSection[] }) {
  const { t } = ctx;
  return (
    <AdminLayout ctx={ctx} title={t('admin.title')}>
      <h1 class="kern-heading-large">{t('admin.title')}</h1>
      <p class="kern-body">{t('admin.dashboard.intro', { name: ctx.user?.displayName ?? '' })}</p>
      {sections.length === 0 ? (
        <p class="kern-body">{t('admin.dashboard.none')}</p>
      ) : (
        <section aria-labelledby="admin-sections">
          <h2 class="kern-heading-medium" id="admin-sections">
            {t('admin.sections')}
          </h2>
          <ul class="sp-cards">
            {sections.map((s) => (
              <li key={s.href} class="sp-card">
                <h3 class="kern-heading-small">
                  <a class="kern-link" href={ctx.href(s.href)}>
                    {t(s.label)}
                  </a>
                </h3>
                <p class="kern-body">{t(s.description)}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
    </AdminLayout>
  );
}

// ---- users ----

function roleList(ctx: PageContext, roles: { role: string; city_id: number | null }[]) {
  if (roles.length === 0) return '–';
  return roles.map((r) => `${roleLabel(ctx, r.role)} (${cityLabel(ctx, ctx.cities, r.city_id)})`).join(', ');
}

function status(ctx: PageContext, u: { email_confirmed_at: Date | null; disabled_at: Date | null }) {
  if (u.disabled_at) return ctx.t('admin.users.disabled');
  return ctx.t(u.email_confirmed_at ? 'admin.users.confirmed' : 'admin.users.unconfirmed');
}

export function UsersPage(props: {
  ctx: PageContext;
  users: UserListRow[];
  total: number;
  page: number;
  pages: number;
  q: string;
  /** Region admins search freely; city admins find people by exact address. */
  scopeAll: boolean;
}) {
  const { ctx, users } = props;
  const { t } = ctx;
  const hrefFor = (page: number) => {
    const qs = new URLSearchParams();
    if (props.q) qs.set('q', props.q);
    if (page > 1) qs.set('seite', String(page));
    const s = qs.toString();
    return ctx.href(`/admin/users${s ? `?${s}` : ''}`);
  };
  return (
    <AdminLayout ctx={ctx} title={t('admin.users')} crumbs={[{ label: t('admin.users') }]}>
      <h1 class="kern-heading-large">{t('admin.users')}</h1>
      <form method="get" action={ctx.href('/admin/users')} role="search">
        <TextField
          ctx={ctx}
          name="q"
          type={props.scopeAll ? 'search' : 'email'}
          label={t(props.scopeAll ? 'admin.users.searchLabelAll' : 'admin.users.searchLabelCity')}
          hint={props.scopeAll ? undefined : t('admin.users.searchHintCity')}
          value={props.q}
          maxLength={254}
        />
        <button type="submit" class="kern-btn kern-btn--secondary">
          <span class="kern-label">{t('admin.users.search')}</span>
        </button>
      </form>
      <p class="kern-body" role="status">
        {t('admin.users.count', { n: props.total })}
      </p>
      {users.length === 0 ? (
        <p class="kern-body">{t('admin.users.none')}</p>
      ) : (
        <TableWrap label={t('admin.users.caption')}>
          <table class="kern-table">
            <caption class="kern-title">{t('admin.users.caption')}</caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {t('admin.users.name')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.users.email')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.users.status')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.users.roles')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {users.map((u) => (
                <tr class="kern-table__row" key={u.id}>
                  <th class="kern-table__cell" scope="row">
                    <a
                      class="kern-link"
                      href={ctx.href(`/admin/users/${u.id}`)}
                      aria-label={t('admin.users.edit', { name: u.display_name })}
                    >
                      {u.display_name}
                    </a>
                  </th>
                  <td class="kern-table__cell">{u.email}</td>
                  <td class="kern-table__cell">{status(ctx, u)}</td>
                  <td class="kern-table__cell">{roleList(ctx, u.roles)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <Pager ctx={ctx} page={props.page} pages={props.pages} hrefFor={hrefFor} />
    </AdminLayout>
  );
}

export interface GrantValues {
  role: string;
  city: string;
}

export function UserPage(props: {
  ctx: PageContext;
  target: UserRow;
  roles: { role: string; cityId: number | null; manageable: boolean }[];
  /** Where this admin may grant: 'region' and/or city slugs. */
  grantOptions: { value: string; label: string }[];
  values: GrantValues;
  errors: FieldErrors;
  notice?: 'granted' | 'revoked' | undefined;
}) {
  const { ctx, target, roles } = props;
  const { t } = ctx;
  const base = `/admin/users/${target.id}`;
  const title = t('admin.user.title', { name: target.display_name });
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: t('admin.users'), href: '/admin/users' }, { label: target.display_name }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <Notice text={props.notice ? t(`admin.user.${props.notice}`) : undefined} />
      <dl class="sp-facts">
        <dt>{t('admin.users.email')}</dt>
        <dd>{target.email}</dd>
        <dt>{t('admin.users.status')}</dt>
        <dd>{status(ctx, target)}</dd>
      </dl>

      <section aria-labelledby="user-roles">
        <h2 class="kern-heading-medium" id="user-roles">
          {t('admin.user.roles')}
        </h2>
        {roles.length === 0 ? (
          <p class="kern-body">{t('admin.user.noRoles')}</p>
        ) : (
          <TableWrap label={t('admin.user.rolesCaption')}>
            <table class="kern-table">
              <caption class="sp-visually-hidden">{t('admin.user.rolesCaption')}</caption>
              <thead class="kern-table__head">
                <tr class="kern-table__row">
                  <th class="kern-table__header" scope="col">
                    {t('admin.user.role')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {t('admin.user.where')}
                  </th>
                  <th class="kern-table__header" scope="col">
                    {t('admin.user.action')}
                  </th>
                </tr>
              </thead>
              <tbody class="kern-table__body">
                {roles.map((r) => {
                  const where = cityLabel(ctx, ctx.cities, r.cityId);
                  const citySlug =
                    r.cityId === null ? 'region' : (ctx.cities.find((c) => c.id === r.cityId)?.slug ?? '');
                  return (
                    <tr class="kern-table__row" key={`${r.role}-${r.cityId ?? 0}`}>
                      <td class="kern-table__cell">{roleLabel(ctx, r.role)}</td>
                      <td class="kern-table__cell">{where}</td>
                      <td class="kern-table__cell">
                        {r.manageable ? (
                          <form
                            method="post"
                            action={ctx.href(`${base}/roles/revoke`)}
                            class="sp-inline-form"
                          >
                            <CsrfField ctx={ctx} />
                            <input type="hidden" name="role" value={r.role} />
                            <input type="hidden" name="city" value={citySlug} />
                            <button
                              type="submit"
                              class="kern-btn kern-btn--tertiary"
                              aria-label={t('admin.user.revokeLabel', {
                                role: roleLabel(ctx, r.role),
                                where,
                              })}
                            >
                              <span class="kern-label">{t('admin.user.revoke')}</span>
                            </button>
                          </form>
                        ) : (
                          '–'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>

      <section aria-labelledby="user-grant">
        <h2 class="kern-heading-medium" id="user-grant">
          {t('admin.user.grant')}
        </h2>
        <form method="post" action={ctx.href(`${base}/roles`)} novalidate>
          <CsrfField ctx={ctx} />
          <SelectField
            ctx={ctx}
            name="role"
            label={t('admin.user.grantRole')}
            value={props.values.role}
            error={props.errors.role}
            options={ROLES.map((r) => ({ value: r, label: roleLabel(ctx, r) }))}
          />
          <SelectField
            ctx={ctx}
            name="city"
            label={t('admin.user.grantCity')}
            value={props.values.city}
            error={props.errors.city}
            options={props.grantOptions}
          />
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">{t('admin.user.grantSubmit')}</span>
          </button>
        </form>
      </section>
    </AdminLayout>
  );
}

// ---- outbox ----

/** Mail text with links to this platform made clickable, so the demo works without a mail server. */
function MailText({ text, baseUrl }: { text: string; baseUrl: string }) {
  const parts = text.split(/(https?:\/\/\S+)/g);
  return (
    <pre class="sp-mailtext">
      {parts.map((p, i) =>
        p.startsWith(`${baseUrl}/`) ? (
          <a class="kern-link" href={p} key={`${i}-${p}`}>
            {p}
          </a>
        ) : (
          p
        ),
      )}
    </pre>
  );
}

export function OutboxPage({ ctx, mails }: { ctx: PageContext; mails: OutboxMail[] }) {
  const { t } = ctx;
  return (
    <AdminLayout ctx={ctx} title={t('admin.outbox')} crumbs={[{ label: t('admin.outbox') }]}>
      <h1 class="kern-heading-large">{t('admin.outbox')}</h1>
      <div class="kern-alert kern-alert--warning">
        <div class="kern-alert__body">
          <p class="kern-body">{t('admin.outbox.note')}</p>
        </div>
      </div>
      {mails.length === 0 ? (
        <p class="kern-body">{t('admin.outbox.none')}</p>
      ) : (
        <TableWrap label={t('admin.outbox.caption')}>
          <table class="kern-table">
            <caption class="kern-title">{t('admin.outbox.caption')}</caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {t('admin.outbox.created')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.outbox.to')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.outbox.subject')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.outbox.purpose')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.outbox.state')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {mails.map((m) => (
                <tr class="kern-table__row" key={m.id}>
                  <td class="kern-table__cell">{dateTime(ctx, m.created_at)}</td>
                  <td class="kern-table__cell">{m.to_address}</td>
                  <td class="kern-table__cell">
                    <details>
                      <summary>{m.subject}</summary>
                      <MailText text={m.text_body} baseUrl={ctx.baseUrl} />
                    </details>
                  </td>
                  <td class="kern-table__cell">{m.purpose}</td>
                  <td class="kern-table__cell">
                    {m.sent_at
                      ? t('admin.outbox.sent', { at: dateTime(ctx, m.sent_at) })
                      : m.last_error
                        ? t('admin.outbox.failed', { error: m.last_error })
                        : t('admin.outbox.pending')}
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

// ---- audit log ----

export function AuditPage(props: { ctx: PageContext; entries: AuditRow[]; page: number; hasMore: boolean }) {
  const { ctx, entries, page } = props;
  const { t } = ctx;
  const cityName = (slug: string | null) =>
    slug ? (ctx.cities.find((c) => c.slug === slug)?.shortName ?? slug) : t('auth.account.region');
  return (
    <AdminLayout ctx={ctx} title={t('admin.audit')} crumbs={[{ label: t('admin.audit') }]}>
      <h1 class="kern-heading-large">{t('admin.audit')}</h1>
      {entries.length === 0 ? (
        <p class="kern-body">{t('admin.audit.none')}</p>
      ) : (
        <TableWrap label={t('admin.audit.caption')}>
          <table class="kern-table">
            <caption class="kern-title">{t('admin.audit.caption')}</caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {t('admin.audit.at')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.audit.actor')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.audit.city')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.audit.action')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.audit.entity')}
                </th>
                <th class="kern-table__header" scope="col">
                  {t('admin.audit.details')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {entries.map((e) => (
                <tr class="kern-table__row" key={e.id}>
                  <td class="kern-table__cell">{dateTime(ctx, e.at)}</td>
                  <td class="kern-table__cell">{e.actor_email ?? t('admin.audit.system')}</td>
                  <td class="kern-table__cell">{cityName(e.city_slug)}</td>
                  <td class="kern-table__cell">
                    <code>{e.action}</code>
                  </td>
                  <td class="kern-table__cell">
                    {e.entity_type}
                    {e.entity_id ? ` ${e.entity_id}` : ''}
                  </td>
                  <td class="kern-table__cell">
                    <code class="sp-code">{JSON.stringify(e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <nav class="sp-pager" aria-label={t('pager.label')}>
        <ul>
          {page > 1 && (
            <li>
              <a href={ctx.href(page === 2 ? '/admin/audit' : `/admin/audit?seite=${page - 1}`)} rel="prev">
                ‹ {t('admin.audit.newer')}
              </a>
            </li>
          )}
          {props.hasMore && (
            <li>
              <a href={ctx.href(`/admin/audit?seite=${page + 1}`)} rel="next">
                {t('admin.audit.older')} ›
              </a>
            </li>
          )}
        </ul>
      </nav>
    </AdminLayout>
  );
}
