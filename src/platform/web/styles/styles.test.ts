import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { pruneCustomProperties } from '../../../../scripts/styles.ts';

const root = path.resolve(import.meta.dirname, '../../../..');

function builtCss(): string {
  const manifest = JSON.parse(readFileSync(path.join(root, 'dist/public/manifest.json'), 'utf8')) as Record<
    string,
    string
  >;
  return readFileSync(
    path.join(root, 'dist/public', manifest['app.css']!.replace(/^\/assets\//, '')),
    'utf8',
  );
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(e.name) && !e.name.includes('.test.')) out.push(p);
  }
  return out;
}

describe('stylesheet', () => {
  test('every KERN class the pages use is in the stylesheet (else: add its partial to app.scss)', () => {
    const css = builtCss();
    const styled = new Set([...css.matchAll(/\.(kern-[\w-]+)/g)].map((m) => m[1]!));
    // Classes KERN itself leaves unstyled, and prefixes completed at run time (kern-alert--${tone}).
    const unstyled = new Set(['kern-table__head']);
    const missing = new Map<string, string>();
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      // Class names live in string literals; comments and imports mention "kern-ux" and are skipped.
      for (const lit of text.matchAll(/(["'`])((?:(?!\1)[^\\\n]|\\.)*)\1/g)) {
        for (const m of lit[2]!.matchAll(/(?:^|[\s{])(kern-[a-z0-9_-]+)/g)) {
          const name = m[1]!;
          if (name.endsWith('-') || name.endsWith('_') || unstyled.has(name) || styled.has(name)) continue;
          missing.set(name, path.relative(root, file));
        }
      }
    }
    assert.deepEqual(Object.fromEntries(missing), {});
  });

  test('only the light theme is shipped, with the city accents, focus style and reduced motion', () => {
    const css = builtCss();
    // assert.ok with a message: the stylesheet is too long to print on failure.
    const has = (re: RegExp, what: string) => assert.ok(re.test(css), `the stylesheet has ${what}`);
    assert.ok(!/prefers-color-scheme/.test(css), 'no dark scheme');
    assert.ok(!/@font-face/.test(css), 'system fonts: nothing to download');
    has(/color-scheme:\s*light/, 'color-scheme: light');
    has(/\.sp-city--aalen\{--kern-color-action-default:\s*#00537a\}/, "Aalen's accent");
    has(/\.sp-city--heidenheim\{--kern-color-action-default:\s*#8a1538\}/, "Heidenheim's accent");
    has(/:focus-visible\{outline:4px solid/, 'the KERN focus outline');
    has(/prefers-reduced-motion:\s*reduce/, 'a reduced-motion rule');
  });

  test('pruneCustomProperties drops unread tokens, also those only unread tokens referenced', () => {
    const css =
      ':root{--a:1px;--b:var(--c);--c:red;--d:var(--e);--e:blue;--f:var(--a)}.x{width:var(--a);color:var(--b)}';
    assert.equal(
      pruneCustomProperties(css),
      ':root{--a:1px;--b:var(--c);--c:red}.x{width:var(--a);color:var(--b)}',
    );
    assert.equal(pruneCustomProperties(':root{--z:1}.y{color:red}'), '.y{color:red}');
    assert.equal(
      pruneCustomProperties(
        ':root{--s:"a;b}";--t:calc((1px + 2px) * 3)}.y{content:var(--s);margin:var(--t)}',
      ),
      ':root{--s:"a;b}";--t:calc((1px + 2px) * 3)}.y{content:var(--s);margin:var(--t)}',
    );
  });
});
