// portier's two ways to start the stack, timed from the spawn of the CLI: `portier up`
// (foreground) until it prints `… settled in …`, and `portier up -d` until it exits 0. Each
// start is checked with `portier ps --json` (every service healthy, on its own port) and
// stopped with `portier down`, then every port must be free again.
import { waitUntilFree } from '../bind-probe.mjs';
import { stopChild } from '../children.mjs';
import { cpuSnapshot } from '../machine.mjs';
import { openWindow, treeRuntimeS, windowShares } from './busy.mjs';
import { adopt, stopAdopted, waitGone } from './pids.mjs';
import { clockTicksPerS, readStat } from './procfs.mjs';
import { epochNow, runNode, startNode, waitExit, waitForLine } from './run-command.mjs';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
const SETTLED_LINE = /settled in/;

/** `portier ps --json -f FILE`, parsed. */
export async function psJson(ctx) {
  const run = await runNode(ctx.bin, ['ps', '--json', '-f', ctx.file], ctx);
  if (run.code !== 0) throw new Error(`portier ps exited ${run.code}: ${run.stderr.trim()}`);
  return JSON.parse(run.stdout);
}

/** Problems with a status that should show `count` healthy services on distinct ports. */
export function checkStatus(status, count) {
  const problems = [];
  const services = status.services ?? [];
  if (services.length !== count) problems.push(`${services.length} services, not ${count}`);
  for (const s of services)
    if (s.state !== 'healthy')
      problems.push(`${s.name} is ${s.state}${s.reason ? `: ${s.reason}` : ''}`);
  const ports = new Set(services.map((s) => s.port));
  if (ports.size !== services.length) problems.push('services share ports');
  return problems;
}

const TICKS_PER_S = clockTicksPerS();

/**
 * Where the time went, in ms since the bench spawned the CLI, from the supervisor's own epoch
 * stamps in `ps --json` (its `startedAt`, each service's `readyAt`) and from the start time in
 * /proc/<pid>/stat of each service process (when it was forked; 1 tick = 10 ms resolution)
 * relative to that of the CLI the bench spawned (`originTicks`). The first five rows add up to
 * the whole. A service's own `startedAt` is no use here: Node emits `spawn` on the next tick,
 * so every service gets a `startedAt` after the whole synchronous burst of spawns.
 */
export function phasesOf({ status, spawnEpoch, endEpoch, originTicks, forkTicks, cpuTicks }) {
  const msOfTicks = (ticks) => ((ticks - originTicks) * 1000) / TICKS_PER_S;
  const forks = forkTicks.map(msOfTicks);
  const setUp = status.startedAt - spawnEpoch;
  const firstFork = Math.min(...forks);
  const lastFork = Math.max(...forks);
  const lastReady = Math.max(...status.services.map((s) => s.readyAt)) - spawnEpoch;
  const perService = status.services
    .map((s, i) => s.readyAt - spawnEpoch - forks[i])
    .sort((a, b) => a - b);
  return {
    'CLI start, config load, supervisor set-up': setUp,
    'port leases until the first service is forked': firstFork - setUp,
    'forking all services (first → last fork)': lastFork - firstFork,
    'last fork → last ready': lastReady - lastFork,
    'last ready → seen by the bench': endEpoch - spawnEpoch - lastReady,
    'fork → ready, median service': perService[Math.floor(perService.length / 2)],
    'supervisor CPU time until settled':
      cpuTicks === undefined ? undefined : (cpuTicks * 1000) / TICKS_PER_S,
  };
}

/** Adopts the supervisor and services of `status`, so an abort stops them by pid. */
function adoptStack(status) {
  adopt(status.pid, 'portier supervisor');
  for (const s of status.services) if (s.pid) adopt(s.pid, `service ${s.name}`);
  return [status.pid, ...status.services.flatMap((s) => (s.pid ? [s.pid] : []))];
}

/**
 * `portier down`, then waits for the supervisor (and the foreground CLI, if any) to end and
 * every service port to be free. Resolves with `{ downMs, problems }`.
 */
async function stopStack(ctx, { status, pids, foreground }) {
  const problems = [];
  const down = await runNode(ctx.bin, ['down', '-f', ctx.file], {
    ...ctx,
    timeoutMs: STOP_TIMEOUT_MS,
  }).catch((error) => ({ code: -1, ms: undefined, stderr: error.message }));
  if (down.code !== 0) problems.push(`portier down exited ${down.code}: ${down.stderr.trim()}`);
  if (foreground) {
    const exit = await waitExit(foreground, STOP_TIMEOUT_MS);
    if (exit.timedOut) problems.push('portier up did not exit after portier down');
  }
  const left = await waitGone(pids, 5_000);
  if (left.length) problems.push(`still running after down: ${await stopAdopted(left, 1_000)}`);
  for (const s of status.services) await waitUntilFree(s.port, { timeoutMs: 5_000 });
  return { downMs: down.ms, problems };
}

/** CPU ticks (utime + stime) of `pid` so far. */
function cpuTicksOf(pid) {
  const stat = readStat(pid);
  return stat ? stat.utime + stat.stime : undefined;
}

/**
 * Checks a started stack and adopts its pids; from `timing` ({ spawnEpoch, endEpoch,
 * originTicks, cpuTicks? }) also works out its phases.
 */
async function inspect(ctx, timing) {
  const status = await psJson(ctx);
  const pids = adoptStack(status);
  const problems = checkStatus(status, ctx.count);
  const forkTicks = status.services.map((s) => readStat(s.pid)?.startTicks);
  // A detached supervisor's pid is known from `ps` only: its CPU then includes that call.
  const cpuTicks = timing.cpuTicks ?? cpuTicksOf(status.pid);
  const phases =
    problems.length || forkTicks.includes(undefined) || timing.originTicks === undefined
      ? {}
      : phasesOf({ status, forkTicks, ...timing, cpuTicks });
  return { status, pids, problems, phases };
}

/** `portier up -f FILE` in the foreground, timed until its `settled in` line. */
export async function runForeground(ctx) {
  const spawnEpoch = epochNow();
  const t0 = performance.now();
  const window = openWindow();
  const started = startNode(ctx.bin, ['up', '--no-door', '-f', ctx.file], ctx);
  const originTicks = readStat(started.child.pid)?.startTicks;
  const seen = await waitForLine(started, SETTLED_LINE, START_TIMEOUT_MS);
  const cpuTicks = cpuTicksOf(started.child.pid);
  const shares = windowShares(window, cpuSnapshot(), [started.child.pid]);
  if (seen.error) {
    stopChild(started.child.pid);
    throw new Error(`portier up: ${seen.error}\n${started.out.stderr.trim()}`);
  }
  const ms = seen.atMs - t0;
  const reported = /settled in ([^\s)]+ ?m?s)/.exec(seen.text)?.[1];
  const found = await inspect(ctx, {
    spawnEpoch,
    endEpoch: spawnEpoch + ms,
    originTicks,
    cpuTicks,
  });
  return {
    ms,
    reported,
    shares,
    ...found,
    supervisorPid: started.child.pid,
    stop: () => stopStack(ctx, { ...found, foreground: started }),
  };
}

/** `portier up -d -f FILE`, timed until it exits 0 (it returns once every service settled). */
export async function runDetached(ctx) {
  const spawnEpoch = epochNow();
  const t0 = performance.now();
  const window = openWindow();
  const started = startNode(ctx.bin, ['up', '--no-door', '-d', '-f', ctx.file], ctx);
  const originTicks = readStat(started.child.pid)?.startTicks;
  const exit = await waitExit(started, START_TIMEOUT_MS);
  const ms = exit.atMs - t0;
  const windowEnd = cpuSnapshot();
  const found = await inspect(ctx, { spawnEpoch, endEpoch: spawnEpoch + ms, originTicks });
  if (exit.timedOut || exit.code !== 0)
    found.problems.unshift(
      `portier up -d exited ${exit.code ?? 'late'}: ${started.out.stderr.trim()}`,
    );
  const reported = /settled in ([^\s)]+ ?m?s)/.exec(started.out.stdout)?.[1];
  return {
    ms,
    reported,
    shares: windowShares(window, windowEnd, [found.status.pid]),
    ...found,
    supervisorPid: found.status.pid,
    // Detached: reparented away from the bench, so its CPU is not in the bench's own counters.
    detachedCpuS: () => treeRuntimeS([found.status.pid]),
    stop: () => stopStack(ctx, found),
  };
}
