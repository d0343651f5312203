import type { ComponentChildren } from 'preact';
import type { CurrentUser, PageContext } from '../web/context.ts';
import { addMessages } from '../web/i18n.ts';
import { type Crumb, Layout } from '../web/layout.tsx';

addMessages({
  de: { 'admin.title': 'Verwaltung' },
  en: { 'admin.title': 'Administration' },
});

/** A section on the staff dashboard; modules add theirs with registerAdminSection(). */
export interface AdminSection {
  href: string;
  /** i18n keys. */
  label: string;
  description: string;
  /** Whether this person may use the section. */
  visible(user: CurrentUser): boolean;
  /** Order on the dashboard (lower first). */
  sort?: number;
}

const sections: AdminSection[] = [];

/** Modules call this at import time, like addMessages; a section only shows to people who may use it. */
export function registerAdminSection(section: AdminSection): void {
  const existing = sections.findIndex((s) => s.href === section.href);
  if (existing >= 0) sections[existing] = section;
  else sections.push(section);
}

export function adminSectionsFor(user: CurrentUser): AdminSection[] {
  return sections.filter((s) => s.visible(user)).sort((a, b) => (a.sort ?? 100) - (b.sort ?? 100));
}

/** Frame for staff pages: the site layout with the admin flag and a "Verwaltung › …" trail. */
export function AdminLayout(props: {
  ctx: PageContext;
  title: string;
  crumbs?: Crumb[];
  children?: ComponentChildren;
}) {
  const { ctx } = props;
  const crumbs: Crumb[] = [{ label: ctx.t('admin.title'), href: '/admin/' }, ...(props.crumbs ?? [])];
  return (
    <Layout ctx={ctx} title={props.title} admin breadcrumbs={crumbs.length > 1 ? crumbs : undefined}>
      {props.children}
    </Layout>
  );
}
