import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { type Crumb, Layout } from '../../platform/web/layout.tsx';
import { Pager } from '../../platform/web/pagination.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import type { LayerDef } from './model.ts';
import type { BBox, ContributionRow, ListedFeature, SearchHit } from './service.ts';

export const L = (ctx: PageContext, de: string, en: string) => (ctx.locale === 'en' ? en : de);

export const mapBase = (ctx: PageContext) => (ctx.city ? `/${ctx.city.slug}/karte` : '/karte');

function crumbs(ctx: PageContext, last?: Crumb): Crumb[] {
  const items: Crumb[] = ctx.city ? [{ label: ctx.city.shortName, href: `/${ctx.city.slug}/` }] : [];
  items.push({ label: L(ctx, 'Karte', 'Map'), ...(last ? { href: mapBase(ctx) } : {}) });
  if (last) items.push(last);
  return items;
}

/** Public view of a layer for pages and the island: everything but the SQL. */
export interface LayerInfo {
  key: string;
  title: string;
  description: string;
  color: string;
  symbol: LayerDef['symbol'];
  dataset?: string | undefined;
  contribution?: LayerDef['contribution'];
}

export const layerInfo = (ctx: PageContext, l: LayerDef): LayerInfo => ({
  key: l.key,
  title: l.title[ctx.locale],
  description: l.description[ctx.locale],
  color: l.color,
  symbol: l.symbol,
  dataset: l.dataset,
  contribution: l.contribution,
});

export interface PictureLayer {
  layer: LayerInfo;
  features: { id: string; name: string; geometry: unknown }[];
}

type Pos = [number, number];

/** The map as a picture drawn on the server: works without JavaScript and without any tile server. */
function MapPicture(props: {
  ctx: PageContext;
  bbox: BBox;
  layers: PictureLayer[];
  focus?: Pos | undefined;
}) {
  const [w, s, e, n] = props.bbox;
  const kx = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const width = 800;
  const scale = width / ((e - w) * kx);
  const height = Math.round((n - s) * scale);
  const x = (lon: number) => ((lon - w) * kx * scale).toFixed(1);
  const y = (lat: number) => ((n - lat) * scale).toFixed(1);
  const path = (rings: Pos[][], close: boolean) =>
    rings
      .map((r) => `M${r.map(([lon, lat]) => `${x(lon)},${y(lat)}`).join('L')}${close ? 'Z' : ''}`)
      .join('');
  const shapes = (g: { type: string; coordinates: unknown }, color: string, key: string, title: string) => {
    const t = <title>{title}</title>;
    switch (g.type) {
      case 'Point': {
        const [lon, lat] = g.coordinates as Pos;
        return (
          <circle key={key} cx={x(lon)} cy={y(lat)} r="6" fill={color} stroke="#fff" stroke-width="1.5">
            {t}
          </circle>
        );
      }
      case 'MultiPoint':
        return (g.coordinates as Pos[]).map(([lon, lat], i) => (
          <circle
            key={`${key}-${i}`}
            cx={x(lon)}
            cy={y(lat)}
            r="6"
            fill={color}
            stroke="#fff"
            stroke-width="1.5"
          >
            {t}
          </circle>
        ));
      case 'LineString':
      case 'MultiLineString': {
        const lines = g.type === 'LineString' ? [g.coordinates as Pos[]] : (g.coordinates as Pos[][]);
        return (
          <path key={key} d={path(lines, false)} fill="none" stroke={color} stroke-width="3">
            {t}
          </path>
        );
      }
      case 'Polygon':
      case 'MultiPolygon': {
        const rings = g.type === 'Polygon' ? (g.coordinates as Pos[][]) : (g.coordinates as Pos[][][]).flat();
        return (
          <path
            key={key}
            d={path(rings, true)}
            fill={color}
            fill-opacity="0.08"
            stroke={color}
            stroke-width="2"
            fill-rule="evenodd"
          >
            {t}
          </path>
        );
      }
      default:
        return null;
    }
  };
  return (
    <svg
      class="sp-map__picture"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={L(
        props.ctx,
        `Kartenbild mit den Ebenen: ${props.layers.map((l) => l.layer.title).join(', ')}. Die Inhalte stehen auch in den Listen unter der Karte.`,
        `Map picture with the layers: ${props.layers.map((l) => l.layer.title).join(', ')}. The contents are also in the lists below the map.`,
      )}
    >
      {props.layers.map((pl) =>
        pl.features.map((f) =>
          shapes(
            f.geometry as { type: string; coordinates: unknown },
            pl.layer.color,
            `${pl.layer.key}-${f.id}`,
            f.name,
          ),
        ),
      )}
      {props.focus && (
        <circle
          cx={x(props.focus[0])}
          cy={y(props.focus[1])}
          r="10"
          fill="none"
          stroke="#000"
          stroke-width="3"
        />
      )}
    </svg>
  );
}

export function Legend({ layer }: { layer: LayerInfo }) {
  return (
    <svg class="sp-map__swatch" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
      {layer.symbol === 'point' && (
        <circle cx="9" cy="9" r="6" fill={layer.color} stroke="#fff" stroke-width="1.5" />
      )}
      {layer.symbol === 'line' && <path d="M2 14 L16 4" stroke={layer.color} stroke-width="3" />}
      {layer.symbol === 'area' && (
        <rect
          x="2"
          y="2"
          width="14"
          height="14"
          fill={layer.color}
          fill-opacity="0.15"
          stroke={layer.color}
          stroke-width="2"
        />
      )}
    </svg>
  );
}

export function MapPage(props: {
  ctx: PageContext;
  layers: LayerInfo[];
  selected: string[];
  bbox: BBox;
  picture: PictureLayer[];
  counts: Record<string, number>;
  search: { q: string; hits: SearchHit[] | undefined };
  focus: { lon: number; lat: number; zoom: number } | undefined;
  tiles: { url: string; attribution: string } | undefined;
}) {
  const { ctx, selected } = props;
  const base = mapBase(ctx);
  const title = ctx.city
    ? L(ctx, `Karte von ${ctx.city.shortName}`, `Map of ${ctx.city.shortName}`)
    : L(ctx, 'Karte der Region', 'Map of the region');
  const contributionLayers = props.layers.filter((l) => l.contribution?.open);
  const layerQuery = `ebenen=${selected.join(',')}`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      description={L(
        ctx,
        'Karte mit Angeboten, Meldungen, Stadttaler-Orten und weiteren Ebenen.',
        'Map with offers, reports, bonus places and more layers.',
      )}
      breadcrumbs={crumbs(ctx)}
      islands={['map-view']}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p>
        {L(
          ctx,
          'Wählen Sie die Ebenen, die die Karte zeigen soll. Alles auf der Karte finden Sie auch als Liste.',
          'Choose the layers the map shows. Everything on the map is also available as a list.',
        )}
      </p>
      {contributionLayers.length > 0 && (
        <div class="kern-alert kern-alert--info sp-map__ask">
          <div class="kern-alert__body">
            {contributionLayers.map((l) => (
              <p key={l.key}>
                <strong>{l.contribution!.question}</strong>{' '}
                <a
                  class="kern-link"
                  href={ctx.href(
                    `/${ctx.city?.slug ?? ctx.cities[0]?.slug}/karte/mitmachen/${l.contribution!.slug}`,
                  )}
                >
                  {L(ctx, 'Jetzt mitmachen', 'Take part')}
                </a>
              </p>
            ))}
          </div>
        </div>
      )}
      <form method="get" action={ctx.href(base)} class="sp-map__search" role="search">
        <div class="kern-form-input">
          <label class="kern-label" for="f-suche">
            {L(ctx, 'Adresse oder Ort suchen', 'Search an address or place')}
          </label>
          <input
            class="kern-form-input__input"
            id="f-suche"
            name="suche"
            type="search"
            value={props.search.q}
            maxLength={100}
          />
        </div>
        {selected.map((k) => (
          <input key={k} type="hidden" name="ebenen" value={k} />
        ))}
        <button class="kern-btn kern-btn--secondary" type="submit">
          <span class="kern-label">{L(ctx, 'Suchen', 'Search')}</span>
        </button>
      </form>
      {props.search.hits && (
        <section class="sp-map__hits" aria-labelledby="treffer">
          <h2 class="kern-heading-small" id="treffer" tabIndex={-1}>
            {props.search.hits.length
              ? L(
                  ctx,
                  `${props.search.hits.length} Treffer für „${props.search.q}“`,
                  `${props.search.hits.length} results for “${props.search.q}”`,
                )
              : L(ctx, `Keine Treffer für „${props.search.q}“`, `No results for “${props.search.q}”`)}
          </h2>
          <ul>
            {props.search.hits.map((h) => {
              const layers = selected.includes(h.layer) ? selected : [...selected, h.layer];
              return (
                <li key={`${h.layer}-${h.id}`}>
                  <a
                    class="kern-link"
                    href={ctx.href(`${base}?ebenen=${layers.join(',')}&lat=${h.lat}&lon=${h.lon}&z=17`)}
                    data-lat={h.lat}
                    data-lon={h.lon}
                  >
                    {h.name}
                  </a>
                  {h.info ? ` – ${h.info}` : ''}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <div class="sp-map">
        <form method="get" action={ctx.href(base)} class="sp-map__layers" id="ebenen">
          <fieldset class="kern-fieldset">
            <legend class="kern-label">{L(ctx, 'Ebenen und Legende', 'Layers and legend')}</legend>
            <div class="kern-fieldset__body">
              {props.layers.map((l) => (
                <div class="kern-form-check" key={l.key}>
                  <input
                    class="kern-form-check__checkbox"
                    type="checkbox"
                    id={fieldId(`ebene-${l.key}`)}
                    name="ebenen"
                    value={l.key}
                    checked={selected.includes(l.key)}
                    data-color={l.color}
                    data-title={l.title}
                  />
                  <label class="kern-label" for={fieldId(`ebene-${l.key}`)}>
                    <Legend layer={l} /> {l.title}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          {props.focus && (
            <>
              <input type="hidden" name="lat" value={String(props.focus.lat)} />
              <input type="hidden" name="lon" value={String(props.focus.lon)} />
              <input type="hidden" name="z" value={String(props.focus.zoom)} />
            </>
          )}
          <button class="kern-btn kern-btn--secondary sp-map__apply" type="submit">
            <span class="kern-label">{L(ctx, 'Karte aktualisieren', 'Update map')}</span>
          </button>
        </form>
        <figure
          class="sp-map__figure"
          id="karte"
          data-bbox={props.bbox.join(',')}
          data-city={ctx.city?.slug ?? ''}
          data-api="/api/v1/karte"
          data-base={ctx.href(base)}
          data-focus={props.focus ? `${props.focus.lat},${props.focus.lon},${props.focus.zoom}` : undefined}
          data-tiles={props.tiles?.url}
          data-attribution={props.tiles?.attribution}
          data-lang={ctx.locale}
        >
          <MapPicture
            ctx={ctx}
            bbox={props.bbox}
            layers={props.picture}
            focus={props.focus ? [props.focus.lon, props.focus.lat] : undefined}
          />
          <figcaption class="kern-body--small">
            {props.tiles
              ? props.tiles.attribution
              : L(
                  ctx,
                  'Ohne Hintergrundkarte: Es werden keine Daten an andere Server übertragen.',
                  'No background map: no data goes to other servers.',
                )}
          </figcaption>
        </figure>
      </div>
      <h2 class="kern-heading-medium" id="listen">
        {L(ctx, 'Die Ebenen als Liste', 'The layers as lists')}
      </h2>
      <TableWrap label={L(ctx, 'Ebenen der Karte', 'Layers of the map')}>
        <table class="kern-table">
          <thead>
            <tr>
              <th scope="col">{L(ctx, 'Ebene', 'Layer')}</th>
              <th scope="col">{L(ctx, 'Beschreibung', 'Description')}</th>
              <th scope="col">{L(ctx, 'Objekte', 'Items')}</th>
              <th scope="col">{L(ctx, 'Daten', 'Data')}</th>
            </tr>
          </thead>
          <tbody>
            {props.layers.map((l) => (
              <tr key={l.key}>
                <th scope="row">
                  <a class="kern-link" href={ctx.href(`${base}/ebenen/${l.key}`)}>
                    {l.title}
                  </a>
                </th>
                <td>{l.description}</td>
                <td>{props.counts[l.key] ?? '–'}</td>
                <td>
                  {l.dataset ? (
                    <a class="kern-link" href={`/opendata/datasets/${l.dataset}`}>
                      {L(ctx, 'Offene Daten', 'Open data')}
                      <span class="sp-visually-hidden"> – {l.title}</span>
                    </a>
                  ) : (
                    '–'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p class="kern-body--small">
        {L(ctx, 'Link zu dieser Ansicht:', 'Link to this view:')}{' '}
        <a class="kern-link" href={ctx.href(`${base}?${layerQuery}`)} id="deeplink">
          {ctx.baseUrl}
          {ctx.href(`${base}?${layerQuery}`)}
        </a>
      </p>
    </Layout>
  );
}

export function LayerListPage(props: {
  ctx: PageContext;
  layer: LayerInfo;
  items: ListedFeature[];
  total: number;
  page: number;
  pages: number;
}) {
  const { ctx, layer } = props;
  const base = mapBase(ctx);
  return (
    <Layout ctx={ctx} title={layer.title} breadcrumbs={crumbs(ctx, { label: layer.title })}>
      <h1 class="kern-heading-large">{layer.title}</h1>
      <p>{layer.description}</p>
      <p>
        <a class="kern-link" href={ctx.href(`${base}?ebenen=${layer.key}`)}>
          {L(ctx, 'Auf der Karte zeigen', 'Show on the map')}
        </a>
        {layer.dataset && (
          <>
            {' · '}
            <a class="kern-link" href={`/opendata/datasets/${layer.dataset}`}>
              {L(ctx, 'Als offene Daten herunterladen', 'Download as open data')}
            </a>
          </>
        )}
      </p>
      <p>{L(ctx, `${props.total} Einträge`, `${props.total} entries`)}</p>
      <TableWrap label={layer.title}>
        <table class="kern-table">
          <thead>
            <tr>
              <th scope="col">{L(ctx, 'Name', 'Name')}</th>
              <th scope="col">{L(ctx, 'Angaben', 'Details')}</th>
              <th scope="col">{L(ctx, 'Lage (Breite, Länge)', 'Location (lat, lon)')}</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((f) => (
              <tr key={f.id}>
                <th scope="row">
                  {f.url ? (
                    <a class="kern-link" href={f.url}>
                      {f.name || L(ctx, '(ohne Namen)', '(no name)')}
                    </a>
                  ) : (
                    f.name || L(ctx, '(ohne Namen)', '(no name)')
                  )}
                </th>
                <td>{f.info}</td>
                <td>
                  <a
                    class="kern-link"
                    href={ctx.href(`${base}?ebenen=${layer.key}&lat=${f.lat}&lon=${f.lon}&z=17`)}
                  >
                    {f.lat.toFixed(5)}, {f.lon.toFixed(5)}
                    <span class="sp-visually-hidden"> – {L(ctx, 'auf der Karte', 'on the map')}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <Pager
        ctx={ctx}
        page={props.page}
        pages={props.pages}
        hrefFor={(p) => ctx.href(`${base}/ebenen/${layer.key}${p > 1 ? `?seite=${p}` : ''}`)}
      />
    </Layout>
  );
}

/** A file input in the KERN form pattern (label, hint, error), for photos and uploads. */
export function FileField(props: {
  ctx: PageContext;
  name: string;
  label: string;
  hint: string;
  error?: string | undefined;
  accept: string;
  optional?: boolean;
}) {
  const id = fieldId(props.name);
  return (
    <div class={props.error ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
      <label class="kern-label" for={id}>
        {props.label}
        {props.optional && <span class="kern-label__optional"> {props.ctx.t('form.optional')}</span>}
      </label>
      <div class="kern-hint" id={`${id}-hint`}>
        {props.hint}
      </div>
      {props.error && (
        <p class="kern-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
      <input
        class="kern-form-input__input"
        type="file"
        id={id}
        name={props.name}
        accept={props.accept}
        aria-describedby={props.error ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
    </div>
  );
}

export interface ContributionValues {
  kind: string;
  lat: string;
  lon: string;
  line: string;
  comment: string;
}

export function ContributePage(props: {
  ctx: PageContext;
  layer: {
    id: number;
    slug: string;
    title: string;
    description: string;
    question: string;
    open: boolean;
    color: string;
  };
  contributions: ContributionRow[];
  values: ContributionValues;
  errors: FieldErrors;
  bbox: BBox;
  notice?: string | undefined;
  tiles: { url: string; attribution: string } | undefined;
}) {
  const { ctx, layer, values, errors } = props;
  const action = `/${ctx.city!.slug}/karte/mitmachen/${layer.slug}`;
  const mine = props.contributions.filter((c) => c.mine && c.status === 'pending');
  const published = props.contributions.filter((c) => c.status === 'published');
  return (
    <Layout
      ctx={ctx}
      title={`${errors && Object.keys(errors).length ? L(ctx, 'Fehler: ', 'Error: ') : ''}${layer.question}`}
      breadcrumbs={crumbs(ctx, { label: layer.title })}
      islands={['map-view']}
    >
      <h1 class="kern-heading-large">{layer.question}</h1>
      <p>{layer.description}</p>
      {props.notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p>{props.notice}</p>
          </div>
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      {!layer.open ? (
        <p>
          {L(
            ctx,
            'Diese Beteiligung ist abgeschlossen. Die Ergebnisse sehen Sie unten.',
            'This consultation is closed. See the results below.',
          )}
        </p>
      ) : !ctx.user ? (
        <p>
          <a class="kern-btn kern-btn--primary" href={ctx.href(`/login?next=${encodeURIComponent(action)}`)}>
            <span class="kern-label">{L(ctx, 'Anmelden und mitmachen', 'Sign in to take part')}</span>
          </a>
        </p>
      ) : (
        <form
          method="post"
          action={ctx.href(action)}
          enctype="multipart/form-data"
          class="sp-contribute"
          novalidate
        >
          <CsrfField ctx={ctx} />
          <h2 class="kern-heading-medium">{L(ctx, 'Ihr Beitrag', 'Your contribution')}</h2>
          <fieldset class="kern-fieldset">
            <legend class="kern-label">
              {L(ctx, 'Was möchten Sie eintragen?', 'What do you want to add?')}
            </legend>
            <div class="kern-fieldset__body kern-fieldset__body--horizontal">
              {[
                ['point', L(ctx, 'Einen Punkt', 'A point')],
                ['line', L(ctx, 'Eine Linie', 'A line')],
              ].map(([v, label]) => (
                <div class="kern-form-check" key={v}>
                  <input
                    class="kern-form-check__radio"
                    type="radio"
                    name="kind"
                    id={fieldId(`kind-${v}`)}
                    value={v}
                    checked={(values.kind || 'point') === v}
                  />
                  <label class="kern-label" for={fieldId(`kind-${v}`)}>
                    {label}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <figure
            class="sp-map__figure sp-map__figure--pick"
            data-bbox={props.bbox.join(',')}
            data-pick="true"
            data-api="/api/v1/karte"
            data-city={ctx.city!.slug}
            data-tiles={props.tiles?.url}
            data-attribution={props.tiles?.attribution}
            data-lang={ctx.locale}
            data-color={layer.color}
          >
            <figcaption class="kern-body--small">
              {L(
                ctx,
                'Mit der Karte: klicken Sie auf den Ort oder verschieben Sie die Karte mit den Pfeiltasten und wählen Sie „Kartenmitte übernehmen“. Ohne Karte: Koordinaten unten eingeben.',
                'With the map: click the place, or move the map with the arrow keys and choose “Use map centre”. Without the map: enter coordinates below.',
              )}
            </figcaption>
          </figure>
          <div class="sp-contribute__point">
            <TextField
              ctx={ctx}
              name="lat"
              label={L(ctx, 'Breite (Punkt)', 'Latitude (point)')}
              hint={L(ctx, 'z. B. 48,8374', 'e.g. 48.8374')}
              value={values.lat}
              error={errors.lat}
              inputMode="decimal"
              optional
            />
            <TextField
              ctx={ctx}
              name="lon"
              label={L(ctx, 'Länge (Punkt)', 'Longitude (point)')}
              hint={L(ctx, 'z. B. 10,0933', 'e.g. 10.0933')}
              value={values.lon}
              error={errors.lon}
              inputMode="decimal"
              optional
            />
          </div>
          <TextArea
            ctx={ctx}
            name="line"
            label={L(ctx, 'Punkte der Linie', 'Points of the line')}
            hint={L(
              ctx,
              'Nur für eine Linie: je Zeile Breite und Länge, z. B. 48.8374, 10.0933',
              'Only for a line: one “latitude, longitude” per line',
            )}
            value={values.line}
            error={errors.line}
            rows={3}
            optional
          />
          <TextArea
            ctx={ctx}
            name="comment"
            label={L(ctx, 'Kommentar', 'Comment')}
            value={values.comment}
            error={errors.comment}
            maxLength={1000}
            rows={4}
          />
          <FileField
            ctx={ctx}
            name="photo"
            label={L(ctx, 'Foto', 'Photo')}
            optional
            hint={L(
              ctx,
              'JPEG, PNG oder WebP, höchstens 10 MB. Standortdaten im Bild werden entfernt.',
              'JPEG, PNG or WebP, at most 10 MB. Location data in the image is removed.',
            )}
            error={errors.photo}
            accept="image/jpeg,image/png,image/webp"
          />
          <button class="kern-btn kern-btn--primary" type="submit">
            <span class="kern-label">{L(ctx, 'Beitrag senden', 'Send contribution')}</span>
          </button>
        </form>
      )}
      {mine.length > 0 && (
        <>
          <h2 class="kern-heading-medium">
            {L(ctx, 'Ihre Beiträge in Prüfung', 'Your contributions under review')}
          </h2>
          <ul>
            {mine.map((c) => (
              <li key={c.id}>{c.comment}</li>
            ))}
          </ul>
        </>
      )}
      <h2 class="kern-heading-medium" id="beitraege">
        {L(ctx, `Beiträge (${published.length})`, `Contributions (${published.length})`)}
      </h2>
      <p>
        <a class="kern-link" href={ctx.href(`/${ctx.city!.slug}/karte?ebenen=beitraege-${layer.id}`)}>
          {L(ctx, 'Auf der Karte zeigen', 'Show on the map')}
        </a>
      </p>
      <ol class="sp-contributions">
        {published.map((c) => (
          <li key={c.id} id={`beitrag-${c.id}`}>
            <p>{c.comment}</p>
            {c.has_photo && (
              <img
                src={`/karte/beitraege/${c.id}/foto`}
                alt={L(ctx, 'Foto zum Beitrag', 'Photo of the contribution')}
                loading="lazy"
                width="320"
              />
            )}
            <p class="kern-body--small">
              {c.kind === 'ST_Point' ? L(ctx, 'Punkt', 'Point') : L(ctx, 'Linie', 'Line')} bei{' '}
              {c.lat.toFixed(5)}, {c.lon.toFixed(5)} ·{' '}
              {L(ctx, `${c.supporters} Unterstützungen`, `${c.supporters} supporters`)}
            </p>
            {ctx.user && !c.mine && layer.open && (
              <form
                method="post"
                action={ctx.href(`/${ctx.city!.slug}/karte/beitraege/${c.id}/unterstuetzen`)}
              >
                <CsrfField ctx={ctx} />
                <button class="kern-btn kern-btn--secondary" type="submit" disabled={c.supported}>
                  <span class="kern-label">
                    {c.supported ? L(ctx, 'Unterstützt', 'Supported') : L(ctx, 'Unterstützen', 'Support')}
                    <span class="sp-visually-hidden"> – {c.comment.slice(0, 60)}</span>
                  </span>
                </button>
              </form>
            )}
          </li>
        ))}
      </ol>
    </Layout>
  );
}
