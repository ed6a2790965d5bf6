// `npm run bench`: measures portier against its peers with a background load present, prints
// a markdown report and writes the raw numbers to bench/results/latest.json.
// Flags: --quick (fewer runs, for trying the bench), --update-docs (rewrite the results
// section of docs/benchmarks.md), --strict (exit 1 when a target fails), --no-diagnostics,
// --listeners N and --connections N (the load; default 200 and 2000), --wait-quiet (first wait
// up to 2 minutes for other processes to use under 10% of the machine).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runDoctorCases } from './cases/doctor.mjs';
import { runKillCases } from './cases/kill.mjs';
import { runLookupCases } from './cases/lookups.mjs';
import { runPickCases } from './cases/pick.mjs';
import { runProcessCases } from './cases/processes.mjs';
import { runWaitCases } from './cases/wait.mjs';
import { runningChildren, stopAllChildren } from './children.mjs';
import { runDiagnostics } from './diagnostics/index.mjs';
import { loadInternals } from './internals.mjs';
import { DEFAULT_LOAD, startLoad } from './load.mjs';
import { cpuSnapshot, describeMachine, otherWork, waitQuietIfAsked } from './machine.mjs';
import { hasHyperfine } from './measure.mjs';
import { renderReport, updateDocs, writeJson } from './report.mjs';
import { wholeNumberFlag } from './shared/flags.mjs';
import { createSnapshot, describeSource } from './snapshot.mjs';
import { evaluateTargets } from './targets.mjs';

/** The bench stops itself after this long, whatever hangs. */
const WATCHDOG_MS = 10 * 60_000;

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv);

const loadSize = {
  listeners: wholeNumberFlag(argv, '--listeners', DEFAULT_LOAD.listeners),
  connections: wholeNumberFlag(argv, '--connections', DEFAULT_LOAD.connections),
};
const quick = flags.has('--quick');
const settings = {
  processRuns: quick ? 10 : 60,
  lookupRuns: quick ? 10 : 40,
  peerRuns: quick ? 5 : 20,
  pickCalls: quick ? 100 : 500,
  // Each round frees three fresh listeners; 25 keep the medians steady against kill-port's spread
  // and this machine's slow spells (Node's start-up alone varies by 10 ms between runs).
  killRounds: quick ? 2 : 25,
  waitRounds: quick ? 3 : 10,
  cpuWindows: quick ? 1 : 2,
  doctorRuns: quick ? 10 : 30,
  timing: hasHyperfine() ? 'hyperfine -N' : 'spawnSync',
};

const log = (message) => process.stderr.write(`bench: ${message}\n`);

/** The private copy of the code under test, removed however the bench ends. */
let snapshot;

async function section(name, errors, fn) {
  const start = performance.now();
  log(`${name}…`);
  try {
    const out = await fn();
    log(`${name} done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return out;
  } catch (error) {
    log(`${name} FAILED: ${error.stack ?? error}`);
    errors.push({ section: name, message: String(error.message ?? error) });
    return {};
  }
}

/** The sections measured with the load up, in order: each returns case name → summary. */
function loadedSections(lib, load, target) {
  const { processRuns, lookupRuns, peerRuns, pickCalls, killRounds, doctorRuns } = settings;
  return [
    ['whole-process cases', () => runProcessCases({ root: target, runs: processRuns, warmup: 3 })],
    [
      'in-process lookups',
      () => runLookupCases({ lib, load, runs: lookupRuns, warmup: 3, peerRuns }),
    ],
    ['pickPort and get-port', () => runPickCases({ lib, calls: pickCalls })],
    ['kill', () => runKillCases({ lib, root: target, rounds: killRounds })],
    [
      'doctor under load',
      () => runDoctorCases({ root: target, runs: doctorRuns, warmup: 3, suffix: ' (under load)' }),
    ],
  ];
}

/**
 * The second capability's sections (probes, wait, doctor), measured once the load is gone:
 * its targets concern one waiter or one doctor on a developer machine, not a loaded one.
 */
function unloadedSections(lib, target) {
  const { waitRounds, cpuWindows, doctorRuns } = settings;
  return [
    ['wait', () => runWaitCases({ lib, root: target, rounds: waitRounds, cpuWindows, log })],
    [
      'doctor',
      () =>
        runDoctorCases({ root: target, runs: doctorRuns, warmup: 3, floor: 'node -e 0 (no load)' }),
    ],
  ];
}

/** Loads src/ internals for the diagnostics now, so they match the snapshot of dist/. */
async function loadInternalsEarly() {
  if (flags.has('--no-diagnostics')) return undefined;
  try {
    return await loadInternals(root);
  } catch (error) {
    return { error: `internal modules not loadable from src/: ${error.message}` };
  }
}

/**
 * Runs every section against the snapshot at `target`: the first capability's with the load
 * up (and the diagnostics), then stops the load and runs the second capability's.
 */
async function measureAll(target, internals, errors) {
  const lib = await import(`${target}/dist/index.js`);
  log(`starting load: ${loadSize.listeners} listeners, ${loadSize.connections} connections`);
  const load = await startLoad(loadSize);
  log(`load ready (pid ${load.pid}): ${JSON.stringify(load.table)}, ${load.fdTotals.fds} fds`);
  const results = {};
  let diagnostics = {};
  try {
    for (const [name, fn] of loadedSections(lib, load, target))
      Object.assign(results, await section(name, errors, fn));
    if (internals) {
      diagnostics = await section('diagnostics', errors, () =>
        runDiagnostics({ root: target, lib, internals, killRounds: settings.killRounds, log }),
      );
    }
  } finally {
    load.stop();
    await stopAllChildren();
  }
  log('load stopped');
  try {
    for (const [name, fn] of unloadedSections(lib, target))
      Object.assign(results, await section(name, errors, fn));
  } finally {
    await stopAllChildren();
  }
  const { stop, child, ...loadFacts } = load;
  return { results, diagnostics, load: loadFacts };
}

async function main() {
  for (const file of ['dist/index.js', 'bin/portier.cjs']) {
    if (!existsSync(`${root}/${file}`))
      throw new Error(`${file} is missing: run \`npm run build\``);
  }
  snapshot = createSnapshot(root);
  const source = describeSource(root);
  const internals = await loadInternalsEarly();
  await waitQuietIfAsked(flags, log);
  const started = performance.now();
  const loadAverageAtStart = describeMachine().loadAverage;
  const cpuAtStart = cpuSnapshot();
  const errors = [];
  let measured;
  try {
    measured = await measureAll(snapshot.dir, internals, errors);
  } finally {
    snapshot.remove();
  }
  const { results, diagnostics, load } = measured;
  const leftovers = runningChildren();
  if (leftovers.length > 0)
    errors.push({ section: 'cleanup', message: `still running: ${leftovers}` });

  const meta = {
    date: new Date().toISOString(),
    machine: { ...describeMachine(), loadAverageAtStart },
    otherWork: otherWork(cpuAtStart, cpuSnapshot()),
    source,
    load,
    settings,
    totalSeconds: (performance.now() - started) / 1000,
  };
  const rows = evaluateTargets(results);
  const report = renderReport(meta, rows, results);
  const diagnosticsText = diagnostics.markdown ? `\n${diagnostics.markdown}` : '';
  const errorText =
    errors.length > 0
      ? `\nErrors:\n${errors.map((e) => `- ${e.section}: ${e.message}`).join('\n')}\n`
      : '';
  process.stdout.write(`${report}${diagnosticsText}${errorText}`);
  const raw = { ...meta, targets: rows, results, diagnostics, errors };
  writeJson(`${root}/bench/results/latest.json`, raw, root);
  if (flags.has('--update-docs')) {
    updateDocs(`${root}/docs/benchmarks.md`, `${report}${diagnosticsText}`);
    log('updated docs/benchmarks.md');
  }
  const failing = rows.some((r) => r.verdict === 'FAIL');
  return errors.length > 0 ? 1 : flags.has('--strict') && failing ? 1 : 0;
}

let stopping = false;

/** Stops what the bench started and exits with `code`. */
async function abort(code) {
  if (stopping) return;
  stopping = true;
  log(`stopping early (exit ${code})`);
  await stopAllChildren();
  snapshot?.remove();
  process.exit(code);
}

const watchdog = setTimeout(() => {
  log(`still running after ${WATCHDOG_MS / 1000} s`);
  abort(1);
}, WATCHDOG_MS);
watchdog.unref();
// \`on\`, not \`once\`: execa (inside pid-port) uses signal-exit, which re-raises a signal to kill
// the process at once when it sees no other listener left — before the load is stopped.
process.on('SIGINT', () => abort(130));
process.on('SIGTERM', () => abort(143));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    log(error.stack ?? String(error));
    abort(1);
  },
);
