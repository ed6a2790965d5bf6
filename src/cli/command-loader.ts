import { join } from 'node:path';
import { type BundleLoader, codeCacheDir, createBundleLoader } from './code-cache.js';

let loader: BundleLoader | undefined;

/**
 * The exports of the built `commands/<name>.cjs` beside the CLI bundle, compiled through the
 * code cache (see ./code-cache.ts); the caches this run missed are written when it exits.
 * Only the CommonJS CLI bundle calls it: the build routes the command table's
 * `import('./commands/<name>.js')` here (scripts/build.mjs), so the table stays plain
 * imports for tests and type checks.
 */
export function loadCommandBundle(name: string): unknown {
  if (!loader) {
    const created = createBundleLoader(codeCacheDir(process.env));
    process.once('exit', () => created.save());
    loader = created;
  }
  return loader.load(join(__dirname, 'commands', `${name}.cjs`));
}
