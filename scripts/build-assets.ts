/**
 * Builds the browser assets into dist/public: CSS (KERN UX partials + our styles), island scripts,
 * each with a content hash in its name and .br/.gz siblings, and manifest.json (name → URL).
 *
 * The folder is never emptied first: every file is written under a temporary name and renamed into
 * place, and the manifest last. A server that is running (or a second build at the same time, as in
 * parallel test runs) therefore never sees a missing manifest or a half-written file, and pages that
 * are already open keep their old stylesheet. Files of earlier builds go after STALE_MS.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist/public');
const STALE_MS = 60 * 60 * 1000;

/** Writes a file so that readers see either the old or the complete new content. */
function writeAtomic(target: string, content: Buffer | string) {
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, target);
}

function hashName(name: string, content: Buffer | string): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 10);
  const ext = path.extname(name);
  return `${name.slice(0, -ext.length)}-${hash}${ext}`;
}

/** Sizes per asset (raw and brotli), printed after the build: the first-view budget at a glance. */
const sizes: string[] = [];

function emit(manifest: Record<string, string>, logical: string, content: Buffer | string) {
  const file = hashName(logical, content);
  const target = path.join(out, file);
  mkdirSync(path.dirname(target), { recursive: true });
  const br = zlib.brotliCompressSync(content, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 },
  });
  // Compressed siblings first: @fastify/static serves them once the plain file exists.
  writeAtomic(`${target}.br`, br);
  writeAtomic(`${target}.gz`, zlib.gzipSync(content, { level: 9 }));
  writeAtomic(target, content);
  manifest[logical] = `/assets/${file}`;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  sizes.push(`  ${logical}: ${kb(Buffer.byteLength(content))} raw, ${kb(br.length)} brotli`);
}

function islandEntries(): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (path.basename(dir) === 'islands' && /\.tsx?$/.test(e.name) && !e.name.includes('.test.')) {
        const name = e.name.replace(/\.tsx?$/, '');
        // Pages ask for islands by name: two files with one name would silently replace each other.
        if (entries[name]) throw new Error(`Two islands are called "${name}": ${entries[name]} and ${p}`);
        entries[name] = p;
      }
    }
  };
  walk(path.join(root, 'src'));
  return entries;
}

async function buildCss(): Promise<string> {
  const { buildStyles } = await import('./styles.ts');
  return buildStyles(root);
}

/** Removes files that the new manifest does not name and that are older than STALE_MS. */
function removeStale(manifest: Record<string, string>) {
  const keep = new Set(Object.values(manifest).map((url) => url.replace(/^\/assets\//, '')));
  const now = Date.now();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      const rel = path.relative(out, p).split(path.sep).join('/');
      const base = rel.replace(/\.(br|gz)$/, '');
      if (rel === 'manifest.json' || keep.has(base)) continue;
      if (now - statSync(p).mtimeMs > STALE_MS) rmSync(p, { force: true });
    }
  };
  walk(out);
}

async function main() {
  mkdirSync(out, { recursive: true });
  const manifest: Record<string, string> = {};
  emit(manifest, 'app.css', await buildCss());
  const entries = islandEntries();
  if (Object.keys(entries).length) {
    const result = await esbuild.build({
      entryPoints: entries,
      bundle: true,
      format: 'esm',
      minify: true,
      target: ['es2020'],
      write: false,
      outdir: out,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      legalComments: 'none',
    });
    for (const file of result.outputFiles) {
      const name = path.basename(file.path);
      emit(manifest, `islands/${name}`, Buffer.from(file.contents));
      manifest[name] = manifest[`islands/${name}`]!;
    }
  }
  writeAtomic(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  removeStale(manifest);
  console.log(`assets: ${Object.keys(manifest).length} files → ${path.relative(root, out)}`);
  if (process.env.ASSET_SIZES !== '0') console.log(sizes.join('\n'));
}

await main();
