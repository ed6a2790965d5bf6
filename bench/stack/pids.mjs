// Processes the stack bench did not spawn itself but must stop however it ends: the detached
// supervisor of `portier up -d`, the services, concurrently's shells and servers. Each is
// remembered by pid *and* start time, so a pid the kernel has since given to another process
// is never signalled. Nothing is ever stopped by name.
import { readProcessTable, treeOf } from '../serve/proc-tree.mjs';
import { readStat } from './procfs.mjs';

/** pid → { startTicks, label } */
const adopted = new Map();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True while the process recorded as `entry` runs (a zombie counts as gone). */
function isAlive(pid, entry) {
  const stat = readStat(pid);
  return Boolean(stat && stat.startTicks === entry.startTicks && stat.state !== 'Z');
}

/** Remembers `pid` (if it runs now) to be stopped by {@link stopAdopted}. */
export function adopt(pid, label) {
  const stat = readStat(pid);
  if (stat && stat.state !== 'Z') adopted.set(pid, { startTicks: stat.startTicks, label });
}

/** Remembers `pid` and every descendant it has now. Returns their pids, parents first. */
export function adoptTree(pid, label) {
  const pids = treeOf(readProcessTable(), pid);
  for (const p of pids) adopt(p, label);
  return pids;
}

/** Pids among `pids` (default: all adopted) still running. */
export function aliveAdopted(pids = [...adopted.keys()]) {
  return pids.filter((pid) => adopted.has(pid) && isAlive(pid, adopted.get(pid)));
}

function signalAll(pids, signal) {
  for (const pid of aliveAdopted(pids)) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Polls until none of `pids` runs or `timeoutMs` passes; resolves with those left. */
export async function waitGone(pids, timeoutMs, pollMs = 10) {
  const deadline = performance.now() + timeoutMs;
  let left = aliveAdopted(pids);
  while (left.length > 0 && performance.now() < deadline) {
    await sleep(pollMs);
    left = aliveAdopted(left);
  }
  return left;
}

/**
 * SIGTERM to each of `pids` (default: every adopted process) still running, SIGKILL to those
 * left after `graceMs`; forgets them. Resolves with the labels of those that needed SIGKILL.
 */
export async function stopAdopted(pids = [...adopted.keys()], graceMs = 5_000) {
  signalAll(pids, 'SIGTERM');
  const left = await waitGone(pids, graceMs);
  signalAll(left, 'SIGKILL');
  await waitGone(left, 2_000);
  const killed = left.map((pid) => `${adopted.get(pid)?.label} (pid ${pid})`);
  for (const pid of pids) adopted.delete(pid);
  return killed;
}

/** Forgets `pids` once the bench has seen them stop by themselves. */
export function forget(pids) {
  for (const pid of pids) adopted.delete(pid);
}

/** `label (pid)` of every adopted process still running (the leak check at the end). */
export function runningAdopted() {
  return aliveAdopted().map((pid) => `${adopted.get(pid).label} (pid ${pid})`);
}
