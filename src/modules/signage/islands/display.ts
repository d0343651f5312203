/**
 * The stele's client: rotates the slides by their durations and time windows, listens for emergency
 * messages and playlist changes (SSE), refetches the playlist, reports a heartbeat, and registers the
 * service worker. Anything the network does wrong leaves the last good content on screen; the island
 * keeps retrying by itself, so the display recovers without anyone touching it.
 */
import { isActiveAt } from '../schedule.ts';

interface PlaylistSlide {
  id: number;
  duration: number;
  weekdays: number;
  from: string | null;
  to: string | null;
  html: string;
}
interface Emergency {
  id: number;
  title: string;
  body: string;
  endsAt: string | null;
}
interface Playlist {
  emergency: Emergency | null;
  refreshSeconds: number;
  heartbeatSeconds: number;
  slides: PlaylistSlide[];
}

const TEXT = {
  de: {
    offline: 'Keine Verbindung – zeigt die zuletzt geladenen Inhalte',
    pause: 'Anhalten',
    play: 'Weiter',
    page: (i: number, n: number) => `Seite ${i} von ${n}`,
  },
  en: {
    offline: 'No connection – showing the last loaded content',
    pause: 'Pause',
    play: 'Play',
    page: (i: number, n: number) => `Page ${i} of ${n}`,
  },
};

function init() {
  const root = document.getElementById('sd');
  const container = document.getElementById('sd-slides');
  if (!root || !container) return;
  const d = root.dataset;
  const text = document.documentElement.lang === 'en' ? TEXT.en : TEXT.de;
  const status = document.getElementById('sd-status')!;
  const clock = document.getElementById('sd-clock')!;
  const pauseButton = document.getElementById('sd-pause') as HTMLButtonElement;
  const overlay = document.getElementById('sd-emergency')!;

  let slides: {
    el: HTMLElement;
    id: number;
    duration: number;
    w: { weekdays: number; from: string | null; to: string | null };
  }[] = [];
  let current = -1;
  let timer: number | undefined;
  let paused = false;
  let emergency: Emergency | null = overlay.hidden
    ? null
    : { id: Number(overlay.dataset.emergencyId), title: '', body: '', endsAt: null };
  let online = true;

  /** Reads the slides from the DOM (server-rendered first, then after each playlist swap). */
  function collect(meta?: PlaylistSlide[]) {
    slides = [...container!.querySelectorAll<HTMLElement>('section.sd-slide[data-slide-id]')].map((el) => {
      const id = Number(el.dataset.slideId);
      const m = meta?.find((s) => s.id === id);
      return {
        el,
        id,
        duration: m?.duration ?? Number(el.dataset.duration ?? 10),
        w: m
          ? { weekdays: m.weekdays, from: m.from, to: m.to }
          : {
              weekdays: Number(el.dataset.weekdays ?? 127),
              from: el.dataset.from || null,
              to: el.dataset.to || null,
            },
      };
    });
    container!.querySelector('#sd-idle')?.toggleAttribute('hidden', slides.length > 0);
  }

  function show(index: number) {
    const now = new Date();
    const active = slides.filter((s) => isActiveAt(s.w, now));
    if (active.length === 0) {
      for (const s of slides) s.el.hidden = true;
      current = -1;
      schedule(30);
      return;
    }
    const next = active[((index % active.length) + active.length) % active.length]!;
    for (const s of slides) s.el.hidden = s !== next;
    const count = next.el.querySelector('.sd-slide__count');
    if (count) count.textContent = text.page(active.indexOf(next) + 1, active.length);
    current = slides.indexOf(next);
    schedule(next.duration);
  }

  function schedule(seconds: number) {
    window.clearTimeout(timer);
    if (paused) return;
    timer = window.setTimeout(() => advance(), seconds * 1000);
  }

  function advance() {
    const now = new Date();
    const active = slides.filter((s) => isActiveAt(s.w, now));
    const at = current >= 0 ? active.indexOf(slides[current]!) : -1;
    show(at + 1);
  }

  function setEmergency(e: Emergency | null) {
    emergency = e;
    if (e) {
      document.getElementById('sd-emergency-title')!.textContent = e.title;
      document.getElementById('sd-emergency-body')!.textContent = e.body;
      overlay.dataset.emergencyId = String(e.id);
    } else delete overlay.dataset.emergencyId;
    overlay.hidden = !e;
    container!.toggleAttribute('hidden', Boolean(e));
  }

  function setOnline(value: boolean) {
    if (online === value) return;
    online = value;
    status.textContent = value ? '' : text.offline;
    root!.classList.toggle('sd--offline', !value);
  }

  // ---- playlist ----
  let refreshTimer: number | undefined;
  async function refresh() {
    window.clearTimeout(refreshTimer);
    let next = Number(d.refreshSeconds) || 300;
    try {
      const res = await fetch(d.playlist!, { headers: { accept: 'application/json' }, cache: 'no-store' });
      if (res.status === 404) {
        // Key changed or stele removed: the page itself will say so.
        location.reload();
        return;
      }
      if (!res.ok) throw new Error(String(res.status));
      const p = (await res.json()) as Playlist;
      // Read after the await: the rotation may have moved on while the request was out.
      const shownId = current >= 0 ? slides[current]?.id : undefined;
      for (const el of container!.querySelectorAll('section.sd-slide[data-slide-id]')) el.remove();
      container!.insertAdjacentHTML('afterbegin', p.slides.map((s) => s.html).join(''));
      for (const el of container!.querySelectorAll<HTMLElement>('section.sd-slide[data-slide-id]'))
        el.hidden = true;
      collect(p.slides);
      setEmergency(p.emergency);
      const keep = slides.findIndex((s) => s.id === shownId);
      if (keep >= 0) {
        // The slide on screen stays, and so does its timer: frequent refreshes (rotating check-in
        // codes every 30 s) must not hold back the rotation.
        for (const s of slides) s.el.hidden = s !== slides[keep];
        current = keep;
        const active = slides.filter((s) => isActiveAt(s.w, new Date()));
        const count = slides[keep]!.el.querySelector('.sd-slide__count');
        if (count) count.textContent = text.page(active.indexOf(slides[keep]!) + 1, active.length);
      } else show(0);
      next = p.refreshSeconds;
      setOnline(res.headers.get('x-sp-from-cache') !== '1');
    } catch {
      // Network or server away: keep what is on screen, try again soon.
      setOnline(false);
      next = 15;
    }
    refreshTimer = window.setTimeout(refresh, next * 1000);
  }

  // ---- live events ----
  let source: EventSource | undefined;
  function connect() {
    source?.close();
    source = new EventSource(d.events!);
    source.addEventListener('open', () => setOnline(true));
    source.addEventListener('emergency', (ev) => {
      setEmergency(JSON.parse((ev as MessageEvent).data) as Emergency | null);
      beat();
    });
    source.addEventListener('playlist', () => void refresh());
    source.addEventListener('revoked', () => location.reload());
    source.addEventListener('error', () => {
      setOnline(false);
      // EventSource gives up for good after an HTTP error (e.g. 503 while a server restarts): start over.
      if (source?.readyState === EventSource.CLOSED) window.setTimeout(connect, 5000);
    });
  }

  // ---- heartbeat ----
  async function beat() {
    try {
      const res = await fetch(d.heartbeat!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          slideId: current >= 0 ? (slides[current]?.id ?? null) : null,
          emergencyId: emergency ? emergency.id || null : null,
        }),
      });
      if (res.ok && source?.readyState === EventSource.OPEN) setOnline(true);
    } catch {
      setOnline(false);
    }
  }

  // ---- clock and pause ----
  const fmt = new Intl.DateTimeFormat('de-DE', {
    timeZone: 'Europe/Berlin',
    hour: '2-digit',
    minute: '2-digit',
  });
  const tick = () => {
    clock.textContent = fmt.format(new Date());
  };
  tick();
  window.setInterval(tick, 10_000);

  pauseButton.hidden = false;
  pauseButton.addEventListener('click', () => {
    paused = !paused;
    pauseButton.setAttribute('aria-pressed', String(paused));
    pauseButton.querySelector('.sd-pause__label')!.textContent = paused ? text.play : text.pause;
    if (paused) window.clearTimeout(timer);
    else schedule(slides[current]?.duration ?? 10);
  });

  collect();
  const visible = slides.findIndex((s) => !s.el.hidden);
  current = visible;
  schedule(visible >= 0 ? slides[visible]!.duration : 30);
  connect();
  void beat();
  window.setInterval(beat, (Number(d.heartbeatSeconds) || 30) * 1000);
  refreshTimer = window.setTimeout(refresh, (Number(d.refreshSeconds) || 300) * 1000);

  // ---- offline cache ----
  if ('serviceWorker' in navigator && d.sw) {
    navigator.serviceWorker
      .register(d.sw, { scope: '/display/' })
      .then(async () => {
        const reg = await navigator.serviceWorker.ready;
        const assets = JSON.parse(d.assets ?? '[]') as string[];
        reg.active?.postMessage({
          type: 'precache',
          urls: [location.pathname + location.search, d.playlist, ...assets],
        });
      })
      .catch(() => {});
  }
  // A display runs for months: reload once a night (03:xx) to pick up new code and free memory.
  window.setInterval(() => {
    const h = new Date().getHours();
    if (h === 3 && online && performance.now() > 3_600_000) location.reload();
  }, 600_000);
}

init();
