import { classifyExposure } from '../net/exposure.js';
import type { Listener, ProcessInfo, SocketRow } from './model.js';

/** True for a listening TCP socket or a bound, unconnected UDP socket. */
export function isListeningRow(row: SocketRow): boolean {
  return row.state === 'LISTEN' || (row.protocol === 'udp' && row.state === 'unconnected');
}

/** Inputs for turning socket rows into listeners; all plain values, no I/O. */
export interface AssembleInput {
  rows: readonly SocketRow[];
  /** Socket inode → pids holding it (Linux); rows with `pids` of their own ignore it. */
  owners?: ReadonlyMap<number, readonly number[]>;
  /** Process facts by pid. */
  processes: ReadonlyMap<number, ProcessInfo>;
  /** Names a uid; defaults to the uid as text. */
  nameUser?: (uid: number) => string;
}

/**
 * Builds one {@link Listener} per socket. A socket whose owner could not be seen is kept with
 * `ownerHidden: true` and its uid — never dropped, because "not visible" is not "free".
 */
export function assembleListeners(input: AssembleInput): Listener[] {
  const nameUser = input.nameUser ?? String;
  const listeners: Listener[] = [];
  for (const row of input.rows) {
    if (!isListeningRow(row)) continue;
    const pids = row.pids ?? (row.inode ? input.owners?.get(row.inode) : undefined) ?? [];
    const processes = pids.map((pid) => input.processes.get(pid) ?? { pid });
    const listener: Listener = {
      protocol: row.protocol,
      family: row.family,
      address: row.address,
      port: row.port,
      exposure: classifyExposure(row.address),
      processes,
      ownerHidden: processes.length === 0,
    };
    const uid = row.uid ?? processes[0]?.uid;
    if (uid !== undefined) {
      listener.uid = uid;
      listener.user = nameUser(uid);
    }
    if (row.inode) listener.inode = row.inode;
    if (row.acceptQueue !== undefined && row.protocol === 'tcp')
      listener.acceptQueue = row.acceptQueue;
    listeners.push(listener);
  }
  return listeners.sort(compareListeners);
}

/** Orders by port, then protocol, then family (IPv4 first), then address. */
export function compareListeners(a: Listener, b: Listener): number {
  return (
    a.port - b.port ||
    a.protocol.localeCompare(b.protocol) ||
    a.family.localeCompare(b.family) ||
    a.address.localeCompare(b.address)
  );
}
