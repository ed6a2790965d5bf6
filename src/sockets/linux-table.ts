import { readFileSync } from 'node:fs';
import { PROC_STATE_LISTEN, type ProcNetFilter, parseProcNet } from './linux-proc-net.js';
import { readListenSection } from './listen-section.js';
import type { Family, Protocol, SocketRow } from './model.js';
import { readSockstat, type SockstatCounts } from './sockstat.js';

const TABLES: ReadonlyArray<{ file: string; protocol: Protocol; family: Family }> = [
  { file: 'tcp', protocol: 'tcp', family: 'ipv4' },
  { file: 'tcp6', protocol: 'tcp', family: 'ipv6' },
  { file: 'udp', protocol: 'udp', family: 'ipv4' },
  { file: 'udp6', protocol: 'udp', family: 'ipv6' },
];

/** Which socket tables to read and which rows to keep. */
export interface ReadSocketTableOptions {
  procRoot?: string;
  protocols?: readonly Protocol[];
  /** Keep only rows in these hex states, per protocol. */
  states?: Partial<Record<Protocol, readonly string[]>>;
  port?: number;
}

/**
 * Reads /proc/net/{tcp,tcp6,udp,udp6}. A table that does not exist (IPv6 disabled) counts as
 * empty: that is a fact about the machine, not a failure.
 */
export function readSocketTable(options: ReadSocketTableOptions = {}): SocketRow[] {
  const procRoot = options.procRoot ?? '/proc';
  const protocols = options.protocols ?? ['tcp'];
  const rows: SocketRow[] = [];
  let inUse: SockstatCounts | undefined;
  for (const table of TABLES) {
    if (!protocols.includes(table.protocol)) continue;
    const states = options.states?.[table.protocol];
    const listenersOnly =
      table.protocol === 'tcp' && states?.length === 1 && states[0] === PROC_STATE_LISTEN;
    // TIME_WAIT sockets are not "in use", so only listener and UDP reads may trust a zero.
    if (listenersOnly || table.protocol === 'udp') {
      inUse ??= readSockstat(procRoot);
      if (inUse[table.file as 'tcp' | 'tcp6' | 'udp' | 'udp6'] === 0) continue;
    }
    let text: string;
    try {
      const path = `${procRoot}/net/${table.file}`;
      // utf8: Node's one-call read (the tables are ASCII; latin1 goes through fstat and a loop).
      text = listenersOnly ? readListenSection(path) : readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const filter: ProcNetFilter = { states, port: options.port };
    rows.push(...parseProcNet(text, table.protocol, table.family, filter));
  }
  return rows;
}
