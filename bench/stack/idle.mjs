// The idle supervisor: once the stack has settled, wait, then read the supervisor's utime +
// stime from /proc/<pid>/stat at both ends of a window (CPU share of one core) and its VmRSS
// from /proc/<pid>/status; the services' total RSS is context.

import { cpuSnapshot, otherWork } from '../machine.mjs';
import { readProcessTable, treeOf } from '../serve/proc-tree.mjs';
import { runtimeS, treeRuntimeS } from './busy.mjs';
import { clockTicksPerS, readRssKiB, readStat } from './procfs.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU ticks (utime + stime) of `pid`, or undefined once it is gone. */
function cpuTicks(pid) {
  const stat = readStat(pid);
  return stat ? stat.utime + stat.stime : undefined;
}

/** Sum of VmRSS over `pids` and all their descendants, KiB. */
export function treeRssKiB(pids) {
  const table = readProcessTable();
  const all = new Set(pids.flatMap((pid) => treeOf(table, pid)));
  let sum = 0;
  for (const pid of all) sum += readRssKiB(pid) ?? 0;
  return { kib: sum, processes: all.size };
}

/**
 * Measures the idle `supervisorPid` (services `servicePids`) after `settleMs`, over `windowMs`:
 * its CPU share of one core, its RSS, the services' RSS, and what other processes used.
 */
export async function measureIdle({ supervisorPid, servicePids, settleMs, windowMs }) {
  const ticks = clockTicksPerS();
  await sleep(settleMs);
  const treeBefore = treeRuntimeS([supervisorPid]);
  const machineBefore = cpuSnapshot();
  const before = cpuTicks(supervisorPid);
  const runBefore = runtimeS(supervisorPid);
  const t0 = performance.now();
  await sleep(windowMs);
  const after = cpuTicks(supervisorPid);
  const runAfter = runtimeS(supervisorPid);
  const wallS = (performance.now() - t0) / 1000;
  const machineAfter = cpuSnapshot();
  const treeAfter = treeRuntimeS([supervisorPid]);
  if (before === undefined || after === undefined)
    throw new Error(`supervisor pid ${supervisorPid} ended during the idle window`);
  const rssKiB = readRssKiB(supervisorPid);
  const services = treeRssKiB(servicePids);
  // Whether detached or the bench's child, a live supervisor's CPU (and its services') is not
  // yet in the bench's own counters (children count once reaped): subtract the tree by hand.
  const extraS = treeAfter - treeBefore;
  const other =
    machineBefore && machineAfter
      ? otherWork(machineBefore, { ...machineAfter, ownS: machineAfter.ownS + extraS })
      : undefined;
  return {
    cpuTicks: after - before,
    ticksPerS: ticks,
    wallS,
    cpuPct: (100 * (after - before)) / ticks / wallS,
    // The same from the threads' schedstat (ns), finer than the 10 ms ticks.
    runtimePct: (100 * (runAfter - runBefore)) / wallS,
    // MB = 10^6 bytes; VmRSS counts KiB.
    rssMB: rssKiB === undefined ? undefined : (rssKiB * 1024) / 1e6,
    servicesRssMB: (services.kib * 1024) / 1e6,
    serviceProcesses: services.processes,
    otherShare: other?.otherShare,
  };
}
