// The door bench itself: one upstream for the whole run; then, round after round, every
// contender in turn — start it, give it its route, check what it answers, warm it up, run wrk
// for each case, stop it — and last the door's memory with 1,000 open clients.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSnapshot, describeMachine, otherWork } from '../machine.mjs';
import { summariseRounds } from '../serve/run-serve-bench.mjs';
import { createSite } from '../serve/site.mjs';
import { WRK_THREADS, wrkArgs } from '../serve/wrk.mjs';
import { entriesFor, runEntry } from '../shared/run-entry.mjs';
import { removeTempDirs, trackTempDirs } from '../shared/temp-dirs.mjs';
import { hostFor, runContender, runMemoryCase } from './contender-run.mjs';
import { bodyFiles, CASES, listDoorContenders } from './contenders.mjs';
import { MEMORY_CONNECTIONS } from './memory.mjs';
import { startUpstream } from './upstream.mjs';

/** Seconds of each measured wrk run. */
export const RUN_S = { full: 5, quick: 2 };
/** Warm-up before the measured runs, seconds per body (JIT for the Node proxies). */
export const WARMUP_S = { full: 2, quick: 1 };
/** Rounds by default: each cell is the median of its rounds. */
export const ROUNDS = { full: 3, quick: 1 };
/** Round `round` (1-based) runs the contenders forward, the next one backward, and so on. */
export function roundOrder(items, round) {
  return round % 2 === 1 ? [...items] : [...items].reverse();
}

/** Every round: each contender not skipped, in {@link roundOrder}; its cases go to `rounds`. */
async function runRounds(all, contenders, { roundCount, log, signal, ...settings }) {
  for (let round = 1; round <= roundCount; round++) {
    if (roundCount > 1) log(`round ${round} of ${roundCount}`);
    for (const i of roundOrder(all.keys(), round)) {
      const entry = contenders[i];
      if (entry.skip) continue;
      await runEntry(entry, (options) => runContender(all[i], options), {
        ...settings,
        log,
        signal,
      });
    }
  }
}

/** The memory case, its failure as data (`{ error }`) unless the bench is being stopped. */
async function runMemory(door, { log, signal, ...settings }) {
  log(`portier door with ${MEMORY_CONNECTIONS} open keep-alive clients…`);
  try {
    const memory = await runMemoryCase(door, { ...settings, signal });
    log(
      `  RSS ${memory.rssMB.toFixed(1)} MB (idle ${memory.rssIdleMB.toFixed(1)} MB), ${memory.open} open`,
    );
    return memory;
  } catch (error) {
    if (signal?.aborted) throw error;
    log(`memory case FAILED: ${error.message ?? error}`);
    return { error: String(error.message ?? error) };
  }
}

/** The settings part of the run's JSON: what was run, how long, against which upstream. */
function describeSettings({ quick, roundCount, durationS, warmupS, site, upstream }) {
  const wrk = wrkArgs({
    url: 'URL',
    connections: 'N',
    durationS,
    headers: [`Host: ${hostFor('PORT')}`],
  });
  return {
    quick,
    rounds: roundCount,
    durationS,
    warmupS,
    wrk: `wrk ${wrk.map((arg) => (arg.includes(' ') ? `'${arg}'` : arg)).join(' ')}`,
    wrkThreads: WRK_THREADS,
    files: site.files,
    upstream: upstream?.command,
  };
}

/**
 * Runs the door bench and resolves with everything measured (the JSON of the report).
 * `portierDir` holds the built package measured; `root` the checkout, whose node_modules has
 * the Node peers. `only` limits the contenders by id; aborting `signal` stops the run before
 * its next spawn (it then rejects). Each cell is the round with the median req/s among its
 * quiet rounds (`usableRuns` of the serve bench).
 */
export async function runDoorBench({
  root,
  portierDir,
  quick = false,
  rounds,
  only,
  log = () => {},
  signal,
}) {
  const mode = quick ? 'quick' : 'full';
  const durationS = RUN_S[mode];
  const warmupS = WARMUP_S[mode];
  const roundCount = rounds ?? ROUNDS[mode];
  const site = createSite(bodyFiles());
  const workDir = mkdtempSync(join(tmpdir(), 'portier-door-bench-'));
  trackTempDirs(site.dir, workDir);
  const started = performance.now();
  const machine = describeMachine();
  const before = cpuSnapshot();
  const contenders = [];
  let upstream;
  let memory;
  try {
    upstream = await startUpstream({ site, workDir });
    const all = listDoorContenders({ root, portierDir, workDir, upstream });
    contenders.push(...entriesFor(all, only, log));
    await runRounds(all, contenders, {
      roundCount,
      site,
      upstream,
      durationS,
      warmupS,
      log,
      signal,
    });
    if (!contenders.find((c) => c.id === 'door').skip) {
      const door = all.find((c) => c.id === 'door');
      memory = await runMemory(door, { site, upstream, warmupS, log, signal });
    }
  } finally {
    await upstream?.stop();
    removeTempDirs();
  }
  for (const entry of contenders) summariseRounds(entry);
  return {
    date: new Date().toISOString(),
    machine,
    loadAverageEnd: describeMachine().loadAverage,
    otherWork: otherWork(before, cpuSnapshot()),
    settings: describeSettings({ quick, roundCount, durationS, warmupS, site, upstream }),
    cases: CASES,
    contenders,
    memory,
    totalS: (performance.now() - started) / 1000,
  };
}
