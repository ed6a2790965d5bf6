// The common body of the wrk benches (serve, door): check what they need, optionally wait for
// a quiet machine, measure a snapshot of the build, then evaluate, report and finish, all under
// the guard (watchdog, signals, clean-up).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stopAllChildren } from '../children.mjs';
import { waitQuietIfAsked } from '../machine.mjs';
import { createSnapshot, describeSource } from '../snapshot.mjs';
import { runGuarded } from './bench-guard.mjs';
import { finishRun } from './finish-run.mjs';
import { onlyFlag } from './flags.mjs';

/**
 * Runs one wrk bench. `runBench(options)` measures (`options`: root, portierDir, quick, rounds,
 * only, log, signal); `evaluate(run)` gives its target rows, `render(run, targets, source)` its
 * markdown report; `afterEvaluate(targets)` may log them. `requiredFile` (relative to `root`)
 * must exist: the build the bench measures. `removeTempDirs` runs on every clean-up.
 */
export function runWrkBench({
  name,
  root,
  argv,
  rounds,
  watchdogMs,
  requiredFile,
  runBench,
  removeTempDirs,
  evaluate,
  render,
  afterEvaluate = () => {},
  updateDocs,
}) {
  const flags = new Set(argv);
  const log = (message) => process.stderr.write(`bench:${name}: ${message}\n`);
  let snapshot;
  /** Aborted on a signal or the watchdog, so the run starts nothing more while it is stopped. */
  const stop = new AbortController();
  const cleanUp = async () => {
    stop.abort();
    await stopAllChildren();
    removeTempDirs();
    snapshot?.remove();
    snapshot = undefined;
  };
  const missingPrerequisite = () => {
    if (!existsSync(join(root, requiredFile)))
      return `${requiredFile} is missing: run \`npm run build\` first.`;
    if (spawnSync('wrk', ['--version']).error)
      return 'wrk is not installed: `apt-get install wrk`.';
    return undefined;
  };
  const main = async () => {
    const missing = missingPrerequisite();
    if (missing) {
      log(missing);
      return 2;
    }
    await waitQuietIfAsked(flags, log);
    snapshot = createSnapshot(root);
    const source = describeSource(root);
    const run = await runBench({
      root,
      portierDir: snapshot.dir,
      quick: flags.has('--quick'),
      rounds,
      only: onlyFlag(argv),
      log,
      signal: stop.signal,
    });
    await cleanUp();
    const targets = evaluate(run);
    afterEvaluate(targets, log);
    const report = render(run, targets, source);
    return finishRun({
      root,
      flags,
      log,
      name,
      section: name,
      run,
      source,
      targets,
      report,
      updateDocs,
    });
  };
  runGuarded({ main, cleanUp, log, watchdogMs });
}
