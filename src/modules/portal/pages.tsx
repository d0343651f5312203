import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import { addMessages } from '../../platform/web/i18n.ts';
import { Layout } from '../../platform/web/layout.tsx';
import { cityBase, SearchBox } from '../directory/pages.tsx';
import { CATEGORIES, LIFE_SITUATIONS } from '../directory/taxonomy.ts';

addMessages({
  de: {
    'portal.region.lead': 'Alle Angebote und digitalen Dienste der Städte {cities} an einem Ort.',
    'portal.city.lead': 'Angebote, Dienste und Ansprechpartner der Stadt {city} – online und vor Ort.',
    'portal.cities': 'Unsere Städte',
    'portal.popular': 'Häufig gesucht',
    'portal.life': 'Lebenslagen',
    'portal.allLife': 'Alle Lebenslagen',
    'portal.categories': 'Themen',
    'portal.easy': 'Diese Seite in Leichter Sprache',
    'portal.cityLink': 'Zum Portal von {city}',
    'portal.content': 'Aktuelles und Termine',
  },
  en: {
    'portal.region.lead': 'All services and digital offers of the cities of {cities} in one place.',
    'portal.city.lead': 'Services, offers and contacts of the city of {city} – online and in person.',
    'portal.cities': 'Our cities',
    'portal.popular': 'Frequently searched',
    'portal.life': 'Life situations',
    'portal.allLife': 'All life situations',
    'portal.categories': 'Topics',
    'portal.easy': 'This page in easy German (Leichte Sprache)',
    'portal.cityLink': 'Go to the portal of {city}',
    'portal.content': 'News and dates',
  },
});

const POPULAR = ['Personalausweis', 'Ummeldung', 'Wohngeld', 'Sperrmüll', 'Kita-Platz', 'Bibliothek'];

export function StartPage({ ctx, offerCounts }: { ctx: PageContext; offerCounts: Record<string, number> }) {
  const { t, locale, city } = ctx;
  const base = cityBase(city);
  const names = ctx.cities.map((c) => c.shortName).join(locale === 'de' ? ' und ' : ' and ');
  return (
    <Layout
      ctx={ctx}
      title={city ? city.name : ctx.region.name}
      description={
        city ? t('portal.city.lead', { city: city.name }) : t('portal.region.lead', { cities: names })
      }
    >
      <section class="sp-hero">
        <h1 class="kern-heading-display">{city ? city.name : ctx.region.name}</h1>
        <p class="kern-body--large">
          {city ? t('portal.city.lead', { city: city.name }) : t('portal.region.lead', { cities: names })}
        </p>
        <SearchBox ctx={ctx} q="" action={`${base}/angebote`} big />
        <p class="sp-popular">
          <span>{t('portal.popular')}: </span>
          {POPULAR.map((term, i) => (
            <span key={term}>
              {i > 0 && ', '}
              <a class="kern-link" href={ctx.href(`${base}/angebote?q=${encodeURIComponent(term)}`)}>
                {term}
              </a>
            </span>
          ))}
        </p>
        <p>
          <a class="kern-link" href={`${base}/leichte-sprache`} lang="de">
            {t('portal.easy')}
          </a>
        </p>
        <nav aria-label={t('portal.content')}>
          <ul class="sp-linklist">
            <li>
              <a class="kern-link" href={ctx.href(`${base}/aktuelles`)}>
                {t('content.news.title')}
              </a>
            </li>
            <li>
              <a class="kern-link" href={ctx.href(`${base}/veranstaltungen`)}>
                {t('content.events.title')}
              </a>
            </li>
            {city && (
              <li>
                <a class="kern-link" href={ctx.href(`${base}/aktionen`)}>
                  {t('content.campaigns.title')}
                </a>
              </li>
            )}
          </ul>
        </nav>
      </section>
      {!city && <CityList ctx={ctx} cities={ctx.cities} />}
      <section aria-labelledby="life-heading">
        <h2 class="kern-heading-medium" id="life-heading">
          {t('portal.life')}
        </h2>
        <ul class="sp-tiles">
          {LIFE_SITUATIONS.slice(0, 8).map((l) => (
            <li key={l.slug}>
              <a class="sp-tile" href={ctx.href(`${base}/lebenslagen/${l.slug}`)}>
                <span class="sp-tile__title">{l[locale]}</span>
                <span class="sp-tile__text">{locale === 'de' ? l.intro : l.introEn}</span>
              </a>
            </li>
          ))}
        </ul>
        <p>
          <a class="kern-link" href={ctx.href(`${base}/lebenslagen`)}>
            {t('portal.allLife')}
          </a>
        </p>
      </section>
      <section aria-labelledby="cat-heading">
        <h2 class="kern-heading-medium" id="cat-heading">
          {t('portal.categories')}
        </h2>
        <ul class="sp-linkgrid">
          {CATEGORIES.map((c) => (
            <li key={c.slug}>
              <a class="kern-link" href={ctx.href(`${base}/angebote?kategorie=${c.slug}`)}>
                {c[locale]} <span class="sp-count">({offerCounts[c.slug] ?? 0})</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    </Layout>
  );
}

function CityList({ ctx, cities }: { ctx: PageContext; cities: City[] }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="cities-heading">
      <h2 class="kern-heading-medium" id="cities-heading">
        {t('portal.cities')}
      </h2>
      <ul class="sp-tiles sp-tiles--cities">
        {cities.map((c) => (
          <li key={c.slug}>
            <a class="sp-tile" href={ctx.href(`/${c.slug}/`)}>
              <span class="sp-tile__title">{c.name}</span>
              <span class="sp-tile__text">{t('portal.cityLink', { city: c.shortName })}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
