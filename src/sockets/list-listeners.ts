import { PortierError } from '../errors.js';
import { validatePort } from '../net/port-number.js';
import type { ProcessTree } from '../ports/process-tree.js';
import { fileProofStore, type HiddenProofStore, memoryProofStore } from './hidden-proof.js';
import type { SocketFds } from './linux-fd-scan.js';
import type { OwnerSearch } from './linux-owner-search.js';
import type { ProcFsOptions } from './linux-process.js';
import type { Listener, Protocol, SocketRow } from './model.js';
import type { RunCommand } from './run-command.js';

/** Options of {@link listListeners}; every field is optional. */
export interface ListListenersOptions extends ProcFsOptions {
  /** Include listening TCP sockets. Default `true`. */
  tcp?: boolean;
  /** Include bound UDP sockets. Default `false`. */
  udp?: boolean;
  /** Only sockets on this local port. */
  port?: number;
  /** Which backend to use. Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** How macOS and Windows backends run `lsof`/`netstat`/`tasklist`. */
  runCommand?: RunCommand;
  /**
   * Linux: read every fd of every process to find the holders (what `ss -p` costs). Default
   * false: the `family` search of {@link OwnerSearch}, which reads whole only the processes
   * that can share a holder's sockets by fork; only a socket handed to an unrelated process
   * over a Unix socket, or moved to a high fd in a sibling, needs this.
   */
  exhaustive?: boolean;
  /**
   * Linux, without `exhaustive`: where to keep the proof that the sockets without a visible
   * holder have none among the processes this user can read, so that searches in the next
   * 10 minutes read only the processes started since. Default: this process's memory. A file
   * path shares it between processes (the CLI keeps `hidden-sockets.json` in its state
   * directory); `false` proves it anew on every call.
   */
  hiddenProof?: string | false;
}

const sharedProofs = memoryProofStore();

function proofStore(option: string | false | undefined): HiddenProofStore | undefined {
  if (option === false) return undefined;
  return option === undefined ? sharedProofs : fileProofStore(option);
}

/** Every socket row bound to one port plus its listeners, from whichever backend applies. */
export interface PlatformScan {
  rows: SocketRow[];
  listeners: Listener[];
  /** Owning pids by inode (Linux) — other backends put pids on the rows. */
  owners?: ReadonlyMap<number, readonly number[]>;
}

/** Internal: how a Linux scan looks for the owners of the sockets it lists. */
export interface OwnerScanOptions {
  /** The owner search, unless `exhaustive` asks for every process. Default `family`. */
  search?: OwnerSearch;
  /** The process tree, when the caller read it already. */
  tree?: ProcessTree;
  /** Filled in with the fd of every holding found, when given. */
  socketFds?: SocketFds;
}

/** Internal: scans with the backend for `platform`; `allStates` keeps non-listening rows. */
export async function scanPlatform(
  options: ListListenersOptions,
  allStates: boolean,
  owners: OwnerScanOptions = {},
): Promise<PlatformScan> {
  const { tree, socketFds } = owners;
  const ownerSearch: OwnerSearch = options.exhaustive ? 'exhaustive' : (owners.search ?? 'family');
  const protocols: Protocol[] = [];
  if (options.tcp !== false) protocols.push('tcp');
  if (options.udp) protocols.push('udp');
  if (options.port !== undefined) validatePort(options.port);
  const platform = options.platform ?? process.platform;
  if (platform === 'linux' || platform === 'android') {
    const { scanLinux } = await import('./linux-listeners.js');
    const hiddenProofs = proofStore(options.hiddenProof);
    return scanLinux({
      ...options,
      protocols,
      allStates,
      ownerSearch,
      hiddenProofs,
      tree,
      socketFds,
    });
  }
  if (platform === 'darwin' || platform === 'freebsd') {
    const { scanDarwin } = await import('./darwin-listeners.js');
    return scanDarwin({ protocols, port: options.port, runCommand: options.runCommand });
  }
  if (platform === 'win32') {
    const { scanWindows } = await import('./windows-listeners.js');
    return scanWindows({ protocols, port: options.port, runCommand: options.runCommand });
  }
  throw new PortierError(
    'UNSUPPORTED_PLATFORM',
    `portier cannot read the socket table on ${platform}.`,
    {
      hint: 'Supported: Linux (live from /proc), macOS (lsof), Windows (netstat).',
    },
  );
}

/**
 * Every listening TCP socket (and bound UDP socket with `udp: true`), IPv4 and IPv6, with the
 * processes that share it. Sockets whose owner cannot be seen are kept with `ownerHidden`.
 * On Linux this reads /proc only and runs no external command; see
 * {@link ListListenersOptions.exhaustive} for how holders are found.
 */
export async function listListeners(options: ListListenersOptions = {}): Promise<Listener[]> {
  return (await scanPlatform(options, false)).listeners;
}
