// `node bench/door-run.mjs` (after `npm run build`): portier's front door against direct,
// http-proxy and http-proxy-3 (with and without keep-alive), a bare node:http proxy, nginx and
// Caddy, all in front of the same upstream, with wrk on loopback; prints a markdown report and
// writes the raw numbers to bench/results/door-latest.json.
// Flags: --quick (1 round of 2 s runs instead of 3 rounds of 5 s, for trying the bench),
// --update-docs (rewrite the door section of docs/benchmarks.md), --strict (exit 1 when a
// target fails), --wait-quiet (first wait up to 2 minutes for other processes to use under 10%
// of the machine), --rounds N, --only id,id (contenders by id: direct, door, http-proxy-ka,
// http-proxy, http-proxy-3-ka, http-proxy-3, bare, nginx, caddy).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from './children.mjs';
import { CASES } from './door/contenders.mjs';
import { renderDoorReport, updateDoorDocs } from './door/report.mjs';
import {
  ROUNDS,
  RUN_S,
  removeDoorTempDirs,
  runDoorBench,
  WARMUP_S,
} from './door/run-door-bench.mjs';
import { evaluateDoorTargets } from './door/targets.mjs';
import { waitForQuiet } from './machine.mjs';
import { runGuarded } from './shared/bench-guard.mjs';
import { finishRun } from './shared/finish-run.mjs';
import { onlyFlag, roundsFlag } from './shared/flags.mjs';
import { createSnapshot, describeSource } from './snapshot.mjs';

/** Contenders of a round, for the watchdog's budget. */
const CONTENDERS = 9;
/** Slack per wrk run and per contender start (spawn, route, checks), seconds. */
const RUN_SLACK_S = 2;
const START_SLACK_S = 20;

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv);
const quick = flags.has('--quick');
const log = (message) => process.stderr.write(`bench:door: ${message}\n`);

const mode = quick ? 'quick' : 'full';
const rounds = roundsFlag(argv) ?? ROUNDS[mode];
/**
 * The bench stops itself after this long, whatever hangs: each round starts every contender
 * and runs its warm-ups and cases (a full round takes ~6 minutes), then the memory case.
 */
const watchdogMs =
  1000 *
  (180 +
    rounds *
      CONTENDERS *
      (CASES.length * (RUN_S[mode] + RUN_SLACK_S) +
        2 * (WARMUP_S[mode] + RUN_SLACK_S) +
        START_SLACK_S));

/** Why the bench cannot run here, or undefined. */
function missingPrerequisite() {
  if (!existsSync(join(root, 'dist/cli.cjs')))
    return 'dist/cli.cjs is missing: run `npm run build` first.';
  if (spawnSync('wrk', ['--version']).error) return 'wrk is not installed: `apt-get install wrk`.';
  return undefined;
}

let snapshot;
/** Aborted on a signal or the watchdog, so the run starts nothing more while it is stopped. */
const stop = new AbortController();
async function cleanUp() {
  stop.abort();
  await stopAllChildren();
  removeDoorTempDirs();
  snapshot?.remove();
  snapshot = undefined;
}

/** One stderr line per target row: PASS/FAIL with the values and the ratio. */
function logTargets(targets) {
  for (const t of targets) {
    if (t.result === 'info' || t.result === 'not run') continue;
    const ratio = t.ratio === undefined ? '' : ` = ${t.ratio.toFixed(2)}×`;
    const against = t.peer ? ` vs ${t.peer} ${t.peerValue?.toFixed(3)}` : '';
    log(
      `${t.result}: ${t.caseId} door ${t.metric} ${t.value?.toFixed(3)}${against}${ratio} (target ${t.target})`,
    );
  }
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
  const run = await runDoorBench({
    root,
    portierDir: snapshot.dir,
    quick,
    rounds,
    only: onlyFlag(argv),
    log,
    signal: stop.signal,
  });
  await cleanUp();
  const targets = evaluateDoorTargets(run.contenders, run.memory);
  const report = renderDoorReport(run, targets, source);
  logTargets(targets);
  return finishRun({
    root,
    flags,
    log,
    name: 'door',
    section: 'door',
    run,
    source,
    targets,
    report,
    updateDocs: updateDoorDocs,
  });
}

runGuarded({ main, cleanUp, log, watchdogMs: watchdogMs });
