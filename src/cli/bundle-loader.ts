import { join } from 'node:path';
import * as self from './bundle-loader.js';
import { type BundleLoader, codeCacheDir, createBundleLoader } from './code-cache.js';

let loader: BundleLoader | undefined;

/**
 * The exports of a built CommonJS bundle beside this file (`cli.cjs`, `commands/<name>.cjs`),
 * compiled through the code cache (./code-cache.ts): V8 reads the bytecode the last run used
 * instead of compiling the source again. One loader per process, so the CLI and the command
 * it runs share it; the caches this run missed are written when it exits.
 *
 * Built on its own as `dist/loader.cjs`, which `bin/portier.cjs` compiles straight from the
 * file (Node's `require` would first resolve and realpath it) before the CLI bundle comes
 * through here from the cache; the CLI's `require('./loader.cjs')` gets this same module.
 */
export function loadBundle(relative: string): unknown {
  if (!loader) {
    const loaded = new Map([[__filename, self]]);
    const created = createBundleLoader(codeCacheDir(process.env), { loaded });
    process.once('exit', () => created.save());
    loader = created;
  }
  return loader.load(join(__dirname, relative));
}
