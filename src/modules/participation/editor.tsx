/**
 * Staff forms of Beteiligung to create and edit measures (with milestones), idea processes (with
 * phases and pre-moderation), surveys (with questions) and Fragestunden. Server-rendered, no script
 * needed: repeatable rows are rendered as filled rows plus a few empty ones; an empty row is ignored.
 * Editors act in their own cities, region-wide editors and admins everywhere.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ComponentChildren, createContext, h } from 'preact';
import { useContext } from 'preact/hooks';
import { AdminLayout, requireStaff } from '../../platform/admin/index.ts';
import { hasRole } from '../../platform/auth/service.ts';
import type { Db } from '../../platform/db/index.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { CurrentUser, PageContext } from '../../platform/web/context.ts';
import {
  CheckboxGroup,
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldKit,
  formList,
  formString,
} from '../../platform/web/forms.tsx';
import {
  berlinDay,
  type MeasureForm,
  type ProcessForm,
  QUESTIONS_FROZEN,
  rowField,
  type SessionForm,
  type SurveyForm,
  saveMeasure,
  saveProcess,
  saveQuestionSession,
  saveSurvey,
  surveyResponseCount,
} from './editing.ts';
import { L, measureStatus } from './pages.tsx';
import {
  fieldsOfAction,
  MEASURE_STATUSES,
  type MeasureRow,
  measureById,
  milestonesOf,
  PHASE_KINDS,
  PHASE_LABELS,
  PHASE_RULES,
  type PhaseKind,
  type ProcessRow,
  phasesOf,
  processById,
  QUESTION_KINDS,
  type QuestionKind,
  type QuestionSessionRow,
  questionSessionById,
  questionsOf,
  type SurveyRow,
  surveyById,
} from './service.ts';

type Row = Record<string, string>;
/** Raw form values as strings (what the person typed), lists for checkbox groups, rows for row groups. */
type Values = Record<string, string | string[] | Row[]>;

const ADMIN = '/admin/beteiligung';
/** Set by the routes after a successful save; the page shows a status message. */
const SavedNotice = createContext(false);
const BLANK_ROWS = 3;

/** One repeatable row (milestone, phase, question) as a titled group. */
function RowGroup(props: { legend: string; children: ComponentChildren }) {
  return (
    <fieldset class="kern-fieldset sp-row">
      <legend class="kern-label">{props.legend}</legend>
      <div class="kern-fieldset__body">{props.children}</div>
    </fieldset>
  );
}

function EditorPage(props: {
  ctx: PageContext;
  title: string;
  action: string;
  errors: FieldErrors;
  intro?: ComponentChildren;
  submit: string;
  children: ComponentChildren;
}) {
  const { ctx } = props;
  return (
    <AdminLayout
      ctx={ctx}
      title={props.title}
      crumbs={[{ label: L(ctx, 'Beteiligung', 'Participation'), href: ADMIN }, { label: props.title }]}
    >
      <ErrorSummary ctx={ctx} errors={props.errors} />
      {useContext(SavedNotice) && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <p class="kern-title">{L(ctx, 'Gespeichert.', 'Saved.')}</p>
          </div>
        </div>
      )}
      <h1 class="kern-heading-large">{props.title}</h1>
      {props.intro}
      <form method="post" action={ctx.href(props.action)} class="sp-editor" novalidate>
        <CsrfField ctx={ctx} />
        {props.children}
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">{props.submit}</span>
        </button>
      </form>
    </AdminLayout>
  );
}

const cityOptions = (cities: City[]) => cities.map((c) => ({ value: String(c.id), label: c.name }));

/** The city select on "new" forms; on edit forms the city is fixed and named. */
function CityChoice(props: {
  ctx: PageContext;
  f: ReturnType<typeof fieldKit>;
  cities: City[];
  fixed?: City;
}) {
  const { ctx } = props;
  return props.fixed ? (
    <p>
      {L(ctx, 'Stadt: ', 'City: ')}
      <strong>{props.fixed.name}</strong>
    </p>
  ) : (
    props.f.select('cityId', L(ctx, 'Stadt', 'City'), cityOptions(props.cities))
  );
}

const slugHint = (ctx: PageContext) =>
  L(
    ctx,
    'Teil der Webadresse: Kleinbuchstaben, Ziffern, Bindestriche. Leer lassen, um es aus dem Titel zu bilden.',
    'Part of the web address: lower-case letters, digits, hyphens. Leave empty to derive it from the title.',
  );

/** Rows to show: the filled ones plus a few empty ones for additions. */
const withBlanks = (list: Row[], blank: Row, n = BLANK_ROWS): Row[] => [
  ...list,
  ...Array.from({ length: n }, () => ({ ...blank })),
];

// ---------------------------------------------------------------- measures

function MeasureFormPage(props: {
  ctx: PageContext;
  measure?: MeasureRow;
  cities: City[];
  allCities: City[];
  fields: string[];
  values: Values;
  errors: FieldErrors;
}) {
  const { ctx, values, errors, measure } = props;
  const f = fieldKit(ctx, values, errors);
  const milestones = withBlanks(values.milestones as Row[], { id: '', title: '', dueOn: '', doneOn: '' });
  return (
    <EditorPage
      ctx={ctx}
      title={
        measure
          ? L(ctx, `Bearbeiten: ${measure.title}`, `Edit: ${measure.title}`)
          : L(ctx, 'Neue Maßnahme', 'New measure')
      }
      action={measure ? `${ADMIN}/massnahmen/${measure.id}/bearbeiten` : `${ADMIN}/massnahmen/neu`}
      errors={errors}
      submit={L(ctx, 'Maßnahme speichern', 'Save measure')}
      intro={
        measure && (
          <p>
            <a class="kern-link" href={ctx.href(`${ADMIN}/massnahmen/${measure.id}`)}>
              {L(
                ctx,
                'Neuigkeit veröffentlichen (Folgende werden benachrichtigt)',
                'Post an update (notifies followers)',
              )}
            </a>
          </p>
        )
      }
    >
      <CityChoice
        ctx={ctx}
        f={f}
        cities={props.cities}
        {...(measure ? { fixed: props.allCities.find((c) => c.id === measure.city_id)! } : {})}
      />
      {f.text('title', L(ctx, 'Titel', 'Title'), { maxLength: 200 })}
      {f.text('slug', L(ctx, 'URL-Kürzel', 'URL slug'), {
        hint: slugHint(ctx),
        maxLength: 80,
        optional: !measure,
      })}
      {f.text('fieldOfAction', L(ctx, 'Handlungsfeld', 'Field of action'), {
        maxLength: 80,
        hint: props.fields.length ? `${L(ctx, 'Bisher: ', 'So far: ')}${props.fields.join(', ')}` : '',
      })}
      <CheckboxGroup
        name="cityIds"
        legend={L(ctx, 'Beteiligte Städte', 'Cities involved')}
        hint={L(ctx, 'Die zuständige Stadt ist immer beteiligt.', 'The maintaining city always takes part.')}
        error={errors.cityIds}
        values={values.cityIds as string[]}
        options={cityOptions(props.allCities)}
      />
      {f.text('periodStart', L(ctx, 'Beginn (Monat)', 'Start (month)'), {
        hint: L(ctx, 'Format JJJJ-MM, z. B. 2025-03', 'Format YYYY-MM, e.g. 2025-03'),
        maxLength: 7,
      })}
      {f.text('periodEnd', L(ctx, 'Ende (Monat)', 'End (month)'), {
        hint: L(ctx, 'Format JJJJ-MM, z. B. 2027-06', 'Format YYYY-MM, e.g. 2027-06'),
        maxLength: 7,
      })}
      {f.select(
        'status',
        L(ctx, 'Umsetzungsstand', 'Implementation status'),
        MEASURE_STATUSES.map((s) => ({ value: s, label: measureStatus(ctx, s) })),
      )}
      {f.text('progress', L(ctx, 'Fortschritt in %', 'Progress in %'), { type: 'number', hint: '0–100' })}
      {f.area('summary', L(ctx, 'Kurzbeschreibung', 'Summary'), { maxLength: 400, rows: 2, optional: true })}
      {f.area('description', L(ctx, 'Beschreibung', 'Description'), {
        hint: L(
          ctx,
          'Markdown: **fett**, Listen mit „- “, Links [Text](https://…).',
          'Markdown: **bold**, lists with “- ”, links [text](https://…).',
        ),
        rows: 8,
        optional: true,
      })}
      {f.text('responsibleOffice', L(ctx, 'Zuständige Stelle', 'Responsible office'), {
        maxLength: 200,
        optional: true,
      })}
      {f.area('links', L(ctx, 'Verknüpfte Angebote und Datensätze', 'Linked offers and datasets'), {
        hint: L(
          ctx,
          'Eine Verknüpfung je Zeile: „Bezeichnung | Adresse“, z. B. „Offene Daten | /opendata“ oder „Bonus-App | https://…“.',
          'One link per line: “label | address”, e.g. “Open data | /opendata” or “Bonus app | https://…”.',
        ),
        optional: true,
      })}
      <h2 class="kern-heading-medium" id="f-milestones" tabIndex={-1}>
        {L(ctx, 'Meilensteine', 'Milestones')}
      </h2>
      <p class="kern-hint">
        {L(
          ctx,
          'Leere Zeilen werden ignoriert; „Entfernen“ löscht einen Meilenstein.',
          'Empty rows are ignored; “Remove” deletes a milestone.',
        )}
      </p>
      {milestones.map((m, i) => (
        <RowGroup key={`m${i}`} legend={L(ctx, `Meilenstein ${i + 1}`, `Milestone ${i + 1}`)}>
          <input type="hidden" name={rowField('milestone', i, 'id')} value={m.id} />
          {f.text(rowField('milestone', i, 'title'), L(ctx, 'Titel', 'Title'), {
            value: m.title,
            maxLength: 200,
          })}
          {f.text(rowField('milestone', i, 'dueOn'), L(ctx, 'Geplant für', 'Due on'), {
            value: m.dueOn,
            type: 'date',
          })}
          {f.text(rowField('milestone', i, 'doneOn'), L(ctx, 'Erledigt am', 'Done on'), {
            value: m.doneOn,
            type: 'date',
            optional: true,
          })}
          {m.title && f.check(rowField('milestone', i, 'remove'), L(ctx, 'Entfernen', 'Remove'), false, '1')}
        </RowGroup>
      ))}
    </EditorPage>
  );
}

// ---------------------------------------------------------------- processes

const actionNames = (ctx: PageContext, kind: PhaseKind) => {
  const names = {
    submit: L(ctx, 'Ideen einreichen', 'submit ideas'),
    comment: L(ctx, 'kommentieren', 'comment'),
    support: L(ctx, 'unterstützen', 'support'),
  };
  const allowed = PHASE_RULES[kind].map((a) => names[a]);
  return allowed.length ? allowed.join(', ') : L(ctx, 'nur lesen', 'read only');
};

function ProcessFormPage(props: {
  ctx: PageContext;
  process?: { id: number; title: string; city_id: number };
  cities: City[];
  allCities: City[];
  values: Values;
  errors: FieldErrors;
}) {
  const { ctx, values, errors, process } = props;
  const f = fieldKit(ctx, values, errors);
  const filled = values.phases as Row[];
  // Empty rows suggest the usual order: collect → discuss → rate → result.
  const phases = withBlanks(filled, { title: '', startsOn: '', endsOn: '' }, filled.length ? 2 : 4).map(
    (p, i): Row => ({ ...p, kind: p.kind ?? PHASE_KINDS[i % PHASE_KINDS.length]! }),
  );
  const kinds = PHASE_KINDS.map((k) => ({
    value: k,
    label: `${PHASE_LABELS[k][ctx.locale]} (${actionNames(ctx, k)})`,
  }));
  return (
    <EditorPage
      ctx={ctx}
      title={
        process
          ? L(ctx, `Bearbeiten: ${process.title}`, `Edit: ${process.title}`)
          : L(ctx, 'Neues Beteiligungsverfahren', 'New participation process')
      }
      action={process ? `${ADMIN}/verfahren/${process.id}/bearbeiten` : `${ADMIN}/verfahren/neu`}
      errors={errors}
      submit={L(ctx, 'Verfahren speichern', 'Save process')}
    >
      <CityChoice
        ctx={ctx}
        f={f}
        cities={props.cities}
        {...(process ? { fixed: props.allCities.find((c) => c.id === process.city_id)! } : {})}
      />
      {f.text('title', L(ctx, 'Titel', 'Title'), { maxLength: 200 })}
      {f.text('slug', L(ctx, 'URL-Kürzel', 'URL slug'), {
        hint: slugHint(ctx),
        maxLength: 80,
        optional: !process,
      })}
      {f.area('description', L(ctx, 'Beschreibung', 'Description'), { rows: 5, optional: true })}
      {f.area('categories', L(ctx, 'Themen für Ideen', 'Topics for ideas'), {
        hint: L(
          ctx,
          'Ein Thema je Zeile. Leer: Ideen ohne Thema.',
          'One topic per line. Empty: ideas without a topic.',
        ),
        optional: true,
      })}
      {f.check(
        'premoderation',
        L(
          ctx,
          'Vormoderation: neue Ideen und Kommentare erst nach Freigabe zeigen',
          'Pre-moderation: show new ideas and comments only after approval',
        ),
        values.premoderation === '1',
        '1',
      )}
      <h2 class="kern-heading-medium" id="f-phases" tabIndex={-1}>
        {L(ctx, 'Phasen', 'Phases')}
      </h2>
      <p class="kern-hint">
        {L(
          ctx,
          'In zeitlicher Reihenfolge, ohne Überschneidung. Die Art der Phase bestimmt, was Bürgerinnen und Bürger tun können (in Klammern). Leere Zeilen werden ignoriert; eine Phase ohne Namen fällt weg.',
          'In time order, without overlap. The kind of phase decides what citizens can do (in brackets). Empty rows are ignored; a phase without a name is dropped.',
        )}
      </p>
      {phases.map((p, i) => (
        <RowGroup key={`p${i}`} legend={L(ctx, `Phase ${i + 1}`, `Phase ${i + 1}`)}>
          {f.select(
            rowField('phase', i, 'kind'),
            L(ctx, 'Art (erlaubte Aktionen)', 'Kind (allowed actions)'),
            kinds,
            { value: p.kind },
          )}
          {f.text(rowField('phase', i, 'title'), L(ctx, 'Name', 'Name'), { value: p.title, maxLength: 80 })}
          {f.text(rowField('phase', i, 'startsOn'), L(ctx, 'Erster Tag', 'First day'), {
            value: p.startsOn,
            type: 'date',
          })}
          {f.text(rowField('phase', i, 'endsOn'), L(ctx, 'Letzter Tag', 'Last day'), {
            value: p.endsOn,
            type: 'date',
          })}
        </RowGroup>
      ))}
    </EditorPage>
  );
}

// ---------------------------------------------------------------- surveys

const KIND_LABELS: Record<QuestionKind, { de: string; en: string }> = {
  single: { de: 'Einfachauswahl', en: 'Single choice' },
  multiple: { de: 'Mehrfachauswahl', en: 'Multiple choice' },
  text: { de: 'Freitext (nie öffentlich)', en: 'Free text (never public)' },
  scale: { de: 'Skala 1–5', en: 'Scale 1–5' },
  ranking: { de: 'Rangfolge', en: 'Ranking' },
};

function SurveyFormPage(props: {
  ctx: PageContext;
  survey?: SurveyRow;
  responses: number;
  cities: City[];
  allCities: City[];
  values: Values;
  errors: FieldErrors;
}) {
  const { ctx, values, errors, survey } = props;
  const f = fieldKit(ctx, values, errors);
  const frozen = props.responses > 0;
  const questions = frozen
    ? (values.questions as Row[])
    : withBlanks(
        values.questions as Row[],
        { kind: 'single', prompt: '', options: '', required: '' },
        (values.questions as Row[]).length ? 2 : 5,
      );
  const kinds = QUESTION_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k][ctx.locale] }));
  return (
    <EditorPage
      ctx={ctx}
      title={
        survey
          ? L(ctx, `Bearbeiten: ${survey.title}`, `Edit: ${survey.title}`)
          : L(ctx, 'Neue Umfrage', 'New survey')
      }
      action={survey ? `${ADMIN}/umfragen/${survey.id}/bearbeiten` : `${ADMIN}/umfragen/neu`}
      errors={errors}
      submit={L(ctx, 'Umfrage speichern', 'Save survey')}
    >
      <CityChoice
        ctx={ctx}
        f={f}
        cities={props.cities}
        {...(survey ? { fixed: props.allCities.find((c) => c.id === survey.city_id)! } : {})}
      />
      {f.text('title', L(ctx, 'Titel', 'Title'), { maxLength: 200 })}
      {f.text('slug', L(ctx, 'URL-Kürzel', 'URL slug'), {
        hint: slugHint(ctx),
        maxLength: 80,
        optional: !survey,
      })}
      {f.area('description', L(ctx, 'Beschreibung', 'Description'), {
        rows: 3,
        optional: true,
        maxLength: 5000,
      })}
      {f.text('opensOn', L(ctx, 'Offen ab (Tag)', 'Open from (day)'), { type: 'date' })}
      {f.text('closesOn', L(ctx, 'Offen bis einschließlich', 'Open until (inclusive)'), { type: 'date' })}
      {f.select('liveResults', L(ctx, 'Ergebnisse sichtbar', 'Results visible'), [
        { value: '0', label: L(ctx, 'erst nach dem Ende', 'only after closing') },
        { value: '1', label: L(ctx, 'schon während der Umfrage (live)', 'while the survey runs (live)') },
      ])}
      {frozen ? (
        <p>
          {L(ctx, 'Teilnahme: ', 'Taking part: ')}
          <strong>
            {values.mode === 'token'
              ? L(ctx, 'anonym mit Einmal-Code', 'anonymous with a one-time code')
              : L(ctx, 'einmal je Konto', 'once per account')}
          </strong>
        </p>
      ) : (
        f.select('mode', L(ctx, 'Teilnahme', 'Taking part'), [
          {
            value: 'account',
            label: L(ctx, 'einmal je Konto (Anmeldung nötig)', 'once per account (sign-in needed)'),
          },
          { value: 'token', label: L(ctx, 'anonym mit Einmal-Code', 'anonymous with a one-time code') },
        ])
      )}
      <h2 class="kern-heading-medium" id="f-questions" tabIndex={-1}>
        {L(ctx, 'Fragen', 'Questions')}
      </h2>
      {frozen ? (
        <>
          <div class="kern-alert kern-alert--info" role="note">
            <div class="kern-alert__body">
              <p>
                {L(ctx, `${props.responses} Antworten liegen vor. `, `${props.responses} responses exist. `)}
                {L(
                  ctx,
                  QUESTIONS_FROZEN,
                  'The questions can no longer be changed because responses exist: stored answers refer to the questions and the order of their options, so a change would distort the results. Title, description, period and result visibility can still be changed.',
                )}
              </p>
            </div>
          </div>
          <ol>
            {questions.map((q, i) => (
              <li key={`q${i}`}>
                {q.prompt}{' '}
                <span class="sp-muted">
                  ({KIND_LABELS[q.kind as QuestionKind]?.[ctx.locale] ?? q.kind}
                  {q.required === '1' ? L(ctx, ', Pflicht', ', required') : ''}
                  {q.options ? `: ${q.options.split('\n').join(' · ')}` : ''})
                </span>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <>
          <p class="kern-hint">
            {L(
              ctx,
              'Antwortmöglichkeiten eine je Zeile (für Einfach-, Mehrfachauswahl und Rangfolge; Freitext und Skala brauchen keine). Eine Frage ohne Text fällt weg.',
              'Options one per line (for single, multiple choice and ranking; free text and scale need none). A question without text is dropped.',
            )}
          </p>
          {questions.map((q, i) => (
            <RowGroup key={`q${i}`} legend={L(ctx, `Frage ${i + 1}`, `Question ${i + 1}`)}>
              {f.select(rowField('question', i, 'kind'), L(ctx, 'Art', 'Kind'), kinds, { value: q.kind })}
              {f.text(rowField('question', i, 'prompt'), L(ctx, 'Fragetext', 'Question text'), {
                value: q.prompt,
                maxLength: 300,
              })}
              {f.area(rowField('question', i, 'options'), L(ctx, 'Antwortmöglichkeiten', 'Options'), {
                value: q.options,
                rows: 3,
                optional: true,
              })}
              {f.check(
                rowField('question', i, 'required'),
                L(ctx, 'Pflichtfrage', 'Required'),
                q.required === '1',
                '1',
              )}
            </RowGroup>
          ))}
        </>
      )}
    </EditorPage>
  );
}

// ---------------------------------------------------------------- Fragestunde

function SessionFormPage(props: {
  ctx: PageContext;
  session?: QuestionSessionRow;
  cities: City[];
  allCities: City[];
  values: Values;
  errors: FieldErrors;
}) {
  const { ctx, values, errors, session } = props;
  const f = fieldKit(ctx, values, errors);
  return (
    <EditorPage
      ctx={ctx}
      title={
        session
          ? L(ctx, `Bearbeiten: ${session.title}`, `Edit: ${session.title}`)
          : L(ctx, 'Neue Fragestunde', 'New question session')
      }
      action={session ? `${ADMIN}/fragestunde/${session.id}/bearbeiten` : `${ADMIN}/fragestunde/neu`}
      errors={errors}
      submit={L(ctx, 'Fragestunde speichern', 'Save question session')}
    >
      <CityChoice
        ctx={ctx}
        f={f}
        cities={props.cities}
        {...(session ? { fixed: props.allCities.find((c) => c.id === session.city_id)! } : {})}
      />
      {f.text('title', L(ctx, 'Titel', 'Title'), { maxLength: 200 })}
      {f.text('slug', L(ctx, 'URL-Kürzel', 'URL slug'), {
        hint: slugHint(ctx),
        maxLength: 80,
        optional: !session,
      })}
      {f.text('heldOn', L(ctx, 'Datum', 'Date'), { type: 'date' })}
      {f.text('heldTime', L(ctx, 'Uhrzeit', 'Time'), {
        hint: L(ctx, 'HH:MM, z. B. 18:00', 'HH:MM, e.g. 18:00'),
        maxLength: 5,
      })}
      {f.select('state', L(ctx, 'Zustand', 'State'), [
        { value: 'open', label: L(ctx, 'offen für Fragen', 'open for questions') },
        { value: 'live', label: L(ctx, 'läuft (live), keine neuen Fragen', 'live, no new questions') },
        { value: 'closed', label: L(ctx, 'beendet (Archiv)', 'closed (archive)') },
      ])}
    </EditorPage>
  );
}

// ---------------------------------------------------------------- reading forms

/** A slug from a title: German letters spelt out, the rest hyphens. */
export function slugFrom(title: string): string {
  const spelt = title
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss');
  return spelt
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Rows of a row group: reads `${row}-${i}-${prop}` for i = 0… until no input of that row is left. */
function readRows(body: unknown, row: string, props: string[], filled: (r: Row) => boolean): Row[] {
  const keys = Object.keys((body ?? {}) as Record<string, unknown>);
  const max = Math.min(
    100,
    keys.reduce((n, k) => {
      const m = new RegExp(`^${row}-(\\d+)-`).exec(k);
      return m ? Math.max(n, Number(m[1]) + 1) : n;
    }, 0),
  );
  const out: Row[] = [];
  for (let i = 0; i < max; i++) {
    const r: Row = {};
    for (const p of props) {
      const raw = (body as Record<string, unknown>)[rowField(row, i, p)];
      // Text areas keep their line breaks; everything else is trimmed by formString.
      r[p] =
        typeof raw === 'string' && p === 'options'
          ? raw.slice(0, 3000)
          : formString(body, rowField(row, i, p)).slice(0, 400);
    }
    if (filled(r) && r.remove !== '1') out.push(r);
  }
  return out;
}

const num = (s: string) => (/^-?\d+$/.test(s.trim()) ? Number(s) : Number.NaN);
const orNull = (s: string) => s || null;
const s = (body: unknown, name: string, max = 400) => formString(body, name).slice(0, max);

function common(body: unknown) {
  const title = s(body, 'title', 300);
  return { cityId: s(body, 'cityId', 12), title, slug: s(body, 'slug', 100) || slugFrom(title) };
}

function readMeasure(body: unknown): Values {
  return {
    ...common(body),
    cityIds: formList(body, 'cityIds').slice(0, 50),
    fieldOfAction: s(body, 'fieldOfAction', 100),
    periodStart: s(body, 'periodStart', 10),
    periodEnd: s(body, 'periodEnd', 10),
    status: s(body, 'status', 20),
    progress: s(body, 'progress', 10),
    summary: s(body, 'summary', 500),
    description: (typeof (body as Row)?.description === 'string' ? (body as Row).description! : '').slice(
      0,
      21_000,
    ),
    responsibleOffice: s(body, 'responsibleOffice', 300),
    links: (typeof (body as Row)?.links === 'string' ? (body as Row).links! : '').slice(0, 12_000),
    milestones: readRows(body, 'milestone', ['id', 'title', 'dueOn', 'doneOn', 'remove'], (r) =>
      Boolean(r.title || r.dueOn || r.doneOn),
    ),
  };
}

function measureInput(v: Values): MeasureForm {
  return {
    cityId: num(v.cityId as string),
    cityIds: (v.cityIds as string[]).map(num),
    slug: v.slug as string,
    title: v.title as string,
    fieldOfAction: v.fieldOfAction as string,
    periodStart: v.periodStart as string,
    periodEnd: v.periodEnd as string,
    status: v.status as MeasureForm['status'],
    progress: num(v.progress as string),
    summary: (v.summary as string).trim(),
    description: (v.description as string).trim(),
    responsibleOffice: v.responsibleOffice as string,
    links: lines(v.links as string).map((line) => {
      const at = line.lastIndexOf('|');
      return at < 0
        ? { label: line, href: line }
        : { label: line.slice(0, at).trim(), href: line.slice(at + 1).trim() };
    }),
    milestones: (v.milestones as Row[]).map((m) => ({
      id: m.id ? num(m.id) : null,
      title: m.title!,
      dueOn: m.dueOn!,
      doneOn: orNull(m.doneOn!),
    })),
  };
}

function measureValues(m: MeasureRow, milestones: Awaited<ReturnType<typeof milestonesOf>>): Values {
  return {
    cityId: String(m.city_id),
    cityIds: m.city_ids.map(String),
    slug: m.slug,
    title: m.title,
    fieldOfAction: m.field_of_action,
    periodStart: m.period_start.slice(0, 7),
    periodEnd: m.period_end.slice(0, 7),
    status: m.status,
    progress: String(m.progress),
    summary: m.summary,
    description: m.description,
    responsibleOffice: m.responsible_office,
    links: m.links.map((l) => `${l.label} | ${l.href}`).join('\n'),
    milestones: milestones.map((x) => ({
      id: String(x.id),
      title: x.title,
      dueOn: x.due_on,
      doneOn: x.done_on ?? '',
    })),
  };
}

function readProcess(body: unknown): Values {
  return {
    ...common(body),
    description: (typeof (body as Row)?.description === 'string' ? (body as Row).description! : '').slice(
      0,
      21_000,
    ),
    categories: (typeof (body as Row)?.categories === 'string' ? (body as Row).categories! : '').slice(
      0,
      3000,
    ),
    premoderation: formString(body, 'premoderation') === '1' ? '1' : '',
    phases: readRows(body, 'phase', ['kind', 'title', 'startsOn', 'endsOn'], (r) =>
      Boolean(r.title || r.startsOn || r.endsOn),
    ),
  };
}

function processInput(v: Values): ProcessForm {
  return {
    cityId: num(v.cityId as string),
    slug: v.slug as string,
    title: v.title as string,
    description: (v.description as string).trim(),
    categories: lines(v.categories as string),
    premoderation: v.premoderation === '1',
    phases: (v.phases as Row[]).map((p) => ({
      kind: p.kind as PhaseKind,
      title: p.title!,
      startsOn: p.startsOn!,
      endsOn: p.endsOn!,
    })),
  };
}

function readSurvey(body: unknown): Values {
  return {
    ...common(body),
    description: (typeof (body as Row)?.description === 'string' ? (body as Row).description! : '').slice(
      0,
      6000,
    ),
    mode: s(body, 'mode', 20),
    liveResults: s(body, 'liveResults', 2),
    opensOn: s(body, 'opensOn', 12),
    closesOn: s(body, 'closesOn', 12),
    questions: readRows(body, 'question', ['kind', 'prompt', 'options', 'required'], (r) =>
      Boolean(r.prompt || r.options?.trim()),
    ),
  };
}

function surveyInput(v: Values): SurveyForm {
  return {
    cityId: num(v.cityId as string),
    slug: v.slug as string,
    title: v.title as string,
    description: (v.description as string).trim(),
    mode: v.mode as SurveyForm['mode'],
    liveResults: v.liveResults === '1',
    opensOn: v.opensOn as string,
    closesOn: v.closesOn as string,
    questions: (v.questions as Row[]).map((q) => ({
      kind: q.kind as QuestionKind,
      prompt: q.prompt!,
      options: lines(q.options ?? ''),
      required: q.required === '1',
    })),
  };
}

async function surveyValues(db: FastifyInstance['database']['db'], sv: SurveyRow): Promise<Values> {
  const closes = new Date(new Date(sv.closes_at).getTime() - 1);
  return {
    cityId: String(sv.city_id),
    slug: sv.slug,
    title: sv.title,
    description: sv.description,
    mode: sv.mode,
    liveResults: sv.live_results ? '1' : '0',
    opensOn: berlinDay(sv.opens_at),
    closesOn: berlinDay(closes),
    questions: (await questionsOf(db, sv.id)).map((q) => ({
      kind: q.kind,
      prompt: q.prompt,
      options: q.options.join('\n'),
      required: q.required ? '1' : '',
    })),
  };
}

function readSession(body: unknown): Values {
  return {
    ...common(body),
    heldOn: s(body, 'heldOn', 12),
    heldTime: s(body, 'heldTime', 8),
    state: s(body, 'state', 10),
  };
}

const sessionInput = (v: Values): SessionForm => ({
  cityId: num(v.cityId as string),
  slug: v.slug as string,
  title: v.title as string,
  heldOn: v.heldOn as string,
  heldTime: v.heldTime as string,
  state: v.state as SessionForm['state'],
});

function sessionValues(x: QuestionSessionRow): Values {
  const time = new Intl.DateTimeFormat('de-DE', { timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(
    new Date(x.held_at),
  );
  return {
    cityId: String(x.city_id),
    slug: x.slug,
    title: x.title,
    heldOn: berlinDay(x.held_at),
    heldTime: time,
    state: x.state,
  };
}

// ---------------------------------------------------------------- routes

export async function participationEditorRoutes(app: FastifyInstance) {
  const db = app.database.db;
  const hide = { schema: { hide: true } };

  async function citiesOf(user: CurrentUser) {
    const all = (await app.tenancy()).cities;
    return { all, mine: all.filter((c) => hasRole(user, 'editor', c.id)) };
  }

  /**
   * One pair of routes (new, edit) per kind: load and authorise, read the form, save, re-render
   * with the error summary on 422/409, redirect on success.
   */
  function editorRoutes<T extends { id: number; city_id: number }>(o: {
    path: string;
    load: (db: Db, id: number) => Promise<T | undefined>;
    blank: () => Values;
    current: (item: T) => Promise<Values>;
    read: (body: unknown, item: T | undefined) => Promise<Values>;
    save: (user: CurrentUser, item: T | undefined, v: Values) => Promise<number>;
    page: (
      ctx: PageContext,
      item: T | undefined,
      cities: { all: City[]; mine: City[] },
      v: Values,
      errors: FieldErrors,
    ) => Promise<ComponentChildren>;
    done: (id: number) => string;
  }) {
    const render = async (
      request: FastifyRequest,
      reply: FastifyReply,
      item: T | undefined,
      v: Values,
      errors: FieldErrors,
      status = 200,
    ) => {
      const ctx = await request.pageContext();
      // After a save the edit page says so (?gespeichert=1).
      const saved = (request.query as Record<string, string>).gespeichert === '1' && status === 200;
      return reply.page(
        h(
          SavedNotice.Provider,
          { value: saved },
          await o.page(ctx, item, await citiesOf(request.user!), v, errors),
        ),
        status,
      );
    };

    async function editable(request: FastifyRequest<{ Params: { id: string } }>) {
      const item = /^\d{1,9}$/.test(request.params.id)
        ? await o.load(db, Number(request.params.id))
        : undefined;
      if (!item) throw notFound();
      return { item, user: requireStaff(request, 'editor', item.city_id) };
    }

    async function post(
      request: FastifyRequest,
      reply: FastifyReply,
      user: CurrentUser,
      item: T | undefined,
    ) {
      const v = await o.read(request.body, item);
      // The city of an existing item is fixed (the edit forms do not send it).
      if (item) v.cityId = String(item.city_id);
      // A new item's city must be one the person edits; city 0 fails the schema with that message.
      const allowed = item !== undefined || hasRole(user, 'editor', Number(v.cityId));
      try {
        const id = await o.save(user, item, allowed ? v : { ...v, cityId: '0' });
        return reply.redirect(o.done(id), 303);
      } catch (err) {
        if (err instanceof HttpError && (err.statusCode === 422 || err.statusCode === 409))
          return render(
            request,
            reply,
            item,
            v,
            // 409: frozen survey questions; the summary links to the questions heading.
            err.details?.errors ?? { questions: err.message },
            err.statusCode,
          );
        throw err;
      }
    }

    app.get(`${ADMIN}/${o.path}/neu`, hide, async (request, reply) => {
      requireStaff(request, 'editor', 'any');
      const { mine } = await citiesOf(request.user!);
      return render(request, reply, undefined, { ...o.blank(), cityId: String(mine[0]?.id ?? '') }, {});
    });
    app.post(`${ADMIN}/${o.path}/neu`, hide, async (request, reply) =>
      post(request, reply, requireStaff(request, 'editor', 'any'), undefined),
    );
    app.get<{ Params: { id: string } }>(`${ADMIN}/${o.path}/:id/bearbeiten`, hide, async (request, reply) => {
      const { item } = await editable(request);
      return render(request, reply, item, await o.current(item), {});
    });
    app.post<{ Params: { id: string } }>(
      `${ADMIN}/${o.path}/:id/bearbeiten`,
      hide,
      async (request, reply) => {
        const { item, user } = await editable(request);
        return post(request, reply, user, item);
      },
    );
  }

  editorRoutes<MeasureRow>({
    path: 'massnahmen',
    load: measureById,
    blank: () => ({ ...readMeasure({}), status: 'geplant', progress: '0', cityIds: [] }),
    current: async (m) => measureValues(m, await milestonesOf(db, m.id)),
    read: async (body) => readMeasure(body),
    save: (user, m, v) => saveMeasure(db, user, m, measureInput(v)),
    page: async (ctx, m, c, values, errors) =>
      h(MeasureFormPage, {
        ctx,
        ...(m ? { measure: m } : {}),
        cities: c.mine,
        allCities: c.all,
        fields: await fieldsOfAction(db),
        values,
        errors,
      }),
    done: (id) => `${ADMIN}/massnahmen/${id}/bearbeiten?gespeichert=1`,
  });

  editorRoutes<ProcessRow>({
    path: 'verfahren',
    load: processById,
    blank: () => readProcess({}),
    current: async (p) => ({
      cityId: String(p.city_id),
      slug: p.slug,
      title: p.title,
      description: p.description,
      categories: p.categories.join('\n'),
      premoderation: p.premoderation ? '1' : '',
      phases: (await phasesOf(db, p.id)).map((x) => ({
        kind: x.kind,
        title: x.title,
        startsOn: berlinDay(x.starts_at),
        endsOn: berlinDay(new Date(new Date(x.ends_at).getTime() - 1)),
      })),
    }),
    read: async (body) => readProcess(body),
    save: (user, p, v) => saveProcess(db, user, p, processInput(v)),
    page: async (ctx, p, c, values, errors) =>
      h(ProcessFormPage, {
        ctx,
        ...(p ? { process: p } : {}),
        cities: c.mine,
        allCities: c.all,
        values,
        errors,
      }),
    done: (id) => `${ADMIN}/verfahren/${id}/bearbeiten?gespeichert=1`,
  });

  const responsesOf = async (sv: SurveyRow | undefined) => (sv ? surveyResponseCount(db, sv.id) : 0);
  editorRoutes<SurveyRow>({
    path: 'umfragen',
    load: surveyById,
    blank: () => ({ ...readSurvey({}), mode: 'account', liveResults: '0' }),
    current: (sv) => surveyValues(db, sv),
    read: async (body, sv) => {
      const v = readSurvey(body);
      // Frozen questions: the form sends none, so the stored ones (and the mode) stand.
      if (sv && (await responsesOf(sv)) > 0) {
        const stored = await surveyValues(db, sv);
        if ((v.questions as Row[]).length === 0) v.questions = stored.questions!;
        if (!v.mode) v.mode = stored.mode!;
      }
      return v;
    },
    save: (user, sv, v) => saveSurvey(db, user, sv, surveyInput(v)),
    page: async (ctx, sv, c, values, errors) =>
      h(SurveyFormPage, {
        ctx,
        ...(sv ? { survey: sv } : {}),
        responses: await responsesOf(sv),
        cities: c.mine,
        allCities: c.all,
        values,
        errors,
      }),
    done: (id) => `${ADMIN}/umfragen/${id}/bearbeiten?gespeichert=1`,
  });

  editorRoutes<QuestionSessionRow>({
    path: 'fragestunde',
    load: questionSessionById,
    blank: () => ({ ...readSession({}), heldTime: '18:00', state: 'open' }),
    current: async (x) => sessionValues(x),
    read: async (body) => readSession(body),
    save: async (user, x, v) => {
      const { all } = await citiesOf(user);
      const slug = all.find((c) => c.id === Number(v.cityId))?.slug ?? '';
      return saveQuestionSession(
        db,
        user,
        x,
        sessionInput(v),
        (s) => `${app.config.baseUrl}/${slug}/fragestunde/${s}`,
      );
    },
    page: async (ctx, x, c, values, errors) =>
      h(SessionFormPage, {
        ctx,
        ...(x ? { session: x } : {}),
        cities: c.mine,
        allCities: c.all,
        values,
        errors,
      }),
    done: (id) => `${ADMIN}/fragestunde/${id}/bearbeiten?gespeichert=1`,
  });
}
