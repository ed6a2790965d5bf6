import { PROC_STATE_LISTEN } from '../sockets/linux-proc-net.js';
import { readSocketTable } from '../sockets/linux-table.js';

/**
 * How long the listener-port set is reused within one process, in ms. Bind probes on the
 * loopback addresses are authoritative; the table only adds listeners on other addresses
 * (127.0.0.2, a LAN address), and re-reading it per pick would cost more than the pick.
 */
export const LISTENING_PORTS_TTL_MS = 500;

const cache = new Map<string, { at: number; ports: Set<number> }>();

/**
 * Ports with a TCP listener on any address, from the Linux socket table (cached briefly).
 * Other platforms return an empty set: there, bind probes alone decide.
 */
export function listeningPorts(
  procRoot = '/proc',
  platform: NodeJS.Platform = process.platform,
  maxAgeMs = LISTENING_PORTS_TTL_MS,
  nowMs = Date.now(),
): Set<number> {
  if (platform !== 'linux') return new Set();
  const hit = cache.get(procRoot);
  if (hit && nowMs - hit.at < maxAgeMs) return hit.ports;
  const rows = readSocketTable({
    procRoot,
    protocols: ['tcp'],
    states: { tcp: [PROC_STATE_LISTEN] },
  });
  const ports = new Set(rows.map((row) => row.port));
  cache.set(procRoot, { at: nowMs, ports });
  return ports;
}
