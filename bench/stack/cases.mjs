// The stack bench's measurements: start rounds over the four cases in rotated order, then the
// idle supervisor of `up -d` (the target) and of `up` in the foreground (context).
import { BUSY_SHARE } from './busy.mjs';
import { measureIdle } from './idle.mjs';
import { runPeer } from './peer.mjs';
import { runDetached, runForeground } from './portier.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The median of numbers (mean of the middle two for an even count); undefined for none. */
export function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `items` rotated left by `n` (any integer). */
export function rotate(items, n) {
  const k = ((n % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * The median a target uses: over the quiet starts (other processes ≤ {@link BUSY_SHARE} of the
 * machine) when at least half the starts were quiet, else over all of them.
 */
export function summarizeStarts(samples, shares) {
  const quiet = samples.filter((_, i) => (shares[i] ?? 1) <= BUSY_SHARE);
  const useQuiet = quiet.length > 0 && quiet.length * 2 >= samples.length;
  return {
    medianMs: median(useQuiet ? quiet : samples),
    medianAllMs: median(samples),
    quietRuns: quiet.length,
    basis: useQuiet ? 'quiet' : 'all',
  };
}

/** Per-phase medians over rounds' phase objects. */
function medianPhases(list) {
  if (list.length === 0) return undefined;
  return Object.fromEntries(Object.keys(list[0]).map((k) => [k, median(list.map((p) => p[k]))]));
}

/** Starts one case, keeps its numbers when `keep`, always stops it. Returns its CPU if detached. */
async function startAndStop(run, record, keep, cleanUp) {
  let started;
  try {
    started = await run();
    if (started.problems.length) throw new Error(started.problems.join('; '));
    if (keep) record(started);
  } catch (error) {
    if (keep) record(undefined, error.message);
    else throw error;
  }
  const cpuS = started?.detachedCpuS?.() ?? 0;
  try {
    const stopped = started ? await started.stop() : { problems: ['start failed'] };
    if (stopped.problems.length) {
      if (keep && started) record(undefined, `stop: ${stopped.problems.join('; ')}`);
      await cleanUp();
    }
  } catch (error) {
    if (keep) record(undefined, `stop: ${error.message}`);
    await cleanUp();
  }
  return cpuS;
}

/**
 * `rounds` rounds (after `warmupRounds` unrecorded ones) starting every case once, in an order
 * rotated each round. Returns case id → { samples, medianMs, errors, reported, phases } and the
 * CPU seconds the detached supervisors used (not in the bench's own counters).
 */
export async function runStartRounds({ portierCtx, peerCtx, settings, log, signal, cleanUp }) {
  const cases = {
    foreground: () => runForeground(portierCtx),
    detached: () => runDetached(portierCtx),
    peerDefault: () => runPeer(peerCtx, undefined),
    peerFast: () => runPeer(peerCtx, 10),
  };
  const ids = Object.keys(cases);
  const data = Object.fromEntries(
    ids.map((id) => [
      id,
      { samples: [], shares: [], idle: [], errors: [], reported: [], phaseList: [] },
    ]),
  );
  let detachedCpuS = 0;
  for (let round = -settings.warmupRounds; round < settings.rounds; round++) {
    for (const id of rotate(ids, round)) {
      if (signal.aborted) throw new Error('aborted');
      const d = data[id];
      const record = (started, error) => {
        if (error) return void d.errors.push(error);
        d.samples.push(started.ms);
        d.shares.push(started.shares.other);
        d.idle.push(started.shares.idle);
        if (started.reported) d.reported.push(started.reported);
        if (started.phases && Object.keys(started.phases).length) d.phaseList.push(started.phases);
      };
      detachedCpuS += await startAndStop(cases[id], record, round >= 0, cleanUp);
      const last = d.samples.at(-1);
      const share = d.shares.at(-1);
      const kept = round >= 0 && last !== undefined;
      const busy =
        kept && share !== undefined ? `, other processes ${Math.round(share * 100)}%` : '';
      log(
        `round ${round < 0 ? 'warm-up' : round + 1}: ${id} ${kept ? `${last.toFixed(0)} ms${busy}` : 'done'}${d.errors.length ? ` (${d.errors.length} errors)` : ''}`,
      );
      await sleep(settings.pauseMs);
    }
  }
  const starts = { count: settings.count };
  const phases = {};
  for (const id of ids) {
    const { phaseList, ...d } = data[id];
    const idle = d.idle.filter((x) => x !== undefined);
    starts[id] = { ...d, ...summarizeStarts(d.samples, d.shares), medianIdle: median(idle) };
    if (phaseList.length) phases[id] = medianPhases(phaseList);
  }
  return { starts, phases, detachedCpuS };
}

/** The idle supervisor of one start (`runDetached` or `runForeground`), then stops it. */
async function idleOf(run, settings, cleanUp) {
  const started = await run();
  try {
    if (started.problems.length) throw new Error(started.problems.join('; '));
    const { status } = started;
    if (status.pid !== started.supervisorPid)
      throw new Error(`ps says supervisor pid ${status.pid}, expected ${started.supervisorPid}`);
    const measured = await measureIdle({
      supervisorPid: status.pid,
      servicePids: status.services.map((s) => s.pid),
      settleMs: settings.idleSettleMs,
      windowMs: settings.idleWindowMs,
    });
    return { measured, cpuS: started.detachedCpuS?.() ?? 0 };
  } finally {
    const stopped = await started.stop().catch((error) => ({ problems: [error.message] }));
    if (stopped.problems.length) await cleanUp();
  }
}

/** Idle measures of `up -d` (target) and the foreground supervisor (context). */
export async function runIdleCases({ portierCtx, settings, log, cleanUp }) {
  const idle = {};
  const errors = [];
  let detachedCpuS = 0;
  for (const [id, run] of [
    ['detached', () => runDetached(portierCtx)],
    ['foreground', () => runForeground(portierCtx)],
  ]) {
    try {
      const { measured, cpuS } = await idleOf(run, settings, cleanUp);
      idle[id] = measured;
      detachedCpuS += cpuS;
      log(`idle ${id}: ${measured.cpuPct.toFixed(2)}% of a core, ${measured.rssMB?.toFixed(1)} MB`);
    } catch (error) {
      errors.push(`idle ${id}: ${error.message}`);
      await cleanUp();
    }
  }
  return { idle, errors, detachedCpuS };
}
