import { formatExposure } from '../../net/exposure.js';
import type { PortHolders } from '../../sockets/who-holds.js';
import { formatAddressPort, formatProcesses, hiddenOwnerText } from './listener-text.js';

/** Human lines describing everything that holds a port. */
export function renderHolders(holders: PortHolders): string[] {
  const lines: string[] = [];
  for (const l of holders.listeners) {
    const where = `${l.protocol}${l.family === 'ipv6' ? '6' : ''} ${formatAddressPort(l.address, l.port)} (${formatExposure(l.exposure, l.address)})`;
    if (l.ownerHidden) {
      lines.push(`${where}: ${hiddenOwnerText(l)}`);
      continue;
    }
    lines.push(
      `${where}: ${formatProcesses(l.processes)}${l.processes[0]?.user ? `, user ${l.processes[0].user}` : ''}`,
    );
    for (const p of l.processes) {
      if (p.command) lines.push(`    pid ${p.pid}: ${p.command}${p.cwd ? `  (cwd ${p.cwd})` : ''}`);
    }
  }
  if (holders.connections.length > 0) {
    const pids = [...new Set(holders.connections.flatMap((c) => c.pids))];
    lines.push(
      `${holders.connections.length} connection(s) use it as their local port${pids.length ? ` (pids ${pids.join(', ')})` : ''}`,
    );
  }
  if (holders.timeWait > 0) {
    lines.push(
      `${holders.timeWait} closed connection(s) in TIME_WAIT (gone within 60 s; servers that set SO_REUSEADDR, as Node does, can bind anyway)`,
    );
  }
  return lines;
}
