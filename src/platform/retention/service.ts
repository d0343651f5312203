/**
 * Deletion periods of the platform's own short-lived data (data protection by design: nothing is
 * kept longer than its purpose needs). Modules delete their own data themselves.
 */
import { type Db, rows, sql } from '../db/index.ts';

export interface RetentionPolicy {
  /** Mails in the outbox (addresses, links with tokens): sent or only stored for admins to read. */
  mailDays: number;
  /** Finished jobs (their payloads can name a person); failed ones stay as long, for diagnosis. */
  jobDays: number;
  /** Failed logins count for the rate limit only within its window; kept one day for abuse reviews. */
  loginFailureHours: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { mailDays: 30, jobDays: 14, loginFailureHours: 24 };

export interface PurgeResult {
  sessions: number;
  authTokens: number;
  loginFailures: number;
  mails: number;
  jobs: number;
}

async function deleted(db: Db, statement: ReturnType<typeof sql>): Promise<number> {
  return (await rows(db, statement)).length;
}

/** Deletes what is past its period at `now`; returns how many rows went, per kind. */
export async function purgeExpired(
  db: Db,
  now: Date = new Date(),
  policy: RetentionPolicy = DEFAULT_RETENTION,
): Promise<PurgeResult> {
  const at = now.toISOString();
  const days = (n: number) => sql`${at}::timestamptz - make_interval(days => ${n})`;
  return {
    sessions: await deleted(db, sql`DELETE FROM sessions WHERE expires_at < ${at}::timestamptz RETURNING 1`),
    // Used tokens stay until they expire, so a second click says "already used", not "unknown".
    authTokens: await deleted(
      db,
      sql`DELETE FROM auth_tokens WHERE expires_at < ${at}::timestamptz RETURNING 1`,
    ),
    loginFailures: await deleted(
      db,
      sql`DELETE FROM login_failures
          WHERE created_at < ${at}::timestamptz - make_interval(hours => ${policy.loginFailureHours}) RETURNING 1`,
    ),
    mails: await deleted(
      db,
      sql`DELETE FROM mail_outbox WHERE created_at < ${days(policy.mailDays)} RETURNING 1`,
    ),
    jobs: await deleted(
      db,
      sql`DELETE FROM jobs WHERE coalesce(done_at, failed_at) < ${days(policy.jobDays)} RETURNING 1`,
    ),
  };
}
