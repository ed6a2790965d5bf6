// Diagnostics for the library author: phase timings behind each target, under the same load.
// No targets here; every section fails on its own without stopping the others.
import { formatMs } from '../report.mjs';
import { runCliPhases } from './cli-phases.mjs';
import { runKillPhases } from './kill-phases.mjs';
import { runPickPhases } from './pick-phases.mjs';
import { runScanPhases } from './scan-phases.mjs';

/** Calls per pickPort step; the ledger grows by this much during a pickPort step. */
const PICK_RUNS = 100;
/** Runs per phase elsewhere: enough for a median, and the bench stays well under 3 minutes. */
const PHASE_RUNS = 20;

function renderPhases(title, phases) {
  const rows = Object.entries(phases).map(
    ([name, r]) => `| ${name} | ${formatMs(r.medianMs)} | ${formatMs(r.p95Ms)} |`,
  );
  return [`| ${title} | median ms | p95 ms |`, '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * Runs every diagnostic against the package at `root` (the snapshot); `internals` are the
 * src/ modules loaded by bench/internals.mjs, or `{error}` when they could not be.
 * Returns raw numbers plus `markdown` holding their tables. */
export async function runDiagnostics({ root, lib, internals: loaded, killRounds, log }) {
  const runs = PHASE_RUNS;
  const out = { errors: [] };
  const parts = ['### Where the time goes (diagnostics, same load)', ''];
  const internals = loaded?.error ? undefined : loaded;
  if (loaded?.error) out.errors.push(loaded.error);
  const sections = [
    ['scan', 'listListeners() phases, in process', () => runScanPhases({ internals, runs })],
    ['cli', 'CLI, whole process', () => runCliPhases({ root, runs })],
    [
      'kill',
      'killPort() phases, in process',
      () => runKillPhases({ lib, internals, rounds: killRounds, runs }),
    ],
    [
      'pick',
      'pickPort() steps, in process',
      () => runPickPhases({ lib, internals, runs: PICK_RUNS }),
    ],
  ];
  for (const [key, title, fn] of sections) {
    if (!internals && key !== 'cli' && key !== 'kill') {
      parts.push(`${title}: skipped (internal modules unavailable).`, '');
      continue;
    }
    log?.(`diagnostics: ${key}`);
    try {
      out[key] = await fn();
    } catch (error) {
      out.errors.push(`${key}: ${error.message}`);
      parts.push(`${title}: failed: ${error.message}`, '');
      continue;
    }
    if (key === 'cli') {
      parts.push(renderPhases(`${title} (hyperfine)`, out.cli.processes), '');
      parts.push(renderPhases('CLI, marks inside fresh processes', out.cli.marks), '');
    } else {
      parts.push(renderPhases(title, out[key].phases), '');
    }
    if (out[key].counts) parts.push(`Counts: ${JSON.stringify(out[key].counts)}`, '');
  }
  out.markdown = parts.join('\n');
  return out;
}
