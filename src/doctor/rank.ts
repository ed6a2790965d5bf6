import type { Check, Finding, Severity, TargetFacts } from './types.js';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };

/** Runs `checks` on the facts and ranks the findings: by severity, then by check order. */
export function runChecks(checks: readonly Check[], facts: TargetFacts): Finding[] {
  const found: Array<{ finding: Finding; order: number }> = [];
  checks.forEach((check, order) => {
    const result = check(facts);
    for (const finding of Array.isArray(result) ? result : result ? [result] : [])
      found.push({ finding, order });
  });
  const seen = new Set<string>();
  return found
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] ||
        a.order - b.order,
    )
    .map((f) => f.finding)
    .filter((f) => !seen.has(f.code) && seen.add(f.code));
}
