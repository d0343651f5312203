/**
 * Dataset provider: every datastream of the urban data platform, one dataset each, read through the
 * sensors service. The CSV download pages through the observations by keyset (phenomenon time, id),
 * so a datastream with millions of observations streams in constant memory. The SensorThings API is
 * the dataset's data service: the API distribution points at the datastream's observations in it.
 */
import { type Kind, observationPage, publicDatastreams } from '../../sensors/service.ts';
import type { DatasetMeta, DatasetProvider, Theme } from '../model.ts';
import { scopeSlug } from '../model.ts';

/** EU data theme by sensor kind: air, climate, noise and water are environment; parking and bikes transport. */
const THEME: Record<Kind, Theme[]> = {
  air_quality: ['ENVI', 'HEAL'],
  temperature: ['ENVI'],
  noise: ['ENVI', 'HEAL'],
  parking: ['TRAN'],
  bike: ['TRAN'],
  water_level: ['ENVI'],
  other: ['TECH'],
};

const KEYWORDS: Record<Kind, string[]> = {
  air_quality: ['Luftqualität', 'Umwelt'],
  temperature: ['Temperatur', 'Klima'],
  noise: ['Lärm', 'Umwelt'],
  parking: ['Parken', 'Verkehr'],
  bike: ['Radverkehr', 'Verkehr'],
  water_level: ['Wasserstand', 'Hochwasser'],
  other: [],
};

/** The STA conformance class of the data model (OGC 18-088). */
const STA_CONFORMS_TO = 'http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel';

export const sensorDatasets: DatasetProvider = async ({ db, cities, baseUrl }) => {
  const streams = await publicDatastreams(db);
  const sta = `${baseUrl}/sta/v1.1/`;
  return streams.flatMap((d): DatasetMeta[] => {
    const city = cities.find((c) => c.id === d.cityId);
    if (!city) return [];
    const unit = d.unit.symbol || d.unit.name || '';
    const where = d.locationName ? `${d.locationName}, ${city.name}` : city.name;
    const simulated = d.simulated ? ' Die Werte sind simuliert (Demo-Daten), keine echten Messungen.' : '';
    return [
      {
        slug: `${scopeSlug(cities, d.cityId)}-sensor-${d.id}`,
        cityId: d.cityId,
        title: `Sensordaten: ${d.name} – ${city.name}`,
        description: `${d.description || d.name}. Messgröße: ${d.observedProperty}${unit ? ` in ${unit}` : ''}; Standort: ${where}${d.location ? ` (${d.location.lat.toFixed(5)}, ${d.location.lon.toFixed(5)})` : ''}. Alle Beobachtungen dieses Datastreams der SensorThings-API als CSV, fortlaufend ergänzt.${simulated}`,
        keywords: ['Sensoren', 'Messwerte', 'SensorThings', ...KEYWORDS[d.kind]],
        themes: THEME[d.kind],
        modified: d.phenomenonTimeEnd,
        issued: d.phenomenonTimeStart,
        temporal: { start: d.phenomenonTimeStart, end: d.phenomenonTimeEnd },
        version: `${d.phenomenonTimeStart?.toISOString() ?? ''}|${d.phenomenonTimeEnd?.toISOString() ?? ''}`,
        accrualPeriodicity: 'CONT',
        landingPage: `${baseUrl}/${city.slug}/stadtdaten/${d.id}`,
        services: [
          {
            title: 'SensorThings API 1.1',
            endpointUrl: sta,
            endpointDescription: sta,
            conformsTo: STA_CONFORMS_TO,
            accessUrl: `${sta}Datastreams(${d.id})/Observations`,
            publisherCityId: null,
          },
        ],
        download: {
          geo: false,
          columns: [
            {
              name: 'id',
              datatype: 'integer',
              description: 'Nummer der Beobachtung (@iot.id in der SensorThings-API)',
            },
            {
              name: 'zeitpunkt',
              datatype: 'dateTime',
              description: 'Zeitpunkt der Messung (phenomenonTime, UTC)',
            },
            {
              name: 'zeitpunkt_ende',
              datatype: 'dateTime',
              description: 'Ende des Messintervalls; leer bei Zeitpunkten',
            },
            {
              name: 'ergebniszeit',
              datatype: 'dateTime',
              description: 'Zeit des Ergebnisses (resultTime); leer, wenn nicht angegeben',
            },
            {
              name: 'wert',
              datatype: 'decimal',
              description: `Messwert${unit ? ` in ${unit}` : ''}; leer bei nicht-numerischen Ergebnissen`,
            },
            {
              name: 'ergebnis',
              datatype: 'string',
              description: 'Nicht-numerisches Ergebnis als JSON; sonst leer',
            },
            { name: 'einheit', datatype: 'string', description: 'Einheit (Symbol nach UCUM)' },
          ],
          page: async (after, limit) =>
            (await observationPage(db, d.id, after === null ? null : String(after), limit)).map((o) => ({
              key: o.cursor,
              id: o.id,
              zeitpunkt: o.phenomenonTime,
              zeitpunkt_ende: o.phenomenonTimeEnd,
              ergebniszeit: o.resultTime,
              wert: typeof o.result === 'number' ? o.result : null,
              ergebnis: o.result === null || typeof o.result === 'number' ? null : JSON.stringify(o.result),
              einheit: unit,
            })),
        },
      },
    ];
  });
};
