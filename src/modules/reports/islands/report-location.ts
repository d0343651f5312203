/**
 * Optional help for the report form: a click on the server-drawn map or the phone's position fills
 * the latitude/longitude fields; Enter in the address field searches it. Without this script the
 * fields and the address field still work.
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

function init() {
  const lat = document.querySelector<HTMLInputElement>('#f-lat');
  const lon = document.querySelector<HTMLInputElement>('#f-lon');
  if (!lat || !lon) return;
  const fill = (la: number, lo: number) => {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    lat.dispatchEvent(new Event('change', { bubbles: true }));
  };

  const figure = document.querySelector<HTMLElement>('.sp-reportmap[data-pick="true"]');
  const svg = figure?.querySelector('svg');
  if (figure && svg) {
    const d = figure.dataset;
    const west = Number(d.west);
    const north = Number(d.north);
    const kx = Number(d.kx);
    const scale = Number(d.scale);
    const pad = Number(d.pad);
    let marker: SVGCircleElement | undefined;
    svg.addEventListener('click', (ev) => {
      const ctm = svg.getScreenCTM();
      if (!ctm) return;
      const pt = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(ctm.inverse());
      fill(north - (pt.y - pad) / scale, west + (pt.x - pad) / (kx * scale));
      if (!marker) {
        marker = document.createElementNS(SVG_NS, 'circle');
        marker.setAttribute('r', '7');
        marker.setAttribute('fill', '#c0392b');
        marker.setAttribute('stroke', '#fff');
        svg.appendChild(marker);
      }
      marker.setAttribute('cx', String(pt.x));
      marker.setAttribute('cy', String(pt.y));
    });
  }

  const slot = document.querySelector<HTMLElement>('[data-locate-slot]');
  if (slot && 'geolocation' in navigator) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'kern-btn kern-btn--secondary';
    const label = document.createElement('span');
    label.className = 'kern-label';
    const en = document.documentElement.lang === 'en';
    label.textContent = en ? 'Use my current position' : 'Meinen Standort verwenden';
    button.appendChild(label);
    const status = document.createElement('span');
    status.setAttribute('role', 'status');
    button.addEventListener('click', () => {
      status.textContent = en ? 'Locating …' : 'Standort wird ermittelt …';
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          fill(pos.coords.latitude, pos.coords.longitude);
          status.textContent = en ? 'Position entered.' : 'Standort eingetragen.';
        },
        () => {
          status.textContent = en
            ? 'Position not available. Please use the map or enter an address.'
            : 'Standort nicht verfügbar. Bitte Karte nutzen oder Adresse eingeben.';
        },
        { enableHighAccuracy: true, timeout: 15_000 },
      );
    });
    slot.append(button, ' ', status);
  }

  // Enter in the address field searches the address (without this script it sends the report).
  const address = document.querySelector<HTMLInputElement>('#f-address');
  const search = document.querySelector<HTMLButtonElement>('[data-address-search]');
  address?.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' || !search) return;
    ev.preventDefault();
    search.click();
  });
}

init();
