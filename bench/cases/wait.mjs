// Readiness detection: how soon after a server's listen() callback each waiter reports ready,
// and how much CPU a waiter burns while it polls a port nobody listens on. portier's `wait`
// CLI and in-process `waitFor()` against the wait-on and wait-port CLIs, with default and
// fastest settings. The same method for every waiter, one at a time, in rotating order.
import { execFileSync } from 'node:child_process';
import { pickFreePort } from '../bind-probe.mjs';
import { startNodeChild, stopChild } from '../children.mjs';
import { coldCliMarks } from '../diagnostics/cli-phases.mjs';
import { median, summarize } from '../measure.mjs';
import { formatMs } from '../report.mjs';
import { cpuTicks, createWaiters, startWaiter, wallNow } from '../waiters.mjs';

const LISTENER = new URL('../fixtures/listen-on.mjs', import.meta.url).pathname;
/** A waiter polls this long at least before the listener starts: past start-up, steady. */
const STEADY_MIN_MS = 300;
/** …plus a random 0–this, which spans wait-port's whole 1,000 ms default period. */
const STEADY_SPREAD_MS = 1_000;
/** A waiter that has not reported ready this long after the listen() is counted as stuck. */
const DETECT_TIMEOUT_MS = 10_000;
/** A waiter polls this long before its CPU window opens (Node start-up is not polling). */
const CPU_SETTLE_MS = 1_000;
/** Length of one CPU window: 200 clock ticks at USER_HZ 100, so 0.5% of a core resolution. */
const CPU_WINDOW_MS = 2_000;
/** Cold `portier wait` runs on a port already listening, with marks inside the process. */
const MARK_RUNS = 10;
/** Clock pings per round; the one with the shortest round trip estimates the offset. */
const CLOCK_PINGS = 5;
/** Clocks of the bench and a listener surely further apart than this fail the case. */
const CLOCK_SLACK_MS = 1;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ), from getconf; 100 if unknown. */
function clockTicksPerSecond() {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/** Resolves with `promise`'s value, or `undefined` after `ms`; clears its timer either way. */
async function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Offset of `listener`'s clock from the bench's, in ms (positive: the listener's reads later),
 * with its uncertainty (half the best round trip): the check that the two clocks compare.
 */
async function clockOffset(listener) {
  let best;
  for (let i = 0; i < CLOCK_PINGS; i++) {
    const reply = new Promise((resolve) =>
      listener.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim()))),
    );
    const sentAt = wallNow();
    listener.stdin.write('\n');
    const theirs = await within(reply, 1_000);
    const rtt = wallNow() - sentAt;
    if (theirs === undefined) throw new Error('the listener did not answer a clock ping');
    if (!best || rtt < best.rtt) best = { rtt, offsetMs: theirs - (sentAt + rtt / 2) };
  }
  return { offsetMs: best.offsetMs, uncertaintyMs: best.rtt / 2 };
}

/** CPU share of one core this process uses over one window while waiting for nothing. */
async function benchIdlePercent() {
  const start = performance.now();
  const before = process.cpuUsage();
  await sleep(CPU_WINDOW_MS);
  const { user, system } = process.cpuUsage(before);
  return (100 * (user + system)) / 1000 / (performance.now() - start);
}

/** Stops a run and waits (bounded) until it has ended, so the next round starts clean. */
async function finish(run) {
  if (!run.ended()) run.stop();
  if ((await within(run.end, 5_000)) === undefined && run.pid) stopChild(run.pid, 'SIGKILL');
}

/**
 * One round for one waiter: start it on a fresh refused port, let it poll a random while, then
 * start a listener process on the port. Detection = the moment the bench sees the waiter end
 * (its `exit` event, or `waitFor()` resolving) minus the listener's listen() callback time.
 */
async function detectOnce(waiter, { lib, root }) {
  const port = await pickFreePort();
  const run = startWaiter(waiter, { lib, port, cwd: root });
  let listener;
  try {
    await sleep(STEADY_MIN_MS + Math.random() * STEADY_SPREAD_MS);
    if (run.ended())
      throw new Error(`${waiter.name} ended before anything listened: ${run.output()}`);
    const started = await startNodeChild(LISTENER, [String(port)]);
    listener = started.child;
    const { listenAt } = started.ready;
    const end = await within(run.end, DETECT_TIMEOUT_MS);
    if (end === undefined) throw new Error(`${waiter.name} missed port ${port} for 10 s`);
    if (end.code !== 0)
      throw new Error(`${waiter.name} exited ${end.code ?? end.signal}: ${run.output()}`);
    const readyAt = run.readyAt();
    const clock = await clockOffset(listener);
    return {
      detectionMs: end.at - listenAt,
      printedMs: readyAt === undefined ? undefined : readyAt - listenAt,
      clock,
    };
  } finally {
    await finish(run);
    if (listener) {
      const gone = new Promise((resolve) => listener.once('exit', resolve));
      if (listener.exitCode === null) stopChild(listener.pid);
      await within(gone, 5_000);
    }
  }
}

/**
 * CPU share of one core a waiter uses while polling a refused port, over one window: from
 * /proc/<pid>/stat (utime + stime) for a child, from process.cpuUsage() in process.
 */
async function cpuOnce(waiter, { lib, root, ticksPerS }) {
  // In process, the bench's own idle cost (timers, GC of its heap) is measured first and
  // taken off, so the share is what waitFor() adds.
  const idle = waiter.inProcess ? await benchIdlePercent() : 0;
  const port = await pickFreePort();
  let attempts = 0;
  const run = startWaiter(waiter, { lib, port, cwd: root, onAttempt: () => attempts++ });
  try {
    await sleep(CPU_SETTLE_MS);
    if (run.ended()) throw new Error(`${waiter.name} ended while polling: ${run.output()}`);
    const start = performance.now();
    const attemptsBefore = attempts;
    const before = run.pid ? cpuTicks(run.pid) : process.cpuUsage();
    await sleep(CPU_WINDOW_MS);
    const cpuMs = run.pid
      ? ((cpuTicks(run.pid) - before) * 1000) / ticksPerS
      : (({ user, system }) => (user + system) / 1000)(process.cpuUsage(before));
    const wallMs = performance.now() - start;
    if (run.ended()) throw new Error(`${waiter.name} ended while polling: ${run.output()}`);
    return {
      percent: (100 * cpuMs) / wallMs - idle,
      idlePercent: run.pid ? undefined : idle,
      attemptsPerS: run.pid ? undefined : ((attempts - attemptsBefore) * 1000) / wallMs,
    };
  } finally {
    await finish(run);
  }
}

function summarizePercent(values) {
  const s = summarize(values);
  return {
    unit: '%',
    runs: s.runs,
    medianPct: s.medianMs,
    p95Pct: s.p95Ms,
    minPct: s.minMs,
    maxPct: s.maxMs,
    samplesPct: s.samplesMs,
  };
}

const defined = (values) => values.filter((v) => v !== undefined);

/** A bare Node process that prints a line after start-up and ends: the exit floor of a waiter. */
const BARE_NODE = {
  name: 'bare node',
  argv: () => [process.execPath, '-e', "setTimeout(() => process.stderr.write('ready\\n'), 100)"],
  readyLine: /ready/,
};

/** Median ms from a bare Node process's line reaching the bench to the bench seeing it exit. */
async function nodeExitFloor(root) {
  const gaps = [];
  for (let i = 0; i < MARK_RUNS; i++) {
    const run = startWaiter(BARE_NODE, { port: 0, cwd: root });
    const end = await within(run.end, DETECT_TIMEOUT_MS);
    if (end === undefined || run.readyAt() === undefined)
      throw new Error(`a bare node process did not print and exit: ${run.output()}`);
    gaps.push(end.at - run.readyAt());
  }
  return median(gaps);
}

/**
 * Where a `portier wait` process spends its time when the port already listens (one attempt):
 * medians of Node's start-up, loading the CLI, main() and main() resolving → process exit.
 */
async function coldWaitPhases(root) {
  const port = await pickFreePort();
  const { child } = await startNodeChild(LISTENER, [String(port)]);
  try {
    const marks = coldCliMarks(root, ['wait', `127.0.0.1:${port}`, '--timeout', '10s'], MARK_RUNS);
    const names = ['bootMs', 'requireMs', 'mainMs', 'exitMs'];
    return Object.fromEntries(names.map((k) => [k, marks[k]?.medianMs]));
  } finally {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    stopChild(child.pid);
    await within(gone, 5_000);
  }
}

/** The detection summary of one waiter from its rounds, with the clock check. */
function detectionResult(waiter, samples) {
  const worst = samples
    .map((s) => s.clock)
    .reduce((a, c) => (Math.abs(c.offsetMs) > Math.abs(a.offsetMs) ? c : a));
  const printed = defined(samples.map((s) => s.printedMs));
  const readyLineMs = printed.length > 0 ? median(printed) : undefined;
  return {
    kind: waiter.inProcess ? 'in-process' : 'process',
    ...summarize(samples.map((s) => s.detectionMs)),
    tool:
      readyLineMs === undefined
        ? waiter.settings
        : `${waiter.settings}; its ready line arrived at ${formatMs(readyLineMs)} ms (median)`,
    settings: waiter.settings,
    readyLineMedianMs: readyLineMs,
    worstClockOffset: worst,
    ...(Math.abs(worst.offsetMs) - worst.uncertaintyMs > CLOCK_SLACK_MS
      ? { failed: `a listener's clock was ${worst.offsetMs.toFixed(2)} ms off the bench's` }
      : {}),
  };
}

/** The CPU summary of one waiter from its windows. */
function cpuResult(waiter, windows, ticksPerS) {
  const rates = defined(windows.map((w) => w.attemptsPerS));
  const idles = defined(windows.map((w) => w.idlePercent));
  return {
    kind: 'cpu',
    ...summarizePercent(windows.map((w) => w.percent)),
    tool: waiter.inProcess
      ? `process.cpuUsage() of the bench over ${CPU_WINDOW_MS} ms, less its idle ${median(idles).toFixed(1)} %; ${median(rates).toFixed(0)} attempts/s`
      : `/proc/<pid>/stat utime+stime over ${CPU_WINDOW_MS} ms, ${ticksPerS} ticks/s`,
    settings: waiter.settings,
    ...(rates.length > 0 ? { attemptsPerSecond: median(rates) } : {}),
  };
}

/**
 * `rounds` detection rounds and `cpuWindows` CPU windows per waiter, rotating the order each
 * round. Returns `<waiter>: detection` and `<waiter>: CPU polling` summaries.
 */
export async function runWaitCases({ lib, root, rounds, cpuWindows, log }) {
  const waiters = createWaiters(root);
  const ticksPerS = clockTicksPerSecond();
  const detected = waiters.filter((w) => !w.cpuOnly);
  const detections = new Map(detected.map((w) => [w.name, []]));
  const cpu = new Map(waiters.map((w) => [w.name, []]));
  const rotated = (list, round) => list.map((_, i) => list[(round + i) % list.length]);
  for (let round = 0; round < rounds; round++) {
    log?.(`wait: detection round ${round + 1} of ${rounds}`);
    for (const waiter of rotated(detected, round))
      detections.get(waiter.name).push(await detectOnce(waiter, { lib, root }));
  }
  for (let window = 0; window < cpuWindows; window++) {
    log?.(`wait: CPU window ${window + 1} of ${cpuWindows}`);
    for (const waiter of rotated(waiters, window))
      cpu.get(waiter.name).push(await cpuOnce(waiter, { lib, root, ticksPerS }));
  }
  const phases = await coldWaitPhases(root);
  const exitFloorMs = await nodeExitFloor(root);
  const results = {};
  for (const waiter of waiters) {
    if (!waiter.cpuOnly)
      results[`${waiter.name}: detection`] = detectionResult(waiter, detections.get(waiter.name));
    results[`${waiter.name}: CPU polling`] = cpuResult(waiter, cpu.get(waiter.name), ticksPerS);
  }
  const portier = results['portier wait: detection'];
  portier.phasesOnListeningPort = phases;
  portier.nodeExitFloorMs = exitFloorMs;
  portier.tool += `; cold runs on a port already listening: Node start ${formatMs(phases.bootMs)}, load CLI ${formatMs(phases.requireMs)}, wait ${formatMs(phases.mainMs)}, main() → exit ${formatMs(phases.exitMs)} ms; a bare Node process's line → its exit: ${formatMs(exitFloorMs)} ms`;
  return results;
}
