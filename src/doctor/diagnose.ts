import type { Target } from '../net/target.js';
import { CHECKS } from './checks.js';
import { runChecks } from './rank.js';
import { type DiagnoseOptions, gatherTargetFacts } from './target-facts.js';
import type { DoctorReport, TargetFacts } from './types.js';

/** Turns gathered facts into a report; pure. */
export function reportFromFacts(facts: TargetFacts, elapsedMs: number): DoctorReport {
  const findings = runChecks(CHECKS, facts);
  const report: DoctorReport = {
    target: facts.target,
    ok: facts.probe.ok && !findings.some((f) => f.severity === 'error'),
    findings,
    attempts: facts.probe.attempts,
    probe: facts.probe,
    listeners: facts.holders.listeners,
    elapsedMs: Math.round(elapsedMs * 100) / 100,
  };
  if (facts.watched) report.watched = facts.watched;
  return report;
}

/**
 * Diagnoses one target: probes every resolved address, reads the socket table, the holders'
 * process states, other network namespaces and machine settings, then ranks the causes found.
 * Each finding is `{ code, severity, summary, evidence[], fix }`; codes are in docs/doctor.md.
 */
export async function diagnose(
  target: Target | string,
  options: DiagnoseOptions = {},
): Promise<DoctorReport> {
  const started = performance.now();
  const facts = await gatherTargetFacts(target, options);
  return reportFromFacts(facts, performance.now() - started);
}
