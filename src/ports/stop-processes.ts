import { readdirSync, readlinkSync } from 'node:fs';
import { PortierError } from '../errors.js';
import type { SocketFds } from '../sockets/linux-fd-scan.js';
import { readProcStat } from '../sockets/linux-process.js';
import { withoutStackTraces } from '../state/read-optional.js';
import { hasStoppedRunning, identifyProcess, vanished } from './process-liveness.js';

/** Grace period between the stop signal and SIGKILL, in ms. */
export const DEFAULT_KILL_TIMEOUT_MS = 5_000;
/** How long to wait for SIGKILL to take effect before reporting survivors, in ms. */
const SIGKILL_WAIT_MS = 2_000;
/**
 * For this long after a signal, in ms, the wait checks every {@link FINE_POLL_STEP_MS},
 * blocking: a cooperative server closes its socket within about half a ms of SIGTERM and
 * exits ~2 ms later, and a timer cannot wake sooner than 1 ms. Bounded in time, so a library
 * caller's event loop is held no longer than a scan would hold it.
 */
const FINE_POLL_MS = 5;
const FINE_POLL_STEP_MS = 0.1;
/** Then every ms until this long after the signal, in ms, then less often (up to 50 ms). */
const FAST_POLL_MS = 50;

/** Progress of a kill, for a live display. */
export type KillEvent =
  | { type: 'signal'; pid: number; signal: NodeJS.Signals }
  /**
   * The process exited; or, once the port was free, entered the kernel's exit path (every
   * thread), which no signal can turn back, with no other socket open.
   */
  | { type: 'exited'; pid: number }
  /** The table shows the port free; these pids closed their sockets and are still exiting. */
  | { type: 'released'; pids: number[] }
  | { type: 'escalate'; pids: number[] };

/** How {@link stopAll} signals and what it reports. */
export interface StopOptions {
  /** First signal. Default `SIGTERM`. */
  signal?: NodeJS.Signals;
  /** Wait this long before SIGKILL, in ms. Default {@link DEFAULT_KILL_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Sends a signal; default `process.kill`. */
  sendSignal?: (pid: number, signal: NodeJS.Signals) => void;
  onEvent?: (event: KillEvent) => void;
}

/** What {@link stopAll} saw. */
export interface StopOutcome {
  /** Pids that needed SIGKILL. */
  escalated: number[];
  /** Set when the table, read once every process had let go of the port, did not list it. */
  listed?: false;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * True once `pid` holds none of the sockets `socketFds` recorded for it: each fd is closed or
 * names another file now (the process closed its copy, or exited). False when none are
 * recorded, when a link cannot be read for another reason than its absence, and while the
 * main thread is a zombie: its fd table reads empty then, though the threads still exiting
 * hold the files until the last one is gone.
 */
export function releasedSockets(pid: number, socketFds: SocketFds, procRoot = '/proc'): boolean {
  const fds = socketFds.get(pid);
  if (!fds || fds.size === 0) return false;
  // A closed fd is the expected answer: no stack trace for it.
  return withoutStackTraces(() => {
    for (const [fd, inode] of fds) {
      let link: string;
      try {
        link = readlinkSync(`${procRoot}/${pid}/fd/${fd}`);
      } catch (error) {
        if (vanished(error)) continue;
        return false;
      }
      if (link === `socket:[${inode}]`) return false;
    }
    return readProcStat(pid, procRoot)?.state !== 'Z';
  });
}

/**
 * Whether `pid` has a socket open above the standard descriptors: a connection it served (an
 * HMR socket), an IPC channel, a database client. The standard descriptors are left out, as a
 * child's stdio is often a socket pair. The threads of a process share one fd table, so the
 * first thread with a non-empty table is read (a zombie main thread's reads empty). A table
 * that cannot be read counts as keeping some.
 */
export function keepsSockets(pid: number, procRoot = '/proc'): boolean {
  const taskDir = `${procRoot}/${pid}/task`;
  // Closed fds and exited threads are expected answers: no stack trace for them.
  return withoutStackTraces(() => socketsAboveStdio(taskDir));
}

function socketsAboveStdio(taskDir: string): boolean {
  let tids: string[];
  try {
    tids = readdirSync(taskDir);
  } catch (error) {
    return !vanished(error);
  }
  for (const tid of tids) {
    const fdDir = `${taskDir}/${tid}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(fdDir);
    } catch (error) {
      if (vanished(error)) continue;
      return true;
    }
    // The first table with fds is the process's: its threads share it.
    if (fds.length > 0) return fds.some((fd) => Number(fd) > 2 && isSocketLink(`${fdDir}/${fd}`));
  }
  return false;
}

/** Whether an fd links to a socket; one that cannot be read counts as one, unless it is gone. */
function isSocketLink(path: string): boolean {
  try {
    return readlinkSync(path).startsWith('socket:[');
  } catch (error) {
    return !vanished(error);
  }
}

/**
 * When a process that let go of the port counts as stopped: once every thread of it is in the
 * kernel's exit path, if it had no other socket open when it let go nor when it got there.
 * One that had (a connection it served) is waited for until it exits: the kernel closes its
 * files at the very end, and only then is the TIME_WAIT they leave there to see.
 */
function stoppedAfterRelease(pids: readonly number[], procRoot: string): (pid: number) => boolean {
  const exited = exitedProcess(procRoot);
  const keeping = new Set(pids.filter((pid) => keepsSockets(pid, procRoot)));
  const looked = new Set<number>();
  return (pid) => {
    if (keeping.has(pid)) return exited(pid);
    if (!hasStoppedRunning(pid, procRoot)) return false;
    // Looked at once more in the exit path, for a socket opened since; a second look could
    // read the table empty while its files are still being closed.
    if (!looked.has(pid)) {
      looked.add(pid);
      if (keepsSockets(pid, procRoot)) {
        keeping.add(pid);
        return exited(pid);
      }
    }
    return true;
  };
}

/** What {@link waitForStop} waits for. */
interface StopWait {
  /** Whether a process counts as gone; default: it exited (a zombie counts as gone). */
  gone?: (pid: number) => boolean;
  /** Whether a process still running has let go of the port. */
  released?: (pid: number) => boolean;
}

/** A process that exited: a zombie counts; a zombie main thread with threads exiting does not. */
const exitedProcess = (procRoot: string) => (pid: number) =>
  identifyProcess(pid, procRoot) === undefined;

/**
 * Waits until every one of `pids` is `gone`, or until every one still running has `released`
 * the port, or until `deadline` (epoch ms). Returns those still running and whether the wait
 * ended on their release.
 */
async function waitForStop(
  pids: readonly number[],
  deadline: number,
  procRoot: string,
  onExit: (pid: number) => void,
  { gone = exitedProcess(procRoot), released }: StopWait = {},
): Promise<{ running: number[]; releasedAll: boolean }> {
  const started = Date.now();
  let running = [...pids];
  let delayMs = 1;
  for (;;) {
    running = running.filter((pid) => {
      if (!gone(pid)) return true;
      onExit(pid);
      return false;
    });
    if (running.length === 0) return { running, releasedAll: false };
    if (released && running.every(released)) return { running, releasedAll: true };
    const now = Date.now();
    if (now >= deadline) return { running, releasedAll: false };
    if (now - started < FINE_POLL_MS) {
      Atomics.wait(pause, 0, 0, FINE_POLL_STEP_MS);
      continue;
    }
    await sleep(Math.min(delayMs, Math.max(1, deadline - now)));
    // Every ms while a cooperative process is likely exiting (one stat read each), then less
    // often for one that takes its time.
    if (now - started >= FAST_POLL_MS) delayMs = Math.min(delayMs * 2, 50);
  }
}

/**
 * Sends `signal` to each pid. ESRCH (gone already) is skipped; EPERM is
 * `KILL_PERMISSION_DENIED`, naming `port`.
 */
export function signalAll(
  targets: readonly number[],
  signal: NodeJS.Signals,
  options: StopOptions,
  port: number,
): void {
  const send = options.sendSignal ?? ((pid: number, sig: NodeJS.Signals) => process.kill(pid, sig));
  for (const pid of targets) {
    try {
      send(pid, signal);
      options.onEvent?.({ type: 'signal', pid, signal });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') continue; // already gone: that is the goal
      if (code === 'EPERM') {
        throw new PortierError(
          'KILL_PERMISSION_DENIED',
          `Not allowed to signal pid ${pid} holding port ${port}: it belongs to another user.`,
          {
            pid,
            port,
            hint: `Run \`sudo portier kill ${port}\`, or ask the process owner to stop it.`,
          },
        );
      }
      throw error;
    }
  }
}

/** Where {@link stopAll} looks to see the port let go of before its holders are gone. */
export interface ReleaseWatch {
  /** The holders' fds of the port's sockets, as the search found them. */
  socketFds: SocketFds;
  /** Whether the socket table still lists the port (read once every process let go). */
  stillListed: () => boolean;
}

/**
 * Sends the signal to `pids`, waits for them to exit, sends SIGKILL to those still running
 * after the timeout and waits for them too: a server that closed its listener but keeps
 * serving its open connections (a dev server's HMR socket) is stopped all the same. With
 * `watch`, the table is read as soon as every process still running has closed its copy of
 * the port's sockets, while they finish exiting, instead of after; a `released` event tells.
 * When the table shows the port free, one with no other socket open is then waited for until
 * every thread of it is in the kernel's exit path, not until the kernel has freed its memory
 * (2–5 ms more for a Node server): it can serve nothing then.
 */
export async function stopAll(
  pids: readonly number[],
  options: StopOptions,
  port: number,
  procRoot: string,
  watch?: ReleaseWatch,
): Promise<StopOutcome> {
  const onExit = (pid: number) => options.onEvent?.({ type: 'exited', pid });
  signalAll(pids, options.signal ?? 'SIGTERM', options, port);
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS);
  const released = watch && ((pid: number) => releasedSockets(pid, watch.socketFds, procRoot));
  let { running, releasedAll } = await waitForStop(pids, deadline, procRoot, onExit, {
    released,
  });
  let listed: false | undefined;
  if (releasedAll) {
    // Their other sockets are looked at first, while they still run.
    const afterRelease = stoppedAfterRelease(running, procRoot);
    if (!watch!.stillListed()) {
      listed = false;
      options.onEvent?.({ type: 'released', pids: running });
    }
    // With the port free, what is left of a holder's exit may be only the kernel freeing its
    // memory: see stoppedAfterRelease.
    const gone = listed === false ? afterRelease : undefined;
    ({ running } = await waitForStop(running, deadline, procRoot, onExit, { gone }));
  }
  if (running.length > 0) {
    options.onEvent?.({ type: 'escalate', pids: running });
    signalAll(running, 'SIGKILL', options, port);
    await waitForStop(running, Date.now() + SIGKILL_WAIT_MS, procRoot, onExit);
  }
  return { escalated: running, listed };
}
