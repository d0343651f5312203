/**
 * Map layer: the sensors with their current values (through the sensors service's latestValues),
 * one point per datastream; value, unit, time of measurement and whether it is simulated are in the
 * info, so the list alternative shows them too.
 */
import { pointSource } from '../../../platform/geo/source.ts';
import { type LatestValue, latestValues } from '../../sensors/service.ts';
import type { LayerProvider } from '../model.ts';

const when = new Intl.DateTimeFormat('de-DE', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Berlin',
});

/** "12,3 µg/m³ · 23.11.2026, 15:30 Uhr · simuliert" */
export function valueInfo(v: LatestValue): string {
  const unit = v.unit.symbol ?? '';
  const value =
    v.value === null
      ? 'kein aktueller Wert'
      : typeof v.value === 'number'
        ? `${v.value.toLocaleString('de-DE', { maximumFractionDigits: 1 })}${unit ? ` ${unit}` : ''}`
        : typeof v.value === 'boolean'
          ? v.value
            ? 'ja'
            : 'nein'
          : String(v.value);
  return [
    value,
    v.time ? `${when.format(v.time)} Uhr` : '',
    v.status === 'exceeded' ? 'Schwelle überschritten' : '',
    v.simulated ? 'simuliert' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

export const sensorLayers: LayerProvider = async (ctx) => {
  const cities = ctx.city ? [ctx.city] : ctx.cities;
  const values = (await Promise.all(cities.map((c) => latestValues(ctx.db, c.id)))).flat();
  const points = values.flatMap((v) => {
    const city = cities.find((c) => c.id === v.cityId);
    if (!v.location || !city) return [];
    return [
      {
        id: String(v.id),
        name: v.name,
        info: valueInfo(v),
        url: `/${city.slug}/stadtdaten/${v.id}`,
        lon: v.location.lon,
        lat: v.location.lat,
      },
    ];
  });
  return [
    {
      key: 'sensoren',
      title: { de: 'Sensoren mit aktuellen Werten', en: 'Sensors with current values' },
      description: {
        de: 'Luft, Temperatur, Lärm, Parken, Radverkehr und Wasserstand: letzter Messwert mit Zeit',
        en: 'Air, temperature, noise, parking, cycling and water level: latest value with its time',
      },
      color: '#00607a',
      symbol: 'point',
      source: pointSource(ctx.db, points),
    },
  ];
};
