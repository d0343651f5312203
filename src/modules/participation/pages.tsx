/** Public pages of Beteiligung: overview, measures, idea processes, comments, surveys, Fragestunde. */
import { hasRole } from '../../platform/auth/service.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  SelectField,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { formatDate } from '../../platform/web/i18n.ts';
import { type Crumb, Layout } from '../../platform/web/layout.tsx';
import { renderMarkdown } from '../../platform/web/markdown.ts';
import { MiniMap } from '../../platform/web/minimap.tsx';
import { Pager } from '../../platform/web/pagination.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import {
  COMMENT_EDIT_MINUTES,
  COMMENT_MAX_DEPTH,
  type CommentNode,
  type DashboardRow,
  IDEA_STATUS_LABELS,
  type IdeaListRow,
  type IdeaRow,
  type IdeaSort,
  type IdeaStatus,
  type MayorQuestionRow,
  MEASURE_STATUS_LABELS,
  MEASURE_STATUSES,
  type MeasureRow,
  type MeasureStatus,
  type MeasureUpdateRow,
  type MilestoneRow,
  type NotifyMode,
  PHASE_LABELS,
  PHASE_RULES,
  type PhaseRow,
  type ProcessRow,
  type QuestionResult,
  type QuestionSessionRow,
  type SurveyQuestion,
  type SurveyRow,
} from './service.ts';

export const L = (ctx: PageContext, de: string, en: string) => (ctx.locale === 'en' ? en : de);
const cityBase = (ctx: PageContext) => `/${ctx.city!.slug}`;

const dateTime = (ctx: PageContext, d: Date) =>
  new Intl.DateTimeFormat(ctx.locale === 'en' ? 'en-GB' : 'de-DE', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(d));

/** "Mär. 2025" style month labels for measure periods. */
const monthYear = (ctx: PageContext, iso: string) =>
  new Intl.DateTimeFormat(ctx.locale === 'en' ? 'en-GB' : 'de-DE', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T00:00:00Z`));

export const measureStatus = (ctx: PageContext, s: string) =>
  MEASURE_STATUS_LABELS[s as MeasureStatus]?.[ctx.locale] ?? s;
export const ideaStatus = (ctx: PageContext, s: string) =>
  IDEA_STATUS_LABELS[s as IdeaStatus]?.[ctx.locale] ?? s;

function crumbs(ctx: PageContext, ...more: Crumb[]): Crumb[] {
  return [
    { label: ctx.city!.shortName, href: `${cityBase(ctx)}/` },
    { label: L(ctx, 'Beteiligung', 'Participation'), href: `${cityBase(ctx)}/beteiligung` },
    ...more,
  ];
}

/** A notice after a redirect (?ok=…): a polite status message. */
function Notice({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <div class="kern-alert kern-alert--success" role="status">
      <div class="kern-alert__header">
        <p class="kern-title">{text}</p>
      </div>
    </div>
  );
}

function Progress({ ctx, value, label }: { ctx: PageContext; value: number; label: string }) {
  return (
    <div class="sp-progress">
      <span class="sp-progress__label">{L(ctx, `Fortschritt ${value} %`, `Progress ${value} %`)}</span>
      <progress max={100} value={value} aria-label={`${label}: ${value} %`}>
        {value} %
      </progress>
    </div>
  );
}

// ---------------------------------------------------------------- overview

export function OverviewPage(props: {
  ctx: PageContext;
  measures: MeasureRow[];
  processes: (ProcessRow & { ideas: number })[];
  surveys: (SurveyRow & { responses: number })[];
  sessions: (QuestionSessionRow & { questions: number })[];
}) {
  const { ctx } = props;
  const base = cityBase(ctx);
  const done = props.measures.filter((m) => m.status === 'umgesetzt').length;
  const running = props.measures.filter((m) => m.status === 'in_umsetzung').length;
  return (
    <Layout
      ctx={ctx}
      title={L(ctx, 'Beteiligung', 'Participation')}
      breadcrumbs={[
        { label: ctx.city!.shortName, href: `${base}/` },
        { label: L(ctx, 'Beteiligung', 'Participation') },
      ]}
    >
      <h1 class="kern-heading-large">{L(ctx, 'Beteiligung', 'Participation')}</h1>
      <p class="kern-body--large">
        {L(
          ctx,
          `Bringen Sie Ihre Ideen ein, diskutieren Sie mit und verfolgen Sie, was ${ctx.city!.name} umsetzt.`,
          `Share your ideas, join the discussion and follow what ${ctx.city!.name} implements.`,
        )}
      </p>
      <section aria-labelledby="h-measures" class="sp-section">
        <h2 class="kern-heading-medium" id="h-measures">
          {L(ctx, 'Maßnahmen', 'Measures')}
        </h2>
        <p>
          {L(
            ctx,
            `${props.measures.length} Maßnahmen, davon ${running} in Umsetzung und ${done} umgesetzt.`,
            `${props.measures.length} measures: ${running} in progress, ${done} implemented.`,
          )}{' '}
          <a class="kern-link" href={ctx.href(`${base}/massnahmen`)}>
            {L(ctx, 'Alle Maßnahmen und ihr Stand', 'All measures and their status')}
          </a>
        </p>
      </section>
      <section aria-labelledby="h-processes" class="sp-section">
        <h2 class="kern-heading-medium" id="h-processes">
          {L(ctx, 'Ideensammlungen', 'Idea collections')}
        </h2>
        {props.processes.length === 0 ? (
          <p class="sp-empty">{L(ctx, 'Derzeit keine Verfahren.', 'No processes at the moment.')}</p>
        ) : (
          <ul class="sp-cards">
            {props.processes.map((p) => (
              <li key={p.id} class="sp-card">
                <h3 class="kern-heading-small">
                  <a class="kern-link" href={ctx.href(`${base}/beteiligung/${p.slug}`)}>
                    {p.title}
                  </a>
                </h3>
                <p>{L(ctx, `${p.ideas} Ideen`, `${p.ideas} ideas`)}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="h-surveys" class="sp-section">
        <h2 class="kern-heading-medium" id="h-surveys">
          {L(ctx, 'Umfragen', 'Surveys')}
        </h2>
        <p>
          <a class="kern-link" href={ctx.href(`${base}/umfragen`)}>
            {L(ctx, `${props.surveys.length} Umfragen ansehen`, `See ${props.surveys.length} surveys`)}
          </a>
        </p>
      </section>
      <section aria-labelledby="h-mayor" class="sp-section">
        <h2 class="kern-heading-medium" id="h-mayor">
          {L(ctx, 'Fragestunde', 'Questions to the mayor')}
        </h2>
        <p>
          <a class="kern-link" href={ctx.href(`${base}/fragestunde`)}>
            {L(
              ctx,
              'Fragen an die Stadtspitze stellen und unterstützen',
              'Ask and support questions to the mayor',
            )}
          </a>
        </p>
      </section>
    </Layout>
  );
}

// ---------------------------------------------------------------- measures

export function MeasureListPage(props: {
  ctx: PageContext;
  measures: MeasureRow[];
  fields: string[];
  filter: { field: string; status: string; city?: string };
  dashboard: DashboardRow[];
  /** Region page (/massnahmen): all cities, a city filter, links to each measure's city page. */
  cities?: City[];
}) {
  const { ctx, filter, cities } = props;
  const base = cities ? '' : cityBase(ctx);
  const title = cities
    ? L(ctx, 'Maßnahmen der Region', 'Measures of the region')
    : L(ctx, 'Maßnahmen', 'Measures');
  const cityOf = (id: number) => cities?.find((c) => c.id === id);
  const href = (m: MeasureRow) =>
    `${cities ? `/${cityOf(m.city_id)?.slug ?? ''}` : base}/massnahmen/${m.slug}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={
        cities
          ? [{ label: ctx.region.name, href: '/' }, { label: title }]
          : crumbs(ctx, { label: L(ctx, 'Maßnahmen', 'Measures') })
      }
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body--large">
        {cities
          ? L(
              ctx,
              `Was die Städte ${cities.map((c) => c.shortName).join(' und ')} umsetzen, wie weit es ist und wer zuständig ist.`,
              `What the cities of ${cities.map((c) => c.shortName).join(' and ')} implement, how far it is and who is responsible.`,
            )
          : L(
              ctx,
              'Was die Stadt umsetzt, wie weit es ist und wer zuständig ist – offen und nachvollziehbar.',
              'What the city implements, how far it is and who is responsible – openly and traceably.',
            )}
      </p>
      <section aria-labelledby="h-dashboard" class="sp-section">
        <h2 class="kern-heading-medium" id="h-dashboard">
          {L(ctx, 'Stand nach Handlungsfeld', 'Status by field of action')}
        </h2>
        <TableWrap label={L(ctx, 'Stand nach Handlungsfeld', 'Status by field of action')}>
          <table class="kern-table">
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {L(ctx, 'Handlungsfeld', 'Field of action')}
                </th>
                {MEASURE_STATUSES.map((s) => (
                  <th class="kern-table__header" scope="col" key={s}>
                    {measureStatus(ctx, s)}
                  </th>
                ))}
                <th class="kern-table__header" scope="col">
                  {L(ctx, 'Fortschritt (Mittel)', 'Progress (mean)')}
                </th>
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {props.dashboard.map((d) => (
                <tr class="kern-table__row" key={d.field_of_action}>
                  <th class="kern-table__header" scope="row">
                    {d.field_of_action}
                  </th>
                  {MEASURE_STATUSES.map((s) => (
                    <td class="kern-table__cell" key={s}>
                      {d[s]}
                    </td>
                  ))}
                  <td class="kern-table__cell">
                    <Progress ctx={ctx} value={d.avg_progress} label={d.field_of_action} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <form method="get" action={ctx.href(`${base}/massnahmen`)} class="sp-filter">
        <h2 class="kern-heading-small">{L(ctx, 'Maßnahmen filtern', 'Filter measures')}</h2>
        <SelectField
          ctx={ctx}
          name="feld"
          label={L(ctx, 'Handlungsfeld', 'Field of action')}
          value={filter.field}
          options={[
            { value: '', label: L(ctx, 'Alle', 'All') },
            ...props.fields.map((f) => ({ value: f, label: f })),
          ]}
        />
        {cities && (
          <SelectField
            ctx={ctx}
            name="stadt"
            label={L(ctx, 'Stadt', 'City')}
            value={filter.city ?? ''}
            options={[
              { value: '', label: L(ctx, 'Alle', 'All') },
              ...cities.map((c) => ({ value: c.slug, label: c.name })),
            ]}
          />
        )}
        <SelectField
          ctx={ctx}
          name="status"
          label={L(ctx, 'Status', 'Status')}
          value={filter.status}
          options={[
            { value: '', label: L(ctx, 'Alle', 'All') },
            ...MEASURE_STATUSES.map((s) => ({ value: s, label: measureStatus(ctx, s) })),
          ]}
        />
        <button class="kern-btn kern-btn--secondary" type="submit">
          <span class="kern-label">{L(ctx, 'Anzeigen', 'Show')}</span>
        </button>
      </form>
      <h2 class="kern-heading-medium" id="h-list">
        {L(ctx, `${props.measures.length} Maßnahmen`, `${props.measures.length} measures`)}
      </h2>
      <ul class="sp-cards" aria-labelledby="h-list">
        {props.measures.map((m) => (
          <li class="sp-card sp-measure" key={m.id}>
            <h3 class="kern-heading-small">
              <a class="kern-link" href={ctx.href(href(m))}>
                {m.title}
              </a>
            </h3>
            <p class="sp-muted">
              {cities && `${m.city_ids.map((id) => cityOf(id)?.shortName ?? '').join(', ')} · `}
              {m.field_of_action} · {monthYear(ctx, m.period_start)} – {monthYear(ctx, m.period_end)} ·{' '}
              <span class={`sp-status sp-status--${m.status}`}>{measureStatus(ctx, m.status)}</span>
            </p>
            <p>{m.summary}</p>
            <Progress ctx={ctx} value={m.progress} label={m.title} />
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function MeasurePage(props: {
  ctx: PageContext;
  measure: MeasureRow;
  cityNames: string[];
  milestones: MilestoneRow[];
  updates: MeasureUpdateRow[];
  mine: Set<string>;
  following: boolean;
  comments: CommentNode[];
  notice?: string | undefined;
}) {
  const { ctx, measure: m } = props;
  const base = cityBase(ctx);
  const path = `${base}/massnahmen/${m.slug}`;
  const liked = props.mine.has(`like:${m.id}`);
  const important = props.mine.has(`important:${m.id}`);
  return (
    <Layout
      ctx={ctx}
      title={m.title}
      description={m.summary}
      breadcrumbs={crumbs(
        ctx,
        { label: L(ctx, 'Maßnahmen', 'Measures'), href: `${base}/massnahmen` },
        { label: m.title },
      )}
    >
      <Notice text={props.notice} />
      <h1 class="kern-heading-large">{m.title}</h1>
      <dl class="sp-facts">
        <dt>{L(ctx, 'Handlungsfeld', 'Field of action')}</dt>
        <dd>{m.field_of_action}</dd>
        <dt>{L(ctx, 'Beteiligte Städte', 'Cities involved')}</dt>
        <dd>{props.cityNames.join(', ')}</dd>
        <dt>{L(ctx, 'Zeitraum', 'Period')}</dt>
        <dd>
          {monthYear(ctx, m.period_start)} – {monthYear(ctx, m.period_end)}
        </dd>
        <dt>{L(ctx, 'Status', 'Status')}</dt>
        <dd>
          <span class={`sp-status sp-status--${m.status}`}>{measureStatus(ctx, m.status)}</span>
        </dd>
        <dt>{L(ctx, 'Zuständig', 'Responsible')}</dt>
        <dd>{m.responsible_office}</dd>
      </dl>
      <Progress ctx={ctx} value={m.progress} label={m.title} />
      <div class="sp-prose" lang="de" dangerouslySetInnerHTML={{ __html: renderMarkdown(m.description) }} />
      {m.links.length > 0 && (
        <section aria-labelledby="h-links">
          <h2 class="kern-heading-medium" id="h-links">
            {L(ctx, 'Verknüpfte Angebote und Daten', 'Linked offers and data')}
          </h2>
          <ul class="sp-linklist">
            {m.links.map((l) => (
              <li key={l.href}>
                <a class="kern-link" href={l.href.startsWith('/') ? ctx.href(l.href) : l.href}>
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="h-reactions" id="reaktionen" class="sp-section">
        <h2 class="kern-heading-medium" id="h-reactions">
          {L(ctx, 'Ihre Meinung', 'Your opinion')}
        </h2>
        <p>
          <span data-count="like">
            {L(ctx, `${m.likes} Personen gefällt das`, `${m.likes} people like this`)}
          </span>
          {' · '}
          <span data-count="important">
            {L(ctx, `${m.importants} finden das wichtig`, `${m.importants} find this important`)}
          </span>
        </p>
        {ctx.user ? (
          <div class="sp-actions">
            <ToggleForm
              ctx={ctx}
              action={`${path}/reaktion`}
              fields={{ kind: 'like' }}
              on={liked}
              labelOn={L(ctx, 'Gefällt mir nicht mehr', 'Unlike')}
              labelOff={L(ctx, 'Gefällt mir', 'Like')}
            />
            <ToggleForm
              ctx={ctx}
              action={`${path}/reaktion`}
              fields={{ kind: 'important' }}
              on={important}
              labelOn={L(ctx, 'Nicht mehr wichtig', 'No longer important')}
              labelOff={L(ctx, 'Finde ich wichtig', 'I find this important')}
            />
            <ToggleForm
              ctx={ctx}
              action={`${path}/folgen`}
              fields={{}}
              on={props.following}
              labelOn={L(ctx, 'Nicht mehr folgen', 'Unfollow')}
              labelOff={L(ctx, 'Folgen (E-Mail bei Neuigkeiten)', 'Follow (e-mail on news)')}
            />
          </div>
        ) : (
          <LoginHint ctx={ctx} next={path} />
        )}
      </section>
      <section aria-labelledby="h-milestones" class="sp-section">
        <h2 class="kern-heading-medium" id="h-milestones">
          {L(ctx, 'Meilensteine', 'Milestones')}
        </h2>
        <ol class="sp-timeline">
          {props.milestones.map((s) => (
            <li key={s.id} class={s.done_on ? 'sp-timeline__done' : ''}>
              <strong>{s.title}</strong> – {formatDate(ctx.locale, s.due_on)}{' '}
              <span class="sp-muted">
                ({s.done_on ? L(ctx, 'erreicht', 'reached') : L(ctx, 'offen', 'open')})
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="h-updates" class="sp-section">
        <h2 class="kern-heading-medium" id="h-updates">
          {L(ctx, 'Neuigkeiten', 'Updates')}
        </h2>
        {props.updates.length === 0 ? (
          <p class="sp-empty">{L(ctx, 'Noch keine Neuigkeiten.', 'No updates yet.')}</p>
        ) : (
          <ol class="sp-timeline">
            {props.updates.map((u) => (
              <li key={u.id}>
                <h3 class="kern-heading-small">{u.title}</h3>
                <p class="sp-muted">{formatDate(ctx.locale, u.at)}</p>
                <p class="sp-prewrap">{u.body}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
      <Comments
        ctx={ctx}
        comments={props.comments}
        target={{ kind: 'measure', id: m.id }}
        returnTo={path}
        open
        premoderated={false}
        official={hasRole(ctx.user, 'moderator', m.city_id)}
      />
    </Layout>
  );
}

function LoginHint({ ctx, next }: { ctx: PageContext; next: string }) {
  return (
    <p>
      <a class="kern-link" href={ctx.href(`/login?next=${encodeURIComponent(ctx.href(next))}`)}>
        {L(ctx, 'Melden Sie sich an', 'Sign in')}
      </a>{' '}
      {L(ctx, 'um mitzumachen.', 'to take part.')}
    </p>
  );
}

/** A one-button form that switches something on or off; aria-pressed tells the current state. */
function ToggleForm(props: {
  ctx: PageContext;
  action: string;
  fields: Record<string, string>;
  on: boolean;
  labelOn: string;
  labelOff: string;
}) {
  return (
    <form method="post" action={props.ctx.href(props.action)} class="sp-inline-form">
      <CsrfField ctx={props.ctx} />
      {Object.entries(props.fields).map(([k, v]) => (
        <input type="hidden" name={k} value={v} key={k} />
      ))}
      <input type="hidden" name="on" value={props.on ? '0' : '1'} />
      <button
        type="submit"
        class={props.on ? 'kern-btn kern-btn--primary' : 'kern-btn kern-btn--secondary'}
        aria-pressed={props.on ? 'true' : 'false'}
      >
        <span class="kern-label">{props.on ? props.labelOn : props.labelOff}</span>
      </button>
    </form>
  );
}

// ---------------------------------------------------------------- comments

/** Honeypot: hidden from people (and from assistive technology); bots fill it in. */
export function Honeypot() {
  return (
    <div class="sp-hp" aria-hidden="true">
      <label for="f-homepage">Homepage</label>
      <input type="text" id="f-homepage" name="homepage" tabIndex={-1} autocomplete="off" />
    </div>
  );
}

export function CommentForm(props: {
  ctx: PageContext;
  target: { kind: string; id: number };
  returnTo: string;
  parentId?: number;
  value?: string;
  error?: string | undefined;
  /** Moderators of the city may mark their comment as the city's official answer. */
  official?: boolean;
}) {
  const { ctx } = props;
  const name = props.parentId ? `body-${props.parentId}` : 'body';
  return (
    <form method="post" action={ctx.href('/beteiligung/kommentare')} class="sp-comment-form">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="targetKind" value={props.target.kind} />
      <input type="hidden" name="targetId" value={String(props.target.id)} />
      <input type="hidden" name="return" value={props.returnTo} />
      {props.parentId && <input type="hidden" name="parentId" value={String(props.parentId)} />}
      <Honeypot />
      <div class={props.error ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
        <label class="kern-label" for={fieldId(name)}>
          {props.parentId ? L(ctx, 'Ihre Antwort', 'Your reply') : L(ctx, 'Ihr Kommentar', 'Your comment')}
        </label>
        {props.error && (
          <p class="kern-error" id={`${fieldId(name)}-error`}>
            {props.error}
          </p>
        )}
        <textarea
          class="kern-form-input__input"
          id={fieldId(name)}
          name="body"
          rows={props.parentId ? 3 : 4}
          maxLength={4000}
          required
          aria-describedby={props.error ? `${fieldId(name)}-error` : undefined}
        >
          {props.value ?? ''}
        </textarea>
      </div>
      {props.official && (
        <div class="kern-form-check">
          <input
            class="kern-form-check__checkbox"
            type="checkbox"
            id={`${fieldId(name)}-official`}
            name="official"
            value="1"
          />
          <label class="kern-label" for={`${fieldId(name)}-official`}>
            {L(ctx, 'Als offizielle Antwort der Stadt kennzeichnen', 'Mark as the city’s official answer')}
          </label>
        </div>
      )}
      <button type="submit" class="kern-btn kern-btn--primary">
        <span class="kern-label">
          {props.parentId ? L(ctx, 'Antworten', 'Reply') : L(ctx, 'Kommentar senden', 'Post comment')}
        </span>
      </button>
    </form>
  );
}

export function Comments(props: {
  ctx: PageContext;
  comments: CommentNode[];
  target: { kind: string; id: number };
  returnTo: string;
  /** Whether new comments are allowed (phase rules); a reason is shown otherwise. */
  open: boolean;
  closedReason?: string;
  premoderated: boolean;
  /** The viewer moderates this city: the forms offer "official answer". */
  official?: boolean;
}) {
  const { ctx } = props;
  const count = (list: CommentNode[]): number =>
    list.reduce((n, c) => n + (c.status === 'visible' ? 1 : 0) + count(c.replies), 0);
  return (
    <section aria-labelledby="h-comments" id="kommentare" class="sp-section">
      <h2 class="kern-heading-medium" id="h-comments">
        {L(ctx, `Kommentare (${count(props.comments)})`, `Comments (${count(props.comments)})`)}
      </h2>
      {props.comments.length === 0 && (
        <p class="sp-empty">{L(ctx, 'Noch keine Kommentare.', 'No comments yet.')}</p>
      )}
      <CommentList ctx={ctx} list={props.comments} props={props} />
      {!props.open ? (
        <p class="sp-muted">{props.closedReason}</p>
      ) : ctx.user ? (
        <>
          <h3 class="kern-heading-small">{L(ctx, 'Kommentar schreiben', 'Write a comment')}</h3>
          {props.premoderated && (
            <p class="kern-hint">
              {L(
                ctx,
                'Kommentare werden vor der Veröffentlichung geprüft.',
                'Comments are reviewed before they are published.',
              )}
            </p>
          )}
          <CommentForm ctx={ctx} target={props.target} returnTo={props.returnTo} official={props.official} />
        </>
      ) : (
        <LoginHint ctx={ctx} next={props.returnTo} />
      )}
    </section>
  );
}

function CommentList({
  ctx,
  list,
  props,
}: {
  ctx: PageContext;
  list: CommentNode[];
  props: {
    target: { kind: string; id: number };
    returnTo: string;
    open: boolean;
    official?: boolean | undefined;
  };
}) {
  if (list.length === 0) return null;
  return (
    <ol class="sp-comments">
      {list.map((c) => (
        <li
          key={c.id}
          id={`kommentar-${c.id}`}
          class={c.official ? 'sp-comment sp-comment--official' : 'sp-comment'}
        >
          <article aria-labelledby={`kommentar-${c.id}-by`}>
            <p class="sp-comment__meta" id={`kommentar-${c.id}-by`}>
              <strong>
                {c.official
                  ? L(ctx, 'Antwort der Stadt', 'Official answer')
                  : (c.author_name ?? L(ctx, 'Gelöschtes Konto', 'Deleted account'))}
              </strong>
              {' · '}
              <time dateTime={new Date(c.created_at).toISOString()}>{dateTime(ctx, c.created_at)}</time>
              {c.edited_at && <span class="sp-muted"> · {L(ctx, 'bearbeitet', 'edited')}</span>}
            </p>
            {c.status === 'hidden' ? (
              <p class="sp-muted">
                {L(ctx, 'Von der Moderation ausgeblendet. Grund: ', 'Hidden by moderation. Reason: ')}
                {c.hidden_reason}
              </p>
            ) : c.status === 'deleted' ? (
              <p class="sp-muted">
                {L(ctx, 'Von der Verfasserin oder dem Verfasser gelöscht.', 'Deleted by its author.')}
              </p>
            ) : (
              <>
                {c.status === 'pending' && (
                  <p class="sp-muted">
                    {L(ctx, 'Wartet auf Freigabe durch die Moderation.', 'Waiting for moderation.')}
                  </p>
                )}
                <p class="sp-prewrap">{c.body}</p>
              </>
            )}
            {c.status === 'visible' && <CommentActions ctx={ctx} c={c} returnTo={props.returnTo} />}
            {c.status === 'visible' && props.open && ctx.user && c.depth < COMMENT_MAX_DEPTH && (
              <details class="sp-reply">
                <summary>{L(ctx, 'Antworten', 'Reply')}</summary>
                <CommentForm
                  ctx={ctx}
                  target={props.target}
                  returnTo={props.returnTo}
                  parentId={c.id}
                  official={props.official}
                />
              </details>
            )}
          </article>
          <CommentList ctx={ctx} list={c.replies} props={props} />
        </li>
      ))}
    </ol>
  );
}

function CommentActions({ ctx, c, returnTo }: { ctx: PageContext; c: CommentNode; returnTo: string }) {
  const own = ctx.user?.id === c.author_id;
  const editable = own && Date.now() - new Date(c.created_at).getTime() < COMMENT_EDIT_MINUTES * 60_000;
  const action = (what: string) => ctx.href(`/beteiligung/kommentare/${c.id}/${what}`);
  return (
    <div class="sp-comment__actions">
      <span class="sp-muted">
        {L(ctx, `${c.ups} Zustimmung, ${c.downs} Ablehnung`, `${c.ups} up, ${c.downs} down`)}
      </span>
      {ctx.user && !own && (
        <>
          {([1, -1] as const).map((v) => (
            <form method="post" action={action('bewerten')} class="sp-inline-form" key={v}>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="return" value={returnTo} />
              <input type="hidden" name="value" value={c.myVote === v ? '0' : String(v)} />
              <button type="submit" class="sp-linkbutton" aria-pressed={c.myVote === v ? 'true' : 'false'}>
                {v === 1 ? L(ctx, 'Zustimmen', 'Up-vote') : L(ctx, 'Ablehnen', 'Down-vote')}
                <span class="sp-visually-hidden">
                  {L(ctx, ` (Kommentar von ${c.author_name ?? ''})`, ` (comment by ${c.author_name ?? ''})`)}
                </span>
              </button>
            </form>
          ))}
          <a class="kern-link" href={`${action('melden')}?return=${encodeURIComponent(returnTo)}`}>
            {L(ctx, 'Melden', 'Report')}
            <span class="sp-visually-hidden">
              {L(ctx, ' (unangemessener Kommentar)', ' (inappropriate comment)')}
            </span>
          </a>
        </>
      )}
      {editable && (
        <a class="kern-link" href={`${action('bearbeiten')}?return=${encodeURIComponent(returnTo)}`}>
          {L(ctx, 'Bearbeiten', 'Edit')}
        </a>
      )}
      {own && (
        <form method="post" action={action('loeschen')} class="sp-inline-form">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="return" value={returnTo} />
          <button type="submit" class="sp-linkbutton">
            {L(ctx, 'Löschen', 'Delete')}
          </button>
        </form>
      )}
    </div>
  );
}

/** Stand-alone form page: writing again after an error, editing, flagging. */
export function CommentFormPage(props: {
  ctx: PageContext;
  mode: 'new' | 'edit' | 'flag';
  action: string;
  hidden: Record<string, string>;
  value: string;
  errors: FieldErrors;
  returnTo: string;
  quote?: string;
}) {
  const { ctx } = props;
  const title =
    props.mode === 'flag'
      ? L(ctx, 'Kommentar melden', 'Report a comment')
      : props.mode === 'edit'
        ? L(ctx, 'Kommentar bearbeiten', 'Edit comment')
        : L(ctx, 'Kommentar schreiben', 'Write a comment');
  return (
    <Layout ctx={ctx} title={title}>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <h1 class="kern-heading-large">{title}</h1>
      {props.quote && <blockquote class="sp-quote">{props.quote}</blockquote>}
      <form method="post" action={ctx.href(props.action)}>
        <CsrfField ctx={ctx} />
        {Object.entries(props.hidden).map(([k, v]) => (
          <input type="hidden" name={k} value={v} key={k} />
        ))}
        <input type="hidden" name="return" value={props.returnTo} />
        {props.mode !== 'flag' && <Honeypot />}
        {props.mode === 'flag' ? (
          <TextArea
            ctx={ctx}
            name="reason"
            label={L(ctx, 'Warum ist der Kommentar unangemessen?', 'Why is the comment inappropriate?')}
            hint={L(
              ctx,
              'Die Moderation sieht Ihre Begründung, andere nicht.',
              'Only moderators see your reason.',
            )}
            optional
            value={props.value}
            error={props.errors.reason}
            maxLength={500}
            rows={3}
          />
        ) : (
          <TextArea
            ctx={ctx}
            name="body"
            label={L(ctx, 'Ihr Kommentar', 'Your comment')}
            value={props.value}
            error={props.errors.body}
            maxLength={4000}
          />
        )}
        <div class="sp-actions">
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">
              {props.mode === 'flag' ? L(ctx, 'Melden', 'Report') : L(ctx, 'Speichern', 'Save')}
            </span>
          </button>
          <a class="kern-link" href={ctx.href(props.returnTo)}>
            {L(ctx, 'Abbrechen', 'Cancel')}
          </a>
        </div>
      </form>
    </Layout>
  );
}

// ---------------------------------------------------------------- idea processes

function Phases({
  ctx,
  phases,
  current,
}: {
  ctx: PageContext;
  phases: PhaseRow[];
  current: PhaseRow | undefined;
}) {
  return (
    <ol class="sp-phases">
      {phases.map((p) => (
        <li
          key={p.id}
          aria-current={p.id === current?.id ? 'step' : undefined}
          class={p.id === current?.id ? 'sp-phases__current' : ''}
        >
          <strong>{p.title}</strong>
          <span class="sp-muted">
            {' '}
            {formatDate(ctx.locale, p.starts_at)} – {formatDate(ctx.locale, p.ends_at)}
          </span>
          {p.id === current?.id && (
            <span class="sp-visually-hidden">{L(ctx, ' (aktuelle Phase)', ' (current phase)')}</span>
          )}
        </li>
      ))}
    </ol>
  );
}

export function phaseHint(ctx: PageContext, current: PhaseRow | undefined): string {
  if (!current) return L(ctx, 'Derzeit ist keine Phase aktiv.', 'No phase is active right now.');
  const actions = PHASE_RULES[current.kind];
  const names = {
    submit: L(ctx, 'Ideen einreichen', 'submit ideas'),
    comment: L(ctx, 'kommentieren', 'comment'),
    support: L(ctx, 'Ideen unterstützen', 'support ideas'),
  };
  return actions.length
    ? L(
        ctx,
        `In der Phase „${current.title}“ können Sie: ${actions.map((a) => names[a]).join(', ')}.`,
        `In the phase “${PHASE_LABELS[current.kind].en}” you can: ${actions.map((a) => names[a]).join(', ')}.`,
      )
    : L(
        ctx,
        `In der Phase „${current.title}“ ist keine Beteiligung mehr möglich.`,
        'Participation has ended.',
      );
}

/** The ideas with a location, drawn as points on an SVG; each point links to its idea. */
function IdeaMap({
  ctx,
  boundary,
  points,
  hrefFor,
}: {
  ctx: PageContext;
  boundary: unknown;
  points: { id: number; title: string; lon: number; lat: number }[];
  hrefFor: (id: number) => string;
}) {
  const g = boundary as { type?: string; coordinates?: unknown } | undefined;
  const rings: [number, number][][] =
    g?.type === 'Polygon'
      ? (g.coordinates as [number, number][][]).slice(0, 1)
      : g?.type === 'MultiPolygon'
        ? (g.coordinates as [number, number][][][]).map((p) => p[0]!)
        : [];
  const all = points.length ? points.map((p) => [p.lon, p.lat] as [number, number]) : rings.flat();
  if (all.length === 0) return null;
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const pad = 0.002;
  const [minLon, maxLon, minLat, maxLat] = [
    Math.min(...lons) - pad,
    Math.max(...lons) + pad,
    Math.min(...lats) - pad,
    Math.max(...lats) + pad,
  ];
  const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const scale = 600 / Math.max((maxLon - minLon) * kx, maxLat - minLat, 1e-6);
  const x = (lon: number) => ((lon - minLon) * kx * scale).toFixed(1);
  const y = (lat: number) => ((maxLat - lat) * scale).toFixed(1);
  const w = Math.round((maxLon - minLon) * kx * scale);
  const h = Math.round((maxLat - minLat) * scale);
  return (
    <figure class="sp-ideamap">
      <svg viewBox={`0 0 ${w} ${h}`} role="group" aria-label={L(ctx, 'Karte der Ideen', 'Map of the ideas')}>
        {rings.map((ring, i) => (
          <polygon
            key={i}
            class="sp-minimap__area"
            points={ring.map(([lo, la]) => `${x(lo)},${y(la)}`).join(' ')}
          />
        ))}
        {points.map((p) => (
          <a key={p.id} href={hrefFor(p.id)} aria-label={p.title}>
            <circle cx={x(p.lon)} cy={y(p.lat)} r="6" class="sp-minimap__point" />
          </a>
        ))}
      </svg>
      <figcaption class="kern-body--small">
        {L(
          ctx,
          `${points.length} Ideen mit Ort. Die Liste zeigt dieselben Ideen ohne Karte.`,
          `${points.length} ideas with a location. The list shows the same ideas without a map.`,
        )}
      </figcaption>
    </figure>
  );
}

export function ProcessPage(props: {
  ctx: PageContext;
  process: ProcessRow;
  phases: PhaseRow[];
  current: PhaseRow | undefined;
  ideas: IdeaListRow[];
  total: number;
  page: number;
  sort: IdeaSort;
  seed: number;
  category: string;
  view: 'liste' | 'karte';
  points: { id: number; title: string; lon: number; lat: number }[];
  boundary: unknown;
  mine: Set<string>;
  notice?: string | undefined;
  perPage: number;
}) {
  const { ctx, process: p } = props;
  const base = `${cityBase(ctx)}/beteiligung/${p.slug}`;
  const canSubmit = props.current ? PHASE_RULES[props.current.kind].includes('submit') : false;
  const canSupport = props.current ? PHASE_RULES[props.current.kind].includes('support') : false;
  const query = (o: Record<string, string | number>) => {
    const q = new URLSearchParams();
    const all = { sortierung: props.sort, thema: props.category, ansicht: props.view, ...o } as Record<
      string,
      string | number
    >;
    for (const [k, v] of Object.entries(all))
      if (v !== '' && !(k === 'ansicht' && v === 'liste') && !(k === 'seite' && v === 1)) q.set(k, String(v));
    if ((all.sortierung as string) === 'zufall') q.set('s', String(props.seed));
    const s = q.toString();
    return `${base}${s ? `?${s}` : ''}`;
  };
  const sorts: [IdeaSort, string][] = [
    ['neu', L(ctx, 'Neueste', 'Newest')],
    ['unterstuetzt', L(ctx, 'Meiste Unterstützung', 'Most supported')],
    ['zufall', L(ctx, 'Zufällig', 'Random')],
  ];
  return (
    <Layout ctx={ctx} title={p.title} breadcrumbs={crumbs(ctx, { label: p.title })}>
      <Notice text={props.notice} />
      <h1 class="kern-heading-large">{p.title}</h1>
      <p class="kern-body--large sp-prewrap">{p.description}</p>
      <section aria-labelledby="h-phases" class="sp-section">
        <h2 class="kern-heading-medium" id="h-phases">
          {L(ctx, 'Ablauf', 'Phases')}
        </h2>
        <Phases ctx={ctx} phases={props.phases} current={props.current} />
        <p>{phaseHint(ctx, props.current)}</p>
        {canSubmit && (
          <a class="kern-btn kern-btn--primary" href={ctx.href(`${base}/ideen/neu`)}>
            <span class="kern-label">{L(ctx, 'Idee einreichen', 'Submit an idea')}</span>
          </a>
        )}
        {ctx.user && <ToggleFollow ctx={ctx} action={`${base}/folgen`} />}
      </section>
      <h2 class="kern-heading-medium" id="h-ideas">
        {L(ctx, `${props.total} Ideen`, `${props.total} ideas`)}
      </h2>
      <nav aria-label={L(ctx, 'Sortierung und Ansicht', 'Sorting and view')} class="sp-sortnav">
        <ul>
          {sorts.map(([s, label]) => (
            <li key={s}>
              <a
                href={ctx.href(query({ sortierung: s, seite: 1 }))}
                aria-current={props.sort === s ? 'true' : undefined}
              >
                {label}
              </a>
            </li>
          ))}
          <li>
            {props.view === 'karte' ? (
              <a href={ctx.href(query({ ansicht: 'liste' }))}>{L(ctx, 'Als Liste', 'As list')}</a>
            ) : (
              <a href={ctx.href(query({ ansicht: 'karte' }))}>{L(ctx, 'Auf der Karte', 'On the map')}</a>
            )}
          </li>
        </ul>
      </nav>
      {p.categories.length > 0 && (
        <form method="get" action={ctx.href(base)} class="sp-filter">
          <input type="hidden" name="sortierung" value={props.sort} />
          <SelectField
            ctx={ctx}
            name="thema"
            label={L(ctx, 'Thema', 'Topic')}
            value={props.category}
            options={[
              { value: '', label: L(ctx, 'Alle Themen', 'All topics') },
              ...p.categories.map((c) => ({ value: c, label: c })),
            ]}
          />
          <button class="kern-btn kern-btn--secondary" type="submit">
            <span class="kern-label">{L(ctx, 'Anzeigen', 'Show')}</span>
          </button>
        </form>
      )}
      {props.view === 'karte' && (
        <IdeaMap
          ctx={ctx}
          boundary={props.boundary}
          points={props.points}
          hrefFor={(id) => ctx.href(`${base}/ideen/${id}`)}
        />
      )}
      <ul class="sp-cards" aria-labelledby="h-ideas">
        {props.ideas.map((i) => (
          <li class="sp-card sp-idea" key={i.id}>
            <h3 class="kern-heading-small">
              <a class="kern-link" href={ctx.href(`${base}/ideen/${i.id}`)}>
                {i.title}
              </a>
            </h3>
            <p class="sp-muted">
              {i.category && `${i.category} · `}
              {formatDate(ctx.locale, i.created_at)} ·{' '}
              <span class={`sp-status sp-status--${i.status}`}>{ideaStatus(ctx, i.status)}</span>
            </p>
            <p>{i.excerpt}</p>
            <p class="sp-muted">
              <span data-count="supports">
                {L(ctx, `${i.supports} Unterstützungen`, `${i.supports} supports`)}
              </span>{' '}
              · {L(ctx, `${i.comment_count} Kommentare`, `${i.comment_count} comments`)}
            </p>
            {canSupport && ctx.user && (
              <SupportForm
                ctx={ctx}
                action={`${base}/ideen/${i.id}/unterstuetzen`}
                on={props.mine.has(`support:${i.id}`)}
                title={i.title}
                returnTo={query({ seite: props.page })}
              />
            )}
          </li>
        ))}
      </ul>
      <Pager
        ctx={ctx}
        page={props.page}
        pages={Math.max(1, Math.ceil(props.total / props.perPage))}
        hrefFor={(n) => ctx.href(query({ seite: n }))}
      />
    </Layout>
  );
}

function ToggleFollow({ ctx, action }: { ctx: PageContext; action: string }) {
  return (
    <form method="post" action={ctx.href(action)} class="sp-inline-form">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="on" value="1" />
      <button type="submit" class="kern-btn kern-btn--secondary">
        <span class="kern-label">{L(ctx, 'Verfahren folgen', 'Follow this process')}</span>
      </button>
    </form>
  );
}

function SupportForm(props: {
  ctx: PageContext;
  action: string;
  on: boolean;
  title: string;
  returnTo?: string;
}) {
  const { ctx } = props;
  return (
    <form method="post" action={ctx.href(props.action)} class="sp-inline-form">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="on" value={props.on ? '0' : '1'} />
      {props.returnTo && <input type="hidden" name="return" value={props.returnTo} />}
      <button
        type="submit"
        class={props.on ? 'kern-btn kern-btn--primary' : 'kern-btn kern-btn--secondary'}
        aria-pressed={props.on ? 'true' : 'false'}
      >
        <span class="kern-label">
          {props.on
            ? L(ctx, 'Unterstützung zurückziehen', 'Withdraw support')
            : L(ctx, 'Unterstützen', 'Support')}
          <span class="sp-visually-hidden">: {props.title}</span>
        </span>
      </button>
    </form>
  );
}

export interface IdeaFormValues {
  title: string;
  body: string;
  category: string;
  lat: string;
  lon: string;
}

export function IdeaFormPage(props: {
  ctx: PageContext;
  process: ProcessRow;
  values: IdeaFormValues;
  errors: FieldErrors;
}) {
  const { ctx, process: p, values, errors } = props;
  const base = `${cityBase(ctx)}/beteiligung/${p.slug}`;
  return (
    <Layout
      ctx={ctx}
      title={L(ctx, 'Idee einreichen', 'Submit an idea')}
      breadcrumbs={crumbs(
        ctx,
        { label: p.title, href: base },
        { label: L(ctx, 'Idee einreichen', 'Submit an idea') },
      )}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1 class="kern-heading-large">{L(ctx, 'Idee einreichen', 'Submit an idea')}</h1>
      {p.premoderation && (
        <p class="kern-hint">
          {L(
            ctx,
            'Neue Ideen werden vor der Veröffentlichung geprüft.',
            'New ideas are reviewed before they are published.',
          )}
        </p>
      )}
      <form method="post" action={ctx.href(`${base}/ideen/neu`)} enctype="multipart/form-data">
        <CsrfField ctx={ctx} />
        <Honeypot />
        <TextField
          ctx={ctx}
          name="title"
          label={L(ctx, 'Titel', 'Title')}
          hint={L(ctx, '5 bis 150 Zeichen', '5 to 150 characters')}
          value={values.title}
          error={errors.title}
          maxLength={150}
        />
        <TextArea
          ctx={ctx}
          name="body"
          label={L(ctx, 'Beschreibung', 'Description')}
          value={values.body}
          error={errors.body}
          maxLength={5000}
          rows={8}
        />
        {p.categories.length > 0 && (
          <SelectField
            ctx={ctx}
            name="category"
            label={L(ctx, 'Thema', 'Topic')}
            value={values.category}
            error={errors.category}
            options={[
              { value: '', label: L(ctx, 'Bitte wählen', 'Please choose') },
              ...p.categories.map((c) => ({ value: c, label: c })),
            ]}
          />
        )}
        <fieldset class="kern-fieldset" id={fieldId('location')}>
          <legend class="kern-label">{L(ctx, 'Ort (freiwillig)', 'Location (optional)')}</legend>
          {errors.location && <p class="kern-error">{errors.location}</p>}
          <div class="kern-fieldset__body">
            <TextField
              ctx={ctx}
              name="lat"
              label={L(ctx, 'Breite, z. B. 48.8378', 'Latitude, e.g. 48.8378')}
              value={values.lat}
              optional
              inputMode="decimal"
              maxLength={30}
            />
            <TextField
              ctx={ctx}
              name="lon"
              label={L(ctx, 'Länge, z. B. 10.0936', 'Longitude, e.g. 10.0936')}
              value={values.lon}
              optional
              inputMode="decimal"
              maxLength={30}
            />
          </div>
        </fieldset>
        <div class={errors.image ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
          <label class="kern-label" for={fieldId('image')}>
            {L(ctx, 'Bild', 'Image')} <span class="kern-label__optional">{ctx.t('form.optional')}</span>
          </label>
          <div class="kern-hint" id={`${fieldId('image')}-hint`}>
            {L(
              ctx,
              'JPEG, PNG oder WebP, höchstens 10 MB. Ortsangaben im Bild werden entfernt.',
              'JPEG, PNG or WebP, at most 10 MB. Location data in the image is removed.',
            )}
          </div>
          {errors.image && <p class="kern-error">{errors.image}</p>}
          <input
            class="kern-form-input__input"
            type="file"
            id={fieldId('image')}
            name="image"
            accept="image/jpeg,image/png,image/webp"
            aria-describedby={`${fieldId('image')}-hint`}
          />
        </div>
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{L(ctx, 'Idee einreichen', 'Submit idea')}</span>
        </button>
      </form>
    </Layout>
  );
}

export function IdeaPage(props: {
  ctx: PageContext;
  process: ProcessRow;
  idea: IdeaRow;
  phases: PhaseRow[];
  current: PhaseRow | undefined;
  supported: boolean;
  comments: CommentNode[];
  boundary: unknown;
  notice?: string | undefined;
}) {
  const { ctx, process: p, idea: i } = props;
  const base = `${cityBase(ctx)}/beteiligung/${p.slug}`;
  const path = `${base}/ideen/${i.id}`;
  const rules = props.current ? PHASE_RULES[props.current.kind] : [];
  return (
    <Layout
      ctx={ctx}
      title={i.title}
      breadcrumbs={crumbs(ctx, { label: p.title, href: base }, { label: i.title })}
    >
      <Notice text={props.notice} />
      <h1 class="kern-heading-large">{i.title}</h1>
      <p class="sp-muted">
        {i.category && `${i.category} · `}
        {L(ctx, 'eingereicht am', 'submitted on')} {formatDate(ctx.locale, i.created_at)}{' '}
        {L(ctx, 'von', 'by')} {i.author_name ?? L(ctx, 'gelöschtem Konto', 'a deleted account')}
      </p>
      {!i.visible && (
        <p class="kern-alert kern-alert--info">
          {L(
            ctx,
            'Diese Idee wird noch geprüft und ist nur für Sie sichtbar.',
            'This idea is being reviewed and only visible to you.',
          )}
        </p>
      )}
      <p class="sp-prewrap">{i.body}</p>
      {i.has_image && (
        <img
          class="sp-idea__image"
          src={`${path}/bild`}
          alt={L(ctx, `Bild zur Idee „${i.title}“`, `Image for the idea “${i.title}”`)}
        />
      )}
      {i.lat !== null && i.lon !== null && (
        <MiniMap ctx={ctx} boundary={props.boundary} point={{ lat: i.lat, lon: i.lon }} label={i.title} />
      )}
      <section aria-labelledby="h-support" class="sp-section">
        <h2 class="kern-heading-medium" id="h-support">
          {L(ctx, 'Unterstützung', 'Support')}
        </h2>
        <p data-count="supports">
          {L(
            ctx,
            `${i.supports} Personen unterstützen diese Idee.`,
            `${i.supports} people support this idea.`,
          )}
        </p>
        {rules.includes('support') ? (
          ctx.user ? (
            <SupportForm ctx={ctx} action={`${path}/unterstuetzen`} on={props.supported} title={i.title} />
          ) : (
            <LoginHint ctx={ctx} next={path} />
          )
        ) : (
          <p class="sp-muted">
            {L(
              ctx,
              'Unterstützen ist nur in der Phase „Bewerten“ möglich.',
              'Support is only possible in the rating phase.',
            )}
          </p>
        )}
      </section>
      <section aria-labelledby="h-answer" class="sp-section">
        <h2 class="kern-heading-medium" id="h-answer">
          {L(ctx, 'Antwort der Stadt', 'The city’s answer')}
        </h2>
        <p>
          {L(ctx, 'Status', 'Status')}:{' '}
          <span class={`sp-status sp-status--${i.status}`}>{ideaStatus(ctx, i.status)}</span>
        </p>
        {i.answer ? (
          <p class="sp-prewrap">{i.answer}</p>
        ) : (
          <p class="sp-muted">{L(ctx, 'Noch keine Antwort.', 'No answer yet.')}</p>
        )}
        {i.measure_slug && (
          <p>
            {L(ctx, 'Umgesetzt in der Maßnahme', 'Implemented in the measure')}{' '}
            <a class="kern-link" href={ctx.href(`${cityBase(ctx)}/massnahmen/${i.measure_slug}`)}>
              {i.measure_title}
            </a>
          </p>
        )}
      </section>
      <Comments
        ctx={ctx}
        comments={props.comments}
        target={{ kind: 'idea', id: i.id }}
        returnTo={path}
        open={rules.includes('comment') && i.visible}
        closedReason={L(
          ctx,
          'In dieser Phase sind keine neuen Kommentare möglich.',
          'No new comments in this phase.',
        )}
        premoderated={p.premoderation}
        official={hasRole(ctx.user, 'moderator', p.city_id)}
      />
    </Layout>
  );
}

// ---------------------------------------------------------------- surveys

export function SurveyListPage(props: {
  ctx: PageContext;
  surveys: (SurveyRow & { responses: number })[];
  now: Date;
}) {
  const { ctx } = props;
  const base = cityBase(ctx);
  return (
    <Layout
      ctx={ctx}
      title={L(ctx, 'Umfragen', 'Surveys')}
      breadcrumbs={crumbs(ctx, { label: L(ctx, 'Umfragen', 'Surveys') })}
    >
      <h1 class="kern-heading-large">{L(ctx, 'Umfragen', 'Surveys')}</h1>
      {props.surveys.length === 0 && <p class="sp-empty">{L(ctx, 'Keine Umfragen.', 'No surveys.')}</p>}
      <ul class="sp-cards">
        {props.surveys.map((s) => {
          const open = new Date(s.opens_at) <= props.now && props.now < new Date(s.closes_at);
          return (
            <li class="sp-card" key={s.id}>
              <h2 class="kern-heading-small">
                <a class="kern-link" href={ctx.href(`${base}/umfragen/${s.slug}`)}>
                  {s.title}
                </a>
              </h2>
              <p class="sp-muted">
                {open
                  ? L(
                      ctx,
                      `offen bis ${formatDate(ctx.locale, s.closes_at)}`,
                      `open until ${formatDate(ctx.locale, s.closes_at)}`,
                    )
                  : L(
                      ctx,
                      `beendet am ${formatDate(ctx.locale, s.closes_at)}`,
                      `closed on ${formatDate(ctx.locale, s.closes_at)}`,
                    )}{' '}
                · {L(ctx, `${s.responses} Antworten`, `${s.responses} responses`)}
              </p>
            </li>
          );
        })}
      </ul>
    </Layout>
  );
}

export function SurveyPage(props: {
  ctx: PageContext;
  survey: SurveyRow;
  questions: SurveyQuestion[];
  open: boolean;
  answered: boolean;
  values: Record<string, string | string[]>;
  errors: FieldErrors;
  results?: { responses: number; questions: QuestionResult[] } | undefined;
  notice?: string | undefined;
}) {
  const { ctx, survey: s, errors } = props;
  const base = `${cityBase(ctx)}/umfragen/${s.slug}`;
  const v = (k: string) => props.values[k];
  const has = (k: string, x: string) => {
    const val = v(k);
    return Array.isArray(val) ? val.includes(x) : val === x;
  };
  return (
    <Layout
      ctx={ctx}
      title={s.title}
      breadcrumbs={crumbs(
        ctx,
        { label: L(ctx, 'Umfragen', 'Surveys'), href: `${cityBase(ctx)}/umfragen` },
        { label: s.title },
      )}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <Notice text={props.notice} />
      <h1 class="kern-heading-large">{s.title}</h1>
      <p class="sp-prewrap">{s.description}</p>
      <p class="kern-hint">
        {s.mode === 'token'
          ? L(
              ctx,
              'Anonyme Umfrage: Sie brauchen einen Zugangscode. Ihre Antworten werden ohne Bezug zu Ihrer Person gespeichert.',
              'Anonymous survey: you need an access code. Your answers are stored without any link to you.',
            )
          : L(
              ctx,
              'Eine Antwort pro Konto. Ihre Antworten werden getrennt von Ihrem Konto gespeichert; Freitexte werden nicht veröffentlicht.',
              'One response per account. Your answers are stored apart from your account; free-text answers are not published.',
            )}
      </p>
      {props.open && !props.answered && (s.mode === 'token' || ctx.user) ? (
        <form method="post" action={ctx.href(base)} novalidate>
          <CsrfField ctx={ctx} />
          {s.mode === 'token' && (
            <TextField
              ctx={ctx}
              name="token"
              label={L(ctx, 'Zugangscode', 'Access code')}
              value={String(v('token') ?? '')}
              error={errors.token}
              autocomplete="off"
              maxLength={100}
            />
          )}
          {props.questions.map((q) => (
            <QuestionField ctx={ctx} q={q} error={errors[`q${q.id}`]} has={has} v={v} key={q.id} />
          ))}
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">{L(ctx, 'Antworten absenden', 'Send answers')}</span>
          </button>
        </form>
      ) : props.open && !props.answered ? (
        <LoginHint ctx={ctx} next={base} />
      ) : props.answered ? (
        <p class="kern-alert kern-alert--info">
          {L(
            ctx,
            'Sie haben an dieser Umfrage teilgenommen. Danke!',
            'You have taken part in this survey. Thank you!',
          )}
        </p>
      ) : null}
      {props.results ? (
        <SurveyResults ctx={ctx} results={props.results} />
      ) : (
        !props.open && (
          <p>
            {L(
              ctx,
              'Die Ergebnisse erscheinen nach dem Ende der Umfrage.',
              'Results appear after the survey closes.',
            )}
          </p>
        )
      )}
    </Layout>
  );
}

function QuestionField(props: {
  ctx: PageContext;
  q: SurveyQuestion;
  error: string | undefined;
  has: (k: string, x: string) => boolean;
  v: (k: string) => string | string[] | undefined;
}) {
  const { ctx, q, error } = props;
  const key = `q${q.id}`;
  const id = fieldId(key);
  const legend = (
    <legend class="kern-label">
      {q.prompt}
      {!q.required && <span class="kern-label__optional"> {ctx.t('form.optional')}</span>}
    </legend>
  );
  const err = error && (
    <p class="kern-error" id={`${id}-error`}>
      {error}
    </p>
  );
  if (q.kind === 'text')
    return (
      <TextArea
        ctx={ctx}
        name={key}
        label={q.prompt}
        optional={!q.required}
        value={String(props.v(key) ?? '')}
        error={error}
        maxLength={2000}
        rows={3}
      />
    );
  const options =
    q.kind === 'scale'
      ? ['1', '2', '3', '4', '5'].map((x) => ({ value: x, label: x }))
      : q.options.map((o, i) => ({ value: String(i), label: o }));
  if (q.kind === 'ranking')
    return (
      <fieldset class={error ? 'kern-fieldset kern-fieldset--error' : 'kern-fieldset'} id={id}>
        {legend}
        <p class="kern-hint">
          {L(
            ctx,
            `Vergeben Sie jedem Punkt einen Rang von 1 (am wichtigsten) bis ${q.options.length}.`,
            `Give each item a rank from 1 (most important) to ${q.options.length}.`,
          )}
        </p>
        {err}
        <div class="kern-fieldset__body">
          {q.options.map((o, i) => (
            <SelectField
              ctx={ctx}
              key={o}
              name={`${key}_${i}`}
              label={o}
              value={String(props.v(`${key}_${i}`) ?? '')}
              options={[
                { value: '', label: '–' },
                ...q.options.map((_, r) => ({ value: String(r + 1), label: String(r + 1) })),
              ]}
            />
          ))}
        </div>
      </fieldset>
    );
  const type = q.kind === 'multiple' ? 'checkbox' : 'radio';
  return (
    <fieldset
      class={error ? 'kern-fieldset kern-fieldset--error' : 'kern-fieldset'}
      id={id}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      {legend}
      {err}
      <div class={q.kind === 'scale' ? 'kern-fieldset__body sp-scale' : 'kern-fieldset__body'}>
        {options.map((o) => (
          <div class="kern-form-check" key={o.value}>
            <input
              class={type === 'checkbox' ? 'kern-form-check__checkbox' : 'kern-form-check__radio'}
              type={type}
              id={`${id}-${o.value}`}
              name={key}
              value={o.value}
              checked={props.has(key, o.value)}
            />
            <label class="kern-label" for={`${id}-${o.value}`}>
              {o.label}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/** Results as bar charts (CSS widths from a data attribute are not allowed by the CSP: SVG bars) and tables. */
export function SurveyResults({
  ctx,
  results,
}: {
  ctx: PageContext;
  results: { responses: number; questions: QuestionResult[] };
}) {
  return (
    <section aria-labelledby="h-results" class="sp-section">
      <h2 class="kern-heading-medium" id="h-results">
        {L(ctx, `Ergebnisse (${results.responses} Antworten)`, `Results (${results.responses} responses)`)}
      </h2>
      {results.questions.map((r) => {
        const labels = r.question.kind === 'scale' ? ['1', '2', '3', '4', '5'] : r.question.options;
        if (r.question.kind === 'text')
          return (
            <div key={r.question.id} class="sp-result-block">
              <h3 class="kern-heading-small">{r.question.prompt}</h3>
              <p class="sp-muted">
                {L(
                  ctx,
                  `${r.answered} Freitext-Antworten (nicht öffentlich).`,
                  `${r.answered} free-text answers (not public).`,
                )}
              </p>
              {r.texts && (
                <ul>
                  {r.texts.map((t, i) => (
                    <li key={i} class="sp-prewrap">
                      {t}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        const ranking = r.question.kind === 'ranking';
        const values = ranking ? r.counts.map((c) => c / 100) : r.counts;
        const max = Math.max(...values, 1);
        return (
          <div key={r.question.id} class="sp-result-block">
            <h3 class="kern-heading-small">{r.question.prompt}</h3>
            <svg
              class="sp-bars"
              viewBox={`0 0 400 ${labels.length * 28}`}
              aria-hidden="true"
              focusable="false"
            >
              {labels.map((_, i) => (
                <rect
                  key={i}
                  x="0"
                  y={i * 28 + 4}
                  height="20"
                  width={Math.max(
                    2,
                    ranking
                      ? ((labels.length + 1 - (values[i] ?? labels.length)) / labels.length) * 400
                      : ((values[i] ?? 0) / max) * 400,
                  )}
                  class="sp-bars__bar"
                />
              ))}
            </svg>
            <TableWrap label={r.question.prompt}>
              <table class="kern-table">
                <thead class="kern-table__head">
                  <tr class="kern-table__row">
                    <th class="kern-table__header" scope="col">
                      {L(ctx, 'Antwort', 'Answer')}
                    </th>
                    <th class="kern-table__header" scope="col">
                      {ranking ? L(ctx, 'Mittlerer Rang', 'Mean rank') : L(ctx, 'Anzahl', 'Count')}
                    </th>
                    {!ranking && (
                      <th class="kern-table__header" scope="col">
                        {L(ctx, 'Anteil', 'Share')}
                      </th>
                    )}
                  </tr>
                </thead>
                <tbody class="kern-table__body">
                  {labels.map((label, i) => (
                    <tr class="kern-table__row" key={label}>
                      <th class="kern-table__header" scope="row">
                        {label}
                      </th>
                      <td class="kern-table__cell">
                        {ranking
                          ? (values[i] ?? 0).toLocaleString(ctx.locale, { maximumFractionDigits: 2 })
                          : values[i]}
                      </td>
                      {!ranking && (
                        <td class="kern-table__cell">
                          {r.answered ? Math.round(((values[i] ?? 0) / r.answered) * 100) : 0} %
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            {r.mean !== undefined && (
              <p>
                {L(ctx, `Mittelwert: ${r.mean.toFixed(1).replace('.', ',')}`, `Mean: ${r.mean.toFixed(1)}`)}
              </p>
            )}
          </div>
        );
      })}
    </section>
  );
}

// ---------------------------------------------------------------- Fragestunde

export function SessionListPage(props: {
  ctx: PageContext;
  sessions: (QuestionSessionRow & { questions: number })[];
}) {
  const { ctx } = props;
  const base = cityBase(ctx);
  const upcoming = props.sessions.filter((s) => s.state !== 'closed');
  const archive = props.sessions.filter((s) => s.state === 'closed');
  const list = (items: typeof props.sessions) => (
    <ul class="sp-cards">
      {items.map((s) => (
        <li class="sp-card" key={s.id}>
          <h3 class="kern-heading-small">
            <a class="kern-link" href={ctx.href(`${base}/fragestunde/${s.slug}`)}>
              {s.title}
            </a>
          </h3>
          <p class="sp-muted">
            {dateTime(ctx, s.held_at)} · {L(ctx, `${s.questions} Fragen`, `${s.questions} questions`)}
          </p>
        </li>
      ))}
    </ul>
  );
  return (
    <Layout
      ctx={ctx}
      title={L(ctx, 'Fragestunde', 'Questions to the mayor')}
      breadcrumbs={crumbs(ctx, { label: L(ctx, 'Fragestunde', 'Questions to the mayor') })}
    >
      <h1 class="kern-heading-large">{L(ctx, 'Fragestunde', 'Questions to the mayor')}</h1>
      <h2 class="kern-heading-medium">{L(ctx, 'Kommende Fragestunden', 'Upcoming sessions')}</h2>
      {upcoming.length ? list(upcoming) : <p class="sp-empty">{L(ctx, 'Keine geplant.', 'None planned.')}</p>}
      <h2 class="kern-heading-medium">{L(ctx, 'Archiv', 'Archive')}</h2>
      {archive.length ? list(archive) : <p class="sp-empty">{L(ctx, 'Noch leer.', 'Empty so far.')}</p>}
    </Layout>
  );
}

export function SessionPage(props: {
  ctx: PageContext;
  session: QuestionSessionRow;
  questions: MayorQuestionRow[];
  mine: Set<string>;
  following: boolean;
  value: string;
  errors: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, session: s } = props;
  const base = `${cityBase(ctx)}/fragestunde/${s.slug}`;
  const stateText = {
    open: L(
      ctx,
      'Fragen können eingereicht und unterstützt werden.',
      'Questions can be submitted and supported.',
    ),
    live: L(
      ctx,
      'Die Fragestunde läuft: Fragen werden nach Unterstützung beantwortet.',
      'The session is live: questions are answered by support.',
    ),
    closed: L(ctx, 'Diese Fragestunde ist beendet (Archiv).', 'This session has ended (archive).'),
  }[s.state];
  return (
    <Layout
      ctx={ctx}
      title={s.title}
      breadcrumbs={crumbs(
        ctx,
        { label: L(ctx, 'Fragestunde', 'Questions to the mayor'), href: `${cityBase(ctx)}/fragestunde` },
        { label: s.title },
      )}
    >
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <Notice text={props.notice} />
      <h1 class="kern-heading-large">{s.title}</h1>
      <p>
        {dateTime(ctx, s.held_at)} · {stateText}
      </p>
      {ctx.user && s.state !== 'closed' && (
        <div class="sp-actions" id="folgen">
          <ToggleForm
            ctx={ctx}
            action={`${base}/folgen`}
            fields={{}}
            on={props.following}
            labelOn={L(ctx, 'Nicht mehr folgen', 'Unfollow')}
            labelOff={L(
              ctx,
              'Fragestunde folgen (E-Mail, wenn sie beginnt und bei Antworten)',
              'Follow this session (e-mail when it starts and on answers)',
            )}
          />
        </div>
      )}
      <h2 class="kern-heading-medium" id="h-questions">
        {L(ctx, `${props.questions.length} Fragen`, `${props.questions.length} questions`)}
      </h2>
      <ol class="sp-cards" aria-labelledby="h-questions">
        {props.questions.map((q) => (
          <li class="sp-card" key={q.id} id={`frage-${q.id}`}>
            <p class="sp-prewrap">{q.body}</p>
            <p class="sp-muted">
              {q.author_name ?? ''} ·{' '}
              <span data-count="supports">
                {L(ctx, `${q.supports} Unterstützungen`, `${q.supports} supports`)}
              </span>
              {q.status === 'pending' && ` · ${L(ctx, 'wartet auf Freigabe', 'awaiting approval')}`}
              {q.status === 'answered' && ` · ${L(ctx, 'beantwortet', 'answered')}`}
            </p>
            {q.answer && (
              <div class="sp-answer">
                <h3 class="kern-heading-small">{L(ctx, 'Antwort', 'Answer')}</h3>
                <p class="sp-prewrap">{q.answer}</p>
              </div>
            )}
            {q.status === 'approved' && s.state !== 'closed' && ctx.user && q.author_id !== ctx.user.id && (
              <SupportForm
                ctx={ctx}
                action={`${base}/fragen/${q.id}/unterstuetzen`}
                on={props.mine.has(`support:${q.id}`)}
                title={q.body.slice(0, 60)}
              />
            )}
          </li>
        ))}
      </ol>
      {s.state === 'open' &&
        (ctx.user ? (
          <form method="post" action={ctx.href(`${base}/fragen`)}>
            <h2 class="kern-heading-medium">{L(ctx, 'Frage stellen', 'Ask a question')}</h2>
            <CsrfField ctx={ctx} />
            <Honeypot />
            <TextArea
              ctx={ctx}
              name="body"
              label={L(ctx, 'Ihre Frage', 'Your question')}
              hint={L(
                ctx,
                '10 bis 1.000 Zeichen. Die Moderation gibt Fragen vor der Veröffentlichung frei.',
                '10 to 1,000 characters. Moderators approve questions before they are published.',
              )}
              value={props.value}
              error={props.errors.body}
              maxLength={1000}
              rows={4}
            />
            <button type="submit" class="kern-btn kern-btn--primary">
              <span class="kern-label">{L(ctx, 'Frage einreichen', 'Submit question')}</span>
            </button>
          </form>
        ) : (
          <LoginHint ctx={ctx} next={base} />
        ))}
    </Layout>
  );
}

// ---------------------------------------------------------------- notifications

export function NotificationsPage(props: {
  ctx: PageContext;
  mode: NotifyMode;
  notice?: string | undefined;
}) {
  const { ctx } = props;
  const options: [NotifyMode, string][] = [
    [
      'instant',
      L(
        ctx,
        'Bei jeder Neuigkeit (höchstens eine E-Mail pro Stunde und Verfahren)',
        'On every event (at most one e-mail per hour and process)',
      ),
    ],
    ['digest', L(ctx, 'Einmal täglich als Zusammenfassung', 'Once a day as a digest')],
    ['off', L(ctx, 'Keine E-Mails', 'No e-mails')],
  ];
  return (
    <Layout ctx={ctx} title={L(ctx, 'Benachrichtigungen', 'Notifications')}>
      <Notice text={props.notice} />
      <h1 class="kern-heading-large">{L(ctx, 'Benachrichtigungen', 'Notifications')}</h1>
      <form method="post" action={ctx.href('/beteiligung/benachrichtigungen')}>
        <CsrfField ctx={ctx} />
        <fieldset class="kern-fieldset">
          <legend class="kern-label">
            {L(
              ctx,
              'Wie möchten Sie über Neuigkeiten informiert werden?',
              'How would you like to hear about news?',
            )}
          </legend>
          <div class="kern-fieldset__body">
            {options.map(([value, label]) => (
              <div class="kern-form-check" key={value}>
                <input
                  class="kern-form-check__radio"
                  type="radio"
                  id={`f-mode-${value}`}
                  name="mode"
                  value={value}
                  checked={props.mode === value}
                />
                <label class="kern-label" for={`f-mode-${value}`}>
                  {label}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{L(ctx, 'Speichern', 'Save')}</span>
        </button>
      </form>
    </Layout>
  );
}

export function UnsubscribePage(props: { ctx: PageContext; token: string; done: boolean }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={L(ctx, 'E-Mails abbestellen', 'Unsubscribe')}>
      <h1 class="kern-heading-large">{L(ctx, 'E-Mails abbestellen', 'Unsubscribe')}</h1>
      {props.done ? (
        <p role="status">
          {L(
            ctx,
            'Sie erhalten keine E-Mails zur Beteiligung mehr.',
            'You will no longer receive participation e-mails.',
          )}
        </p>
      ) : (
        <form method="post" action={ctx.href(`/beteiligung/abmelden/${props.token}`)}>
          <CsrfField ctx={ctx} />
          <p>
            {L(
              ctx,
              'Möchten Sie keine E-Mails zu Maßnahmen, Ideen und Verfahren mehr erhalten?',
              'Stop all e-mails about measures, ideas and processes?',
            )}
          </p>
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">{L(ctx, 'Abbestellen', 'Unsubscribe')}</span>
          </button>
        </form>
      )}
    </Layout>
  );
}
