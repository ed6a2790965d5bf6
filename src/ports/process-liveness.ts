import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat, readProcStat } from '../sockets/linux-process.js';

/** Identifies a process across pid reuse: the pid and, on Linux, its start time in clock ticks. */
export interface ProcessIdentity {
  pid: number;
  startTime?: number;
}

/** This process's identity per proc root: its start time never changes while it runs. */
const selfIdentity = new Map<string, ProcessIdentity>();

/** The identity of a live process, or undefined when it is gone. */
export function identifyProcess(pid: number, procRoot = '/proc'): ProcessIdentity | undefined {
  if (pid === process.pid) {
    // A pick asks about its own process for the lease it adds and again while pruning the
    // leases it already holds; its start time cannot change, so one read serves them all.
    const known = selfIdentity.get(procRoot);
    if (known) return known;
    const identity = readIdentity(pid, procRoot);
    // Only a full answer is kept: a failed read (EMFILE) must not drop the start time for good.
    if (identity?.startTime !== undefined) selfIdentity.set(procRoot, identity);
    return identity;
  }
  return readIdentity(pid, procRoot);
}

function readIdentity(pid: number, procRoot: string): ProcessIdentity | undefined {
  const stat = readProcStat(pid, procRoot);
  // A main thread that exited first is a zombie while its other threads still exit, and
  // those hold the process's files (its sockets) until the last is gone.
  if (stat) return exited(stat) ? undefined : { pid, startTime: stat.startTime };
  return isPidAlive(pid) ? { pid } : undefined;
}

function exited(stat: { state: string; threads: number }): boolean {
  return stat.state === 'Z' && !(stat.threads > 1);
}

/**
 * True once `pid` runs no code of its own any more: it is gone, a zombie, or every one of its
 * threads is in the kernel's exit path (PF_EXITING), where no signal reaches it and nothing
 * brings it back. Its files, sockets included, may stay open a little longer: the last thread
 * tears the memory down first, 2–5 ms for a Node server here. Without /proc it is
 * {@link isPidAlive}'s answer.
 */
export function hasStoppedRunning(pid: number, procRoot = '/proc'): boolean {
  const stat = readProcStat(pid, procRoot);
  if (!stat) return !isPidAlive(pid);
  if (exited(stat)) return true;
  // A zombie main thread is in the exit path too: then it is the others that decide.
  if (!stat.exiting) return false;
  return stat.threads <= 1 || allThreadsExiting(`${procRoot}/${pid}/task`);
}

function allThreadsExiting(taskDir: string): boolean {
  let tids: string[];
  try {
    tids = readdirSync(taskDir);
  } catch {
    return false; // the next look tells whether it is gone
  }
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`${taskDir}/${tid}/stat`, 'utf8');
    } catch (error) {
      // A thread gone since the listing has exited; any other failure (EMFILE) tells nothing.
      if (vanished(error)) continue;
      return false;
    }
    const stat = parseProcStat(text);
    if (!stat || (!stat.exiting && stat.state !== 'Z' && stat.state !== 'X')) return false;
  }
  // Only a thread that is not exiting can start one, so a thread started while these were
  // read (before its parent reached the exit path) is in a second listing.
  try {
    return readdirSync(taskDir).every((tid) => tids.includes(tid));
  } catch (error) {
    return vanished(error);
  }
}

/** Whether a failed /proc read says what it read is gone (the process, a thread, an fd). */
export function vanished(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** True while `pid` exists (signal 0). EPERM means it exists but belongs to someone else. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while the process recorded as `identity` still runs: same pid and, where known, the
 * same start time (so a reused pid does not keep a dead owner's lease alive).
 */
export function isSameProcessAlive(identity: ProcessIdentity, procRoot = '/proc'): boolean {
  const now = identifyProcess(identity.pid, procRoot);
  if (!now) return false;
  if (identity.startTime === undefined || now.startTime === undefined) return true;
  return now.startTime === identity.startTime;
}
