// The speed targets of the issue, as data: a case, what it is compared with, and the bound.
// `maxRatio` bounds case median / peer median; `maxMs` bounds the case median itself, and
// `maxPct` the median CPU share (% of one core) of a case measured in percent.
// Rows without a bound are context: the ratio is shown, nothing passes or fails. An `optional`
// row is left out when either side was not measured.

import { KILL_ROUND_FLOOR } from './cases/kill.mjs';
import { WITHOUT_EXTRA_CA } from './cases/processes.mjs';

/**
 * @type {Array<{case: string, peer?: string, maxRatio?: number, maxMs?: number,
 *   maxPct?: number, note?: string, optional?: boolean}>}
 */
export const TARGETS = [
  { case: 'listListeners()', peer: 'ss -ltnp', maxRatio: 2.0 },
  { case: 'listListeners()', peer: 'pid-port portToPid(port)', maxRatio: 0.5 },
  { case: 'listListeners()', peer: "find-process find('port', port)", maxRatio: 0.5 },
  { case: 'whoHolds(port)', peer: 'pid-port portToPid(port)', maxRatio: 0.5 },
  { case: 'whoHolds(port)', peer: "find-process find('port', port)", maxRatio: 0.5 },
  { case: 'whoHolds(busy port)', peer: 'pid-port portToPid(port)', maxRatio: 0.5 },
  { case: 'whoHolds(busy port)', peer: "find-process find('port', port)", maxRatio: 0.5 },
  { case: 'portier --version', peer: 'node -e 0', maxRatio: 1.1 },
  { case: 'portier ls', peer: 'node -e 0', maxRatio: 1.3 },
  { case: 'portier kill <port> --yes', peer: "kill-port killPort(port, 'tcp')", maxRatio: 0.3 },
  { case: 'pickPort() ledger', maxMs: 0.5 },
  // Context.
  { case: 'portier ls', peer: 'ss -ltnp' },
  { case: 'portier ls', peer: 'lsof -iTCP -sTCP:LISTEN -P -n' },
  {
    case: `portier ls ${WITHOUT_EXTRA_CA}`,
    peer: `node -e 0 ${WITHOUT_EXTRA_CA}`,
    optional: true, // measured only where the variable is set
  },
  { case: 'listListeners()', peer: 'read /proc/net/tcp{,6}' },
  { case: 'killPort(port)', peer: "kill-port killPort(port, 'tcp')" },
  { case: 'portier kill <port> --yes', peer: KILL_ROUND_FLOOR },
  // Node's start alone against kill-port: the kill target cannot be met by any Node CLI in a
  // run where this is over 0.3.
  { case: KILL_ROUND_FLOOR, peer: "kill-port killPort(port, 'tcp')" },
  { case: 'pickPort() growing ledger' },
  { case: 'pickPort({ lease: false })', peer: 'get-port getPort()' },
  // Second capability (probes, wait, doctor), measured after the load is stopped.
  { case: 'portier wait: detection', maxMs: 15 },
  { case: 'portier wait: CPU polling', maxPct: 10 },
  { case: 'portier doctor <refused port>', maxMs: 150 },
  // Context.
  { case: 'portier wait: detection', peer: 'wait-on: detection' },
  { case: 'portier wait: detection', peer: 'wait-port: detection' },
  { case: 'portier wait: detection', peer: 'wait-on --interval 1: detection' },
  { case: 'portier wait: detection', peer: 'wait-port interval 1: detection' },
  { case: 'portier wait: CPU polling', peer: 'wait-on: CPU polling' },
  { case: 'portier wait: CPU polling', peer: 'wait-port: CPU polling' },
  { case: 'portier wait: CPU polling', peer: 'wait-on --interval 1: CPU polling' },
  { case: 'portier wait: CPU polling', peer: 'wait-port interval 1: CPU polling' },
  { case: 'portier wait: CPU polling', peer: 'wait-on --interval 10: CPU polling' },
  { case: 'portier wait: CPU polling', peer: 'wait-port interval 10: CPU polling' },
  { case: 'portier wait --interval 5ms: detection' },
  { case: 'portier wait --interval 5ms: CPU polling' },
  { case: 'waitFor() in process: detection' },
  { case: 'waitFor() in process: CPU polling' },
  { case: 'portier doctor <refused port>', peer: 'node -e 0 (no load)' },
  { case: 'portier check <refused port>', peer: 'node -e 0 (no load)' },
  { case: 'portier doctor <refused port> (under load)', peer: 'node -e 0' },
];

/** A summary's median in its own unit: % of one core for CPU cases, ms for the rest. */
export const medianOf = (summary) =>
  summary?.unit === '%' ? summary.medianPct : summary?.medianMs;

/**
 * Applies {@link TARGETS} to measured `results` (name → summary with `medianMs`, or
 * `medianPct` and `unit: '%'`). Rows carry `median` and `peerMedian` in the row's `unit`.
 */
export function evaluateTargets(results, targets = TARGETS) {
  const measured = targets.filter((t) => !t.optional || (results[t.case] && results[t.peer]));
  return measured.map((target) => {
    const subject = results[target.case];
    const peer = target.peer ? results[target.peer] : undefined;
    const row = {
      ...target,
      unit: subject?.unit ?? 'ms',
      median: medianOf(subject),
      peerMedian: medianOf(peer),
    };
    if (!subject || (target.peer && !peer)) return { ...row, verdict: 'missing' };
    if (subject.failed || peer?.failed) return { ...row, verdict: 'error' };
    if (peer) row.ratio = row.median / row.peerMedian;
    const bound = target.maxMs ?? target.maxPct;
    if (target.maxRatio !== undefined) row.verdict = row.ratio <= target.maxRatio ? 'PASS' : 'FAIL';
    else if (bound !== undefined) row.verdict = row.median <= bound ? 'PASS' : 'FAIL';
    else row.verdict = 'info';
    return row;
  });
}
