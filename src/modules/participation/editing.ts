/**
 * Staff writes of Beteiligung: the TypeBox schemas behind the create/edit forms and their audited
 * transactions (measures with milestones, idea processes with phases, surveys with questions,
 * Fragestunden). Forms and a future API check the same schemas; the rules a schema cannot say
 * (period order, overlapping phases, unique slugs, frozen questions) live beside them.
 */
import Type, { type Static, type TObject, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { audit } from '../../platform/audit/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { HttpError, unprocessable } from '../../platform/http/errors.ts';
import {
  MEASURE_STATUSES,
  type MeasureRow,
  notifySessionFollowers,
  PHASE_KINDS,
  type ProcessRow,
  QUESTION_KINDS,
  type QuestionSessionRow,
  SESSION_STATE_NEWS,
  type SurveyRow,
} from './service.ts';

export type FieldErrors = Record<string, string>;

const text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,79}$' });
const Day = Type.String({ format: 'date' });
const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' });
const Link = Type.Object(
  {
    label: text(120, 1),
    href: Type.String({ maxLength: 500, pattern: '^(https?://[^\\s<>"]+|/[^\\s<>"]*)$' }),
  },
  { additionalProperties: false },
);

export const MeasureFormSchema = Type.Object(
  {
    cityId: Type.Integer({ minimum: 1 }),
    cityIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
    slug: Slug,
    title: text(200, 3),
    fieldOfAction: text(80, 2),
    periodStart: Month,
    periodEnd: Month,
    status: Type.Enum(MEASURE_STATUSES),
    progress: Type.Integer({ minimum: 0, maximum: 100 }),
    summary: text(400),
    description: text(20_000),
    responsibleOffice: text(200),
    links: Type.Array(Link, { maxItems: 20 }),
    milestones: Type.Array(
      Type.Object(
        {
          id: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
          title: text(200, 2),
          dueOn: Day,
          doneOn: Type.Union([Day, Type.Null()]),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type MeasureForm = Static<typeof MeasureFormSchema>;

export const ProcessFormSchema = Type.Object(
  {
    cityId: Type.Integer({ minimum: 1 }),
    slug: Slug,
    title: text(200, 3),
    description: text(20_000),
    categories: Type.Array(text(60, 1), { maxItems: 30, uniqueItems: true }),
    premoderation: Type.Boolean(),
    phases: Type.Array(
      Type.Object(
        { kind: Type.Enum(PHASE_KINDS), title: text(80, 2), startsOn: Day, endsOn: Day },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 12 },
    ),
  },
  { additionalProperties: false },
);
export type ProcessForm = Static<typeof ProcessFormSchema>;

export const SurveyFormSchema = Type.Object(
  {
    cityId: Type.Integer({ minimum: 1 }),
    slug: Slug,
    title: text(200, 3),
    description: text(5_000),
    mode: Type.Enum(['account', 'token'] as const),
    liveResults: Type.Boolean(),
    opensOn: Day,
    closesOn: Day,
    questions: Type.Array(
      Type.Object(
        {
          kind: Type.Enum(QUESTION_KINDS),
          prompt: text(300, 3),
          options: Type.Array(text(120, 1), { maxItems: 12 }),
          required: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 40 },
    ),
  },
  { additionalProperties: false },
);
export type SurveyForm = Static<typeof SurveyFormSchema>;

export const SessionFormSchema = Type.Object(
  {
    cityId: Type.Integer({ minimum: 1 }),
    slug: Slug,
    title: text(200, 3),
    heldOn: Day,
    heldTime: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
    state: Type.Enum(['open', 'live', 'closed'] as const),
  },
  { additionalProperties: false },
);
export type SessionForm = Static<typeof SessionFormSchema>;

/** People-readable messages: "field" for the whole field, "field.prop" for a property of a row. */
const MESSAGES: Record<string, string> = {
  cityId: 'Wählen Sie eine Stadt, für die Sie zuständig sind.',
  cityIds: 'Wählen Sie mindestens eine beteiligte Stadt.',
  slug: 'Das URL-Kürzel hat 2 bis 80 Kleinbuchstaben, Ziffern oder Bindestriche.',
  title: 'Geben Sie einen Titel mit 3 bis 200 Zeichen ein.',
  fieldOfAction: 'Geben Sie ein Handlungsfeld mit 2 bis 80 Zeichen ein.',
  periodStart: 'Geben Sie den Beginn als Monat im Format JJJJ-MM ein (z. B. 2025-03).',
  periodEnd: 'Geben Sie das Ende als Monat im Format JJJJ-MM ein (z. B. 2027-06).',
  status: 'Wählen Sie einen Status.',
  progress: 'Der Fortschritt ist eine ganze Zahl von 0 bis 100.',
  summary: 'Die Kurzbeschreibung darf höchstens 400 Zeichen lang sein.',
  description: 'Die Beschreibung ist zu lang.',
  responsibleOffice: 'Die zuständige Stelle darf höchstens 200 Zeichen lang sein.',
  links: 'Verknüpfungen: je Zeile „Bezeichnung | https://…“ oder „Bezeichnung | /pfad“, höchstens 20.',
  'milestone.title': 'Der Meilenstein braucht einen Titel mit 2 bis 200 Zeichen.',
  'milestone.dueOn': 'Geben Sie das geplante Datum des Meilensteins an.',
  'milestone.doneOn': 'Das Erledigt-Datum ist kein gültiges Datum.',
  milestones: 'Höchstens 50 Meilensteine.',
  categories: 'Themen: höchstens 30, jedes mit 1 bis 60 Zeichen, keines doppelt.',
  premoderation: 'Wählen Sie, ob Beiträge vorab geprüft werden.',
  phases: 'Ein Verfahren braucht mindestens eine Phase (höchstens 12).',
  'phase.kind': 'Wählen Sie die Art der Phase.',
  'phase.title': 'Die Phase braucht einen Namen mit 2 bis 80 Zeichen.',
  'phase.startsOn': 'Geben Sie den ersten Tag der Phase an.',
  'phase.endsOn': 'Geben Sie den letzten Tag der Phase an.',
  mode: 'Wählen Sie, wie teilgenommen wird.',
  liveResults: 'Wählen Sie, wann die Ergebnisse sichtbar sind.',
  opensOn: 'Geben Sie an, ab welchem Tag die Umfrage offen ist.',
  closesOn: 'Geben Sie den letzten Tag der Umfrage an.',
  questions: 'Eine Umfrage braucht mindestens eine Frage (höchstens 40).',
  'question.kind': 'Wählen Sie die Art der Frage.',
  'question.prompt': 'Die Frage braucht einen Text mit 3 bis 300 Zeichen.',
  'question.options': 'Antwortmöglichkeiten: höchstens 12, jede mit 1 bis 120 Zeichen.',
  heldOn: 'Geben Sie das Datum der Fragestunde an.',
  heldTime: 'Geben Sie die Uhrzeit im Format HH:MM an (z. B. 18:00).',
  state: 'Wählen Sie einen Zustand.',
};

/** Form field name of a row property: the forms name their inputs `${row}-${index}-${prop}`. */
export const rowField = (row: string, index: number, prop: string) => `${row}-${index}-${prop}`;
const ROWS: Record<string, string> = { milestones: 'milestone', phases: 'phase', questions: 'question' };

/**
 * Checks input field by field (so one field's many errors cannot hide the others') and returns
 * messages keyed by form field name; row properties point at their own input.
 */
export function checkForm(schema: TObject, input: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, s] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const value = input[field];
    if (Value.Check(s, value)) continue;
    const row = ROWS[field];
    for (const e of row ? Value.Errors(s, value) : []) {
      const [index, prop] = e.instancePath.split('/').filter(Boolean);
      if (index !== undefined && prop && MESSAGES[`${row}.${prop}`])
        errors[rowField(row!, Number(index), prop)] ??= MESSAGES[`${row}.${prop}`]!;
    }
    if (!row || !Object.keys(errors).some((k) => k.startsWith(`${row}-`)))
      errors[field] = MESSAGES[field] ?? `Das Feld „${field}“ ist ungültig.`;
  }
  return errors;
}

function fail(errors: FieldErrors): void {
  if (Object.keys(errors).length) throw unprocessable('Bitte prüfen Sie Ihre Eingaben.', errors);
}

/** Midnight in Europe/Berlin of a calendar day (phases and surveys run from day to day). */
export function berlinMidnight(day: string): Date {
  const utc = new Date(`${day}T00:00:00Z`);
  const shown = new Date(utc.toLocaleString('en-US', { timeZone: 'Europe/Berlin' }));
  const asUtc = new Date(utc.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(utc.getTime() - (shown.getTime() - asUtc.getTime()));
}

/** The calendar day (Europe/Berlin) of an instant, as YYYY-MM-DD. */
export function berlinDay(at: Date): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(new Date(at));
}

const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** Last day of a YYYY-MM month. */
const monthEnd = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

async function slugTaken(db: Db, table: string, slug: string, selfId: number | undefined, cityId?: number) {
  return Boolean(
    await one(
      db,
      sql`SELECT 1 FROM ${sql.raw(table)} WHERE slug = ${slug}
          ${cityId === undefined ? sql`` : sql`AND city_id = ${cityId}`}
          AND id IS DISTINCT FROM ${selfId ?? null}::int`,
    ),
  );
}

const SLUG_TAKEN = 'Dieses URL-Kürzel ist schon vergeben; wählen Sie ein anderes.';

interface Actor {
  id: string;
}

// ---------------------------------------------------------------- measures

/** Creates (existing undefined) or edits a measure with its milestones; returns its id. */
export async function saveMeasure(
  db: Db,
  actor: Actor,
  existing: MeasureRow | undefined,
  input: MeasureForm,
): Promise<number> {
  const errors = checkForm(MeasureFormSchema, input as unknown as Record<string, unknown>);
  if (!errors.periodStart && !errors.periodEnd && input.periodEnd < input.periodStart)
    errors.periodEnd = 'Das Ende liegt vor dem Beginn.';
  if (!errors.slug && (await slugTaken(db, 'participation_measures', input.slug, existing?.id)))
    errors.slug = SLUG_TAKEN;
  fail(errors);
  const cityId = existing?.city_id ?? input.cityId;
  // The maintaining city always takes part.
  const cityIds = [...new Set([cityId, ...input.cityIds])].sort((a, b) => a - b);
  return db.transaction(async (tx) => {
    const values = sql`${sql.param(cityIds)}::int[], ${input.slug}, ${input.title}, ${input.fieldOfAction},
      ${`${input.periodStart}-01`}::date, ${monthEnd(input.periodEnd)}::date, ${input.status}, ${input.progress},
      ${input.summary}, ${input.description}, ${input.responsibleOffice}, ${JSON.stringify(input.links)}::jsonb`;
    let id = existing?.id ?? 0;
    if (existing)
      await tx.execute(sql`UPDATE participation_measures SET (city_ids, slug, title, field_of_action,
            period_start, period_end, status, progress, summary, description, responsible_office, links)
            = (${values}), updated_at = now() WHERE id = ${existing.id}`);
    else
      id = (await one<{ id: number }>(
        tx,
        sql`INSERT INTO participation_measures (city_id, city_ids, slug, title, field_of_action, period_start,
                period_end, status, progress, summary, description, responsible_office, links)
              VALUES (${cityId}, ${values}) RETURNING id`,
      ))!.id;
    // Milestones: rows with an id are kept and updated, rows without one are new, the rest go.
    const keep = input.milestones.flatMap((m) => (m.id ? [m.id] : []));
    await tx.execute(sql`DELETE FROM participation_milestones WHERE measure_id = ${id}
      AND NOT (id = ANY(${sql.param(keep.length ? keep : [-1])}::int[]))`);
    for (const m of input.milestones) {
      if (m.id)
        await tx.execute(sql`UPDATE participation_milestones SET title = ${m.title}, due_on = ${m.dueOn}::date,
          done_on = ${m.doneOn}::date WHERE id = ${m.id} AND measure_id = ${id}`);
      else
        await tx.execute(sql`INSERT INTO participation_milestones (measure_id, title, due_on, done_on)
          VALUES (${id}, ${m.title}, ${m.dueOn}::date, ${m.doneOn}::date)`);
    }
    await audit(tx, {
      actorId: actor.id,
      cityId,
      action: existing ? 'participation.measure.edit' : 'participation.measure.create',
      entityType: 'participation_measure',
      entityId: String(id),
      details: { slug: input.slug, status: input.status, progress: input.progress, cityIds },
    });
    return id;
  });
}

// ---------------------------------------------------------------- processes and phases

/** Creates or edits an idea process; its phases are replaced as a whole (nothing refers to them). */
export async function saveProcess(
  db: Db,
  actor: Actor,
  existing: ProcessRow | undefined,
  input: ProcessForm,
): Promise<number> {
  const cityId = existing?.city_id ?? input.cityId;
  const errors = checkForm(ProcessFormSchema, input as unknown as Record<string, unknown>);
  input.phases.forEach((p, i) => {
    if (!errors[rowField('phase', i, 'endsOn')] && !errors[rowField('phase', i, 'startsOn')]) {
      if (p.endsOn < p.startsOn)
        errors[rowField('phase', i, 'endsOn')] = `Phase ${i + 1} endet vor ihrem Beginn.`;
      else if (i > 0 && input.phases[i - 1]!.endsOn >= p.startsOn)
        errors[rowField('phase', i, 'startsOn')] =
          `Phase ${i + 1} beginnt, bevor Phase ${i} endet; Phasen folgen nacheinander.`;
    }
  });
  if (!errors.slug && (await slugTaken(db, 'participation_processes', input.slug, existing?.id, cityId)))
    errors.slug = SLUG_TAKEN;
  fail(errors);
  return db.transaction(async (tx) => {
    let id = existing?.id ?? 0;
    if (existing)
      await tx.execute(sql`UPDATE participation_processes SET slug = ${input.slug}, title = ${input.title},
            description = ${input.description}, categories = ${sql.param(input.categories)}::text[],
            premoderation = ${input.premoderation} WHERE id = ${existing.id}`);
    else
      id = (await one<{ id: number }>(
        tx,
        sql`INSERT INTO participation_processes (city_id, slug, title, description, categories, premoderation)
              VALUES (${cityId}, ${input.slug}, ${input.title}, ${input.description},
                ${sql.param(input.categories)}::text[], ${input.premoderation}) RETURNING id`,
      ))!.id;
    await tx.execute(sql`DELETE FROM participation_phases WHERE process_id = ${id}`);
    for (const p of input.phases)
      await tx.execute(sql`INSERT INTO participation_phases (process_id, kind, title, starts_at, ends_at)
        VALUES (${id}, ${p.kind}, ${p.title}, ${berlinMidnight(p.startsOn)}, ${berlinMidnight(nextDay(p.endsOn))})`);
    await audit(tx, {
      actorId: actor.id,
      cityId,
      action: existing ? 'participation.process.edit' : 'participation.process.create',
      entityType: 'participation_process',
      entityId: String(id),
      details: {
        slug: input.slug,
        premoderation: input.premoderation,
        phases: input.phases.map((p) => `${p.kind} ${p.startsOn}–${p.endsOn}`),
      },
    });
    return id;
  });
}

// ---------------------------------------------------------------- surveys and questions

const CHOICE_KINDS = new Set(['single', 'multiple', 'ranking']);

export async function surveyResponseCount(db: Db, surveyId: number): Promise<number> {
  const r = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participation_survey_responses WHERE survey_id = ${surveyId}`,
  );
  return r?.n ?? 0;
}

/** Why questions are frozen once people have answered: shown in the form and sent with the refusal. */
export const QUESTIONS_FROZEN =
  'Die Fragen können nicht mehr geändert werden, weil schon Antworten vorliegen: Gespeicherte Antworten verweisen auf die Fragen und die Reihenfolge ihrer Antwortmöglichkeiten, eine Änderung würde die Ergebnisse verfälschen. Titel, Beschreibung, Zeitraum und Sichtbarkeit der Ergebnisse lassen sich weiter ändern.';

/**
 * Creates or edits a survey. With responses stored, questions and the way of taking part stay as
 * they are: input.questions must then be the current questions (the form sends none, the route
 * passes the current ones); anything else is refused with 409.
 */
export async function saveSurvey(
  db: Db,
  actor: Actor,
  existing: SurveyRow | undefined,
  input: SurveyForm,
): Promise<number> {
  const cityId = existing?.city_id ?? input.cityId;
  const responses = existing ? await surveyResponseCount(db, existing.id) : 0;
  if (existing && responses > 0) {
    const current = await rows<{ kind: string; prompt: string; options: string[]; required: boolean }>(
      db,
      sql`SELECT kind, prompt, options, required FROM participation_survey_questions
          WHERE survey_id = ${existing.id} ORDER BY position`,
    );
    if (JSON.stringify(current) !== JSON.stringify(input.questions) || input.mode !== existing.mode)
      throw new HttpError(409, QUESTIONS_FROZEN);
  }
  const errors = checkForm(SurveyFormSchema, input as unknown as Record<string, unknown>);
  input.questions.forEach((q, i) => {
    const key = rowField('question', i, 'options');
    if (errors[key]) return;
    if (CHOICE_KINDS.has(q.kind) && q.options.length < 2)
      errors[key] = `Frage ${i + 1} braucht mindestens zwei Antwortmöglichkeiten (eine je Zeile).`;
    else if (new Set(q.options).size !== q.options.length)
      errors[key] = `Frage ${i + 1}: jede Antwortmöglichkeit nur einmal.`;
  });
  if (!errors.opensOn && !errors.closesOn && input.closesOn < input.opensOn)
    errors.closesOn = 'Der letzte Tag liegt vor dem ersten.';
  if (!errors.slug && (await slugTaken(db, 'participation_surveys', input.slug, existing?.id, cityId)))
    errors.slug = SLUG_TAKEN;
  fail(errors);
  const opensAt = berlinMidnight(input.opensOn);
  const closesAt = berlinMidnight(nextDay(input.closesOn));
  return db.transaction(async (tx) => {
    let id = existing?.id ?? 0;
    if (existing)
      await tx.execute(sql`UPDATE participation_surveys SET slug = ${input.slug}, title = ${input.title},
            description = ${input.description}, mode = ${input.mode}, live_results = ${input.liveResults},
            opens_at = ${opensAt}, closes_at = ${closesAt} WHERE id = ${existing.id}`);
    else
      id = (await one<{ id: number }>(
        tx,
        sql`INSERT INTO participation_surveys (city_id, slug, title, description, mode, live_results, opens_at, closes_at)
              VALUES (${cityId}, ${input.slug}, ${input.title}, ${input.description}, ${input.mode},
                ${input.liveResults}, ${opensAt}, ${closesAt}) RETURNING id`,
      ))!.id;
    if (responses === 0) {
      await tx.execute(sql`DELETE FROM participation_survey_questions WHERE survey_id = ${id}`);
      for (const [i, q] of input.questions.entries()) {
        // Free text and scale questions have no options of their own.
        const options = CHOICE_KINDS.has(q.kind) ? q.options : [];
        await tx.execute(sql`INSERT INTO participation_survey_questions (survey_id, position, kind, prompt, options, required)
          VALUES (${id}, ${i + 1}, ${q.kind}, ${q.prompt}, ${sql.param(options)}::text[], ${q.required})`);
      }
    }
    await audit(tx, {
      actorId: actor.id,
      cityId,
      action: existing ? 'participation.survey.edit' : 'participation.survey.create',
      entityType: 'participation_survey',
      entityId: String(id),
      details: { slug: input.slug, mode: input.mode, questions: input.questions.length },
    });
    return id;
  });
}

// ---------------------------------------------------------------- Fragestunde

/** Creates or edits a Fragestunde; followers hear about a new state or a new date. */
export async function saveQuestionSession(
  db: Db,
  actor: Actor,
  existing: QuestionSessionRow | undefined,
  input: SessionForm,
  url?: (slug: string) => string,
): Promise<number> {
  const cityId = existing?.city_id ?? input.cityId;
  const errors = checkForm(SessionFormSchema, input as unknown as Record<string, unknown>);
  if (
    !errors.slug &&
    (await slugTaken(db, 'participation_question_sessions', input.slug, existing?.id, cityId))
  )
    errors.slug = SLUG_TAKEN;
  fail(errors);
  const [hh, mm] = input.heldTime.split(':').map(Number) as [number, number];
  const heldAt = new Date(berlinMidnight(input.heldOn).getTime() + (hh * 60 + mm) * 60_000);
  return db.transaction(async (tx) => {
    let id = existing?.id ?? 0;
    if (existing)
      await tx.execute(sql`UPDATE participation_question_sessions SET slug = ${input.slug},
            title = ${input.title}, held_at = ${heldAt}, state = ${input.state} WHERE id = ${existing.id}`);
    else
      id = (await one<{ id: number }>(
        tx,
        sql`INSERT INTO participation_question_sessions (city_id, slug, title, held_at, state)
              VALUES (${cityId}, ${input.slug}, ${input.title}, ${heldAt}, ${input.state}) RETURNING id`,
      ))!.id;
    await audit(tx, {
      actorId: actor.id,
      cityId,
      action: existing ? 'participation.session.edit' : 'participation.session.create',
      entityType: 'participation_question_session',
      entityId: String(id),
      details: { slug: input.slug, heldAt: heldAt.toISOString(), state: input.state },
    });
    if (existing) {
      const news = [
        existing.state !== input.state ? SESSION_STATE_NEWS[input.state] : '',
        new Date(existing.held_at).getTime() !== heldAt.getTime()
          ? `Neuer Termin: ${new Intl.DateTimeFormat('de-DE', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(heldAt)} Uhr.`
          : '',
      ].filter(Boolean);
      if (news.length)
        await notifySessionFollowers(tx, {
          session: { ...existing, title: input.title },
          text: news.join('\n'),
          url: url?.(input.slug),
          exceptUserId: actor.id,
        });
    }
    return id;
  });
}
