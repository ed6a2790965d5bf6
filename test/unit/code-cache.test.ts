import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CODE_CACHE_MAX_AGE_MS,
  cachedDataFor,
  cacheHeader,
  codeCacheDir,
  createBundleLoader,
  ownedByMe,
} from '../../src/cli/code-cache.js';

const isRoot = process.geteuid?.() === 0;
if (!isRoot)
  console.warn(
    'code-cache: the test with a folder of another user needs root (chown); it is skipped.',
  );

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Two CommonJS bundles like dist/cli.cjs and a command: main requires ./sub.cjs and a builtin. */
function bundles(): { main: string; sub: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portier-code-cache-'));
  dirs.push(dir);
  const main = join(dir, 'main.cjs');
  const sub = join(dir, 'sub.cjs');
  writeFileSync(
    main,
    `const { basename } = require('node:path');
exports.sub = require('./sub.cjs');
exports.name = basename(__filename);
exports.dir = __dirname;
exports.same = () => require('./sub.cjs') === exports.sub;
exports.fail = () => { throw new Error('from main'); };\n`,
  );
  writeFileSync(sub, 'module.exports = { value: 42, twice: (n) => n * 2 };\n');
  return { main, sub, cacheDir: join(dir, 'state', 'code-cache') };
}

type Main = {
  sub: { value: number; twice(n: number): number };
  name: string;
  dir: string;
  same(): boolean;
  fail(): never;
};

describe('createBundleLoader', () => {
  it('loads bundles with their own require, __filename and __dirname, once each', () => {
    const { main, cacheDir } = bundles();
    const loader = createBundleLoader(cacheDir);
    const exported = loader.load(main) as Main;
    expect(exported.sub.value).toBe(42);
    expect(exported.sub.twice(4)).toBe(8);
    expect(exported.name).toBe('main.cjs');
    expect(exported.dir).toBe(join(main, '..'));
    expect(exported.same()).toBe(true);
    expect(loader.load(main)).toBe(exported);
    expect(loader.stats).toEqual({ hits: 0, misses: 2 });
  });

  it('hands a bundle the instance it was given of a module loaded already (the loader itself)', () => {
    const { main, sub, cacheDir } = bundles();
    const loaderItself = { value: 7, twice: () => 0 };
    const loader = createBundleLoader(cacheDir, { loaded: new Map([[sub, loaderItself]]) });
    expect((loader.load(main) as Main).sub).toBe(loaderItself);
    expect(loader.stats).toEqual({ hits: 0, misses: 1 });
  });

  it('keeps line numbers in stack traces', () => {
    const { main, cacheDir } = bundles();
    const exported = createBundleLoader(cacheDir).load(main) as Main;
    expect(() => exported.fail()).toThrow('from main');
    try {
      exported.fail();
    } catch (error) {
      expect((error as Error).stack).toContain(`${main}:6:`);
    }
  });

  // In one process V8 also keeps compiled scripts itself, so whether a fresh process accepts
  // a cache file (and rejects a corrupt one) is tested on the built CLI, in cli-code-cache.
  it('writes the missing caches on save, and the next loader compiles from them', () => {
    const { main, cacheDir } = bundles();
    const first = createBundleLoader(cacheDir);
    first.load(main);
    first.save();
    const files = readdirSync(cacheDir).sort();
    expect(files).toEqual([
      expect.stringMatching(/^main\.cjs-[0-9a-f]+\.bin$/),
      expect.stringMatching(/^sub\.cjs-[0-9a-f]+\.bin$/),
    ]);
    const second = createBundleLoader(cacheDir);
    expect((second.load(main) as Main).sub.value).toBe(42);
    expect(second.stats).toEqual({ hits: 2, misses: 0 });
    second.save(); // nothing stale: nothing rewritten
    expect(readdirSync(cacheDir).sort()).toEqual(files);
  });

  it('does not use the cache of a bundle rebuilt to the same length and mtime', () => {
    const { main, sub, cacheDir } = bundles();
    const first = createBundleLoader(cacheDir);
    first.load(main);
    first.save();
    // Same length, same mtime (npm gives every installed file one), other value: V8 alone
    // would accept the old bytecode; the ctime and inode of the rewritten file tell.
    const { mtime, atime } = statSync(sub);
    rmSync(sub);
    writeFileSync(sub, 'module.exports = { value: 43, twice: (n) => n * 3 };\n');
    utimesSync(sub, atime, mtime);
    const second = createBundleLoader(cacheDir);
    const exported = second.load(main) as Main;
    expect(exported.sub.value).toBe(43);
    expect(exported.sub.twice(4)).toBe(12);
    expect(second.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('ignores a cache file others can write', () => {
    const { main, cacheDir } = bundles();
    const first = createBundleLoader(cacheDir);
    first.load(main);
    first.save();
    chmodSync(join(cacheDir, readdirSync(cacheDir).find((f) => f.startsWith('main'))!), 0o666);
    const second = createBundleLoader(cacheDir);
    second.load(main);
    expect(second.stats).toEqual({ hits: 1, misses: 1 });
  });

  it.skipIf(!isRoot)('neither reads nor writes a cache folder of another user', () => {
    const { main, cacheDir } = bundles();
    const first = createBundleLoader(cacheDir);
    first.load(main);
    first.save();
    chownSync(cacheDir, 65534, 65534);
    const mtimes = () => readdirSync(cacheDir).map((f) => statSync(join(cacheDir, f)).mtimeMs);
    const written = mtimes();
    const second = createBundleLoader(cacheDir);
    second.load(main);
    second.save();
    expect(second.stats).toEqual({ hits: 0, misses: 2 });
    expect(mtimes()).toEqual(written);
  });

  it('removes cache files nobody rewrote for 30 days when it writes one', () => {
    const { main, cacheDir } = bundles();
    const first = createBundleLoader(cacheDir);
    first.load(main);
    first.save();
    const stale = join(cacheDir, 'gone.cjs-0.bin');
    const recent = join(cacheDir, 'other.cjs-1.bin');
    writeFileSync(stale, 'old');
    writeFileSync(recent, 'new');
    const longAgo = new Date(Date.now() - CODE_CACHE_MAX_AGE_MS - 60_000);
    utimesSync(stale, longAgo, longAgo);
    writeFileSync(main, `${readFileSync(main, 'utf8')}// rebuilt\n`);
    const second = createBundleLoader(cacheDir);
    second.load(main);
    second.save();
    const names = readdirSync(cacheDir);
    expect(names).toContain('other.cjs-1.bin');
    expect(names).not.toContain('gone.cjs-0.bin');
  });

  it('works without a cache directory, and when the cache cannot be written', () => {
    const { main, cacheDir } = bundles();
    const none = createBundleLoader(undefined);
    expect((none.load(main) as Main).sub.value).toBe(42);
    none.save();
    // A file where the cache directory should be: every write fails.
    writeFileSync(join(cacheDir, '..'), 'in the way');
    const blocked = createBundleLoader(cacheDir);
    expect((blocked.load(main) as Main).sub.value).toBe(42);
    expect(() => blocked.save()).not.toThrow();
  });
});

describe('cache file format', () => {
  it('gives the V8 data only under the same header', () => {
    const stat = { size: 1234, mtimeMs: 5678.5, ctimeMs: 9012.25, ino: 42 };
    const header = cacheHeader(stat);
    expect(header).toBe(
      `portier-code-cache 1 ${process.version} ${process.arch} 1234 5678.5 9012.25 42\n`,
    );
    const file = Buffer.concat([Buffer.from(header), Buffer.from([1, 2, 3])]);
    expect(cachedDataFor(file, header)).toEqual(Buffer.from([1, 2, 3]));
    expect(cachedDataFor(file, cacheHeader({ ...stat, ctimeMs: 9999 }))).toBeUndefined();
    expect(cachedDataFor(file, cacheHeader({ ...stat, ino: 43 }))).toBeUndefined();
    expect(cachedDataFor(Buffer.from(header), header)).toBeUndefined();
    expect(cachedDataFor(Buffer.from('no newline'), header)).toBeUndefined();
  });

  it('trusts only files of this user that nobody else can write', () => {
    const uid = process.geteuid!();
    expect(ownedByMe({ uid, mode: 0o100644 })).toBe(true);
    expect(ownedByMe({ uid, mode: 0o40700 })).toBe(true);
    expect(ownedByMe({ uid, mode: 0o100664 })).toBe(false);
    expect(ownedByMe({ uid, mode: 0o100646 })).toBe(false);
    expect(ownedByMe({ uid: uid + 1, mode: 0o100644 })).toBe(false);
  });

  it('lives in the state directory unless PORTIER_CODE_CACHE=0', () => {
    expect(codeCacheDir({ PORTIER_STATE_DIR: '/s' })).toBe('/s/code-cache');
    expect(codeCacheDir({ PORTIER_STATE_DIR: '/s', PORTIER_CODE_CACHE: '0' })).toBeUndefined();
  });
});
