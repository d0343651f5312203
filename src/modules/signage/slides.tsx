/**
 * How a slide looks: one component for the stele itself, the playlist JSON (rendered to HTML for the
 * display island) and the admin's live preview. Large type, black on white or white on dark blue, no
 * meaning carried by colour alone, QR codes as inline SVG.
 */
import type { Locale } from '../../platform/web/i18n.ts';
import type { NearbyOffer, SensorReading, Slide } from './playlist.ts';
import type { PublicEmergency } from './service.ts';

export const L = (locale: Locale, de: string, en: string) => (locale === 'en' ? en : de);

const dateFmt = (locale: Locale) =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
    timeZone: 'Europe/Berlin',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
const timeFmt = new Intl.DateTimeFormat('de-DE', {
  timeZone: 'Europe/Berlin',
  hour: '2-digit',
  minute: '2-digit',
});

export function formatWhen(locale: Locale, d: Date, allDay = false): string {
  const day = dateFmt(locale).format(d);
  return allDay ? day : `${day}, ${timeFmt.format(d)}${locale === 'de' ? ' Uhr' : ''}`;
}

export function Qr({ svg, label, class: cls }: { svg: string; label: string; class?: string }) {
  // The SVG comes from the qrcode package for a URL we built; role=img gives it one accessible name.
  return (
    <div class={cls ?? 'sd-qr'} role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />
  );
}

function Empty({ text }: { text: string }) {
  return (
    <p class="sd-empty">
      <span aria-hidden="true">ⓘ </span>
      {text}
    </p>
  );
}

function Sensors({ locale, readings }: { locale: Locale; readings: SensorReading[] }) {
  if (readings.length === 0)
    return (
      <Empty
        text={L(
          locale,
          'Zurzeit liegen keine Messwerte vor. Die Stadtdaten werden angezeigt, sobald Sensoren Werte liefern.',
          'No readings at the moment. City data appears as soon as sensors deliver values.',
        )}
      />
    );
  return (
    <ul class="sd-tiles">
      {readings.map((r) => (
        <li key={r.label} class="sd-tile">
          <span class="sd-tile__label">{r.label}</span>
          <span class="sd-tile__value">
            {r.value} <span class="sd-tile__unit">{r.unit}</span>
          </span>
          {r.warning && (
            <strong class="sd-tile__warning">
              {L(locale, 'Warnung', 'Warning')}: {r.warning}
            </strong>
          )}
          <span class="sd-tile__time">
            {L(locale, 'Stand', 'As of')} {timeFmt.format(r.observedAt)}
            {r.simulated && ` · ${L(locale, 'simuliert', 'simulated')}`}
          </span>
        </li>
      ))}
    </ul>
  );
}

function List({ locale, items, empty }: { locale: Locale; items: Slide['content']; empty: string }) {
  if (!('items' in items) || !items.items || items.items.length === 0) return <Empty text={empty} />;
  const list = items.items as { title: string; text: string; when: Date | null; allDay?: boolean }[];
  return (
    <ul class="sd-list">
      {list.map((i, n) => (
        <li key={`${n}-${i.title}`}>
          {i.when && <span class="sd-list__when">{formatWhen(locale, new Date(i.when), i.allDay)}</span>}
          <span class="sd-list__title">{i.title}</span>
          {i.text && <span class="sd-list__text">{i.text}</span>}
        </li>
      ))}
    </ul>
  );
}

/** A schematic map (no tiles, no external requests): the stele in the centre, numbered offers around. */
function OfferMap({ locale, items, radiusM }: { locale: Locale; items: NearbyOffer[]; radiusM: number }) {
  if (items.length === 0)
    return <Empty text={L(locale, 'Keine Angebote in der Nähe gefunden.', 'No offers found nearby.')} />;
  const s = 45; // SVG units for radiusM
  return (
    <div class="sd-map">
      <svg viewBox="-50 -50 100 100" role="img" aria-labelledby="sd-map-title" class="sd-map__svg">
        <title id="sd-map-title">
          {L(
            locale,
            `Karte: ${items.length} Angebote im Umkreis von ${radiusM} m, Nummern wie in der Liste`,
            `Map: ${items.length} offers within ${radiusM} m, numbers as in the list`,
          )}
        </title>
        <circle r={s} class="sd-map__ring" />
        <circle r={s / 2} class="sd-map__ring" />
        <text x="0" y={-s - 1} class="sd-map__north">
          N
        </text>
        <rect x="-3" y="-3" width="6" height="6" class="sd-map__here" />
        {items.map((o) => (
          <g key={o.n} transform={`translate(${(o.x * s).toFixed(1)} ${(o.y * s).toFixed(1)})`}>
            <circle r="5" class="sd-map__pin" />
            <text y="2.2" class="sd-map__num">
              {o.n}
            </text>
          </g>
        ))}
      </svg>
      <div>
        <p class="sd-map__legend">
          <span aria-hidden="true">■</span> {L(locale, 'Sie sind hier', 'You are here')} ·{' '}
          {L(locale, `Äußerer Kreis: ${radiusM} m`, `Outer ring: ${radiusM} m`)}
        </p>
        <ol class="sd-list sd-list--numbered">
          {items.map((o) => (
            <li key={o.n}>
              <span class="sd-list__title">
                {o.n}. {o.title}
              </span>
              <span class="sd-list__text">
                {o.distanceM} m {L(locale, 'entfernt', 'away')}
              </span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}

const DEFAULT_TITLES: Record<Slide['kind'], { de: string; en: string }> = {
  sensors: { de: 'Stadtdaten jetzt', en: 'City data now' },
  events: { de: 'Nächste Veranstaltungen', en: 'Upcoming events' },
  news: { de: 'Aktuelles aus der Stadt', en: 'City news' },
  campaigns: { de: 'Mitmachen', en: 'Take part' },
  checkin: { de: 'Stadttaler sammeln', en: 'Collect bonus points' },
  offers: { de: 'In der Nähe', en: 'Nearby' },
  message: { de: 'Mitteilung', en: 'Message' },
};

export const slideTitle = (locale: Locale, s: Pick<Slide, 'kind' | 'title'>) =>
  s.title || DEFAULT_TITLES[s.kind][locale];

export function SlideBody({ locale, slide }: { locale: Locale; slide: Slide }) {
  const c = slide.content;
  switch (c.kind) {
    case 'sensors':
      return <Sensors locale={locale} readings={c.readings} />;
    case 'events':
      return (
        <List
          locale={locale}
          items={c}
          empty={L(
            locale,
            'Zurzeit sind keine Veranstaltungen angekündigt.',
            'No events announced at the moment.',
          )}
        />
      );
    case 'news':
      return (
        <List
          locale={locale}
          items={c}
          empty={L(locale, 'Zurzeit keine Nachrichten.', 'No news at the moment.')}
        />
      );
    case 'campaigns':
      return (
        <List
          locale={locale}
          items={c}
          empty={L(locale, 'Zurzeit laufen keine Kampagnen.', 'No campaigns running at the moment.')}
        />
      );
    case 'checkin':
      return (
        <div class="sd-checkin">
          <Qr
            svg={c.qr}
            class="sd-qr sd-qr--big"
            label={L(locale, `QR-Code zum Einchecken: ${c.placeName}`, `QR code to check in: ${c.placeName}`)}
          />
          <div>
            <p class="sd-lead">
              {L(
                locale,
                `Scannen Sie den Code mit dem Handy und sammeln Sie Stadttaler am Ort „${c.placeName}“.`,
                `Scan the code with your phone to collect bonus points at “${c.placeName}”.`,
              )}
            </p>
            <p>{L(locale, 'Der Code wechselt alle 30 Sekunden.', 'The code changes every 30 seconds.')}</p>
          </div>
        </div>
      );
    case 'offers':
      return <OfferMap locale={locale} items={c.items} radiusM={c.radiusM} />;
    case 'message':
      return <p class="sd-lead sd-message">{c.body}</p>;
    default:
      return (
        <Empty
          text={L(locale, 'Dieser Inhalt ist zurzeit nicht verfügbar.', 'This content is not available now.')}
        />
      );
  }
}

/** One slide as a section; the display shows one at a time. */
export function SlideView(props: {
  locale: Locale;
  slide: Slide;
  index: number;
  total: number;
  hidden?: boolean;
}) {
  const { locale, slide } = props;
  const title = slideTitle(locale, slide);
  return (
    <section
      class={`sd-slide sd-slide--${slide.kind}`}
      id={`slide-${slide.id}`}
      aria-labelledby={`slide-${slide.id}-title`}
      hidden={props.hidden}
      data-slide-id={slide.id}
      data-duration={slide.duration}
      data-weekdays={slide.weekdays}
      data-from={slide.from ?? ''}
      data-to={slide.to ?? ''}
    >
      <header class="sd-slide__head">
        <h2 id={`slide-${slide.id}-title`}>{title}</h2>
        <span class="sd-slide__count">
          {L(
            locale,
            `Seite ${props.index + 1} von ${props.total}`,
            `Page ${props.index + 1} of ${props.total}`,
          )}
        </span>
      </header>
      <div class="sd-slide__body">
        <SlideBody locale={locale} slide={slide} />
      </div>
      {slide.phone && (
        <aside class="sd-phone" aria-label={L(locale, 'Auf dem Handy öffnen', 'Open on your phone')}>
          <Qr
            svg={slide.phone.qr}
            label={L(locale, `QR-Code zu ${slide.phone.url}`, `QR code for ${slide.phone.url}`)}
          />
          <p>
            <strong>{L(locale, 'Auf dem Handy weiterlesen', 'Continue on your phone')}</strong>
            <br />
            {L(
              locale,
              'Code scannen – auch zum Vorlesen und Vergrößern.',
              'Scan the code – also for read-aloud and zoom.',
            )}
          </p>
        </aside>
      )}
    </section>
  );
}

/** The emergency message: shown over every slide; marked by words and an icon, not by colour alone. */
export function EmergencyView({ locale, emergency }: { locale: Locale; emergency: PublicEmergency | null }) {
  return (
    <div
      class="sd-emergency"
      id="sd-emergency"
      role="alert"
      hidden={!emergency}
      data-emergency-id={emergency?.id}
    >
      <p class="sd-emergency__label">
        <span aria-hidden="true">⚠ </span>
        {L(locale, 'Wichtige Warnmeldung', 'Important warning')}
      </p>
      <h2 class="sd-emergency__title" id="sd-emergency-title">
        {emergency?.title ?? ''}
      </h2>
      <p class="sd-emergency__body" id="sd-emergency-body">
        {emergency?.body ?? ''}
      </p>
    </div>
  );
}
