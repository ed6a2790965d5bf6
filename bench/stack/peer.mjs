// The peer: the same services started by plain `concurrently` while `wait-on` waits for every
// /health URL, both spawned at once; timed from the first spawn until wait-on exits 0. Then
// concurrently's whole process tree is stopped by pid and every port must be free again.
import { get } from 'node:http';
import { canBind, pickFreePort, waitUntilFree } from '../bind-probe.mjs';
import { cpuSnapshot } from '../machine.mjs';
import { openWindow, windowShares } from './busy.mjs';
import { adoptTree, stopAdopted } from './pids.mjs';
import { clockTicksPerS, readStat } from './procfs.mjs';
import { startNode, waitExit } from './run-command.mjs';
import { concurrentlyArgs, waitOnArgs } from './stack-file.mjs';

const START_TIMEOUT_MS = 30_000;
const TICKS_PER_S = clockTicksPerS();

/**
 * When concurrently forked its shells, in ms since the bench spawned it (start times in
 * /proc/<pid>/stat, 10 ms resolution), and when wait-on saw the last one ready.
 */
function peerPhases(runnerPid, originTicks, pids, ms) {
  const runner = readStat(runnerPid);
  const forks = pids
    .map((pid) => readStat(pid))
    .filter((stat) => stat?.ppid === runnerPid)
    .map((stat) => ((stat.startTicks - originTicks) * 1000) / TICKS_PER_S);
  if (forks.length === 0 || originTicks === undefined) return {};
  const first = Math.min(...forks);
  const last = Math.max(...forks);
  return {
    'until the first service is forked': first,
    'forking all services (first → last fork)': last - first,
    'last fork → wait-on exits': ms - last,
    'concurrently CPU time until ready': runner
      ? ((runner.utime + runner.stime) * 1000) / TICKS_PER_S
      : undefined,
  };
}

/** `count` distinct ports free on 127.0.0.1 now (bind probe), none of them in `avoid`. */
export async function pickPorts(count, avoid = new Set()) {
  const ports = new Set();
  while (ports.size < count) {
    const port = await pickFreePort();
    if (!avoid.has(port) && (await canBind(port))) ports.add(port);
  }
  return [...ports];
}

/** GET http://127.0.0.1:<port>/health: resolves with the status code, or 0 when refused. */
function healthStatus(port) {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('error', () => resolve(0));
  });
}

/**
 * One peer start. `ctx`: { concurrentlyBin, waitOnBin, command, count, cwd, env };
 * `intervalMs`: wait-on's `--interval` (undefined: its default, 250 ms).
 */
export async function runPeer(ctx, intervalMs) {
  const ports = await pickPorts(ctx.count);
  const window = openWindow();
  const t0 = performance.now();
  const runner = startNode(ctx.concurrentlyBin, concurrentlyArgs(ports, ctx.command), ctx);
  const originTicks = readStat(runner.child.pid)?.startTicks;
  const waiter = startNode(ctx.waitOnBin, waitOnArgs(ports, { intervalMs }), ctx);
  const exit = await waitExit(waiter, START_TIMEOUT_MS);
  const ms = exit.atMs - t0;
  const shares = windowShares(window, cpuSnapshot(), [runner.child.pid]);
  const pids = adoptTree(runner.child.pid, 'concurrently tree');
  const phases = peerPhases(runner.child.pid, originTicks, pids, ms);
  const problems = [];
  if (exit.timedOut || exit.code !== 0)
    problems.push(`wait-on exited ${exit.code ?? 'late'}: ${waiter.out.stderr.trim()}`);
  const codes = await Promise.all(ports.map(healthStatus));
  const bad = ports.filter((_, i) => codes[i] !== 200);
  if (bad.length) problems.push(`no 200 on /health from ports ${bad.join(', ')}`);
  return {
    ms,
    shares,
    ports,
    problems,
    processes: pids.length,
    phases,
    stop: async () => {
      const stopProblems = [];
      const killed = await stopAdopted(pids);
      if (killed.length) stopProblems.push(`needed SIGKILL: ${killed.join(', ')}`);
      const end = await waitExit(runner, 5_000);
      if (end.timedOut) stopProblems.push('concurrently did not exit');
      for (const port of ports) await waitUntilFree(port, { timeoutMs: 5_000 });
      return { problems: stopProblems };
    },
  };
}
