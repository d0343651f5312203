import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { intakeImage } from './images.ts';

async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 800, height: 600, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Serial-12345', ImageDescription: 'Schlagloch' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 50/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '10/1 5/1 0/1',
      },
    })
    .toBuffer();
}

describe('image intake', () => {
  test('re-encodes as WebP and strips all metadata (GPS, camera serial)', async () => {
    const input = await photoWithGps();
    const before = await sharp(input).metadata();
    assert.ok(before.exif, 'the test photo carries EXIF');
    assert.match(before.exif!.toString('latin1'), /Serial-12345/);
    const stored = await intakeImage(input);
    const after = await sharp(stored.data).metadata();
    assert.equal(after.format, 'webp');
    assert.equal(after.exif, undefined);
    assert.equal(after.xmp, undefined);
    assert.equal(after.iptc, undefined);
    assert.doesNotMatch(stored.data.toString('latin1'), /Serial-12345|TestCam|GPS/);
  });

  test('large images are scaled down to the longest side', async () => {
    const big = await sharp({ create: { width: 4000, height: 1000, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const stored = await intakeImage(big, { maxSide: 1000 });
    assert.equal(stored.width, 1000);
    assert.equal(stored.height, 250);
  });

  test('a decompression bomb is refused with a message', async () => {
    // A small file that decodes to far more pixels than allowed (scaled down: 9 MP against a 1 MP limit).
    const bomb = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(bomb.length < 200_000);
    await assert.rejects(
      intakeImage(bomb, { maxPixels: 1_000_000 }),
      (err: Error & { statusCode?: number }) => {
        assert.equal(err.statusCode, 422);
        assert.match(err.message, /zu viele Bildpunkte/);
        return true;
      },
    );
  });

  test('non-images, unsupported formats and oversized files are refused', async () => {
    await assert.rejects(intakeImage(Buffer.from('%PDF-1.7 not an image')), /kein Bild/);
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    );
    await assert.rejects(intakeImage(svg), /Bildformat wird nicht angenommen/);
    await assert.rejects(
      intakeImage(Buffer.alloc(2000), { maxBytes: 1000 }),
      (err: Error & { statusCode?: number }) => err.statusCode === 413,
    );
  });

  test('a truncated JPEG is refused', async () => {
    const input = await photoWithGps();
    await assert.rejects(
      intakeImage(input.subarray(0, Math.floor(input.length / 2))),
      /beschädigt|kein Bild/,
    );
  });
});
