import { FAILED_STATES } from '../../stack/service-states.js';
import type { FailureSummary } from '../../stack/supervisor.js';
import type { ServiceState, ServiceStatus, StackStatus } from '../../stack/types.js';
import type { Colors } from '../../text/ansi-colors.js';
import { formatDuration } from '../../time/duration.js';
import { renderTable } from './table.js';

const GOOD: ReadonlySet<ServiceState> = new Set(['healthy', 'completed']);
const RUNNING: ReadonlySet<ServiceState> = new Set(['starting', 'healthy', 'unhealthy']);
const BAD: ReadonlySet<ServiceState> = new Set([...FAILED_STATES, 'unhealthy']);

/** A state coloured: green when fine, red when failed, yellow in between. */
export function colorState(state: ServiceState, c: Colors): string {
  if (GOOD.has(state)) return c.green(state);
  if (BAD.has(state)) return c.red(state);
  return c.yellow(state);
}

/**
 * Where to reach a service: its URL, or `127.0.0.1:<port>` when it has none (a database: its
 * URL would carry the password).
 */
export function serviceAddress(status: ServiceStatus): string {
  // A finished job's port is only its lease; nothing answers there.
  if (status.port === undefined || !RUNNING.has(status.state)) return '';
  const drift =
    status.listeningPorts?.length && !status.listeningPorts.includes(status.port)
      ? ` (listens on ${status.listeningPorts.join(', ')})`
      : '';
  return (status.url ?? `127.0.0.1:${status.port}`) + drift;
}

/** The `portier ps` table. */
export function renderStackTable(
  status: StackStatus,
  c: Colors,
  now: number,
  maxWidth?: number,
  /** Named URLs at the front door, by service: shown in place of the direct address. */
  named: ReadonlyMap<string, string> = new Map(),
): string {
  const rows = status.services.map((s) => [
    s.name,
    colorState(s.state, c),
    s.pid ? String(s.pid) : '',
    named.get(s.name) && RUNNING.has(s.state)
      ? `${named.get(s.name)} → ${s.port}`
      : serviceAddress(s),
    String(s.restarts),
    s.startedAt && s.pid ? formatDuration(now - s.startedAt) : '',
    s.reason ?? '',
  ]);
  return renderTable(
    [
      { header: 'SERVICE' },
      { header: 'STATE' },
      { header: 'PID' },
      { header: 'ADDRESS' },
      { header: 'RESTARTS' },
      { header: 'UP' },
      { header: 'REASON', flexible: true },
    ],
    rows,
    maxWidth,
  );
}

/** The end-of-run summary: which service failed first, how, and its last lines. */
export function renderFailure(failure: FailureSummary, c: Colors): string {
  const how =
    failure.signal != null
      ? `, killed by ${failure.signal}`
      : failure.exitCode != null
        ? `, exit code ${failure.exitCode}`
        : '';
  const lines = [
    c.red(`✗ ${failure.service} failed first: ${failure.state}${how} — ${failure.reason}`),
  ];
  if (failure.lastLines.length > 0) {
    lines.push(c.dim(`  last ${failure.lastLines.length} lines of ${failure.service}:`));
    for (const line of failure.lastLines) lines.push(`  ${c.dim('│')} ${line.text}`);
  }
  return `${lines.join('\n')}\n`;
}
