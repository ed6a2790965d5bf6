import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PortierError } from '../../errors.js';
import type { PostgresSettings } from '../config/types.js';
import {
  defaultSharedRoot,
  findPostgresBinaries,
  type PostgresBinaries,
} from './find-postgres-binaries.js';
import {
  DATABASE_HOST,
  databaseUrl,
  HBA_CONF,
  initdbArgs,
  nameProblem,
  parseLockHolder,
  parseSingleUserErrors,
  serverArgv,
  setupStatements,
  singleUserArgs,
} from './postgres-args.js';
import {
  createDataDir,
  inspectDataDir,
  resolveDataDir,
  writeServerFile,
} from './postgres-data-dir.js';
import { readOrCreatePassword } from './postgres-password.js';
import { formatProgramOutput, type RunProgram, runProgram } from './run-program.js';
import { SERVER_ENV, type ServerUser, serverUserFor } from './server-user.js';

/**
 * The built-in database service, `db: { postgres: {} }`: finds the binaries, makes the cluster on
 * first use, and returns the command the supervisor runs. The server itself is the supervisor's
 * child like any other service; this module only prepares.
 */

/** Options of {@link preparePostgres}. */
export interface PreparePostgresOptions {
  /** Private per-service state directory (`<state>/stacks/<id>/postgres/<service>`); made 0700. */
  dataRoot: string;
  /** TCP port the server listens on (127.0.0.1 and ::1). */
  port: number;
  settings: PostgresSettings;
  /** Delete the cluster first and start from an empty database. Default false. */
  fresh?: boolean;
  /** Our uid; as root (0) the server runs as `nobody`. Default `process.getuid()`. */
  uid?: number;
  /** Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Default `process.arch`. */
  arch?: string;
  /** Where `nobody`'s copies go as root (binaries, relocated cluster). Default `/var/tmp`. */
  sharedRoot?: string;
  /** Use these binaries instead of looking them up. */
  binaries?: PostgresBinaries;
  runProgram?: RunProgram;
}

/** A server ready to start: what to spawn and how clients reach it. */
export interface PreparedPostgres {
  /** Runs postgres in the foreground; argv[0] is the absolute path of the binary. */
  argv: string[];
  /** The server's complete environment (do not merge the caller's into it). */
  env: Record<string, string>;
  /** A directory the server user can enter, for the spawn's cwd: `/`. */
  cwd: string;
  /** Set when we are root: the server runs as nobody (65534). */
  uid?: number;
  gid?: number;
  /** DATABASE_URL: `postgres://<user>:<password>@127.0.0.1:<port>/<database>`. */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The cluster's directory (under `dataRoot`, or relocated where nobody can reach it). */
  dataDir: string;
  /** Server version, `18.4`. */
  version: string;
  /** True when this call ran initdb (first use, or `fresh`). */
  initialized: boolean;
  /** SIGINT is PostgreSQL's fast shutdown: abort transactions, checkpoint, exit. */
  stopSignal: 'SIGINT';
}

const FRESH_HINT = 'Run `portier up --fresh` to delete the data and start from an empty database.';

function validateNames(settings: PostgresSettings): void {
  for (const [field, name] of [
    ['user', settings.user],
    ['database', settings.database],
  ] as const) {
    const problem = nameProblem(name);
    if (problem)
      throw new PortierError(
        'POSTGRES_UNAVAILABLE',
        `The postgres ${field} "${name}" ${problem}.`,
        {
          hint: `Set postgres.${field} in portier.yaml to a plain name such as "app".`,
        },
      );
  }
}

/** Checks the existing cluster, or makes one; true when initdb ran. */
async function ensureCluster(
  dataDir: string,
  bin: PostgresBinaries,
  user: ServerUser | undefined,
  options: PreparePostgresOptions,
  run: RunProgram,
): Promise<boolean> {
  const state = inspectDataDir(dataDir);
  if (state.kind === 'damaged')
    throw new PortierError(
      'POSTGRES_UNAVAILABLE',
      `The PostgreSQL data directory ${dataDir} is incomplete or damaged: ${state.missing} is missing.`,
      { path: dataDir, hint: FRESH_HINT },
    );
  if (state.kind === 'cluster') {
    if (state.major === bin.major) return false;
    throw new PortierError(
      'POSTGRES_UNAVAILABLE',
      `The PostgreSQL data directory ${dataDir} was made by PostgreSQL ${state.major}; the installed server is ${bin.version} and cannot open it.`,
      {
        path: dataDir,
        hint: `${FRESH_HINT} To keep the data, dump it with PostgreSQL ${state.major} first.`,
      },
    );
  }
  createDataDir(dataDir, user);
  const result = await run(bin.initdb, initdbArgs(dataDir, options.settings.user), {
    ...user,
    env: SERVER_ENV,
  });
  if (result.status !== 0 || result.error)
    throw new PortierError(
      'POSTGRES_UNAVAILABLE',
      `initdb could not create the PostgreSQL cluster in ${dataDir}:\n${formatProgramOutput(result)}`,
      { path: dataDir, hint: `Check free space and permissions of ${dataDir}, then run again.` },
    );
  return true;
}

/** Makes the role (with the password) and the database, in single-user mode: no server needed. */
async function setUpRoleAndDatabase(
  dataDir: string,
  bin: PostgresBinaries,
  user: ServerUser | undefined,
  settings: PostgresSettings,
  password: string,
  run: RunProgram,
): Promise<void> {
  const result = await run(bin.postgres, singleUserArgs(dataDir), {
    ...user,
    env: SERVER_ENV,
    input: setupStatements(settings.user, settings.database, password),
    timeoutMs: 60_000,
  });
  const errors = parseSingleUserErrors(result.stderr);
  if (result.status === 0 && !result.error && errors.length === 0) return;
  // The statement text is logged with an error, and one of them holds the password.
  const output = formatProgramOutput(result).replaceAll(password, '********');
  const holder = parseLockHolder(result.stderr);
  if (holder !== undefined)
    throw new PortierError(
      'POSTGRES_UNAVAILABLE',
      `The PostgreSQL data directory ${dataDir} is in use by another server (pid ${holder}).`,
      {
        path: dataDir,
        pid: holder,
        hint: `Stop that server (is another \`portier up\` of this project running?), or kill ${holder}.`,
      },
    );
  throw new PortierError(
    'POSTGRES_UNAVAILABLE',
    `PostgreSQL could not set up user "${settings.user}" and database "${settings.database}" in ${dataDir}:\n${output}`,
    { path: dataDir, hint: FRESH_HINT },
  );
}

/**
 * Prepares a built-in PostgreSQL: finds the binaries, makes the cluster on first use (initdb),
 * writes pg_hba.conf (loopback TCP, SCRAM only), makes the user and database, and returns the
 * command to run it in the foreground and its DATABASE_URL. The password is made once and kept
 * in `dataRoot`, so the URL is the same on every run. A second run does no initdb and takes tens
 * of milliseconds. Throws `POSTGRES_UNAVAILABLE` when the binaries are missing, initdb fails, or
 * the data directory is damaged or from another major version.
 */
export async function preparePostgres(options: PreparePostgresOptions): Promise<PreparedPostgres> {
  const { settings, port } = options;
  validateNames(settings);
  const uid = options.uid ?? process.getuid?.();
  const user = serverUserFor(uid);
  const platform = options.platform ?? process.platform;
  const sharedRoot = options.sharedRoot ?? defaultSharedRoot(platform);
  const run = options.runProgram ?? runProgram;
  const bin =
    options.binaries ??
    (await findPostgresBinaries({ platform, arch: options.arch, uid, sharedRoot }));
  mkdirSync(options.dataRoot, { recursive: true, mode: 0o711 });
  const password = readOrCreatePassword(join(options.dataRoot, 'password'));
  const dataDir = resolveDataDir(options.dataRoot, user, sharedRoot, uid ?? -1);
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  const initialized = await ensureCluster(dataDir, bin, user, options, run);
  // Rewritten every time: initdb's file says trust, and a start must never run with it.
  writeServerFile(join(dataDir, 'pg_hba.conf'), HBA_CONF, user);
  await setUpRoleAndDatabase(dataDir, bin, user, settings, password, run);
  return {
    argv: serverArgv(bin.postgres, dataDir, port, settings.settings),
    env: { ...SERVER_ENV },
    cwd: '/',
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
    url: databaseUrl(settings.user, password, port, settings.database),
    host: DATABASE_HOST,
    port,
    user: settings.user,
    password,
    database: settings.database,
    dataDir,
    version: bin.version,
    initialized,
    stopSignal: 'SIGINT',
  };
}
