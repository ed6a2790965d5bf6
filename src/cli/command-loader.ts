import { loadBundle } from './bundle-loader.js';

/**
 * The exports of the built `commands/<name>.cjs` beside the CLI bundle, through the code cache
 * (see ./bundle-loader.ts). Only the CommonJS CLI bundle calls it: the build routes the command
 * table's `import('./commands/<name>.js')` here and this file's import of ./bundle-loader.js to
 * the separate `./loader.cjs` (scripts/build.mjs), so the table stays plain imports for tests
 * and type checks.
 */
export function loadCommandBundle(name: string): unknown {
  return loadBundle(`commands/${name}.cjs`);
}
