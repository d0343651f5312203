/**
 * The stylesheet: only the KERN UX partials our pages use (compiled from @kern-ux/native's SCSS) plus
 * our own SCSS for what KERN lacks (header, navigation, breadcrumbs, pager, footer, tiles, facets …).
 *
 * Three things keep it inside the first-view budget:
 * - our entry (src/platform/web/styles/app.scss) loads single KERN partials via `kern:` URLs, never the
 *   whole library;
 * - KERN's colour theme is served light-only: its dark scheme would need a dark variant of each city
 *   accent, which we do not have, so it would only add bytes (and contrast risks);
 * - custom properties that nothing reads (most of KERN's primitive palette) are removed after compiling.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import * as sass from 'sass';

const THEME_FILE = 'core/tokens/_theme.scss';
const DARK_MARKER = '@media (prefers-color-scheme: dark)';

/**
 * Serves `kern:` URLs from node_modules/@kern-ux/native/src/scss. Relative loads inside KERN files come
 * back through this importer (Sass resolves them against the canonical `kern:` URL), so the theme file
 * can be patched wherever it is loaded from.
 */
function kernImporter(scssRoot: string): sass.Importer<'sync'> {
  const resolve = (rel: string): string | null => {
    const clean = rel.replace(/^\/+/, '');
    const dir = path.dirname(clean);
    const base = path.basename(clean).replace(/\.scss$/, '');
    const candidates = [
      path.join(dir, `${base}.scss`),
      path.join(dir, `_${base}.scss`),
      path.join(clean, '_index.scss'),
      path.join(clean, 'index.scss'),
    ];
    return candidates.find((c) => existsSync(path.join(scssRoot, c))) ?? null;
  };
  return {
    canonicalize(url) {
      if (!url.startsWith('kern:')) return null;
      const found = resolve(url.slice('kern:'.length));
      return found ? new URL(`kern:///${found.split(path.sep).join('/')}`) : null;
    },
    load(canonicalUrl) {
      const rel = decodeURIComponent(canonicalUrl.pathname).replace(/^\/+/, '');
      let contents = readFileSync(path.join(scssRoot, rel), 'utf8');
      if (rel === THEME_FILE) contents = lightOnlyTheme(contents);
      return { contents, syntax: 'scss' };
    },
  };
}

/** Keeps the theme's mixins, drops its dark/light media blocks and applies the light colours to :root. */
function lightOnlyTheme(source: string): string {
  const at = source.indexOf(DARK_MARKER);
  if (at < 0 || !source.includes('@mixin light-colors')) {
    throw new Error(`KERN ${THEME_FILE} changed shape: update scripts/styles.ts (lightOnlyTheme).`);
  }
  return `${source.slice(0, at)}\n:root { @include light-colors; }\n`;
}

/** Finds the end of a declaration value: the next `;` or `}` outside parentheses and strings. */
function valueEnd(css: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < css.length; i++) {
    const ch = css[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && (ch === ';' || ch === '}')) return i;
  }
  return css.length;
}

/**
 * Removes custom property declarations (`--x: …`) that no `var(--x)` reads, repeating until stable
 * because removing one can orphan the tokens it referenced. Works on compressed CSS.
 */
export function pruneCustomProperties(css: string, keep: Set<string> = new Set()): string {
  for (;;) {
    const used = new Set(keep);
    for (const m of css.matchAll(/var\(\s*(--[\w-]+)/g)) used.add(m[1]!);
    let out = '';
    let last = 0;
    let removed = 0;
    const decl = /([{;])(--[\w-]+)\s*:/g;
    for (let m = decl.exec(css); m; m = decl.exec(css)) {
      const name = m[2]!;
      const end = valueEnd(css, m.index + m[0].length);
      if (used.has(name)) {
        decl.lastIndex = end;
        continue;
      }
      // Drop "--x:value" and its ";" (keep the "{" or ";" before it, and a closing "}").
      out += css.slice(last, m.index + 1);
      last = css[end] === ';' ? end + 1 : end;
      decl.lastIndex = last;
      removed++;
    }
    out += css.slice(last);
    // Tidy what removal leaves behind: ";}" and empty rules.
    css = out.replace(/;}/g, '}').replace(/(^|[{};])[^{};@]+\{\}/g, '$1');
    if (removed === 0) return css;
  }
}

/** Compiles src/platform/web/styles/app.scss with the KERN partials it names, minified. */
export async function buildStyles(root: string): Promise<string> {
  const scssRoot = path.join(root, 'node_modules/@kern-ux/native/src/scss');
  const entry = path.join(root, 'src/platform/web/styles/app.scss');
  const result = sass.compile(entry, {
    style: 'compressed',
    importers: [kernImporter(scssRoot)],
    // KERN's own sources use Sass features that are being deprecated; that is theirs to fix.
    quietDeps: true,
    sourceMap: false,
  });
  const pruned = pruneCustomProperties(result.css);
  const min = await esbuild.transform(pruned, { loader: 'css', minify: true, legalComments: 'none' });
  return min.code;
}
