import { descendantsOf, readProcessTree } from '../ports/process-tree.js';
import {
  type FdCursor,
  type FdScanResult,
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
 *   server; a socket handed to an unrelated process over a Unix socket (SCM_RIGHTS) is found
 *   only by `exhaustive`.
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
 * The processes that may share the holders' sockets: every descendant of each holder's family
 * root and every process in a holder's session; all of `pids` when init holds one or when a
 * holder is a child of init without a session of its own.
 */
function familyOf(
  holders: readonly number[],
  pids: readonly number[],
  procRoot: string,
): Set<number> {
  // Init's family is everything: no need to read every process's stat to learn that.
  if (holders.some((pid) => pid <= 1)) return new Set(pids);
  const { parents, sessions } = readProcessTree(procRoot);
  const roots = new Set<number>();
  for (const pid of holders) {
    const root = familyRoot(pid, parents);
    if (root === undefined) return new Set(pids);
    // A child of init outside any session (processes entered into a container from outside
    // have session 0) may be a worker orphaned by its master, with siblings that nothing
    // links to it any more: only reading everything finds them.
    if (root === pid && (sessions.get(pid) ?? 0) <= 1) return new Set(pids);
    roots.add(root);
  }
  const family = new Set([...roots, ...descendantsOf([...roots], parents)]);
  // Session 0 is the kernel's; session 1 would be everything init started without setsid.
  const shared = new Set<number>();
  for (const pid of holders) {
    const session = sessions.get(pid);
    if (session !== undefined && session > 1) shared.add(session);
  }
  if (shared.size > 0)
    for (const pid of pids) if (shared.has(sessions.get(pid) ?? 0)) family.add(pid);
  return family;
}

/**
 * Finds the pids holding the sockets in `wanted` by reading only as much of /proc as the
 * search mode needs (see {@link OwnerSearch}). A socket without a visible holder always costs
 * a full scan, since only that proves nobody visible holds it.
 */
export function findSocketOwners(
  wanted: ReadonlySet<number>,
  procRoot = '/proc',
  search: OwnerSearch = 'exhaustive',
): FdScanResult {
  if (search === 'exhaustive' || wanted.size === 0) return scanSocketOwners(wanted, procRoot);
  const owners = new Map<number, number[]>();
  const remaining = new Set(wanted);
  const cursors = new Map<number, FdCursor>();
  const pids = listPids(procRoot);
  for (const pid of pids) {
    const { cursor } = openFdCursor(pid, procRoot);
    if (!cursor) continue;
    cursors.set(pid, cursor);
    readFdLinks(pid, cursor, wanted, owners, remaining, true);
    if (remaining.size === 0) break;
  }
  if (remaining.size > 0) return { owners, unreadable: [] }; // every process was read whole
  // How many of the wanted sockets each holder holds: one that holds them all needs no more
  // reading, since the rest of its fds could only name itself again (a busy server's
  // thousands of connections are skipped that way).
  const held = new Map<number, number>();
  for (const list of owners.values())
    for (const pid of list) held.set(pid, (held.get(pid) ?? 0) + 1);
  for (const pid of familyOf([...held.keys()], pids, procRoot)) {
    if (held.get(pid) === wanted.size) continue;
    const cursor = cursors.get(pid) ?? openFdCursor(pid, procRoot).cursor;
    if (cursor) readFdLinks(pid, cursor, wanted, owners, remaining);
  }
  for (const list of owners.values()) list.sort((a, b) => a - b);
  return { owners, unreadable: [] };
}
