/**
 * Map island: adds zoom buttons to the server-drawn SVG minimap (figure.sp-minimap with data-lat and
 * data-lon). Zooming narrows the SVG viewBox around the marked place, so no tiles, no other host and
 * no inline styles are needed. Without this script the map is the same picture, only not zoomable.
 */

const MAX_LEVEL = 3; // 2^3 = 8 times the overview: closer shows only the marker

const TEXT = {
  de: { group: 'Kartenansicht', in: 'Karte vergrößern', out: 'Karte verkleinern', level: 'Zoomstufe' },
  en: { group: 'Map view', in: 'Zoom in', out: 'Zoom out', level: 'Zoom level' },
};

function enhance(figure: HTMLElement) {
  const svg = figure.querySelector('svg');
  const point = svg?.querySelector<SVGCircleElement>('.sp-minimap__point');
  if (!svg || !point || figure.querySelector('.sp-minimap__controls')) return;
  const text = document.documentElement.lang.startsWith('en') ? TEXT.en : TEXT.de;
  const box = svg.viewBox.baseVal;
  const [x0, y0, width, height] = [box.x, box.y, box.width, box.height];
  const cx = point.cx.baseVal.value;
  const cy = point.cy.baseVal.value;
  const r0 = point.r.baseVal.value;
  let level = 0;

  const frame = document.createElement('div');
  frame.className = 'sp-minimap__frame';
  svg.replaceWith(frame);
  frame.append(svg);

  const controls = document.createElement('div');
  controls.className = 'sp-minimap__controls';
  controls.setAttribute('role', 'group');
  controls.setAttribute('aria-label', text.group);
  const status = document.createElement('span');
  status.className = 'sp-visually-hidden';
  status.setAttribute('role', 'status');

  const button = (symbol: string, label: string, step: number) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'sp-minimap__zoom';
    b.textContent = symbol;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', () => zoom(level + step));
    return b;
  };
  const zoomIn = button('+', text.in, 1);
  const zoomOut = button('\u2212', text.out, -1);

  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

  function zoom(next: number) {
    if (next < 0 || next > MAX_LEVEL || next === level) return;
    level = next;
    const f = 2 ** level;
    const w = width / f;
    const h = height / f;
    // Centre on the place, but never show space beyond the overview's edges.
    const x = clamp(cx - w / 2, x0, x0 + width - w);
    const y = clamp(cy - h / 2, y0, y0 + height - h);
    svg!.setAttribute('viewBox', `${x} ${y} ${w} ${h}`);
    // The marker keeps its size on screen.
    point!.setAttribute('r', String(r0 / f));
    update();
    status.textContent = `${text.level} ${level + 1} / ${MAX_LEVEL + 1}`;
  }

  // aria-disabled instead of disabled: a disabled button would drop the keyboard focus.
  function update() {
    zoomIn.setAttribute('aria-disabled', String(level === MAX_LEVEL));
    zoomOut.setAttribute('aria-disabled', String(level === 0));
  }

  update();
  controls.append(zoomIn, zoomOut);
  frame.append(controls, status);
}

for (const figure of document.querySelectorAll<HTMLElement>('figure.sp-minimap[data-lat][data-lon]')) {
  enhance(figure);
}
