/**
 * Beteiligung: rules and transactions. The only file other modules may import: `listMeasures` (open
 * data catalog) and the generic comments (`listComments`, `commentCount`, `addComment` …) over a
 * target kind + id, so reports or news can carry the same discussion.
 */
import { createHash, randomBytes } from 'node:crypto';
import { audit } from '../../platform/audit/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { conflict, forbidden, HttpError, notFound, unprocessable } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/service.ts';
import { queueMail } from '../../platform/mail/service.ts';

// ---------------------------------------------------------------- measures

export const MEASURE_STATUSES = ['geplant', 'in_umsetzung', 'umgesetzt', 'pausiert'] as const;
export type MeasureStatus = (typeof MEASURE_STATUSES)[number];
export const MEASURE_STATUS_LABELS: Record<MeasureStatus, { de: string; en: string }> = {
  geplant: { de: 'geplant', en: 'planned' },
  in_umsetzung: { de: 'in Umsetzung', en: 'in progress' },
  umgesetzt: { de: 'umgesetzt', en: 'implemented' },
  pausiert: { de: 'pausiert', en: 'paused' },
};

export interface MeasureRow {
  id: number;
  city_id: number;
  city_ids: number[];
  slug: string;
  title: string;
  field_of_action: string;
  period_start: string;
  period_end: string;
  status: MeasureStatus;
  progress: number;
  summary: string;
  description: string;
  responsible_office: string;
  links: { label: string; href: string }[];
  likes: number;
  importants: number;
  comment_count: number;
  updated_at: Date;
}

const MEASURE_COLS = sql`id, city_id, city_ids, slug, title, field_of_action, period_start::text AS period_start,
  period_end::text AS period_end, status, progress, summary, description, responsible_office, links, likes,
  importants, comment_count, updated_at`;

export interface MeasureFilter {
  cityId?: number | undefined;
  field?: string | undefined;
  status?: string | undefined;
}

/** Measures a city takes part in (or all), newest period first; used by the open-data catalog. */
export async function listMeasures(db: Db, filter: MeasureFilter = {}): Promise<MeasureRow[]> {
  const conds = [sql`TRUE`];
  if (filter.cityId !== undefined) conds.push(sql`city_ids @> ARRAY[${filter.cityId}::int]`);
  if (filter.field) conds.push(sql`field_of_action = ${filter.field}`);
  if (filter.status) conds.push(sql`status = ${filter.status}`);
  return rows<MeasureRow>(
    db,
    sql`SELECT ${MEASURE_COLS} FROM participation_measures WHERE ${sql.join(conds, sql` AND `)}
        ORDER BY field_of_action, period_start, id`,
  );
}

export async function measureBySlug(db: Db, slug: string): Promise<MeasureRow | undefined> {
  return one<MeasureRow>(db, sql`SELECT ${MEASURE_COLS} FROM participation_measures WHERE slug = ${slug}`);
}

export async function measureById(db: Db, id: number): Promise<MeasureRow | undefined> {
  return one<MeasureRow>(db, sql`SELECT ${MEASURE_COLS} FROM participation_measures WHERE id = ${id}`);
}

export async function fieldsOfAction(db: Db, cityId?: number): Promise<string[]> {
  const r = await rows<{ f: string }>(
    db,
    sql`SELECT DISTINCT field_of_action AS f FROM participation_measures
        WHERE ${cityId === undefined ? sql`TRUE` : sql`city_ids @> ARRAY[${cityId}::int]`} ORDER BY 1`,
  );
  return r.map((x) => x.f);
}

export interface MilestoneRow {
  id: number;
  title: string;
  due_on: string;
  done_on: string | null;
}

export async function milestonesOf(db: Db, measureId: number): Promise<MilestoneRow[]> {
  return rows<MilestoneRow>(
    db,
    sql`SELECT id, title, due_on::text AS due_on, done_on::text AS done_on FROM participation_milestones
        WHERE measure_id = ${measureId} ORDER BY due_on, id`,
  );
}

export interface MeasureUpdateRow {
  id: number;
  at: Date;
  title: string;
  body: string;
}

export async function updatesOf(db: Db, measureId: number): Promise<MeasureUpdateRow[]> {
  return rows<MeasureUpdateRow>(
    db,
    sql`SELECT id, at, title, body FROM participation_measure_updates WHERE measure_id = ${measureId}
        ORDER BY at DESC, id DESC`,
  );
}

export interface DashboardRow {
  field_of_action: string;
  total: number;
  geplant: number;
  in_umsetzung: number;
  umgesetzt: number;
  pausiert: number;
  avg_progress: number;
}

/** Progress per field of action for the public dashboard. */
export async function measureDashboard(db: Db, cityId?: number): Promise<DashboardRow[]> {
  return rows<DashboardRow>(
    db,
    sql`SELECT field_of_action, count(*)::int AS total,
          count(*) FILTER (WHERE status = 'geplant')::int AS geplant,
          count(*) FILTER (WHERE status = 'in_umsetzung')::int AS in_umsetzung,
          count(*) FILTER (WHERE status = 'umgesetzt')::int AS umgesetzt,
          count(*) FILTER (WHERE status = 'pausiert')::int AS pausiert,
          round(avg(progress))::int AS avg_progress
        FROM participation_measures
        WHERE ${cityId === undefined ? sql`TRUE` : sql`city_ids @> ARRAY[${cityId}::int]`}
        GROUP BY field_of_action ORDER BY field_of_action`,
  );
}

export interface MeasureInput {
  cityId: number;
  cityIds: number[];
  slug: string;
  title: string;
  fieldOfAction: string;
  periodStart: string;
  periodEnd: string;
  status: MeasureStatus;
  progress: number;
  summary: string;
  description: string;
  responsibleOffice: string;
  links?: { label: string; href: string }[];
}

/** Creates or updates a measure by slug (seed and staff form); returns its id. */
export async function upsertMeasure(db: Db, m: MeasureInput): Promise<number> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO participation_measures (city_id, city_ids, slug, title, field_of_action, period_start,
          period_end, status, progress, summary, description, responsible_office, links)
        VALUES (${m.cityId}, ${sql.param(m.cityIds)}::int[], ${m.slug}, ${m.title}, ${m.fieldOfAction},
          ${m.periodStart}::date, ${m.periodEnd}::date, ${m.status}, ${m.progress}, ${m.summary},
          ${m.description}, ${m.responsibleOffice}, ${JSON.stringify(m.links ?? [])}::jsonb)
        ON CONFLICT (slug) DO UPDATE SET city_ids = EXCLUDED.city_ids, title = EXCLUDED.title,
          field_of_action = EXCLUDED.field_of_action, period_start = EXCLUDED.period_start,
          period_end = EXCLUDED.period_end, status = EXCLUDED.status, progress = EXCLUDED.progress,
          summary = EXCLUDED.summary, description = EXCLUDED.description,
          responsible_office = EXCLUDED.responsible_office, links = EXCLUDED.links, updated_at = now()
        RETURNING id`,
  );
  return r!.id;
}

/** Staff: new status/progress plus a public update in the timeline; followers hear about it. */
export async function postMeasureUpdate(
  db: Db,
  input: {
    measure: MeasureRow;
    actorId: string;
    status: string;
    progress: number;
    title: string;
    body: string;
    baseUrl: string;
  },
): Promise<void> {
  const errors: Record<string, string> = {};
  if (!(MEASURE_STATUSES as readonly string[]).includes(input.status))
    errors.status = 'Wählen Sie einen Status.';
  if (!Number.isInteger(input.progress) || input.progress < 0 || input.progress > 100)
    errors.progress = 'Der Fortschritt ist eine ganze Zahl von 0 bis 100.';
  if (input.title.trim().length < 2 || input.title.length > 200)
    errors.title = 'Geben Sie eine Überschrift mit 2 bis 200 Zeichen ein.';
  if (input.body.length > 5000) errors.body = 'Der Text darf höchstens 5.000 Zeichen lang sein.';
  if (Object.keys(errors).length) throw unprocessable('Bitte prüfen Sie Ihre Eingaben.', errors);
  await db.transaction(async (tx) => {
    await tx.execute(sql`UPDATE participation_measures SET status = ${input.status}, progress = ${input.progress},
      updated_at = now() WHERE id = ${input.measure.id}`);
    await tx.execute(sql`INSERT INTO participation_measure_updates (measure_id, title, body, author_id)
      VALUES (${input.measure.id}, ${input.title.trim()}, ${input.body.trim()}, ${input.actorId})`);
    await audit(tx, {
      actorId: input.actorId,
      cityId: input.measure.city_id,
      action: 'participation.measure.update',
      entityType: 'participation_measure',
      entityId: String(input.measure.id),
      details: { status: input.status, progress: input.progress },
    });
    await notifyFollowers(tx, {
      targetKind: 'measure',
      targetId: input.measure.id,
      scope: `measure:${input.measure.id}`,
      exceptUserId: input.actorId,
      subject: `Neuigkeit zur Maßnahme „${input.measure.title}“`,
      text: `${input.title.trim()}\n\n${input.body.trim()}\n\n${input.baseUrl}/massnahmen/${input.measure.slug}`,
    });
  });
}

// ---------------------------------------------------------------- reactions and follows

export type TargetKind = 'measure' | 'idea' | 'question';
export type ReactionKind = 'like' | 'important' | 'support';

const COUNTER: Record<string, { table: string; column: string }> = {
  'measure:like': { table: 'participation_measures', column: 'likes' },
  'measure:important': { table: 'participation_measures', column: 'importants' },
  'idea:support': { table: 'participation_ideas', column: 'supports' },
  'question:support': { table: 'participation_questions', column: 'supports' },
};

/**
 * Sets or clears one person's reaction. The primary key makes a second insert a no-op even under
 * parallel requests; the counter changes only when a row was really inserted or deleted.
 */
export async function setReaction(
  db: Db,
  r: { targetKind: TargetKind; targetId: number; userId: string; kind: ReactionKind; on: boolean },
): Promise<{ count: number; changed: boolean }> {
  const counter = COUNTER[`${r.targetKind}:${r.kind}`];
  if (!counter) throw unprocessable('Diese Reaktion gibt es hier nicht.');
  const table = sql.raw(counter.table);
  const column = sql.raw(counter.column);
  return db.transaction(async (tx) => {
    const changed = r.on
      ? await one<{ x: number }>(
          tx,
          sql`INSERT INTO participation_reactions (target_kind, target_id, user_id, kind)
              VALUES (${r.targetKind}, ${r.targetId}, ${r.userId}, ${r.kind}) ON CONFLICT DO NOTHING RETURNING 1 AS x`,
        )
      : await one<{ x: number }>(
          tx,
          sql`DELETE FROM participation_reactions WHERE target_kind = ${r.targetKind} AND target_id = ${r.targetId}
              AND user_id = ${r.userId} AND kind = ${r.kind} RETURNING 1 AS x`,
        );
    const delta = changed ? (r.on ? 1 : -1) : 0;
    const row = await one<{ n: number }>(
      tx,
      sql`UPDATE ${table} SET ${column} = ${column} + ${delta} WHERE id = ${r.targetId} RETURNING ${column} AS n`,
    );
    if (!row) throw notFound();
    return { count: row.n, changed: Boolean(changed) };
  });
}

/** The reactions a person has given to some targets: "kind:id" strings. */
export async function myReactions(
  db: Db,
  userId: string | undefined,
  targetKind: TargetKind,
  ids: number[],
): Promise<Set<string>> {
  if (!userId || ids.length === 0) return new Set();
  const r = await rows<{ kind: string; target_id: string }>(
    db,
    sql`SELECT kind, target_id::text FROM participation_reactions WHERE user_id = ${userId}
        AND target_kind = ${targetKind} AND target_id = ANY(${sql.param(ids)}::bigint[])`,
  );
  return new Set(r.map((x) => `${x.kind}:${x.target_id}`));
}

export type FollowKind = 'measure' | 'idea' | 'process' | 'question_session';

export async function setFollow(
  db: Db,
  f: { userId: string; targetKind: FollowKind; targetId: number; on: boolean },
): Promise<void> {
  if (f.on)
    await db.execute(sql`INSERT INTO participation_follows (user_id, target_kind, target_id)
      VALUES (${f.userId}, ${f.targetKind}, ${f.targetId}) ON CONFLICT DO NOTHING`);
  else
    await db.execute(sql`DELETE FROM participation_follows WHERE user_id = ${f.userId}
      AND target_kind = ${f.targetKind} AND target_id = ${f.targetId}`);
}

export async function isFollowing(
  db: Db,
  userId: string | undefined,
  targetKind: FollowKind,
  targetId: number,
): Promise<boolean> {
  if (!userId) return false;
  return Boolean(
    await one(
      db,
      sql`SELECT 1 FROM participation_follows WHERE user_id = ${userId} AND target_kind = ${targetKind}
          AND target_id = ${targetId}`,
    ),
  );
}

// ---------------------------------------------------------------- notifications

export const NOTIFY_QUEUE = 'participation.notify';

export const NOTIFY_MODES = ['instant', 'digest', 'off'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** Settings row of a person, created on first use with a fresh unsubscribe token. */
export async function notificationSettings(
  db: Db,
  userId: string,
): Promise<{ mode: NotifyMode; unsubscribe_token: string }> {
  await db.execute(sql`INSERT INTO participation_notification_settings (user_id, unsubscribe_token)
    VALUES (${userId}, ${randomBytes(24).toString('base64url')}) ON CONFLICT (user_id) DO NOTHING`);
  return (await one<{ mode: NotifyMode; unsubscribe_token: string }>(
    db,
    sql`SELECT mode, unsubscribe_token FROM participation_notification_settings WHERE user_id = ${userId}`,
  ))!;
}

export async function setNotificationMode(db: Db, userId: string, mode: NotifyMode): Promise<void> {
  if (!NOTIFY_MODES.includes(mode)) throw unprocessable('Unbekannte Einstellung.');
  await notificationSettings(db, userId);
  await db.execute(
    sql`UPDATE participation_notification_settings SET mode = ${mode} WHERE user_id = ${userId}`,
  );
}

/** The unsubscribe link in every mail: switches all participation mail off, no login needed. */
export async function unsubscribe(db: Db, token: string): Promise<boolean> {
  const r = await one(
    db,
    sql`UPDATE participation_notification_settings SET mode = 'off' WHERE unsubscribe_token = ${token}
        RETURNING 1 AS x`,
  );
  if (r) {
    await db.execute(sql`UPDATE participation_notifications SET sent_at = now()
      WHERE sent_at IS NULL AND user_id = (SELECT user_id FROM participation_notification_settings
        WHERE unsubscribe_token = ${token})`);
  }
  return Boolean(r);
}

/** Queues an event for every follower of a target (in the caller's transaction). */
export async function notifyFollowers(
  db: Db,
  e: {
    targetKind: FollowKind;
    targetId: number;
    scope: string;
    exceptUserId?: string | undefined;
    subject: string;
    text: string;
  },
): Promise<number> {
  const r = await rows(
    db,
    sql`INSERT INTO participation_notifications (user_id, scope, subject, text_body)
        SELECT f.user_id, ${e.scope}, ${e.subject}, ${e.text} FROM participation_follows f
        LEFT JOIN participation_notification_settings s ON s.user_id = f.user_id
        WHERE f.target_kind = ${e.targetKind} AND f.target_id = ${e.targetId}
          AND f.user_id IS DISTINCT FROM ${e.exceptUserId ?? null}::uuid AND coalesce(s.mode, 'instant') <> 'off'
        RETURNING id`,
  );
  // Wake the sender (one pending job at most); the hourly and daily limits are applied there.
  if (r.length) await enqueue(db, NOTIFY_QUEUE, {}, { dedupeKey: 'deliver' });
  return r.length;
}

/**
 * Turns pending events into mails. Instant: one mail per person and scope, at most one per hour
 * (events in between are collected into the next mail). Digest: one mail per person per day with
 * everything. Every mail carries the unsubscribe link. Returns the number of mails queued.
 */
export async function deliverNotifications(db: Db, baseUrl: string, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    // People who follow something but never opened their settings get the default (instant) and an
    // unsubscribe token here; without a settings row the join below would skip them silently.
    await tx.execute(sql`INSERT INTO participation_notification_settings (user_id, unsubscribe_token)
      SELECT DISTINCT n.user_id, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
      FROM participation_notifications n WHERE n.sent_at IS NULL
      ON CONFLICT (user_id) DO NOTHING`);
    const pending = await rows<{
      id: string;
      user_id: string;
      scope: string;
      subject: string;
      text_body: string;
      email: string;
      mode: NotifyMode;
      token: string;
      last_scope: Date | null;
      last_digest: Date | null;
    }>(
      tx,
      sql`SELECT n.id::text, n.user_id, n.scope, n.subject, n.text_body, u.email, s.mode,
            s.unsubscribe_token AS token, ml.sent_at AS last_scope, md.sent_at AS last_digest
          FROM participation_notifications n
          JOIN users u ON u.id = n.user_id AND u.disabled_at IS NULL
          JOIN participation_notification_settings s ON s.user_id = n.user_id
          LEFT JOIN participation_mail_log ml ON ml.user_id = n.user_id AND ml.scope = n.scope
          LEFT JOIN participation_mail_log md ON md.user_id = n.user_id AND md.scope = 'digest'
          WHERE n.sent_at IS NULL ORDER BY n.id
          FOR UPDATE OF n SKIP LOCKED`,
    );
    const hourAgo = now.getTime() - 3_600_000;
    const dayAgo = now.getTime() - 86_400_000;
    const groups = new Map<string, typeof pending>();
    for (const p of pending) {
      if (p.mode === 'off') continue;
      const key = p.mode === 'digest' ? `${p.user_id}|digest` : `${p.user_id}|${p.scope}`;
      const last = p.mode === 'digest' ? p.last_digest : p.last_scope;
      const limit = p.mode === 'digest' ? dayAgo : hourAgo;
      if (last && new Date(last).getTime() > limit) continue;
      // Push, not spread: a backlog of thousands of events must not turn quadratic.
      const group = groups.get(key);
      if (group) group.push(p);
      else groups.set(key, [p]);
    }
    let mails = 0;
    for (const [key, items] of groups) {
      const first = items[0]!;
      const scope = key.split('|')[1]!;
      const subject =
        items.length === 1
          ? first.subject
          : scope === 'digest'
            ? `Ihre tägliche Zusammenfassung: ${items.length} Neuigkeiten`
            : `${items.length} Neuigkeiten: ${first.subject}`;
      const text = `${items.map((i) => `${i.subject}\n${i.text_body}`).join('\n\n---\n\n')}

Sie erhalten diese E-Mail, weil Sie Beiträgen auf der Stadtplattform folgen.
Einstellungen: ${baseUrl}/beteiligung/benachrichtigungen
Abmelden: ${baseUrl}/beteiligung/abmelden/${first.token}`;
      await queueMail(tx, { to: first.email, subject, text, purpose: 'participation_notification' });
      await tx.execute(sql`UPDATE participation_notifications SET sent_at = ${now}
        WHERE id = ANY(${sql.param(items.map((i) => i.id))}::bigint[])`);
      await tx.execute(sql`INSERT INTO participation_mail_log (user_id, scope, sent_at)
        VALUES (${first.user_id}, ${scope}, ${now})
        ON CONFLICT (user_id, scope) DO UPDATE SET sent_at = EXCLUDED.sent_at`);
      mails++;
    }
    return mails;
  });
}

// ---------------------------------------------------------------- comments

export const COMMENT_EDIT_MINUTES = 15;
export const COMMENT_MAX_DEPTH = 2; // 0, 1, 2: three levels
/** Spam defences: comments per person in 10 minutes; links allowed for accounts younger than a week. */
export const COMMENT_RATE = { count: 5, minutes: 10 };
export const NEW_ACCOUNT_DAYS = 7;
export const NEW_ACCOUNT_MAX_LINKS = 0;
export const MAX_LINKS = 3;

/** Target kinds whose row keeps a comment counter. */
const COMMENT_COUNTERS: Record<string, string> = {
  measure: 'participation_measures',
  idea: 'participation_ideas',
};

/** What the comment routes need to know about an item of another module. */
export interface CommentTargetInfo {
  /** The city whose moderators look after the discussion. */
  cityId: number;
}
type CommentTargetResolver = (db: Db, id: number) => Promise<CommentTargetInfo | undefined>;
const commentTargets = new Map<string, CommentTargetResolver>();

/**
 * Lets another module open its items for comments (e.g. reports): the resolver answers the city of
 * an item that may be discussed publicly, or undefined (404) for one that may not.
 */
export function registerCommentTarget(kind: string, resolve: CommentTargetResolver): void {
  if (!/^[a-z_]{2,30}$/.test(kind) || kind === 'measure' || kind === 'idea')
    throw new Error(`invalid comment target kind ${kind}`);
  commentTargets.set(kind, resolve);
}

export function commentTargetResolver(kind: string): CommentTargetResolver | undefined {
  return commentTargets.get(kind);
}

export interface CommentRow {
  id: number;
  parent_id: number | null;
  depth: number;
  author_id: string | null;
  author_name: string | null;
  body: string;
  status: 'visible' | 'pending' | 'hidden' | 'deleted';
  hidden_reason: string | null;
  official: boolean;
  ups: number;
  downs: number;
  flag_count: number;
  created_at: Date;
  edited_at: Date | null;
}

export interface CommentNode extends CommentRow {
  replies: CommentNode[];
  /** The viewer's vote: 1, -1 or 0. */
  myVote: number;
  /** The text is shown (visible, or the viewer's own pending one, or staff view). */
  showBody: boolean;
}

export interface CommentViewer {
  userId?: string | undefined;
  /** Moderators see pending and hidden texts. */
  moderator?: boolean;
}

const countLinks = (text: string) => (text.match(/https?:\/\/|www\./gi) ?? []).length;

/**
 * A discussion as a tree, oldest first. Hidden comments keep their place with the moderator's reason;
 * pending ones show only to their author and to moderators; deleted ones show only when they have
 * replies.
 */
export async function listComments(
  db: Db,
  targetKind: string,
  targetId: number,
  viewer: CommentViewer = {},
): Promise<CommentNode[]> {
  const all = await rows<CommentRow>(
    db,
    sql`SELECT c.id::int, c.parent_id::int, c.depth, c.author_id, u.display_name AS author_name, c.body, c.status,
          c.hidden_reason, c.official, c.ups, c.downs, c.flag_count, c.created_at, c.edited_at
        FROM participation_comments c LEFT JOIN users u ON u.id = c.author_id
        WHERE c.target_kind = ${targetKind} AND c.target_id = ${targetId}
        ORDER BY c.id LIMIT 2000`,
  );
  const votes = viewer.userId
    ? await rows<{ comment_id: number; value: number }>(
        db,
        sql`SELECT v.comment_id::int, v.value FROM participation_comment_votes v
            JOIN participation_comments c ON c.id = v.comment_id
            WHERE v.user_id = ${viewer.userId} AND c.target_kind = ${targetKind} AND c.target_id = ${targetId}`,
      )
    : [];
  const voteOf = new Map(votes.map((v) => [v.comment_id, v.value]));
  const byId = new Map<number, CommentNode>();
  const roots: CommentNode[] = [];
  for (const c of all) {
    const own = viewer.userId !== undefined && c.author_id === viewer.userId;
    if (c.status === 'pending' && !own && !viewer.moderator) continue;
    const node: CommentNode = {
      ...c,
      replies: [],
      myVote: voteOf.get(c.id) ?? 0,
      showBody: c.status === 'visible' || (c.status === 'pending' && (own || Boolean(viewer.moderator))),
    };
    if (!node.showBody && c.status !== 'pending') node.body = '';
    byId.set(c.id, node);
    const parent = c.parent_id === null ? undefined : byId.get(c.parent_id);
    if (c.parent_id === null) roots.push(node);
    else if (parent) parent.replies.push(node);
  }
  // A deleted comment without replies leaves no trace.
  const prune = (list: CommentNode[]): CommentNode[] =>
    list
      .map((n) => ({ ...n, replies: prune(n.replies) }))
      .filter((n) => n.status !== 'deleted' || n.replies.length > 0);
  return prune(roots);
}

/** Public (visible) comments of a target. */
export async function commentCount(db: Db, targetKind: string, targetId: number): Promise<number> {
  const r = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participation_comments WHERE target_kind = ${targetKind}
        AND target_id = ${targetId} AND status = 'visible'`,
  );
  return r?.n ?? 0;
}

async function bumpCommentCounter(db: Db, targetKind: string, targetId: number, delta: number) {
  const table = COMMENT_COUNTERS[targetKind];
  if (!table || delta === 0) return;
  await db.execute(
    sql`UPDATE ${sql.raw(table)} SET comment_count = greatest(comment_count + ${delta}, 0) WHERE id = ${targetId}`,
  );
}

export interface NewComment {
  targetKind: string;
  targetId: number;
  cityId: number;
  parentId?: number | undefined;
  authorId: string;
  body: string;
  /** Pre-moderation of the process: the comment waits for a moderator. */
  premoderated?: boolean;
  /** Staff answering in their role: marked as official answer. */
  official?: boolean;
  /** Follow kind to notify (e.g. the measure's followers); omitted: nobody. */
  notify?: { targetKind: FollowKind; targetId: number; scope: string; subject: string; url: string };
  now?: Date;
}

export async function addComment(db: Db, c: NewComment): Promise<{ id: number; status: string }> {
  const body = c.body.trim();
  if (body.length < 2)
    throw unprocessable('Bitte schreiben Sie einen Kommentar.', {
      body: 'Bitte schreiben Sie einen Kommentar.',
    });
  if (body.length > 4000)
    throw unprocessable('Der Kommentar ist zu lang.', {
      body: 'Ein Kommentar darf höchstens 4.000 Zeichen lang sein.',
    });
  const now = c.now ?? new Date();
  return db.transaction(async (tx) => {
    const author = await one<{ created_at: Date; recent: number }>(
      tx,
      sql`SELECT u.created_at, (SELECT count(*)::int FROM participation_comments
            WHERE author_id = u.id AND created_at > ${now}::timestamptz - make_interval(mins => ${COMMENT_RATE.minutes})) AS recent
          FROM users u WHERE u.id = ${c.authorId} FOR UPDATE`,
    );
    if (!author) throw new HttpError(401, 'Bitte melden Sie sich an.');
    if (author.recent >= COMMENT_RATE.count && !c.official)
      throw new HttpError(
        429,
        `Sie haben in den letzten ${COMMENT_RATE.minutes} Minuten schon ${COMMENT_RATE.count} Kommentare geschrieben. Bitte warten Sie etwas.`,
      );
    const isNew = now.getTime() - new Date(author.created_at).getTime() < NEW_ACCOUNT_DAYS * 86_400_000;
    const links = countLinks(body);
    const maxLinks = isNew && !c.official ? NEW_ACCOUNT_MAX_LINKS : MAX_LINKS;
    if (links > maxLinks) {
      const msg = isNew
        ? `Neue Konten (jünger als ${NEW_ACCOUNT_DAYS} Tage) dürfen noch keine Links in Kommentare schreiben.`
        : `Ein Kommentar darf höchstens ${MAX_LINKS} Links enthalten.`;
      throw unprocessable(msg, { body: msg });
    }
    let depth = 0;
    if (c.parentId !== undefined) {
      const parent = await one<{ depth: number; status: string }>(
        tx,
        sql`SELECT depth, status FROM participation_comments WHERE id = ${c.parentId}
            AND target_kind = ${c.targetKind} AND target_id = ${c.targetId}`,
      );
      if (parent?.status !== 'visible') throw notFound('Diesen Kommentar gibt es nicht (mehr).');
      if (parent.depth >= COMMENT_MAX_DEPTH)
        throw unprocessable('Auf diese Antwort kann nicht weiter geantwortet werden.');
      depth = parent.depth + 1;
    }
    const status = c.premoderated && !c.official ? 'pending' : 'visible';
    const r = await one<{ id: number }>(
      tx,
      sql`INSERT INTO participation_comments (target_kind, target_id, city_id, parent_id, depth, author_id, body,
            status, official, created_at)
          VALUES (${c.targetKind}, ${c.targetId}, ${c.cityId}, ${c.parentId ?? null}, ${depth}, ${c.authorId}, ${body},
            ${status}, ${Boolean(c.official)}, ${now})
          RETURNING id::int`,
    );
    if (status === 'visible') {
      await bumpCommentCounter(tx, c.targetKind, c.targetId, 1);
      if (c.notify)
        await notifyFollowers(tx, {
          ...c.notify,
          exceptUserId: c.authorId,
          subject: `Neuer Kommentar: ${c.notify.subject}`,
          text: `${body.slice(0, 500)}\n\n${c.notify.url}`,
        });
    }
    return { id: r!.id, status };
  });
}

export async function commentById(
  db: Db,
  id: number,
): Promise<(CommentRow & { target_kind: string; target_id: number; city_id: number }) | undefined> {
  return one(
    db,
    sql`SELECT c.id::int, c.parent_id::int, c.depth, c.author_id, u.display_name AS author_name, c.body, c.status,
          c.hidden_reason, c.official, c.ups, c.downs, c.flag_count, c.created_at, c.edited_at, c.target_kind,
          c.target_id::int, c.city_id
        FROM participation_comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.id = ${id}`,
  );
}

/** Authors may edit their visible or pending comment within 15 minutes. */
export async function editComment(
  db: Db,
  e: { id: number; userId: string; body: string; now?: Date },
): Promise<void> {
  const now = e.now ?? new Date();
  const c = await commentById(db, e.id);
  if (!c || c.status === 'deleted' || c.status === 'hidden')
    throw notFound('Diesen Kommentar gibt es nicht (mehr).');
  if (c.author_id !== e.userId)
    throw forbidden('Nur die Person, die ihn geschrieben hat, kann den Kommentar ändern.');
  if (now.getTime() - new Date(c.created_at).getTime() > COMMENT_EDIT_MINUTES * 60_000)
    throw new HttpError(
      409,
      `Kommentare können nur in den ersten ${COMMENT_EDIT_MINUTES} Minuten geändert werden.`,
    );
  const body = e.body.trim();
  if (body.length < 2 || body.length > 4000)
    throw unprocessable('Bitte prüfen Sie den Text.', { body: 'Ein Kommentar hat 2 bis 4.000 Zeichen.' });
  const author = await one<{ created_at: Date }>(
    db,
    sql`SELECT created_at FROM users WHERE id = ${e.userId}`,
  );
  const isNew =
    author && now.getTime() - new Date(author.created_at).getTime() < NEW_ACCOUNT_DAYS * 86_400_000;
  if (countLinks(body) > (isNew ? NEW_ACCOUNT_MAX_LINKS : MAX_LINKS))
    throw unprocessable('Zu viele Links.', { body: 'Dieser Kommentar enthält zu viele Links.' });
  await db.execute(
    sql`UPDATE participation_comments SET body = ${body}, edited_at = ${now} WHERE id = ${e.id}`,
  );
}

/** Authors delete their own comment: the text goes, replies stay. */
export async function deleteComment(db: Db, d: { id: number; userId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const c = await one<{ author_id: string | null; status: string; target_kind: string; target_id: number }>(
      tx,
      sql`SELECT author_id, status, target_kind, target_id::int FROM participation_comments WHERE id = ${d.id} FOR UPDATE`,
    );
    if (!c || c.status === 'deleted') throw notFound('Diesen Kommentar gibt es nicht (mehr).');
    if (c.author_id !== d.userId) throw forbidden('Sie können nur Ihre eigenen Kommentare löschen.');
    await tx.execute(
      sql`UPDATE participation_comments SET status = 'deleted', body = '–' WHERE id = ${d.id}`,
    );
    if (c.status === 'visible') await bumpCommentCounter(tx, c.target_kind, c.target_id, -1);
  });
}

/** Up (1), down (-1) or withdraw (0); one vote per person, changes adjust both counters. */
export async function voteComment(
  db: Db,
  v: { id: number; userId: string; value: -1 | 0 | 1 },
): Promise<{ ups: number; downs: number }> {
  return db.transaction(async (tx) => {
    const c = await one<{ status: string; author_id: string | null }>(
      tx,
      sql`SELECT status, author_id FROM participation_comments WHERE id = ${v.id} FOR UPDATE`,
    );
    if (c?.status !== 'visible') throw notFound('Diesen Kommentar gibt es nicht (mehr).');
    if (c.author_id === v.userId) throw unprocessable('Eigene Kommentare kann man nicht bewerten.');
    const old = await one<{ value: number }>(
      tx,
      sql`SELECT value FROM participation_comment_votes WHERE comment_id = ${v.id} AND user_id = ${v.userId}`,
    );
    const before = old?.value ?? 0;
    if (v.value === 0)
      await tx.execute(
        sql`DELETE FROM participation_comment_votes WHERE comment_id = ${v.id} AND user_id = ${v.userId}`,
      );
    else
      await tx.execute(sql`INSERT INTO participation_comment_votes (comment_id, user_id, value)
        VALUES (${v.id}, ${v.userId}, ${v.value}) ON CONFLICT (comment_id, user_id) DO UPDATE SET value = EXCLUDED.value`);
    const up = (v.value === 1 ? 1 : 0) - (before === 1 ? 1 : 0);
    const down = (v.value === -1 ? 1 : 0) - (before === -1 ? 1 : 0);
    return (await one<{ ups: number; downs: number }>(
      tx,
      sql`UPDATE participation_comments SET ups = ups + ${up}, downs = downs + ${down} WHERE id = ${v.id}
          RETURNING ups, downs`,
    ))!;
  });
}

/** Anyone signed in may flag a comment once; it then appears in the moderation queue. */
export async function flagComment(db: Db, f: { id: number; userId: string; reason: string }): Promise<void> {
  if (f.reason.length > 500)
    throw unprocessable('Der Grund ist zu lang.', { reason: 'Höchstens 500 Zeichen.' });
  await db.transaction(async (tx) => {
    const c = await one<{ status: string }>(
      tx,
      sql`SELECT status FROM participation_comments WHERE id = ${f.id} FOR UPDATE`,
    );
    if (c?.status !== 'visible') throw notFound('Diesen Kommentar gibt es nicht (mehr).');
    const r = await one(
      tx,
      sql`INSERT INTO participation_comment_flags (comment_id, user_id, reason)
          VALUES (${f.id}, ${f.userId}, ${f.reason.trim()}) ON CONFLICT DO NOTHING RETURNING 1 AS x`,
    );
    if (r)
      await tx.execute(sql`UPDATE participation_comments SET flag_count = flag_count + 1 WHERE id = ${f.id}`);
  });
}

export interface QueueRow {
  id: number;
  city_id: number;
  target_kind: string;
  target_id: number;
  body: string;
  status: string;
  flag_count: number;
  author_name: string | null;
  created_at: Date;
  reasons: string[];
}

/** Pending and flagged comments of the cities a moderator looks after. */
export async function moderationQueue(db: Db, cityIds: number[] | 'all'): Promise<QueueRow[]> {
  const cityFilter =
    cityIds === 'all'
      ? sql`TRUE`
      : sql`c.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  return rows<QueueRow>(
    db,
    sql`SELECT c.id::int, c.city_id, c.target_kind, c.target_id::int, c.body, c.status, c.flag_count,
          u.display_name AS author_name, c.created_at,
          coalesce((SELECT array_agg(f.reason) FILTER (WHERE f.reason <> '') FROM participation_comment_flags f
            WHERE f.comment_id = c.id), '{}') AS reasons
        FROM participation_comments c LEFT JOIN users u ON u.id = c.author_id
        WHERE (c.status = 'pending' OR (c.flag_count > 0 AND c.status = 'visible')) AND ${cityFilter}
        ORDER BY c.id LIMIT 200`,
  );
}

export const MODERATION_ACTIONS = ['approve', 'hide', 'dismiss', 'restore'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/**
 * Moderators approve pending comments, hide comments with a reason everyone sees, dismiss flags or
 * restore a hidden comment. Audited.
 */
export async function moderateComment(
  db: Db,
  m: {
    id: number;
    actorId: string;
    action: ModerationAction;
    reason?: string;
    cityAllowed: (cityId: number) => boolean;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    const c = await one<{ status: string; city_id: number; target_kind: string; target_id: number }>(
      tx,
      sql`SELECT status, city_id, target_kind, target_id::int FROM participation_comments WHERE id = ${m.id} FOR UPDATE`,
    );
    if (!c || c.status === 'deleted') throw notFound('Diesen Kommentar gibt es nicht (mehr).');
    if (!m.cityAllowed(c.city_id)) throw forbidden();
    const reason = (m.reason ?? '').trim();
    let next = c.status;
    if (m.action === 'approve') next = 'visible';
    if (m.action === 'restore') next = 'visible';
    if (m.action === 'hide') {
      if (reason.length < 3)
        throw unprocessable('Bitte geben Sie einen Grund an.', {
          reason: 'Der Grund wird öffentlich angezeigt und braucht mindestens 3 Zeichen.',
        });
      next = 'hidden';
    }
    await tx.execute(sql`UPDATE participation_comments SET status = ${next},
        hidden_reason = ${next === 'hidden' ? reason.slice(0, 300) : null}, flag_count = 0 WHERE id = ${m.id}`);
    await tx.execute(sql`DELETE FROM participation_comment_flags WHERE comment_id = ${m.id}`);
    const delta = (next === 'visible' ? 1 : 0) - (c.status === 'visible' ? 1 : 0);
    await bumpCommentCounter(tx, c.target_kind, c.target_id, delta);
    await audit(tx, {
      actorId: m.actorId,
      cityId: c.city_id,
      action: `participation.comment.${m.action}`,
      entityType: 'participation_comment',
      entityId: String(m.id),
      details: reason ? { reason } : {},
    });
  });
}

// ---------------------------------------------------------------- processes, phases, ideas

export const PHASE_KINDS = ['collect', 'discuss', 'rate', 'result'] as const;
export type PhaseKind = (typeof PHASE_KINDS)[number];
export const PHASE_LABELS: Record<PhaseKind, { de: string; en: string }> = {
  collect: { de: 'Ideen sammeln', en: 'Collecting ideas' },
  discuss: { de: 'Diskutieren', en: 'Discussion' },
  rate: { de: 'Bewerten', en: 'Rating' },
  result: { de: 'Ergebnis', en: 'Result' },
};
export type IdeaAction = 'submit' | 'comment' | 'support';
/** Which actions each phase allows. */
export const PHASE_RULES: Record<PhaseKind, IdeaAction[]> = {
  collect: ['submit', 'comment'],
  discuss: ['comment'],
  rate: ['support', 'comment'],
  result: [],
};
const ACTION_PHASE: Record<IdeaAction, string> = {
  submit: '„Ideen sammeln“',
  comment: '„Ideen sammeln“, „Diskutieren“ oder „Bewerten“',
  support: '„Bewerten“',
};
const ACTION_VERB: Record<IdeaAction, string> = {
  submit: 'Ideen einreichen',
  comment: 'Kommentieren',
  support: 'Unterstützen',
};

export const IDEA_STATUSES = ['eingereicht', 'in_pruefung', 'angenommen', 'abgelehnt'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];
export const IDEA_STATUS_LABELS: Record<IdeaStatus, { de: string; en: string }> = {
  eingereicht: { de: 'eingereicht', en: 'submitted' },
  in_pruefung: { de: 'in Prüfung', en: 'under review' },
  angenommen: { de: 'angenommen', en: 'accepted' },
  abgelehnt: { de: 'abgelehnt', en: 'rejected' },
};

export interface ProcessRow {
  id: number;
  city_id: number;
  slug: string;
  title: string;
  description: string;
  categories: string[];
  premoderation: boolean;
}

export interface PhaseRow {
  id: number;
  kind: PhaseKind;
  title: string;
  starts_at: Date;
  ends_at: Date;
}

const PROCESS_COLS = sql`id, city_id, slug, title, description, categories, premoderation`;

export async function listProcesses(db: Db, cityId: number): Promise<(ProcessRow & { ideas: number })[]> {
  return rows(
    db,
    sql`SELECT p.id, p.city_id, p.slug, p.title, p.description, p.categories, p.premoderation,
          (SELECT count(*)::int FROM participation_ideas i WHERE i.process_id = p.id AND i.visible) AS ideas
        FROM participation_processes p WHERE p.city_id = ${cityId} ORDER BY p.id DESC`,
  );
}

export async function processBySlug(db: Db, cityId: number, slug: string): Promise<ProcessRow | undefined> {
  return one<ProcessRow>(
    db,
    sql`SELECT ${PROCESS_COLS} FROM participation_processes WHERE city_id = ${cityId} AND slug = ${slug}`,
  );
}

export async function processById(db: Db, id: number): Promise<ProcessRow | undefined> {
  return one<ProcessRow>(db, sql`SELECT ${PROCESS_COLS} FROM participation_processes WHERE id = ${id}`);
}

export async function phasesOf(db: Db, processId: number): Promise<PhaseRow[]> {
  return rows<PhaseRow>(
    db,
    sql`SELECT id, kind, title, starts_at, ends_at FROM participation_phases WHERE process_id = ${processId}
        ORDER BY starts_at`,
  );
}

export function currentPhase(phases: PhaseRow[], now = new Date()): PhaseRow | undefined {
  const t = now.getTime();
  return phases.find((p) => new Date(p.starts_at).getTime() <= t && t < new Date(p.ends_at).getTime());
}

const dateDe = (d: Date) =>
  new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'Europe/Berlin' }).format(new Date(d));

/** Throws a 409 that says when the action is possible, if the current phase does not allow it. */
export function assertPhaseAllows(phases: PhaseRow[], action: IdeaAction, now = new Date()): void {
  const phase = currentPhase(phases, now);
  if (phase && PHASE_RULES[phase.kind].includes(action)) return;
  const next = phases.find(
    (p) => PHASE_RULES[p.kind].includes(action) && new Date(p.starts_at).getTime() > now.getTime(),
  );
  const when = next
    ? ` Das ist wieder möglich ab ${dateDe(next.starts_at)} (Phase „${next.title}“).`
    : ' In diesem Verfahren ist das nicht mehr möglich.';
  throw new HttpError(
    409,
    `${ACTION_VERB[action]} ist nur in der Phase ${ACTION_PHASE[action]} möglich; jetzt ist ${
      phase ? `die Phase „${phase.title}“` : 'keine Phase aktiv'
    }.${when}`,
  );
}

export interface ProcessInput {
  cityId: number;
  slug: string;
  title: string;
  description: string;
  categories: string[];
  premoderation: boolean;
  phases: { kind: PhaseKind; title: string; startsAt: Date; endsAt: Date }[];
}

/** Creates or replaces a process with its phases (seed and tests). */
export async function upsertProcess(db: Db, p: ProcessInput): Promise<number> {
  return db.transaction(async (tx) => {
    const r = await one<{ id: number }>(
      tx,
      sql`INSERT INTO participation_processes (city_id, slug, title, description, categories, premoderation)
          VALUES (${p.cityId}, ${p.slug}, ${p.title}, ${p.description}, ${sql.param(p.categories)}::text[], ${p.premoderation})
          ON CONFLICT (city_id, slug) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description,
            categories = EXCLUDED.categories, premoderation = EXCLUDED.premoderation
          RETURNING id`,
    );
    await tx.execute(sql`DELETE FROM participation_phases WHERE process_id = ${r!.id}`);
    for (const ph of p.phases)
      await tx.execute(sql`INSERT INTO participation_phases (process_id, kind, title, starts_at, ends_at)
        VALUES (${r!.id}, ${ph.kind}, ${ph.title}, ${ph.startsAt}, ${ph.endsAt})`);
    return r!.id;
  });
}

export const IDEA_SORTS = ['neu', 'unterstuetzt', 'zufall'] as const;
export type IdeaSort = (typeof IDEA_SORTS)[number];

export interface IdeaListRow {
  id: number;
  title: string;
  excerpt: string;
  category: string;
  status: IdeaStatus;
  supports: number;
  comment_count: number;
  created_at: Date;
  lon: number | null;
  lat: number | null;
}

/**
 * One page of a process's ideas. "zufall" is a stable shuffle per seed (so paging does not repeat
 * ideas): a multiplicative hash of the id, cheap enough for thousands of rows.
 */
export async function listIdeas(
  db: Db,
  q: { processId: number; sort: IdeaSort; category?: string; limit: number; offset: number; seed?: number },
): Promise<IdeaListRow[]> {
  // Two steps: pick the page's ids on narrow rows (the index for "neu" and "unterstuetzt", a hash of
  // the id for "zufall"), then read the 20 full rows. Ordering by the table's columns (not the
  // id::int output alias) is what lets PostgreSQL walk the index instead of sorting every idea.
  const order =
    q.sort === 'unterstuetzt'
      ? sql`i.supports DESC, i.id DESC`
      : q.sort === 'zufall'
        ? sql`((i.id * 2654435761 + ${q.seed ?? 1}::bigint) % 4294967291), i.id`
        : sql`i.id DESC`;
  return rows<IdeaListRow>(
    db,
    sql`WITH page AS (
          SELECT i.id FROM participation_ideas i WHERE i.process_id = ${q.processId} AND i.visible
            ${q.category ? sql`AND i.category = ${q.category}` : sql``}
          ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset})
        SELECT i.id::int AS id, i.title, left(i.body, 220) AS excerpt, i.category, i.status, i.supports,
          i.comment_count, i.created_at, ST_X(i.location) AS lon, ST_Y(i.location) AS lat
        FROM page JOIN participation_ideas i ON i.id = page.id ORDER BY ${order}`,
  );
}

export async function countIdeas(db: Db, processId: number, category?: string): Promise<number> {
  const r = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participation_ideas WHERE process_id = ${processId} AND visible
        ${category ? sql`AND category = ${category}` : sql``}`,
  );
  return r?.n ?? 0;
}

/** Points of all located ideas of a process for the map (capped). */
export async function ideaPoints(
  db: Db,
  processId: number,
): Promise<{ id: number; title: string; lon: number; lat: number }[]> {
  return rows(
    db,
    sql`SELECT id::int, title, ST_X(location) AS lon, ST_Y(location) AS lat FROM participation_ideas
        WHERE process_id = ${processId} AND visible AND location IS NOT NULL ORDER BY id DESC LIMIT 1000`,
  );
}

export interface IdeaRow extends IdeaListRow {
  process_id: number;
  body: string;
  author_id: string | null;
  author_name: string | null;
  answer: string | null;
  measure_id: number | null;
  measure_slug: string | null;
  measure_title: string | null;
  visible: boolean;
  has_image: boolean;
}

export async function ideaById(db: Db, id: number): Promise<IdeaRow | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  return one<IdeaRow>(
    db,
    sql`SELECT i.id::int, i.process_id, i.title, i.body, left(i.body, 220) AS excerpt, i.category, i.status, i.supports,
          i.comment_count, i.created_at, ST_X(i.location) AS lon, ST_Y(i.location) AS lat, i.author_id,
          u.display_name AS author_name, i.answer, i.measure_id, m.slug AS measure_slug, m.title AS measure_title,
          i.visible, i.image IS NOT NULL AS has_image
        FROM participation_ideas i LEFT JOIN users u ON u.id = i.author_id
        LEFT JOIN participation_measures m ON m.id = i.measure_id WHERE i.id = ${id}`,
  );
}

export async function ideaImage(db: Db, id: number): Promise<Buffer | undefined> {
  const r = await one<{ image: Buffer | null }>(
    db,
    sql`SELECT image FROM participation_ideas WHERE id = ${id} AND visible`,
  );
  return r?.image ?? undefined;
}

export interface NewIdea {
  process: ProcessRow;
  authorId: string;
  title: string;
  body: string;
  category: string;
  lon?: number | undefined;
  lat?: number | undefined;
  image?: Buffer | undefined;
  now?: Date;
}

export async function createIdea(db: Db, i: NewIdea): Promise<{ id: number; visible: boolean }> {
  const now = i.now ?? new Date();
  const phases = await phasesOf(db, i.process.id);
  assertPhaseAllows(phases, 'submit', now);
  const errors: Record<string, string> = {};
  const title = i.title.trim();
  const body = i.body.trim();
  if (title.length < 5 || title.length > 150) errors.title = 'Der Titel hat 5 bis 150 Zeichen.';
  if (body.length < 10 || body.length > 5000)
    errors.body = 'Beschreiben Sie Ihre Idee mit 10 bis 5.000 Zeichen.';
  if (i.process.categories.length && !i.process.categories.includes(i.category))
    errors.category = 'Wählen Sie ein Thema aus der Liste.';
  const hasLon = i.lon !== undefined;
  const hasLat = i.lat !== undefined;
  if (hasLon !== hasLat || (hasLon && (!Number.isFinite(i.lon) || !Number.isFinite(i.lat))))
    errors.location = 'Geben Sie Breite und Länge als Zahlen an, oder lassen Sie beide leer.';
  else if (hasLon && (Math.abs(i.lat!) > 90 || Math.abs(i.lon!) > 180))
    errors.location = 'Diese Koordinaten liegen nicht auf der Erde.';
  if (Object.keys(errors).length) throw unprocessable('Bitte prüfen Sie Ihre Eingaben.', errors);
  const visible = !i.process.premoderation;
  return db.transaction(async (tx) => {
    const r = await one<{ id: number }>(
      tx,
      sql`INSERT INTO participation_ideas (process_id, author_id, title, body, category, location, image, visible, created_at)
          VALUES (${i.process.id}, ${i.authorId}, ${title}, ${body}, ${i.category},
            ${hasLon ? sql`ST_SetSRID(ST_MakePoint(${i.lon!}, ${i.lat!}), 4326)` : sql`NULL`}, ${i.image ?? null},
            ${visible}, ${now})
          RETURNING id::int`,
    );
    // The author hears about answers and comments on their idea.
    await setFollow(tx, { userId: i.authorId, targetKind: 'idea', targetId: r!.id, on: true });
    if (visible)
      await notifyFollowers(tx, {
        targetKind: 'process',
        targetId: i.process.id,
        scope: `process:${i.process.id}`,
        exceptUserId: i.authorId,
        subject: `Neue Idee im Verfahren „${i.process.title}“`,
        text: `${title}\n\n${body.slice(0, 500)}`,
      });
    return { id: r!.id, visible };
  });
}

/** Support an idea: only in the rating phase, once per person (parallel-safe). */
export async function supportIdea(
  db: Db,
  s: { idea: IdeaRow; userId: string; on: boolean; now?: Date },
): Promise<{ count: number; changed: boolean }> {
  assertPhaseAllows(await phasesOf(db, s.idea.process_id), 'support', s.now);
  if (!s.idea.visible) throw notFound();
  return setReaction(db, {
    targetKind: 'idea',
    targetId: s.idea.id,
    userId: s.userId,
    kind: 'support',
    on: s.on,
  });
}

/** Staff: the city's official answer and status; "angenommen" may link the measure that implements it. */
export async function answerIdea(
  db: Db,
  a: {
    idea: IdeaRow;
    cityId: number;
    actorId: string;
    status: string;
    answer: string;
    measureId?: number | undefined;
    visible: boolean;
  },
): Promise<void> {
  const errors: Record<string, string> = {};
  if (!(IDEA_STATUSES as readonly string[]).includes(a.status)) errors.status = 'Wählen Sie einen Status.';
  if (a.status === 'abgelehnt' && a.answer.trim().length < 10)
    errors.answer = 'Eine Ablehnung braucht eine Begründung (mindestens 10 Zeichen).';
  if (a.answer.length > 5000) errors.answer = 'Die Antwort darf höchstens 5.000 Zeichen lang sein.';
  if (a.measureId !== undefined && !(await measureById(db, a.measureId)))
    errors.measureId = 'Diese Maßnahme gibt es nicht.';
  if (Object.keys(errors).length) throw unprocessable('Bitte prüfen Sie Ihre Eingaben.', errors);
  await db.transaction(async (tx) => {
    await tx.execute(sql`UPDATE participation_ideas SET status = ${a.status}, answer = ${a.answer.trim() || null},
        measure_id = ${a.status === 'angenommen' ? (a.measureId ?? null) : null}, visible = ${a.visible}
      WHERE id = ${a.idea.id}`);
    await audit(tx, {
      actorId: a.actorId,
      cityId: a.cityId,
      action: 'participation.idea.answer',
      entityType: 'participation_idea',
      entityId: String(a.idea.id),
      details: { status: a.status, visible: a.visible },
    });
    await notifyFollowers(tx, {
      targetKind: 'idea',
      targetId: a.idea.id,
      scope: `process:${a.idea.process_id}`,
      exceptUserId: a.actorId,
      subject: `Antwort der Stadt zur Idee „${a.idea.title}“`,
      text: `Status: ${IDEA_STATUS_LABELS[a.status as IdeaStatus].de}\n\n${a.answer.trim()}`,
    });
  });
}

/** Ideas waiting for review (pre-moderated processes) or without an answer yet. */
export async function ideasForStaff(
  db: Db,
  cityIds: number[] | 'all',
): Promise<
  {
    id: number;
    title: string;
    process_title: string;
    city_id: number;
    status: string;
    visible: boolean;
    supports: number;
  }[]
> {
  const cityFilter =
    cityIds === 'all'
      ? sql`TRUE`
      : sql`p.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  return rows(
    db,
    sql`SELECT i.id::int, i.title, p.title AS process_title, p.city_id, i.status, i.visible, i.supports
        FROM participation_ideas i JOIN participation_processes p ON p.id = i.process_id
        WHERE ${cityFilter} AND (NOT i.visible OR i.status IN ('eingereicht', 'in_pruefung'))
        ORDER BY i.visible, i.supports DESC, i.id LIMIT 200`,
  );
}

// ---------------------------------------------------------------- surveys

export const QUESTION_KINDS = ['single', 'multiple', 'text', 'scale', 'ranking'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface SurveyRow {
  id: number;
  city_id: number;
  slug: string;
  title: string;
  description: string;
  mode: 'account' | 'token';
  live_results: boolean;
  opens_at: Date;
  closes_at: Date;
}

export interface SurveyQuestion {
  id: number;
  position: number;
  kind: QuestionKind;
  prompt: string;
  options: string[];
  required: boolean;
}

/** Answer per question id: option index, indexes, text, 1–5, or a ranking (option indexes in order). */
export type SurveyAnswers = Record<string, number | number[] | string>;

export async function listSurveys(db: Db, cityId: number): Promise<(SurveyRow & { responses: number })[]> {
  return rows(
    db,
    sql`SELECT s.*, (SELECT count(*)::int FROM participation_survey_responses r WHERE r.survey_id = s.id) AS responses
        FROM participation_surveys s WHERE s.city_id = ${cityId} ORDER BY s.closes_at DESC`,
  );
}

export async function surveyBySlug(db: Db, cityId: number, slug: string): Promise<SurveyRow | undefined> {
  return one<SurveyRow>(
    db,
    sql`SELECT * FROM participation_surveys WHERE city_id = ${cityId} AND slug = ${slug}`,
  );
}

export async function surveyById(db: Db, id: number): Promise<SurveyRow | undefined> {
  return one<SurveyRow>(db, sql`SELECT * FROM participation_surveys WHERE id = ${id}`);
}

export async function questionsOf(db: Db, surveyId: number): Promise<SurveyQuestion[]> {
  return rows<SurveyQuestion>(
    db,
    sql`SELECT id, position, kind, prompt, options, required FROM participation_survey_questions
        WHERE survey_id = ${surveyId} ORDER BY position`,
  );
}

export interface SurveyInput {
  cityId: number;
  slug: string;
  title: string;
  description: string;
  mode: 'account' | 'token';
  liveResults: boolean;
  opensAt: Date;
  closesAt: Date;
  questions: { kind: QuestionKind; prompt: string; options?: string[]; required?: boolean }[];
}

/** Creates a survey with its questions; an existing one with the same slug is left as it is. */
export async function createSurvey(db: Db, s: SurveyInput): Promise<number> {
  return db.transaction(async (tx) => {
    const existing = await one<{ id: number }>(
      tx,
      sql`SELECT id FROM participation_surveys WHERE city_id = ${s.cityId} AND slug = ${s.slug}`,
    );
    if (existing) return existing.id;
    const r = await one<{ id: number }>(
      tx,
      sql`INSERT INTO participation_surveys (city_id, slug, title, description, mode, live_results, opens_at, closes_at)
          VALUES (${s.cityId}, ${s.slug}, ${s.title}, ${s.description}, ${s.mode}, ${s.liveResults}, ${s.opensAt}, ${s.closesAt})
          RETURNING id`,
    );
    let position = 1;
    for (const q of s.questions)
      await tx.execute(sql`INSERT INTO participation_survey_questions (survey_id, position, kind, prompt, options, required)
        VALUES (${r!.id}, ${position++}, ${q.kind}, ${q.prompt}, ${sql.param(q.options ?? [])}::text[], ${q.required ?? false})`);
    return r!.id;
  });
}

export const surveyOpen = (s: SurveyRow, now = new Date()) =>
  new Date(s.opens_at).getTime() <= now.getTime() && now.getTime() < new Date(s.closes_at).getTime();

/** Checks answers against the questions; returns clean answers or field errors (key q<id>). */
export function validateAnswers(
  questions: SurveyQuestion[],
  raw: Record<string, string | string[] | undefined>,
): { answers: SurveyAnswers; errors: Record<string, string> } {
  const answers: SurveyAnswers = {};
  const errors: Record<string, string> = {};
  for (const q of questions) {
    const key = `q${q.id}`;
    const v = raw[key];
    const list = (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]).map((x) => String(x).trim());
    const index = (s: string) => {
      const n = Number(s);
      return Number.isInteger(n) && n >= 0 && n < q.options.length ? n : undefined;
    };
    if (q.kind === 'single') {
      if (list.length === 0) {
        if (q.required) errors[key] = `Bitte wählen Sie eine Antwort: ${q.prompt}`;
        continue;
      }
      const n = index(list[0]!);
      if (n === undefined || list.length > 1) errors[key] = 'Bitte wählen Sie genau eine der Antworten.';
      else answers[q.id] = n;
    } else if (q.kind === 'multiple') {
      const ns = list.map(index);
      if (ns.some((n) => n === undefined)) errors[key] = 'Bitte wählen Sie nur Antworten aus der Liste.';
      else if (ns.length === 0 && q.required)
        errors[key] = `Bitte wählen Sie mindestens eine Antwort: ${q.prompt}`;
      else if (ns.length) answers[q.id] = [...new Set(ns as number[])].sort((a, b) => a - b);
    } else if (q.kind === 'text') {
      const text = list[0] ?? '';
      if (!text && q.required) errors[key] = `Bitte beantworten Sie: ${q.prompt}`;
      else if (text.length > 2000) errors[key] = 'Die Antwort darf höchstens 2.000 Zeichen lang sein.';
      else if (text) answers[q.id] = text;
    } else if (q.kind === 'scale') {
      if (list.length === 0) {
        if (q.required) errors[key] = `Bitte wählen Sie einen Wert von 1 bis 5: ${q.prompt}`;
        continue;
      }
      const n = Number(list[0]);
      if (!Number.isInteger(n) || n < 1 || n > 5) errors[key] = 'Bitte wählen Sie einen Wert von 1 bis 5.';
      else answers[q.id] = n;
    } else if (q.kind === 'ranking') {
      // One select per option holds its rank 1…n; every rank exactly once.
      const ranks = q.options.map((_, i) => Number(raw[`${key}_${i}`]));
      const filled = ranks.filter((r) => Number.isInteger(r) && r >= 1);
      if (filled.length === 0) {
        if (q.required) errors[key] = `Bitte bringen Sie die Antworten in eine Reihenfolge: ${q.prompt}`;
        continue;
      }
      const sorted = [...ranks].sort((a, b) => a - b);
      if (sorted.some((r, i) => r !== i + 1))
        errors[key] = `Bitte vergeben Sie jeden Rang von 1 bis ${q.options.length} genau einmal.`;
      else
        answers[q.id] = ranks
          .map((r, i) => ({ r, i }))
          .sort((a, b) => a.r - b.r)
          .map((x) => x.i);
    }
  }
  return { answers, errors };
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Staff: creates one-time tokens for an anonymous survey; only their hashes are stored. */
export async function issueSurveyTokens(
  db: Db,
  s: { survey: SurveyRow; count: number; actorId: string },
): Promise<string[]> {
  if (s.survey.mode !== 'token') throw unprocessable('Diese Umfrage braucht keine Zugangscodes.');
  if (!Number.isInteger(s.count) || s.count < 1 || s.count > 1000)
    throw unprocessable('Bitte 1 bis 1.000 Codes.', { count: 'Bitte eine Anzahl von 1 bis 1.000.' });
  const tokens = Array.from({ length: s.count }, () => randomBytes(12).toString('base64url'));
  await db.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO participation_survey_tokens (survey_id, token_hash)
      SELECT ${s.survey.id}, unnest(${sql.param(tokens.map(tokenHash))}::text[])`);
    await audit(tx, {
      actorId: s.actorId,
      cityId: s.survey.city_id,
      action: 'participation.survey.tokens',
      entityType: 'participation_survey',
      entityId: String(s.survey.id),
      details: { count: s.count },
    });
  });
  return tokens;
}

/**
 * Stores one response. Account mode: the participant list (who) and the response (what) are separate
 * rows without a link; token mode: the token is spent, nothing about the person is stored.
 */
export async function submitSurvey(
  db: Db,
  s: {
    survey: SurveyRow;
    answers: SurveyAnswers;
    userId?: string | undefined;
    token?: string | undefined;
    now?: Date;
  },
): Promise<void> {
  if (!surveyOpen(s.survey, s.now)) throw new HttpError(409, 'Diese Umfrage ist nicht geöffnet.');
  await db.transaction(async (tx) => {
    if (s.survey.mode === 'account') {
      if (!s.userId) throw new HttpError(401, 'Bitte melden Sie sich an, um teilzunehmen.');
      const r = await one(
        tx,
        sql`INSERT INTO participation_survey_participants (survey_id, user_id) VALUES (${s.survey.id}, ${s.userId})
            ON CONFLICT DO NOTHING RETURNING 1 AS x`,
      );
      if (!r) throw conflict('Sie haben an dieser Umfrage schon teilgenommen.');
    } else {
      const token = (s.token ?? '').trim();
      const r = token
        ? await one(
            tx,
            sql`UPDATE participation_survey_tokens SET used = true WHERE survey_id = ${s.survey.id}
                AND token_hash = ${tokenHash(token)} AND NOT used RETURNING 1 AS x`,
          )
        : undefined;
      if (!r)
        throw unprocessable('Der Zugangscode ist ungültig oder wurde schon benutzt.', {
          token: 'Der Zugangscode ist ungültig oder wurde schon benutzt.',
        });
    }
    await tx.execute(sql`INSERT INTO participation_survey_responses (survey_id, answers)
      VALUES (${s.survey.id}, ${JSON.stringify(s.answers)}::jsonb)`);
  });
}

export async function hasAnswered(db: Db, surveyId: number, userId: string | undefined): Promise<boolean> {
  if (!userId) return false;
  return Boolean(
    await one(
      db,
      sql`SELECT 1 FROM participation_survey_participants WHERE survey_id = ${surveyId} AND user_id = ${userId}`,
    ),
  );
}

export interface QuestionResult {
  question: SurveyQuestion;
  answered: number;
  /** Per option: count (single/multiple), per scale value 1–5, or mean rank per option (ranking). */
  counts: number[];
  mean?: number;
  texts?: string[];
}

/** Aggregated results; free-text answers only when includeTexts (staff). */
export async function surveyResults(
  db: Db,
  survey: SurveyRow,
  includeTexts = false,
): Promise<{ responses: number; questions: QuestionResult[] }> {
  const [questions, answers] = await Promise.all([
    questionsOf(db, survey.id),
    rows<{ answers: SurveyAnswers }>(
      db,
      sql`SELECT answers FROM participation_survey_responses WHERE survey_id = ${survey.id} ORDER BY id`,
    ),
  ]);
  const results = questions.map((q): QuestionResult => {
    const values = answers.map((a) => a.answers[String(q.id)]).filter((v) => v !== undefined);
    const r: QuestionResult = { question: q, answered: values.length, counts: [] };
    if (q.kind === 'single' || q.kind === 'multiple') {
      r.counts = q.options.map(() => 0);
      for (const v of values)
        for (const i of Array.isArray(v) ? v : [v as number]) r.counts[i] = (r.counts[i] ?? 0) + 1;
    } else if (q.kind === 'scale') {
      r.counts = [0, 0, 0, 0, 0];
      for (const v of values) r.counts[(v as number) - 1]! += 1;
      r.mean = values.length ? values.reduce((s: number, v) => s + (v as number), 0) / values.length : 0;
    } else if (q.kind === 'ranking') {
      // Mean rank per option (1 = first), shown ×100 as an integer.
      const sums = q.options.map(() => 0);
      for (const v of values) for (const [rank, opt] of (v as number[]).entries()) sums[opt]! += rank + 1;
      r.counts = sums.map((s) => (values.length ? Math.round((s / values.length) * 100) : 0));
    } else if (includeTexts) {
      r.texts = values.map(String);
    }
    return r;
  });
  return { responses: answers.length, questions: results };
}

/** Staff CSV: one row per response, columns per question; no account, no time of day. */
export async function surveyCsv(db: Db, survey: SurveyRow): Promise<string> {
  const { stringify } = await import('csv-stringify/sync');
  const questions = await questionsOf(db, survey.id);
  const answers = await rows<{ answers: SurveyAnswers; submitted_on: string }>(
    db,
    sql`SELECT answers, submitted_on::text FROM participation_survey_responses WHERE survey_id = ${survey.id} ORDER BY id`,
  );
  const cell = (q: SurveyQuestion, v: unknown): string => {
    if (v === undefined) return '';
    if (q.kind === 'single') return q.options[v as number] ?? '';
    if (q.kind === 'multiple' || q.kind === 'ranking')
      return (v as number[]).map((i) => q.options[i]).join(' | ');
    return String(v);
  };
  // Formula injection: cells starting with = + - @ are prefixed so spreadsheets show them as text.
  const safe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  return stringify([
    ['Datum', ...questions.map((q) => q.prompt)],
    ...answers.map((a) => [a.submitted_on, ...questions.map((q) => safe(cell(q, a.answers[String(q.id)])))]),
  ]);
}

// ---------------------------------------------------------------- Fragestunde

export interface QuestionSessionRow {
  id: number;
  city_id: number;
  slug: string;
  title: string;
  held_at: Date;
  state: 'open' | 'live' | 'closed';
}

export interface MayorQuestionRow {
  id: number;
  body: string;
  status: 'pending' | 'approved' | 'rejected' | 'answered';
  answer: string | null;
  supports: number;
  author_name: string | null;
  author_id: string | null;
  created_at: Date;
  answered_at: Date | null;
}

export async function listQuestionSessions(
  db: Db,
  cityId: number,
): Promise<(QuestionSessionRow & { questions: number })[]> {
  return rows(
    db,
    sql`SELECT s.*, (SELECT count(*)::int FROM participation_questions q WHERE q.session_id = s.id
          AND q.status IN ('approved', 'answered')) AS questions
        FROM participation_question_sessions s WHERE s.city_id = ${cityId} ORDER BY s.held_at DESC`,
  );
}

export async function questionSessionBySlug(
  db: Db,
  cityId: number,
  slug: string,
): Promise<QuestionSessionRow | undefined> {
  return one(
    db,
    sql`SELECT * FROM participation_question_sessions WHERE city_id = ${cityId} AND slug = ${slug}`,
  );
}

export async function questionSessionById(db: Db, id: number): Promise<QuestionSessionRow | undefined> {
  return one<QuestionSessionRow>(db, sql`SELECT * FROM participation_question_sessions WHERE id = ${id}`);
}

export async function upsertQuestionSession(
  db: Db,
  s: { cityId: number; slug: string; title: string; heldAt: Date; state: QuestionSessionRow['state'] },
): Promise<number> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO participation_question_sessions (city_id, slug, title, held_at, state)
        VALUES (${s.cityId}, ${s.slug}, ${s.title}, ${s.heldAt}, ${s.state})
        ON CONFLICT (city_id, slug) DO UPDATE SET title = EXCLUDED.title, held_at = EXCLUDED.held_at, state = EXCLUDED.state
        RETURNING id`,
  );
  return r!.id;
}

/** Public questions sorted by support (live order); the author also sees their own pending ones. */
export async function questionsOfSession(
  db: Db,
  sessionId: number,
  viewer: { userId?: string | undefined; moderator?: boolean } = {},
): Promise<MayorQuestionRow[]> {
  const visibility = viewer.moderator
    ? sql`TRUE`
    : sql`(q.status IN ('approved', 'answered') OR (q.status = 'pending' AND q.author_id = ${viewer.userId ?? null}::uuid))`;
  return rows<MayorQuestionRow>(
    db,
    sql`SELECT q.id::int, q.body, q.status, q.answer, q.supports, u.display_name AS author_name, q.author_id,
          q.created_at, q.answered_at
        FROM participation_questions q LEFT JOIN users u ON u.id = q.author_id
        WHERE q.session_id = ${sessionId} AND ${visibility}
        ORDER BY (q.status = 'answered'), q.supports DESC, q.id`,
  );
}

export async function submitQuestion(
  db: Db,
  q: { session: QuestionSessionRow; userId: string; body: string },
): Promise<number> {
  if (q.session.state !== 'open')
    throw new HttpError(409, 'Für diese Fragestunde werden keine Fragen mehr angenommen.');
  const body = q.body.trim();
  if (body.length < 10 || body.length > 1000)
    throw unprocessable('Bitte prüfen Sie Ihre Frage.', { body: 'Eine Frage hat 10 bis 1.000 Zeichen.' });
  const recent = await one<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM participation_questions WHERE session_id = ${q.session.id} AND author_id = ${q.userId}`,
  );
  if ((recent?.n ?? 0) >= 3)
    throw new HttpError(429, 'Sie können zu einer Fragestunde höchstens drei Fragen stellen.');
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO participation_questions (session_id, author_id, body) VALUES (${q.session.id}, ${q.userId}, ${body})
        RETURNING id::int`,
  );
  return r!.id;
}

export async function questionById(
  db: Db,
  id: number,
): Promise<(MayorQuestionRow & { session_id: number; city_id: number; state: string }) | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  return one(
    db,
    sql`SELECT q.id::int, q.session_id, s.city_id, s.state, q.body, q.status, q.answer, q.supports, q.author_id,
          NULL AS author_name, q.created_at, q.answered_at
        FROM participation_questions q JOIN participation_question_sessions s ON s.id = q.session_id WHERE q.id = ${id}`,
  );
}

export async function supportQuestion(
  db: Db,
  s: { questionId: number; userId: string; on: boolean },
): Promise<{ count: number; changed: boolean }> {
  const q = await questionById(db, s.questionId);
  if (q?.status !== 'approved') throw notFound('Diese Frage gibt es nicht oder sie ist nicht freigegeben.');
  if (q.state === 'closed') throw new HttpError(409, 'Diese Fragestunde ist beendet.');
  return setReaction(db, {
    targetKind: 'question',
    targetId: q.id,
    userId: s.userId,
    kind: 'support',
    on: s.on,
  });
}

/** Moderators approve or reject; during the session the answer is recorded and the question marked answered. */
export async function moderateQuestion(
  db: Db,
  m: {
    questionId: number;
    actorId: string;
    action: 'approve' | 'reject' | 'answer';
    answer?: string;
    cityAllowed: (cityId: number) => boolean;
    /** Address of the session page, for the followers' mail. */
    sessionUrl?: (session: QuestionSessionRow) => string;
  },
): Promise<void> {
  const q = await questionById(db, m.questionId);
  if (!q) throw notFound();
  if (!m.cityAllowed(q.city_id)) throw forbidden();
  const answer = (m.answer ?? '').trim();
  if (m.action === 'answer' && answer.length < 3)
    throw unprocessable('Bitte geben Sie die Antwort ein.', {
      answer: 'Die Antwort braucht mindestens 3 Zeichen.',
    });
  const status = m.action === 'approve' ? 'approved' : m.action === 'reject' ? 'rejected' : 'answered';
  await db.transaction(async (tx) => {
    await tx.execute(sql`UPDATE participation_questions SET status = ${status},
        answer = ${m.action === 'answer' ? answer : q.answer}, answered_at = ${m.action === 'answer' ? sql`now()` : sql`answered_at`}
      WHERE id = ${q.id}`);
    await audit(tx, {
      actorId: m.actorId,
      cityId: q.city_id,
      action: `participation.question.${m.action}`,
      entityType: 'participation_question',
      entityId: String(q.id),
    });
    if (m.action === 'answer') {
      const session = await one<QuestionSessionRow>(
        tx,
        sql`SELECT * FROM participation_question_sessions WHERE id = ${q.session_id}`,
      );
      await notifySessionFollowers(tx, {
        session: session!,
        text: `Frage: ${q.body}\n\nAntwort: ${answer}`,
        url: m.sessionUrl?.(session!),
        exceptUserId: m.actorId,
      });
    }
  });
}

export const SESSION_STATE_NEWS: Record<QuestionSessionRow['state'], string> = {
  open: 'Die Fragestunde nimmt wieder Fragen an.',
  live: 'Die Fragestunde läuft jetzt: Fragen werden nach Unterstützung beantwortet.',
  closed: 'Die Fragestunde ist beendet; Fragen und Antworten stehen im Archiv.',
};

/** Queues news of a Fragestunde for its followers (in the caller's transaction). */
export async function notifySessionFollowers(
  db: Db,
  n: { session: QuestionSessionRow; text: string; url?: string | undefined; exceptUserId?: string },
): Promise<number> {
  return notifyFollowers(db, {
    targetKind: 'question_session',
    targetId: n.session.id,
    scope: `session:${n.session.id}`,
    exceptUserId: n.exceptUserId,
    subject: `Neuigkeit zur Fragestunde „${n.session.title}“`,
    text: n.url ? `${n.text}\n\n${n.url}` : n.text,
  });
}

export async function setQuestionSessionState(
  db: Db,
  s: { session: QuestionSessionRow; state: QuestionSessionRow['state']; actorId: string; url?: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`UPDATE participation_question_sessions SET state = ${s.state} WHERE id = ${s.session.id}`,
    );
    if (s.state !== s.session.state)
      await notifySessionFollowers(tx, {
        session: s.session,
        text: SESSION_STATE_NEWS[s.state],
        url: s.url,
        exceptUserId: s.actorId,
      });
    await audit(tx, {
      actorId: s.actorId,
      cityId: s.session.city_id,
      action: 'participation.session.state',
      entityType: 'participation_question_session',
      entityId: String(s.session.id),
      details: { state: s.state },
    });
  });
}
