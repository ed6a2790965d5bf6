import { descendantsOf, readParentMap } from '../ports/process-tree.js';
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
 *   the holders (the tree below the holder's topmost ancestor under init). Sockets are shared
 *   by fork, so this finds every holder of a pre-forked server; a socket handed to an unrelated
 *   process over a Unix socket (SCM_RIGHTS) is found only by `exhaustive`.
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
  const parents = readParentMap(procRoot);
  const roots = new Set([...owners.values()].flat().map((pid) => familyRoot(pid, parents)));
  const family = roots.has(undefined)
    ? pids
    : [...(roots as Set<number>), ...descendantsOf([...(roots as Set<number>)], parents)];
  for (const pid of family) {
    const cursor = cursors.get(pid) ?? openFdCursor(pid, procRoot).cursor;
    if (cursor) readFdLinks(pid, cursor, wanted, owners, remaining);
  }
  for (const list of owners.values()) list.sort((a, b) => a - b);
  return { owners, unreadable: [] };
}
