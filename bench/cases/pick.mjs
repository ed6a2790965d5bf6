// Free-port picking: portier's pickPort with its cross-process lease ledger, against get-port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { measure, summarize } from '../measure.mjs';

/** Leases released after every batch, so the ledger holds 0–49 leases: a realistic size. */
const BATCH_CALLS = 50;

async function timePicks(lib, stateDir, calls, releaseEvery) {
  const samples = [];
  let held = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    const { port } = await lib.pickPort({ stateDir });
    samples.push(performance.now() - start);
    held.push(port);
    if (releaseEvery && held.length === releaseEvery) {
      await lib.releasePorts(held, { stateDir });
      held = [];
    }
  }
  return samples;
}

/** `calls` pickPort calls per variant after a warm-up batch; one temporary state dir each. */
export async function runPickCases({ lib, calls }) {
  const results = {};
  const dirs = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'portier-bench-state-'));
    dirs.push(dir);
    return dir;
  };
  try {
    const batched = freshDir();
    await timePicks(lib, batched, BATCH_CALLS, BATCH_CALLS); // warm-up
    results['pickPort() ledger'] = {
      kind: 'in-process',
      ...summarize(await timePicks(lib, batched, calls, BATCH_CALLS)),
      ledger: `released every ${BATCH_CALLS} calls (0-${BATCH_CALLS - 1} leases)`,
    };
    const growing = await timePicks(lib, freshDir(), calls, 0);
    results['pickPort() growing ledger'] = {
      kind: 'in-process',
      ...summarize(growing),
      ledger: `never released (0-${calls - 1} leases)`,
      lastBatchMedianMs: summarize(growing.slice(-BATCH_CALLS)).medianMs,
    };
    results['pickPort({ lease: false })'] = {
      kind: 'in-process',
      ...(await measure(() => lib.pickPort({ lease: false }), { warmup: 20, runs: calls })),
    };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  results['get-port getPort()'] = {
    kind: 'in-process',
    ...(await measure(() => getPort(), { warmup: 20, runs: calls })),
  };
  return results;
}
