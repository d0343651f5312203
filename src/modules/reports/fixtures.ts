/** Test fixtures shared by this module's tests: points inside and outside the region, an image with EXIF. */
import sharp from 'sharp';
import type { Db } from '../../platform/db/index.ts';
import type { City } from '../../platform/tenancy/service.ts';
import type { CurrentUser } from '../../platform/web/context.ts';
import { createReport, type NewReport } from './service.ts';

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

/**
 * The chunk names of a WebP (RIFF) file. exifr cannot read WebP, so tests read the container
 * themselves: pixels only means no EXIF, XMP or ICCP chunk.
 */
export function webpChunks(data: Buffer): string[] {
  if (data.toString('latin1', 0, 4) !== 'RIFF' || data.toString('latin1', 8, 12) !== 'WEBP') {
    throw new Error('not a WebP file');
  }
  const chunks: string[] = [];
  for (let pos = 12; pos + 8 <= data.length; ) {
    const size = data.readUInt32LE(pos + 4);
    chunks.push(data.toString('latin1', pos, pos + 4).trim());
    pos += 8 + size + (size % 2);
  }
  return chunks;
}

/** The signed-in user object the services receive, holding one role in one city. */
export const staffUser = (
  id: string,
  cityId: number,
  role = 'case_worker',
  email = 'staff@example.org',
): CurrentUser => ({
  id,
  email,
  displayName: 'Sachbearbeitung',
  roles: new Map([[cityId, new Set([role])]]),
});

/** A published Aalen pothole report at the city centre; `extra` overrides any field. */
export const aalenReport = (db: Db, city: City, description: string, extra: Partial<NewReport> = {}) =>
  createReport(db, {
    fallbackCity: city,
    categoryCode: 'schlagloch',
    description,
    ...AALEN,
    reporter: {},
    source: 'web',
    trusted: true,
    baseUrl: '',
    ...extra,
  });
