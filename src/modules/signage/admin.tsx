/**
 * Staff pages for signage: steles with online/offline status and a live preview of what each shows,
 * registration and device URL, playlists, the emergency message per city and the kiosk settings.
 * Admins of a city manage its steles and emergency messages; editors manage the playlists.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { requireStaff } from '../../platform/admin/guard.ts';
import { AdminLayout } from '../../platform/admin/layout.tsx';
import { citiesWithRole } from '../../platform/auth/service.ts';
import { HttpError, notFound } from '../../platform/http/errors.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  fieldKit,
  formString,
} from '../../platform/web/forms.tsx';
import { TableWrap } from '../../platform/web/table.tsx';
import { buildPlaylist, type Slide } from './playlist.ts';
import { ALL_DAYS, WEEKDAY_BITS } from './schedule.ts';
import {
  activeEmergency,
  type BonusPlaceRow,
  canEditPlaylist,
  canManageSteles,
  changeSlide,
  clearEmergency,
  createStele,
  devicePath,
  EMERGENCY_DURATIONS,
  type EmergencyRow,
  getStele,
  KIND_LABELS,
  kioskIdleSeconds,
  listSlides,
  listSteles,
  publishEmergency,
  RESOLUTIONS,
  recentEmergencies,
  regenerateKey,
  removeStele,
  rotatingPlaces,
  SLIDE_KINDS,
  type SlideRow,
  type SteleRow,
  setKioskIdleSeconds,
  steleStatus,
  toPublicEmergency,
  updateStele,
  validateEmergency,
  validateSlide,
  validateStele,
} from './service.ts';
import { EmergencyView, L, SlideView, slideTitle } from './slides.tsx';

const BASE = '/admin/stelen';
const WEEKDAYS_DE = ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So'];
const WEEKDAYS_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const dt = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const when = (d: Date | null) => (d ? dt.format(new Date(d)) : '–');

function StatusBadge({ ctx, stele }: { ctx: PageContext; stele: SteleRow }) {
  const s = steleStatus(stele);
  // Words and a symbol, not colour alone.
  const label =
    s === 'online'
      ? L(ctx.locale, '● Online', '● Online')
      : s === 'offline'
        ? L(ctx.locale, '○ Offline', '○ Offline')
        : L(ctx.locale, '○ Noch nie verbunden', '○ Never connected');
  return <span class={`kern-badge sp-signage-status sp-signage-status--${s}`}>{label}</span>;
}

function schedule(ctx: PageContext, s: SlideRow): string {
  const names = ctx.locale === 'en' ? WEEKDAYS_EN : WEEKDAYS_DE;
  const days =
    s.weekdays === ALL_DAYS
      ? L(ctx.locale, 'täglich', 'daily')
      : names.filter((_, i) => s.weekdays & WEEKDAY_BITS[i]!).join(', ');
  return s.time_from
    ? `${days}, ${s.time_from}–${s.time_to}`
    : `${days}, ${L(ctx.locale, 'ganztägig', 'all day')}`;
}

// ---- overview ----

function OverviewPage(props: {
  ctx: PageContext;
  steles: SteleRow[];
  cities: City[];
  adminCities: City[];
  emergencies: Map<number, EmergencyRow | undefined>;
  kiosk: Map<number, number>;
  recent: EmergencyRow[];
  errors?: FieldErrors;
  values?: Record<string, string>;
}) {
  const { ctx, steles, cities } = props;
  const cityName = (id: number) => cities.find((c) => c.id === id)?.shortName ?? '';
  const v = props.values ?? {};
  const errors = props.errors ?? {};
  // Field names carry the city slug but the values come back unprefixed (with `city`): each field
  // gets its value explicitly. Errors are keyed by the prefixed name, so they reach only their city.
  const f = fieldKit(ctx, {}, errors);
  const title = L(ctx.locale, 'Stelen und Kiosk-Terminals', 'Steles and kiosk terminals');
  return (
    <AdminLayout ctx={ctx} title={title} crumbs={[{ label: title }]}>
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={errors} />
      {props.adminCities.length > 0 && (
        <p>
          <a class="kern-btn kern-btn--primary" href={ctx.href(`${BASE}/neu`)}>
            <span class="kern-label">{L(ctx.locale, 'Neue Stele registrieren', 'Register a new stele')}</span>
          </a>
        </p>
      )}
      <TableWrap label={L(ctx.locale, 'Stelen', 'Steles')}>
        <table class="kern-table">
          <caption class="kern-title">
            {L(ctx.locale, 'Stelen und ihr Zustand', 'Steles and their state')}
          </caption>
          <thead class="kern-table__head">
            <tr class="kern-table__row">
              <th class="kern-table__header" scope="col">
                {L(ctx.locale, 'Name', 'Name')}
              </th>
              <th class="kern-table__header" scope="col">
                {L(ctx.locale, 'Stadt', 'City')}
              </th>
              <th class="kern-table__header" scope="col">
                {L(ctx.locale, 'Zustand', 'State')}
              </th>
              <th class="kern-table__header" scope="col">
                {L(ctx.locale, 'Zuletzt gemeldet', 'Last seen')}
              </th>
            </tr>
          </thead>
          <tbody class="kern-table__body">
            {steles.map((s) => (
              <tr class="kern-table__row" key={s.id}>
                <td class="kern-table__cell">
                  <a href={ctx.href(`${BASE}/${s.id}`)}>{s.name}</a>
                  {s.place && <div class="kern-hint">{s.place}</div>}
                </td>
                <td class="kern-table__cell">{cityName(s.city_id)}</td>
                <td class="kern-table__cell">
                  <StatusBadge ctx={ctx} stele={s} />
                </td>
                <td class="kern-table__cell">{when(s.last_seen_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {steles.length === 0 && (
        <p>{L(ctx.locale, 'Noch keine Stelen registriert.', 'No steles registered yet.')}</p>
      )}

      {props.adminCities.map((c) => {
        const e = props.emergencies.get(c.id);
        const mine = v.city === c.slug;
        return (
          <section key={c.id} class="sp-signage-city" aria-labelledby={`notfall-${c.slug}`}>
            <h2 class="kern-heading-medium" id={`notfall-${c.slug}`}>
              {L(
                ctx.locale,
                `Warnmeldung für alle Stelen in ${c.name}`,
                `Emergency message for all steles in ${c.name}`,
              )}
            </h2>
            {e ? (
              <div class="kern-alert kern-alert--warning" role="status">
                <div class="kern-alert__header">
                  <p class="kern-title">
                    {L(ctx.locale, 'Jetzt angezeigt: ', 'Showing now: ')}
                    {e.title}
                  </p>
                </div>
                <div class="kern-alert__body">
                  <p>{e.body}</p>
                  <p>
                    {L(ctx.locale, 'Seit', 'Since')} {when(e.created_at)}
                    {e.ends_at && ` · ${L(ctx.locale, 'bis', 'until')} ${when(e.ends_at)}`}
                  </p>
                  <form method="post" action={ctx.href(`${BASE}/notfall/beenden`)}>
                    <CsrfField ctx={ctx} />
                    <input type="hidden" name="city" value={c.slug} />
                    <button type="submit" class="kern-btn kern-btn--secondary">
                      <span class="kern-label">
                        {L(ctx.locale, 'Warnmeldung beenden', 'End emergency message')}
                      </span>
                    </button>
                  </form>
                </div>
              </div>
            ) : (
              <p>{L(ctx.locale, 'Zurzeit keine Warnmeldung.', 'No emergency message at the moment.')}</p>
            )}
            <form method="post" action={ctx.href(`${BASE}/notfall`)} class="sp-form" novalidate>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="city" value={c.slug} />
              {f.text(`title-${c.slug}`, L(ctx.locale, 'Überschrift', 'Heading'), {
                value: mine ? v.title : '',
                maxLength: 120,
              })}
              {f.area(`body-${c.slug}`, L(ctx.locale, 'Text', 'Text'), {
                hint: L(
                  ctx.locale,
                  'Was ist passiert, was sollen Menschen tun? Höchstens 600 Zeichen.',
                  'What happened, what should people do? At most 600 characters.',
                ),
                value: mine ? v.body : '',
                rows: 3,
                maxLength: 600,
              })}
              {f.select(
                `minutes-${c.slug}`,
                L(ctx.locale, 'Dauer', 'Duration'),
                EMERGENCY_DURATIONS.map((m) => ({
                  value: String(m),
                  label:
                    m === 0
                      ? L(ctx.locale, 'bis zum Beenden', 'until ended')
                      : m < 60
                        ? `${m} ${L(ctx.locale, 'Minuten', 'minutes')}`
                        : `${m / 60} ${L(ctx.locale, m === 60 ? 'Stunde' : 'Stunden', m === 60 ? 'hour' : 'hours')}`,
                })),
                { value: mine ? v.minutes : '0' },
              )}
              <button type="submit" class="kern-btn kern-btn--primary">
                <span class="kern-label">
                  {L(
                    ctx.locale,
                    `Auf allen Stelen in ${c.shortName} anzeigen`,
                    `Show on all steles in ${c.shortName}`,
                  )}
                </span>
              </button>
            </form>
            <form method="post" action={ctx.href(`${BASE}/kiosk`)} class="sp-form" novalidate>
              <CsrfField ctx={ctx} />
              <input type="hidden" name="city" value={c.slug} />
              {f.text(
                `idle-${c.slug}`,
                L(
                  ctx.locale,
                  `Kiosk ${c.shortName}: Zurücksetzen nach Sekunden ohne Berührung`,
                  `Kiosk ${c.shortName}: reset after seconds without touch`,
                ),
                {
                  type: 'number',
                  hint: L(
                    ctx.locale,
                    `Terminal: /kiosk/${c.slug} · 15 bis 1800 Sekunden`,
                    `Terminal: /kiosk/${c.slug} · 15 to 1800 seconds`,
                  ),
                  value: mine && v.idle ? v.idle : String(props.kiosk.get(c.id) ?? ''),
                },
              )}
              <button type="submit" class="kern-btn kern-btn--secondary">
                <span class="kern-label">
                  {L(ctx.locale, 'Kiosk-Einstellung speichern', 'Save kiosk setting')}
                </span>
              </button>
            </form>
          </section>
        );
      })}
      {props.recent.length > 0 && (
        <section aria-labelledby="verlauf">
          <h2 class="kern-heading-medium" id="verlauf">
            {L(ctx.locale, 'Letzte Warnmeldungen', 'Recent emergency messages')}
          </h2>
          <ul>
            {props.recent.map((e) => (
              <li key={e.id}>
                {when(e.created_at)} · {cityName(e.city_id)} · {e.title}
                {e.cleared_at && ` (${L(ctx.locale, 'beendet', 'ended')} ${when(e.cleared_at)})`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </AdminLayout>
  );
}

// ---- stele form ----

function SteleForm(props: {
  ctx: PageContext;
  action: string;
  cities: City[] | null;
  places: BonusPlaceRow[];
  values: Record<string, string>;
  errors: FieldErrors;
  submit: string;
}) {
  const { ctx } = props;
  const f = fieldKit(ctx, props.values, props.errors);
  return (
    <form method="post" action={ctx.href(props.action)} class="sp-form" novalidate>
      <CsrfField ctx={ctx} />
      {props.cities &&
        f.select(
          'city',
          L(ctx.locale, 'Stadt', 'City'),
          props.cities.map((c) => ({ value: c.slug, label: c.name })),
        )}
      {f.text('name', L(ctx.locale, 'Name', 'Name'), { maxLength: 120 })}
      {f.text('place', L(ctx.locale, 'Standort', 'Location'), {
        hint: L(
          ctx.locale,
          'z. B. Marktplatz, vor dem Rathaus',
          'e.g. market square, in front of the town hall',
        ),
        optional: true,
        maxLength: 200,
      })}
      {f.text('lat', L(ctx.locale, 'Breitengrad', 'Latitude'), {
        hint: 'z. B. 48.8374',
        optional: true,
        inputMode: 'decimal',
      })}
      {f.text('lon', L(ctx.locale, 'Längengrad', 'Longitude'), {
        hint: 'z. B. 10.0934',
        optional: true,
        inputMode: 'decimal',
      })}
      {f.select('orientation', L(ctx.locale, 'Ausrichtung', 'Orientation'), [
        { value: 'portrait', label: L(ctx.locale, 'Hochformat', 'Portrait') },
        { value: 'landscape', label: L(ctx.locale, 'Querformat', 'Landscape') },
      ])}
      {f.text(
        'resolution',
        L(ctx.locale, 'Auflösung (Breite×Höhe in Pixeln)', 'Resolution (width×height in pixels)'),
        { hint: `${L(ctx.locale, 'üblich', 'common')}: ${RESOLUTIONS.join(', ')}` },
      )}
      {f.select(
        'bonusPlaceId',
        L(ctx.locale, 'Stadttaler-Check-in-Ort (wechselnder Code)', 'Bonus check-in place (rotating code)'),
        [
          { value: '', label: L(ctx.locale, 'keiner', 'none') },
          ...props.places.map((p) => ({ value: String(p.id), label: p.name })),
        ],
      )}
      <button type="submit" class="kern-btn kern-btn--primary">
        <span class="kern-label">{props.submit}</span>
      </button>
    </form>
  );
}

const steleValues = (s: SteleRow, citySlug: string): Record<string, string> => ({
  city: citySlug,
  name: s.name,
  place: s.place,
  lat: s.lat === null ? '' : String(s.lat),
  lon: s.lon === null ? '' : String(s.lon),
  orientation: s.orientation,
  resolution: `${s.width}x${s.height}`,
  bonusPlaceId: s.bonus_place_id ? String(s.bonus_place_id) : '',
});

function NewStelePage(props: {
  ctx: PageContext;
  cities: City[];
  places: BonusPlaceRow[];
  values: Record<string, string>;
  errors: FieldErrors;
}) {
  const { ctx } = props;
  const title = L(ctx.locale, 'Neue Stele registrieren', 'Register a new stele');
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[{ label: L(ctx.locale, 'Stelen', 'Steles'), href: BASE }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <SteleForm {...props} action={`${BASE}/neu`} submit={L(ctx.locale, 'Registrieren', 'Register')} />
    </AdminLayout>
  );
}

// ---- stele detail ----

function SlideForm(props: {
  ctx: PageContext;
  action: string;
  values: Record<string, string | string[]>;
  errors: FieldErrors;
  submit: string;
}) {
  const { ctx } = props;
  const f = fieldKit(ctx, props.values, props.errors);
  return (
    <form method="post" action={ctx.href(props.action)} class="sp-form" novalidate>
      <CsrfField ctx={ctx} />
      {f.select(
        'kind',
        L(ctx.locale, 'Art der Folie', 'Kind of slide'),
        SLIDE_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k][ctx.locale] })),
      )}
      {f.text('title', L(ctx.locale, 'Titel', 'Title'), {
        hint: L(
          ctx.locale,
          'Leer lassen für den Standardtitel der Art.',
          'Leave empty for the default title.',
        ),
        optional: true,
        maxLength: 120,
      })}
      {f.area('body', L(ctx.locale, 'Text (nur bei eigener Mitteilung)', 'Text (own message only)'), {
        optional: true,
        rows: 3,
        maxLength: 600,
      })}
      {f.text('link', L(ctx.locale, 'Link für „Auf dem Handy öffnen“', 'Link for “open on your phone”'), {
        hint: L(
          ctx.locale,
          'Pfad dieser Plattform (z. B. /aalen/angebote) oder https-Adresse; leer = passende Seite der Stadt.',
          'Path on this platform or https address; empty = the matching city page.',
        ),
        optional: true,
        maxLength: 500,
      })}
      {f.text('duration', L(ctx.locale, 'Anzeigedauer in Sekunden', 'Duration in seconds'), {
        type: 'number',
      })}
      {f.checks(
        'weekdays',
        L(ctx.locale, 'Wochentage', 'Weekdays'),
        (ctx.locale === 'en' ? WEEKDAYS_EN : WEEKDAYS_DE).map((d, i) => ({ value: String(i), label: d })),
      )}
      {f.text('timeFrom', L(ctx.locale, 'Zeitfenster von (HH:MM)', 'Time window from (HH:MM)'), {
        hint: L(
          ctx.locale,
          'z. B. 06:00 – leer lassen für ganztägig',
          'e.g. 06:00 – leave empty for all day',
        ),
        optional: true,
      })}
      {f.text('timeTo', L(ctx.locale, 'Zeitfenster bis (HH:MM)', 'Time window until (HH:MM)'), {
        hint: L(ctx.locale, 'z. B. 11:00', 'e.g. 11:00'),
        optional: true,
      })}
      {f.checks('enabled', L(ctx.locale, 'Anzeige', 'Display'), [
        { value: 'on', label: L(ctx.locale, 'Folie anzeigen', 'Show slide') },
      ])}
      <button type="submit" class="kern-btn kern-btn--primary">
        <span class="kern-label">{props.submit}</span>
      </button>
    </form>
  );
}

const slideValues = (s: SlideRow): Record<string, string | string[]> => ({
  kind: s.kind,
  title: s.title,
  body: s.body,
  link: s.link,
  duration: String(s.duration_seconds),
  weekdays: WEEKDAY_BITS.flatMap((b, i) => (s.weekdays & b ? [String(i)] : [])),
  timeFrom: s.time_from ?? '',
  timeTo: s.time_to ?? '',
  enabled: s.enabled ? 'on' : '',
});

const NEW_SLIDE: Record<string, string | string[]> = {
  kind: 'events',
  duration: '15',
  weekdays: ['0', '1', '2', '3', '4', '5', '6'],
  enabled: 'on',
};

/** "What it shows now", drawn from data (no screenshot): the reported slide or the emergency message. */
function Preview({
  ctx,
  stele,
  slides,
  emergency,
}: {
  ctx: PageContext;
  stele: SteleRow;
  slides: Slide[];
  emergency: EmergencyRow | undefined;
}) {
  const shownEmergency = emergency && stele.last_emergency_id === emergency.id ? emergency : undefined;
  const slide = slides.find((s) => s.id === stele.last_slide_id);
  return (
    <figure class={`sd-preview sd-preview--${stele.orientation}`}>
      <figcaption>
        {L(ctx.locale, 'Zuletzt gemeldete Anzeige', 'Last reported screen')} ({when(stele.last_seen_at)})
      </figcaption>
      <div class="sd-frame">
        <div class={`sd sd--${stele.orientation}`}>
          {shownEmergency ? (
            <EmergencyView locale={ctx.locale} emergency={toPublicEmergency(shownEmergency)} />
          ) : slide ? (
            <div class="sd-slides">
              <SlideView
                locale={ctx.locale}
                slide={slide}
                index={slides.indexOf(slide)}
                total={slides.length}
              />
            </div>
          ) : (
            <p class="sd-lead">
              {L(ctx.locale, 'Keine Meldung über den gezeigten Inhalt.', 'No report of the content shown.')}
            </p>
          )}
        </div>
      </div>
    </figure>
  );
}

function StelePage(props: {
  ctx: PageContext;
  stele: SteleRow;
  city: City;
  rows: SlideRow[];
  slides: Slide[];
  emergency: EmergencyRow | undefined;
  places: BonusPlaceRow[];
  deviceUrl: string | null;
  manage: boolean;
  edit: boolean;
  slideValues?: Record<string, string | string[]>;
  steleValues?: Record<string, string>;
  errors?: FieldErrors;
  notice?: string | undefined;
}) {
  const { ctx, stele, rows } = props;
  const errors = props.errors ?? {};
  const base = `${BASE}/${stele.id}`;
  return (
    <AdminLayout
      ctx={ctx}
      title={stele.name}
      crumbs={[{ label: L(ctx.locale, 'Stelen', 'Steles'), href: BASE }, { label: stele.name }]}
    >
      <h1 class="kern-heading-large">{stele.name}</h1>
      {props.notice && (
        <div class="kern-alert kern-alert--success" role="status">
          <div class="kern-alert__header">
            <p class="kern-title">{props.notice}</p>
          </div>
        </div>
      )}
      <ErrorSummary ctx={ctx} errors={errors} />
      <dl class="sp-signage-facts">
        <dt>{L(ctx.locale, 'Stadt', 'City')}</dt>
        <dd>{props.city.name}</dd>
        <dt>{L(ctx.locale, 'Standort', 'Location')}</dt>
        <dd>{stele.place || '–'}</dd>
        <dt>{L(ctx.locale, 'Format', 'Format')}</dt>
        <dd>
          {stele.orientation === 'portrait'
            ? L(ctx.locale, 'Hochformat', 'Portrait')
            : L(ctx.locale, 'Querformat', 'Landscape')}
          , {stele.width}×{stele.height}
        </dd>
        <dt>{L(ctx.locale, 'Zustand', 'State')}</dt>
        <dd>
          <StatusBadge ctx={ctx} stele={stele} /> {L(ctx.locale, 'zuletzt gemeldet', 'last seen')}{' '}
          {when(stele.last_seen_at)}
        </dd>
      </dl>
      <Preview ctx={ctx} stele={stele} slides={props.slides} emergency={props.emergency} />

      {props.deviceUrl && (
        <section aria-labelledby="geraet">
          <h2 class="kern-heading-medium" id="geraet">
            {L(ctx.locale, 'Geräte-Adresse', 'Device address')}
          </h2>
          <p>
            {L(
              ctx.locale,
              'Diese geheime Adresse im Vollbild-Browser der Stele öffnen. Nicht weitergeben.',
              'Open this secret address in the stele’s full-screen browser. Do not share.',
            )}
          </p>
          <p>
            <code class="sp-signage-url">{props.deviceUrl}</code>
          </p>
          <form method="post" action={ctx.href(`${base}/schluessel`)}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="kern-btn kern-btn--secondary">
              <span class="kern-label">
                {L(
                  ctx.locale,
                  'Neue Adresse erzeugen (alte wird ungültig)',
                  'New address (the old one stops working)',
                )}
              </span>
            </button>
          </form>
        </section>
      )}

      <section aria-labelledby="playlist">
        <h2 class="kern-heading-medium" id="playlist">
          {L(ctx.locale, 'Ablauf (Playlist)', 'Playlist')}
        </h2>
        <TableWrap label={L(ctx.locale, 'Folien', 'Slides')}>
          <table class="kern-table">
            <caption class="kern-title">
              {L(ctx.locale, 'Folien in der Reihenfolge der Anzeige', 'Slides in display order')}
            </caption>
            <thead class="kern-table__head">
              <tr class="kern-table__row">
                <th class="kern-table__header" scope="col">
                  {L(ctx.locale, 'Folie', 'Slide')}
                </th>
                <th class="kern-table__header" scope="col">
                  {L(ctx.locale, 'Dauer', 'Duration')}
                </th>
                <th class="kern-table__header" scope="col">
                  {L(ctx.locale, 'Wann', 'When')}
                </th>
                {props.edit && (
                  <th class="kern-table__header" scope="col">
                    {L(ctx.locale, 'Aktionen', 'Actions')}
                  </th>
                )}
              </tr>
            </thead>
            <tbody class="kern-table__body">
              {rows.map((s) => {
                const label = slideTitle(ctx.locale, { kind: s.kind as Slide['kind'], title: s.title });
                return (
                  <tr class="kern-table__row" key={s.id}>
                    <td class="kern-table__cell">
                      {props.edit ? <a href={ctx.href(`${base}/folien/${s.id}`)}>{label}</a> : label}
                      <div class="kern-hint">
                        {KIND_LABELS[s.kind as Slide['kind']]?.[ctx.locale]}
                        {!s.enabled && ` · ${L(ctx.locale, 'ausgeblendet', 'hidden')}`}
                      </div>
                    </td>
                    <td class="kern-table__cell">{s.duration_seconds} s</td>
                    <td class="kern-table__cell">{schedule(ctx, s)}</td>
                    {props.edit && (
                      <td class="kern-table__cell">
                        <form
                          method="post"
                          action={ctx.href(`${base}/folien/${s.id}/verschieben`)}
                          class="sp-inline-form"
                        >
                          <CsrfField ctx={ctx} />
                          <button
                            type="submit"
                            name="direction"
                            value="up"
                            class="kern-btn kern-btn--tertiary"
                            aria-label={L(ctx.locale, `${label} nach oben`, `${label} up`)}
                          >
                            <span class="kern-label">↑</span>
                          </button>
                          <button
                            type="submit"
                            name="direction"
                            value="down"
                            class="kern-btn kern-btn--tertiary"
                            aria-label={L(ctx.locale, `${label} nach unten`, `${label} down`)}
                          >
                            <span class="kern-label">↓</span>
                          </button>
                        </form>
                        <form
                          method="post"
                          action={ctx.href(`${base}/folien/${s.id}/loeschen`)}
                          class="sp-inline-form"
                        >
                          <CsrfField ctx={ctx} />
                          <button
                            type="submit"
                            class="kern-btn kern-btn--tertiary"
                            aria-label={L(ctx.locale, `${label} entfernen`, `Remove ${label}`)}
                          >
                            <span class="kern-label">{L(ctx.locale, 'Entfernen', 'Remove')}</span>
                          </button>
                        </form>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableWrap>
        {rows.length === 0 && <p>{L(ctx.locale, 'Noch keine Folien.', 'No slides yet.')}</p>}
      </section>

      {props.edit && (
        <section aria-labelledby="neue-folie">
          <h2 class="kern-heading-medium" id="neue-folie">
            {L(ctx.locale, 'Folie hinzufügen', 'Add a slide')}
          </h2>
          <SlideForm
            ctx={ctx}
            action={`${base}/folien`}
            values={props.slideValues ?? NEW_SLIDE}
            errors={props.slideValues ? errors : {}}
            submit={L(ctx.locale, 'Folie hinzufügen', 'Add slide')}
          />
        </section>
      )}

      {props.manage && (
        <section aria-labelledby="einstellungen">
          <h2 class="kern-heading-medium" id="einstellungen">
            {L(ctx.locale, 'Einstellungen', 'Settings')}
          </h2>
          <SteleForm
            ctx={ctx}
            action={base}
            cities={null}
            places={props.places}
            values={props.steleValues ?? steleValues(stele, props.city.slug)}
            errors={props.steleValues ? errors : {}}
            submit={L(ctx.locale, 'Speichern', 'Save')}
          />
          <form method="post" action={ctx.href(`${base}/loeschen`)}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="kern-btn kern-btn--secondary">
              <span class="kern-label">{L(ctx.locale, 'Stele entfernen', 'Remove stele')}</span>
            </button>
          </form>
        </section>
      )}
    </AdminLayout>
  );
}

function EditSlidePage(props: {
  ctx: PageContext;
  stele: SteleRow;
  slide: SlideRow;
  values: Record<string, string | string[]>;
  errors: FieldErrors;
}) {
  const { ctx, stele, slide } = props;
  const title = L(ctx.locale, 'Folie bearbeiten', 'Edit slide');
  return (
    <AdminLayout
      ctx={ctx}
      title={title}
      crumbs={[
        { label: L(ctx.locale, 'Stelen', 'Steles'), href: BASE },
        { label: stele.name, href: `${BASE}/${stele.id}` },
        { label: title },
      ]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <SlideForm
        ctx={ctx}
        action={`${BASE}/${stele.id}/folien/${slide.id}`}
        values={props.values}
        errors={props.errors}
        submit={L(ctx.locale, 'Speichern', 'Save')}
      />
    </AdminLayout>
  );
}

// ---- routes ----

/** Form body as a plain record (formbody gives string | string[]). */
const bodyOf = (request: FastifyRequest) => (request.body ?? {}) as Record<string, string | string[]>;

export async function signageAdminRoutes(app: FastifyInstance) {
  const db = app.database.db;
  const { secret, baseUrl } = app.config;

  async function citiesFor(request: FastifyRequest, role: 'admin' | 'editor') {
    const allowed = citiesWithRole(request.user, role);
    return (await app.tenancy()).cities.filter((c) => allowed === 'all' || allowed.includes(c.id));
  }

  async function renderOverview(
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: FieldErrors,
    values?: Record<string, string>,
  ) {
    requireStaff(request, 'editor', 'any');
    const cities = (await app.tenancy()).cities;
    const visible = citiesWithRole(request.user, 'editor');
    const adminCities = await citiesFor(request, 'admin');
    const [steles, recent] = await Promise.all([listSteles(db, visible), recentEmergencies(db, visible)]);
    const emergencies = new Map<number, EmergencyRow | undefined>();
    const kiosk = new Map<number, number>();
    for (const c of adminCities) {
      emergencies.set(c.id, await activeEmergency(db, c.id));
      kiosk.set(c.id, await kioskIdleSeconds(db, c.id));
    }
    return reply.page(
      h(OverviewPage, {
        ctx: await request.pageContext(),
        steles,
        cities,
        adminCities,
        emergencies,
        kiosk,
        recent,
        errors,
        values,
      }),
      errors ? 422 : 200,
    );
  }

  app.get(BASE, { schema: { hide: true } }, (request, reply) => renderOverview(request, reply));

  async function cityFromForm(request: FastifyRequest): Promise<City> {
    const slug = formString(request.body, 'city');
    const city = (await app.tenancy()).cities.find((c) => c.slug === slug);
    if (!city) throw notFound('Diese Stadt gibt es nicht.');
    requireStaff(request, 'admin', city.id);
    return city;
  }

  app.post(`${BASE}/notfall`, { schema: { hide: true } }, async (request, reply) => {
    const city = await cityFromForm(request);
    const b = bodyOf(request);
    const raw = {
      title: b[`title-${city.slug}`],
      body: b[`body-${city.slug}`],
      minutes: b[`minutes-${city.slug}`],
    };
    const { values, errors } = validateEmergency(raw);
    if (Object.keys(errors).length) {
      const prefixed = Object.fromEntries(Object.entries(errors).map(([k, m]) => [`${k}-${city.slug}`, m]));
      return renderOverview(request, reply, prefixed, {
        city: city.slug,
        title: values.title,
        body: values.body,
        minutes: String(raw.minutes ?? '0'),
      });
    }
    await publishEmergency(app.database, request.user, city.id, values);
    return reply.redirect(BASE, 303);
  });

  app.post(`${BASE}/notfall/beenden`, { schema: { hide: true } }, async (request, reply) => {
    const city = await cityFromForm(request);
    await clearEmergency(app.database, request.user, city.id);
    return reply.redirect(BASE, 303);
  });

  app.post(`${BASE}/kiosk`, { schema: { hide: true } }, async (request, reply) => {
    const city = await cityFromForm(request);
    const idle = formString(request.body, `idle-${city.slug}`);
    try {
      await setKioskIdleSeconds(db, request.user, city.id, idle);
    } catch (err) {
      if (err instanceof HttpError && err.details?.errors)
        return renderOverview(
          request,
          reply,
          { [`idle-${city.slug}`]: err.details.errors.idleSeconds! },
          { city: city.slug, idle },
        );
      throw err;
    }
    return reply.redirect(BASE, 303);
  });

  // -- registration --

  app.get(`${BASE}/neu`, { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request, 'admin', 'any');
    const cities = await citiesFor(request, 'admin');
    const places = await rotatingPlaces(
      db,
      cities.map((c) => c.id),
    );
    const values = { city: cities[0]?.slug ?? '', orientation: 'portrait', resolution: '1080x1920' };
    return reply.page(
      h(NewStelePage, { ctx: await request.pageContext(), cities, places, values, errors: {} }),
    );
  });

  app.post(`${BASE}/neu`, { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request, 'admin', 'any');
    const cities = await citiesFor(request, 'admin');
    const city = cities.find((c) => c.slug === formString(request.body, 'city'));
    const places = await rotatingPlaces(
      db,
      cities.map((c) => c.id),
    );
    const { values, errors } = validateStele(bodyOf(request), city?.id ?? -1, places);
    if (!city) errors.city = 'Wählen Sie eine Stadt, in der Sie Stelen verwalten dürfen.';
    if (Object.keys(errors).length || !city) {
      const raw = Object.fromEntries(Object.entries(bodyOf(request)).map(([k, v]) => [k, String(v)]));
      return reply.page(
        h(NewStelePage, { ctx: await request.pageContext(), cities, places, values: raw, errors }),
        422,
      );
    }
    const id = await createStele(db, request.user, values);
    return reply.redirect(`${BASE}/${id}?neu=1`, 303);
  });

  // -- one stele --

  async function loadStele(request: FastifyRequest<{ Params: { id: string } }>) {
    const id = request.params.id;
    const stele = /^\d{1,9}$/.test(id) ? await getStele(db, Number(id)) : undefined;
    if (!stele) throw notFound('Diese Stele gibt es nicht.');
    requireStaff(request, 'editor', stele.city_id);
    const city = (await app.tenancy()).cities.find((c) => c.id === stele.city_id)!;
    return { stele, city };
  }

  async function renderStele(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    extra: {
      slideValues?: Record<string, string | string[]>;
      steleValues?: Record<string, string>;
      errors?: FieldErrors;
      notice?: string;
    } = {},
  ) {
    const { stele, city } = await loadStele(request);
    const manage = canManageSteles(request.user, stele.city_id);
    const [rows, emergency, places] = await Promise.all([
      listSlides(db, stele.id),
      activeEmergency(db, stele.city_id),
      manage ? rotatingPlaces(db, [stele.city_id]) : Promise.resolve([]),
    ]);
    const slides = await buildPlaylist({ db, secret, baseUrl, city, stele, slides: rows });
    // The device URL opens the display: only for those who may manage the stele.
    const deviceUrl = manage ? baseUrl + devicePath(secret, stele) : null;
    return reply.header('cache-control', 'no-store').page(
      h(StelePage, {
        ctx: await request.pageContext(),
        stele,
        city,
        rows,
        slides,
        emergency,
        places,
        deviceUrl,
        manage,
        edit: canEditPlaylist(request.user, stele.city_id),
        ...extra,
      }),
      extra.errors && Object.keys(extra.errors).length ? 422 : 200,
    );
  }

  type IdReq = { Params: { id: string } };
  type SlideReq = { Params: { id: string; slide: string } };

  app.get<IdReq & { Querystring: { neu?: string } }>(
    `${BASE}/:id`,
    { schema: { hide: true } },
    (request, reply) =>
      renderStele(
        request,
        reply,
        request.query.neu ? { notice: L(request.locale, 'Stele registriert.', 'Stele registered.') } : {},
      ),
  );

  app.post<IdReq>(`${BASE}/:id`, { schema: { hide: true } }, async (request, reply) => {
    const { stele } = await loadStele(request);
    requireStaff(request, 'admin', stele.city_id);
    const places = await rotatingPlaces(db, [stele.city_id]);
    const { values, errors } = validateStele(bodyOf(request), stele.city_id, places);
    if (Object.keys(errors).length) {
      const raw = Object.fromEntries(Object.entries(bodyOf(request)).map(([k, v]) => [k, String(v)]));
      return renderStele(request, reply, { steleValues: raw, errors });
    }
    await updateStele(app.database, request.user, stele, values);
    return reply.redirect(`${BASE}/${stele.id}`, 303);
  });

  app.post<IdReq>(`${BASE}/:id/schluessel`, { schema: { hide: true } }, async (request, reply) => {
    const { stele } = await loadStele(request);
    await regenerateKey(app.database, request.user, stele);
    return reply.redirect(`${BASE}/${stele.id}`, 303);
  });

  app.post<IdReq>(`${BASE}/:id/loeschen`, { schema: { hide: true } }, async (request, reply) => {
    const { stele } = await loadStele(request);
    await removeStele(app.database, request.user, stele);
    return reply.redirect(BASE, 303);
  });

  // -- slides --

  app.post<IdReq>(`${BASE}/:id/folien`, { schema: { hide: true } }, async (request, reply) => {
    const { stele } = await loadStele(request);
    requireStaff(request, 'editor', stele.city_id);
    const { values, errors } = validateSlide(normaliseEnabled(bodyOf(request)));
    if (Object.keys(errors).length)
      return renderStele(request, reply, { slideValues: bodyOf(request), errors });
    try {
      await changeSlide(app.database, request.user, stele, { op: 'add', values });
    } catch (err) {
      if (err instanceof HttpError && err.details?.errors)
        return renderStele(request, reply, { slideValues: bodyOf(request), errors: err.details.errors });
      throw err;
    }
    return reply.redirect(`${BASE}/${stele.id}#playlist`, 303);
  });

  async function loadSlide(request: FastifyRequest<SlideReq>) {
    const { stele } = await loadStele(request);
    requireStaff(request, 'editor', stele.city_id);
    const slide = (await listSlides(db, stele.id)).find((s) => String(s.id) === request.params.slide);
    if (!slide) throw notFound('Diese Folie gibt es nicht.');
    return { stele, slide };
  }

  app.get<SlideReq>(`${BASE}/:id/folien/:slide`, { schema: { hide: true } }, async (request, reply) => {
    const { stele, slide } = await loadSlide(request);
    return reply.page(
      h(EditSlidePage, {
        ctx: await request.pageContext(),
        stele,
        slide,
        values: slideValues(slide),
        errors: {},
      }),
    );
  });

  app.post<SlideReq>(`${BASE}/:id/folien/:slide`, { schema: { hide: true } }, async (request, reply) => {
    const { stele, slide } = await loadSlide(request);
    const { values, errors } = validateSlide(normaliseEnabled(bodyOf(request)));
    let problems = errors;
    if (!Object.keys(problems).length) {
      try {
        await changeSlide(app.database, request.user, stele, { op: 'update', slide, values });
        return reply.redirect(`${BASE}/${stele.id}#playlist`, 303);
      } catch (err) {
        if (!(err instanceof HttpError && err.details?.errors)) throw err;
        problems = err.details.errors;
      }
    }
    return reply.page(
      h(EditSlidePage, {
        ctx: await request.pageContext(),
        stele,
        slide,
        values: bodyOf(request),
        errors: problems,
      }),
      422,
    );
  });

  app.post<SlideReq>(
    `${BASE}/:id/folien/:slide/loeschen`,
    { schema: { hide: true } },
    async (request, reply) => {
      const { stele, slide } = await loadSlide(request);
      await changeSlide(app.database, request.user, stele, { op: 'delete', slide });
      return reply.redirect(`${BASE}/${stele.id}#playlist`, 303);
    },
  );

  app.post<SlideReq>(
    `${BASE}/:id/folien/:slide/verschieben`,
    { schema: { hide: true } },
    async (request, reply) => {
      const { stele, slide } = await loadSlide(request);
      const direction = formString(request.body, 'direction') === 'up' ? -1 : 1;
      await changeSlide(app.database, request.user, stele, { op: 'move', slide, direction });
      return reply.redirect(`${BASE}/${stele.id}#playlist`, 303);
    },
  );
}

/** An unchecked "show slide" box sends nothing: that means hidden, not "default on". */
function normaliseEnabled(body: Record<string, string | string[]>) {
  return { ...body, enabled: body.enabled === 'on' ? 'on' : 'off' };
}
