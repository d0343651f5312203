import type { FastifyInstance } from 'fastify';
import { citiesWithRole, hasRole } from '../auth/service.ts';
import { registerAdminSection } from './layout.tsx';
import { adminRoutes } from './routes.ts';

export { requireAnyStaff, requireStaff } from './guard.ts';
export { AdminLayout, type AdminSection, adminSectionsFor, registerAdminSection } from './layout.tsx';

const some = (cities: number[] | 'all') => cities === 'all' || cities.length > 0;

registerAdminSection({
  href: '/admin/angebote',
  label: 'admin.offers',
  description: 'admin.offers.text',
  visible: (user) => some(citiesWithRole(user, 'editor')),
  sort: 10,
});
registerAdminSection({
  href: '/admin/users',
  label: 'admin.users',
  description: 'admin.users.text',
  visible: (user) => some(citiesWithRole(user, 'admin')),
  sort: 80,
});
registerAdminSection({
  href: '/admin/audit',
  label: 'admin.audit',
  description: 'admin.audit.text',
  visible: (user) => some(citiesWithRole(user, 'admin')),
  sort: 90,
});
registerAdminSection({
  href: '/admin/outbox',
  label: 'admin.outbox',
  description: 'admin.outbox.text',
  visible: (user) => hasRole(user, 'admin', null),
  sort: 95,
});

/** Staff shell: dashboard, users and roles, mail outbox, audit log. */
export async function adminModule(app: FastifyInstance) {
  await app.register(adminRoutes);
}
