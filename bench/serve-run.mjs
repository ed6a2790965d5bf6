// `node bench/serve-run.mjs` (after `npm run build`): `portier serve` against serve,
// http-server, sirv-cli, nginx and Caddy with wrk on loopback; prints a markdown report and
// writes the raw numbers to bench/results/serve-latest.json.
// Flags: --quick (3 s runs instead of 10 s, for trying the bench), --update-docs (rewrite the
// serve section of docs/benchmarks.md), --strict (exit 1 when a target fails), --wait-quiet
// (first wait up to 2 minutes for other processes to use under 10% of the machine),
// --rounds N (measure every server N times, in turn, and keep each cell's median round;
// default 1), --only id,id (contenders by id: portier, serve, http-server, sirv, nginx,
// caddy, floor, portier-reload, portier-log, portier-defaults).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from './children.mjs';
import { waitForQuiet } from './machine.mjs';
import { renderServeReport, updateServeDocs } from './serve/report.mjs';
import { removeServeTempDirs, runServeBench } from './serve/run-serve-bench.mjs';
import { evaluateServeTargets } from './serve/targets.mjs';
import { runGuarded } from './shared/bench-guard.mjs';
import { finishRun } from './shared/finish-run.mjs';
import { onlyFlag, roundsFlag } from './shared/flags.mjs';
import { createSnapshot, describeSource } from './snapshot.mjs';

/** The bench stops itself after this long per round, whatever hangs (a round takes ~6.5 minutes). */
const WATCHDOG_PER_ROUND_MS = 12 * 60_000;

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv);
const log = (message) => process.stderr.write(`bench:serve: ${message}\n`);

const rounds = roundsFlag(argv, 1);
const watchdogMs = rounds * WATCHDOG_PER_ROUND_MS;

/** Why the bench cannot run here, or undefined. */
function missingPrerequisite() {
  if (!existsSync(join(root, 'dist/commands/serve.cjs')))
    return 'dist/commands/serve.cjs is missing: run `npm run build` first.';
  if (spawnSync('wrk', ['--version']).error) return 'wrk is not installed: `apt-get install wrk`.';
  return undefined;
}

let snapshot;
/** Aborted on a signal or the watchdog, so the run starts nothing more while it is stopped. */
const stop = new AbortController();
async function cleanUp() {
  stop.abort();
  await stopAllChildren();
  removeServeTempDirs();
  snapshot?.remove();
  snapshot = undefined;
}

async function main() {
  const missing = missingPrerequisite();
  if (missing) {
    log(missing);
    return 2;
  }
  if (flags.has('--wait-quiet')) {
    log('waiting for the machine to be quiet (other processes < 10% for 5 s, up to 2 min)…');
    log(`other processes: ${Math.round((await waitForQuiet()) * 100)}%`);
  }
  snapshot = createSnapshot(root);
  const source = describeSource(root);
  const run = await runServeBench({
    root,
    portierDir: snapshot.dir,
    quick: flags.has('--quick'),
    rounds,
    only: onlyFlag(argv),
    log,
    signal: stop.signal,
  });
  await cleanUp();
  const targets = evaluateServeTargets(run.contenders, run.cases);
  const report = renderServeReport(run, targets, source);
  return finishRun({
    root,
    flags,
    log,
    name: 'serve',
    section: 'serve',
    run,
    source,
    targets,
    report,
    updateDocs: updateServeDocs,
  });
}

runGuarded({ main, cleanUp, log, watchdogMs: watchdogMs });
