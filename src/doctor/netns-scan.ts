import { readlinkSync } from 'node:fs';
import { listPids } from '../sockets/linux-fd-scan.js';
import { PROC_STATE_LISTEN } from '../sockets/linux-proc-net.js';
import { readProcStat } from '../sockets/linux-process.js';
import { readSocketTable } from '../sockets/linux-table.js';
import type { NetnsListener } from './types.js';

function netnsOf(pid: number | 'self', procRoot: string): string | undefined {
  try {
    return readlinkSync(`${procRoot}/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/**
 * Finds listeners on `port` in network namespaces other than this process's (containers,
 * `ip netns`, sandboxes): one pid per namespace is enough, since /proc/<pid>/net/tcp shows the
 * sockets of that pid's namespace. Namespaces of other users need root to see.
 */
export function findListenersInOtherNamespaces(port: number, procRoot = '/proc'): NetnsListener[] {
  const own = netnsOf('self', procRoot);
  if (own === undefined) return [];
  const representative = new Map<string, number>();
  for (const pid of listPids(procRoot)) {
    const ns = netnsOf(pid, procRoot);
    if (ns && ns !== own && !representative.has(ns)) representative.set(ns, pid);
  }
  const found: NetnsListener[] = [];
  for (const [namespace, pid] of representative) {
    const rows = readSocketTable({
      procRoot: `${procRoot}/${pid}`,
      protocols: ['tcp'],
      port,
      states: { tcp: [PROC_STATE_LISTEN] },
    });
    const name = readProcStat(pid, procRoot)?.name;
    for (const row of rows)
      found.push({
        namespace,
        pid,
        ...(name ? { name } : {}),
        address: row.address,
        port: row.port,
      });
  }
  return found;
}
