import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import { Layout } from '../../platform/web/layout.tsx';
import { renderMarkdown } from '../../platform/web/markdown.ts';
import { MiniMap } from '../../platform/web/minimap.tsx';
import { Pager } from '../../platform/web/pagination.tsx';
import type { Offer } from './model.ts';
import { isOpenAt, nextChange } from './opening-hours.ts';
import type { SearchParams, SearchResult } from './service.ts';
import {
  CATEGORIES,
  KIND_LABELS,
  LIFE_SITUATIONS,
  label,
  OFFER_KINDS,
  type OfferKind,
  TARGET_GROUPS,
} from './taxonomy.ts';
import './messages.ts';

export const cityBase = (city: { slug: string } | undefined | null) => (city ? `/${city.slug}` : '');

export function offerPath(offer: Pick<Offer, 'slug' | 'city'>): string {
  return `${offer.city ? `/${offer.city}` : ''}/angebote/${offer.slug}`;
}

/** Query string of a search, for pager and facet links. */
export function searchQuery(p: SearchParams, cities: City[], page?: number): string {
  const qs = new URLSearchParams();
  if (p.q) qs.set('q', p.q);
  for (const k of p.kinds ?? []) qs.append('art', k);
  for (const c of p.categories ?? []) qs.append('kategorie', c);
  for (const l of p.lifeSituations ?? []) qs.append('lebenslage', l);
  if (p.cityId && cities.length) {
    const c = cities.find((x) => x.id === p.cityId);
    if (c) qs.set('stadt', c.slug);
  }
  if (p.openNow) qs.set('offen', '1');
  if (p.online) qs.set('online', '1');
  if (page && page > 1) qs.set('seite', String(page));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

export function SearchBox({
  ctx,
  q,
  action,
  big,
}: {
  ctx: PageContext;
  q: string;
  action: string;
  big?: boolean;
}) {
  const { t } = ctx;
  return (
    <form
      role="search"
      method="get"
      action={ctx.href(action)}
      class={big ? 'sp-search sp-search--big' : 'sp-search'}
    >
      <label class="kern-label" for="suchbegriff">
        {t('dir.search.label')}
      </label>
      <div class="sp-search__row">
        <input
          class="kern-form-input__input"
          id="suchbegriff"
          name="q"
          type="search"
          value={q}
          maxLength={200}
          autocomplete="off"
          aria-describedby="suchbegriff-hint"
        />
        <button type="submit" class="kern-btn kern-btn--primary">
          <span class="kern-label">{t('dir.search.submit')}</span>
        </button>
      </div>
      <div class="kern-hint" id="suchbegriff-hint">
        {t('dir.search.hint')}
      </div>
    </form>
  );
}

function OpenBadge({ ctx, offer, now }: { ctx: PageContext; offer: Offer; now: Date }) {
  const open = isOpenAt(offer.openingHours, now);
  if (open === undefined) return null;
  return open ? (
    <span class="kern-badge kern-badge--success">
      <span class="kern-label kern-label--small">{ctx.t('dir.openNow')}</span>
    </span>
  ) : (
    <span class="kern-badge kern-badge--info">
      <span class="kern-label kern-label--small">{ctx.t('dir.closedNow')}</span>
    </span>
  );
}

export function OfferCard({ ctx, offer, now }: { ctx: PageContext; offer: Offer; now: Date }) {
  const cityName = offer.city
    ? ctx.cities.find((c) => c.slug === offer.city)?.shortName
    : ctx.t('dir.regionWide');
  return (
    <li class="sp-result">
      <h3 class="kern-heading-small sp-result__title">
        <a class="kern-link" href={ctx.href(offerPath(offer))}>
          {offer.title}
        </a>
      </h3>
      <p class="sp-result__meta kern-body--small">
        <span>{KIND_LABELS[offer.kind][ctx.locale]}</span>
        <span> · {cityName}</span>
        {offer.status === 'draft' && <span> · {ctx.t('dir.draft')}</span>}
      </p>
      <p class="kern-body">{offer.summary}</p>
      <OpenBadge ctx={ctx} offer={offer} now={now} />
    </li>
  );
}

function FacetGroup(props: {
  ctx: PageContext;
  legend: string;
  name: string;
  options: { value: string; label: string; count: number | undefined }[];
  selected: string[];
}) {
  const shown = props.options.filter((o) => o.count || props.selected.includes(o.value));
  if (shown.length === 0) return null;
  return (
    <fieldset class="kern-fieldset sp-facet">
      <legend class="kern-label">{props.legend}</legend>
      <div class="kern-fieldset__body">
        {shown.map((o) => {
          const id = `facet-${props.name}-${o.value}`;
          return (
            <div class="kern-form-check" key={o.value}>
              <input
                class="kern-form-check__checkbox"
                type="checkbox"
                id={id}
                name={props.name}
                value={o.value}
                checked={props.selected.includes(o.value)}
              />
              <label class="kern-label" for={id}>
                {o.label} <span class="sp-count">({o.count ?? 0})</span>
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

export function SearchPage(props: {
  ctx: PageContext;
  params: SearchParams;
  result: SearchResult;
  now: Date;
}) {
  const { ctx, params, result } = props;
  const { t, locale } = ctx;
  const base = cityBase(ctx.city);
  const action = `${base}/angebote`;
  const title = params.q ? t('dir.results.titleFor', { q: params.q }) : t('dir.results.title');
  const crumbs = [
    { label: ctx.city ? ctx.city.shortName : ctx.region.name, href: `${base}/` },
    { label: t('nav.offers') },
  ];
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs} description={t('dir.results.description')}>
      <h1 class="kern-heading-large">{t('nav.offers')}</h1>
      <SearchBox ctx={ctx} q={params.q ?? ''} action={action} />
      {result.suggestion && (
        <p class="kern-body sp-suggestion">
          {t('dir.results.suggestion')}{' '}
          <a class="kern-link" href={ctx.href(`${action}?q=${encodeURIComponent(result.suggestion)}`)}>
            {result.suggestion}
          </a>
          ?
        </p>
      )}
      <div class="sp-searchlayout">
        <form method="get" action={ctx.href(action)} class="sp-facets" aria-labelledby="filter-heading">
          <h2 class="kern-heading-small" id="filter-heading">
            {t('dir.filter.title')}
          </h2>
          {params.q && <input type="hidden" name="q" value={params.q} />}
          {!ctx.city && (
            <FacetGroup
              ctx={ctx}
              legend={t('dir.filter.city')}
              name="stadt"
              selected={params.cityId ? [ctx.cities.find((c) => c.id === params.cityId)?.slug ?? ''] : []}
              options={ctx.cities.map((c) => ({
                value: c.slug,
                label: c.shortName,
                count: result.facets.city[c.slug],
              }))}
            />
          )}
          <fieldset class="kern-fieldset sp-facet">
            <legend class="kern-label">{t('dir.filter.availability')}</legend>
            <div class="kern-fieldset__body">
              <div class="kern-form-check">
                <input
                  class="kern-form-check__checkbox"
                  type="checkbox"
                  id="facet-offen"
                  name="offen"
                  value="1"
                  checked={params.openNow}
                />
                <label class="kern-label" for="facet-offen">
                  {t('dir.openNow')}
                </label>
              </div>
              <div class="kern-form-check">
                <input
                  class="kern-form-check__checkbox"
                  type="checkbox"
                  id="facet-online"
                  name="online"
                  value="1"
                  checked={params.online}
                />
                <label class="kern-label" for="facet-online">
                  {t('dir.filter.online')}
                </label>
              </div>
            </div>
          </fieldset>
          <FacetGroup
            ctx={ctx}
            legend={t('dir.filter.kind')}
            name="art"
            selected={params.kinds ?? []}
            options={OFFER_KINDS.map((k) => ({
              value: k,
              label: KIND_LABELS[k][locale],
              count: result.facets.kind[k],
            }))}
          />
          <FacetGroup
            ctx={ctx}
            legend={t('dir.filter.category')}
            name="kategorie"
            selected={params.categories ?? []}
            options={CATEGORIES.map((c) => ({
              value: c.slug,
              label: c[locale],
              count: result.facets.category[c.slug],
            }))}
          />
          <FacetGroup
            ctx={ctx}
            legend={t('nav.lifeSituations')}
            name="lebenslage"
            selected={params.lifeSituations ?? []}
            options={LIFE_SITUATIONS.map((c) => ({
              value: c.slug,
              label: c[locale],
              count: result.facets.life[c.slug],
            }))}
          />
          <button type="submit" class="kern-btn kern-btn--secondary">
            <span class="kern-label">{t('dir.filter.apply')}</span>
          </button>
          {(params.kinds?.length ||
            params.categories?.length ||
            params.lifeSituations?.length ||
            params.openNow ||
            params.online) && (
            <p>
              <a
                class="kern-link"
                href={ctx.href(`${action}${params.q ? `?q=${encodeURIComponent(params.q)}` : ''}`)}
              >
                {t('dir.filter.reset')}
              </a>
            </p>
          )}
        </form>
        <section class="sp-results" aria-labelledby="results-heading">
          <h2 class="kern-heading-medium" id="results-heading" aria-live="polite">
            {t('dir.results.count', { n: result.total })}
          </h2>
          {result.total === 0 ? (
            <div class="sp-empty">
              <p class="kern-body">{t('dir.results.none')}</p>
              <ul>
                <li>{t('dir.results.tip1')}</li>
                <li>
                  <a class="kern-link" href={ctx.href(`${base}/lebenslagen`)}>
                    {t('dir.results.tip2')}
                  </a>
                </li>
              </ul>
            </div>
          ) : (
            <ol class="sp-resultlist" start={(result.page - 1) * result.perPage + 1}>
              {result.offers.map((o) => (
                <OfferCard ctx={ctx} offer={o} now={props.now} key={o.id} />
              ))}
            </ol>
          )}
          <Pager
            ctx={ctx}
            page={result.page}
            pages={result.pages}
            hrefFor={(n) => ctx.href(`${action}${searchQuery(params, ctx.cities, n)}`)}
          />
        </section>
      </div>
    </Layout>
  );
}

function weekdayTime(ctx: PageContext, d: Date): string {
  // nextChange returns Berlin wall-clock time in local fields.
  const days =
    ctx.locale === 'de'
      ? ['So', 'Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa']
      : ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return `${days[d.getDay()]} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function schemaOrg(ctx: PageContext, offer: Offer): object {
  const url = ctx.baseUrl + offerPath(offer);
  const city = ctx.cities.find((c) => c.slug === offer.city);
  const provider = {
    '@type': 'GovernmentOrganization',
    name: offer.provider || city?.name || ctx.region.name,
  };
  const place =
    offer.address && offer.location
      ? {
          address: {
            '@type': 'PostalAddress',
            streetAddress: offer.address.street,
            postalCode: offer.address.postalCode,
            addressLocality: offer.address.locality,
            addressCountry: 'DE',
          },
          geo: { '@type': 'GeoCoordinates', latitude: offer.location.lat, longitude: offer.location.lon },
        }
      : {};
  if (offer.kind === 'facility' || offer.kind === 'contact_point') {
    return {
      '@context': 'https://schema.org',
      '@type': KIND_LABELS[offer.kind as OfferKind].schemaOrg,
      name: offer.title,
      description: offer.summary,
      url,
      ...place,
      ...(offer.openingHours ? { openingHours: offer.openingHours } : {}),
      ...(offer.contact.phone ? { telephone: offer.contact.phone } : {}),
      ...(offer.contact.email ? { email: offer.contact.email } : {}),
      isAccessibleForFree: true,
    };
  }
  return {
    '@context': 'https://schema.org',
    '@type': offer.kind === 'online_service' ? 'GovernmentService' : 'Service',
    name: offer.title,
    description: offer.summary,
    url,
    provider,
    areaServed: city
      ? { '@type': 'City', name: city.name }
      : { '@type': 'AdministrativeArea', name: ctx.region.name },
    ...(offer.onlineServiceUrl
      ? { availableChannel: { '@type': 'ServiceChannel', serviceUrl: offer.onlineServiceUrl } }
      : {}),
    ...(offer.leikaKey
      ? { identifier: { '@type': 'PropertyValue', propertyID: 'LeiKa', value: offer.leikaKey } }
      : {}),
  };
}

export function OfferPage(props: { ctx: PageContext; offer: Offer; now: Date; boundary: unknown }) {
  const { ctx, offer, now } = props;
  const { t, locale } = ctx;
  const base = cityBase(ctx.city);
  const open = isOpenAt(offer.openingHours, now);
  const change = nextChange(offer.openingHours, now);
  const a11y = offer.accessibility;
  const yesNo = (v: boolean | undefined) =>
    v === undefined ? t('dir.unknown') : v ? t('dir.yes') : t('dir.no');
  return (
    <Layout
      ctx={ctx}
      title={offer.title}
      description={offer.summary}
      jsonLd={[schemaOrg(ctx, offer)]}
      islands={offer.location ? ['map'] : []}
      breadcrumbs={[
        { label: ctx.city ? ctx.city.shortName : ctx.region.name, href: `${base}/` },
        { label: t('nav.offers'), href: `${base}/angebote` },
        { label: offer.title },
      ]}
    >
      <article class="sp-offer">
        <p class="sp-offer__kind kern-body--small">
          {KIND_LABELS[offer.kind][locale]}
          {offer.status === 'draft' && <> · {t('dir.draft')}</>}
        </p>
        <h1 class="kern-heading-large">{offer.title}</h1>
        <p class="kern-body--large">{offer.summary}</p>
        {offer.onlineServiceUrl && (
          <p>
            <a class="kern-btn kern-btn--primary" href={offer.onlineServiceUrl} rel="noopener">
              <span class="kern-label">{t('dir.startOnline')}</span>
            </a>
          </p>
        )}
        <div class="sp-offer__grid">
          <div class="sp-offer__body">
            {/* Sanitised HTML from Markdown: see renderMarkdown. */}
            <div class="sp-prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(offer.body) }} />
            {offer.easyLanguage && (
              <section class="sp-easy" lang="de" aria-labelledby="leichte-sprache">
                <h2 class="kern-heading-small" id="leichte-sprache">
                  {t('dir.easyLanguage')}
                </h2>
                {offer.easyLanguage.split(/\n+/).map((p, i) => (
                  <p class="kern-body" key={i}>
                    {p}
                  </p>
                ))}
              </section>
            )}
          </div>
          <aside class="sp-offer__facts" aria-label={t('dir.facts')}>
            {offer.openingHours && (
              <section>
                <h2 class="kern-heading-small">{t('dir.openingHours')}</h2>
                <p>
                  {open ? (
                    <strong class="sp-open">{t('dir.openNow')}</strong>
                  ) : open === false ? (
                    <strong class="sp-closed">{t('dir.closedNow')}</strong>
                  ) : null}
                  {change && (
                    <span>
                      {' '}
                      ·{' '}
                      {open
                        ? t('dir.closesAt', { when: weekdayTime(ctx, change) })
                        : t('dir.opensAt', { when: weekdayTime(ctx, change) })}
                    </span>
                  )}
                </p>
                <p class="kern-body--small">
                  <code>{offer.openingHours}</code>
                </p>
              </section>
            )}
            {(offer.address || Object.keys(offer.contact).length > 0) && (
              <section>
                <h2 class="kern-heading-small">{t('dir.contact')}</h2>
                {offer.provider && <p>{offer.provider}</p>}
                {offer.address && (
                  <p>
                    {offer.address.street}
                    <br />
                    {offer.address.postalCode} {offer.address.locality}
                  </p>
                )}
                <ul class="sp-plainlist">
                  {offer.contact.phone && (
                    <li>
                      {t('dir.phone')}:{' '}
                      <a class="kern-link" href={`tel:${offer.contact.phone.replace(/[^0-9+]/g, '')}`}>
                        {offer.contact.phone}
                      </a>
                    </li>
                  )}
                  {offer.contact.email && (
                    <li>
                      {t('dir.email')}:{' '}
                      <a class="kern-link" href={`mailto:${offer.contact.email}`}>
                        {offer.contact.email}
                      </a>
                    </li>
                  )}
                  {offer.contact.website && (
                    <li>
                      <a class="kern-link" href={offer.contact.website} rel="noopener">
                        {t('dir.website')}
                      </a>
                    </li>
                  )}
                </ul>
              </section>
            )}
            {(offer.kind === 'facility' ||
              offer.kind === 'contact_point' ||
              Object.keys(a11y).length > 0) && (
              <section>
                <h2 class="kern-heading-small">{t('dir.accessibility')}</h2>
                <dl class="sp-facts">
                  <dt>{t('dir.stepFree')}</dt>
                  <dd>{yesNo(a11y.stepFree)}</dd>
                  <dt>{t('dir.toilet')}</dt>
                  <dd>{yesNo(a11y.toilet)}</dd>
                  <dt>{t('dir.hearingLoop')}</dt>
                  <dd>{yesNo(a11y.hearingLoop)}</dd>
                </dl>
              </section>
            )}
            {offer.location && (
              <section>
                <h2 class="kern-heading-small">{t('dir.location')}</h2>
                <MiniMap ctx={ctx} boundary={props.boundary} point={offer.location} label={offer.title} />
              </section>
            )}
          </aside>
        </div>
        <section class="sp-offer__meta">
          {offer.categories.length > 0 && (
            <p>
              {t('dir.filter.category')}:{' '}
              {offer.categories.map((c, i) => (
                <span key={c}>
                  {i > 0 && ', '}
                  <a class="kern-link" href={ctx.href(`${base}/angebote?kategorie=${c}`)}>
                    {label(CATEGORIES, c, locale)}
                  </a>
                </span>
              ))}
            </p>
          )}
          {offer.lifeSituations.length > 0 && (
            <p>
              {t('nav.lifeSituations')}:{' '}
              {offer.lifeSituations.map((l, i) => (
                <span key={l}>
                  {i > 0 && ', '}
                  <a class="kern-link" href={ctx.href(`${base}/lebenslagen/${l}`)}>
                    {label(LIFE_SITUATIONS, l, locale)}
                  </a>
                </span>
              ))}
            </p>
          )}
          {offer.targetGroups.length > 0 && (
            <p>
              {t('dir.targetGroups')}:{' '}
              {offer.targetGroups.map((g) => label(TARGET_GROUPS, g, locale)).join(', ')}
            </p>
          )}
          {offer.leikaKey && (
            <p class="kern-body--small">
              {t('dir.leika')}: {offer.leikaKey}
            </p>
          )}
          {offer.lastReviewed && (
            <p class="kern-body--small">
              {t('dir.lastReviewed', {
                date: new Date(offer.lastReviewed).toLocaleDateString(locale === 'de' ? 'de-DE' : 'en-GB'),
              })}
            </p>
          )}
        </section>
      </article>
    </Layout>
  );
}

export function LifeSituationsPage({ ctx, counts }: { ctx: PageContext; counts: Record<string, number> }) {
  const { t, locale } = ctx;
  const base = cityBase(ctx.city);
  return (
    <Layout
      ctx={ctx}
      title={t('nav.lifeSituations')}
      breadcrumbs={[
        { label: ctx.city ? ctx.city.shortName : ctx.region.name, href: `${base}/` },
        { label: t('nav.lifeSituations') },
      ]}
    >
      <h1 class="kern-heading-large">{t('nav.lifeSituations')}</h1>
      <p class="kern-body--large">{t('dir.life.intro')}</p>
      <ul class="sp-tiles">
        {LIFE_SITUATIONS.map((l) => (
          <li key={l.slug}>
            <a class="sp-tile" href={ctx.href(`${base}/lebenslagen/${l.slug}`)}>
              <span class="sp-tile__title">{l[locale]}</span>
              <span class="sp-tile__text">{locale === 'de' ? l.intro : l.introEn}</span>
              <span class="sp-tile__count">{t('dir.offersCount', { n: counts[l.slug] ?? 0 })}</span>
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function LifeSituationPage({
  ctx,
  slug,
  offers,
  now,
}: {
  ctx: PageContext;
  slug: string;
  offers: Offer[];
  now: Date;
}) {
  const { t, locale } = ctx;
  const base = cityBase(ctx.city);
  const life = LIFE_SITUATIONS.find((l) => l.slug === slug)!;
  const byKind = OFFER_KINDS.map((k) => ({ kind: k, offers: offers.filter((o) => o.kind === k) })).filter(
    (g) => g.offers.length,
  );
  return (
    <Layout
      ctx={ctx}
      title={life[locale]}
      description={locale === 'de' ? life.intro : life.introEn}
      breadcrumbs={[
        { label: ctx.city ? ctx.city.shortName : ctx.region.name, href: `${base}/` },
        { label: t('nav.lifeSituations'), href: `${base}/lebenslagen` },
        { label: life[locale] },
      ]}
    >
      <h1 class="kern-heading-large">{life[locale]}</h1>
      <p class="kern-body--large">{locale === 'de' ? life.intro : life.introEn}</p>
      {byKind.length === 0 && <p>{t('dir.results.none')}</p>}
      {byKind.map((g) => (
        <section key={g.kind} aria-labelledby={`kind-${g.kind}`}>
          <h2 class="kern-heading-medium" id={`kind-${g.kind}`}>
            {KIND_LABELS[g.kind][locale]}
          </h2>
          <ul class="sp-resultlist">
            {g.offers.map((o) => (
              <OfferCard ctx={ctx} offer={o} now={now} key={o.id} />
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}
