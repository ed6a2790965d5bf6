import { formatAttempt } from '../../doctor/evidence.js';
import type { DoctorReport, Finding } from '../../doctor/types.js';
import type { Attempt } from '../../probes/types.js';
import type { Colors } from '../../text/ansi-colors.js';

const MARK = { error: '✗', warning: '!', info: 'i', ok: '✓' } as const;

function paint(finding: Finding, c: Colors): (text: string) => string {
  return { error: c.red, warning: c.yellow, info: c.dim, ok: c.green }[finding.severity];
}

/** One finding: mark, code, summary, then evidence and fix indented. */
export function renderFinding(finding: Finding, c: Colors, verbose = true): string {
  const color = paint(finding, c);
  const lines = [`${color(`${MARK[finding.severity]} ${finding.code}`)}  ${finding.summary}`];
  if (verbose) for (const e of finding.evidence) lines.push(`    ${c.dim(e)}`);
  if (finding.fix) lines.push(`    ${c.bold('fix:')} ${finding.fix}`);
  return lines.join('\n');
}

/** Attempt lines: `connect 127.0.0.1:57573 → refused in 0.2 ms (ECONNREFUSED)`. */
export function renderAttempts(attempts: readonly Attempt[]): string[] {
  return attempts.map(formatAttempt);
}

/** The doctor report for one target, most likely cause first. */
export function renderReport(report: DoctorReport, c: Colors): string {
  const head = report.ok
    ? c.green(`${report.target.input}: reachable`)
    : c.red(`${report.target.input}: not reachable`);
  const shown = report.findings.filter((f) => f.severity !== 'info' || !report.ok);
  const body = shown.map((f, i) => renderFinding(f, c, i === 0 || f.severity === 'error'));
  return `${head} ${c.dim(`(${Math.round(report.elapsedMs)} ms)`)}\n${body.join('\n')}\n`;
}
