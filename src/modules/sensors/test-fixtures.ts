/** Test fixtures of the sensors module (used by its *.test.ts only). */
import assert from 'node:assert/strict';
import type { TestApp } from '../../../test/helpers.ts';
import { OBSERVATION_TYPES } from './service.ts';

/** A Thing in Aalen with one Datastream (deep insert over STA); returns the Datastream's id. */
export async function makeDatastream(
  t: TestApp,
  key: string,
  names: { thing?: string; location?: string; datastream?: string } = {},
): Promise<number> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/sta/v1.1/Things',
    headers: { 'x-api-key': key },
    payload: {
      name: names.thing ?? 'Pegel Kocher',
      Locations: [
        {
          name: names.location ?? 'Kocherbrücke',
          description: '',
          encodingType: 'application/geo+json',
          location: { type: 'Point', coordinates: [10.0936, 48.8378] },
        },
      ],
      Datastreams: [
        {
          name: names.datastream ?? 'Wasserstand Kocher',
          description: '',
          observationType: OBSERVATION_TYPES.measurement,
          unitOfMeasurement: { name: 'Zentimeter', symbol: 'cm', definition: 'ucum:cm' },
          Sensor: { name: 'Radarpegel', description: '', encodingType: 'text/html', metadata: '' },
          ObservedProperty: { name: 'Wasserstand', definition: '', description: '' },
        },
      ],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const ds = await t.app.inject(`/sta/v1.1/Things(${res.json()['@iot.id']})/Datastreams`);
  return ds.json().value[0]['@iot.id'];
}
