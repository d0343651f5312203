import type { City, Region } from '../tenancy/service.ts';
import { type Locale, localePath, type Translate, translator } from './i18n.ts';

export interface CurrentUser {
  id: string;
  email: string;
  displayName: string;
  /** city id → roles; key 0 holds region-wide roles. */
  roles: Map<number, Set<string>>;
}

export interface Assets {
  css: string;
  script(name: string): string | undefined;
}

/** Everything a page needs from the request, passed explicitly to page components. */
export interface PageContext {
  locale: Locale;
  t: Translate;
  /** Path and query without the language prefix. */
  path: string;
  href(path: string): string;
  region: Region;
  cities: City[];
  city: City | undefined;
  user: CurrentUser | undefined;
  /** Token for the hidden _csrf field; sets the CSRF cookie on first use when there is no session. */
  csrfToken(): string;
  assets: Assets;
  baseUrl: string;
}

export function buildPageContext(input: Omit<PageContext, 't' | 'href'>): PageContext {
  return { ...input, t: translator(input.locale), href: (p) => localePath(input.locale, p) };
}
