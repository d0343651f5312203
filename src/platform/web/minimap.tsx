import type { PageContext } from './context.ts';

type Ring = [number, number][];

/** Outer rings of a GeoJSON Polygon or MultiPolygon (other maps drawn on the server reuse it). */
export function rings(geometry: unknown): Ring[] {
  const g = geometry as { type?: string; coordinates?: unknown } | undefined;
  if (g?.type === 'Polygon') return (g.coordinates as Ring[]).slice(0, 1);
  if (g?.type === 'MultiPolygon') return (g.coordinates as Ring[][]).map((p) => p[0]!);
  return [];
}

/**
 * A map drawn on the server as SVG: the city outline and the place. Needs no tiles, no script and no
 * other host; the map island can enhance it when a tile server is configured.
 */
export function MiniMap({
  ctx,
  boundary,
  point,
  label,
}: {
  ctx: PageContext;
  boundary: unknown;
  point: { lat: number; lon: number };
  label: string;
}) {
  const outline = rings(boundary);
  const all = [...outline.flat(), [point.lon, point.lat] as [number, number]];
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  // Equirectangular with the latitude's cosine: shapes look right at this scale.
  const kx = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const w = Math.max((maxLon - minLon) * kx, 1e-6);
  const h = Math.max(maxLat - minLat, 1e-6);
  const size = 300;
  const scale = size / Math.max(w, h);
  const x = (lon: number) => ((lon - minLon) * kx * scale + 10).toFixed(1);
  const y = (lat: number) => ((maxLat - lat) * scale + 10).toFixed(1);
  const width = Math.round(w * scale + 20);
  const height = Math.round(h * scale + 20);
  const osm = `https://www.openstreetmap.org/?mlat=${point.lat}&mlon=${point.lon}#map=17/${point.lat}/${point.lon}`;
  return (
    <figure class="sp-minimap" data-lat={point.lat} data-lon={point.lon}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${ctx.locale === 'de' ? 'Lage von' : 'Location of'} ${label}`}
      >
        {outline.map((ring, i) => (
          <polygon
            key={i}
            points={ring.map(([lon, lat]) => `${x(lon)},${y(lat)}`).join(' ')}
            class="sp-minimap__area"
          />
        ))}
        <circle cx={x(point.lon)} cy={y(point.lat)} r="7" class="sp-minimap__point" />
      </svg>
      <figcaption class="kern-body--small">
        {point.lat.toFixed(5)}, {point.lon.toFixed(5)} ·{' '}
        <a class="kern-link" href={osm} rel="noopener">
          {ctx.locale === 'de' ? 'In OpenStreetMap öffnen' : 'Open in OpenStreetMap'}
        </a>
      </figcaption>
    </figure>
  );
}
