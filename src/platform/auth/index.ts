import type { FastifyInstance } from 'fastify';
import { sql } from '../db/index.ts';
import { deliverPending } from '../mail/service.ts';
import { oidcRoutes } from './oidc.ts';
import { authRoutes } from './routes.ts';

/** How often the outbox is sent (tests shorten it). */
export const mailDelivery = { intervalMs: 10_000 };

/** Accounts: registration, confirmation, login, logout, password reset, OIDC, account page. */
export async function authModule(app: FastifyInstance) {
  await app.register(authRoutes);
  await app.register(oidcRoutes);
  registerMailDelivery(app);
}

/**
 * With SMTP_URL, the outbox is sent every few seconds. On PostgreSQL a transaction-scoped advisory
 * lock lets one instance at a time send, so no mail leaves twice; PGlite is one process anyway (and a
 * transaction there would hold its only connection while talking to the mail server).
 */
function registerMailDelivery(app: FastifyInstance) {
  const { smtpUrl, mailFrom } = app.config;
  if (!smtpUrl) return;
  const { database } = app;
  let running: Promise<void> | undefined;
  const tick = async () => {
    if (database.kind === 'pglite') {
      await deliverPending(database.db, smtpUrl, mailFrom);
      return;
    }
    await database.db.transaction(async (tx) => {
      const lock = (await tx.execute(
        sql`SELECT pg_try_advisory_xact_lock(hashtext('sp_mail_outbox')) AS ok`,
      )) as unknown as { rows: { ok: boolean }[] };
      if (lock.rows[0]?.ok) await deliverPending(tx, smtpUrl, mailFrom);
    });
  };
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((err: unknown) => {
        // The error class only: SMTP errors can quote addresses.
        app.log.warn({ name: (err as Error).name }, 'mail delivery failed');
      })
      .finally(() => {
        running = undefined;
      });
  }, mailDelivery.intervalMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
