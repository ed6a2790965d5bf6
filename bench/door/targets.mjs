// The targets for the door, decided from the measured numbers: pure, so the report
// and a test can both call it. Rows have the shape of the serve bench's target rows.
import { bestNodePeer, resultOf, targetRow } from '../serve/targets.mjs';

/** At 64 connections, both bodies: req/s against the best Node peer and the bare floor. */
export const DOOR_TARGETS = {
  cases: ['tiny-c64', '64k-c64'],
  minRatioNode: 1.5,
  minRatioFloor: 1.5,
  nginxAim: 0.6,
  /** At 1 connection: door p50 minus direct p50, ms. */
  addedLatencyCases: ['tiny-c1', '64k-c1'],
  maxAddedMs: 0.2,
  /** RSS with 1,000 open keep-alive clients, MB (10⁶ bytes). */
  maxRssMB: 100,
};

/** PASS/FAIL for an absolute bound (no peer ratio) by `pass(value)`, ERROR without a value. */
function boundRow({ caseId, metric, value, peer, peerValue, target, pass }) {
  const result =
    value === undefined || Number.isNaN(value) ? 'ERROR' : pass(value) ? 'PASS' : 'FAIL';
  return {
    caseId,
    subject: 'door',
    metric,
    value,
    peer,
    peerValue,
    ratio: undefined,
    target,
    result,
  };
}

/** Throughput and tail rows of one 64-connection case. */
function throughputRows(byId, contenders, caseId, t) {
  const door = resultOf(byId.get('door'), caseId);
  const best = bestNodePeer(contenders, caseId);
  const floor = resultOf(byId.get('bare'), caseId);
  const rows = [
    targetRow({
      caseId,
      subject: 'door',
      metric: 'req/s',
      value: door?.requestsPerS,
      peer: best?.contender.id,
      peerValue: best?.result.requestsPerS,
      target: `≥ ${t.minRatioNode}×`,
      pass: (r) => r >= t.minRatioNode,
    }),
    targetRow({
      caseId,
      subject: 'door',
      metric: 'req/s',
      value: door?.requestsPerS,
      peer: 'bare',
      peerValue: floor?.requestsPerS,
      target: `≥ ${t.minRatioFloor}×`,
      pass: (r) => r >= t.minRatioFloor,
    }),
    targetRow({
      caseId,
      subject: 'door',
      metric: 'p99 ms',
      value: door?.latencyMs.p99,
      peer: best?.contender.id,
      peerValue: best?.result.latencyMs.p99,
      target: '≤ 1×',
      pass: (r) => r <= 1,
    }),
  ];
  for (const other of ['nginx', 'caddy', 'direct']) {
    if (!byId.get(other)) continue;
    const r = targetRow({
      caseId,
      subject: 'door',
      metric: 'req/s',
      value: door?.requestsPerS,
      peer: other,
      peerValue: resultOf(byId.get(other), caseId)?.requestsPerS,
      target: other === 'nginx' ? `aim ≥ ${t.nginxAim}×` : '—',
      kind: 'info',
    });
    if (other === 'nginx' && r.ratio !== undefined)
      r.result = r.ratio >= t.nginxAim ? 'aim met' : 'aim missed';
    rows.push(r);
  }
  return rows;
}

/**
 * Every target row (PASS/FAIL, or ERROR when a side has no clean result), with info rows for
 * nginx (the 0.6× aim: `aim met`/`aim missed`), Caddy and direct. `memory` is the result of
 * the 1,000-connection case (or undefined when it did not run).
 */
export function evaluateDoorTargets(contenders, memory, t = DOOR_TARGETS) {
  const byId = new Map(contenders.map((c) => [c.id, c]));
  const rows = t.cases.flatMap((caseId) => throughputRows(byId, contenders, caseId, t));
  for (const caseId of t.addedLatencyCases) {
    const door = resultOf(byId.get('door'), caseId)?.latencyMs.p50;
    const direct = resultOf(byId.get('direct'), caseId)?.latencyMs.p50;
    rows.push(
      boundRow({
        caseId,
        metric: 'p50 added ms',
        value: door !== undefined && direct !== undefined ? door - direct : undefined,
        peer: 'direct',
        peerValue: direct,
        target: `≤ ${t.maxAddedMs} ms`,
        pass: (v) => v <= t.maxAddedMs,
      }),
    );
  }
  const complete = memory && !memory.error && memory.open === memory.connections;
  rows.push(
    boundRow({
      caseId: `${memory?.connections ?? 1000} open clients`,
      metric: 'RSS MB',
      value: complete ? memory.rssMB : undefined,
      target: `< ${t.maxRssMB} MB`,
      pass: (v) => v < t.maxRssMB,
    }),
  );
  // A side that was not run (not installed, or left out with --only) is not an error; nor is
  // a best Node peer missing because no Node peer ran.
  const notRun = (id) => Boolean(id && byId.get(id)?.skip);
  const noNodePeer = contenders.every((c) => c.group !== 'node' || c.skip);
  for (const r of rows)
    if (
      notRun(r.subject) ||
      notRun(r.peer) ||
      (r.peer === undefined && r.metric !== 'RSS MB' && noNodePeer)
    )
      r.result = 'not run';
  return rows;
}
