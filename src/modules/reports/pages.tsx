import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldId,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { Layout } from '../../platform/web/layout.tsx';
import { Pager } from '../../platform/web/pagination.tsx';
import type { PlaceHit } from './gazetteer.ts';
import type { CategoryRow, HistoryRow, NearbyRow, PhotoMeta } from './queries.ts';
import {
  MAX_PHOTOS,
  type PublicReport,
  REOPEN_DAYS,
  STATUS_LABELS,
  STATUSES,
  type Status,
} from './service.ts';

/** German first; the English text sits beside it so both stay in step. */
export const L = (ctx: PageContext, de: string, en: string) => (ctx.locale === 'en' ? en : de);

export const statusLabel = (ctx: PageContext, s: string) => STATUS_LABELS[s as Status]?.[ctx.locale] ?? s;

const dateFmt = (ctx: PageContext, d: Date) =>
  new Intl.DateTimeFormat(ctx.locale === 'en' ? 'en-GB' : 'de-DE', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Berlin',
  }).format(new Date(d));

export const reportsBase = (ctx: PageContext) => `/${ctx.city!.slug}/maengel`;

function crumbs(ctx: PageContext, last?: string) {
  const base = reportsBase(ctx);
  const items: { label: string; href?: string }[] = [
    { label: ctx.city!.shortName, href: `/${ctx.city!.slug}/` },
    { label: L(ctx, 'Mängelmelder', 'Defect reporter'), href: base },
  ];
  if (last) items.push({ label: last });
  return items;
}

// ---- server-side SVG map ----

type Ring = [number, number][];
function rings(geometry: unknown): Ring[] {
  const g = geometry as { type?: string; coordinates?: unknown } | undefined;
  if (g?.type === 'Polygon') return (g.coordinates as Ring[]).slice(0, 1);
  if (g?.type === 'MultiPolygon') return (g.coordinates as Ring[][]).map((p) => p[0]!);
  return [];
}

/**
 * The city outline with report points, drawn on the server: no tiles, no script. The bounds are in
 * data attributes so the location island can turn a click into coordinates.
 */
export function ReportMap(props: {
  ctx: PageContext;
  boundary: unknown;
  points: { id: number; lon: number; lat: number; label: string; open: boolean }[];
  label: string;
  pick?: boolean;
}) {
  const outline = rings(props.boundary);
  const all = outline.flat();
  if (all.length === 0) return null;
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const size = 600;
  const scale = size / Math.max((maxLon - minLon) * kx, maxLat - minLat);
  const pad = 10;
  const x = (lon: number) => ((lon - minLon) * kx * scale + pad).toFixed(1);
  const y = (lat: number) => ((maxLat - lat) * scale + pad).toFixed(1);
  const width = Math.round((maxLon - minLon) * kx * scale + 2 * pad);
  const height = Math.round((maxLat - minLat) * scale + 2 * pad);
  return (
    <figure
      class="sp-minimap sp-reportmap"
      data-west={minLon}
      data-north={maxLat}
      data-kx={kx}
      data-scale={scale}
      data-pad={pad}
      data-pick={props.pick ? 'true' : undefined}
    >
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label}>
        {outline.map((ring, i) => (
          <polygon
            key={i}
            points={ring.map(([lon, lat]) => `${x(lon)},${y(lat)}`).join(' ')}
            class="sp-minimap__area"
            fill="#e8f1f5"
            stroke="#00537a"
            stroke-width="2"
          />
        ))}
        {props.points.map((p) => (
          // Points are drawn, not linked: the list beside the map is the accessible way to each report.
          <circle
            key={p.id}
            cx={x(p.lon)}
            cy={y(p.lat)}
            r="6"
            fill={p.open ? '#c0392b' : '#2e7d32'}
            stroke="#fff"
            stroke-width="1.5"
          >
            <title>{p.label}</title>
          </circle>
        ))}
      </svg>
      <figcaption class="kern-body--small">
        {props.pick
          ? L(
              props.ctx,
              'Mit JavaScript können Sie auf die Karte klicken, um den Ort zu wählen. Ohne Karte: Felder unten ausfüllen.',
              'With JavaScript you can click the map to choose the place. Without the map: fill in the fields below.',
            )
          : L(props.ctx, 'Rot: offen, Grün: abgeschlossen.', 'Red: open, green: closed.')}
      </figcaption>
    </figure>
  );
}

// ---- list ----

export function ReportListPage(props: {
  ctx: PageContext;
  reports: PublicReport[];
  total: number;
  page: number;
  pages: number;
  categories: CategoryRow[];
  filter: { category: string; status: string; period: string };
  boundary: unknown;
  mapPoints: PublicReport[];
}) {
  const { ctx, filter } = props;
  const base = reportsBase(ctx);
  const title = L(ctx, 'Mängelmelder', 'Defect reporter');
  const q = (page: number) => {
    const p = new URLSearchParams();
    if (filter.category) p.set('kategorie', filter.category);
    if (filter.status) p.set('status', filter.status);
    if (filter.period) p.set('zeitraum', filter.period);
    if (page > 1) p.set('seite', String(page));
    const s = p.toString();
    return ctx.href(s ? `${base}?${s}` : base);
  };
  return (
    <Layout ctx={ctx} title={`${title} ${ctx.city!.shortName}`} breadcrumbs={crumbs(ctx)}>
      <h1 class="kern-heading-large">
        {title} {ctx.city!.shortName}
      </h1>
      <p class="kern-body--large">
        {L(
          ctx,
          'Schlagloch, defekte Laterne, wilder Müll? Melden Sie Mängel im öffentlichen Raum – und verfolgen Sie, was daraus wird.',
          'Pothole, broken street light, illegal dumping? Report defects in public space – and follow what happens.',
        )}
      </p>
      <p>
        <a class="kern-btn kern-btn--primary" href={ctx.href(`${base}/neu`)}>
          <span class="kern-label">{L(ctx, 'Mangel melden', 'Report a defect')}</span>
        </a>
      </p>
      <form method="get" action={ctx.href(base)} class="sp-filter">
        <h2 class="kern-heading-small">{L(ctx, 'Meldungen filtern', 'Filter reports')}</h2>
        <div class="kern-form-input">
          <label class="kern-label" for="f-kategorie">
            {L(ctx, 'Kategorie', 'Category')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-kategorie" name="kategorie">
              <option value="">{L(ctx, 'Alle Kategorien', 'All categories')}</option>
              {props.categories.map((c) => (
                <option key={c.code} value={c.code} selected={c.code === filter.category}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="kern-form-input">
          <label class="kern-label" for="f-status">
            {L(ctx, 'Status', 'Status')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-status" name="status">
              <option value="">{L(ctx, 'Alle', 'All')}</option>
              <option value="offen" selected={filter.status === 'offen'}>
                {L(ctx, 'offen', 'open')}
              </option>
              <option value="geschlossen" selected={filter.status === 'geschlossen'}>
                {L(ctx, 'abgeschlossen', 'closed')}
              </option>
              {STATUSES.map((s) => (
                <option key={s} value={s} selected={s === filter.status}>
                  {statusLabel(ctx, s)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="kern-form-input">
          <label class="kern-label" for="f-zeitraum">
            {L(ctx, 'Gemeldet in den letzten', 'Reported in the last')}
          </label>
          <div class="kern-form-input__select-wrapper">
            <select class="kern-form-input__select" id="f-zeitraum" name="zeitraum">
              <option value="">{L(ctx, 'beliebig', 'any time')}</option>
              {['7', '30', '90', '180', '365'].map((d) => (
                <option key={d} value={d} selected={d === filter.period}>
                  {L(ctx, `${d} Tagen`, `${d} days`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <button class="kern-btn kern-btn--secondary" type="submit">
          <span class="kern-label">{L(ctx, 'Anzeigen', 'Show')}</span>
        </button>
      </form>
      <ReportMap
        ctx={ctx}
        boundary={props.boundary}
        label={L(ctx, `Karte der Meldungen in ${ctx.city!.name}`, `Map of reports in ${ctx.city!.name}`)}
        points={props.mapPoints
          .filter((r) => r.lon !== null && r.lat !== null)
          .map((r) => ({
            id: r.id,
            lon: r.lon!,
            lat: r.lat!,
            open: ['eingegangen', 'bestaetigt', 'in_bearbeitung'].includes(r.status),
            label: `Nr. ${r.id}: ${r.categoryName} (${statusLabel(ctx, r.status)})`,
          }))}
      />
      <h2 class="kern-heading-medium">{L(ctx, `${props.total} Meldungen`, `${props.total} reports`)}</h2>
      {props.reports.length === 0 ? (
        <p>{L(ctx, 'Keine Meldungen gefunden.', 'No reports found.')}</p>
      ) : (
        <ol class="sp-results">
          {props.reports.map((r) => (
            <li key={r.id} class="sp-result">
              <h3 class="kern-heading-small">
                <a href={ctx.href(`${base}/${r.id}`)}>
                  Nr. {r.id}: {r.categoryName}
                </a>
              </h3>
              <p class="kern-body--small">
                {statusLabel(ctx, r.status)} · {dateFmt(ctx, r.createdAt)}
                {r.address ? ` · ${r.address}` : ''}
              </p>
              {r.description && (
                <p>{r.description.length > 200 ? `${r.description.slice(0, 200)}…` : r.description}</p>
              )}
            </li>
          ))}
        </ol>
      )}
      <Pager ctx={ctx} page={props.page} pages={props.pages} hrefFor={q} />
      <p class="kern-body--small">
        <a href="/open311/v2/discovery.json">
          {L(ctx, 'Offene Schnittstelle (Open311 GeoReport v2)', 'Open API (Open311 GeoReport v2)')}
        </a>
      </p>
    </Layout>
  );
}

/** "Me too" for an open report: a small form of its own (never inside another form). */
export function SupportButton(props: { ctx: PageContext; id: number; label?: string }) {
  const { ctx } = props;
  return (
    <form method="post" action={ctx.href(`${reportsBase(ctx)}/${props.id}/unterstuetzen`)} class="sp-support">
      <CsrfField ctx={ctx} />
      <button class="kern-btn kern-btn--secondary" type="submit">
        <span class="kern-label">
          {props.label ?? L(ctx, 'Ich auch: Meldung unterstützen', 'Me too: support this report')}
        </span>
      </button>
    </form>
  );
}

// ---- new report form ----

export interface ReportFormValues {
  category: string;
  description: string;
  address: string;
  lat: string;
  lon: string;
  name: string;
  email: string;
  /** A place picked from the address search (gazetteer or directory). */
  ort: string;
  /** The address search button was used. */
  search: boolean;
}

export function NewReportPage(props: {
  ctx: PageContext;
  categories: CategoryRow[];
  values: ReportFormValues;
  errors: FieldErrors;
  nearby: NearbyRow[] | undefined;
  boundary: unknown;
  places?: PlaceHit[] | undefined;
}) {
  const { ctx, values, errors } = props;
  const base = reportsBase(ctx);
  const groups = new Map<string, CategoryRow[]>();
  for (const c of props.categories) groups.set(c.group_name, [...(groups.get(c.group_name) ?? []), c]);
  const title = L(ctx, 'Mangel melden', 'Report a defect');
  const catError = errors.category;
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, title)} islands={['report-location']}>
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      {props.nearby && props.nearby.length > 0 && (
        <div class="kern-alert kern-alert--info" role="status">
          <div class="kern-alert__header">
            <h2 class="kern-title">{L(ctx, 'Schon gemeldet?', 'Already reported?')}</h2>
          </div>
          <div class="kern-alert__body">
            <p>
              {L(
                ctx,
                'In der Nähe (bis 50 m) gibt es offene Meldungen derselben Kategorie. Ist es derselbe Mangel, müssen Sie ihn nicht noch einmal melden – unterstützen Sie stattdessen die vorhandene Meldung:',
                'There are open reports of the same category nearby (within 50 m). If it is the same defect, there is no need to report it again – support the existing report instead:',
              )}
            </p>
            <ul>
              {props.nearby.map((n) => (
                <li key={n.id}>
                  <a href={ctx.href(`${base}/${n.id}`)}>
                    Nr. {n.id} ({n.distance} m, {statusLabel(ctx, n.status)})
                  </a>
                  {n.description ? `: ${n.description.slice(0, 120)}` : ''}
                  <SupportButton
                    ctx={ctx}
                    id={n.id}
                    label={L(ctx, `Das ist es: Nr. ${n.id} unterstützen`, `That's it: support no. ${n.id}`)}
                  />
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {props.nearby && props.nearby.length === 0 && (
        <p class="kern-alert kern-alert--success" role="status">
          {L(ctx, 'In der Nähe ist nichts Ähnliches gemeldet.', 'Nothing similar has been reported nearby.')}
        </p>
      )}
      <form method="post" action={ctx.href(`${base}/neu`)} enctype="multipart/form-data" novalidate>
        <CsrfField ctx={ctx} />
        {/* Enter in a text field presses the form's first submit button: without this copy of
            "Meldung absenden" that would be the address search, which drops chosen photos. Hidden
            from sight, tab order and screen readers; the visible button stays at the end. */}
        <button class="sp-visually-hidden" type="submit" tabIndex={-1} aria-hidden="true">
          {L(ctx, 'Meldung absenden', 'Send report')}
        </button>
        <div class={catError ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
          <label class="kern-label" for={fieldId('category')}>
            {L(ctx, 'Was ist das Problem?', 'What is the problem?')}
          </label>
          {catError && (
            <p class="kern-error" id={`${fieldId('category')}-error`}>
              {catError}
            </p>
          )}
          <div class="kern-form-input__select-wrapper">
            <select
              class="kern-form-input__select"
              id={fieldId('category')}
              name="category"
              aria-invalid={catError ? 'true' : undefined}
              aria-describedby={catError ? `${fieldId('category')}-error` : undefined}
            >
              <option value="">{L(ctx, 'Bitte wählen', 'Please choose')}</option>
              {[...groups.entries()].map(([group, cats]) => (
                <optgroup key={group} label={group}>
                  {cats.map((c) => (
                    <option key={c.code} value={c.code} selected={c.code === values.category}>
                      {c.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
        </div>
        <TextArea
          ctx={ctx}
          name="description"
          label={L(ctx, 'Beschreibung', 'Description')}
          hint={L(
            ctx,
            'Was ist kaputt oder gefährlich? Bitte keine Namen oder Kennzeichen anderer Personen.',
            'What is broken or dangerous? Please no names or number plates of other people.',
          )}
          value={values.description}
          error={errors.description}
          maxLength={4000}
        />
        <fieldset class="kern-fieldset" id={fieldId('location')}>
          <legend class="kern-label">{L(ctx, 'Wo ist es?', 'Where is it?')}</legend>
          <ReportMap
            ctx={ctx}
            boundary={props.boundary}
            points={[]}
            pick
            label={L(
              ctx,
              `Karte von ${ctx.city!.name} zur Ortswahl`,
              `Map of ${ctx.city!.name} to choose the place`,
            )}
          />
          <p class="kern-hint">
            {L(
              ctx,
              'Sie können den Ort auf drei Wegen angeben: Klick in die Karte, Ihr aktueller Standort – oder einfach eine Adresse oder Beschreibung des Ortes.',
              'You can give the place in three ways: click on the map, your current position – or simply an address or description of the place.',
            )}
          </p>
          <p data-locate-slot="true" />
          <TextField
            ctx={ctx}
            name="address"
            label={L(ctx, 'Adresse oder Ortsbeschreibung', 'Address or description of the place')}
            hint={L(
              ctx,
              'Zum Beispiel: Bahnhofstraße 12, vor der Bäckerei',
              'For example: Bahnhofstraße 12, in front of the bakery',
            )}
            value={values.address}
            error={errors.address}
            optional
            maxLength={300}
          />
          <button
            class="kern-btn kern-btn--secondary"
            type="submit"
            name="suche"
            value="1"
            data-address-search="true"
            formmethod="get"
            formaction={ctx.href(`${base}/neu`)}
            formnovalidate
          >
            <span class="kern-label">
              {L(
                ctx,
                `Adresse in ${ctx.city!.shortName} suchen`,
                `Find the address in ${ctx.city!.shortName}`,
              )}
            </span>
          </button>
          {props.places && (
            <div class="sp-places" role="status">
              {props.places.length === 0 ? (
                <p>
                  {L(
                    ctx,
                    'Keinen passenden Ort gefunden. Die Adresse genügt trotzdem – oder wählen Sie den Ort auf der Karte.',
                    'No matching place found. The address is enough anyway – or choose the place on the map.',
                  )}
                </p>
              ) : (
                <>
                  <p>{L(ctx, 'Gefundene Orte – bitte wählen:', 'Places found – please choose:')}</p>
                  <ul>
                    {props.places.map((p) => (
                      <li key={p.ref}>
                        <button
                          class="kern-btn kern-btn--tertiary"
                          type="submit"
                          name="ort"
                          value={p.ref}
                          formmethod="get"
                          formaction={ctx.href(`${base}/neu`)}
                          formnovalidate
                        >
                          <span class="kern-label">{p.label}</span>
                        </button>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
          <TextField
            ctx={ctx}
            name="lat"
            label={L(ctx, 'Geografische Breite', 'Latitude')}
            hint={L(ctx, 'Zum Beispiel 48.8378', 'For example 48.8378')}
            value={values.lat}
            error={errors.lat}
            optional
            inputMode="decimal"
          />
          <TextField
            ctx={ctx}
            name="lon"
            label={L(ctx, 'Geografische Länge', 'Longitude')}
            hint={L(ctx, 'Zum Beispiel 10.0936', 'For example 10.0936')}
            value={values.lon}
            error={errors.lon}
            optional
            inputMode="decimal"
          />
          <button
            class="kern-btn kern-btn--secondary"
            type="submit"
            formmethod="get"
            formaction={ctx.href(`${base}/neu`)}
            formnovalidate
          >
            <span class="kern-label">
              {L(ctx, 'Prüfen, ob schon gemeldet', 'Check whether already reported')}
            </span>
          </button>
        </fieldset>
        <div class={errors.photos ? 'kern-form-input kern-form-input--error' : 'kern-form-input'}>
          <label class="kern-label" for={fieldId('photos')}>
            {L(ctx, `Fotos (höchstens ${MAX_PHOTOS})`, `Photos (at most ${MAX_PHOTOS})`)}
            <span class="kern-label__optional"> {ctx.t('form.optional')}</span>
          </label>
          <div class="kern-hint" id={`${fieldId('photos')}-hint`}>
            {L(
              ctx,
              'JPEG, PNG, WebP oder HEIF, je höchstens 10 MB. Wir entfernen Standort- und Kameradaten aus den Bildern.',
              'JPEG, PNG, WebP or HEIF, at most 10 MB each. We remove location and camera data from the images.',
            )}
          </div>
          {errors.photos && (
            <p class="kern-error" id={`${fieldId('photos')}-error`}>
              {errors.photos}
            </p>
          )}
          <input
            class="kern-form-input__input"
            type="file"
            id={fieldId('photos')}
            name="photos"
            accept="image/jpeg,image/png,image/webp,image/heic,image/heif"
            multiple
            aria-describedby={`${fieldId('photos')}-hint`}
          />
        </div>
        <h2 class="kern-heading-small">{L(ctx, 'Ihre Angaben', 'About you')}</h2>
        {ctx.user ? (
          <p>
            {L(
              ctx,
              `Sie sind angemeldet. Wir benachrichtigen Sie an ${ctx.user.email} über den Stand.`,
              `You are signed in. We will notify you at ${ctx.user.email}.`,
            )}
          </p>
        ) : (
          <>
            <TextField
              ctx={ctx}
              name="name"
              label={L(ctx, 'Name', 'Name')}
              value={values.name}
              error={errors.name}
              optional
              autocomplete="name"
              maxLength={120}
            />
            <TextField
              ctx={ctx}
              name="email"
              type="email"
              label={L(ctx, 'E-Mail-Adresse', 'E-mail address')}
              hint={L(
                ctx,
                'Mit E-Mail-Adresse erhalten Sie einen Bestätigungslink: erst nach der Bestätigung wird die Meldung veröffentlicht. Ohne E-Mail prüft die Stadt die Meldung vor der Veröffentlichung.',
                'With an e-mail address you get a confirmation link: the report is published once you confirm. Without e-mail the city checks the report before publishing it.',
              )}
              value={values.email}
              error={errors.email}
              optional
              autocomplete="email"
            />
          </>
        )}
        <div class="sp-visually-hidden" aria-hidden="true">
          <label for="f-homepage">{L(ctx, 'Bitte leer lassen', 'Please leave empty')}</label>
          <input type="text" id="f-homepage" name="homepage" tabIndex={-1} autocomplete="off" value="" />
        </div>
        <div class="kern-alert kern-alert--info">
          <div class="kern-alert__body">
            <h2 class="kern-heading-small">{L(ctx, 'Datenschutz', 'Privacy')}</h2>
            <p>
              {L(
                ctx,
                'Veröffentlicht werden nur Kategorie, Beschreibung, Ort, Fotos und der Bearbeitungsstand. Name und E-Mail-Adresse sieht nur die zuständige Stadtverwaltung; sie nutzt sie allein für Rückfragen und Nachrichten zu dieser Meldung.',
                'Only category, description, place, photos and progress are published. Your name and e-mail address are seen only by the responsible city administration, which uses them solely for questions and news about this report.',
              )}{' '}
              <a href={ctx.href(`/${ctx.city!.slug}/datenschutz`)}>
                {L(ctx, 'Datenschutzerklärung', 'Privacy policy')}
              </a>
            </p>
          </div>
        </div>
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">{L(ctx, 'Meldung absenden', 'Send report')}</span>
        </button>
      </form>
    </Layout>
  );
}

export function ThanksPage(props: {
  ctx: PageContext;
  id: number;
  kind: 'sichtbar' | 'bestaetigen' | 'pruefung';
}) {
  const { ctx } = props;
  const title = L(ctx, 'Vielen Dank für Ihre Meldung', 'Thank you for your report');
  const text = {
    sichtbar: L(
      ctx,
      'Ihre Meldung ist veröffentlicht und an die zuständige Stelle gegangen.',
      'Your report is published and has gone to the responsible department.',
    ),
    bestaetigen: L(
      ctx,
      'Wir haben Ihnen eine E-Mail geschickt. Bitte bestätigen Sie die Meldung über den Link darin; danach wird sie veröffentlicht.',
      'We have sent you an e-mail. Please confirm the report with the link in it; then it will be published.',
    ),
    pruefung: L(
      ctx,
      'Die Stadt prüft Ihre Meldung und veröffentlicht sie dann.',
      'The city will check your report and then publish it.',
    ),
  }[props.kind];
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, title)}>
      <div class="kern-alert kern-alert--success" role="status">
        <div class="kern-alert__header">
          <h1 class="kern-title">{title}</h1>
        </div>
        <div class="kern-alert__body">
          <p>
            {L(ctx, 'Ihre Meldungsnummer', 'Your report number')}: <strong>{props.id}</strong>
          </p>
          <p>{text}</p>
        </div>
      </div>
      <p>
        {props.kind === 'sichtbar' ? (
          <a href={ctx.href(`${reportsBase(ctx)}/${props.id}`)}>{L(ctx, 'Zur Meldung', 'View the report')}</a>
        ) : (
          <a href={ctx.href(reportsBase(ctx))}>{L(ctx, 'Zu allen Meldungen', 'All reports')}</a>
        )}
      </p>
    </Layout>
  );
}

// ---- detail ----

export function historyText(ctx: PageContext, h: HistoryRow): string {
  switch (h.kind) {
    case 'created':
      return L(ctx, 'Meldung eingegangen', 'Report received');
    case 'confirmed':
      return L(ctx, 'Per E-Mail bestätigt', 'Confirmed by e-mail');
    case 'reopened':
      return L(ctx, 'Wieder geöffnet: nicht behoben', 'Reopened: not fixed');
    case 'status':
      return `${L(ctx, 'Status', 'Status')}: ${statusLabel(ctx, h.to_status ?? '')}`;
    case 'note':
      return L(ctx, 'Interne Notiz', 'Internal note');
    case 'photo_hidden':
      return L(ctx, 'Foto moderiert', 'Photo moderated');
    case 'text_hidden':
      return L(ctx, 'Beschreibung moderiert', 'Description moderated');
    case 'photo_redacted':
      return L(ctx, 'Foto teilweise geschwärzt', 'Photo partly blacked out');
    case 'assigned':
      return L(ctx, 'Zuweisung', 'Assignment');
    case 'merged':
      return L(ctx, 'Duplikat zusammengeführt', 'Duplicate merged');
    default:
      return h.kind;
  }
}

const PUBLIC_HISTORY = ['created', 'confirmed', 'status', 'reopened'];

export function ReportPage(props: {
  ctx: PageContext;
  report: PublicReport;
  history: HistoryRow[];
  photos: PhotoMeta[];
  boundary: unknown;
  canReopen: boolean;
  reopenToken: string | undefined;
  confirmed?: boolean;
  unpublished: boolean;
  /** After "me too": 1 counted, 2 counted before. */
  supported?: '1' | '2' | undefined;
}) {
  const { ctx, report: r } = props;
  const base = reportsBase(ctx);
  const title = `Nr. ${r.id}: ${r.categoryName}`;
  const open = ['eingegangen', 'bestaetigt', 'in_bearbeitung'].includes(r.status);
  // A whitelist: staff entries (notes, assignment, merges, moderation) stay internal.
  const publicHistory = props.history.filter((h) => PUBLIC_HISTORY.includes(h.kind));
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, `Nr. ${r.id}`)}>
      {props.confirmed && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p>
              {L(
                ctx,
                'Danke! Ihre Meldung ist bestätigt und jetzt öffentlich.',
                'Thank you! Your report is confirmed and now public.',
              )}
            </p>
          </div>
        </div>
      )}
      {props.unpublished && (
        <p class="kern-alert kern-alert--warning">
          {L(ctx, 'Diese Meldung ist noch nicht veröffentlicht.', 'This report is not published yet.')}
        </p>
      )}
      {props.supported && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__body">
            <p>
              {props.supported === '1'
                ? L(
                    ctx,
                    'Danke! Ihre Unterstützung ist gezählt.',
                    'Thank you! Your support has been counted.',
                  )
                : L(ctx, 'Sie unterstützen diese Meldung bereits.', 'You already support this report.')}
            </p>
          </div>
        </div>
      )}
      <h1 class="kern-heading-large">{title}</h1>
      <dl class="sp-facts">
        <dt>{L(ctx, 'Status', 'Status')}</dt>
        <dd>
          <strong>{statusLabel(ctx, r.status)}</strong>
          {r.duplicateOf && (
            <>
              {' '}
              –{' '}
              <a href={ctx.href(`${base}/${r.duplicateOf}`)}>
                {L(ctx, `siehe Meldung Nr. ${r.duplicateOf}`, `see report no. ${r.duplicateOf}`)}
              </a>
            </>
          )}
          {r.forwardedTo && ` – ${L(ctx, 'an', 'to')} ${r.forwardedTo}`}
        </dd>
        <dt>{L(ctx, 'Gemeldet am', 'Reported on')}</dt>
        <dd>{dateFmt(ctx, r.createdAt)}</dd>
        <dt>{L(ctx, 'Auch bemerkt von', 'Also noticed by')}</dt>
        <dd>
          {r.supportCount === 1
            ? L(ctx, '1 weiteren Person', '1 more person')
            : L(ctx, `${r.supportCount} weiteren Personen`, `${r.supportCount} more people`)}
        </dd>
        <dt>{L(ctx, 'Zuständig', 'Responsible')}</dt>
        <dd>{r.department}</dd>
        {r.address && (
          <>
            <dt>{L(ctx, 'Ort', 'Place')}</dt>
            <dd>{r.address}</dd>
          </>
        )}
        {r.lat !== null && r.lon !== null && (
          <>
            <dt>{L(ctx, 'Koordinaten', 'Coordinates')}</dt>
            <dd>
              {r.lat.toFixed(5)}, {r.lon.toFixed(5)}
            </dd>
          </>
        )}
      </dl>
      {open && !props.unpublished && <SupportButton ctx={ctx} id={r.id} />}
      <h2 class="kern-heading-medium">{L(ctx, 'Beschreibung', 'Description')}</h2>
      <p class="sp-prewrap">
        {r.description ?? L(ctx, '(Von der Moderation verborgen.)', '(Hidden by moderation.)')}
      </p>
      {r.lat !== null && r.lon !== null && (
        <ReportMap
          ctx={ctx}
          boundary={props.boundary}
          label={L(ctx, `Lage der Meldung Nr. ${r.id}`, `Location of report no. ${r.id}`)}
          points={[
            {
              id: r.id,
              lon: r.lon,
              lat: r.lat,
              label: title,
              open: ['eingegangen', 'bestaetigt', 'in_bearbeitung'].includes(r.status),
            },
          ]}
        />
      )}
      {props.photos.length > 0 && (
        <>
          <h2 class="kern-heading-medium">{L(ctx, 'Fotos', 'Photos')}</h2>
          <ul class="sp-photos">
            {props.photos.map((p, i) => (
              <li key={p.id}>
                <img
                  src={ctx.href(`${base}/${r.id}/fotos/${p.id}`)}
                  width={p.width}
                  height={p.height}
                  loading="lazy"
                  alt={L(ctx, `Foto ${i + 1} zur Meldung`, `Photo ${i + 1} of the report`)}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      <h2 class="kern-heading-medium">{L(ctx, 'Verlauf', 'History')}</h2>
      <ol class="sp-history">
        {publicHistory.map((h) => (
          <li key={h.id}>
            <p>
              <strong>{historyText(ctx, h)}</strong> · {dateFmt(ctx, h.at)}
            </p>
            {h.public_note && <p class="sp-prewrap">{h.public_note}</p>}
          </li>
        ))}
      </ol>
      {props.canReopen && (
        <p>
          <a
            class="kern-btn kern-btn--secondary"
            href={ctx.href(
              `${base}/${r.id}/wieder-oeffnen${props.reopenToken ? `?token=${encodeURIComponent(props.reopenToken)}` : ''}`,
            )}
          >
            <span class="kern-label">
              {L(ctx, 'Nicht behoben? Meldung wieder öffnen', 'Not fixed? Reopen the report')}
            </span>
          </a>
        </p>
      )}
      <p class="kern-body--small">
        {L(
          ctx,
          `Erledigte Meldungen können von der meldenden Person innerhalb von ${REOPEN_DAYS} Tagen wieder geöffnet werden.`,
          `The reporter can reopen a fixed report within ${REOPEN_DAYS} days.`,
        )}
      </p>
    </Layout>
  );
}

export function ReopenPage(props: {
  ctx: PageContext;
  report: PublicReport;
  token: string;
  reason: string;
  errors: FieldErrors;
}) {
  const { ctx, report: r } = props;
  const base = reportsBase(ctx);
  const title = L(ctx, `Meldung Nr. ${r.id} wieder öffnen`, `Reopen report no. ${r.id}`);
  return (
    <Layout ctx={ctx} title={title} breadcrumbs={crumbs(ctx, title)}>
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <p>
        {L(
          ctx,
          'Die Stadt hat den Mangel als erledigt gemeldet. Ist er nicht behoben, sagen Sie uns, was noch fehlt.',
          'The city reported the defect as fixed. If it is not, tell us what is still wrong.',
        )}
      </p>
      <form method="post" action={ctx.href(`${base}/${r.id}/wieder-oeffnen`)}>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="token" value={props.token} />
        <TextArea
          ctx={ctx}
          name="reason"
          label={L(ctx, 'Was ist noch nicht behoben?', 'What is still not fixed?')}
          value={props.reason}
          error={props.errors.reason}
          maxLength={2000}
        />
        <button class="kern-btn kern-btn--primary" type="submit">
          <span class="kern-label">{L(ctx, 'Wieder öffnen', 'Reopen')}</span>
        </button>
      </form>
    </Layout>
  );
}
