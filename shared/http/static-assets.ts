/**
 * Static files served by the pages Lambda. In AWS they are copied next to the bundle at build time
 * (see infra/constructs/functions.ts); locally they are read from node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const STATIC_ASSETS = {
  'nhsuk-frontend.min.css': { module: 'nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css', contentType: 'text/css; charset=utf-8' },
} as const;
export type AssetName = keyof typeof STATIC_ASSETS;

const cache = new Map<AssetName, Buffer>();

export function readAsset(name: AssetName): Buffer {
  let content = cache.get(name);
  if (!content) {
    const besideBundle = fileURLToPath(new URL(`./${name}`, import.meta.url));
    const path = existsSync(besideBundle) ? besideBundle : createRequire(import.meta.url).resolve(STATIC_ASSETS[name].module);
    content = readFileSync(path);
    cache.set(name, content);
  }
  return content;
}
