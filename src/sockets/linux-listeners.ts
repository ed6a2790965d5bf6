import type { ProcessTree } from '../ports/process-tree.js';
import { assembleListeners } from './assemble-listeners.js';
import type { HiddenProofStore } from './hidden-proof.js';
import type { SocketFds } from './linux-fd-scan.js';
import { findSocketOwners, type OwnerSearch } from './linux-owner-search.js';
import { PROC_STATE_LISTEN, PROC_STATE_UDP_BOUND } from './linux-proc-net.js';
import { type ProcFsOptions, readProcessInfo, userName } from './linux-process.js';
import { readSocketTable } from './linux-table.js';
import type { Listener, ProcessInfo, Protocol, SocketRow } from './model.js';

/** What to read from the Linux socket tables. */
export interface LinuxScanOptions extends ProcFsOptions {
  protocols?: readonly Protocol[];
  port?: number;
  /** Keep every state (for `who`), not only listeners. */
  allStates?: boolean;
  /** How holders are looked for. Default `exhaustive`. */
  ownerSearch?: OwnerSearch;
  /** Where the family search keeps its proof about sockets without a visible holder. */
  hiddenProofs?: HiddenProofStore;
  /** The process tree, when the caller read it already (a kill needs it too). */
  tree?: ProcessTree;
  /** Filled in with the fd of every holding found, when given (a kill watches them). */
  socketFds?: SocketFds;
}

/** Socket rows plus the listeners built from them, with owners resolved through /proc. */
export interface LinuxScan {
  rows: SocketRow[];
  listeners: Listener[];
  /** Socket inode → pids, for every row with an inode. */
  owners: ReadonlyMap<number, readonly number[]>;
  processes: ReadonlyMap<number, ProcessInfo>;
}

/** Reads the socket tables and resolves the owners of every socket found, from /proc only. */
export function scanLinux(options: LinuxScanOptions = {}): LinuxScan {
  const procRoot = options.procRoot ?? '/proc';
  const rows = readSocketTable({
    procRoot,
    protocols: options.protocols ?? ['tcp'],
    port: options.port,
    states: options.allStates
      ? undefined
      : { tcp: [PROC_STATE_LISTEN], udp: [PROC_STATE_UDP_BOUND] },
  });
  const wanted = new Set<number>();
  for (const row of rows) if (row.inode) wanted.add(row.inode);
  const { owners } = findSocketOwners(
    wanted,
    procRoot,
    options.ownerSearch,
    options.hiddenProofs,
    options.tree,
    options.socketFds,
  );
  const processes = new Map<number, ProcessInfo>();
  for (const pids of owners.values()) {
    for (const pid of pids) {
      if (!processes.has(pid)) processes.set(pid, readProcessInfo(pid, options));
    }
  }
  const listeners = assembleListeners({
    rows,
    owners,
    processes,
    nameUser: (uid) => userName(uid, options.passwdPath),
  });
  return { rows, listeners, owners, processes };
}
