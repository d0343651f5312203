/**
 * Streaming writers for dataset downloads. Rows come from the database in keyset-paged batches, so an
 * export of any size holds one batch in memory; the writers yield text chunks for a Node stream.
 */
import type { Db } from '../../platform/db/index.ts';
import { rows } from '../../platform/db/index.ts';
import type { Column, Download, DownloadRow } from './model.ts';

export const BATCH = 5000;

type Row = DownloadRow;

/** All rows of a download, batch by batch. */
export async function* batches(db: Db, download: Download, size = BATCH): AsyncGenerator<Row[]> {
  let after: string | number | null = null;
  for (;;) {
    const page = download.page(after, size);
    const batch: Row[] = page instanceof Promise ? await page : await rows<Row>(db, page);
    if (batch.length === 0) return;
    yield batch;
    if (batch.length < size) return;
    after = batch[batch.length - 1]!.key;
  }
}

/** A value as CSV/JSON text: ISO 8601 for times, numbers as numbers, empty for null. */
function plain(v: unknown, column: Column): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (column.datatype === 'integer' || column.datatype === 'decimal') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  if (column.datatype === 'dateTime' && typeof v === 'string') return new Date(v).toISOString();
  if (typeof v === 'boolean') return v;
  return String(v);
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV, UTF-8, comma-separated, CRLF line ends, header row with the column names. */
export async function* csvChunks(db: Db, download: Download, size = BATCH): AsyncGenerator<string> {
  const cols = download.columns;
  yield `${cols.map((c) => csvField(c.name)).join(',')}\r\n`;
  for await (const batch of batches(db, download, size)) {
    let chunk = '';
    for (const row of batch) chunk += `${cols.map((c) => csvField(plain(row[c.name], c))).join(',')}\r\n`;
    yield chunk;
  }
}

/** RFC 7946 FeatureCollection; rows without geometry get "geometry": null. */
export async function* geojsonChunks(
  db: Db,
  download: Download,
  meta: { name: string; license: string },
  size = BATCH,
): AsyncGenerator<string> {
  const cols = download.columns;
  yield `{"type":"FeatureCollection","name":${JSON.stringify(meta.name)},"license":${JSON.stringify(meta.license)},"features":[`;
  let first = true;
  for await (const batch of batches(db, download, size)) {
    let chunk = '';
    for (const row of batch) {
      const properties: Record<string, unknown> = {};
      for (const c of cols) properties[c.name] = plain(row[c.name], c);
      const id = properties.id ?? row.key;
      chunk += `${first ? '' : ','}\n{"type":"Feature","id":${JSON.stringify(id)},"geometry":${row.geometry ?? 'null'},"properties":${JSON.stringify(properties)}}`;
      first = false;
    }
    yield chunk;
  }
  yield '\n]}\n';
}
