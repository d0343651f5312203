import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.ts';
import { localePath } from './i18n.ts';

export interface Crumb {
  label: string;
  href?: string;
}

export interface LayoutProps {
  ctx: PageContext;
  title: string;
  /** Meta description for search engines and link previews. */
  description?: string;
  breadcrumbs?: Crumb[];
  /** Island scripts this page needs (names from the asset manifest). */
  islands?: string[];
  /** JSON-LD blocks; rendered as data, never as script. */
  jsonLd?: object[];
  /** Staff pages get the admin navigation. */
  admin?: boolean;
  children?: ComponentChildren;
}

function CitySwitch({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <nav class="sp-cityswitch" aria-label={t('nav.city')}>
      <ul>
        <li>
          <a href={ctx.href('/')} aria-current={ctx.city ? undefined : 'true'}>
            {t('nav.region')}
          </a>
        </li>
        {ctx.cities.map((c) => (
          <li key={c.slug}>
            <a href={ctx.href(`/${c.slug}/`)} aria-current={ctx.city?.slug === c.slug ? 'true' : undefined}>
              {c.shortName}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function LanguageSwitch({ ctx }: { ctx: PageContext }) {
  const other = ctx.locale === 'de' ? 'en' : 'de';
  return (
    <a class="sp-lang" href={localePath(other, ctx.path)} hreflang={other} lang={other}>
      {other === 'en' ? 'English' : 'Deutsch'}
    </a>
  );
}

function AccountLinks({ ctx }: { ctx: PageContext }) {
  const { t, user } = ctx;
  if (!user) {
    return (
      <ul class="sp-account">
        <li>
          <a href={ctx.href('/login')}>{t('nav.login')}</a>
        </li>
        <li>
          <a href={ctx.href('/register')}>{t('nav.register')}</a>
        </li>
      </ul>
    );
  }
  const isStaff = user.roles.size > 0;
  return (
    <ul class="sp-account">
      {isStaff && (
        <li>
          <a href={ctx.href('/admin/')}>{t('nav.admin')}</a>
        </li>
      )}
      <li>
        <a href={ctx.href('/account')}>{t('nav.account')}</a>
      </li>
      <li>
        <form method="post" action={ctx.href('/logout')} class="sp-inline-form">
          <input type="hidden" name="_csrf" value={ctx.csrfToken()} />
          <button type="submit" class="sp-linkbutton">
            {t('nav.logout')}
          </button>
        </form>
      </li>
    </ul>
  );
}

/** Main sections; modules are added here as they arrive. */
function MainNav({ ctx }: { ctx: PageContext }) {
  const base = ctx.city ? `/${ctx.city.slug}` : '';
  const items = [
    { href: `${base}/angebote`, label: ctx.t('nav.offers') },
    { href: `${base}/lebenslagen`, label: ctx.t('nav.lifeSituations') },
    ...(ctx.city ? [{ href: `${base}/maengel`, label: ctx.t('nav.reports') }] : []),
    // The region has no participation overview of its own: its entry is the region-wide measures page.
    ctx.city
      ? { href: `${base}/beteiligung`, label: ctx.t('nav.participation') }
      : { href: '/massnahmen', label: ctx.t('nav.measures') },
    ...(ctx.city ? [{ href: `${base}/stadtdaten`, label: ctx.t('nav.sensors') }] : []),
    { href: `${base}/bonus`, label: ctx.t('nav.bonus') },
  ];
  return (
    <nav class="sp-mainnav" aria-label={ctx.t('nav.main')}>
      <ul>
        {items.map((i) => (
          <li key={i.href}>
            <a href={ctx.href(i.href)} aria-current={ctx.path.startsWith(i.href) ? 'page' : undefined}>
              {i.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Breadcrumbs({ ctx, items }: { ctx: PageContext; items: Crumb[] }) {
  return (
    <nav class="sp-breadcrumbs" aria-label={ctx.t('nav.breadcrumb')}>
      <ol>
        {items.map((c, i) => (
          <li key={`${i}-${c.label}`}>
            {c.href && i < items.length - 1 ? (
              <a href={ctx.href(c.href)}>{c.label}</a>
            ) : (
              <span aria-current="page">{c.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function Layout(props: LayoutProps) {
  const { ctx, title } = props;
  const { t } = ctx;
  const siteName = ctx.city
    ? `${ctx.city.name} – ${t('site.name')}`
    : `${ctx.region.name} – ${t('site.name')}`;
  const homeHref = ctx.href(ctx.city ? `/${ctx.city.slug}/` : '/');
  const legalBase = ctx.city ? `/${ctx.city.slug}` : '';
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} | ${siteName}`}</title>
        {props.description && <meta name="description" content={props.description} />}
        <link rel="stylesheet" href={ctx.assets.css} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="alternate" hreflang="de" href={ctx.baseUrl + localePath('de', ctx.path)} />
        <link rel="alternate" hreflang="en" href={ctx.baseUrl + localePath('en', ctx.path)} />
        {props.islands?.map((name) => {
          const src = ctx.assets.script(name);
          return src ? <script type="module" src={src} key={name} /> : null;
        })}
        {props.jsonLd?.map((data, i) => (
          <script
            type="application/ld+json"
            key={`ld${i}`}
            // JSON-LD is data: '<' is escaped so it cannot close the element.
            dangerouslySetInnerHTML={{ __html: JSON.stringify(data).replace(/</g, '\\u003c') }}
          />
        ))}
      </head>
      <body class={ctx.city ? `sp-city sp-city--${ctx.city.slug}` : 'sp-region'}>
        <a class="sp-skiplink" href="#inhalt">
          {t('nav.skip')}
        </a>
        <div class="sp-demo" role="note">
          {t('site.demo')}
        </div>
        <header class="sp-header">
          <div class="sp-header__inner">
            <a class="sp-brand" href={homeHref}>
              <span class="sp-brand__name">{ctx.city ? ctx.city.name : ctx.region.name}</span>
              <span class="sp-brand__sub">{t('site.name')}</span>
            </a>
            <div class="sp-header__tools">
              <CitySwitch ctx={ctx} />
              <LanguageSwitch ctx={ctx} />
              <AccountLinks ctx={ctx} />
            </div>
          </div>
          <MainNav ctx={ctx} />
        </header>
        <div class="sp-page">
          {props.breadcrumbs && props.breadcrumbs.length > 0 && (
            <Breadcrumbs ctx={ctx} items={props.breadcrumbs} />
          )}
          <main id="inhalt" tabIndex={-1} class={props.admin ? 'sp-main sp-main--admin' : 'sp-main'}>
            {props.children}
          </main>
        </div>
        <footer class="sp-footer">
          <nav aria-label="Footer">
            <ul>
              <li>
                <a href={ctx.href(`${legalBase}/impressum`)}>{t('footer.imprint')}</a>
              </li>
              <li>
                <a href={ctx.href(`${legalBase}/datenschutz`)}>{t('footer.privacy')}</a>
              </li>
              <li>
                <a href={ctx.href(`${legalBase}/barrierefreiheit`)}>{t('footer.accessibility')}</a>
              </li>
              <li>
                <a href={`${legalBase}/leichte-sprache`} lang="de">
                  {t('footer.easyLanguage')}
                </a>
              </li>
              <li>
                <a href={ctx.href('/api/docs')}>{t('footer.api')}</a>
              </li>
            </ul>
          </nav>
          <p class="sp-footer__license">{t('footer.license')}</p>
        </footer>
      </body>
    </html>
  );
}
