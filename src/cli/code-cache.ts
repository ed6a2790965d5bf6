import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { resolveStateDir } from '../state/state-dir.js';

/**
 * The CLI's command bundles are compiled through V8's code cache, kept in the state directory:
 * V8 then reads the bytecode of every function the last run used instead of parsing and
 * compiling the source again (a cold `ls` beside the bench's load: `main` 22 → 18 ms). Node 22
 * has this built in (`module.enableCompileCache`); portier also runs on Node 20.
 */

/** The cache folder inside the state directory. */
export const CODE_CACHE_DIR = 'code-cache';

/** First line of a cache file; the bytes V8 produced follow it. */
const MAGIC = 'portier-code-cache 1';

/**
 * Where the code cache lives: `<state dir>/code-cache`, or undefined when
 * `PORTIER_CODE_CACHE=0` turns it off.
 */
export function codeCacheDir(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env.PORTIER_CODE_CACHE === '0') return undefined;
  return join(resolveStateDir(env), CODE_CACHE_DIR);
}

/** The facts of a bundle file a cache is keyed by (from fstat). */
export interface BundleStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/**
 * What a cache must match to be used: this Node and CPU, and the bundle's size, mtime, ctime
 * and inode. V8 checks its own version and flags, but of the source only its length, so a
 * rebuilt bundle of the same length would otherwise run the old bytecode; npm gives every
 * installed file the same mtime, but writing a file changes its ctime, which nothing can set.
 */
export function cacheHeader(stat: BundleStat): string {
  const { size, mtimeMs, ctimeMs, ino } = stat;
  return `${MAGIC} ${process.version} ${process.arch} ${size} ${mtimeMs} ${ctimeMs} ${ino}\n`;
}

/**
 * Whether a cache file or folder may be trusted: V8 runs cached bytecode as it is, so it must
 * be this user's and writable by nobody else (`sudo` keeping the user's $HOME must not run
 * what the user could plant). Windows has no such owner to compare; it is trusted there.
 */
export function ownedByMe(stat: { uid: number; mode: number }): boolean {
  const euid = process.geteuid?.();
  if (euid === undefined) return true;
  return stat.uid === euid && (stat.mode & 0o022) === 0;
}

/** The V8 data in a cache file when its header is `header`; undefined otherwise. */
export function cachedDataFor(file: Buffer, header: string): Buffer | undefined {
  const end = file.indexOf(10); // '\n'
  if (end < 0 || file.toString('latin1', 0, end + 1) !== header) return undefined;
  const data = file.subarray(end + 1);
  return data.length > 0 ? data : undefined;
}

/** The cache file of a bundle: named by the bundle and a hash of its path (FNV-1a). */
function cacheFileOf(dir: string, file: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) {
    hash ^= file.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return join(dir, `${basename(file)}-${(hash >>> 0).toString(16)}.bin`);
}

/** How long a cache file nobody rewrote is kept, in ms (30 days); a used one costs a recompile. */
export const CODE_CACHE_MAX_AGE_MS = 30 * 24 * 3_600_000;

/** How long a temp file of an interrupted write is left alone, in ms (a day). */
const TEMP_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Removes cache files older than {@link CODE_CACHE_MAX_AGE_MS}: an install moved or replaced
 * (a new npx folder, a bench's copy) leaves its files behind under other names. Temp files
 * of a process that died while writing go after a day.
 */
function pruneOld(dir: string): void {
  const now = Date.now();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const maxAge = name.endsWith('.bin')
      ? CODE_CACHE_MAX_AGE_MS
      : name.endsWith('.tmp')
        ? TEMP_MAX_AGE_MS
        : undefined;
    if (maxAge === undefined) continue;
    try {
      const path = join(dir, name);
      if (statSync(path).mtimeMs < now - maxAge) rmSync(path, { force: true });
    } catch {}
  }
}

/**
 * Loads CommonJS bundles (a command's bundle and any `.cjs` it requires) through the cache.
 * An ASCII bundle (the build makes portier's so) is held as a one-byte string.
 */
export interface BundleLoader {
  /** The exports of the bundle at `file` (absolute), compiled once per process. */
  load(file: string): unknown;
  /** Writes the caches that were missing or stale; never throws. Call once the work is done. */
  save(): void;
  /** Bundles compiled from the cache, and without it, so far. */
  readonly stats: { hits: number; misses: number };
}

interface Compiled {
  script: Script;
  cacheFile: string;
  header: string;
}

/** Options of {@link createBundleLoader}. */
export interface BundleLoaderOptions {
  /**
   * Modules loaded already, by absolute path (the loader's own bundle): a bundle requiring
   * one of them gets that instance, not a second copy.
   */
  loaded?: ReadonlyMap<string, unknown>;
}

/**
 * A loader that compiles with the cache in `cacheDir` (no cache when undefined). A bundle's
 * `require` of another `.cjs` file by relative path loads it the same way; anything else is
 * Node's own `require`. Problems with the cache (unreadable, corrupt, stale) only mean
 * compiling without it.
 */
export function createBundleLoader(
  wanted: string | undefined,
  options: BundleLoaderOptions = {},
): BundleLoader {
  const modules = new Map<string, { exports: unknown }>();
  for (const [file, exports] of options.loaded ?? []) modules.set(file, { exports });
  const stale: Compiled[] = [];
  const stats = { hits: 0, misses: 0 };
  let cacheDir = wanted;
  try {
    // Someone else's folder (root under `sudo` with the user's $HOME): neither read nor write.
    if (cacheDir && !ownedByMe(statSync(cacheDir))) cacheDir = undefined;
  } catch {
    // Not there yet: the first save creates it, this user's, mode 700.
  }

  function compile(file: string): Script {
    const fd = openSync(file, 'r');
    let source: string;
    let header: string;
    try {
      header = cacheHeader(fstatSync(fd));
      // The build escapes every non-ASCII character (scripts/build.mjs), so this is a
      // one-byte string, half the size of the two-byte one a single `…` in a comment made.
      // utf8 is also Node's one-call read (other encodings go through fstat and a read loop).
      source = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const cacheFile = cacheDir ? cacheFileOf(cacheDir, file) : undefined;
    let cachedData: Buffer | undefined;
    if (cacheFile) {
      try {
        const cacheFd = openSync(cacheFile, 'r');
        try {
          const stat = fstatSync(cacheFd);
          if (ownedByMe(stat)) {
            // One read of the size fstat gave (readFileSync would fstat again and loop).
            const bytes = Buffer.allocUnsafe(stat.size);
            const read = readSync(cacheFd, bytes, 0, stat.size, 0);
            cachedData = cachedDataFor(bytes.subarray(0, read), header);
          }
        } finally {
          closeSync(cacheFd);
        }
      } catch {}
    }
    // The wrapper Node itself puts around a CommonJS module, on the first line so line
    // numbers in stack traces stay those of the file.
    const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
    const script = new Script(wrapped, { filename: file, cachedData });
    if (cachedData && !script.cachedDataRejected) stats.hits++;
    else {
      stats.misses++;
      if (cacheFile) stale.push({ script, cacheFile, header });
    }
    return script;
  }

  function load(file: string): unknown {
    const known = modules.get(file);
    if (known) return known.exports;
    const module = { exports: {} as unknown };
    modules.set(file, module);
    const dir = dirname(file);
    // Node's builtins straight from Node; a require function of its own (~0.25 ms to make)
    // only for a bundle that requires a package.
    let nodeRequire: NodeJS.Require | undefined;
    const require = (id: string) => {
      if (id.startsWith('.') && id.endsWith('.cjs')) return load(resolve(dir, id));
      const builtin: unknown = process.getBuiltinModule(id);
      if (builtin !== undefined) return builtin;
      // `node:module` itself is loaded only here (~0.2 ms a command would otherwise pay).
      nodeRequire ??= process.getBuiltinModule('node:module').createRequire(file);
      return nodeRequire(id);
    };
    try {
      const wrapper = compile(file).runInThisContext() as (...args: unknown[]) => void;
      wrapper.call(module.exports, module.exports, require, module, file, dir);
    } catch (error) {
      modules.delete(file);
      throw error;
    }
    return module.exports;
  }

  function save(): void {
    if (stale.length > 0 && cacheDir) pruneOld(cacheDir);
    for (const { script, cacheFile, header } of stale.splice(0)) {
      const temp = `${cacheFile}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
        writeFileSync(
          temp,
          Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]),
        );
        renameSync(temp, cacheFile);
      } catch {
        // A read-only or full disk costs the next run its speed-up, nothing else.
        try {
          rmSync(temp, { force: true });
        } catch {}
      }
    }
  }

  return { load, save, stats };
}
