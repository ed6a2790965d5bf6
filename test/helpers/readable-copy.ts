import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A world-readable copy of the built CLI and the fixtures, for processes run as other users
 * (setpriv): the checkout itself may sit under a directory only root can enter, as in CI.
 * One copy per build (keyed by the bundle's mtime), shared by every test worker; test workers
 * do not run exit hooks, so a per-worker copy would be left behind.
 */
export function readableCopy(): string {
  const cli = join(root, 'dist/cli.cjs');
  const dir = join(tmpdir(), `portier-readable-${Math.trunc(statSync(cli).mtimeMs)}`);
  try {
    statSync(join(dir, 'bin/portier.cjs'));
    // Mark it used: removeOldCopies goes by this time, and a run may still be using it.
    utimesSync(dir, new Date(), new Date());
    return dir;
  } catch {
    // not made yet for this build
  }
  const staging = mkdtempSync(join(tmpdir(), 'portier-readable-staging-'));
  for (const sub of ['bin', 'dist', 'test/fixtures'])
    mkdirSync(join(staging, sub), { recursive: true });
  cpSync(join(root, 'package.json'), join(staging, 'package.json'));
  cpSync(join(root, 'bin/portier.cjs'), join(staging, 'bin/portier.cjs'));
  // The CLI bundle and its per-command bundles; the library (ESM) is not needed to run it.
  cpSync(join(root, 'dist'), join(staging, 'dist'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map') && !src.endsWith('.d.ts'),
  });
  for (const name of readdirSync(join(root, 'test/fixtures'))) {
    if (name.endsWith('.mjs'))
      cpSync(join(root, 'test/fixtures', name), join(staging, 'test/fixtures', name));
  }
  for (const sub of ['', 'bin', 'dist', 'test', 'test/fixtures'])
    chmodSync(join(staging, sub), 0o755);
  try {
    renameSync(staging, dir); // atomic: a parallel worker either wins or finds it made
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  removeOldCopies(dir);
  return dir;
}

/** Copies of earlier builds unused this long are removed, ms: each use marks its copy's mtime. */
const OLD_COPY_MS = 30 * 60_000;

/** Removes the copies earlier builds left in the temp directory, so they do not pile up. */
function removeOldCopies(current: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!/^portier-readable-\d+$/.test(name)) continue;
    const path = join(tmpdir(), name);
    if (path === current) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > OLD_COPY_MS)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // another worker removed it first
    }
  }
}
