import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { encodeTile } from './mvt.ts';

/** The JS encoder (used where PostGIS lacks ST_AsMVT), read back by Mapbox's own decoder. */
describe('MVT encoder', () => {
  const decode = (bytes: Uint8Array) => new VectorTile(new PbfReader(bytes));
  const points = (f: { loadGeometry(): { x: number; y: number }[][] }) =>
    f.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y]));

  test('points, lines and polygons with holes round-trip; rings get the spec’s winding', () => {
    const square = [
      [0, 0],
      [100, 0],
      [100, 100],
      [0, 100],
      [0, 0],
    ];
    const hole = [
      [20, 20],
      [20, 40],
      [40, 40],
      [40, 20],
      [20, 20],
    ];
    const tile = decode(
      encodeTile('test', [
        { geometry: { type: 'Point', coordinates: [10, 20] }, properties: { id: 'a', name: 'Punkt' } },
        {
          geometry: {
            type: 'MultiPoint',
            coordinates: [
              [1, 2],
              [3, 4],
            ],
          },
          properties: { id: 'b', name: 'Punkt' },
        },
        {
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [10, 10],
              [20, 0],
            ],
          },
          properties: { id: 'c', name: 'Linie' },
        },
        {
          geometry: { type: 'Polygon', coordinates: [square, hole] },
          properties: { id: 'd', name: 'Fläche' },
        },
        { geometry: { type: 'LineString', coordinates: [[5, 5]] }, properties: { id: 'e', name: 'zu kurz' } },
      ]),
    );
    const layer = tile.layers.test!;
    assert.equal(layer.version, 2);
    assert.equal(layer.extent, 4096);
    assert.equal(layer.length, 4, 'degenerate geometry dropped');
    const [p, mp, l, poly] = [0, 1, 2, 3].map((i) => layer.feature(i));
    assert.deepEqual({ ...p!.properties }, { id: 'a', name: 'Punkt' });
    assert.equal(p!.type, 1);
    assert.deepEqual(points(p!), [[[10, 20]]]);
    assert.deepEqual(points(mp!), [[[1, 2]], [[3, 4]]]);
    assert.equal(l!.type, 2);
    assert.deepEqual(points(l!), [
      [
        [0, 0],
        [10, 10],
        [20, 0],
      ],
    ]);
    assert.equal(poly!.type, 3);
    assert.equal(poly!.properties.name, 'Fläche');
    // Decoded rings close again; the exterior has positive area (y down), the hole negative.
    const rings = points(poly!);
    assert.equal(rings.length, 2);
    const area = (r: number[][]) =>
      r.slice(0, -1).reduce((s, a, i) => s + a[0]! * r[i + 1]![1]! - r[i + 1]![0]! * a[1]!, 0);
    assert.ok(area(rings[0]!) > 0);
    assert.ok(area(rings[1]!) < 0);
    const gj = poly!.toGeoJSON(0, 0, 0).geometry;
    assert.equal(gj.type, 'Polygon');
    assert.equal((gj as { coordinates: unknown[] }).coordinates.length, 2, 'hole kept in its polygon');
  });

  test('non-negative integers are numbers, other values text', () => {
    const layer = decode(
      encodeTile('n', [
        {
          geometry: { type: 'Point', coordinates: [1, 1] },
          properties: { count: 7, big: 300, neg: -1, id: 'x' },
        },
      ]),
    ).layers.n!;
    assert.deepEqual({ ...layer.feature(0).properties }, { count: 7, big: 300, neg: '-1', id: 'x' });
  });

  test('no drawable feature: an empty tile', () => {
    assert.equal(encodeTile('x', []).length, 0);
  });
});
