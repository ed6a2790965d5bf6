import { assembleListeners } from './assemble-listeners.js';
import type { PlatformScan } from './list-listeners.js';
import type { Protocol } from './model.js';
import { parseNetstatWindows, parseTasklistCsv } from './netstat-windows-parse.js';
import { runCommand as defaultRun, type RunCommand } from './run-command.js';

/** Options of the Windows backend. */
export interface WindowsScanOptions {
  protocols: readonly Protocol[];
  port?: number;
  runCommand?: RunCommand;
}

/** Windows backend: `netstat -ano` (parsed by row shape) and `tasklist /FO CSV /NH`. */
export async function scanWindows(options: WindowsScanOptions): Promise<PlatformScan> {
  const run = options.runCommand ?? defaultRun;
  const [netstat, tasklist] = await Promise.all([
    run('netstat', ['-ano']),
    run('tasklist', ['/FO', 'CSV', '/NH']),
  ]);
  const rows = parseNetstatWindows(netstat).filter(
    (row) =>
      options.protocols.includes(row.protocol) &&
      (options.port === undefined || row.port === options.port),
  );
  const processes = parseTasklistCsv(tasklist);
  return { rows, listeners: assembleListeners({ rows, processes }) };
}
