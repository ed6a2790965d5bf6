import { validatePort } from '../net/port-number.js';
import { isListeningRow } from './assemble-listeners.js';
import { type ListListenersOptions, scanPlatform } from './list-listeners.js';
import type { Family, Listener, Protocol, SocketRow, SocketState } from './model.js';

/**
 * Why a port is (or is not) usable:
 * - `free`: no socket uses it as its local port
 * - `listening`: at least one listener whose owner is visible
 * - `hidden-owner`: held by listeners whose owner cannot be seen (another user, no permission)
 * - `time-wait-only`: only closed connections in TIME_WAIT; servers without SO_REUSEADDR fail to bind
 * - `connections-only`: no listener, but live connections use it as their local port
 */
export type HoldStatus =
  | 'free'
  | 'listening'
  | 'hidden-owner'
  | 'time-wait-only'
  | 'connections-only';

/** A non-listening socket that uses the port as its local port. */
export interface PortConnection {
  protocol: Protocol;
  family: Family;
  address: string;
  remoteAddress: string;
  remotePort: number;
  state: SocketState;
  uid?: number;
  pids: number[];
}

/** Everything holding one port, on every address and family. */
export interface PortHolders {
  port: number;
  status: HoldStatus;
  /** Listening TCP and bound UDP sockets on the port. */
  listeners: Listener[];
  /** Sockets in TIME_WAIT with this local port. */
  timeWait: number;
  /** Other connections with this local port (not TIME_WAIT). */
  connections: PortConnection[];
}

/** Decides the {@link HoldStatus} from what was found; pure. */
export function decideHoldStatus(
  listeners: readonly Listener[],
  timeWait: number,
  connections: number,
): HoldStatus {
  if (listeners.some((l) => !l.ownerHidden)) return 'listening';
  if (listeners.length > 0) return 'hidden-owner';
  if (connections > 0) return 'connections-only';
  if (timeWait > 0) return 'time-wait-only';
  return 'free';
}

function toConnection(
  row: SocketRow,
  owners: ReadonlyMap<number, readonly number[]> | undefined,
): PortConnection {
  const pids = row.pids ?? (row.inode ? owners?.get(row.inode) : undefined) ?? [];
  const connection: PortConnection = {
    protocol: row.protocol,
    family: row.family,
    address: row.address,
    remoteAddress: row.remoteAddress,
    remotePort: row.remotePort,
    state: row.state,
    pids: [...pids],
  };
  if (row.uid !== undefined) connection.uid = row.uid;
  return connection;
}

/**
 * Who holds `port`: listeners with their processes (command line included), TIME_WAIT
 * leftovers and other connections bound to it. TCP and UDP, IPv4 and IPv6.
 */
export async function whoHolds(
  port: number,
  options: Omit<ListListenersOptions, 'port'> = {},
): Promise<PortHolders> {
  validatePort(port);
  const scan = await scanPlatform({ udp: true, ...options, port }, true);
  let timeWait = 0;
  const connections: PortConnection[] = [];
  for (const row of scan.rows) {
    if (row.port !== port) continue;
    if (isListeningRow(row)) continue;
    if (row.state === 'TIME_WAIT') timeWait++;
    else connections.push(toConnection(row, scan.owners));
  }
  const listeners = scan.listeners.filter((l) => l.port === port);
  return {
    port,
    status: decideHoldStatus(listeners, timeWait, connections.length),
    listeners,
    timeWait,
    connections,
  };
}
