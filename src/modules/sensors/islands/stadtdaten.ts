/**
 * Live updates of the Stadtdaten tiles: listens to the page's Server-Sent Events and replaces value
 * and time in place. Without this script the page shows the values of its loading time.
 */
const live = document.querySelector<HTMLElement>('[data-live-url]');
const lang = document.documentElement.lang.startsWith('en') ? 'en' : 'de';
const TEXT = {
  de: { updated: 'Aktualisiert', connected: 'Live-Aktualisierung aktiv.' },
  en: { updated: 'Updated', connected: 'Live updates on.' },
}[lang];

if (live && 'EventSource' in window) {
  const source = new EventSource(live.dataset.liveUrl!);
  source.addEventListener('open', () => {
    live.hidden = false;
    live.textContent = TEXT.connected;
  });
  source.addEventListener('latest', (ev) => {
    const e = JSON.parse((ev as MessageEvent<string>).data) as {
      d: number;
      t: string;
      f: Record<string, string>;
    };
    const tile = document.querySelector<HTMLElement>(`[data-ds="${e.d}"]`);
    if (!tile) return;
    const value = tile.querySelector<HTMLElement>('[data-value]');
    if (value) value.textContent = e.f[lang] ?? '';
    const time = tile.querySelector<HTMLTimeElement>('[data-time]');
    if (time) {
      time.dateTime = e.t;
      time.textContent = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: 'Europe/Berlin',
      }).format(new Date(e.t));
    }
    // Stale band words would contradict the new number: the next page load brings them back.
    tile.querySelector('[data-band]')?.remove();
    tile.classList.add('sp-tile--updated');
    tile.dataset.updated = e.t;
  });
}
