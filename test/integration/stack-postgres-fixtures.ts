import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortierError } from '../../src/errors.js';
import {
  findPostgresBinaries,
  type PostgresBinaries,
} from '../../src/stack/builtins/find-postgres-binaries.js';
import type { PreparedPostgres } from '../../src/stack/builtins/postgres.js';

/**
 * Shared by the built-in PostgreSQL tests: temp directories the way the supervisor lays them out,
 * and running a prepared server the way the supervisor will (argv, env, uid/gid, SIGINT).
 */

/** Wait for a fast shutdown before SIGKILL, in ms. */
const STOP_TIMEOUT_MS = 10_000;
/** Longest wait for "ready to accept connections", in ms. */
const START_TIMEOUT_MS = 30_000;

/** The binaries, or why the tests cannot run here (printed as the skip reason). */
export async function binariesOrSkipReason(): Promise<PostgresBinaries | string> {
  try {
    return await findPostgresBinaries();
  } catch (error) {
    if (!isPortierError(error, 'POSTGRES_UNAVAILABLE')) throw error;
    return `${error.message} ${error.hint ?? ''}`;
  }
}

/**
 * A temp directory removed by `cleanup`. `open`: mode 0755, so `nobody` can reach what is inside
 * (mkdtemp makes 0700, which as root forces the cluster to move to the shared root).
 */
export function makeTempDir(prefix: string, cleanups: (() => unknown)[], open = false): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (open) chmodSync(dir, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A server started from a {@link PreparedPostgres}. */
export interface RunningPostgres {
  child: ChildProcess;
  /** Everything it wrote to stderr (its log). */
  log(): string;
  /** SIGINT (fast shutdown), SIGKILL after {@link STOP_TIMEOUT_MS}; resolves once it exited. */
  stop(): Promise<void>;
}

/** Stops `child` by pid: `signal`, then SIGKILL after a bound. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Spawns the prepared server and resolves once its log says it accepts connections. */
export async function startPrepared(prepared: PreparedPostgres): Promise<RunningPostgres> {
  const [file, ...args] = prepared.argv;
  const child = spawn(file!, args, {
    env: prepared.env,
    cwd: prepared.cwd,
    uid: prepared.uid,
    gid: prepared.gid,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const running: RunningPostgres = {
    child,
    log: () => stderr,
    async stop() {
      process.off('exit', kill);
      await stopChild(child, prepared.stopSignal);
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`not ready in time:\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    const onExit = (code: number | null) =>
      finish(new Error(`postgres exited (${code}):\n${stderr}`));
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.off('exit', onExit);
      if (error) running.stop().then(() => reject(error), reject);
      else resolve();
    };
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('ready to accept connections')) finish();
    });
    child.once('exit', onExit);
  });
  return running;
}
