/**
 * Map island: turns the server-drawn map picture into a pannable, zoomable map (Leaflet). Layers come
 * from /api/v1/karte as GeoJSON for the visible box and zoom; the layer checkboxes switch them without
 * reloading; the address bar always holds a deep link to the view. On the contribution page it picks
 * a point or line by pointer (click) or keyboard (arrow keys move the map, "Use map centre" takes the
 * crosshair). No basemap unless an admin configured one: no request to another host by default.
 */
import * as L from 'leaflet';

const de = document.documentElement.lang !== 'en';
const T = de
  ? {
      map: 'Interaktive Karte. Pfeiltasten verschieben, Plus und Minus zoomen.',
      centre: 'Kartenmitte übernehmen',
      undo: 'Letzten Punkt entfernen',
      loaded: (n: number, t: string) => `${t}: ${n} Objekte angezeigt`,
      cluster: (n: number) => `${n} Objekte – hineinzoomen`,
      picked: (lat: string, lon: string) => `Ort gewählt: ${lat}, ${lon}`,
      details: 'Details',
    }
  : {
      map: 'Interactive map. Arrow keys move, plus and minus zoom.',
      centre: 'Use map centre',
      undo: 'Remove last point',
      loaded: (n: number, t: string) => `${t}: ${n} items shown`,
      cluster: (n: number) => `${n} items – zoom in`,
      picked: (lat: string, lon: string) => `Place chosen: ${lat}, ${lon}`,
      details: 'Details',
    };

interface Props {
  name: string;
  info: string;
  url: string | null;
  cluster?: boolean;
  count?: number;
}

function popup(p: Props): HTMLElement {
  const box = document.createElement('div');
  const title = document.createElement('strong');
  title.textContent = p.name;
  box.append(title);
  if (p.info) {
    const info = document.createElement('p');
    info.textContent = p.info;
    box.append(info);
  }
  if (p.url && (p.url.startsWith('/') || /^https?:\/\//.test(p.url))) {
    const a = document.createElement('a');
    a.href = p.url;
    a.textContent = T.details;
    box.append(a);
  }
  return box;
}

function createMap(figure: HTMLElement): L.Map {
  const [w, s, e, n] = (figure.dataset.bbox ?? '').split(',').map(Number) as [number, number, number, number];
  const canvas = document.createElement('div');
  canvas.className = 'sp-map__canvas';
  canvas.setAttribute('role', 'region');
  canvas.setAttribute('aria-label', T.map);
  // The server-drawn picture stays for people without JavaScript; the live map replaces it here.
  figure.querySelector('svg.sp-map__picture')?.remove();
  figure.prepend(canvas);
  const map = L.map(canvas, {
    zoomSnap: 1,
    keyboard: true,
    attributionControl: Boolean(figure.dataset.tiles),
  });
  if (figure.dataset.tiles) {
    L.tileLayer(figure.dataset.tiles, { attribution: figure.dataset.attribution ?? '', maxZoom: 19 }).addTo(
      map,
    );
  }
  map.fitBounds([
    [s, w],
    [n, e],
  ]);
  const focus = figure.dataset.focus?.split(',').map(Number);
  if (focus && focus.length === 3 && focus.every(Number.isFinite)) {
    map.setView([focus[0]!, focus[1]!], focus[2]!);
    L.circleMarker([focus[0]!, focus[1]!], { radius: 12, color: '#000', weight: 3, fill: false }).addTo(map);
  }
  return map;
}

function layerView(figure: HTMLElement) {
  const map = createMap(figure);
  const api = figure.dataset.api ?? '/api/v1/karte';
  const city = figure.dataset.city ?? '';
  const status = document.createElement('p');
  status.className = 'sp-visually-hidden';
  status.setAttribute('role', 'status');
  figure.append(status);
  const boxes = [...document.querySelectorAll<HTMLInputElement>('#ebenen input[type=checkbox][name=ebenen]')];
  const groups = new Map<string, L.GeoJSON>();
  const pending = new Map<string, AbortController>();

  async function load(box: HTMLInputElement) {
    const key = box.value;
    pending.get(key)?.abort();
    const ctrl = new AbortController();
    pending.set(key, ctrl);
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map((v, i) => Math.min(Math.max(v, i % 2 ? -90 : -180), i % 2 ? 90 : 180).toFixed(5))
      .join(',');
    const url = `${api}/ebenen/${encodeURIComponent(key)}/features?bbox=${bbox}&zoom=${map.getZoom()}${city ? `&stadt=${city}` : ''}`;
    let data: GeoJSON.FeatureCollection;
    try {
      const res = await fetch(url, { signal: ctrl.signal });
      if (!res.ok) return;
      data = await res.json();
    } catch {
      return;
    }
    if (!box.checked) return;
    const color = box.dataset.color ?? '#00537a';
    const group = L.geoJSON(data, {
      style: () => ({ color, weight: 3, fillOpacity: 0.1 }),
      pointToLayer: (f, latlng) => {
        const p = f.properties as Props;
        if (p.cluster) {
          const m = L.circleMarker(latlng, {
            radius: Math.min(10 + Math.log2(p.count ?? 1) * 2, 28),
            color,
            fillColor: color,
            fillOpacity: 0.5,
          });
          m.bindTooltip(T.cluster(p.count ?? 0));
          m.on('click', () => map.setView(latlng, map.getZoom() + 2));
          return m;
        }
        return L.circleMarker(latlng, {
          radius: 7,
          color: '#fff',
          weight: 1.5,
          fillColor: color,
          fillOpacity: 1,
        });
      },
      onEachFeature: (f, layer) => {
        const p = f.properties as Props;
        if (!p.cluster) layer.bindPopup(popup(p));
      },
    });
    groups.get(key)?.remove();
    groups.set(key, group);
    group.addTo(map);
    status.textContent = T.loaded(data.features.length, box.dataset.title ?? key);
  }

  function syncUrl() {
    const keys = boxes.filter((b) => b.checked).map((b) => b.value);
    const c = map.getCenter();
    const query = `ebenen=${keys.join(',')}&lat=${c.lat.toFixed(5)}&lon=${c.lng.toFixed(5)}&z=${map.getZoom()}`;
    const href = `${figure.dataset.base ?? location.pathname}?${query}`;
    history.replaceState(null, '', href);
    const link = document.getElementById('deeplink') as HTMLAnchorElement | null;
    if (link) {
      link.href = href;
      link.textContent = location.origin + href;
    }
  }

  for (const box of boxes) {
    if (box.checked) void load(box);
    box.addEventListener('change', () => {
      if (box.checked) void load(box);
      else {
        groups.get(box.value)?.remove();
        groups.delete(box.value);
      }
      syncUrl();
    });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      for (const b of boxes) if (b.checked) void load(b);
      syncUrl();
    }, 150);
  });
}

function pickView(figure: HTMLElement) {
  const map = createMap(figure);
  const form = figure.closest('form');
  if (!form) return;
  const lat = form.querySelector<HTMLInputElement>('input[name=lat]');
  const lon = form.querySelector<HTMLInputElement>('input[name=lon]');
  const line = form.querySelector<HTMLTextAreaElement>('textarea[name=line]');
  const color = figure.dataset.color ?? '#c2185b';
  const crosshair = document.createElement('div');
  crosshair.className = 'sp-map__crosshair';
  crosshair.setAttribute('aria-hidden', 'true');
  figure.querySelector('.sp-map__canvas')?.append(crosshair);
  const status = document.createElement('p');
  status.className = 'sp-visually-hidden';
  status.setAttribute('role', 'status');
  const marks = L.layerGroup().addTo(map);
  const kind = () => form.querySelector<HTMLInputElement>('input[name=kind]:checked')?.value ?? 'point';

  function linePoints(): [number, number][] {
    return (line?.value ?? '')
      .split('\n')
      .map((l) => l.split(',').map((v) => Number(v.trim())))
      .filter((p) => p.length === 2 && p.every(Number.isFinite)) as [number, number][];
  }

  function draw() {
    marks.clearLayers();
    if (kind() === 'point') {
      const a = Number(lat?.value.replace(',', '.'));
      const b = Number(lon?.value.replace(',', '.'));
      if (lat?.value && lon?.value && Number.isFinite(a) && Number.isFinite(b))
        L.circleMarker([a, b], { radius: 8, color: '#fff', fillColor: color, fillOpacity: 1 }).addTo(marks);
    } else {
      const pts = linePoints();
      if (pts.length) L.polyline(pts, { color, weight: 4 }).addTo(marks);
      for (const p of pts) L.circleMarker(p, { radius: 4, color }).addTo(marks);
    }
  }

  function pick(at: L.LatLng) {
    const a = at.lat.toFixed(6);
    const b = at.lng.toFixed(6);
    if (kind() === 'point') {
      if (lat) lat.value = a;
      if (lon) lon.value = b;
    } else if (line) {
      line.value = `${line.value.trim() ? `${line.value.trim()}\n` : ''}${a}, ${b}`;
    }
    status.textContent = T.picked(a, b);
    draw();
  }

  const tools = document.createElement('div');
  tools.className = 'sp-map__tools';
  const centre = document.createElement('button');
  centre.type = 'button';
  centre.className = 'kern-btn kern-btn--secondary';
  centre.innerHTML = '<span class="kern-label"></span>';
  centre.querySelector('span')!.textContent = T.centre;
  centre.addEventListener('click', () => pick(map.getCenter()));
  const undo = document.createElement('button');
  undo.type = 'button';
  undo.className = 'kern-btn kern-btn--tertiary';
  undo.innerHTML = '<span class="kern-label"></span>';
  undo.querySelector('span')!.textContent = T.undo;
  undo.addEventListener('click', () => {
    if (kind() === 'point') {
      if (lat) lat.value = '';
      if (lon) lon.value = '';
    } else if (line) line.value = line.value.trim().split('\n').slice(0, -1).join('\n');
    draw();
  });
  tools.append(centre, undo);
  figure.append(tools, status);
  map.on('click', (e: L.LeafletMouseEvent) => pick(e.latlng));
  for (const input of [lat, lon, line]) input?.addEventListener('input', draw);
  for (const r of form.querySelectorAll<HTMLInputElement>('input[name=kind]'))
    r.addEventListener('change', draw);
  draw();
}

for (const figure of document.querySelectorAll<HTMLElement>('figure.sp-map__figure[data-bbox]')) {
  if (figure.dataset.pick) pickView(figure);
  else layerView(figure);
}
