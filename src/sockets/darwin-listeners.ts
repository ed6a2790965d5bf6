import { assembleListeners } from './assemble-listeners.js';
import type { PlatformScan } from './list-listeners.js';
import { parseLsofFields } from './lsof-parse.js';
import type { ProcessInfo, Protocol } from './model.js';
import { runCommand as defaultRun, type RunCommand } from './run-command.js';

/** Options of the macOS backend. */
export interface DarwinScanOptions {
  protocols: readonly Protocol[];
  port?: number;
  runCommand?: RunCommand;
}

/** Builds the lsof arguments: listeners only, or every socket on one port. */
export function lsofArgs(protocols: readonly Protocol[], port?: number): string[] {
  const args = ['-nP', '-w'];
  const suffix = port === undefined ? '' : `:${port}`;
  if (protocols.includes('tcp')) args.push(`-iTCP${suffix}`);
  if (protocols.includes('udp')) args.push(`-iUDP${suffix}`);
  if (port === undefined && !protocols.includes('udp')) args.push('-sTCP:LISTEN');
  args.push('-F', 'pcuLftPnT');
  return args;
}

/** Parses `ps -o pid=,command=` output into pid → command line. */
export function parsePsCommands(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match) out.set(Number(match[1]), match[2]!.trim());
  }
  return out;
}

/** macOS (and BSD) backend: `lsof -F` for sockets and owners, `ps` for command lines. */
export async function scanDarwin(options: DarwinScanOptions): Promise<PlatformScan> {
  const run = options.runCommand ?? defaultRun;
  const parsed = parseLsofFields(await run('lsof', lsofArgs(options.protocols, options.port)));
  const { processes } = parsed;
  // lsof ORs its -i selections; keep exactly what was asked for.
  const rows = parsed.rows.filter(
    (row) =>
      options.protocols.includes(row.protocol) &&
      (options.port === undefined || row.port === options.port),
  );
  const pids = [...processes.keys()];
  if (pids.length > 0) {
    const commands = parsePsCommands(
      await run('ps', ['-o', 'pid=,command=', '-p', pids.join(',')]).catch(() => ''),
    );
    for (const [pid, command] of commands) {
      const info = processes.get(pid);
      if (info) info.command = command;
    }
  }
  const grouped = new Map<string, (typeof rows)[number]>();
  // lsof prints a shared socket once per process; merge them into one row with every pid.
  for (const row of rows) {
    const key = `${row.protocol} ${row.address} ${row.port} ${row.state} ${row.remoteAddress} ${row.remotePort}`;
    const seen = grouped.get(key);
    if (seen) seen.pids = [...new Set([...(seen.pids ?? []), ...(row.pids ?? [])])];
    else grouped.set(key, { ...row, pids: [...(row.pids ?? [])] });
  }
  const merged = [...grouped.values()];
  const users = new Map<number, string>();
  for (const p of processes.values() as Iterable<ProcessInfo>)
    if (p.uid !== undefined && p.user) users.set(p.uid, p.user);
  const nameUser = (uid: number) => users.get(uid) ?? String(uid);
  return { rows: merged, listeners: assembleListeners({ rows: merged, processes, nameUser }) };
}
