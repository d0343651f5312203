/**
 * Comments on news (where the editors allow them): signed-in people write, a moderator of the city
 * approves or rejects, only approved comments are shown. Names shown are the account's display name.
 */
import { audit } from '../../platform/audit/service.ts';
import { type Db, one, rows, sql } from '../../platform/db/index.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { ValidationError } from './editorial.ts';

export const COMMENT_MAX = 2000;

export interface Comment {
  id: number;
  newsId: number;
  authorName: string;
  body: string;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: Date;
}

interface Row {
  id: number;
  news_id: number;
  author_name: string;
  body: string;
  status: Comment['status'];
  created_at: Date | string;
}
const toComment = (r: Row): Comment => ({
  id: r.id,
  newsId: r.news_id,
  authorName: r.author_name,
  body: r.body,
  status: r.status,
  createdAt: new Date(r.created_at),
});

export async function approvedComments(db: Db, newsId: number): Promise<Comment[]> {
  return (
    await rows<Row>(
      db,
      sql`SELECT id::int, news_id, author_name, body, status, created_at FROM news_comments
          WHERE news_id = ${newsId} AND status = 'approved' ORDER BY id`,
    )
  ).map(toComment);
}

export async function addComment(db: Db, newsId: number, user: CurrentUser, text: string): Promise<number> {
  const body = text.replace(/\r\n?/g, '\n').trim();
  if (!body) throw new ValidationError({ comment: 'content.comments.error.empty' });
  if ([...body].length > COMMENT_MAX) throw new ValidationError({ comment: 'content.comments.error.long' });
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO news_comments (news_id, user_id, author_name, body)
        SELECT ${newsId}, ${user.id}, ${user.displayName.slice(0, 100) || 'Anonym'}, ${body}
        WHERE EXISTS (SELECT 1 FROM news_items WHERE id = ${newsId} AND comments_enabled)
        RETURNING id::int`,
  );
  if (!r) throw new HttpError(409, 'Zu dieser Meldung sind keine Kommentare möglich.');
  return r.id;
}

export interface PendingComment extends Comment {
  newsTitle: string;
  cityId: number | null;
}

/** Comments waiting for a decision, in the cities given ('all' for region-wide moderators). */
export async function pendingComments(db: Db, cityIds: number[] | 'all'): Promise<PendingComment[]> {
  const scope =
    cityIds === 'all'
      ? sql`TRUE`
      : sql`n.city_id = ANY(${sql.param(cityIds.length ? cityIds : [-1])}::int[])`;
  const r = await rows<Row & { news_title: string; city_id: number | null }>(
    db,
    sql`SELECT c.id::int, c.news_id, c.author_name, c.body, c.status, c.created_at, n.title AS news_title, n.city_id
        FROM news_comments c JOIN news_items n ON n.id = c.news_id
        WHERE c.status = 'pending' AND ${scope} ORDER BY c.id LIMIT 200`,
  );
  return r.map((x) => ({ ...toComment(x), newsTitle: x.news_title, cityId: x.city_id }));
}

export async function commentCity(db: Db, id: number): Promise<{ cityId: number | null } | undefined> {
  return one<{ cityId: number | null }>(
    db,
    sql`SELECT n.city_id AS "cityId" FROM news_comments c JOIN news_items n ON n.id = c.news_id WHERE c.id = ${id}`,
  );
}

export async function moderateComment(
  db: Db,
  actor: { id: string },
  id: number,
  decision: 'approved' | 'rejected',
): Promise<void> {
  await db.transaction(async (tx) => {
    const r = await one<{ city_id: number | null }>(
      tx,
      sql`UPDATE news_comments c SET status = ${decision} FROM news_items n
          WHERE c.id = ${id} AND n.id = c.news_id RETURNING n.city_id`,
    );
    if (!r) throw new HttpError(404, 'Diesen Kommentar gibt es nicht.');
    await audit(tx, {
      actorId: actor.id,
      cityId: r.city_id,
      action: `comment.${decision === 'approved' ? 'approve' : 'reject'}`,
      entityType: 'news_comment',
      entityId: String(id),
    });
  });
}
