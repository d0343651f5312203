/**
 * What a value means for people: bands with words (plain and Leichte Sprache) and a colour class.
 * Air quality follows the Umweltbundesamt's Luftqualitätsindex (hourly values, µg/m³).
 */
import type { Kind } from './service.ts';

export interface Band {
  level: 1 | 2 | 3 | 4 | 5;
  de: string;
  en: string;
  /** Leichte Sprache: short sentences, everyday words. */
  easy: string;
}

const AQ_WORDS: Omit<Band, 'level'>[] = [
  { de: 'sehr gut', en: 'very good', easy: 'Die Luft ist sehr gut.' },
  { de: 'gut', en: 'good', easy: 'Die Luft ist gut.' },
  {
    de: 'mäßig',
    en: 'moderate',
    easy: 'Die Luft ist nicht so gut. Empfindliche Menschen sollen sich draußen weniger anstrengen.',
  },
  {
    de: 'schlecht',
    en: 'poor',
    easy: 'Die Luft ist schlecht. Bleiben Sie nicht lange draußen, wenn Sie krank sind.',
  },
  {
    de: 'sehr schlecht',
    en: 'very poor',
    easy: 'Die Luft ist sehr schlecht. Alle sollen sich draußen nicht anstrengen.',
  },
];

/** Upper limits of bands 1–4 per pollutant (UBA Luftqualitätsindex). */
const AQ_LIMITS: Record<string, number[]> = {
  pm10: [20, 35, 50, 100],
  'pm2.5': [10, 20, 25, 50],
  no2: [20, 40, 100, 200],
  o3: [60, 120, 180, 240],
};

function pollutant(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\s|₂|₃/g, (c) => (c === '₂' ? '2' : c === '₃' ? '3' : ''));
  if (n.includes('pm10')) return 'pm10';
  if (n.includes('pm2.5') || n.includes('pm25')) return 'pm2.5';
  if (n.includes('no2') || n.includes('stickstoffdioxid')) return 'no2';
  if (n.includes('o3') || n.includes('ozon')) return 'o3';
  return undefined;
}

export function band(kind: Kind, observedProperty: string, value: unknown): Band | undefined {
  if (typeof value !== 'number') return undefined;
  if (kind === 'air_quality') {
    const p = pollutant(observedProperty);
    if (!p) return undefined;
    const limits = AQ_LIMITS[p]!;
    const i = limits.findIndex((l) => value <= l);
    const level = (i === -1 ? 5 : i + 1) as Band['level'];
    return { level, ...AQ_WORDS[level - 1]! };
  }
  if (kind === 'noise') {
    if (value < 45) return { level: 1, de: 'ruhig', en: 'quiet', easy: 'Es ist ruhig.' };
    if (value < 55) return { level: 2, de: 'normal', en: 'normal', easy: 'Es ist nicht laut.' };
    if (value < 65) return { level: 3, de: 'laut', en: 'loud', easy: 'Es ist laut.' };
    return { level: 4, de: 'sehr laut', en: 'very loud', easy: 'Es ist sehr laut.' };
  }
  return undefined;
}

export const KIND_LABELS: Record<Kind, { de: string; en: string }> = {
  air_quality: { de: 'Luftqualität', en: 'Air quality' },
  temperature: { de: 'Temperatur', en: 'Temperature' },
  noise: { de: 'Lärm', en: 'Noise' },
  parking: { de: 'Parken', en: 'Parking' },
  bike: { de: 'Radverkehr', en: 'Cycling' },
  water_level: { de: 'Pegel', en: 'Water level' },
  other: { de: 'Weitere Daten', en: 'Other data' },
};

/** Numbers the German way, with as many decimals as make sense for the unit. */
export function formatValue(locale: 'de' | 'en', value: unknown): string {
  if (typeof value === 'number') {
    const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1;
    return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'de-DE', {
      maximumFractionDigits: digits,
      minimumFractionDigits: digits,
    }).format(value);
  }
  if (typeof value === 'boolean')
    return value ? (locale === 'en' ? 'yes' : 'ja') : locale === 'en' ? 'no' : 'nein';
  if (value === null || value === undefined) return '–';
  return String(value);
}
