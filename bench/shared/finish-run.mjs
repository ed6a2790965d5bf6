// How the serve and door runners end: print the report, keep the raw numbers, rewrite the
// docs section when asked, name processes still running, and choose the exit code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runningChildren } from '../children.mjs';

/**
 * Ends a run. `name` is the results file stem (`door` → bench/results/door-latest.json);
 * `updateDocs(docsPath, report)` rewrites the section; returns the exit code (1 with
 * `--strict` when a target failed or errored).
 */
export function finishRun({
  root,
  flags,
  log,
  name,
  section,
  run,
  source,
  targets,
  report,
  updateDocs,
}) {
  process.stdout.write(`${report}\n`);
  const resultsDir = join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = `${name}-latest.json`;
  writeFileSync(
    join(resultsDir, file),
    `${JSON.stringify({ ...run, source, targets }, null, 2)}\n`,
  );
  log(`raw numbers: bench/results/${file}`);
  if (flags.has('--update-docs')) {
    updateDocs(join(root, 'docs/benchmarks.md'), report);
    log(`docs/benchmarks.md: ${section} section rewritten`);
  }
  const left = runningChildren();
  if (left.length) log(`processes still running after the bench: ${left.join(', ')}`);
  const failed = targets.some((t) => t.result === 'FAIL' || t.result === 'ERROR');
  return flags.has('--strict') && failed ? 1 : 0;
}
