/**
 * Staff pages of Beteiligung: moderation queue (comments, questions), official answers to ideas,
 * measure updates, survey results with CSV export and one-time codes, pre-moderation switch.
 * Moderators (comments, questions) and editors (measures, ideas, surveys) act only in their cities.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { AdminLayout, requireStaff } from '../../platform/admin/index.ts';
import { audit } from '../../platform/audit/service.ts';
import { citiesWithRole, hasRole, type Role } from '../../platform/auth/service.ts';
import { rows, sql } from '../../platform/db/index.ts';
import { forbidden, HttpError, notFound } from '../../platform/http/errors.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  formString,
  SelectField,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { ideaStatus, L, measureStatus, SurveyResults } from './pages.tsx';
import {
  answerIdea,
  IDEA_STATUSES,
  type IdeaRow,
  ideaById,
  ideasForStaff,
  issueSurveyTokens,
  listMeasures,
  MEASURE_STATUSES,
  type MeasureRow,
  MODERATION_ACTIONS,
  type ModerationAction,
  measureById,
  moderateComment,
  moderateQuestion,
  moderationQueue,
  postMeasureUpdate,
  processById,
  type QuestionResult,
  type QuestionSessionRow,
  type QueueRow,
  questionSessionById,
  questionsOfSession,
  type SurveyRow,
  setQuestionSessionState,
  surveyById,
  surveyCsv,
  surveyResults,
} from './service.ts';

const inCities = (cities: number[] | 'all', column: string) =>
  cities === 'all'
    ? sql`TRUE`
    : sql`${sql.raw(column)} = ANY(${sql.param(cities.length ? cities : [-1])}::int[])`;

interface Overview {
  queue: QueueRow[];
  ideas: Awaited<ReturnType<typeof ideasForStaff>>;
  measures: MeasureRow[];
  sessions: (QuestionSessionRow & {
    pending: { id: number; body: string; status: string; supports: number }[];
  })[];
  surveys: SurveyRow[];
  processes: { id: number; title: string; premoderation: boolean }[];
  /** Processes and Fragestunden the person may edit (editor role). */
  editable: { processes: { id: number; title: string }[]; sessions: { id: number; title: string }[] };
  canModerate: boolean;
  canEdit: boolean;
}

function AdminHome({ ctx, o, error }: { ctx: PageContext; o: Overview; error?: string | undefined }) {
  return (
    <AdminLayout
      ctx={ctx}
      title={L(ctx, 'Beteiligung', 'Participation')}
      crumbs={[{ label: L(ctx, 'Beteiligung', 'Participation') }]}
    >
      {error && (
        <p class="kern-alert kern-alert--danger" role="alert">
          {error}
        </p>
      )}
      <h1 class="kern-heading-large">{L(ctx, 'Beteiligung', 'Participation')}</h1>
      {o.canModerate && (
        <section aria-labelledby="h-queue" class="sp-section">
          <h2 class="kern-heading-medium" id="h-queue">
            {L(ctx, `Moderation: ${o.queue.length} Kommentare`, `Moderation: ${o.queue.length} comments`)}
          </h2>
          {o.queue.length === 0 && <p class="sp-empty">{L(ctx, 'Nichts zu tun.', 'Nothing to do.')}</p>}
          <ul class="sp-cards">
            {o.queue.map((c) => (
              <li class="sp-card" key={c.id} id={`k-${c.id}`}>
                <p class="sp-muted">
                  #{c.id} · {c.target_kind} {c.target_id} · {c.author_name ?? '–'} ·{' '}
                  {c.status === 'pending'
                    ? L(ctx, 'wartet auf Freigabe', 'awaiting approval')
                    : L(ctx, `${c.flag_count}× gemeldet`, `flagged ${c.flag_count}×`)}
                </p>
                <p class="sp-prewrap">{c.body}</p>
                {c.reasons.length > 0 && (
                  <p class="sp-muted">
                    {L(ctx, 'Gründe: ', 'Reasons: ')}
                    {c.reasons.join(' · ')}
                  </p>
                )}
                <form
                  method="post"
                  action={ctx.href(`/admin/beteiligung/kommentare/${c.id}`)}
                  class="sp-moderate"
                >
                  <CsrfField ctx={ctx} />
                  <TextField
                    ctx={ctx}
                    name={`reason-${c.id}`}
                    label={L(ctx, 'Öffentlicher Grund (zum Ausblenden)', 'Public reason (for hiding)')}
                    maxLength={300}
                  />
                  <div class="sp-actions">
                    {c.status === 'pending' ? (
                      <button class="kern-btn kern-btn--primary" type="submit" name="action" value="approve">
                        <span class="kern-label">{L(ctx, 'Freigeben', 'Approve')}</span>
                      </button>
                    ) : (
                      <button
                        class="kern-btn kern-btn--secondary"
                        type="submit"
                        name="action"
                        value="dismiss"
                      >
                        <span class="kern-label">{L(ctx, 'Meldung verwerfen', 'Dismiss flags')}</span>
                      </button>
                    )}
                    <button class="kern-btn kern-btn--secondary" type="submit" name="action" value="hide">
                      <span class="kern-label">{L(ctx, 'Ausblenden', 'Hide')}</span>
                    </button>
                  </div>
                </form>
              </li>
            ))}
          </ul>
        </section>
      )}
      {o.canModerate && o.sessions.length > 0 && (
        <section aria-labelledby="h-sessions" class="sp-section">
          <h2 class="kern-heading-medium" id="h-sessions">
            {L(ctx, 'Fragestunden', 'Question sessions')}
          </h2>
          {o.sessions.map((s) => (
            <div key={s.id} class="sp-card">
              <h3 class="kern-heading-small">{s.title}</h3>
              <form
                method="post"
                action={ctx.href(`/admin/beteiligung/fragestunde/${s.id}`)}
                class="sp-inline-form"
              >
                <CsrfField ctx={ctx} />
                <SelectField
                  ctx={ctx}
                  name={`state-${s.id}`}
                  label={L(ctx, 'Zustand', 'State')}
                  value={s.state}
                  options={[
                    { value: 'open', label: L(ctx, 'Fragen annehmen', 'Taking questions') },
                    { value: 'live', label: L(ctx, 'Läuft (live)', 'Live') },
                    { value: 'closed', label: L(ctx, 'Beendet (Archiv)', 'Closed (archive)') },
                  ]}
                />
                <button class="kern-btn kern-btn--secondary" type="submit">
                  <span class="kern-label">{L(ctx, 'Zustand setzen', 'Set state')}</span>
                </button>
              </form>
              <ul class="sp-plainlist">
                {s.pending.map((q) => (
                  <li key={q.id} id={`f-${q.id}`}>
                    <p class="sp-prewrap">
                      {q.body} <span class="sp-muted">({q.supports})</span>
                    </p>
                    <form method="post" action={ctx.href(`/admin/beteiligung/fragen/${q.id}`)}>
                      <CsrfField ctx={ctx} />
                      {q.status === 'approved' && (
                        <TextArea
                          ctx={ctx}
                          name={`answer-${q.id}`}
                          label={L(ctx, 'Antwort', 'Answer')}
                          rows={2}
                          maxLength={5000}
                        />
                      )}
                      <div class="sp-actions">
                        {q.status === 'pending' ? (
                          <>
                            <button
                              class="kern-btn kern-btn--primary"
                              type="submit"
                              name="action"
                              value="approve"
                            >
                              <span class="kern-label">{L(ctx, 'Freigeben', 'Approve')}</span>
                            </button>
                            <button
                              class="kern-btn kern-btn--secondary"
                              type="submit"
                              name="action"
                              value="reject"
                            >
                              <span class="kern-label">{L(ctx, 'Ablehnen', 'Reject')}</span>
                            </button>
                          </>
                        ) : (
                          <button
                            class="kern-btn kern-btn--primary"
                            type="submit"
                            name="action"
                            value="answer"
                          >
                            <span class="kern-label">
                              {L(ctx, 'Als beantwortet markieren', 'Mark answered')}
                            </span>
                          </button>
                        )}
                      </div>
                    </form>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}
      {o.canModerate && o.processes.length > 0 && (
        <section aria-labelledby="h-processes" class="sp-section">
          <h2 class="kern-heading-medium" id="h-processes">
            {L(ctx, 'Vormoderation je Verfahren', 'Pre-moderation per process')}
          </h2>
          <ul class="sp-plainlist">
            {o.processes.map((p) => (
              <li key={p.id}>
                <form
                  method="post"
                  action={ctx.href(`/admin/beteiligung/verfahren/${p.id}`)}
                  class="sp-inline-form"
                >
                  <CsrfField ctx={ctx} />
                  <input type="hidden" name="premoderation" value={p.premoderation ? '0' : '1'} />
                  {p.title}:{' '}
                  {p.premoderation
                    ? L(ctx, 'Vormoderation an', 'pre-moderation on')
                    : L(ctx, 'Vormoderation aus', 'pre-moderation off')}{' '}
                  <button class="sp-linkbutton" type="submit">
                    {p.premoderation
                      ? L(ctx, 'ausschalten', 'switch off')
                      : L(ctx, 'einschalten', 'switch on')}
                    <span class="sp-visually-hidden"> ({p.title})</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      )}
      {o.canEdit && (
        <>
          <section aria-labelledby="h-create" class="sp-section">
            <h2 class="kern-heading-medium" id="h-create">
              {L(ctx, 'Anlegen', 'Create')}
            </h2>
            <ul class="sp-linklist">
              <li>
                <a class="kern-link" href={ctx.href('/admin/beteiligung/massnahmen/neu')}>
                  {L(ctx, 'Neue Maßnahme', 'New measure')}
                </a>
              </li>
              <li>
                <a class="kern-link" href={ctx.href('/admin/beteiligung/verfahren/neu')}>
                  {L(ctx, 'Neues Beteiligungsverfahren mit Phasen', 'New participation process with phases')}
                </a>
              </li>
              <li>
                <a class="kern-link" href={ctx.href('/admin/beteiligung/umfragen/neu')}>
                  {L(ctx, 'Neue Umfrage', 'New survey')}
                </a>
              </li>
              <li>
                <a class="kern-link" href={ctx.href('/admin/beteiligung/fragestunde/neu')}>
                  {L(ctx, 'Neue Fragestunde', 'New question session')}
                </a>
              </li>
            </ul>
          </section>
          <section aria-labelledby="h-edit-processes" class="sp-section">
            <h2 class="kern-heading-medium" id="h-edit-processes">
              {L(ctx, 'Verfahren und Fragestunden bearbeiten', 'Edit processes and question sessions')}
            </h2>
            <ul class="sp-linklist">
              {o.editable.processes.map((p) => (
                <li key={`p${p.id}`}>
                  <a class="kern-link" href={ctx.href(`/admin/beteiligung/verfahren/${p.id}/bearbeiten`)}>
                    {L(ctx, 'Verfahren: ', 'Process: ')}
                    {p.title}
                  </a>
                </li>
              ))}
              {o.editable.sessions.map((x) => (
                <li key={`s${x.id}`}>
                  <a class="kern-link" href={ctx.href(`/admin/beteiligung/fragestunde/${x.id}/bearbeiten`)}>
                    {L(ctx, 'Fragestunde: ', 'Question session: ')}
                    {x.title}
                  </a>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="h-ideas" class="sp-section">
            <h2 class="kern-heading-medium" id="h-ideas">
              {L(ctx, `Ideen ohne Antwort (${o.ideas.length})`, `Ideas without answer (${o.ideas.length})`)}
            </h2>
            <ul class="sp-linklist">
              {o.ideas.map((i) => (
                <li key={i.id}>
                  <a class="kern-link" href={ctx.href(`/admin/beteiligung/ideen/${i.id}`)}>
                    {i.title}
                  </a>{' '}
                  <span class="sp-muted">
                    ({i.process_title} · {ideaStatus(ctx, i.status)} · {i.supports}
                    {!i.visible && ` · ${L(ctx, 'noch nicht veröffentlicht', 'not yet published')}`})
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="h-measures" class="sp-section">
            <h2 class="kern-heading-medium" id="h-measures">
              {L(ctx, 'Maßnahmen fortschreiben', 'Update measures')}
            </h2>
            <ul class="sp-linklist">
              {o.measures.map((m) => (
                <li key={m.id}>
                  <a class="kern-link" href={ctx.href(`/admin/beteiligung/massnahmen/${m.id}`)}>
                    {m.title}
                  </a>{' '}
                  <span class="sp-muted">
                    ({measureStatus(ctx, m.status)}, {m.progress} %)
                  </span>{' '}
                  <EditLink
                    ctx={ctx}
                    href={`/admin/beteiligung/massnahmen/${m.id}/bearbeiten`}
                    title={m.title}
                  />
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="h-surveys" class="sp-section">
            <h2 class="kern-heading-medium" id="h-surveys">
              {L(ctx, 'Umfragen', 'Surveys')}
            </h2>
            <ul class="sp-linklist">
              {o.surveys.map((s) => (
                <li key={s.id}>
                  <a class="kern-link" href={ctx.href(`/admin/beteiligung/umfragen/${s.id}`)}>
                    {s.title}
                  </a>{' '}
                  <EditLink
                    ctx={ctx}
                    href={`/admin/beteiligung/umfragen/${s.id}/bearbeiten`}
                    title={s.title}
                  />
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </AdminLayout>
  );
}

function EditLink({ ctx, href, title }: { ctx: PageContext; href: string; title: string }) {
  return (
    <a class="kern-link" href={ctx.href(href)}>
      {L(ctx, 'bearbeiten', 'edit')}
      <span class="sp-visually-hidden">: {title}</span>
    </a>
  );
}

function IdeaAnswerPage(props: {
  ctx: PageContext;
  idea: IdeaRow;
  measures: MeasureRow[];
  values: { status: string; answer: string; measureId: string; visible: boolean };
  errors: FieldErrors;
}) {
  const { ctx, idea, values, errors } = props;
  return (
    <AdminLayout
      ctx={ctx}
      title={idea.title}
      crumbs={[
        { label: L(ctx, 'Beteiligung', 'Participation'), href: '/admin/beteiligung' },
        { label: idea.title },
      ]}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1 class="kern-heading-large">{idea.title}</h1>
      <p class="sp-prewrap">{idea.body}</p>
      <form method="post" action={ctx.href(`/admin/beteiligung/ideen/${idea.id}`)}>
        <CsrfField ctx={ctx} />
        <SelectField
          ctx={ctx}
          name="status"
          label={L(ctx, 'Status', 'Status')}
          value={values.status}
          error={errors.status}
          options={IDEA_STATUSES.map((s) => ({ value: s, label: ideaStatus(ctx, s) }))}
        />
        <TextArea
          ctx={ctx}
          name="answer"
          label={L(ctx, 'Antwort der Stadt (öffentlich)', 'Official answer (public)')}
          hint={L(
            ctx,
            'Bei „abgelehnt“ ist eine Begründung Pflicht.',
            'A reason is required for “rejected”.',
          )}
          value={values.answer}
          error={errors.answer}
          maxLength={5000}
        />
        <SelectField
          ctx={ctx}
          name="measureId"
          label={L(ctx, 'Umsetzende Maßnahme (bei „angenommen“)', 'Implementing measure (if accepted)')}
          value={values.measureId}
          error={errors.measureId}
          options={[
            { value: '', label: '–' },
            ...props.measures.map((m) => ({ value: String(m.id), label: m.title })),
          ]}
        />
        <div class="kern-form-check">
          <input
            class="kern-form-check__checkbox"
            type="checkbox"
            id="f-visible"
            name="visible"
            value="1"
            checked={values.visible}
          />
          <label class="kern-label" for="f-visible">
            {L(ctx, 'Öffentlich sichtbar', 'Publicly visible')}
          </label>
        </div>
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">{L(ctx, 'Speichern', 'Save')}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

function MeasureUpdatePage(props: {
  ctx: PageContext;
  measure: MeasureRow;
  values: { status: string; progress: string; title: string; body: string };
  errors: FieldErrors;
}) {
  const { ctx, measure: m, values, errors } = props;
  return (
    <AdminLayout
      ctx={ctx}
      title={m.title}
      crumbs={[
        { label: L(ctx, 'Beteiligung', 'Participation'), href: '/admin/beteiligung' },
        { label: m.title },
      ]}
    >
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1 class="kern-heading-large">{m.title}</h1>
      <p>
        <a class="kern-link" href={ctx.href(`/admin/beteiligung/massnahmen/${m.id}/bearbeiten`)}>
          {L(ctx, 'Alle Angaben und Meilensteine bearbeiten', 'Edit all details and milestones')}
        </a>
      </p>
      <form method="post" action={ctx.href(`/admin/beteiligung/massnahmen/${m.id}`)}>
        <CsrfField ctx={ctx} />
        <SelectField
          ctx={ctx}
          name="status"
          label={L(ctx, 'Status', 'Status')}
          value={values.status}
          error={errors.status}
          options={MEASURE_STATUSES.map((s) => ({ value: s, label: measureStatus(ctx, s) }))}
        />
        <TextField
          ctx={ctx}
          name="progress"
          type="number"
          label={L(ctx, 'Fortschritt in %', 'Progress in %')}
          value={values.progress}
          error={errors.progress}
        />
        <TextField
          ctx={ctx}
          name="title"
          label={L(ctx, 'Überschrift der Neuigkeit', 'Update headline')}
          value={values.title}
          error={errors.title}
          maxLength={200}
        />
        <TextArea
          ctx={ctx}
          name="body"
          label={L(ctx, 'Text der Neuigkeit', 'Update text')}
          value={values.body}
          error={errors.body}
          maxLength={5000}
        />
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">
            {L(ctx, 'Veröffentlichen und Folgende benachrichtigen', 'Publish and notify followers')}
          </span>
        </button>
      </form>
    </AdminLayout>
  );
}

function SurveyAdminPage(props: {
  ctx: PageContext;
  survey: SurveyRow;
  results: { responses: number; questions: QuestionResult[] };
  tokens?: string[];
  errors: FieldErrors;
}) {
  const { ctx, survey: s } = props;
  return (
    <AdminLayout
      ctx={ctx}
      title={s.title}
      crumbs={[
        { label: L(ctx, 'Beteiligung', 'Participation'), href: '/admin/beteiligung' },
        { label: s.title },
      ]}
    >
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <h1 class="kern-heading-large">{s.title}</h1>
      <p>
        <a class="kern-link" href={ctx.href(`/admin/beteiligung/umfragen/${s.id}/antworten.csv`)} download>
          {L(ctx, 'Alle Antworten als CSV', 'All responses as CSV')}
        </a>
      </p>
      {s.mode === 'token' && (
        <form method="post" action={ctx.href(`/admin/beteiligung/umfragen/${s.id}/codes`)}>
          <CsrfField ctx={ctx} />
          <TextField
            ctx={ctx}
            name="count"
            type="number"
            label={L(ctx, 'Anzahl neuer Zugangscodes', 'Number of new access codes')}
            value="10"
            error={props.errors.count}
          />
          <button class="kern-btn kern-btn--secondary" type="submit">
            <span class="kern-label">{L(ctx, 'Codes erzeugen', 'Create codes')}</span>
          </button>
        </form>
      )}
      {props.tokens && (
        <section aria-labelledby="h-tokens">
          <h2 class="kern-heading-medium" id="h-tokens">
            {L(ctx, 'Neue Zugangscodes (nur jetzt sichtbar)', 'New access codes (shown only now)')}
          </h2>
          <ul class="sp-plainlist sp-codes">
            {props.tokens.map((t) => (
              <li key={t}>
                <code>{t}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      <SurveyResults ctx={ctx} results={props.results} />
    </AdminLayout>
  );
}

export async function participationAdminRoutes(app: FastifyInstance) {
  const db = app.database.db;

  const citiesFor = (request: FastifyRequest, role: Role) => citiesWithRole(request.user, role);
  /** Public address of a Fragestunde, for the followers' mails. */
  const sessionUrlFn = async () => {
    const { cities } = await app.tenancy();
    return (x: QuestionSessionRow) =>
      `${app.config.baseUrl}/${cities.find((c) => c.id === x.city_id)?.slug ?? ''}/fragestunde/${x.slug}`;
  };

  async function home(request: FastifyRequest, reply: FastifyReply, error?: string, status = 200) {
    const user = request.user;
    if (!user) throw new HttpError(401, 'Bitte melden Sie sich an.');
    const mod = citiesFor(request, 'moderator');
    const ed = citiesFor(request, 'editor');
    const canModerate = mod === 'all' || mod.length > 0;
    const canEdit = ed === 'all' || ed.length > 0;
    if (!canModerate && !canEdit) throw forbidden();
    const sessions = canModerate
      ? await rows<QuestionSessionRow>(
          db,
          sql`SELECT * FROM participation_question_sessions WHERE ${inCities(mod, 'city_id')} AND state <> 'closed' ORDER BY held_at`,
        )
      : [];
    const o: Overview = {
      queue: canModerate ? await moderationQueue(db, mod) : [],
      ideas: canEdit ? await ideasForStaff(db, ed) : [],
      measures: canEdit ? (await listMeasures(db)).filter((m) => ed === 'all' || ed.includes(m.city_id)) : [],
      sessions: await Promise.all(
        sessions.map(async (s) => ({
          ...s,
          pending: (await questionsOfSession(db, s.id, { moderator: true })).filter(
            (q) => q.status === 'pending' || q.status === 'approved',
          ),
        })),
      ),
      surveys: canEdit
        ? await rows<SurveyRow>(
            db,
            sql`SELECT * FROM participation_surveys WHERE ${inCities(ed, 'city_id')} ORDER BY closes_at DESC`,
          )
        : [],
      processes: canModerate
        ? await rows(
            db,
            sql`SELECT id, title, premoderation FROM participation_processes WHERE ${inCities(mod, 'city_id')} ORDER BY id`,
          )
        : [],
      editable: {
        processes: canEdit
          ? await rows(
              db,
              sql`SELECT id, title FROM participation_processes WHERE ${inCities(ed, 'city_id')} ORDER BY id DESC`,
            )
          : [],
        sessions: canEdit
          ? await rows(
              db,
              sql`SELECT id, title FROM participation_question_sessions WHERE ${inCities(ed, 'city_id')} ORDER BY held_at DESC`,
            )
          : [],
      },
      canModerate,
      canEdit,
    };
    return reply.page(h(AdminHome, { ctx: await request.pageContext(), o, error }), status);
  }

  app.get('/admin/beteiligung', async (request, reply) => home(request, reply));

  app.post<{ Params: { id: string } }>('/admin/beteiligung/kommentare/:id', async (request, reply) => {
    const user = requireStaff(request, 'moderator', 'any');
    const action = formString(request.body, 'action');
    if (!(MODERATION_ACTIONS as readonly string[]).includes(action))
      throw new HttpError(400, 'Unbekannte Aktion.');
    const id = Number(request.params.id);
    try {
      await moderateComment(db, {
        id,
        actorId: user.id,
        action: action as ModerationAction,
        reason: formString(request.body, `reason-${id}`) || formString(request.body, 'reason'),
        cityAllowed: (cityId) => hasRole(user, 'moderator', cityId),
      });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422)
        return home(request, reply, err.details?.errors?.reason ?? err.message, 422);
      throw err;
    }
    return reply.redirect('/admin/beteiligung#h-queue', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/beteiligung/verfahren/:id', async (request, reply) => {
    const user = requireStaff(request, 'moderator', 'any');
    const process = await processById(db, Number(request.params.id));
    if (!process) throw notFound();
    if (!hasRole(user, 'moderator', process.city_id)) throw forbidden();
    const on = formString(request.body, 'premoderation') === '1';
    await db.transaction(async (tx) => {
      await tx.execute(
        sql`UPDATE participation_processes SET premoderation = ${on} WHERE id = ${process.id}`,
      );
      await audit(tx, {
        actorId: user.id,
        cityId: process.city_id,
        action: 'participation.process.premoderation',
        entityType: 'participation_process',
        entityId: String(process.id),
        details: { premoderation: on },
      });
    });
    return reply.redirect('/admin/beteiligung#h-processes', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/beteiligung/fragen/:id', async (request, reply) => {
    const user = requireStaff(request, 'moderator', 'any');
    const action = formString(request.body, 'action');
    if (action !== 'approve' && action !== 'reject' && action !== 'answer')
      throw new HttpError(400, 'Unbekannte Aktion.');
    try {
      await moderateQuestion(db, {
        questionId: Number(request.params.id),
        actorId: user.id,
        action,
        answer: formString(request.body, `answer-${request.params.id}`),
        cityAllowed: (cityId) => hasRole(user, 'moderator', cityId),
        sessionUrl: await sessionUrlFn(),
      });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422)
        return home(request, reply, err.details?.errors?.answer ?? err.message, 422);
      throw err;
    }
    return reply.redirect('/admin/beteiligung#h-sessions', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/beteiligung/fragestunde/:id', async (request, reply) => {
    const user = requireStaff(request, 'moderator', 'any');
    const session = await questionSessionById(db, Number(request.params.id) || 0);
    if (!session) throw notFound();
    if (!hasRole(user, 'moderator', session.city_id)) throw forbidden();
    const state = formString(request.body, `state-${session.id}`);
    if (state !== 'open' && state !== 'live' && state !== 'closed')
      throw new HttpError(400, 'Unbekannter Zustand.');
    await setQuestionSessionState(db, {
      session,
      state,
      actorId: user.id,
      url: (await sessionUrlFn())(session),
    });
    return reply.redirect('/admin/beteiligung#h-sessions', 303);
  });

  // ---- ideas: official answer

  async function staffIdea(request: FastifyRequest, id: string) {
    const idea = await ideaById(db, Number(id));
    if (!idea) throw notFound();
    const process = (await processById(db, idea.process_id))!;
    const user = requireStaff(request, 'editor', process.city_id);
    return { idea, process, user };
  }

  app.get<{ Params: { id: string } }>('/admin/beteiligung/ideen/:id', async (request, reply) => {
    const { idea } = await staffIdea(request, request.params.id);
    return reply.page(
      h(IdeaAnswerPage, {
        ctx: await request.pageContext(),
        idea,
        measures: await listMeasures(db),
        values: {
          status: idea.status,
          answer: idea.answer ?? '',
          measureId: String(idea.measure_id ?? ''),
          visible: idea.visible,
        },
        errors: {},
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/admin/beteiligung/ideen/:id', async (request, reply) => {
    const { idea, process, user } = await staffIdea(request, request.params.id);
    const values = {
      status: formString(request.body, 'status'),
      answer: formString(request.body, 'answer').slice(0, 6000),
      measureId: formString(request.body, 'measureId'),
      visible: formString(request.body, 'visible') === '1',
    };
    try {
      await answerIdea(db, {
        idea,
        cityId: process.city_id,
        actorId: user.id,
        status: values.status,
        answer: values.answer,
        measureId: values.measureId ? Number(values.measureId) : undefined,
        visible: values.visible,
      });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors)
        return reply.page(
          h(IdeaAnswerPage, {
            ctx: await request.pageContext(),
            idea,
            measures: await listMeasures(db),
            values,
            errors: err.details.errors,
          }),
          422,
        );
      throw err;
    }
    return reply.redirect('/admin/beteiligung#h-ideas', 303);
  });

  // ---- measures: status, progress and a public update

  async function staffMeasure(request: FastifyRequest, id: string) {
    const m = await measureById(db, Number(id));
    if (!m) throw notFound();
    const user = requireStaff(request, 'editor', m.city_id);
    return { m, user };
  }

  app.get<{ Params: { id: string } }>('/admin/beteiligung/massnahmen/:id', async (request, reply) => {
    const { m } = await staffMeasure(request, request.params.id);
    return reply.page(
      h(MeasureUpdatePage, {
        ctx: await request.pageContext(),
        measure: m,
        values: { status: m.status, progress: String(m.progress), title: '', body: '' },
        errors: {},
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/admin/beteiligung/massnahmen/:id', async (request, reply) => {
    const { m, user } = await staffMeasure(request, request.params.id);
    const values = {
      status: formString(request.body, 'status'),
      progress: formString(request.body, 'progress').slice(0, 10),
      title: formString(request.body, 'title').slice(0, 300),
      body: formString(request.body, 'body').slice(0, 6000),
    };
    try {
      await postMeasureUpdate(db, {
        measure: m,
        actorId: user.id,
        status: values.status,
        progress: Number(values.progress),
        title: values.title,
        body: values.body,
        baseUrl: `${app.config.baseUrl}/${(await app.tenancy()).cities.find((c) => c.id === m.city_id)?.slug ?? ''}`,
      });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422 && err.details?.errors)
        return reply.page(
          h(MeasureUpdatePage, {
            ctx: await request.pageContext(),
            measure: m,
            values,
            errors: err.details.errors,
          }),
          422,
        );
      throw err;
    }
    return reply.redirect('/admin/beteiligung#h-measures', 303);
  });

  // ---- surveys: results with free texts, CSV, one-time codes

  async function staffSurvey(request: FastifyRequest, id: string) {
    const s = await surveyById(db, Number(id) || 0);
    if (!s) throw notFound();
    const user = requireStaff(request, 'editor', s.city_id);
    return { s, user };
  }

  app.get<{ Params: { id: string } }>('/admin/beteiligung/umfragen/:id', async (request, reply) => {
    const { s } = await staffSurvey(request, request.params.id);
    return reply.page(
      h(SurveyAdminPage, {
        ctx: await request.pageContext(),
        survey: s,
        results: await surveyResults(db, s, true),
        errors: {},
      }),
    );
  });

  app.get<{ Params: { id: string } }>(
    '/admin/beteiligung/umfragen/:id/antworten.csv',
    async (request, reply) => {
      const { s, user } = await staffSurvey(request, request.params.id);
      await audit(db, {
        actorId: user.id,
        cityId: s.city_id,
        action: 'participation.survey.export',
        entityType: 'participation_survey',
        entityId: String(s.id),
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="umfrage-${s.slug}.csv"`)
        .header('cache-control', 'no-store')
        .send(`\uFEFF${await surveyCsv(db, s)}`);
    },
  );

  app.post<{ Params: { id: string } }>('/admin/beteiligung/umfragen/:id/codes', async (request, reply) => {
    const { s, user } = await staffSurvey(request, request.params.id);
    const results = await surveyResults(db, s, true);
    const ctx = await request.pageContext();
    try {
      const tokens = await issueSurveyTokens(db, {
        survey: s,
        count: Number(formString(request.body, 'count')),
        actorId: user.id,
      });
      reply.header('cache-control', 'no-store');
      return reply.page(h(SurveyAdminPage, { ctx, survey: s, results, tokens, errors: {} }));
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 422)
        return reply.page(
          h(SurveyAdminPage, {
            ctx,
            survey: s,
            results,
            errors: err.details?.errors ?? { count: err.message },
          }),
          422,
        );
      throw err;
    }
  });
}
