// `node bench/door-run.mjs` (after `npm run build`): portier's front door against direct,
// http-proxy and http-proxy-3 (with and without keep-alive), a bare node:http proxy, nginx and
// Caddy, all in front of the same upstream, with wrk on loopback; prints a markdown report and
// writes the raw numbers to bench/results/door-latest.json.
// Flags: --quick (1 round of 2 s runs instead of 3 rounds of 5 s, for trying the bench),
// --update-docs (rewrite the door section of docs/benchmarks.md), --strict (exit 1 when a
// target fails), --wait-quiet (first wait up to 2 minutes for other processes to use under 10%
// of the machine), --rounds N, --only id,id (contenders by id: direct, door, http-proxy-ka,
// http-proxy, http-proxy-3-ka, http-proxy-3, bare, nginx, caddy).
import { fileURLToPath } from 'node:url';
import { CASES } from './door/contenders.mjs';
import { renderDoorReport, updateDoorDocs } from './door/report.mjs';
import { ROUNDS, RUN_S, runDoorBench, WARMUP_S } from './door/run-door-bench.mjs';
import { evaluateDoorTargets } from './door/targets.mjs';
import { roundsFlag } from './shared/flags.mjs';
import { removeTempDirs } from './shared/temp-dirs.mjs';
import { runWrkBench } from './shared/wrk-runner.mjs';

/** Contenders of a round, for the watchdog's budget. */
const CONTENDERS = 9;
/** Slack per wrk run and per contender start (spawn, route, checks), seconds. */
const RUN_SLACK_S = 2;
const START_SLACK_S = 20;

const argv = process.argv.slice(2);
const mode = argv.includes('--quick') ? 'quick' : 'full';
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

/** One stderr line per target row: PASS/FAIL with the values and the ratio. */
function logTargets(targets, log) {
  for (const t of targets) {
    if (t.result === 'info' || t.result === 'not run') continue;
    const ratio = t.ratio === undefined ? '' : ` = ${t.ratio.toFixed(2)}×`;
    const against = t.peer ? ` vs ${t.peer} ${t.peerValue?.toFixed(3)}` : '';
    log(
      `${t.result}: ${t.caseId} door ${t.metric} ${t.value?.toFixed(3)}${against}${ratio} (target ${t.target})`,
    );
  }
}

runWrkBench({
  name: 'door',
  root: fileURLToPath(new URL('..', import.meta.url)),
  argv,
  rounds,
  watchdogMs,
  requiredFile: 'dist/cli.cjs',
  runBench: runDoorBench,
  removeTempDirs,
  evaluate: (run) => evaluateDoorTargets(run.contenders, run.memory),
  render: renderDoorReport,
  afterEvaluate: logTargets,
  updateDocs: updateDoorDocs,
});
