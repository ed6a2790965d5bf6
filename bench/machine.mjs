// The machine the bench ran on, and how much else it was doing meanwhile: other processes'
// CPU time is the machine's busy time minus this process and its (reaped) children's.
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc/stat and /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

/** Static facts: cores, model, memory, kernel, Node, load average now. */
export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
}

/** CPU counters now, in seconds: the machine's busy and steal time, and this process tree's. */
export function cpuSnapshot() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu.map(Number);
    const self = readFileSync('/proc/self/stat', 'utf8');
    const fields = self
      .slice(self.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, cutime, cstime are fields 14–17 of stat, 11–14 after the name.
    const own = fields[11] + fields[12] + fields[13] + fields[14];
    return {
      atMs: performance.now(),
      busyS: (user + nice + system + irq + softirq) / TICKS_PER_S,
      idleS: (idle + iowait) / TICKS_PER_S,
      stealS: steal / TICKS_PER_S,
      ownS: own / TICKS_PER_S,
    };
  } catch {
    return undefined; // not Linux
  }
}

/** Share of the machine (0–1 of all cores) other processes used between two snapshots. */
export function otherWork(before, after, cores = os.cpus().length) {
  if (!before || !after) return undefined;
  const wallS = (after.atMs - before.atMs) / 1000;
  const otherS = Math.max(0, after.busyS - before.busyS - (after.ownS - before.ownS));
  return {
    wallS,
    otherCpuS: otherS,
    otherShare: otherS / (wallS * cores),
    stealShare: (after.stealS - before.stealS) / (wallS * cores),
  };
}

/**
 * Waits until other processes use less than `maxShare` of the machine over `windowMs`, or
 * `timeoutMs` passes. Resolves with the last share seen.
 */
export async function waitForQuiet({ maxShare = 0.1, windowMs = 5_000, timeoutMs = 120_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const before = cpuSnapshot();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const share = otherWork(before, cpuSnapshot())?.otherShare ?? 0;
    if (share < maxShare || performance.now() > deadline) return share;
  }
}

/** TCP sockets in TIME_WAIT now (both families), from /proc/net/sockstat; 0 off Linux. */
export function timeWaitCount() {
  try {
    return Number(
      readFileSync('/proc/net/sockstat', 'latin1').match(/^TCP:.* tw (\d+)/m)?.[1] ?? 0,
    );
  } catch {
    return 0;
  }
}

/**
 * Waits until no TCP socket is in TIME_WAIT, or `timeoutMs` passes (the kernel keeps them
 * 60 s). Leftovers of earlier work (a test run) are not part of the load the targets name,
 * and a kill reads the whole connection table while any exist. Resolves with the count left.
 */
export async function waitForNoTimeWait({ timeoutMs = 75_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  let count = timeWaitCount();
  while (count > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    count = timeWaitCount();
  }
  return count;
}

/**
 * With `--wait-quiet` among `flags`: {@link waitForQuiet}, then {@link waitForNoTimeWait},
 * saying so before and after.
 */
export async function waitQuietIfAsked(flags, log) {
  if (!flags.has('--wait-quiet')) return;
  log('waiting for the machine to be quiet (other processes < 10% for 5 s, up to 2 min)…');
  log(`other processes: ${Math.round((await waitForQuiet()) * 100)}%`);
  if (timeWaitCount() === 0) return;
  log(`waiting for ${timeWaitCount()} TIME_WAIT sockets of earlier work to expire (up to 75 s)…`);
  log(`TIME_WAIT left: ${await waitForNoTimeWait()}`);
}
