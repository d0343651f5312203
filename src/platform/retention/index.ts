import type { FastifyInstance } from 'fastify';
import { type PurgeResult, purgeExpired } from './service.ts';

/** How often expired data is deleted (tests shorten it). */
export const retentionSchedule = { intervalMs: 60 * 60 * 1000 };

/**
 * Deletes expired sessions, tokens, login failures, old outbox mails and finished jobs once an hour
 * (and shortly after start). Deleting is idempotent, so several instances may run it side by side.
 */
export async function retentionModule(app: FastifyInstance) {
  const { database, config } = app;
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = purgeExpired(database.db, new Date(), { ...config.retention })
      .then((r: PurgeResult) => {
        const total = Object.values(r).reduce((a, b) => a + b, 0);
        if (total) app.log.info({ deleted: r }, 'expired data deleted');
      })
      .catch((err: unknown) => app.log.warn({ name: (err as Error).name }, 'deleting expired data failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(run, 30_000);
  const timer = setInterval(run, retentionSchedule.intervalMs);
  first.unref();
  timer.unref();
  app.addHook('onClose', async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  });
}
