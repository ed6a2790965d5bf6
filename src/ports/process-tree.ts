import { readFileSync } from 'node:fs';
import { listPids } from '../sockets/linux-fd-scan.js';
import { readProcStat } from '../sockets/linux-process.js';

/** pid → parent pid for every visible process. */
export type ParentMap = ReadonlyMap<number, number>;

/** Parents and session ids of every visible process. */
export interface ProcessTree {
  parents: ParentMap;
  /** pid → session id (the pid of the session leader; 0 for kernel threads). */
  sessions: ReadonlyMap<number, number>;
  /** pid → start time in clock ticks since boot: with the pid, names one process for good. */
  startTimes: ReadonlyMap<number, number>;
  /** Kernel threads: they hold no files, so no search reads their fd tables. */
  kernelThreads: ReadonlySet<number>;
}

/** Clock ticks since boot (USER_HZ, 100 per second on Linux), from /proc/uptime. */
export function readUptimeTicks(procRoot = '/proc'): number | undefined {
  try {
    // `1234.57 …`: whole seconds and hundredths, read as integers (1234.57 × 100 is 123456.99…).
    const match = /^(\d+)\.(\d{2})/.exec(readFileSync(`${procRoot}/uptime`, 'utf8'));
    return match ? Number(match[1]) * 100 + Number(match[2]) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads every /proc/<pid>/stat into a {@link ProcessTree} (Linux). */
export function readProcessTree(procRoot = '/proc'): ProcessTree {
  const parents = new Map<number, number>();
  const sessions = new Map<number, number>();
  const startTimes = new Map<number, number>();
  const kernelThreads = new Set<number>();
  let pids: number[];
  try {
    pids = listPids(procRoot);
  } catch {
    return { parents, sessions, startTimes, kernelThreads };
  }
  for (const pid of pids) {
    const stat = readProcStat(pid, procRoot);
    if (!stat) continue;
    parents.set(pid, stat.ppid);
    sessions.set(pid, stat.session);
    startTimes.set(pid, stat.startTime);
    if (stat.kernelThread) kernelThreads.add(pid);
  }
  return { parents, sessions, startTimes, kernelThreads };
}

/** Reads every /proc/<pid>/stat into a {@link ParentMap} (Linux). */
export function readParentMap(procRoot = '/proc'): ParentMap {
  return readProcessTree(procRoot).parents;
}

/** Every descendant of `roots` (children, grandchildren, …), roots excluded, parents first. */
export function descendantsOf(roots: readonly number[], parents: ParentMap): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const seen = new Set(roots);
  const out: number[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** The chain of parents of `pid` up to pid 1 (or as far as visible), nearest first. */
export function ancestorsOf(pid: number, parents: Pick<ParentMap, 'get'>): number[] {
  const out: number[] = [];
  let current = parents.get(pid);
  while (current !== undefined && current > 0 && current !== pid && !out.includes(current)) {
    out.push(current);
    current = parents.get(current);
  }
  return out;
}
