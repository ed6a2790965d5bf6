import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { PortierError } from '../../errors.js';

/**
 * A world-readable copy of the PostgreSQL binaries' `native/` tree (bin, lib, share; 61 MB for
 * linux-x64), for running them as `nobody` when `nobody` cannot enter where npm installed them
 * (a checkout under /root, as in CI). One copy per package version and copying uid, kept so later
 * runs reuse it.
 */

/** Name of the copy of `version` made by `uid`, under the shared root. */
export function nativeCopyName(version: string, uid: number): string {
  return `portier-postgres-bin-${version.replace(/[^A-Za-z0-9.-]/g, '_')}-${uid}`;
}

/**
 * Throws unless `dir` is a real directory owned by `uid` that nobody else may write: the copy
 * sits in a shared, world-writable directory (/var/tmp), where another user could plant one.
 */
export function validateOwnedDir(dir: string, uid: number): void {
  const stat = lstatSync(dir);
  const problem = !stat.isDirectory()
    ? 'is not a directory'
    : stat.uid !== uid
      ? `belongs to uid ${stat.uid}, not ${uid}`
      : (stat.mode & 0o022) !== 0
        ? `is writable by others (mode ${(stat.mode & 0o777).toString(8)})`
        : undefined;
  if (problem === undefined) return;
  throw new PortierError('POSTGRES_UNAVAILABLE', `Refusing to use ${dir}: it ${problem}.`, {
    path: dir,
    hint: `Remove it (rm -rf ${dir}) and run again; portier recreates it.`,
  });
}

/** Opens a tree for reading by anyone: directories 0755, files +r, executables +x. */
function openForAll(path: string): void {
  chmodSync(path, 0o755);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) openForAll(child);
    else if (entry.isFile()) {
      const mode = lstatSync(child).mode & 0o777;
      chmodSync(child, mode | 0o444 | ((mode & 0o100) !== 0 ? 0o111 : 0));
    }
  }
}

/**
 * The directory holding a world-readable copy of `nativeDir` under `sharedRoot`, made if missing.
 * Concurrent callers (two test workers, two stacks) each copy to a staging directory and rename
 * it into place; the first rename wins and the others drop their copy.
 */
export function readableNativeCopy(
  nativeDir: string,
  version: string,
  sharedRoot: string,
  uid: number,
): string {
  const dir = join(sharedRoot, nativeCopyName(version, uid));
  try {
    validateOwnedDir(dir, uid);
    return join(dir, 'native');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    mkdirSync(sharedRoot, { recursive: true, mode: 0o755 });
    const staging = mkdtempSync(`${dir}.tmp-`);
    try {
      cpSync(nativeDir, join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
      openForAll(staging);
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Lost the race: another process renamed its copy into place first.
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? ''))
        throw error;
    }
  } catch (error) {
    throw new PortierError(
      'POSTGRES_UNAVAILABLE',
      `Could not copy the PostgreSQL binaries to ${dir} for the server user (nobody): ${(error as Error).message}`,
      { path: dir, cause: error, hint: `Check that ${sharedRoot} exists and root can write it.` },
    );
  }
  validateOwnedDir(dir, uid);
  return join(dir, 'native');
}
