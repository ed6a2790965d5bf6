import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** What a service process ended with. */
export interface ProcessExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How to start one service process. */
export interface ProcessSpec {
  /** argv[0] is the program (looked up on PATH); a shell command is `['/bin/sh', '-c', s]`. */
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Run as this uid/gid (the built-in PostgreSQL runs as `nobody` when we are root). */
  uid?: number;
  gid?: number;
}

/** A running process group: the service's process and everything it started. */
export interface ProcessGroup {
  /** Pid of the leader; the group id is the same number. */
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the leader exits (its group may outlive it). */
  readonly exited: Promise<ProcessExit>;
  /** Sends `signal` to the whole group; false when no member is left. */
  signal(signal: NodeJS.Signals | 0): boolean;
  /** True while any process of the group exists. */
  alive(): boolean;
}

/** Injected process functions, for tests. */
export interface ProcessDeps {
  spawnFn?: typeof spawn;
  killFn?: (pid: number, signal: NodeJS.Signals | 0) => void;
  /** Linux /proc, to tell live members from zombies. Default `/proc`; none off Linux. */
  procRoot?: string | undefined;
}

/**
 * True when a process of group `pgid` exists that is not a zombie. kill(-pgid, 0) alone
 * counts zombies, and a grandchild whose parent died is reparented to pid 1 and stays a
 * zombie until pid 1 reaps it, which in containers whose init is not a real init can take
 * seconds: a stop would wait on processes that are already dead.
 */
export function groupHasLiveMembers(pgid: number, procRoot: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`${procRoot}/${entry}/stat`, 'latin1');
    } catch {
      continue;
    }
    // Fields after the command name, which may hold spaces and parentheses: state ppid pgrp.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3);
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/**
 * Spawns a service as the leader of a new process group (and session), stdin closed, stdout
 * and stderr piped. Its own group lets a stop reach grandchildren (`npm run dev` → sh → node)
 * and keeps the terminal's Ctrl-C away from it: the supervisor decides the stop order.
 * Throws the spawn error (ENOENT for a missing program, a missing cwd) synchronously-ish: the
 * returned promise rejects before any output is read.
 */
export async function spawnProcessGroup(
  spec: ProcessSpec,
  deps: ProcessDeps = {},
): Promise<ProcessGroup> {
  const [file, ...args] = spec.argv;
  if (!file) throw new Error('empty argv');
  const child = (deps.spawnFn ?? spawn)(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    ...(spec.uid === undefined ? {} : { uid: spec.uid }),
    ...(spec.gid === undefined ? {} : { gid: spec.gid }),
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid as number;
  const kill = deps.killFn ?? ((p, s) => process.kill(p, s));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const signal = (sig: NodeJS.Signals | 0): boolean => {
    try {
      kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  const procRoot =
    'procRoot' in deps ? deps.procRoot : process.platform === 'linux' ? '/proc' : undefined;
  const alive = () => signal(0) && (procRoot === undefined || groupHasLiveMembers(pid, procRoot));
  return { pid, child, exited, signal, alive };
}

/** Options of {@link stopProcessGroup}. */
export interface StopGroupOptions {
  signal: NodeJS.Signals;
  /** Wait this long for the group to end before SIGKILL, ms. */
  timeoutMs: number;
  /** How often to look whether the group is gone, ms. Default 25. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** How a stop went. */
export interface StopOutcome {
  /** SIGKILL was needed after the timeout. */
  killed: boolean;
  /** ms from the stop signal until the group was gone. */
  elapsedMs: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends `signal` once to the whole group, waits up to `timeoutMs` for every member to exit,
 * then SIGKILLs the group. Resolves when the group is gone.
 */
export async function stopProcessGroup(
  group: ProcessGroup,
  options: StopGroupOptions,
): Promise<StopOutcome> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const pollMs = options.pollMs ?? 25;
  if (!group.signal(options.signal)) return { killed: false, elapsedMs: 0 };
  while (now() - started < options.timeoutMs) {
    await sleep(pollMs);
    if (!group.alive()) return { killed: false, elapsedMs: now() - started };
  }
  group.signal('SIGKILL');
  // SIGKILL cannot be caught; wait for the leader to be reaped so nothing lingers as a zombie.
  while (group.alive() && now() - started < options.timeoutMs + 5_000) await sleep(pollMs);
  return { killed: true, elapsedMs: now() - started };
}
