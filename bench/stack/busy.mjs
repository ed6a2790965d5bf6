// How much other processes used the machine during one start: the machine's busy time minus
// the bench's own process tree (reaped children) and the live trees it measures (the
// supervisor or concurrently with their services, not reaped yet, so not in the bench's
// counters).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpuSnapshot, otherWork } from '../machine.mjs';
import { readProcessTable, treeOf } from '../serve/proc-tree.mjs';

/** Above this share of all cores used by other processes, a start is marked busy (†). */
export const BUSY_SHARE = 0.1;

/**
 * CPU seconds `pid` has run, from each thread's /proc/<pid>/task/<tid>/schedstat (ns). Not
 * utime + stime of /proc/<pid>/stat: those are whole ticks, and losing up to two ticks on each
 * of ~40 processes (~0.4 s) would count as "other processes" ~10% of a 1.3 s start.
 */
export function runtimeS(pid, procRoot = '/proc') {
  let ns = 0;
  try {
    for (const tid of readdirSync(`${procRoot}/${pid}/task`)) {
      try {
        ns += Number(
          readFileSync(`${procRoot}/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0],
        );
      } catch {
        // The thread ended meanwhile.
      }
    }
  } catch {
    // The process ended meanwhile.
  }
  return ns / 1e9;
}

/** CPU seconds of every live process in the trees under `pids`. */
export function treeRuntimeS(pids, procRoot = '/proc') {
  const table = readProcessTable(procRoot);
  const all = new Set(pids.flatMap((pid) => treeOf(table, pid)));
  let sum = 0;
  for (const pid of all) sum += runtimeS(pid, procRoot);
  return sum;
}

/** Call at the start of a timed window. */
export const openWindow = () => cpuSnapshot();

/**
 * Closes a window opened with {@link openWindow}: `after` taken when the window ended,
 * `livePids` the roots of trees started inside it that still run. Shares of all cores (0–1):
 * `other` used by other processes, `idle` left unused (a start that cannot keep the cores
 * busy waits on something).
 */
export function windowShares(before, after, livePids) {
  if (!before || !after) return {};
  const other = otherWork(before, { ...after, ownS: after.ownS + treeRuntimeS(livePids) });
  const capacityS = ((after.atMs - before.atMs) / 1000) * cpus().length;
  return { other: other?.otherShare, idle: (after.idleS - before.idleS) / capacityS };
}
