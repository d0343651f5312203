/** Test fixtures shared by this module's tests: points inside and outside the region, an image with EXIF. */
import sharp from 'sharp';

export const AALEN = { lon: 10.0936, lat: 48.8378 };
export const HEIDENHEIM = { lon: 10.1516, lat: 48.676 };
export const STUTTGART = { lon: 9.18, lat: 48.78 };

/** A JPEG with EXIF (camera make, serial, owner) to prove it is gone after intake. */
export async function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretCam', Model: 'Serial 12345', Copyright: 'Reporter Name' } })
    .toBuffer();
}
