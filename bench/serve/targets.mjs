// The targets for `portier serve`, decided from the measured numbers: pure, so the
// report and a test can both call it.

/** Targets per case: minimum req/s ratio to the best Node peer, and whether p99 is bound too. */
export const SERVE_TARGETS = {
  '1k-c16': { minRatio: 1.5, p99: true, nginxAim: 0.4 },
  '1k-c64': { minRatio: 1.5, p99: true, nginxAim: 0.4 },
  '1m-c16': { minRatio: 1.2, p99: false },
  '1m-c64': { minRatio: 1.2, p99: false },
};
/** With the access log on, 1 KiB at 64 connections, against the quiet peers. */
export const LOGGING_TARGET = { contender: 'portier-log', caseId: '1k-c64', minRatio: 1.2 };

/** The case result of a contender, when it ran without errors. */
export function resultOf(contender, caseId) {
  const r = contender?.cases?.[caseId];
  return r && r.problems.length === 0 ? r : undefined;
}

/** The Node peer with the most req/s in a case: `{ contender, result }` or undefined. */
export function bestNodePeer(contenders, caseId) {
  let best;
  for (const c of contenders) {
    if (c.group !== 'node') continue;
    const result = resultOf(c, caseId);
    if (result && (!best || result.requestsPerS > best.result.requestsPerS))
      best = { contender: c, result };
  }
  return best;
}

/**
 * One row of a target table: `ratio` = value / peerValue; `result` PASS/FAIL by `pass(ratio)`
 * for a target, `kind` itself for an info row, ERROR when a side has no clean result.
 */
export function targetRow({
  caseId,
  subject,
  metric,
  value,
  peer,
  peerValue,
  target,
  pass,
  kind = 'target',
}) {
  const ratio = value !== undefined && peerValue ? value / peerValue : undefined;
  const result =
    value === undefined || peerValue === undefined
      ? 'ERROR'
      : kind === 'target'
        ? pass(ratio)
          ? 'PASS'
          : 'FAIL'
        : kind;
  return { caseId, subject, metric, value, peer, peerValue, ratio, target, result };
}

/**
 * Every target row (PASS/FAIL, or ERROR when a side has no clean result), then info rows:
 * portier against nginx (the 1 KiB aim of ≥ 0.4× is reported as `aim met`/`aim missed`),
 * Caddy, and the bare node:http floor.
 */
export function evaluateServeTargets(contenders, cases) {
  const byId = new Map(contenders.map((c) => [c.id, c]));
  const portier = byId.get('portier');
  const rows = [];
  for (const c of cases) {
    const t = SERVE_TARGETS[c.id];
    const best = bestNodePeer(contenders, c.id);
    const mine = resultOf(portier, c.id);
    rows.push(
      targetRow({
        caseId: c.id,
        subject: 'portier',
        metric: 'req/s',
        value: mine?.requestsPerS,
        peer: best?.contender.id,
        peerValue: best?.result.requestsPerS,
        target: `≥ ${t.minRatio}×`,
        pass: (r) => r >= t.minRatio,
      }),
    );
    if (t.p99)
      rows.push(
        targetRow({
          caseId: c.id,
          subject: 'portier',
          metric: 'p99 ms',
          value: mine?.latencyMs.p99,
          peer: best?.contender.id,
          peerValue: best?.result.latencyMs.p99,
          target: '≤ 1×',
          pass: (r) => r <= 1,
        }),
      );
  }
  const logged = resultOf(byId.get(LOGGING_TARGET.contender), LOGGING_TARGET.caseId);
  const bestLogged = bestNodePeer(contenders, LOGGING_TARGET.caseId);
  rows.push(
    targetRow({
      caseId: LOGGING_TARGET.caseId,
      subject: LOGGING_TARGET.contender,
      metric: 'req/s',
      value: logged?.requestsPerS,
      peer: bestLogged?.contender.id,
      peerValue: bestLogged?.result.requestsPerS,
      target: `≥ ${LOGGING_TARGET.minRatio}×`,
      pass: (r) => r >= LOGGING_TARGET.minRatio,
    }),
  );
  for (const c of cases) {
    const mine = resultOf(portier, c.id);
    for (const other of ['nginx', 'caddy', 'floor']) {
      const theirs = resultOf(byId.get(other), c.id);
      if (!byId.get(other) || byId.get(other).skip) continue;
      const aim = other === 'nginx' ? SERVE_TARGETS[c.id].nginxAim : undefined;
      const r = targetRow({
        caseId: c.id,
        subject: 'portier',
        metric: 'req/s',
        value: mine?.requestsPerS,
        peer: other,
        peerValue: theirs?.requestsPerS,
        target: aim ? `aim ≥ ${aim}×` : '—',
        kind: 'info',
      });
      if (aim && r.ratio !== undefined) r.result = r.ratio >= aim ? 'aim met' : 'aim missed';
      rows.push(r);
    }
  }
  for (const variant of ['portier-reload', 'portier-defaults']) {
    const contender = byId.get(variant);
    if (!contender || contender.skip) continue;
    for (const caseId of Object.keys(contender.cases ?? {})) {
      const best = bestNodePeer(contenders, caseId);
      const against = [[best?.contender.id, best?.result]];
      if (byId.get('nginx') && !byId.get('nginx').skip)
        against.push(['nginx', resultOf(byId.get('nginx'), caseId)]);
      for (const [peer, peerResult] of against)
        rows.push(
          targetRow({
            caseId,
            subject: variant,
            metric: 'req/s',
            value: resultOf(contender, caseId)?.requestsPerS,
            peer,
            peerValue: peerResult?.requestsPerS,
            target: '—',
            kind: 'info',
          }),
        );
    }
  }
  // A side that was not run (not installed, or left out with --only) is not an error.
  const notRun = (id) => Boolean(id && byId.get(id)?.skip);
  for (const r of rows) if (notRun(r.subject) || notRun(r.peer)) r.result = 'not run';
  return rows;
}
