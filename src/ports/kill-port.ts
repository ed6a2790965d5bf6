import { PortierError } from '../errors.js';
import { validatePort } from '../net/port-number.js';
import { type SocketFds, scanSocketOwners } from '../sockets/linux-fd-scan.js';
import { readProcessInfo } from '../sockets/linux-process.js';
import type { ListListenersOptions } from '../sockets/list-listeners.js';
import type { Listener, ProcessInfo } from '../sockets/model.js';
import { findHolders, type PortHolders, whoHolds } from '../sockets/who-holds.js';
import { type KillPlan, type KillRefusal, type KillTarget, planKill } from './kill-plan.js';
import { stillListed, waitForRelease } from './port-release.js';
import { ProcessFamily } from './process-family.js';
import { identifyProcess } from './process-liveness.js';
import { type ParentMap, readProcessTree, readUptimeTicks } from './process-tree.js';
import { type ReleaseWatch, type StopOptions, stopAll } from './stop-processes.js';

export { DEFAULT_KILL_TIMEOUT_MS, type KillEvent } from './stop-processes.js';

/** Options of {@link killPort}; all optional. */
export interface KillPortOptions extends Omit<ListListenersOptions, 'port'>, StopOptions {
  /**
   * Wait this long for exit before SIGKILL, in ms; holders found only after the first round
   * get the same wait again. Default {@link DEFAULT_KILL_TIMEOUT_MS}.
   */
  timeoutMs?: number;
  /** Decide and report, send nothing. */
  dryRun?: boolean;
  /** Also signal the holders' descendants. Default `true`. */
  tree?: boolean;
  /** Treated as "this process" for the refusal rules. Default `process.pid`. */
  selfPid?: number;
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
  /**
   * What held it before, as the kill found it: on Linux, one holder per socket and the
   * parents that share it (holders found after the first round are in `targets`); a dry run
   * lists every holder, as {@link whoHolds} does.
   */
  before: PortHolders;
}

/**
 * Every process holding the port: the listeners' processes and, on a port without a listener,
 * the processes of its connections.
 */
function holdersOf(found: PortHolders, procRoot: string): Map<number, ProcessInfo> {
  const holders = new Map<number, ProcessInfo>();
  for (const listener of found.listeners) for (const p of listener.processes) holders.set(p.pid, p);
  for (const connection of found.connections) {
    for (const pid of connection.pids)
      if (!holders.has(pid)) holders.set(pid, readProcessInfo(pid, { procRoot }));
  }
  return holders;
}

function planFor(
  holders: ReadonlyMap<number, ProcessInfo>,
  options: KillPortOptions,
  procRoot: string,
  parents: ParentMap,
): KillPlan {
  return planKill({
    holders: [...holders.values()],
    parents,
    selfPid: options.selfPid ?? process.pid,
    tree: options.tree,
    describe: (pid) => readProcessInfo(pid, { procRoot, passwdPath: options.passwdPath }),
  });
}

/**
 * Adds to `holders` the processes above them that hold the same sockets, which the `first`
 * search (one holder per socket) leaves out: each holder's parent while it holds one too, so
 * a pre-fork server's master is signalled first with its whole tree, not after its newest
 * worker; and any ancestor of this process below init, so a kill refuses before sending
 * anything when its own shell or tool shares the socket. Ancestor chains are short, so they
 * are read whole.
 */
function addHoldingAncestors(
  holders: PortHolders,
  family: ProcessFamily,
  own: readonly number[],
  options: KillPortOptions,
  socketFds: SocketFds,
): void {
  const procRoot = options.procRoot ?? '/proc';
  const byInode = new Map<number, Listener>();
  for (const listener of holders.listeners)
    if (listener.inode) byInode.set(listener.inode, listener);
  if (byInode.size === 0) return;
  const inodes = new Set(byInode.keys());
  const read = (pids: number[]): number[] => {
    const found: number[] = [];
    if (pids.length === 0) return found;
    for (const [inode, owners] of scanSocketOwners(inodes, procRoot, pids, socketFds).owners) {
      const listener = byInode.get(inode)!;
      for (const pid of owners) {
        found.push(pid);
        if (listener.processes.some((p) => p.pid === pid)) continue;
        listener.processes.push(readProcessInfo(pid, { procRoot, passwdPath: options.passwdPath }));
      }
    }
    return found;
  };
  const seen = new Set<number>();
  for (const listener of holders.listeners) for (const p of listener.processes) seen.add(p.pid);
  let frontier = [...seen];
  const ownToRead = own.filter((pid) => !seen.has(pid));
  read(ownToRead);
  for (const pid of ownToRead) seen.add(pid);
  while (frontier.length > 0) {
    const above: number[] = [];
    for (const pid of frontier) {
      const parent = family.parentOf(pid);
      // Pid 1 too: a container's init may be the server's master, which a kill must refuse.
      if (parent === undefined || parent < 1 || seen.has(parent)) continue;
      seen.add(parent);
      above.push(parent);
    }
    frontier = read(above);
  }
}

/** The refusals of processes that hold the port (not of their children). */
function holderRefusals(plan: KillPlan, holders: ReadonlyMap<number, unknown>): KillRefusal[] {
  return plan.refusals.filter((r) => holders.has(r.pid));
}

function refuseHolders(plan: KillPlan, holders: ReadonlyMap<number, unknown>, port: number): void {
  const first = holderRefusals(plan, holders)[0];
  if (!first) return;
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

/**
 * The holders a first round missed, once its processes exited and the port is still listed:
 * a sibling that shares the socket (forked by a parent that then closed its own copy) or a
 * process it was handed to. Only processes that ran before the kill began count
 * (`ranBefore`): a server a supervisor restarted meanwhile is reported as holding the port,
 * not stopped again.
 */
async function missedHolders(
  port: number,
  options: KillPortOptions,
  done: ReadonlySet<number>,
  ranBefore: (pid: number) => boolean,
  socketFds: SocketFds,
): Promise<PortHolders | undefined> {
  const rest = await findHolders(port, options, { socketFds });
  const listeners = rest.listeners
    .map((l) => ({
      ...l,
      processes: l.processes.filter((p) => !done.has(p.pid) && ranBefore(p.pid)),
    }))
    .filter((l) => l.processes.length > 0);
  return listeners.length > 0 ? { ...rest, listeners, connections: [] } : undefined;
}

/**
 * Whether a process ran before this moment: started before it in clock ticks since boot (one
 * in the same 10 ms tick counts as later), or, where /proc/uptime cannot be read, was already
 * running now with the same start time.
 */
function startedBeforeNow(procRoot: string): (pid: number) => boolean {
  const now = readUptimeTicks(procRoot);
  const startOf = (pid: number) => identifyProcess(pid, procRoot)?.startTime;
  if (now !== undefined) {
    return (pid) => {
      const start = startOf(pid);
      return start !== undefined && start < now;
    };
  }
  const before = readProcessTree(procRoot).startTimes;
  return (pid) => {
    const start = startOf(pid);
    return start !== undefined && before.get(pid) === start;
  };
}

/**
 * Frees `port`: sends the signal (SIGTERM) to every process sharing the socket and their
 * process trees, waits up to the timeout, sends SIGKILL to survivors, then checks the port.
 * On Linux it starts from one holder per socket (the newest processes are read first) and,
 * when the port is still held once they exited, stops the holders it missed the same way.
 * Refuses pid 0/1, itself, its ancestors and port forwarders (`KILL_REFUSED`), before sending
 * anything when such a process is a holder, a holder's parent sharing the socket, or an
 * ancestor below init sharing it; a copy found only later (handed over a Unix socket) is
 * refused in the second round, after the first round's holders were signalled. A hidden
 * owner is `OWNER_NOT_VISIBLE`; another user's process is `KILL_PERMISSION_DENIED`.
 */
export async function killPort(port: number, options: KillPortOptions = {}): Promise<KillResult> {
  validatePort(port);
  const procRoot = options.procRoot ?? '/proc';
  const linux = (options.platform ?? process.platform) === 'linux';
  // A dry run shows every holder, as `who` does; a kill verifies afterwards instead.
  const acting = linux && options.dryRun !== true;
  const ranBefore = acting ? startedBeforeNow(procRoot) : () => false;
  // A dry run plans from the whole process tree. A kill reads only the families it touches:
  // the chains above its holders and itself, and the trees below the holders.
  const tree = linux && !acting ? readProcessTree(procRoot) : undefined;
  // Where the holders keep the port's sockets: the wait sees them let go before they exit.
  const socketFds: SocketFds = new Map();
  const search = acting ? 'first' : 'family';
  const before = await findHolders(port, options, { search, tree, socketFds });
  let parents: ParentMap = tree?.parents ?? new Map();
  let family: ProcessFamily | undefined;
  if (acting) {
    family = new ProcessFamily(procRoot);
    // The caller's chain, whatever holds the port: the plan refuses the caller's ancestors.
    // Init is left to the climb from the holders: it shares a socket with a server it
    // started (socket activation, a container's init as master) as that server's parent,
    // and its fd table is often the longest of the chain (251 fds here, systemd's 100–300).
    const own = family.ancestorsOf(options.selfPid ?? process.pid).filter((pid) => pid > 1);
    addHoldingAncestors(before, family, own, options, socketFds);
  }
  const holders = holdersOf(before, procRoot);
  if (family) {
    const complete = family.readTreesBelow([...holders.keys()]);
    parents = complete ? family.parents : readProcessTree(procRoot).parents;
  }
  const plan = planFor(holders, options, procRoot, parents);
  refuseHolders(plan, holders, port);
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
  const base = { port, dryRun: options.dryRun === true, before };
  if (options.dryRun || plan.targets.length === 0) {
    const after = before;
    const freed = before.listeners.length === 0;
    return { ...base, ...plan, escalated: [], freed, after };
  }
  const targets = [...plan.targets];
  const refusals = [...plan.refusals];
  const watch: ReleaseWatch | undefined = acting
    ? { socketFds, stillListed: () => stillListed(port, procRoot) }
    : undefined;
  const stop = (round: readonly KillTarget[]) =>
    stopAll(
      round.map((t) => t.pid),
      options,
      port,
      procRoot,
      watch,
    );
  const first = await stop(targets);
  const { escalated } = first;
  // Read once here (or by the release watch, while the holders exited), the listener section
  // answers both "did the first round free it" and, most often, "is it free" below.
  const listed = first.listed ?? (!linux || stillListed(port, procRoot));
  if (acting && listed) {
    const done = new Set(targets.map((t) => t.pid));
    const missed = await missedHolders(port, options, done, ranBefore, socketFds);
    if (missed) {
      const late = holdersOf(missed, procRoot);
      const second = planFor(late, options, procRoot, readProcessTree(procRoot).parents);
      refusals.push(...second.refusals.filter((r) => !refusals.some((k) => k.pid === r.pid)));
      // A holder that must be left alone keeps the port whatever else stops: stop nothing more.
      const heldByRefused = holderRefusals(second, late).length > 0;
      const fresh = heldByRefused ? [] : second.targets.filter((t) => !done.has(t.pid));
      targets.push(...fresh);
      escalated.push(...(await stop(fresh)).escalated);
    }
  }
  // Not listed: that reading stands. Listed: it is read again (a second round may have run).
  const after = await waitForRelease(port, options, listed ? undefined : false);
  const freed = after.listeners.length === 0;
  return { ...base, targets, refusals, escalated, freed, after };
}
