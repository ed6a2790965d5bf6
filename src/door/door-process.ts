import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { PortierError } from '../errors.js';
import { isSameProcessAlive } from '../ports/process-liveness.js';
import { connectAttempt } from '../probes/connect.js';
import { whoHolds } from '../sockets/who-holds.js';
import { withFileLock } from '../state/file-lock.js';
import { readTextIfPresent } from '../state/read-optional.js';
import {
  type DoorRecord,
  doorRecordPath,
  readDoorRecord,
  removeDoorRecord,
} from './door-record.js';
import { DOOR_PORT } from './types.js';

/**
 * The shared door's life: one door process per state directory, started on demand as a
 * detached `node <cli> door serve`, found again through `door.json`, stopped by signal.
 */

/** How long {@link ensureDoor} waits for a started door to answer, in ms. */
export const DOOR_START_TIMEOUT_MS = 8_000;
/** How long {@link stopDoor} waits after SIGTERM before SIGKILL, in ms. */
export const DOOR_STOP_TIMEOUT_MS = 5_000;
/** The door's own output (start-up failures), in the state directory. */
export const DOOR_LOG_FILE = 'door.log';
/** A connect to the door's port that takes longer than this counts as no answer, in ms. */
const ANSWER_TIMEOUT_MS = 1_000;
/** How long a port may keep answering after its holder ended, in ms. */
const PORT_RELEASE_GRACE_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of {@link ensureDoor}. */
export interface EnsureDoorOptions {
  /** The portier CLI script to run as the door (`bin/portier.cjs`); the library reads no argv. */
  cliPath: string;
  /** The door's port on 127.0.0.1 and ::1. Default {@link DOOR_PORT}. */
  port?: number;
  /** The Node binary. Default `process.execPath`. */
  execPath?: string;
  /** Default {@link DOOR_START_TIMEOUT_MS}. */
  timeoutMs?: number;
  procRoot?: string;
}

/** What {@link ensureDoor} found or did. A live door keeps its port even if another was asked. */
export interface EnsureDoorResult {
  /** True when this call started the door. */
  started: boolean;
  record: DoorRecord;
}

/** The door's state, for `portier door status`. */
export type DoorStatus =
  /** A door process runs; `answering` tells whether its port accepts connections. */
  | ({ running: true; answering: boolean } & DoorRecord)
  /** No door runs for this state directory. */
  | { running: false };

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export async function answersOn(port: number, timeoutMs = ANSWER_TIMEOUT_MS): Promise<boolean> {
  const { attempt, socket } = await connectAttempt('127.0.0.1', 'ipv4', port, timeoutMs);
  socket?.destroy();
  return attempt.outcome === 'connected';
}

/**
 * True when `port` keeps answering for {@link PORT_RELEASE_GRACE_MS}: a door that just died
 * is gone from the process table a few ms before the kernel closes its listening socket.
 */
async function stillAnswering(port: number): Promise<boolean> {
  const deadline = Date.now() + PORT_RELEASE_GRACE_MS;
  while (await answersOn(port)) {
    if (Date.now() >= deadline) return true;
    await sleep(25);
  }
  return false;
}

/** `PORT_IN_USE` naming who holds the door's port. */
async function portTakenError(port: number, procRoot: string | undefined): Promise<PortierError> {
  const holders = await whoHolds(port, procRoot ? { procRoot } : {}).catch(() => undefined);
  const processes = holders?.listeners.flatMap((l) => l.processes) ?? [];
  const who =
    processes
      .map((p) => `${p.name ?? '?'} (pid ${p.pid}${p.command ? `, \`${p.command}\`` : ''})`)
      .join(', ') || 'a process this user cannot see';
  const otherDoor = processes.some((p) => p.command?.includes('door serve'));
  return new PortierError(
    'PORT_IN_USE',
    `Port ${port} on 127.0.0.1 is held by ${who}, so the front door cannot start.`,
    {
      port,
      ...(processes[0] ? { pid: processes[0].pid } : {}),
      hint: otherDoor
        ? 'That is the door of another state directory: use the same PORTIER_STATE_DIR, or stop it.'
        : `Stop it with \`portier kill ${port}\`, or set PORTIER_DOOR_PORT to another port.`,
    },
  );
}

function logTail(path: string, lines = 15): string {
  return (readTextIfPresent(path) ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Starts `door serve` detached, its output appended to `door.log`; resolves once it answers. */
async function startDoorProcess(
  stateDir: string,
  port: number,
  options: EnsureDoorOptions,
): Promise<DoorRecord> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const logPath = join(stateDir, DOOR_LOG_FILE);
  const out = openSync(logPath, 'a', 0o600);
  const args = [options.cliPath, 'door', 'serve', '--port', String(port), '--state-dir', stateDir];
  const child = spawn(options.execPath ?? process.execPath, args, {
    stdio: ['ignore', out, out],
    // Its own session: the terminal's Ctrl-C and the caller's exit do not reach it.
    detached: true,
  });
  closeSync(out);
  let exit: number | string | undefined;
  child.once('exit', (code, signal) => {
    exit = code ?? signal ?? 'unknown';
  });
  child.once('error', (error) => {
    exit = error.message;
  });
  child.unref();
  const deadline = Date.now() + (options.timeoutMs ?? DOOR_START_TIMEOUT_MS);
  while (Date.now() < deadline) {
    const record = readDoorRecord(stateDir, options.procRoot);
    if (record && record.pid === child.pid && (await answersOn(port))) return record;
    if (exit !== undefined) {
      if (await stillAnswering(port)) throw await portTakenError(port, options.procRoot);
      throw new PortierError(
        'SERVE_BIND_FAILED',
        `The front door did not start (exit ${exit}):\n${logTail(logPath)}`,
        { port, path: logPath },
      );
    }
    await sleep(25);
  }
  if (child.pid) process.kill(child.pid, 'SIGKILL');
  throw new PortierError(
    'SERVE_BIND_FAILED',
    `The front door did not answer on 127.0.0.1:${port} within ${options.timeoutMs ?? DOOR_START_TIMEOUT_MS} ms:\n${logTail(logPath)}`,
    { port, path: logPath },
  );
}

/**
 * The running door of `stateDir`, started first when there is none. Callers in any number of
 * processes may race: a lock makes one of them start it and the others find it. When no door
 * runs but something else holds the port, throws `PORT_IN_USE` naming the holder; when the
 * door fails to start, `SERVE_BIND_FAILED` with the end of `door.log`.
 */
export async function ensureDoor(
  stateDir: string,
  options: EnsureDoorOptions,
): Promise<EnsureDoorResult> {
  const port = options.port ?? DOOR_PORT;
  const running = readDoorRecord(stateDir, options.procRoot);
  if (running) return { started: false, record: running };
  const lockTimeoutMs = (options.timeoutMs ?? DOOR_START_TIMEOUT_MS) + 2_000;
  return withFileLock(
    `${doorRecordPath(stateDir)}.lock`,
    async () => {
      const record = readDoorRecord(stateDir, options.procRoot);
      if (record) return { started: false, record };
      if (await stillAnswering(port)) throw await portTakenError(port, options.procRoot);
      return { started: true, record: await startDoorProcess(stateDir, port, options) };
    },
    { timeoutMs: lockTimeoutMs },
  );
}

/** Options of {@link stopDoor} and {@link doorStatus}. */
export interface DoorControlOptions {
  /** Default {@link DOOR_STOP_TIMEOUT_MS}. */
  timeoutMs?: number;
  procRoot?: string;
}

/**
 * Stops the door of `stateDir`: SIGTERM (it finishes in-flight requests), then SIGKILL after
 * the timeout. Resolves with the pid it stopped, or `undefined` when none ran.
 */
export async function stopDoor(
  stateDir: string,
  options: DoorControlOptions = {},
): Promise<{ pid: number; forced: boolean } | undefined> {
  const record = readDoorRecord(stateDir, options.procRoot);
  if (!record) return undefined;
  const alive = () => isSameProcessAlive(record, options.procRoot);
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(record.pid, name);
    } catch {
      // Ended meanwhile.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + (options.timeoutMs ?? DOOR_STOP_TIMEOUT_MS);
  while (alive() && Date.now() < deadline) await sleep(20);
  const forced = alive();
  if (forced) {
    signal('SIGKILL');
    // Bounded: where zombies count as alive (no /proc), an unreaped door would never end.
    const killDeadline = Date.now() + 2_000;
    while (alive() && Date.now() < killDeadline) await sleep(10);
  }
  removeDoorRecord(stateDir, record.pid);
  return { pid: record.pid, forced };
}

/** Whether the door of `stateDir` runs, with its record and whether its port answers. */
export async function doorStatus(
  stateDir: string,
  options: DoorControlOptions = {},
): Promise<DoorStatus> {
  const record = readDoorRecord(stateDir, options.procRoot);
  if (!record) return { running: false };
  return { running: true, answering: await answersOn(record.port), ...record };
}
