import type { PageContext } from '../../platform/web/context.ts';
import { Layout } from '../../platform/web/layout.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import { type DatasetMeta, DEFAULT_LICENSE, LICENSES, THEMES, type Theme } from './model.ts';

export const L = (ctx: PageContext, de: string, en: string) => (ctx.locale === 'en' ? en : de);

const dateFmt = (ctx: PageContext, d: Date) =>
  new Intl.DateTimeFormat(ctx.locale === 'en' ? 'en-GB' : 'de-DE', {
    dateStyle: 'medium',
    timeZone: 'Europe/Berlin',
  }).format(new Date(d));

const themeLabel = (ctx: PageContext, t: Theme) => THEMES[t]?.[ctx.locale] ?? t;
const licenseLabel = (iri: string | undefined) =>
  LICENSES.find((l) => l.iri === (iri ?? DEFAULT_LICENSE))?.label ?? iri ?? '';

function publisherName(ctx: PageContext, ds: DatasetMeta) {
  const city = ctx.cities.find((c) => c.id === ds.cityId);
  return city ? `Stadt ${city.name}` : ctx.region.name;
}

export function CatalogPage(props: {
  ctx: PageContext;
  datasets: DatasetMeta[];
  total: number;
  filter: { q: string; theme: string; city: string };
}) {
  const { ctx, filter } = props;
  const title = L(ctx, 'Offene Daten', 'Open data');
  return (
    <Layout
      ctx={ctx}
      title={title}
      description={L(
        ctx,
        'Alle öffentlichen Datensätze der Stadtplattform als CSV und GeoJSON, mit Katalog nach DCAT-AP.de.',
        'All public datasets of the platform as CSV and GeoJSON, with a DCAT-AP.de catalog.',
      )}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body--large">
        {L(
          ctx,
          'Die Daten der Plattform zum freien Weiterverwenden: als Tabelle (CSV), als Geodaten (GeoJSON) und über offene Schnittstellen. Die Liste entsteht aus den Daten selbst und ist immer aktuell.',
          'The platform’s data for free re-use: as tables (CSV), as geodata (GeoJSON) and through open APIs. The list is generated from the data itself and always current.',
        )}
      </p>
      <p>
        {L(ctx, 'Maschinenlesbarer Katalog (DCAT-AP.de):', 'Machine-readable catalog (DCAT-AP.de):')}{' '}
        <a class="kern-link" href="/opendata/catalog.ttl" type="text/turtle">
          Turtle
        </a>
        ,{' '}
        <a class="kern-link" href="/opendata/catalog.rdf" type="application/rdf+xml">
          RDF/XML
        </a>
        ,{' '}
        <a class="kern-link" href="/opendata/catalog.jsonld" type="application/ld+json">
          JSON-LD
        </a>
      </p>
      <form method="get" action={ctx.href('/opendata/')} class="sp-filter" role="search">
        <div class="kern-form-input">
          <label class="kern-label" for="f-q">
            {L(ctx, 'Datensätze durchsuchen', 'Search datasets')}
          </label>
          <input
            class="kern-form-input__input"
            id="f-q"
            name="q"
            type="search"
            value={filter.q}
            maxLength={200}
          />
        </div>
        <div class="kern-form-input">
          <label class="kern-label" for="f-thema">
            {L(ctx, 'Thema', 'Theme')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-thema" name="thema">
              <option value="">{L(ctx, 'Alle Themen', 'All themes')}</option>
              {(Object.keys(THEMES) as Theme[]).map((t) => (
                <option key={t} value={t} selected={t === filter.theme}>
                  {themeLabel(ctx, t)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="kern-form-input">
          <label class="kern-label" for="f-stadt">
            {L(ctx, 'Herausgeber', 'Publisher')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-stadt" name="stadt">
              <option value="">{L(ctx, 'Alle', 'All')}</option>
              <option value="region" selected={filter.city === 'region'}>
                {ctx.region.name}
              </option>
              {ctx.cities.map((c) => (
                <option key={c.slug} value={c.slug} selected={c.slug === filter.city}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button class="kern-btn kern-btn--secondary" type="submit">
          <span class="kern-label">{L(ctx, 'Suchen', 'Search')}</span>
        </button>
      </form>
      <h2 class="kern-heading-medium" id="treffer">
        {props.datasets.length === props.total
          ? L(ctx, `${props.total} Datensätze`, `${props.total} datasets`)
          : L(
              ctx,
              `${props.datasets.length} von ${props.total} Datensätzen`,
              `${props.datasets.length} of ${props.total} datasets`,
            )}
      </h2>
      {props.datasets.length === 0 && (
        <p>{L(ctx, 'Keine Datensätze gefunden. Versuchen Sie andere Suchwörter.', 'No datasets found.')}</p>
      )}
      <ul class="sp-datasets">
        {props.datasets.map((d) => (
          <li key={d.slug} class="sp-dataset">
            <h3 class="kern-heading-small">
              <a class="kern-link" href={ctx.href(`/opendata/datasets/${d.slug}`)}>
                {d.title}
              </a>
            </h3>
            <p>{d.description}</p>
            <p class="kern-body--small">
              {publisherName(ctx, d)} · {d.themes.map((t) => themeLabel(ctx, t)).join(', ')}
              {d.modified && ` · ${L(ctx, 'Stand', 'Updated')} ${dateFmt(ctx, d.modified)}`}
            </p>
            <p class="sp-dataset__formats">
              {d.download && (
                <a class="kern-link" href={`/opendata/datasets/${d.slug}.csv`} download>
                  CSV<span class="sp-visually-hidden"> – {d.title}</span>
                </a>
              )}
              {d.download?.geo && (
                <a class="kern-link" href={`/opendata/datasets/${d.slug}.geojson`} download>
                  GeoJSON<span class="sp-visually-hidden"> – {d.title}</span>
                </a>
              )}
              {(d.links ?? []).map((l) => (
                <a key={l.url} class="kern-link" href={l.url} rel="noopener">
                  {l.format}
                  <span class="sp-visually-hidden"> – {l.title}</span>
                </a>
              ))}
              {(d.services ?? []).map((s) => (
                <a key={s.endpointUrl} class="kern-link" href={s.accessUrl ?? s.endpointUrl}>
                  API<span class="sp-visually-hidden"> – {s.title}</span>
                </a>
              ))}
            </p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export function DatasetPage({ ctx, dataset: d }: { ctx: PageContext; dataset: DatasetMeta }) {
  const base = `/opendata/datasets/${d.slug}`;
  return (
    <Layout
      ctx={ctx}
      title={d.title}
      description={d.description.slice(0, 300)}
      breadcrumbs={[{ label: L(ctx, 'Offene Daten', 'Open data'), href: '/opendata/' }, { label: d.title }]}
    >
      <h1 class="kern-heading-large">{d.title}</h1>
      <p class="kern-body--large">{d.description}</p>
      <dl class="sp-facts">
        <dt>{L(ctx, 'Herausgeber', 'Publisher')}</dt>
        <dd>{publisherName(ctx, d)}</dd>
        <dt>{L(ctx, 'Thema', 'Theme')}</dt>
        <dd>{d.themes.map((t) => themeLabel(ctx, t)).join(', ')}</dd>
        <dt>{L(ctx, 'Lizenz', 'Licence')}</dt>
        <dd>{licenseLabel(d.license)}</dd>
        {d.modified && (
          <>
            <dt>{L(ctx, 'Stand', 'Updated')}</dt>
            <dd>{dateFmt(ctx, d.modified)}</dd>
          </>
        )}
        {d.temporal?.start && (
          <>
            <dt>{L(ctx, 'Zeitraum', 'Period')}</dt>
            <dd>
              {dateFmt(ctx, d.temporal.start)} – {d.temporal.end ? dateFmt(ctx, d.temporal.end) : ''}
            </dd>
          </>
        )}
        {d.landingPage && (
          <>
            <dt>{L(ctx, 'Ansehen', 'View')}</dt>
            <dd>
              <a class="kern-link" href={d.landingPage}>
                {d.landingPage}
              </a>
            </dd>
          </>
        )}
      </dl>
      <h2 class="kern-heading-medium">{L(ctx, 'Herunterladen', 'Download')}</h2>
      <ul>
        {d.download && (
          <li>
            <a class="kern-link" href={`${base}.csv`} download>
              CSV (UTF-8, {L(ctx, 'Komma-getrennt', 'comma-separated')})
            </a>{' '}
            ·{' '}
            <a class="kern-link" href={`${base}/schema`}>
              {L(ctx, 'Spaltenbeschreibung (Table Schema)', 'Column schema (Table Schema)')}
            </a>
          </li>
        )}
        {d.download?.geo && (
          <li>
            <a class="kern-link" href={`${base}.geojson`} download>
              GeoJSON (RFC 7946, WGS84)
            </a>
          </li>
        )}
        {(d.links ?? []).map((l) => (
          <li key={l.url}>
            <a class="kern-link" href={l.url} rel="noopener">
              {l.title} ({l.format})
            </a>
          </li>
        ))}
        {(d.services ?? []).map((s) => (
          <li key={s.endpointUrl}>
            <a class="kern-link" href={s.accessUrl ?? s.endpointUrl}>
              {s.title}
            </a>
          </li>
        ))}
      </ul>
      {d.download && (
        <>
          <h2 class="kern-heading-medium" id="spalten">
            {L(ctx, 'Spalten', 'Columns')}
          </h2>
          <TableWrap label={L(ctx, 'Spalten der Tabelle', 'Columns of the table')}>
            <table class="kern-table">
              <thead>
                <tr>
                  <th scope="col">{L(ctx, 'Spalte', 'Column')}</th>
                  <th scope="col">{L(ctx, 'Typ', 'Type')}</th>
                  <th scope="col">{L(ctx, 'Bedeutung', 'Meaning')}</th>
                </tr>
              </thead>
              <tbody>
                {d.download.columns.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">
                      <code>{c.name}</code>
                    </th>
                    <td>{c.datatype}</td>
                    <td>{c.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </Layout>
  );
}
