import { descendantsOf, type ProcessTree, readProcessTree } from '../ports/process-tree.js';
import {
  type FdCursor,
  type FdScanResult,
  type FdSearch,
  listPids,
  openFdCursor,
  readFdLinks,
  scanSocketOwners,
} from './linux-fd-scan.js';

/**
 * How the processes holding sockets are looked for:
 * - `exhaustive`: read every fd of every process (exact; the cost of `ss -p`)
 * - `family`: read fds only until each socket has a holder, then read the process families of
 *   the holders: the tree below the holder's topmost ancestor under init, and every process of
 *   the holder's session (workers whose master died were reparented away from the tree but
 *   keep the session). Sockets are shared by fork, so this finds every holder of a pre-forked
 *   server. A socket init holds (socket activation) makes every process a relative. A socket
 *   handed to an unrelated process over a Unix socket (SCM_RIGHTS) is found only by
 *   `exhaustive`.
 */
export type OwnerSearch = 'exhaustive' | 'family';

/** The topmost ancestor of `pid` below init, or undefined when the family is everything (pid 1). */
function familyRoot(pid: number, parents: ReadonlyMap<number, number>): number | undefined {
  if (pid <= 1) return undefined;
  let root = pid;
  for (
    let parent = parents.get(root);
    parent !== undefined && parent > 1;
    parent = parents.get(root)
  )
    root = parent;
  return root;
}

/**
 * The processes that may share a holder's sockets: every descendant of its family root and
 * every process in its session. Undefined (everything) for a child of init without a session
 * of its own: processes entered into a container from outside have session 0, and such an
 * orphaned worker's siblings are linked to it by nothing left to read.
 */
function familyOf(
  holder: number,
  tree: ProcessTree,
  pids: readonly number[],
  cache: Map<string, ReadonlySet<number>>,
): ReadonlySet<number> | undefined {
  const root = familyRoot(holder, tree.parents);
  // Session 0 is the kernel's; session 1 would be everything init started without setsid.
  const session = tree.sessions.get(holder) ?? 0;
  if (root === undefined || (root === holder && session <= 1)) return undefined;
  const key = `${root}/${session}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const family = new Set([root, ...descendantsOf([root], tree.parents)]);
  if (session > 1) for (const pid of pids) if (tree.sessions.get(pid) === session) family.add(pid);
  cache.set(key, family);
  return family;
}

/**
 * Which processes need every fd read: those in the family of a holder that they do not
 * already hold every socket of. A process holding all its relatives' sockets has nothing
 * more to show (a busy server's thousands of connections are skipped that way).
 */
function processesToReadWhole(
  owners: ReadonlyMap<number, readonly number[]>,
  pids: readonly number[],
  procRoot: string,
): Set<number> {
  const socketsOf = new Map<number, number[]>();
  for (const [inode, list] of owners)
    for (const pid of list) {
      // Init's family is everything: no need to read every process's stat to learn that.
      if (pid <= 1) return new Set(pids);
      const held = socketsOf.get(pid);
      if (held) held.push(inode);
      else socketsOf.set(pid, [inode]);
    }
  const whole = new Set<number>();
  if (socketsOf.size === 0) return whole;
  const tree = readProcessTree(procRoot);
  const cache = new Map<string, ReadonlySet<number>>();
  for (const [holder, sockets] of socketsOf) {
    const family = familyOf(holder, tree, pids, cache);
    if (!family) return new Set(pids);
    for (const pid of family) {
      if (whole.has(pid)) continue;
      if (sockets.some((inode) => !owners.get(inode)?.includes(pid))) whole.add(pid);
    }
  }
  return whole;
}

/** How many fds of each process the first pass reads: listeners are opened early. */
const SKIM_FDS = 256;

/**
 * Finds the pids holding the sockets in `wanted` by reading only as much of /proc as the
 * search mode needs (see {@link OwnerSearch}). The first pass skims every process's first
 * fds, so one process with thousands of connections does not delay finding the others'
 * listeners. A socket without a visible holder always costs a full scan, since only that
 * proves nobody visible holds it.
 */
export function findSocketOwners(
  wanted: ReadonlySet<number>,
  procRoot = '/proc',
  search: OwnerSearch = 'exhaustive',
): FdScanResult {
  if (search === 'exhaustive' || wanted.size === 0) return scanSocketOwners(wanted, procRoot);
  const found: FdSearch = { wanted, owners: new Map(), remaining: new Set(wanted) };
  const remaining = found.remaining!;
  const cursors = new Map<number, FdCursor>();
  const pids = listPids(procRoot);
  for (const pid of pids) {
    const { cursor } = openFdCursor(pid, procRoot);
    if (!cursor) continue;
    cursors.set(pid, cursor);
    readFdLinks(pid, cursor, found, { stopWhenFound: true, upTo: SKIM_FDS });
    if (remaining.size === 0) break;
  }
  if (remaining.size > 0) {
    for (const [pid, cursor] of cursors) {
      readFdLinks(pid, cursor, found, { stopWhenFound: true });
      if (remaining.size === 0) break;
    }
  }
  if (remaining.size > 0) return sorted(found.owners); // every process was read whole
  for (const pid of processesToReadWhole(found.owners, pids, procRoot)) {
    const cursor = cursors.get(pid) ?? openFdCursor(pid, procRoot).cursor;
    if (cursor) readFdLinks(pid, cursor, found);
  }
  return sorted(found.owners);
}

function sorted(owners: Map<number, number[]>): FdScanResult {
  for (const list of owners.values()) list.sort((a, b) => a - b);
  return { owners, unreadable: [] };
}
