import type { FastifyInstance } from 'fastify';
import './messages.ts';
import { registerAdminSection } from '../../platform/admin/index.ts';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { startWorker, type Worker } from '../../platform/jobs/service.ts';
import { participationAdminRoutes } from './admin.tsx';
import { participationApi } from './api.ts';
import { participationEditorRoutes } from './editor.tsx';
import { participationRoutes } from './routes.ts';
import { deliverNotifications, NOTIFY_QUEUE } from './service.ts';

/** For other modules: the comment thread (generic over target kind + id) and how to open items for it. */
export { Comments } from './pages.tsx';
export { type CommentNode, listComments, registerCommentTarget } from './service.ts';

registerAdminSection({
  href: '/admin/beteiligung',
  label: 'admin.participation',
  description: 'admin.participation.text',
  visible: (user) => {
    const cities = citiesWithRole(user, 'moderator');
    return cities === 'all' || cities.length > 0;
  },
  sort: 30,
});

/** Beteiligung: measures, idea processes, comments with moderation, surveys, Fragestunde, notifications. */
export async function participationModule(app: FastifyInstance) {
  await app.register(participationRoutes);
  await app.register(participationAdminRoutes);
  await app.register(participationEditorRoutes);
  await app.register(participationApi);
  // Tests call deliverNotifications directly; a background timer there would race with assertions.
  if (process.env.NODE_ENV === 'test') return;
  let worker: Worker | undefined;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    worker = await startWorker(
      app.database,
      { [NOTIFY_QUEUE]: async () => void (await deliverNotifications(app.database.db, app.config.baseUrl)) },
      { onError: (err) => app.log.error({ err }, 'participation notifications failed') },
    );
    // Held-back mails (hourly limit, daily digest) go out on the next round: one every five minutes.
    timer = setInterval(() => {
      void deliverNotifications(app.database.db, app.config.baseUrl).catch((err) =>
        app.log.error({ err }, 'participation notifications failed'),
      );
    }, 5 * 60_000);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    await worker?.stop();
  });
}
