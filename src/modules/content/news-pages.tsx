/** Public pages: news, events (list, calendar, map), event detail with registration, campaigns. */
import type { PageContext } from '../../platform/web/context.ts';
import {
  CsrfField,
  ErrorSummary,
  type FieldErrors,
  SelectField,
  TextArea,
  TextField,
} from '../../platform/web/forms.tsx';
import { Layout } from '../../platform/web/layout.tsx';
import { renderMarkdown } from '../../platform/web/markdown.ts';
import { MiniMap } from '../../platform/web/minimap.tsx';
import { Pager } from '../../platform/web/pagination.tsx';
import type { Comment } from './comments.ts';
import {
  ACCESSIBILITY_FACTS,
  type Campaign,
  campaignPath,
  EVENT_CATEGORIES,
  type EventItem,
  eventPath,
  imagePath,
  type NewsItem,
  newsPath,
} from './model.ts';
import type { Occurrence } from './recurrence.ts';
import type { Availability, RegistrationInput } from './registration.ts';
import './news-messages.ts';

export const base = (ctx: PageContext) => (ctx.city ? `/${ctx.city.slug}` : '');
const placeName = (ctx: PageContext) => ctx.city?.name ?? ctx.region.name;

const formats = {
  date: (ctx: PageContext) =>
    new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
      dateStyle: 'long',
      timeZone: 'Europe/Berlin',
    }),
  weekdayDate: (ctx: PageContext) =>
    new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'Europe/Berlin',
    }),
  time: (ctx: PageContext) =>
    new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/Berlin',
    }),
};

export const formatDay = (ctx: PageContext, d: Date) => formats.date(ctx).format(d);

/** "Saturday, 5 December 2026, 18:00 – 21:00" or a span of days for all-day and multi-day events. */
export function formatWhen(ctx: PageContext, o: Occurrence, allDay: boolean): string {
  const wd = formats.weekdayDate(ctx);
  const time = formats.time(ctx);
  if (allDay) {
    const last = new Date(o.end.getTime() - 1);
    const a = wd.format(o.start);
    const b = wd.format(last);
    return a === b ? a : `${a} – ${b}`;
  }
  const sameDay = wd.format(o.start) === wd.format(o.end);
  const suffix = ctx.locale === 'de' ? ' Uhr' : '';
  return sameDay
    ? `${wd.format(o.start)}, ${time.format(o.start)} – ${time.format(o.end)}${suffix}`
    : `${wd.format(o.start)}, ${time.format(o.start)}${suffix} – ${wd.format(o.end)}, ${time.format(o.end)}${suffix}`;
}

export function formatPrice(ctx: PageContext, e: Pick<EventItem, 'priceCents' | 'priceNote'>): string {
  if (e.priceCents === null) return e.priceNote || ctx.t('content.event.priceUnknown');
  const amount =
    e.priceCents === 0
      ? ctx.t('content.event.free')
      : new Intl.NumberFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
          style: 'currency',
          currency: 'EUR',
        }).format(e.priceCents / 100);
  return e.priceNote ? `${amount} (${e.priceNote})` : amount;
}

function Figure({ id, alt }: { id: string | null; alt: string }) {
  if (!id) return null;
  return (
    <figure class="sp-news-figure">
      <img src={imagePath(id)} alt={alt} loading="lazy" decoding="async" />
    </figure>
  );
}

// ------------------------------------------------------------------------------------------ news

export function NewsCard({ ctx, item }: { ctx: PageContext; item: NewsItem }) {
  return (
    <li class="sp-news-card">
      {item.imageId && (
        <img class="sp-news-card__img" src={imagePath(item.imageId)} alt={item.imageAlt} loading="lazy" />
      )}
      <div>
        <h2 class="kern-heading-small sp-result__title">
          <a class="kern-link" href={ctx.href(newsPath(item.city, item.slug))}>
            {item.title}
          </a>
        </h2>
        <p class="sp-result__meta kern-body--small">
          <time dateTime={item.publishAt!.toISOString()}>{formatDay(ctx, item.publishAt!)}</time>
          {!ctx.city && (
            <span>
              {' '}
              ·{' '}
              {item.city
                ? ctx.cities.find((c) => c.slug === item.city)?.shortName
                : ctx.t('content.regionWide')}
            </span>
          )}
        </p>
        <p class="kern-body">{item.teaser}</p>
      </div>
    </li>
  );
}

export function NewsListPage(props: {
  ctx: PageContext;
  items: NewsItem[];
  page: number;
  pages: number;
  tag: string | undefined;
  tags: string[];
}) {
  const { ctx, items, tag } = props;
  const { t } = ctx;
  const list = `${base(ctx)}/aktuelles`;
  const title = t('content.news.title');
  return (
    <Layout
      ctx={ctx}
      title={tag ? `${title}: ${tag}` : title}
      description={t('content.news.description', { place: placeName(ctx) })}
      breadcrumbs={[{ label: placeName(ctx), href: `${base(ctx)}/` }, { label: title }]}
    >
      <h1 class="kern-heading-large">{tag ? t('content.news.tagTitle', { tag }) : title}</h1>
      <p class="kern-body">
        <a class="kern-link" href={`${list}/feed.atom`} type="application/atom+xml">
          {t('content.news.feed')}
        </a>
      </p>
      {props.tags.length > 0 && (
        <nav aria-label={t('content.news.tags')} class="sp-tags">
          <ul>
            <li>
              <a href={ctx.href(list)} aria-current={tag ? undefined : 'page'}>
                {t('content.news.allTags')}
              </a>
            </li>
            {props.tags.map((x) => (
              <li key={x}>
                <a
                  href={ctx.href(`${list}?thema=${encodeURIComponent(x)}`)}
                  aria-current={x === tag ? 'page' : undefined}
                >
                  {x}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {items.length === 0 ? (
        <p class="kern-body">{t('content.news.none')}</p>
      ) : (
        <ul class="sp-news-list">
          {items.map((n) => (
            <NewsCard ctx={ctx} item={n} key={n.id} />
          ))}
        </ul>
      )}
      <Pager
        ctx={ctx}
        page={props.page}
        pages={props.pages}
        hrefFor={(p) =>
          ctx.href(`${list}?${new URLSearchParams({ ...(tag ? { thema: tag } : {}), seite: String(p) })}`)
        }
      />
    </Layout>
  );
}

export interface CommentState {
  list: Comment[];
  value: string;
  error: string | undefined;
  /** Just sent: it appears after moderation. */
  sent: boolean;
}

export function NewsPage({
  ctx,
  item,
  preview,
  comments,
}: {
  ctx: PageContext;
  item: NewsItem;
  preview?: boolean;
  comments?: CommentState | undefined;
}) {
  const { t } = ctx;
  const list = `${base(ctx)}/aktuelles`;
  const url = `${ctx.baseUrl}${newsPath(item.city, item.slug)}`;
  return (
    <Layout
      ctx={ctx}
      title={item.title}
      description={item.teaser}
      breadcrumbs={[
        { label: placeName(ctx), href: `${base(ctx)}/` },
        { label: t('content.news.title'), href: list },
        { label: item.title },
      ]}
      jsonLd={[
        {
          '@context': 'https://schema.org',
          '@type': 'NewsArticle',
          headline: item.title,
          description: item.teaser,
          datePublished: item.publishAt?.toISOString(),
          dateModified: item.updatedAt.toISOString(),
          url,
          inLanguage: 'de',
          ...(item.imageId ? { image: `${ctx.baseUrl}${imagePath(item.imageId)}` } : {}),
          publisher: {
            '@type': 'GovernmentOrganization',
            name: ctx.city?.contact.organisation ?? ctx.region.name,
          },
        },
      ]}
    >
      {preview && <PreviewBanner ctx={ctx} status={item.status} publishAt={item.publishAt} />}
      <article class="sp-article" lang="de">
        <h1 class="kern-heading-large">{item.title}</h1>
        <p class="sp-result__meta kern-body--small">
          {item.publishAt && (
            <time dateTime={item.publishAt.toISOString()}>{formatDay(ctx, item.publishAt)}</time>
          )}
        </p>
        <p class="kern-body--large">{item.teaser}</p>
        <Figure id={item.imageId} alt={item.imageAlt} />

        <div class="sp-prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(item.body) }} />
        {item.easyLanguage && (
          <section class="sp-easy-language" aria-labelledby="easy-heading" lang="de">
            <h2 class="kern-heading-medium" id="easy-heading">
              In Leichter Sprache
            </h2>

            <div dangerouslySetInnerHTML={{ __html: renderMarkdown(item.easyLanguage) }} />
          </section>
        )}
        {item.tags.length > 0 && (
          <p class="kern-body sp-tags-inline">
            {t('content.news.topics')}:{' '}
            {item.tags.map((x, i) => (
              <span key={x}>
                {i > 0 && ', '}
                <a class="kern-link" href={ctx.href(`${list}?thema=${encodeURIComponent(x)}`)}>
                  {x}
                </a>
              </span>
            ))}
          </p>
        )}
      </article>
      {item.commentsEnabled && comments && !preview && <Comments ctx={ctx} item={item} state={comments} />}
    </Layout>
  );
}

function Comments({ ctx, item, state }: { ctx: PageContext; item: NewsItem; state: CommentState }) {
  const { t } = ctx;
  const path = `${newsPath(item.city, item.slug)}/kommentare`;
  return (
    <section aria-labelledby="comments-heading" class="sp-comments">
      <h2 class="kern-heading-medium" id="comments-heading">
        {t('content.comments.title', { n: state.list.length })}
      </h2>
      {state.list.length > 0 && (
        <ol class="sp-plainlist">
          {state.list.map((c) => (
            <li key={c.id} class="sp-comment">
              <p class="kern-body--small">
                <strong>{c.authorName}</strong> ·{' '}
                <time dateTime={c.createdAt.toISOString()}>{formatDay(ctx, c.createdAt)}</time>
              </p>
              <p class="kern-body sp-prewrap">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {state.sent && (
        <p class="kern-body" role="status">
          {t('content.comments.sent')}
        </p>
      )}
      {ctx.user ? (
        <form method="post" action={ctx.href(path)}>
          <CsrfField ctx={ctx} />
          <ErrorSummary ctx={ctx} errors={state.error ? { comment: state.error } : {}} />
          <TextArea
            ctx={ctx}
            name="comment"
            label={t('content.comments.label')}
            hint={t('content.comments.hint')}
            value={state.value}
            error={state.error}
            maxLength={2000}
            rows={4}
          />
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">{t('content.comments.submit')}</span>
          </button>
        </form>
      ) : (
        <p class="kern-body">
          <a
            class="kern-link"
            href={ctx.href(`/login?next=${encodeURIComponent(newsPath(item.city, item.slug))}`)}
          >
            {t('content.comments.login')}
          </a>
        </p>
      )}
    </section>
  );
}

export function PreviewBanner(props: { ctx: PageContext; status: string; publishAt: Date | null }) {
  const { t } = props.ctx;
  const scheduled = props.status === 'published' && props.publishAt && props.publishAt > new Date();
  return (
    <div class="kern-alert kern-alert--warning" role="status">
      <div class="kern-alert__header">
        <span class="kern-title">{t('content.preview.title')}</span>
      </div>
      <div class="kern-alert__body">
        <p class="kern-body">
          {props.status === 'draft'
            ? t('content.preview.draft')
            : scheduled
              ? t('content.preview.scheduled', {
                  date: formatWhen(props.ctx, { start: props.publishAt!, end: props.publishAt! }, false),
                })
              : t('content.preview.live')}
        </p>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------- events

export type EventView = 'liste' | 'kalender' | 'karte';

export interface EventFilter {
  view: EventView;
  q: string;
  category: string;
  free: boolean;
  accessibility: string;
  /** yyyy-mm-dd, first day shown (list, map) */
  from: string;
  /** yyyy-mm, month of the calendar */
  month: string;
}

export interface EventRow {
  event: EventItem;
  occurrence: Occurrence;
}

export function filterQuery(f: EventFilter, overrides: Partial<EventFilter> = {}): string {
  const x = { ...f, ...overrides };
  const qs = new URLSearchParams();
  if (x.view !== 'liste') qs.set('ansicht', x.view);
  if (x.q) qs.set('q', x.q);
  if (x.category) qs.set('kategorie', x.category);
  if (x.free) qs.set('kostenlos', '1');
  if (x.accessibility) qs.set('barrierefrei', x.accessibility);
  if (x.view === 'kalender' && x.month) qs.set('monat', x.month);
  else if (x.from) qs.set('ab', x.from);
  const s = qs.toString();
  return s ? `?${s}` : '';
}

function EventFilters({ ctx, filter }: { ctx: PageContext; filter: EventFilter }) {
  const { t } = ctx;
  return (
    <form
      method="get"
      action={ctx.href(`${base(ctx)}/veranstaltungen`)}
      class="sp-event-filters"
      aria-label={t('content.events.filters')}
    >
      {filter.view !== 'liste' && <input type="hidden" name="ansicht" value={filter.view} />}
      {filter.view === 'kalender' && <input type="hidden" name="monat" value={filter.month} />}
      <div class="sp-event-filters__row">
        <TextField
          ctx={ctx}
          name="q"
          label={t('content.events.q')}
          value={filter.q}
          type="search"
          maxLength={100}
        />
        <SelectField
          ctx={ctx}
          name="kategorie"
          label={t('content.event.categories')}
          value={filter.category}
          options={[
            { value: '', label: t('content.events.allCategories') },
            ...EVENT_CATEGORIES.map((c) => ({ value: c, label: t(`content.category.${c}`) })),
          ]}
        />
        <SelectField
          ctx={ctx}
          name="barrierefrei"
          label={t('content.event.accessibility')}
          value={filter.accessibility}
          options={[
            { value: '', label: t('content.events.anyAccess') },
            ...ACCESSIBILITY_FACTS.map((c) => ({ value: c, label: t(`content.access.${c}`) })),
          ]}
        />
        {filter.view !== 'kalender' && (
          <TextField ctx={ctx} name="ab" label={t('content.events.from')} value={filter.from} type="date" />
        )}
      </div>
      <div class="kern-form-check">
        <input
          class="kern-form-check__checkbox"
          type="checkbox"
          id="f-kostenlos"
          name="kostenlos"
          value="1"
          checked={filter.free}
        />
        <label class="kern-label" for="f-kostenlos">
          {t('content.events.onlyFree')}
        </label>
      </div>
      <button type="submit" class="kern-btn kern-btn--primary">
        <span class="kern-label">{t('content.events.apply')}</span>
      </button>
    </form>
  );
}

function ViewSwitch({ ctx, filter }: { ctx: PageContext; filter: EventFilter }) {
  const list = `${base(ctx)}/veranstaltungen`;
  const views: EventView[] = ['liste', 'kalender', 'karte'];
  return (
    <nav class="sp-tags" aria-label={ctx.t('content.events.views')}>
      <ul>
        {views.map((v) => (
          <li key={v}>
            <a
              href={ctx.href(`${list}${filterQuery(filter, { view: v })}`)}
              aria-current={filter.view === v ? 'page' : undefined}
            >
              {ctx.t(`content.events.view.${v}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function EventLine({ ctx, row }: { ctx: PageContext; row: EventRow }) {
  const { event: e, occurrence: o } = row;
  return (
    <li class="sp-result">
      <h3 class="kern-heading-small sp-result__title">
        <a class="kern-link" href={ctx.href(eventPath(e.city, e.id))}>
          {e.title}
        </a>
      </h3>
      <p class="sp-result__meta kern-body--small">
        <time dateTime={o.start.toISOString()}>{formatWhen(ctx, o, e.allDay)}</time>
        {(e.offer?.title ?? e.placeName) && <span> · {e.offer?.title ?? e.placeName}</span>}
        {!ctx.city && e.city && <span> · {ctx.cities.find((c) => c.slug === e.city)?.shortName}</span>}
      </p>
      {e.status === 'cancelled' && (
        <p class="kern-body">
          <strong>{ctx.t('content.event.cancelled')}</strong>
        </p>
      )}
      <p class="kern-body--small">
        {e.categories.map((c) => ctx.t(`content.category.${c}`)).join(', ')}
        {e.categories.length > 0 && ' · '}
        {formatPrice(ctx, e)}
      </p>
    </li>
  );
}

/** Days of the list grouped under a heading per day. */
function ListView({ ctx, rows }: { ctx: PageContext; rows: EventRow[] }) {
  const days = new Map<string, EventRow[]>();
  const wd = formats.weekdayDate(ctx);
  for (const r of rows) {
    const key = wd.format(r.occurrence.start);
    days.set(key, [...(days.get(key) ?? []), r]);
  }
  return (
    <div class="sp-event-days">
      {[...days].map(([day, list]) => (
        <section key={day} aria-label={day}>
          <h2 class="kern-heading-medium">{day}</h2>
          <ul class="sp-resultlist">
            {list.map((r) => (
              <EventLine ctx={ctx} row={r} key={`${r.event.id}-${r.occurrence.start.getTime()}`} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** A month as a table: weeks in rows, days in columns; each day lists its events as links. */
function CalendarView(props: { ctx: PageContext; rows: EventRow[]; month: string; filter: EventFilter }) {
  const { ctx, month } = props;
  const { t } = ctx;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1, 1));
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7;
  const byDay = new Map<number, EventRow[]>();
  for (const r of props.rows) {
    // Multi-day events appear on each of their local days within the month.
    const first = localDate(r.occurrence.start);
    const last = localDate(new Date(Math.max(r.occurrence.start.getTime(), r.occurrence.end.getTime() - 1)));
    for (let d = 1; d <= daysInMonth; d++) {
      const day = `${month}-${String(d).padStart(2, '0')}`;
      if (day >= first && day <= last) byDay.set(d, [...(byDay.get(d) ?? []), r]);
    }
  }
  const cells: (number | null)[] = [
    ...Array(lead).fill(null),
    ...Array.from({ length: daysInMonth }, (_, i) => i + 1),
  ];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const monthName = new Intl.DateTimeFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(first);
  const prev = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
  const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
  const list = `${base(ctx)}/veranstaltungen`;
  const weekdays =
    ctx.locale === 'de'
      ? ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So']
      : ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const weekdayLong =
    ctx.locale === 'de'
      ? ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag']
      : ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  return (
    <div>
      <nav class="sp-calendar-nav" aria-label={t('content.events.months')}>
        <a class="kern-link" href={ctx.href(`${list}${filterQuery(props.filter, { month: prev })}`)}>
          ‹ {t('content.events.prevMonth')}
        </a>
        <h2 class="kern-heading-medium" id="cal-title">
          {monthName}
        </h2>
        <a class="kern-link" href={ctx.href(`${list}${filterQuery(props.filter, { month: next })}`)}>
          {t('content.events.nextMonth')} ›
        </a>
      </nav>
      <div class="sp-table-scroll">
        <table class="sp-calendar" aria-labelledby="cal-title">
          <thead>
            <tr>
              {weekdays.map((w, i) => (
                <th scope="col" key={w}>
                  <abbr title={weekdayLong[i]}>{w}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week, wi) => (
              <tr key={`w${wi}`}>
                {week.map((d, di) =>
                  d === null ? (
                    <td key={`e${di}`} />
                  ) : (
                    <td key={d} class={byDay.has(d) ? 'sp-calendar__busy' : undefined}>
                      <span class="sp-calendar__day">{d}</span>
                      {byDay.has(d) && (
                        <ul>
                          {byDay.get(d)!.map((r) => (
                            <li key={`${r.event.id}-${r.occurrence.start.getTime()}`}>
                              <a href={ctx.href(eventPath(r.event.city, r.event.id))}>
                                {!r.event.allDay && `${formats.time(ctx).format(r.occurrence.start)} `}
                                {r.event.title}
                              </a>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * Events with a place on an SVG map of the city outlines, numbered; the numbered list below carries
 * the same information as text, so the map is decoration for sighted people and not needed to use it.
 */
function MapView({ ctx, rows, boundaries }: { ctx: PageContext; rows: EventRow[]; boundaries: unknown[] }) {
  const seen = new Set<number>();
  const placed = rows.filter((r) => r.event.location && !seen.has(r.event.id) && seen.add(r.event.id));
  const ringsOf = (g: unknown): [number, number][][] => {
    const x = g as { type?: string; coordinates?: unknown };
    if (x?.type === 'Polygon') return (x.coordinates as [number, number][][]).slice(0, 1);
    if (x?.type === 'MultiPolygon') return (x.coordinates as [number, number][][][]).map((p) => p[0]!);
    return [];
  };
  const outlines = boundaries.flatMap(ringsOf);
  const pts = [
    ...outlines.flat(),
    ...placed.map((r) => [r.event.location!.lon, r.event.location!.lat] as [number, number]),
  ];
  if (pts.length === 0) return <p class="kern-body">{ctx.t('content.events.noPlaces')}</p>;
  const lons = pts.map((p) => p[0]);
  const lats = pts.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const w = Math.max((maxLon - minLon) * kx, 1e-6);
  const h = Math.max(maxLat - minLat, 1e-6);
  const W = 600;
  const H = Math.round((W * h) / w);
  const x = (lon: number) => (((lon - minLon) * kx) / w) * (W - 20) + 10;
  const y = (lat: number) => ((maxLat - lat) / h) * (H - 20) + 10;
  return (
    <div class="sp-event-map">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={ctx.t('content.events.mapLabel', { n: placed.length })}
      >
        {outlines.map((ring, i) => (
          <polygon
            key={`o${i}`}
            class="sp-event-map__outline"
            points={ring.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}
          />
        ))}
        {placed.map((r, i) => (
          <g key={r.event.id} class="sp-event-map__pin">
            <circle cx={x(r.event.location!.lon)} cy={y(r.event.location!.lat)} r="11" />
            <text x={x(r.event.location!.lon)} y={y(r.event.location!.lat) + 4} text-anchor="middle">
              {i + 1}
            </text>
          </g>
        ))}
      </svg>
      <ol class="sp-resultlist sp-event-map__list">
        {placed.map((r) => (
          <EventLine ctx={ctx} row={r} key={r.event.id} />
        ))}
      </ol>
    </div>
  );
}

export function EventListPage(props: {
  ctx: PageContext;
  rows: EventRow[];
  filter: EventFilter;
  boundaries: unknown[];
  more: boolean;
}) {
  const { ctx, filter, rows } = props;
  const { t } = ctx;
  const title = t('content.events.title');
  const list = `${base(ctx)}/veranstaltungen`;
  return (
    <Layout
      ctx={ctx}
      title={title}
      description={t('content.events.description', { place: placeName(ctx) })}
      breadcrumbs={[{ label: placeName(ctx), href: `${base(ctx)}/` }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">
        <a class="kern-link" href={`${base(ctx)}/events.ics`} type="text/calendar">
          {t('content.events.subscribe')}
        </a>
      </p>
      <ViewSwitch ctx={ctx} filter={filter} />
      <EventFilters ctx={ctx} filter={filter} />
      <p class="kern-body" role="status">
        {t('content.events.count', { n: rows.length })}
      </p>
      {filter.view === 'kalender' ? (
        <CalendarView ctx={ctx} rows={rows} month={filter.month} filter={filter} />
      ) : filter.view === 'karte' ? (
        <MapView ctx={ctx} rows={rows} boundaries={props.boundaries} />
      ) : rows.length === 0 ? (
        <p class="kern-body">{t('content.events.none')}</p>
      ) : (
        <ListView ctx={ctx} rows={rows} />
      )}
      {props.more && filter.view === 'liste' && rows.length > 0 && (
        <p class="kern-body">
          <a
            class="kern-link"
            href={ctx.href(
              `${list}${filterQuery(filter, { from: rows.at(-1)!.occurrence.start.toISOString().slice(0, 10) })}`,
            )}
          >
            {t('content.events.later')}
          </a>
        </p>
      )}
    </Layout>
  );
}

/** schema.org Event (one per occurrence shown, up to a few, as Google and others expect). */
export function eventJsonLd(ctx: PageContext, e: EventItem, next: Occurrence[]): object[] {
  const url = `${ctx.baseUrl}${eventPath(e.city, e.id)}`;
  const dates = next.length ? next.slice(0, 5) : [{ start: e.startsAt, end: e.endsAt }];
  const iso = (d: Date) => (e.allDay ? d.toISOString().slice(0, 10) : d.toISOString());
  return dates.map((o) => ({
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: e.title,
    description: e.description.slice(0, 500),
    url,
    startDate: e.allDay ? localDate(o.start) : iso(o.start),
    endDate: e.allDay ? localDate(new Date(o.end.getTime() - 1)) : iso(o.end),
    eventStatus: `https://schema.org/${e.status === 'cancelled' ? 'EventCancelled' : 'EventScheduled'}`,
    eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
    location: {
      '@type': 'Place',
      name: e.offer?.title ?? e.placeName,
      address: e.address || undefined,
      ...(e.location
        ? { geo: { '@type': 'GeoCoordinates', latitude: e.location.lat, longitude: e.location.lon } }
        : {}),
    },
    ...(e.organiser
      ? { organizer: { '@type': 'Organization', name: e.organiser, url: e.organiserUrl ?? undefined } }
      : {}),
    ...(e.priceCents !== null
      ? {
          offers: {
            '@type': 'Offer',
            price: (e.priceCents / 100).toFixed(2),
            priceCurrency: 'EUR',
            url,
            ...(e.registration === 'internal' ? {} : {}),
          },
        }
      : {}),
    isAccessibleForFree: e.priceCents === 0 ? true : undefined,
    ...(e.imageId ? { image: `${ctx.baseUrl}${imagePath(e.imageId)}` } : {}),
    ...(e.capacity ? { maximumAttendeeCapacity: e.capacity } : {}),
  }));
}

const localDate = (d: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);

export interface RegistrationFormState {
  values: RegistrationInput | { name: string; email: string; seats: number | string };
  errors: FieldErrors;
}

export function EventPage(props: {
  ctx: PageContext;
  event: EventItem;
  next: Occurrence[];
  availability: Availability | undefined;
  form: RegistrationFormState;
  boundary: unknown;
  campaigns: Campaign[];
  preview?: boolean;
}) {
  const { ctx, event: e, availability: a } = props;
  const { t } = ctx;
  const list = `${base(ctx)}/veranstaltungen`;
  const path = eventPath(e.city, e.id);
  const place = e.offer?.title ?? e.placeName;
  return (
    <Layout
      ctx={ctx}
      title={
        props.form.errors && Object.keys(props.form.errors).length
          ? `${t('form.errorSummary')}: ${e.title}`
          : e.title
      }
      description={e.description.slice(0, 160)}
      breadcrumbs={[
        { label: placeName(ctx), href: `${base(ctx)}/` },
        { label: t('content.events.title'), href: list },
        { label: e.title },
      ]}
      jsonLd={props.preview ? [] : eventJsonLd(ctx, e, props.next)}
    >
      {props.preview && <PreviewBanner ctx={ctx} status={e.status} publishAt={e.publishAt} />}
      <article class="sp-article" lang="de">
        <h1 class="kern-heading-large">{e.title}</h1>
        {e.status === 'cancelled' && (
          <div class="kern-alert kern-alert--danger" role="note">
            <div class="kern-alert__header">
              <span class="kern-title">{t('content.event.cancelled')}</span>
            </div>
          </div>
        )}
        <dl class="sp-facts">
          <dt>{t('content.event.when')}</dt>
          <dd>
            {props.next.length <= 1 ? (
              formatWhen(ctx, props.next[0] ?? { start: e.startsAt, end: e.endsAt }, e.allDay)
            ) : (
              <ul class="sp-list">
                {props.next.slice(0, 12).map((o) => (
                  <li key={o.start.getTime()}>
                    <time dateTime={o.start.toISOString()}>{formatWhen(ctx, o, e.allDay)}</time>
                  </li>
                ))}
              </ul>
            )}
            {e.rrule && <p class="kern-body--small">{t('content.event.series')}</p>}
          </dd>
          {place && (
            <>
              <dt>{t('content.event.place')}</dt>
              <dd>
                {e.offer ? (
                  <a class="kern-link" href={ctx.href(e.offer.path)}>
                    {e.offer.title}
                  </a>
                ) : (
                  e.placeName
                )}
                {e.address && (
                  <>
                    <br />
                    {e.address}
                  </>
                )}
              </dd>
            </>
          )}
          {e.organiser && (
            <>
              <dt>{t('content.event.organiser')}</dt>
              <dd>
                {e.organiserUrl ? (
                  <a class="kern-link" href={e.organiserUrl} rel="noopener">
                    {e.organiser}
                  </a>
                ) : (
                  e.organiser
                )}
              </dd>
            </>
          )}
          <dt>{t('content.event.price')}</dt>
          <dd>{formatPrice(ctx, e)}</dd>
          {e.categories.length > 0 && (
            <>
              <dt>{t('content.event.categories')}</dt>
              <dd>{e.categories.map((c) => t(`content.category.${c}`)).join(', ')}</dd>
            </>
          )}
          <dt>{t('content.event.accessibility')}</dt>
          <dd>
            {e.accessibility.length ? (
              <ul class="sp-list">
                {e.accessibility.map((f) => (
                  <li key={f}>{t(`content.access.${f}`)}</li>
                ))}
              </ul>
            ) : (
              t('content.event.noAccessInfo')
            )}
          </dd>
        </dl>
        <p class="kern-body">
          <a class="kern-link" href={`${path}.ics`} type="text/calendar" download>
            {t('content.event.ics')}
          </a>
        </p>
        <Figure id={e.imageId} alt={e.imageAlt} />

        <div class="sp-prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(e.description) }} />
        {props.campaigns.length > 0 && (
          <p class="kern-body">
            {t('content.event.partOf')}{' '}
            {props.campaigns.map((c, i) => (
              <span key={c.id}>
                {i > 0 && ', '}
                <a class="kern-link" href={ctx.href(campaignPath(c.city, c.slug))}>
                  {c.title}
                </a>
              </span>
            ))}
          </p>
        )}
        {e.location && props.boundary ? (
          <MiniMap
            ctx={ctx}
            boundary={props.boundary}
            point={e.location}
            label={t('content.event.mapLabel', { place: place || e.title })}
          />
        ) : null}
      </article>
      {e.registration === 'external' && e.registrationUrl && (
        <section aria-labelledby="reg-heading">
          <h2 class="kern-heading-medium" id="reg-heading">
            {t('content.register.title')}
          </h2>
          <p class="kern-body">
            <a class="kern-link" href={e.registrationUrl} rel="noopener">
              {t('content.register.external')}
            </a>
          </p>
        </section>
      )}
      {e.registration === 'internal' && a && !props.preview && (
        <RegistrationSection ctx={ctx} event={e} availability={a} form={props.form} />
      )}
    </Layout>
  );
}

function RegistrationSection(props: {
  ctx: PageContext;
  event: EventItem;
  availability: Availability;
  form: RegistrationFormState;
}) {
  const { ctx, availability: a, form } = props;
  const { t } = ctx;
  const full = a.free === 0 || a.waitlisted > 0;
  return (
    <section aria-labelledby="reg-heading" class="sp-registration">
      <h2 class="kern-heading-medium" id="reg-heading">
        {t('content.register.title')}
      </h2>
      <p class="kern-body">
        {full
          ? props.event.waitlist
            ? t('content.register.fullWaitlist', { waiting: a.waitlisted })
            : t('content.register.full')
          : t('content.register.free', { free: a.free, capacity: a.capacity })}
      </p>
      {!a.open ? (
        <p class="kern-body">{t('content.register.closed')}</p>
      ) : full && !props.event.waitlist ? null : (
        <form
          method="post"
          action={ctx.href(`${eventPath(props.event.city, props.event.id)}/anmelden`)}
          novalidate
        >
          <CsrfField ctx={ctx} />
          <ErrorSummary
            ctx={ctx}
            errors={Object.fromEntries(Object.entries(form.errors).map(([k, v]) => [k, t(v)]))}
          />
          <TextField
            ctx={ctx}
            name="name"
            label={t('content.register.name')}
            value={String(form.values.name)}
            error={form.errors.name && t(form.errors.name)}
            autocomplete="name"
            maxLength={200}
          />
          <TextField
            ctx={ctx}
            name="email"
            type="email"
            label={t('content.register.email')}
            hint={t('content.register.emailHint')}
            value={String(form.values.email)}
            error={form.errors.email && t(form.errors.email)}
            autocomplete="email"
            maxLength={254}
          />
          <TextField
            ctx={ctx}
            name="seats"
            type="number"
            inputMode="numeric"
            label={t('content.register.seats')}
            hint={t('content.register.seatsHint')}
            value={String(form.values.seats)}
            error={form.errors.seats && t(form.errors.seats)}
          />
          <p class="kern-body--small">{t('content.register.privacy')}</p>
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">
              {full ? t('content.register.submitWaitlist') : t('content.register.submit')}
            </span>
          </button>
        </form>
      )}
    </section>
  );
}

export function RegisteredPage(props: {
  ctx: PageContext;
  event: EventItem;
  status: string;
  position: number;
}) {
  const { ctx, event: e } = props;
  const { t } = ctx;
  const title =
    props.status === 'confirmed' ? t('content.register.doneTitle') : t('content.register.waitTitle');
  return (
    <Layout ctx={ctx} title={title}>
      <div class="kern-alert kern-alert--success" role="status">
        <div class="kern-alert__header">
          <h1 class="kern-title">{title}</h1>
        </div>
        <div class="kern-alert__body">
          <p class="kern-body">
            {props.status === 'confirmed'
              ? t('content.register.doneText', { title: e.title })
              : t('content.register.waitText', { title: e.title, position: props.position })}
          </p>
          <p class="kern-body">{t('content.register.mailSent')}</p>
        </div>
      </div>
      <p class="kern-body">
        <a class="kern-link" href={ctx.href(eventPath(e.city, e.id))}>
          {t('content.register.back', { title: e.title })}
        </a>
      </p>
    </Layout>
  );
}

export function CancelPage(props: {
  ctx: PageContext;
  event: EventItem;
  token: string;
  registration: { name: string; status: string } | undefined;
  done?: boolean;
}) {
  const { ctx, event: e, registration: r } = props;
  const { t } = ctx;
  const title = t('content.cancel.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1 class="kern-heading-large">{title}</h1>
      <p class="kern-body">{e.title}</p>
      {props.done ? (
        <p class="kern-body" role="status">
          {t('content.cancel.done')}
        </p>
      ) : !r ? (
        <p class="kern-body">{t('content.cancel.invalid')}</p>
      ) : r.status === 'cancelled' ? (
        <p class="kern-body">{t('content.cancel.already')}</p>
      ) : (
        <form method="post" action={ctx.href(`${eventPath(e.city, e.id)}/abmelden`)}>
          <CsrfField ctx={ctx} />
          <input type="hidden" name="t" value={props.token} />
          <p class="kern-body">{t('content.cancel.confirm', { name: r.name })}</p>
          <button type="submit" class="kern-btn kern-btn--primary">
            <span class="kern-label">{t('content.cancel.submit')}</span>
          </button>
        </form>
      )}
      <p class="kern-body">
        <a class="kern-link" href={ctx.href(eventPath(e.city, e.id))}>
          {t('content.register.back', { title: e.title })}
        </a>
      </p>
    </Layout>
  );
}

// ------------------------------------------------------------------------------------- campaigns

export function CampaignListPage({ ctx, campaigns }: { ctx: PageContext; campaigns: Campaign[] }) {
  const { t } = ctx;
  const title = t('content.campaigns.title');
  return (
    <Layout
      ctx={ctx}
      title={title}
      breadcrumbs={[{ label: placeName(ctx), href: `${base(ctx)}/` }, { label: title }]}
    >
      <h1 class="kern-heading-large">{title}</h1>
      {campaigns.length === 0 ? (
        <p class="kern-body">{t('content.campaigns.none')}</p>
      ) : (
        <ul class="sp-cards">
          {campaigns.map((c) => (
            <li class="sp-card" key={c.id}>
              <h2 class="kern-heading-small">
                <a class="kern-link" href={ctx.href(campaignPath(c.city, c.slug))}>
                  {c.title}
                </a>
              </h2>
              <p class="kern-body--small">{formatWhen(ctx, { start: c.startsAt, end: c.endsAt }, true)}</p>
              <p class="kern-body">{c.teaser}</p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function CampaignPage(props: {
  ctx: PageContext;
  campaign: Campaign;
  events: EventRow[];
  actions: { id: number; name: string }[];
  preview?: boolean;
}) {
  const { ctx, campaign: c } = props;
  const { t } = ctx;
  const factor = new Intl.NumberFormat(ctx.locale === 'de' ? 'de-DE' : 'en-GB').format(
    c.multiplierPercent / 100,
  );
  return (
    <Layout
      ctx={ctx}
      title={c.title}
      description={c.teaser}
      breadcrumbs={[
        { label: placeName(ctx), href: `${base(ctx)}/` },
        { label: t('content.campaigns.title'), href: `${base(ctx)}/aktionen` },
        { label: c.title },
      ]}
    >
      {props.preview && <PreviewBanner ctx={ctx} status={c.status} publishAt={c.publishAt} />}
      <article class="sp-article" lang="de">
        <h1 class="kern-heading-large">{c.title}</h1>
        {c.theme && <p class="kern-body--large">{c.theme}</p>}
        <p class="kern-body">
          <strong>{t('content.campaign.period')}:</strong>{' '}
          {formatWhen(ctx, { start: c.startsAt, end: c.endsAt }, true)}
        </p>
        {c.teaser && <p class="kern-body">{c.teaser}</p>}

        <div class="sp-prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(c.body) }} />
      </article>
      {c.multiplierPercent > 100 && props.actions.length > 0 && (
        <section aria-labelledby="bonus-heading">
          <h2 class="kern-heading-medium" id="bonus-heading">
            {t('content.campaign.bonus', { factor })}
          </h2>
          <p class="kern-body">{t('content.campaign.bonusText', { factor })}</p>
          <ul class="sp-list">
            {props.actions.map((a) => (
              <li key={a.id}>{a.name}</li>
            ))}
          </ul>
          <p class="kern-body">
            <a class="kern-link" href={ctx.href(`/${c.city}/bonus`)}>
              {t('content.campaign.bonusLink')}
            </a>
          </p>
        </section>
      )}
      <section aria-labelledby="events-heading">
        <h2 class="kern-heading-medium" id="events-heading">
          {t('content.campaign.events')}
        </h2>
        {props.events.length === 0 ? (
          <p class="kern-body">{t('content.events.none')}</p>
        ) : (
          <ul class="sp-resultlist">
            {props.events.map((r) => (
              <EventLine ctx={ctx} row={r} key={`${r.event.id}-${r.occurrence.start.getTime()}`} />
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
