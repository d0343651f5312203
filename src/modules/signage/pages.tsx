/** The stele's page at /display/{id}: full screen, no site chrome, one slide at a time. */

import type { City } from '../../platform/tenancy/service.ts';
import type { PageContext } from '../../platform/web/context.ts';
import type { Slide } from './playlist.ts';
import type { PublicEmergency, SteleRow } from './service.ts';
import { EmergencyView, L, SlideView } from './slides.tsx';

export interface DisplayUrls {
  page: string;
  playlist: string;
  events: string;
  heartbeat: string;
}

export function DisplayPage(props: {
  ctx: PageContext;
  city: City;
  stele: SteleRow;
  slides: Slide[];
  /** Slides in their window right now (ids): the others start hidden. */
  activeIds: number[];
  /** Index into the active slides shown first (no-JS rotation goes through ?slide=). */
  current: number;
  emergency: PublicEmergency | null;
  urls: DisplayUrls;
  heartbeatSeconds: number;
  refreshSeconds: number;
}) {
  const { ctx, city, stele, slides, emergency } = props;
  const { locale } = ctx;
  const active = slides.filter((s) => props.activeIds.includes(s.id));
  const shown = active[props.current % Math.max(1, active.length)];
  const next = active.length ? (props.current + 1) % active.length : 0;
  const script = ctx.assets.script('display');
  const sep = props.urls.page.includes('?') ? '&' : '?';
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${stele.name} – ${city.name}`}</title>
        <link rel="stylesheet" href={ctx.assets.css} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        {script && <script type="module" src={script} />}
        {/* Without JavaScript the server rotates: the next slide after this one's duration. */}
        <noscript>
          <meta
            http-equiv="refresh"
            content={`${shown?.duration ?? 60};url=${props.urls.page}${sep}slide=${next}`}
          />
        </noscript>
      </head>
      <body class="sd-body">
        <main
          class={`sd sd--${stele.orientation}`}
          id="sd"
          data-playlist={props.urls.playlist}
          data-events={props.urls.events}
          data-heartbeat={props.urls.heartbeat}
          data-heartbeat-seconds={props.heartbeatSeconds}
          data-refresh-seconds={props.refreshSeconds}
          data-sw="/display/sw.js"
          data-assets={JSON.stringify([ctx.assets.css, script].filter(Boolean))}
        >
          <h1 class="sd-hidden">{`${city.name}: ${stele.name}`}</h1>
          <EmergencyView locale={locale} emergency={emergency} />
          <div class="sd-slides" id="sd-slides" aria-live="off">
            {slides.map((s) => (
              <SlideView
                key={s.id}
                locale={locale}
                slide={s}
                index={Math.max(0, active.indexOf(s))}
                total={active.length}
                hidden={s !== shown}
              />
            ))}
            {!shown && (
              <section class="sd-slide" id="sd-idle" aria-labelledby="sd-idle-title">
                <header class="sd-slide__head">
                  <h2 id="sd-idle-title">{city.name}</h2>
                </header>
                <p class="sd-lead">{L(locale, 'Willkommen!', 'Welcome!')}</p>
              </section>
            )}
          </div>
          <footer class="sd-bar">
            <span class="sd-bar__place">
              {city.name}
              {stele.place ? ` · ${stele.place}` : ''}
            </span>
            <span class="sd-bar__clock" id="sd-clock" />
            <span class="sd-bar__status" id="sd-status" role="status" />
            <button type="button" class="sd-pause" id="sd-pause" aria-pressed="false" hidden>
              <span aria-hidden="true">⏸ </span>
              <span class="sd-pause__label">{L(locale, 'Anhalten', 'Pause')}</span>
            </button>
          </footer>
        </main>
      </body>
    </html>
  );
}
