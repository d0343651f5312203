import sharp from 'sharp';
import { HttpError } from '../http/errors.ts';

export interface IntakeOptions {
  /** Largest upload accepted, in bytes. */
  maxBytes?: number;
  /** Largest decoded size: guards against decompression bombs (a tiny file that decodes to gigapixels). */
  maxPixels?: number;
  /** Longest side of the stored image. */
  maxSide?: number;
}

export interface StoredImage {
  data: Buffer;
  mediaType: 'image/webp';
  width: number;
  height: number;
}

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'heif']);

/**
 * Every uploaded image is decoded and encoded anew as WebP: what is stored is pixels only, so EXIF
 * (GPS position, camera serial), XMP, IPTC and embedded payloads are gone. Orientation is applied first.
 */
export async function intakeImage(input: Buffer, options: IntakeOptions = {}): Promise<StoredImage> {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxPixels = options.maxPixels ?? 40_000_000;
  const maxSide = options.maxSide ?? 2000;
  if (input.length > maxBytes) {
    throw new HttpError(413, `Das Bild ist zu groß (höchstens ${Math.round(maxBytes / 1024 / 1024)} MB).`);
  }
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    format = meta.format;
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch {
    throw new HttpError(
      422,
      'Die Datei ist kein Bild, das wir lesen können. Erlaubt sind JPEG, PNG, WebP und HEIF.',
    );
  }
  if (!format || !ACCEPTED.has(format)) {
    throw new HttpError(
      422,
      'Dieses Bildformat wird nicht angenommen. Erlaubt sind JPEG, PNG, WebP und HEIF.',
    );
  }
  if (width * height > maxPixels) {
    throw new HttpError(
      422,
      `Das Bild hat zu viele Bildpunkte (höchstens ${Math.round(maxPixels / 1_000_000)} Megapixel).`,
    );
  }
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    return { data, mediaType: 'image/webp', width: info.width, height: info.height };
  } catch {
    throw new HttpError(
      422,
      'Das Bild ist beschädigt oder unvollständig. Bitte versuchen Sie es mit einer anderen Datei.',
    );
  }
}
