import { validatePort } from '../net/port-number.js';
import { isListeningRow } from './assemble-listeners.js';
import {
  type ListListenersOptions,
  type OwnerScanOptions,
  scanPlatform,
} from './list-listeners.js';
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
  /**
   * Whether the table's connection rows were read: always by {@link whoHolds} when no listener
   * holds the port. After a kill they are read only when the kernel counts TIME_WAIT or closing
   * sockets; otherwise `timeWait` is 0 by that count and nothing the kill closed remains.
   */
  connectionsCounted: boolean;
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

/** Options of {@link whoHolds}. */
export interface WhoHoldsOptions extends Omit<ListListenersOptions, 'port'> {
  /**
   * Also count TIME_WAIT and connection rows when a listener holds the port. Default false:
   * they only explain a port with no listener, and reading every connection costs more than
   * the rest of the lookup on a busy machine.
   */
  full?: boolean;
}

/**
 * Who holds `port`: listeners with their processes (command line included), TCP and UDP,
 * IPv4 and IPv6. When no listener holds it (or with `full`), also the TIME_WAIT leftovers and
 * the other connections bound to it, which make a port unusable with no owner to show.
 */
export function whoHolds(port: number, options: WhoHoldsOptions = {}): Promise<PortHolders> {
  return findHolders(port, options);
}

/**
 * Internal: {@link whoHolds} with the Linux owner search chosen (a kill uses `first`, which
 * names one holder per socket), the process tree if read already, and where to note the
 * holders' fds.
 */
export async function findHolders(
  port: number,
  options: WhoHoldsOptions,
  owners: OwnerScanOptions = {},
): Promise<PortHolders> {
  validatePort(port);
  const { full, ...scanOptions } = options;
  if (!full) {
    const fast = await scanPlatform({ udp: true, ...scanOptions, port }, false, owners);
    const listeners = fast.listeners.filter((l) => l.port === port);
    if (listeners.length > 0) {
      const status = decideHoldStatus(listeners, 0, 0);
      return { port, status, listeners, timeWait: 0, connections: [], connectionsCounted: false };
    }
  }
  const scan = await scanPlatform({ udp: true, ...scanOptions, port }, true, owners);
  let timeWait = 0;
  const connections: PortConnection[] = [];
  for (const row of scan.rows) {
    if (row.port !== port) continue;
    if (isListeningRow(row)) continue;
    if (row.state === 'TIME_WAIT') timeWait++;
    else connections.push(toConnection(row, scan.owners));
  }
  const listeners = scan.listeners.filter((l) => l.port === port);
  const status = decideHoldStatus(listeners, timeWait, connections.length);
  return { port, status, listeners, timeWait, connections, connectionsCounted: true };
}
