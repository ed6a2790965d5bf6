// `node bench/serve-run.mjs` (after `npm run build`): `portier serve` against serve,
// http-server, sirv-cli, nginx and Caddy with wrk on loopback; prints a markdown report and
// writes the raw numbers to bench/results/serve-latest.json.
// Flags: --quick (3 s runs instead of 10 s, for trying the bench), --update-docs (rewrite the
// serve section of docs/benchmarks.md), --strict (exit 1 when a target fails), --wait-quiet
// (first wait up to 2 minutes for other processes to use under 10% of the machine),
// --rounds N (measure every server N times, in turn, and keep each cell's median round;
// default 1), --only id,id (contenders by id: portier, serve, http-server, sirv, nginx,
// caddy, floor, portier-reload, portier-log, portier-defaults).
import { fileURLToPath } from 'node:url';
import { renderServeReport, updateServeDocs } from './serve/report.mjs';
import { runServeBench } from './serve/run-serve-bench.mjs';
import { evaluateServeTargets } from './serve/targets.mjs';
import { roundsFlag } from './shared/flags.mjs';
import { removeTempDirs } from './shared/temp-dirs.mjs';
import { runWrkBench } from './shared/wrk-runner.mjs';

/** The bench stops itself after this long per round, whatever hangs (a round takes ~6.5 minutes). */
const WATCHDOG_PER_ROUND_MS = 12 * 60_000;

const argv = process.argv.slice(2);
const rounds = roundsFlag(argv, 1);

runWrkBench({
  name: 'serve',
  root: fileURLToPath(new URL('..', import.meta.url)),
  argv,
  rounds,
  watchdogMs: rounds * WATCHDOG_PER_ROUND_MS,
  requiredFile: 'dist/commands/serve.cjs',
  runBench: runServeBench,
  removeTempDirs,
  evaluate: (run) => evaluateServeTargets(run.contenders, run.cases),
  render: renderServeReport,
  updateDocs: updateServeDocs,
});
