import type { LogHub } from './logs/index.js';
import type { LogLine, ServiceState, ServiceStatus } from './types.js';

/** The first service that failed, for the end-of-run summary. */
export interface FailureSummary {
  service: string;
  state: ServiceState;
  reason: string;
  exitCode?: number | null;
  signal?: string | null;
  /** Its last lines of output. */
  lastLines: LogLine[];
}

/** Lines of output a summary shows. */
export const SUMMARY_LINES = 15;

/** The summary of a failed service: its state, how it ended and its own last lines. */
export function summariseFailure(
  status: ServiceStatus,
  logs: Pick<LogHub, 'tail'>,
): FailureSummary {
  return {
    service: status.name,
    state: status.state,
    reason: status.reason ?? status.state,
    ...(status.exitCode === undefined ? {} : { exitCode: status.exitCode }),
    ...(status.signal === undefined ? {} : { signal: status.signal }),
    // The service's own output: portier's notes about it are in `reason` already.
    lastLines: logs
      .tail(status.name, SUMMARY_LINES * 4)
      .filter((l) => l.stream !== 'portier')
      .slice(-SUMMARY_LINES),
  };
}
