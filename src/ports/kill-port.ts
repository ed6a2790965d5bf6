import { PortierError } from '../errors.js';
import { validatePort } from '../net/port-number.js';
import { readProcessInfo } from '../sockets/linux-process.js';
import type { ListListenersOptions } from '../sockets/list-listeners.js';
import type { ProcessInfo } from '../sockets/model.js';
import { type PortHolders, whoHolds } from '../sockets/who-holds.js';
import { type KillPlan, type KillRefusal, type KillTarget, planKill } from './kill-plan.js';
import { waitForRelease } from './port-release.js';
import { identifyProcess } from './process-liveness.js';
import { readParentMap } from './process-tree.js';

/** Grace period between the stop signal and SIGKILL, in ms. */
export const DEFAULT_KILL_TIMEOUT_MS = 5_000;
/** How long to wait for SIGKILL to take effect before reporting survivors, in ms. */
const SIGKILL_WAIT_MS = 2_000;

/** Progress of a kill, for a live display. */
export type KillEvent =
  | { type: 'signal'; pid: number; signal: NodeJS.Signals }
  | { type: 'exited'; pid: number }
  | { type: 'escalate'; pids: number[] };

/** Options of {@link killPort}; all optional. */
export interface KillPortOptions extends Omit<ListListenersOptions, 'port'> {
  /** First signal. Default `SIGTERM`. */
  signal?: NodeJS.Signals;
  /** Wait this long for exit before SIGKILL, in ms. Default {@link DEFAULT_KILL_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Decide and report, send nothing. */
  dryRun?: boolean;
  /** Also signal the holders' descendants. Default `true`. */
  tree?: boolean;
  /** Treated as "this process" for the refusal rules. Default `process.pid`. */
  selfPid?: number;
  /** Sends a signal; default `process.kill`. */
  sendSignal?: (pid: number, signal: NodeJS.Signals) => void;
  onEvent?: (event: KillEvent) => void;
}

/** What {@link killPort} did. */
export interface KillResult {
  port: number;
  dryRun: boolean;
  /** Processes signalled (or that would be, with `dryRun`). */
  targets: KillTarget[];
  refusals: KillRefusal[];
  /** Pids that needed SIGKILL after the timeout. */
  escalated: number[];
  /** True when no listener holds the port afterwards. */
  freed: boolean;
  /** What holds the port afterwards (TIME_WAIT may remain; harmless for SO_REUSEADDR servers). */
  after: PortHolders;
  /** What held it before. */
  before: PortHolders;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until none of `pids` runs (zombies count as gone) or `timeoutMs` passes; returns survivors. */
async function waitForExit(
  pids: number[],
  timeoutMs: number,
  procRoot: string,
  onExit: (pid: number) => void,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids;
  let delayMs = 1;
  for (;;) {
    alive = alive.filter((pid) => {
      const running = identifyProcess(pid, procRoot) !== undefined;
      if (!running) onExit(pid);
      return running;
    });
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await sleep(Math.min(delayMs, Math.max(1, deadline - Date.now())));
    delayMs = Math.min(delayMs * 2, 50);
  }
}

function signalAll(
  targets: readonly number[],
  signal: NodeJS.Signals,
  options: KillPortOptions,
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

function planFor(before: PortHolders, options: KillPortOptions, procRoot: string): KillPlan {
  const holders = new Map<number, ProcessInfo>();
  for (const listener of before.listeners)
    for (const p of listener.processes) holders.set(p.pid, p);
  for (const connection of before.connections) {
    for (const pid of connection.pids)
      if (!holders.has(pid)) holders.set(pid, readProcessInfo(pid, { procRoot }));
  }
  const platform = options.platform ?? process.platform;
  return planKill({
    holders: [...holders.values()],
    parents: platform === 'linux' ? readParentMap(procRoot) : new Map(),
    selfPid: options.selfPid ?? process.pid,
    tree: options.tree,
    describe: (pid) => readProcessInfo(pid, { procRoot, passwdPath: options.passwdPath }),
  });
}

/**
 * Frees `port`: sends the signal (SIGTERM) to every process sharing the socket and their
 * process trees, waits up to the timeout, sends SIGKILL to survivors, then checks the port.
 * Refuses pid 0/1, itself, its ancestors and port forwarders (`KILL_REFUSED`); a hidden owner
 * is `OWNER_NOT_VISIBLE`; another user's process is `KILL_PERMISSION_DENIED`.
 */
export async function killPort(port: number, options: KillPortOptions = {}): Promise<KillResult> {
  validatePort(port);
  const procRoot = options.procRoot ?? '/proc';
  const before = await whoHolds(port, options);
  const plan = planFor(before, options, procRoot);
  const holderRefusals = plan.refusals.filter((r) =>
    before.listeners.some((l) => l.processes.some((p) => p.pid === r.pid)),
  );
  if (holderRefusals.length > 0) {
    const first = holderRefusals[0]!;
    throw new PortierError(
      'KILL_REFUSED',
      `Refusing to signal pid ${first.pid}${first.name ? ` (${first.name})` : ''} holding port ${port}: ${first.reason}.`,
      {
        pid: first.pid,
        port,
        hint: 'Stop that program the way it is meant to be stopped.',
      },
    );
  }
  if (plan.targets.length === 0 && before.status === 'hidden-owner') {
    const uid = before.listeners[0]?.uid;
    throw new PortierError(
      'OWNER_NOT_VISIBLE',
      `Port ${port} is held by a process of ${before.listeners[0]?.user ?? `uid ${uid}`} that this user cannot see.`,
      {
        port,
        hint: `Run \`sudo portier kill ${port}\` to see and stop it.`,
      },
    );
  }
  const base = {
    port,
    dryRun: options.dryRun === true,
    targets: plan.targets,
    refusals: plan.refusals,
    before,
  };
  if (options.dryRun || plan.targets.length === 0) {
    return { ...base, escalated: [], freed: before.listeners.length === 0, after: before };
  }
  const pids = plan.targets.map((t) => t.pid);
  const onExit = (pid: number) => options.onEvent?.({ type: 'exited', pid });
  signalAll(pids, options.signal ?? 'SIGTERM', options, port);
  const survivors = await waitForExit(
    pids,
    options.timeoutMs ?? DEFAULT_KILL_TIMEOUT_MS,
    procRoot,
    onExit,
  );
  if (survivors.length > 0) {
    options.onEvent?.({ type: 'escalate', pids: survivors });
    signalAll(survivors, 'SIGKILL', options, port);
    await waitForExit(survivors, SIGKILL_WAIT_MS, procRoot, onExit);
  }
  const after = await waitForRelease(port, options);
  return { ...base, escalated: survivors, freed: after.listeners.length === 0, after };
}
