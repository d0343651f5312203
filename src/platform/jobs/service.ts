import { type Database, type Db, one, rows, sql } from '../db/index.ts';

const CHANNEL = 'sp_jobs';

export interface Job {
  id: number;
  queue: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

export type JobHandler = (job: Job) => Promise<void>;

/** Enqueues a job (inside the caller's transaction, if any); returns its id, or undefined for a duplicate. */
export async function enqueue(
  db: Db,
  queue: string,
  payload: Record<string, unknown> = {},
  options: { runAt?: Date; dedupeKey?: string; maxAttempts?: number } = {},
): Promise<number | undefined> {
  const r = await one<{ id: number }>(
    db,
    sql`INSERT INTO jobs (queue, payload, run_at, dedupe_key, max_attempts)
      VALUES (${queue}, ${JSON.stringify(payload)}::jsonb, ${options.runAt ?? new Date()}, ${options.dedupeKey ?? null},
        ${options.maxAttempts ?? 5})
      ON CONFLICT (queue, dedupe_key) WHERE dedupe_key IS NOT NULL AND done_at IS NULL AND failed_at IS NULL DO NOTHING
      RETURNING id`,
  );
  // Wake idle workers at once instead of waiting for their next poll (delivered at commit).
  await db.execute(sql`SELECT pg_notify(${CHANNEL}, ${queue})`);
  return r ? Number(r.id) : undefined;
}

/**
 * Claims up to `limit` due jobs. SKIP LOCKED lets several instances claim side by side; the lease
 * (locked_until) hands a job to another worker if its instance dies mid-way.
 */
export async function claim(db: Db, queues: string[], limit: number, leaseSeconds = 60): Promise<Job[]> {
  const claimed = await rows<Job>(
    db,
    sql`UPDATE jobs SET attempts = attempts + 1, locked_until = now() + make_interval(secs => ${leaseSeconds})
      WHERE id IN (
        SELECT id FROM jobs
        WHERE queue = ANY(${sql.param(queues)}::text[]) AND done_at IS NULL AND failed_at IS NULL
          AND run_at <= now() AND (locked_until IS NULL OR locked_until < now())
        ORDER BY run_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, queue, payload, attempts, max_attempts`,
  );
  return claimed.map((j) => ({ ...j, id: Number(j.id) }));
}

export async function complete(db: Db, id: number): Promise<void> {
  await db.execute(sql`UPDATE jobs SET done_at = now(), locked_until = NULL WHERE id = ${id}`);
}

/** Retries with exponential backoff (2^attempts seconds, at most an hour) until max_attempts. */
export async function fail(db: Db, job: Job, error: string): Promise<void> {
  const delay = Math.min(2 ** job.attempts, 3600);
  await db.execute(sql`UPDATE jobs SET locked_until = NULL, last_error = ${error.slice(0, 1000)},
      failed_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END,
      run_at = now() + make_interval(secs => ${delay})
    WHERE id = ${job.id}`);
}

export interface Worker {
  /** Runs one round now (tests and the CLI use this). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/** Polls every intervalMs and wakes on NOTIFY; handlers run one job at a time per worker. */
export async function startWorker(
  database: Database,
  handlers: Record<string, JobHandler>,
  options: { intervalMs?: number; batch?: number; onError?: (err: unknown, job: Job) => void } = {},
): Promise<Worker> {
  const queues = Object.keys(handlers);
  let running: Promise<number> | undefined;
  let stopped = false;

  async function round(): Promise<number> {
    let handled = 0;
    for (;;) {
      const jobs = await claim(database.db, queues, options.batch ?? 10);
      if (jobs.length === 0) return handled;
      for (const job of jobs) {
        try {
          await handlers[job.queue]!(job);
          await complete(database.db, job.id);
        } catch (err) {
          options.onError?.(err, job);
          await fail(database.db, job, (err as Error).message ?? String(err));
        }
        handled++;
      }
      if (stopped) return handled;
    }
  }

  function drain(): Promise<number> {
    // One round at a time: a NOTIFY during a round is picked up by that round's next claim.
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  }

  const unlisten = await database.listen(CHANNEL, (queue) => {
    if (!stopped && queues.includes(queue)) void drain().catch(() => {});
  });
  const timer = setInterval(() => {
    if (!stopped) void drain().catch(() => {});
  }, options.intervalMs ?? 5_000);
  timer.unref();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unlisten();
      await running?.catch(() => {});
    },
  };
}
