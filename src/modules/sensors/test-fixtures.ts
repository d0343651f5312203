/** Test fixtures of the sensors module (used by its *.test.ts only). */
import assert from 'node:assert/strict';
import { cityId, type TestApp } from '../../../test/helpers.ts';
import { createApiKey, OBSERVATION_TYPES } from './service.ts';

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

/** Test API keys of Aalen and Heidenheim. */
export async function cityKeys(t: TestApp): Promise<{ aalen: string; heidenheim: string }> {
  const make = async (slug: string) =>
    (await createApiKey(t.database.db, { cityId: await cityId(t.database, slug), name: `Test ${slug}` })).key;
  return { aalen: await make('aalen'), heidenheim: await make('heidenheim') };
}

/**
 * Requests to /sta/v1.1/ of the app in state.t: req with state.key, another key or none (null); get
 * expects 200 and returns the JSON.
 */
export function staRequests(state: { t?: TestApp; key?: string }) {
  const req = async (method: string, url: string, body?: unknown, k: string | null = state.key!) =>
    state.t!.app.inject({
      method: method as 'GET',
      url: `/sta/v1.1/${url}`,
      headers: k ? { 'x-api-key': k } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });
  const get = async (url: string) => {
    const res = await state.t!.app.inject(`/sta/v1.1/${url}`);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.json();
  };
  return { req, get };
}
