import type { FastifyInstance } from 'fastify';
import { type JobHandler, startWorker, type Worker } from '../../platform/jobs/service.ts';
import { bonusPortalRoutes } from './portal-routes.ts';
import { bonusRoutes } from './routes.ts';
import {
  berlinYear,
  EXPIRY_QUEUE,
  expirePoints,
  RELEASE_QUEUE,
  releaseExpiredVouchers,
  releaseVoucher,
  scheduleExpiry,
} from './service.ts';

/** Job handlers of the bonus system: voucher release at expiry and the yearly points expiry. */
export function bonusJobHandlers(app: FastifyInstance): Record<string, JobHandler> {
  const db = app.database.db;
  return {
    [RELEASE_QUEUE]: async (job) => {
      await releaseVoucher(db, Number(job.payload.voucherId));
    },
    [EXPIRY_QUEUE]: async () => {
      await expirePoints(db);
      await releaseExpiredVouchers(db);
      // The next run: 1 January of the coming year (deduplicated by year).
      await scheduleExpiry(db, new Date(Date.UTC(berlinYear(new Date()), 11, 31, 12)));
    },
  };
}

/** Stadttaler: wallet, check-ins, vouchers, partner redemption and their JSON API. */
export async function bonusModule(app: FastifyInstance) {
  await app.register(bonusRoutes);
  await app.register(bonusPortalRoutes);
  // Tests drive the jobs directly; a background worker there would race with their assertions.
  if (process.env.NODE_ENV === 'test') return;
  let worker: Worker | undefined;
  app.addHook('onReady', async () => {
    await scheduleExpiry(app.database.db);
    worker = await startWorker(app.database, bonusJobHandlers(app), {
      onError: (err, job) => app.log.error({ err, queue: job.queue, jobId: job.id }, 'bonus job failed'),
    });
  });
  app.addHook('onClose', async () => {
    await worker?.stop();
  });
}
