/** Back office of the Mängelmelder: triage queue, status with templates, internal notes, moderation, API keys. */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { requireStaff } from '../../platform/admin/index.ts';
import { citiesWithRole, hasRole } from '../../platform/auth/service.ts';
import { type Db, rows, sql } from '../../platform/db/index.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { CurrentUser, PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  formString,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { Layout } from '../../platform/web/layout.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import { historyText, L, statusLabel } from './pages.tsx';
import {
  type ApiKeyRow,
  addInternalNote,
  assignableStaff,
  assignReport,
  type CategoryRow,
  canHandle,
  canModerate,
  changeStatus,
  createApiKey,
  type HistoryRow,
  historyOf,
  listApiKeys,
  mergeCandidates,
  type NearbyRow,
  NOTE_TEMPLATES,
  OPEN_STATUSES,
  type PhotoMeta,
  photosOf,
  type ReportRow,
  redactPhoto,
  reportById,
  revokeApiKey,
  STATUSES,
  type StaffMember,
  type Status,
  setPhotoHidden,
  setTextHidden,
  TRANSITIONS,
  updateCategory,
} from './service.ts';

/** The header row of a staff table: one column header per label. */
function TableHead(props: { cols: string[] }) {
  return (
    <thead class="kern-table__head">
      <tr class="kern-table__row">
        {props.cols.map((c) => (
          <th class="kern-table__header" scope="col" key={c}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

const dt = (d: Date) =>
  new Intl.DateTimeFormat('de-DE', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(d));

interface QueueRow {
  id: number;
  city_slug: string;
  category_name: string;
  department: string;
  status: string;
  address: string | null;
  created_at: Date;
  published_at: Date | null;
  ack_due: Date;
  fix_due: Date;
  assignee_name: string | null;
}

async function queue(
  db: Db,
  cityIds: number[] | 'all',
  status: string,
  department: string,
  assigned: { mode: string; userId: string },
): Promise<QueueRow[]> {
  const cityFilter =
    cityIds === 'all'
      ? sql`TRUE`
      : sql`r.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  const statuses =
    status === 'alle' ? [...STATUSES] : status === 'offen' || !status ? OPEN_STATUSES : [status];
  return rows<QueueRow>(
    db,
    sql`SELECT r.id::int AS id, c.slug AS city_slug, k.name AS category_name, k.department, r.status, r.address,
          r.created_at, r.published_at, r.created_at + make_interval(days => k.ack_days) AS ack_due,
          r.created_at + make_interval(days => k.sla_days) AS fix_due, u.display_name AS assignee_name
        FROM reports r JOIN report_categories k ON k.id = r.category_id JOIN cities c ON c.id = r.city_id
          LEFT JOIN users u ON u.id = r.assigned_to
        WHERE ${cityFilter} AND r.status = ANY(${sql.param(statuses)}::text[])
          ${department ? sql`AND k.department = ${department}` : sql``}
          ${assigned.mode === 'mir' ? sql`AND r.assigned_to = ${assigned.userId}` : assigned.mode === 'niemand' ? sql`AND r.assigned_to IS NULL` : sql``}
        ORDER BY CASE r.status WHEN 'eingegangen' THEN 0 WHEN 'bestaetigt' THEN 1 WHEN 'in_bearbeitung' THEN 2 ELSE 3 END,
          r.created_at
        LIMIT 200`,
  );
}

interface StatsRow {
  city_slug: string;
  category_name: string;
  total: number;
  open: number;
  fixed: number;
  median_ack_hours: number | null;
  median_fix_days: number | null;
  fixed_in_sla: number;
}

/** Counts and median times per city and category over the last `days` days (reports created then). */
async function statistics(db: Db, cityIds: number[] | 'all', days: number): Promise<StatsRow[]> {
  const cityFilter =
    cityIds === 'all'
      ? sql`TRUE`
      : sql`r.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  return rows<StatsRow>(
    db,
    sql`SELECT c.slug AS city_slug, k.name AS category_name, count(*)::int AS total,
          count(*) FILTER (WHERE r.status IN ('eingegangen', 'bestaetigt', 'in_bearbeitung'))::int AS open,
          count(*) FILTER (WHERE r.status = 'erledigt')::int AS fixed,
          round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.acknowledged_at - r.created_at))
            / 3600)::numeric, 1)::float8 AS median_ack_hours,
          round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.closed_at - r.created_at))
            FILTER (WHERE r.status = 'erledigt') / 86400)::numeric, 1)::float8 AS median_fix_days,
          count(*) FILTER (WHERE r.status = 'erledigt' AND r.closed_at <= r.created_at + make_interval(days => k.sla_days))::int AS fixed_in_sla
        FROM reports r JOIN report_categories k ON k.id = r.category_id JOIN cities c ON c.id = r.city_id
        WHERE ${cityFilter} AND r.created_at >= now() - make_interval(days => ${days})
        GROUP BY c.slug, c.sort, k.name, k.sort ORDER BY c.sort, k.sort`,
  );
}

function StatsPage(props: { ctx: PageContext; rows: StatsRow[]; days: number }) {
  const { ctx } = props;
  const title = L(ctx, 'Mängelmelder: Statistik', 'Defect reports: statistics');
  const n = (v: number | null) =>
    v === null ? '–' : v.toLocaleString(ctx.locale === 'en' ? 'en-GB' : 'de-DE');
  return (
    <Layout
      ctx={ctx}
      title={title}
      admin
      breadcrumbs={[
        { label: 'Verwaltung', href: '/admin/' },
        { label: 'Mängelmelder', href: '/admin/maengel' },
        { label: 'Statistik' },
      ]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p>{L(ctx, `Meldungen der letzten ${props.days} Tage.`, `Reports of the last ${props.days} days.`)}</p>
      <TableWrap label={title}>
        <table class="kern-table">
          <caption class="sp-visually-hidden">{title}</caption>
          <TableHead
            cols={[
              L(ctx, 'Stadt', 'City'),
              L(ctx, 'Kategorie', 'Category'),
              L(ctx, 'Gesamt', 'Total'),
              L(ctx, 'Offen', 'Open'),
              L(ctx, 'Erledigt', 'Fixed'),
              L(ctx, 'Median bis Eingangsbestätigung (Std.)', 'Median to acknowledge (h)'),
              L(ctx, 'Median bis erledigt (Tage)', 'Median to fix (days)'),
              L(ctx, 'Erledigt in der Frist', 'Fixed within SLA'),
            ]}
          />
          <tbody class="kern-table__body">
            {props.rows.map((r) => (
              <tr class="kern-table__row" key={`${r.city_slug}-${r.category_name}`}>
                <td class="kern-table__cell">{r.city_slug}</td>
                <td class="kern-table__cell">{r.category_name}</td>
                <td class="kern-table__cell">{r.total}</td>
                <td class="kern-table__cell">{r.open}</td>
                <td class="kern-table__cell">{r.fixed}</td>
                <td class="kern-table__cell">{n(r.median_ack_hours)}</td>
                <td class="kern-table__cell">{n(r.median_fix_days)}</td>
                <td class="kern-table__cell">
                  {r.fixed ? `${Math.round((100 * r.fixed_in_sla) / r.fixed)} %` : '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  );
}

function QueuePage(props: {
  ctx: PageContext;
  rows: QueueRow[];
  status: string;
  department: string;
  departments: string[];
  assigned: string;
  now: Date;
  isAdmin: boolean;
}) {
  const { ctx, now } = props;
  const title = L(ctx, 'Mängelmelder: Eingang', 'Defect reports: queue');
  return (
    <Layout
      ctx={ctx}
      title={title}
      admin
      breadcrumbs={[{ label: 'Verwaltung', href: '/admin/' }, { label: 'Mängelmelder' }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p>
        <a href={ctx.href('/admin/maengel/statistik')}>{L(ctx, 'Statistik', 'Statistics')}</a>
      </p>
      {props.isAdmin && (
        <p>
          <a href={ctx.href('/admin/maengel/api-schluessel')}>
            {L(ctx, 'Open311-API-Schlüssel verwalten', 'Manage Open311 API keys')}
          </a>{' '}
          ·{' '}
          <a href={ctx.href('/admin/maengel/kategorien')}>
            {L(ctx, 'Kategorien, Zuständigkeit und Fristen', 'Categories, departments and service levels')}
          </a>
        </p>
      )}
      <form method="get" action={ctx.href('/admin/maengel')}>
        <div class="kern-form-input">
          <label class="kern-label" for="f-status">
            Status
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-status" name="status">
              <option value="offen" selected={props.status === 'offen'}>
                {L(ctx, 'alle offenen', 'all open')}
              </option>
              <option value="alle" selected={props.status === 'alle'}>
                {L(ctx, 'alle', 'all')}
              </option>
              {STATUSES.map((s) => (
                <option key={s} value={s} selected={s === props.status}>
                  {statusLabel(ctx, s)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="kern-form-input">
          <label class="kern-label" for="f-abteilung">
            {L(ctx, 'Zuständige Stelle', 'Department')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-abteilung" name="abteilung">
              <option value="">{L(ctx, 'alle', 'all')}</option>
              {props.departments.map((d) => (
                <option key={d} value={d} selected={d === props.department}>
                  {d}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="kern-form-input">
          <label class="kern-label" for="f-zugewiesen">
            {L(ctx, 'Zugewiesen', 'Assigned')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-zugewiesen" name="zugewiesen">
              <option value="">{L(ctx, 'egal', 'any')}</option>
              <option value="mir" selected={props.assigned === 'mir'}>
                {L(ctx, 'mir', 'to me')}
              </option>
              <option value="niemand" selected={props.assigned === 'niemand'}>
                {L(ctx, 'niemandem', 'to nobody')}
              </option>
            </select>
          </div>
        </div>
        <button class="kern-btn kern-btn--secondary" type="submit">
          <span class="kern-label">{L(ctx, 'Filtern', 'Filter')}</span>
        </button>
      </form>
      <p>{L(ctx, `${props.rows.length} Meldungen`, `${props.rows.length} reports`)}</p>
      <TableWrap label={title}>
        <table class="kern-table">
          <caption class="sp-visually-hidden">{title}</caption>
          <TableHead
            cols={[
              'Nr.',
              L(ctx, 'Stadt', 'City'),
              L(ctx, 'Kategorie', 'Category'),
              L(ctx, 'Stelle', 'Department'),
              'Status',
              L(ctx, 'Eingang', 'Received'),
              'SLA',
              L(ctx, 'Zugewiesen', 'Assigned'),
            ]}
          />
          <tbody class="kern-table__body">
            {props.rows.map((r) => {
              const overdueAck = r.status === 'eingegangen' && new Date(r.ack_due) < now;
              const overdueFix = OPEN_STATUSES.includes(r.status as Status) && new Date(r.fix_due) < now;
              return (
                <tr class="kern-table__row" key={r.id}>
                  <td class="kern-table__cell">
                    <a href={ctx.href(`/admin/maengel/${r.id}`)}>{r.id}</a>
                  </td>
                  <td class="kern-table__cell">{r.city_slug}</td>
                  <td class="kern-table__cell">{r.category_name}</td>
                  <td class="kern-table__cell">{r.department}</td>
                  <td class="kern-table__cell">
                    {statusLabel(ctx, r.status)}
                    {!r.published_at && ` (${L(ctx, 'nicht öffentlich', 'not public')})`}
                  </td>
                  <td class="kern-table__cell">{dt(r.created_at)}</td>
                  <td class="kern-table__cell">
                    {overdueAck
                      ? L(ctx, 'Eingangsbestätigung überfällig', 'acknowledgement overdue')
                      : overdueFix
                        ? L(ctx, 'Erledigung überfällig', 'fix overdue')
                        : OPEN_STATUSES.includes(r.status as Status)
                          ? `${L(ctx, 'bis', 'due')} ${dt(r.fix_due)}`
                          : '–'}
                  </td>
                  <td class="kern-table__cell">{r.assignee_name ?? '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  );
}

/** Black out a rectangle of a photo (faces, number plates); numbers in percent, keyboard friendly. */
function RedactForm(props: {
  ctx: PageContext;
  reportId: number;
  photo: PhotoMeta;
  index: number;
  error?: string | undefined;
}) {
  const { ctx, photo: p } = props;
  const id = `f-redact-${p.id}`;
  const field = (name: string, de: string, en: string) => (
    <div class="kern-form-input">
      <label class="kern-label" for={`${id}-${name}`}>
        {L(ctx, de, en)}
      </label>
      <input
        class="kern-form-input__input"
        type="number"
        min="0"
        max="100"
        step="any"
        inputMode="decimal"
        id={`${id}-${name}`}
        name={name}
        required
      />
    </div>
  );
  return (
    <form method="post" action={ctx.href(`/admin/maengel/${props.reportId}/fotos/${p.id}/schwaerzen`)}>
      <CsrfField ctx={ctx} />
      <fieldset class="kern-fieldset" id={id} aria-describedby={props.error ? `${id}-error` : undefined}>
        <legend class="kern-label">
          {L(
            ctx,
            `Bereich in Foto ${props.index + 1} schwärzen (in Prozent)`,
            `Black out an area of photo ${props.index + 1} (percent)`,
          )}
        </legend>
        {props.error && (
          <p class="kern-error" id={`${id}-error`}>
            {props.error}
          </p>
        )}
        {field('x', 'Abstand von links', 'From the left')}
        {field('y', 'Abstand von oben', 'From the top')}
        {field('w', 'Breite', 'Width')}
        {field('h', 'Höhe', 'Height')}
      </fieldset>
      <button class="kern-btn kern-btn--secondary" type="submit">
        <span class="kern-label">
          {L(ctx, `Foto ${props.index + 1}: Bereich schwärzen`, `Photo ${props.index + 1}: black out`)}
        </span>
      </button>
    </form>
  );
}

function AdminReportPage(props: {
  ctx: PageContext;
  report: ReportRow;
  history: HistoryRow[];
  photos: PhotoMeta[];
  errors: FieldErrors;
  values: Record<string, string>;
  handle: boolean;
  staff: StaffMember[];
  candidates: NearbyRow[];
}) {
  const { ctx, report: r, errors, values } = props;
  const next = TRANSITIONS[r.status as Status];
  const title = `Nr. ${r.id}: ${r.category_name}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      admin
      breadcrumbs={[
        { label: 'Verwaltung', href: '/admin/' },
        { label: 'Mängelmelder', href: '/admin/maengel' },
        { label: `Nr. ${r.id}` },
      ]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <dl class="sp-facts">
        <dt>Status</dt>
        <dd>
          {statusLabel(ctx, r.status)} {r.published_at ? '' : `(${L(ctx, 'nicht öffentlich', 'not public')})`}
        </dd>
        <dt>{L(ctx, 'Stadt / Stelle', 'City / department')}</dt>
        <dd>
          {r.city_slug} / {r.department}
        </dd>
        <dt>{L(ctx, 'Ort', 'Place')}</dt>
        <dd>
          {r.address ?? ''}{' '}
          {r.lat !== null ? `(${Number(r.lat).toFixed(5)}, ${Number(r.lon).toFixed(5)})` : ''}
        </dd>
        {props.handle && (
          <>
            <dt>{L(ctx, 'Meldende Person (vertraulich)', 'Reporter (confidential)')}</dt>
            <dd>
              {r.reporter_name ?? '–'} {r.reporter_email ? `<${r.reporter_email}>` : ''}
            </dd>
          </>
        )}
        <dt>{L(ctx, 'Eingang', 'Received')}</dt>
        <dd>{dt(r.created_at)}</dd>
        <dt>{L(ctx, 'Zugewiesen an', 'Assigned to')}</dt>
        <dd>{r.assignee_name ?? L(ctx, 'niemanden', 'nobody')}</dd>
        <dt>{L(ctx, 'Unterstützungen („Ich auch“)', 'Supporters (“me too”)')}</dt>
        <dd>{r.support_count}</dd>
      </dl>
      {props.handle && (
        <form method="post" action={ctx.href(`/admin/maengel/${r.id}/zuweisen`)} class="sp-inline-form">
          <CsrfField ctx={ctx} />
          <div class={errors.assignee ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
            <label class="kern-label" for="f-assignee">
              {L(ctx, 'Zuweisen an', 'Assign to')}
            </label>
            {errors.assignee && (
              <p class="kern-error" id="f-assignee-error">
                {errors.assignee}
              </p>
            )}
            <div class="kern-form-input__select-wrapper">
              <select
                class="kern-form-input__select"
                id="f-assignee"
                name="assignee"
                aria-describedby={errors.assignee ? 'f-assignee-error' : undefined}
              >
                <option value="">{L(ctx, 'niemanden', 'nobody')}</option>
                {props.staff.map((s) => (
                  <option key={s.id} value={s.id} selected={s.id === r.assigned_to}>
                    {s.display_name} ({s.email})
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button class="kern-btn kern-btn--secondary" type="submit">
            <span class="kern-label">{L(ctx, 'Zuweisen', 'Assign')}</span>
          </button>
        </form>
      )}
      <h2 class="kern-heading-medium">{L(ctx, 'Beschreibung', 'Description')}</h2>
      <p class="sp-prewrap">{r.description}</p>
      <form method="post" action={ctx.href(`/admin/maengel/${r.id}/text`)}>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="hidden" value={r.text_hidden ? 'false' : 'true'} />
        <button class="kern-btn kern-btn--secondary" type="submit">
          <span class="kern-label">
            {r.text_hidden
              ? L(ctx, 'Beschreibung wieder zeigen', 'Show description again')
              : L(ctx, 'Beschreibung öffentlich verbergen', 'Hide description publicly')}
          </span>
        </button>
      </form>
      {props.photos.length > 0 && (
        <>
          <h2 class="kern-heading-medium">{L(ctx, 'Fotos', 'Photos')}</h2>
          <ul class="sp-photos">
            {props.photos.map((p, i) => (
              <li key={p.id}>
                <img
                  src={ctx.href(`/${r.city_slug}/maengel/${r.id}/fotos/${p.id}`)}
                  width={p.width}
                  height={p.height}
                  alt={`Foto ${i + 1}`}
                  loading="lazy"
                />
                <form method="post" action={ctx.href(`/admin/maengel/${r.id}/fotos/${p.id}`)}>
                  <CsrfField ctx={ctx} />
                  <input type="hidden" name="hidden" value={p.hidden ? 'false' : 'true'} />
                  <button class="kern-btn kern-btn--secondary" type="submit">
                    <span class="kern-label">
                      {p.hidden
                        ? L(ctx, `Foto ${i + 1} wieder zeigen`, `Show photo ${i + 1}`)
                        : L(ctx, `Foto ${i + 1} verbergen`, `Hide photo ${i + 1}`)}
                    </span>
                  </button>
                </form>
                <RedactForm ctx={ctx} reportId={r.id} photo={p} index={i} error={errors[`redact-${p.id}`]} />
              </li>
            ))}
          </ul>
        </>
      )}
      {props.handle && props.candidates.length > 0 && (
        <>
          <h2 class="kern-heading-medium">
            {L(ctx, 'Mögliche Duplikate in der Nähe', 'Possible duplicates nearby')}
          </h2>
          <p>
            {L(
              ctx,
              'Offene Meldungen derselben Kategorie bis 100 m entfernt. Zusammenführen setzt die andere Meldung auf „Duplikat“; wer sie gemeldet hat, bekommt künftig die Nachrichten zu dieser Meldung.',
              'Open reports of the same category up to 100 m away. Merging marks the other report as a duplicate; its reporter gets the news of this report from now on.',
            )}
          </p>
          <ul>
            {props.candidates.map((c) => (
              <li key={c.id}>
                <a href={ctx.href(`/admin/maengel/${c.id}`)}>Nr. {c.id}</a> ({c.distance} m,{' '}
                {statusLabel(ctx, c.status)}, {dt(c.created_at)}): {c.description.slice(0, 120)}
                <form method="post" action={ctx.href(`/admin/maengel/${r.id}/zusammenfuehren`)}>
                  <CsrfField ctx={ctx} />
                  <input type="hidden" name="duplicate" value={String(c.id)} />
                  <button class="kern-btn kern-btn--secondary" type="submit">
                    <span class="kern-label">
                      {L(ctx, `Nr. ${c.id} hierher zusammenführen`, `Merge no. ${c.id} into this report`)}
                    </span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      )}
      {props.handle && (
        <>
          <h2 class="kern-heading-medium">{L(ctx, 'Status ändern', 'Change status')}</h2>
          <form method="post" action={ctx.href(`/admin/maengel/${r.id}/status`)}>
            <CsrfField ctx={ctx} />
            <div class={errors.status ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
              <label class="kern-label" for="f-status">
                {L(ctx, 'Neuer Status', 'New status')}
              </label>
              {errors.status && <p class="kern-error">{errors.status}</p>}
              <div class="kern-form-input__select-wrapper">
                <select class="kern-form-input__select" id="f-status" name="status">
                  {next.map((s) => (
                    <option key={s} value={s} selected={s === values.status}>
                      {statusLabel(ctx, s)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <TextArea
              ctx={ctx}
              name="publicNote"
              label={L(
                ctx,
                'Öffentliche Notiz (geht auch per E-Mail an die meldende Person)',
                'Public note (also e-mailed to the reporter)',
              )}
              hint={L(
                ctx,
                'Leer lassen, um die Vorlage des Status zu verwenden (außer bei „abgelehnt“: dort ist der Grund Pflicht).',
                'Leave empty to use the status template (not for “rejected”: a reason is required).',
              )}
              value={values.publicNote}
              error={errors.publicNote}
              optional
            />
            <TextField
              ctx={ctx}
              name="duplicateOf"
              label={L(
                ctx,
                'Bei Duplikat: Nummer der ursprünglichen Meldung',
                'For duplicates: number of the original report',
              )}
              value={values.duplicateOf}
              error={errors.duplicateOf}
              optional
              inputMode="numeric"
            />
            <TextField
              ctx={ctx}
              name="forwardedTo"
              label={L(ctx, 'Bei Weiterleitung: an wen', 'When forwarded: to whom')}
              value={values.forwardedTo}
              error={errors.forwardedTo}
              optional
            />
            <TextArea
              ctx={ctx}
              name="internalNote"
              label={L(ctx, 'Interne Notiz', 'Internal note')}
              value={values.internalNote}
              error={errors.internalNote}
              optional
              rows={3}
            />
            <button class="kern-btn kern-btn--primary" type="submit">
              <span class="kern-label">{L(ctx, 'Status setzen', 'Set status')}</span>
            </button>
          </form>
          <details>
            <summary>{L(ctx, 'Textvorlagen', 'Note templates')}</summary>
            <dl>
              {next.map((s) => (
                <>
                  <dt key={`t${s}`}>{statusLabel(ctx, s)}</dt>
                  <dd key={`d${s}`}>{NOTE_TEMPLATES[s]}</dd>
                </>
              ))}
            </dl>
          </details>
          <h2 class="kern-heading-medium">{L(ctx, 'Interne Notiz hinzufügen', 'Add internal note')}</h2>
          <form method="post" action={ctx.href(`/admin/maengel/${r.id}/notiz`)}>
            <CsrfField ctx={ctx} />
            <TextArea
              ctx={ctx}
              name="note"
              label={L(ctx, 'Notiz (nur für die Verwaltung)', 'Note (staff only)')}
              value=""
              error={errors.note}
              rows={3}
            />
            <button class="kern-btn kern-btn--secondary" type="submit">
              <span class="kern-label">{L(ctx, 'Notiz speichern', 'Save note')}</span>
            </button>
          </form>
        </>
      )}
      <h2 class="kern-heading-medium">{L(ctx, 'Verlauf', 'History')}</h2>
      <ol class="sp-history">
        {props.history.map((hh) => (
          <li key={hh.id}>
            <p>
              <strong>{historyText(ctx, hh)}</strong> · {dt(hh.at)}{' '}
              {hh.actor_name ? `· ${hh.actor_name}` : ''}
            </p>
            {hh.public_note && <p class="sp-prewrap">{hh.public_note}</p>}
            {hh.internal_note && (
              <p class="sp-prewrap kern-body--small">
                {L(ctx, 'Intern', 'Internal')}: {hh.internal_note}
              </p>
            )}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

const adminCrumbs = (last: string, mid?: { label: string; href: string }) => [
  { label: 'Verwaltung', href: '/admin/' },
  { label: 'Mängelmelder', href: '/admin/maengel' },
  ...(mid ? [mid] : []),
  { label: last },
];

function CategoriesPage(props: { ctx: PageContext; categories: (CategoryRow & { city_name: string })[] }) {
  const { ctx } = props;
  const title = L(ctx, 'Kategorien, Zuständigkeit und Fristen', 'Categories, departments and service levels');
  return (
    <Layout ctx={ctx} title={title} admin breadcrumbs={adminCrumbs(title)}>
      <h1 class="kern-heading-large">{title}</h1>
      <TableWrap label={title}>
        <table class="kern-table">
          <caption class="sp-visually-hidden">{title}</caption>
          <TableHead
            cols={[
              L(ctx, 'Stadt', 'City'),
              L(ctx, 'Kategorie', 'Category'),
              L(ctx, 'Zuständige Stelle', 'Department'),
              L(ctx, 'Eingangsbestätigung (Tage)', 'Acknowledge (days)'),
              L(ctx, 'Erledigung (Tage)', 'Fix (days)'),
              L(ctx, 'Aktiv', 'Active'),
            ]}
          />
          <tbody class="kern-table__body">
            {props.categories.map((c) => (
              <tr class="kern-table__row" key={c.id}>
                <td class="kern-table__cell">{c.city_name}</td>
                <td class="kern-table__cell">
                  <a href={ctx.href(`/admin/maengel/kategorien/${c.id}`)}>{c.name}</a>
                </td>
                <td class="kern-table__cell">{c.department}</td>
                <td class="kern-table__cell">{c.ack_days}</td>
                <td class="kern-table__cell">{c.sla_days}</td>
                <td class="kern-table__cell">{c.active ? L(ctx, 'ja', 'yes') : L(ctx, 'nein', 'no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  );
}

function CategoryPage(props: {
  ctx: PageContext;
  category: CategoryRow & { city_name: string };
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { ctx, category: c, values, errors } = props;
  const title = `${c.name} (${c.city_name})`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      admin
      breadcrumbs={adminCrumbs(c.name, {
        label: L(ctx, 'Kategorien', 'Categories'),
        href: '/admin/maengel/kategorien',
      })}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      <form method="post" action={ctx.href(`/admin/maengel/kategorien/${c.id}`)}>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="name"
          label={L(ctx, 'Name', 'Name')}
          value={values.name ?? c.name}
          error={errors.name}
        />
        <TextField
          ctx={ctx}
          name="department"
          label={L(ctx, 'Zuständige Stelle', 'Department')}
          value={values.department ?? c.department}
          error={errors.department}
        />
        <TextField
          ctx={ctx}
          name="ackDays"
          label={L(ctx, 'Frist bis zur Eingangsbestätigung (Tage)', 'Days to acknowledge')}
          value={values.ackDays ?? String(c.ack_days)}
          error={errors.ackDays}
          inputMode="numeric"
        />
        <TextField
          ctx={ctx}
          name="slaDays"
          label={L(ctx, 'Frist bis zur Erledigung (Tage)', 'Days to fix')}
          value={values.slaDays ?? String(c.sla_days)}
          error={errors.slaDays}
          inputMode="numeric"
        />
        <div class="kern-form-check">
          <input
            class="kern-form-check__checkbox"
            type="checkbox"
            id="f-active"
            name="active"
            value="1"
            checked={values.active !== undefined ? values.active === '1' : c.active}
          />
          <label class="kern-label" for="f-active">
            {L(ctx, 'Im Meldeformular anbieten', 'Offer in the report form')}
          </label>
        </div>
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">{L(ctx, 'Speichern', 'Save')}</span>
        </button>
      </form>
    </Layout>
  );
}

function ApiKeysPage(props: {
  ctx: PageContext;
  keys: ApiKeyRow[];
  cities: City[];
  created?: string;
  errors: FieldErrors;
  name: string;
}) {
  const { ctx } = props;
  const title = L(ctx, 'Open311-API-Schlüssel', 'Open311 API keys');
  const cityName = (id: number | null) =>
    id === null
      ? L(ctx, 'ganze Region', 'whole region')
      : (props.cities.find((c) => c.id === id)?.name ?? String(id));
  return (
    <Layout
      ctx={ctx}
      title={title}
      admin
      breadcrumbs={[
        { label: 'Verwaltung', href: '/admin/' },
        { label: 'Mängelmelder', href: '/admin/maengel' },
        { label: title },
      ]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      {props.created && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p>{L(ctx, 'Neuer Schlüssel – er wird nur jetzt angezeigt:', 'New key – shown only now:')}</p>
            <p>
              <code>{props.created}</code>
            </p>
          </div>
        </div>
      )}
      <form method="post" action={ctx.href('/admin/maengel/api-schluessel')}>
        <CsrfField ctx={ctx} />
        <TextField
          ctx={ctx}
          name="name"
          label={L(ctx, 'Name der Anwendung', 'Application name')}
          value={props.name}
          error={props.errors.name}
        />
        <div class="kern-form-input">
          <label class="kern-label" for="f-city">
            {L(ctx, 'Gültig für', 'Valid for')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-city" name="city">
              <option value="">{L(ctx, 'ganze Region', 'whole region')}</option>
              {props.cities.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">{L(ctx, 'Schlüssel erzeugen', 'Create key')}</span>
        </button>
      </form>
      <h2 class="kern-heading-medium">{L(ctx, 'Vorhandene Schlüssel', 'Existing keys')}</h2>
      <ul>
        {props.keys.map((k) => (
          <li key={k.id}>
            {k.name} ({cityName(k.city_id)}) · {dt(k.created_at)}{' '}
            {k.revoked_at ? (
              L(ctx, '· widerrufen', '· revoked')
            ) : (
              <form method="post" action={ctx.href(`/admin/maengel/api-schluessel/${k.id}/widerrufen`)}>
                <CsrfField ctx={ctx} />
                <button class="kern-btn kern-btn--secondary" type="submit">
                  <span class="kern-label">{L(ctx, `„${k.name}“ widerrufen`, `Revoke “${k.name}”`)}</span>
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export async function reportAdminRoutes(app: FastifyInstance) {
  const db = app.database.db;

  /** Case workers handle reports; moderators may look at them to hide abusive text or photos. */
  function staffCities(request: FastifyRequest): { user: CurrentUser; cityIds: number[] | 'all' } {
    const user = request.user;
    if (!user) throw new HttpError(401, 'Bitte melden Sie sich an.');
    const a = citiesWithRole(user, 'case_worker');
    const b = citiesWithRole(user, 'moderator');
    const cityIds = a === 'all' || b === 'all' ? 'all' : [...new Set([...a, ...b])];
    if (cityIds !== 'all' && cityIds.length === 0)
      throw new HttpError(403, 'Keine Berechtigung für diese Aktion');
    return { user, cityIds };
  }

  async function staffReport(request: FastifyRequest, idText: string, need: 'handle' | 'view' = 'handle') {
    const report = await reportById(db, Number(idText));
    if (need === 'view') {
      const { user } = staffCities(request);
      if (!report) throw notFound('Diese Meldung gibt es nicht.');
      if (!canModerate(user, report.city_id)) throw new HttpError(403, 'Keine Berechtigung für diese Aktion');
      return { user, report };
    }
    // Unknown and foreign reports look alike to the guard: 403 for staff of another city.
    const user = requireStaff(request, 'case_worker', report ? report.city_id : 'any');
    if (!report) throw notFound('Diese Meldung gibt es nicht.');
    return { user, report };
  }

  app.get<{ Querystring: { status?: string; abteilung?: string; zugewiesen?: string } }>(
    '/admin/maengel',
    async (request, reply) => {
      const { user, cityIds } = staffCities(request);
      const status = String(request.query.status ?? 'offen').slice(0, 30);
      const department = String(request.query.abteilung ?? '').slice(0, 100);
      const assigned = ['mir', 'niemand'].includes(String(request.query.zugewiesen))
        ? String(request.query.zugewiesen)
        : '';
      const [ctx, list, departments] = await Promise.all([
        request.pageContext(),
        queue(db, cityIds, status, department, { mode: assigned, userId: user.id }),
        rows<{ department: string }>(
          db,
          sql`SELECT DISTINCT department FROM report_categories ORDER BY department`,
        ),
      ]);
      return reply.page(
        h(QueuePage, {
          ctx,
          rows: list,
          status,
          department,
          departments: departments.map((d) => d.department),
          assigned,
          now: new Date(),
          isAdmin: hasRole(user, 'admin', null) || (citiesWithRole(user, 'admin') as number[]).length > 0,
        }),
      );
    },
  );

  app.get('/admin/maengel/statistik', async (request, reply) => {
    const { cityIds } = staffCities(request);
    const days = 180;
    const [ctx, list] = await Promise.all([request.pageContext(), statistics(db, cityIds, days)]);
    return reply.page(h(StatsPage, { ctx, rows: list, days }));
  });

  async function renderReport(
    request: FastifyRequest,
    reply: FastifyReply,
    report: ReportRow,
    errors: FieldErrors = {},
    values: Record<string, string> = {},
    status = 200,
  ) {
    const handle = canHandle(request.user, report.city_id);
    const [ctx, history, photos, staff, candidates] = await Promise.all([
      request.pageContext(),
      historyOf(db, report.id),
      photosOf(db, report.id),
      handle ? assignableStaff(db, report.city_id) : [],
      handle ? mergeCandidates(db, report) : [],
    ]);
    return reply.page(
      h(AdminReportPage, {
        ctx,
        report,
        history,
        photos,
        errors,
        values,
        handle,
        staff,
        candidates,
      }),
      status,
    );
  }

  app.get<{ Params: { id: string } }>('/admin/maengel/:id', async (request, reply) => {
    const { report } = await staffReport(request, request.params.id, 'view');
    return renderReport(request, reply, report);
  });

  app.post<{ Params: { id: string } }>('/admin/maengel/:id/status', async (request, reply) => {
    const { user, report } = await staffReport(request, request.params.id);
    const values = {
      status: formString(request.body, 'status'),
      publicNote: formString(request.body, 'publicNote'),
      internalNote: formString(request.body, 'internalNote'),
      duplicateOf: formString(request.body, 'duplicateOf'),
      forwardedTo: formString(request.body, 'forwardedTo'),
    };
    const to = values.status as Status;
    const note = values.publicNote || (to !== 'abgelehnt' ? (NOTE_TEMPLATES[to] ?? '') : '');
    try {
      await changeStatus(
        db,
        user,
        report.id,
        {
          to,
          publicNote: to === 'weitergeleitet' && !values.publicNote ? `${note}${values.forwardedTo}` : note,
          internalNote: values.internalNote,
          duplicateOf: Number.parseInt(values.duplicateOf, 10) || undefined,
          forwardedTo: values.forwardedTo,
        },
        app.config.baseUrl,
      );
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
        return renderReport(request, reply, report, err.details.errors, values, 422);
      }
      throw err;
    }
    return reply.redirect(`/admin/maengel/${report.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/admin/maengel/:id/notiz', async (request, reply) => {
    const { user, report } = await staffReport(request, request.params.id);
    try {
      await addInternalNote(db, user, report.id, formString(request.body, 'note'));
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422) {
        return renderReport(
          request,
          reply,
          report,
          { note: 'Schreiben Sie eine Notiz (höchstens 4.000 Zeichen).' },
          {},
          422,
        );
      }
      throw err;
    }
    return reply.redirect(`/admin/maengel/${report.id}`, 303);
  });

  app.post<{ Params: { id: string; photo: string } }>(
    '/admin/maengel/:id/fotos/:photo',
    async (request, reply) => {
      const report = await reportById(db, Number(request.params.id));
      if (!report) throw notFound('Diese Meldung gibt es nicht.');
      if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an.');
      if (!canModerate(request.user, report.city_id))
        throw new HttpError(403, 'Sie moderieren keine Meldungen dieser Stadt.');
      const photos = await photosOf(db, report.id);
      const photoId = Number(request.params.photo);
      if (!photos.some((p) => p.id === photoId)) throw notFound('Dieses Foto gibt es nicht.');
      await setPhotoHidden(db, request.user, photoId, formString(request.body, 'hidden') !== 'false');
      return reply.redirect(`/admin/maengel/${report.id}`, 303);
    },
  );

  app.post<{ Params: { id: string } }>('/admin/maengel/:id/zuweisen', async (request, reply) => {
    const { user, report } = await staffReport(request, request.params.id);
    try {
      await assignReport(
        db,
        user,
        report.id,
        formString(request.body, 'assignee') || null,
        app.config.baseUrl,
      );
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
        return renderReport(request, reply, report, err.details.errors, {}, 422);
      }
      throw err;
    }
    return reply.redirect(`/admin/maengel/${report.id}`, 303);
  });

  // Merge: the other report becomes a duplicate of this one (same rules as setting the status).
  app.post<{ Params: { id: string } }>('/admin/maengel/:id/zusammenfuehren', async (request, reply) => {
    const { user, report } = await staffReport(request, request.params.id);
    const duplicate = await reportById(db, Number(formString(request.body, 'duplicate')));
    if (!duplicate || duplicate.city_id !== report.city_id) throw notFound('Diese Meldung gibt es nicht.');
    try {
      await changeStatus(
        db,
        user,
        duplicate.id,
        { to: 'duplikat', duplicateOf: report.id, publicNote: NOTE_TEMPLATES.duplikat },
        app.config.baseUrl,
      );
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
        return renderReport(request, reply, report, err.details.errors, {}, 422);
      }
      throw err;
    }
    return reply.redirect(`/admin/maengel/${report.id}`, 303);
  });

  app.post<{ Params: { id: string; photo: string } }>(
    '/admin/maengel/:id/fotos/:photo/schwaerzen',
    async (request, reply) => {
      const { report } = await staffReport(request, request.params.id, 'view');
      const photoId = Number(request.params.photo);
      if (!(await photosOf(db, report.id)).some((p) => p.id === photoId))
        throw notFound('Dieses Foto gibt es nicht.');
      const n = (k: string) => {
        const v = formString(request.body, k).replace(',', '.').trim();
        return v === '' ? Number.NaN : Number(v);
      };
      try {
        await redactPhoto(db, request.user, photoId, { x: n('x'), y: n('y'), w: n('w'), h: n('h') });
      } catch (err) {
        if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
          const message = `${err.message} ${Object.values(err.details.errors).join(' ')}`;
          return renderReport(request, reply, report, { [`redact-${photoId}`]: message }, {}, 422);
        }
        throw err;
      }
      return reply.redirect(`/admin/maengel/${report.id}`, 303);
    },
  );

  app.post<{ Params: { id: string } }>('/admin/maengel/:id/text', async (request, reply) => {
    const report = await reportById(db, Number(request.params.id));
    if (!report) throw notFound('Diese Meldung gibt es nicht.');
    if (!request.user) throw new HttpError(401, 'Bitte melden Sie sich an.');
    await setTextHidden(db, request.user, report.id, formString(request.body, 'hidden') !== 'false');
    return reply.redirect(`/admin/maengel/${report.id}`, 303);
  });

  // ---- categories: department and SLA per city (admins of the city) ----

  async function adminCategories(request: FastifyRequest) {
    const user = requireStaff(request, 'admin', 'any');
    const own = citiesWithRole(user, 'admin');
    const filter =
      own === 'all' ? sql`TRUE` : sql`k.city_id = ANY(${sql.param(own.length ? own : [-1])}::int[])`;
    return rows<CategoryRow & { city_name: string }>(
      db,
      sql`SELECT k.*, c.name AS city_name FROM report_categories k JOIN cities c ON c.id = k.city_id
          WHERE ${filter} ORDER BY c.sort, c.id, k.sort, k.name`,
    );
  }

  app.get('/admin/maengel/kategorien', async (request, reply) => {
    const categories = await adminCategories(request);
    return reply.page(h(CategoriesPage, { ctx: await request.pageContext(), categories }));
  });

  async function categoryFor(request: FastifyRequest, idText: string) {
    const category = (await adminCategories(request)).find((c) => c.id === Number(idText));
    if (!category) throw notFound('Diese Kategorie gibt es nicht.');
    return category;
  }

  app.get<{ Params: { id: string } }>('/admin/maengel/kategorien/:id', async (request, reply) => {
    const category = await categoryFor(request, request.params.id);
    return reply.page(
      h(CategoryPage, { ctx: await request.pageContext(), category, values: {}, errors: {} }),
    );
  });

  app.post<{ Params: { id: string } }>('/admin/maengel/kategorien/:id', async (request, reply) => {
    const category = await categoryFor(request, request.params.id);
    const values = {
      name: formString(request.body, 'name'),
      department: formString(request.body, 'department'),
      ackDays: formString(request.body, 'ackDays'),
      slaDays: formString(request.body, 'slaDays'),
      active: formString(request.body, 'active') === '1' ? '1' : '0',
    };
    const int = (v: string) => (/^\s*\d{1,4}\s*$/.test(v) ? Number(v) : Number.NaN);
    try {
      await updateCategory(db, request.user, category.id, {
        name: values.name,
        department: values.department,
        ackDays: int(values.ackDays),
        slaDays: int(values.slaDays),
        active: values.active === '1',
      });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
        return reply.page(
          h(CategoryPage, { ctx: await request.pageContext(), category, values, errors: err.details.errors }),
          422,
        );
      }
      throw err;
    }
    return reply.redirect('/admin/maengel/kategorien', 303);
  });

  // ---- Open311 API keys (admins) ----

  async function keysPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { created?: string; errors?: FieldErrors; name?: string } = {},
    status = 200,
  ) {
    const user = requireStaff(request, 'admin', 'any');
    const [ctx, keys, { cities }] = await Promise.all([
      request.pageContext(),
      listApiKeys(db, citiesWithRole(user, 'admin')),
      app.tenancy(),
    ]);
    const own = citiesWithRole(user, 'admin');
    return reply.page(
      h(ApiKeysPage, {
        ctx,
        keys,
        cities: own === 'all' ? cities : cities.filter((c) => own.includes(c.id)),
        errors: extra.errors ?? {},
        name: extra.name ?? '',
        ...(extra.created ? { created: extra.created } : {}),
      }),
      status,
    );
  }

  app.get('/admin/maengel/api-schluessel', async (request, reply) => keysPage(request, reply));

  app.post('/admin/maengel/api-schluessel', async (request, reply) => {
    const user = requireStaff(request, 'admin', 'any');
    const name = formString(request.body, 'name');
    const slug = formString(request.body, 'city');
    const city = slug ? (await app.tenancy()).cities.find((c) => c.slug === slug) : undefined;
    try {
      const key = await createApiKey(db, user, name, city ? city.id : null);
      return keysPage(request, reply, { created: key });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors) {
        return keysPage(request, reply, { errors: err.details.errors, name }, 422);
      }
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>(
    '/admin/maengel/api-schluessel/:id/widerrufen',
    async (request, reply) => {
      const user = requireStaff(request, 'admin', 'any');
      await revokeApiKey(db, user, Number(request.params.id));
      return reply.redirect('/admin/maengel/api-schluessel', 303);
    },
  );
}
