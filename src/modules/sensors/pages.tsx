import type { PageContext } from '../../platform/web/context.ts';
import { Layout } from '../../platform/web/layout.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import { band, formatValue, KIND_LABELS } from './meaning.ts';
import type { AggregateRow, DatastreamInfo, LatestValue } from './service.ts';

export const L = (ctx: PageContext, de: string, en: string) => (ctx.locale === 'en' ? en : de);
export const dashboardPath = (ctx: PageContext) => `/${ctx.city!.slug}/stadtdaten`;

export const dateTime = (ctx: PageContext, d: Date | string, withTime = true) =>
  new Intl.DateTimeFormat(ctx.locale === 'en' ? 'en-GB' : 'de-DE', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' as const } : {}),
    timeZone: 'Europe/Berlin',
  }).format(new Date(d));

type Ring = [number, number][];
function rings(geometry: unknown): Ring[] {
  const g = geometry as { type?: string; coordinates?: unknown } | undefined;
  if (g?.type === 'Polygon') return (g.coordinates as Ring[]).slice(0, 1);
  if (g?.type === 'MultiPolygon') return (g.coordinates as Ring[][]).map((p) => p[0]!);
  return [];
}

/** The sensors on the city outline, drawn on the server: no tiles, no script, no other host. */
function SensorMap({
  ctx,
  boundary,
  values,
}: {
  ctx: PageContext;
  boundary: unknown;
  values: LatestValue[];
}) {
  const outline = rings(boundary);
  const placed = values.filter((v) => v.location);
  const pts = [
    ...outline.flat(),
    ...placed.map((v) => [v.location!.lon, v.location!.lat] as [number, number]),
  ];
  if (!pts.length) return null;
  const lons = pts.map((p) => p[0]);
  const lats = pts.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const scale = 400 / Math.max((maxLon - minLon) * kx, maxLat - minLat, 1e-6);
  const x = (lon: number) => ((lon - minLon) * kx * scale + 12).toFixed(1);
  const y = (lat: number) => ((maxLat - lat) * scale + 12).toFixed(1);
  const width = Math.round((maxLon - minLon) * kx * scale + 24);
  const height = Math.round((maxLat - minLat) * scale + 24);
  // One marker per place: several datastreams often share a station.
  const places = new Map<string, LatestValue[]>();
  for (const v of placed) {
    const k = `${v.location!.lon},${v.location!.lat}`;
    places.set(k, [...(places.get(k) ?? []), v]);
  }
  return (
    <figure class="sp-sensormap">
      <svg viewBox={`0 0 ${width} ${height}`} role="group" aria-labelledby="sp-sensormap-title">
        <title id="sp-sensormap-title">
          {L(
            ctx,
            `Karte der Messorte in ${ctx.city!.shortName}`,
            `Map of measuring sites in ${ctx.city!.shortName}`,
          )}
        </title>
        {outline.map((ring, i) => (
          <polygon
            key={i}
            class="sp-sensormap__area"
            points={ring.map(([lo, la]) => `${x(lo)},${y(la)}`).join(' ')}
          />
        ))}
        {[...places.values()].map((list) => {
          const v = list[0]!;
          const warn = list.some((d) => d.status === 'exceeded');
          return (
            <a key={v.id} href={ctx.href(`${dashboardPath(ctx)}/${v.id}`)}>
              <title>{`${v.locationName ?? v.name}: ${list.map((d) => d.name).join(', ')}`}</title>
              <circle
                cx={x(v.location!.lon)}
                cy={y(v.location!.lat)}
                r="7"
                class={`sp-sensormap__point${warn ? ' sp-sensormap__point--warn' : ''}`}
              />
            </a>
          );
        })}
      </svg>
      <figcaption id="sp-sensormap-caption">
        {L(
          ctx,
          `Karte: ${places.size} Messorte in ${ctx.city!.shortName}. Dieselben Orte stehen bei den Werten oben.`,
          `Map: ${places.size} measuring sites in ${ctx.city!.shortName}. The same places are listed with the values above.`,
        )}
      </figcaption>
    </figure>
  );
}

function Tile({ ctx, v }: { ctx: PageContext; v: LatestValue }) {
  const b = band(v.kind, v.observedProperty, v.value);
  const unit = v.unit.symbol ?? '';
  return (
    <li
      class={`sp-tile${b ? ` sp-tile--band${b.level}` : ''}${v.status === 'exceeded' ? ' sp-tile--warn' : ''}`}
      data-ds={v.id}
    >
      <h3 class="sp-tile__title">
        <a href={ctx.href(`${dashboardPath(ctx)}/${v.id}`)}>{v.name}</a>
      </h3>
      <p class="sp-tile__value">
        <span class="sp-tile__number" data-value>
          {formatValue(ctx.locale, v.value)}
        </span>{' '}
        <abbr class="sp-tile__unit" title={v.unit.name ?? unit}>
          {unit}
        </abbr>
      </p>
      {b && (
        <p class="sp-tile__band" data-band>
          {L(ctx, 'Bewertung', 'Rating')}: <strong>{L(ctx, b.de, b.en)}</strong>
          {ctx.locale === 'de' && <span class="sp-tile__easy">{b.easy}</span>}
        </p>
      )}
      {v.status === 'exceeded' && v.threshold && (
        <p class="sp-tile__warn">
          <strong>{L(ctx, 'Warnung', 'Warning')}:</strong>{' '}
          {v.threshold.message ?? L(ctx, 'Grenzwert überschritten', 'Threshold exceeded')}
        </p>
      )}
      <p class="sp-tile__meta">
        {v.time ? (
          <time data-time datetime={new Date(v.time).toISOString()}>
            {dateTime(ctx, v.time)}
          </time>
        ) : (
          L(ctx, 'noch kein Wert', 'no value yet')
        )}
        {v.locationName && <> · {v.locationName}</>}
        {v.simulated && <> · {L(ctx, 'simuliert', 'simulated')}</>}
      </p>
    </li>
  );
}

export function DashboardPage({
  ctx,
  values,
  boundary,
}: {
  ctx: PageContext;
  values: LatestValue[];
  boundary: unknown;
}) {
  const city = ctx.city!;
  const warnings = values.filter((v) => v.status === 'exceeded');
  const groups = [...new Set(values.map((v) => v.kind))];
  const simulated = values.some((v) => v.simulated);
  const title = L(ctx, `Stadtdaten ${city.shortName}`, `City data ${city.shortName}`);
  return (
    <Layout
      ctx={ctx}
      title={title}
      description={L(
        ctx,
        `Aktuelle Umwelt- und Mobilitätsdaten aus ${city.shortName}`,
        `Current environmental and mobility data for ${city.shortName}`,
      )}
      breadcrumbs={[
        { label: city.shortName, href: `/${city.slug}/` },
        { label: L(ctx, 'Stadtdaten', 'City data') },
      ]}
      islands={['stadtdaten']}
    >
      <h1>{title}</h1>
      <p class="sp-lead">
        {L(
          ctx,
          'Messwerte zu Luft, Temperatur, Lärm, Parken, Radverkehr und Pegeln. Die Werte aktualisieren sich von selbst, wenn JavaScript an ist; sonst laden Sie die Seite neu.',
          'Measurements of air, temperature, noise, parking, cycling and water levels. Values update by themselves when JavaScript is on; otherwise reload the page.',
        )}
      </p>
      {simulated && (
        <p class="sp-notice sp-notice--info">
          <strong>{L(ctx, 'Demo:', 'Demo:')}</strong>{' '}
          {L(
            ctx,
            'Die mit „simuliert“ markierten Werte sind erfundene Beispieldaten, keine echten Messungen.',
            'Values marked “simulated” are made-up sample data, not real measurements.',
          )}
        </p>
      )}
      {warnings.length > 0 && (
        <section class="sp-notice sp-notice--warn" aria-labelledby="sp-warnings">
          <h2 id="sp-warnings">{L(ctx, 'Aktuelle Hinweise', 'Current notices')}</h2>
          <ul>
            {warnings.map((w) => (
              <li key={w.id}>
                <strong>{w.name}:</strong>{' '}
                {w.threshold?.message ?? L(ctx, 'Grenzwert überschritten', 'Threshold exceeded')} (
                {formatValue(ctx.locale, w.value)} {w.unit.symbol ?? ''})
              </li>
            ))}
          </ul>
        </section>
      )}
      <p class="sp-live" data-live-url={ctx.href(`${dashboardPath(ctx)}/live`)} aria-live="polite" hidden />
      {values.length === 0 && (
        <p>
          {L(ctx, 'Für diese Stadt gibt es noch keine Messwerte.', 'There is no data for this city yet.')}
        </p>
      )}
      {groups.map((kind) => (
        <section key={kind} aria-labelledby={`sp-kind-${kind}`}>
          <h2 id={`sp-kind-${kind}`}>{L(ctx, KIND_LABELS[kind].de, KIND_LABELS[kind].en)}</h2>
          <ul class="sp-tiles">
            {values
              .filter((v) => v.kind === kind)
              .map((v) => (
                <Tile key={v.id} ctx={ctx} v={v} />
              ))}
          </ul>
        </section>
      ))}
      {values.length > 0 && (
        <section aria-labelledby="sp-map-h">
          <h2 id="sp-map-h">{L(ctx, 'Messorte', 'Measuring sites')}</h2>
          <SensorMap ctx={ctx} boundary={boundary} values={values} />
        </section>
      )}
      <section aria-labelledby="sp-open-h">
        <h2 id="sp-open-h">{L(ctx, 'Offene Daten', 'Open data')}</h2>
        <p>
          {L(
            ctx,
            'Alle Messwerte gibt es auch maschinenlesbar über die ',
            'All measurements are also available through the ',
          )}
          <a href="/sta/v1.1/">OGC SensorThings API</a>
          {L(
            ctx,
            ' (frei nutzbar) und als CSV-Datei je Messreihe.',
            ' (free to use) and as a CSV file per data stream.',
          )}
        </p>
      </section>
    </Layout>
  );
}

export function DatastreamPage(props: {
  ctx: PageContext;
  ds: DatastreamInfo;
  latest: LatestValue | undefined;
  rows: AggregateRow[];
  days: number;
  /** Hourly values, or daily ones (Berlin calendar days) for long periods. */
  bucket: 'hour' | 'day';
}) {
  const { ctx, ds, rows, days } = props;
  const daily = props.bucket === 'day';
  const what = daily ? L(ctx, 'Tageswerte', 'Daily values') : L(ctx, 'Stundenwerte', 'Hourly values');
  const unit = ds.unit.symbol ?? '';
  const base = dashboardPath(ctx);
  const fmt = (n: number) => formatValue(ctx.locale, Math.round(n * 10) / 10);
  return (
    <Layout
      ctx={ctx}
      title={ds.name}
      breadcrumbs={[
        { label: ctx.city!.shortName, href: `/${ctx.city!.slug}/` },
        { label: L(ctx, 'Stadtdaten', 'City data'), href: base },
        { label: ds.name },
      ]}
      islands={['stadtdaten-chart']}
    >
      <h1>{ds.name}</h1>
      {ds.description && <p class="sp-lead">{ds.description}</p>}
      <dl class="sp-facts">
        <dt>{L(ctx, 'Messgröße', 'Observed property')}</dt>
        <dd>{ds.observedProperty}</dd>
        <dt>{L(ctx, 'Einheit', 'Unit')}</dt>
        <dd>
          {ds.unit.name ?? unit} {unit && `(${unit})`}
        </dd>
        {ds.locationName && (
          <>
            <dt>{L(ctx, 'Ort', 'Place')}</dt>
            <dd>{ds.locationName}</dd>
          </>
        )}
        <dt>{L(ctx, 'Aktueller Wert', 'Current value')}</dt>
        <dd>
          {formatValue(ctx.locale, props.latest?.value)} {unit}
          {props.latest?.time && <> ({dateTime(ctx, props.latest.time)})</>}
        </dd>
        {ds.threshold && (
          <>
            <dt>{L(ctx, 'Grenzwert für Hinweise', 'Notice threshold')}</dt>
            <dd>
              {ds.threshold.direction === 'above' ? L(ctx, 'über ', 'above ') : L(ctx, 'unter ', 'below ')}
              {formatValue(ctx.locale, ds.threshold.value)} {unit}
            </dd>
          </>
        )}
        {ds.simulated && (
          <>
            <dt>{L(ctx, 'Herkunft', 'Source')}</dt>
            <dd>{L(ctx, 'simulierte Demodaten', 'simulated demo data')}</dd>
          </>
        )}
      </dl>
      <nav aria-label={L(ctx, 'Zeitraum', 'Period')} class="sp-periods">
        <ul>
          {[1, 7, 30, 365].map((d) => (
            <li key={d}>
              <a href={ctx.href(`${base}/${ds.id}?tage=${d}`)} aria-current={d === days ? 'page' : undefined}>
                {d === 1
                  ? L(ctx, '24 Stunden', '24 hours')
                  : d === 365
                    ? L(ctx, '1 Jahr', '1 year')
                    : L(ctx, `${d} Tage`, `${d} days`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2 id="sp-chart-h">
        {L(ctx, 'Verlauf', 'Trend')} ({what})
      </h2>
      <figure
        class="sp-chart"
        data-chart={JSON.stringify({
          t: rows.map((r) => new Date(r.t).getTime() / 1000),
          avg: rows.map((r) => r.avg),
          min: rows.map((r) => r.min),
          max: rows.map((r) => r.max),
          unit,
        })}
        aria-labelledby="sp-chart-h"
      >
        <figcaption>
          {L(ctx, 'Die Tabelle unten enthält dieselben Werte.', 'The table below holds the same values.')}
        </figcaption>
      </figure>
      <p>
        <a href={ctx.href(`${base}/${ds.id}.csv?tage=${days}`)} download>
          {L(
            ctx,
            `Alle Messwerte der letzten ${days} Tage als CSV herunterladen`,
            `Download all values of the last ${days} days as CSV`,
          )}
        </a>
      </p>
      <h2 id="sp-table-h">{L(ctx, 'Tabelle', 'Table')}</h2>
      {rows.length === 0 ? (
        <p>{L(ctx, 'In diesem Zeitraum gibt es keine Messwerte.', 'There are no values in this period.')}</p>
      ) : (
        <TableWrap label={what}>
          <table class="sp-table">
            <caption>
              {what} {L(ctx, `in ${unit}, neueste zuerst`, `in ${unit}, newest first`)}
            </caption>
            <thead>
              <tr>
                <th scope="col">{daily ? L(ctx, 'Tag', 'Day') : L(ctx, 'Stunde ab', 'Hour from')}</th>
                <th scope="col">{L(ctx, 'Mittel', 'Mean')}</th>
                <th scope="col">{L(ctx, 'Minimum', 'Minimum')}</th>
                <th scope="col">{L(ctx, 'Maximum', 'Maximum')}</th>
              </tr>
            </thead>
            <tbody>
              {[...rows].reverse().map((r) => (
                <tr key={String(r.t)}>
                  <th scope="row">{dateTime(ctx, r.t, !daily)}</th>
                  <td>{fmt(r.avg)}</td>
                  <td>{fmt(r.min)}</td>
                  <td>{fmt(r.max)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}
