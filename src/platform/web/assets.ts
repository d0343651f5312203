import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Assets } from './context.ts';

/**
 * Reads the manifest written by scripts/build-assets.ts: logical name → hashed URL, so assets can be
 * cached for a year and a new build changes every URL that changed.
 */
export function loadAssets(publicDir: string): Assets {
  const file = path.join(publicDir, 'manifest.json');
  if (!existsSync(file)) {
    throw new Error(
      `Asset manifest ${file} is missing: run "npm run build" (npm start and npm test do it for you).`,
    );
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const css = manifest['app.css'];
  if (!css) throw new Error('Asset manifest has no app.css');
  return { css, script: (name) => manifest[`${name}.js`] };
}
