import { readProcessTree } from '../ports/process-tree.js';
import {
  type FdCursor,
  type FdScanResult,
  type FdSearch,
  listPids,
  openFdCursor,
  readFdLinks,
  scanSocketOwners,
  sortOwners,
} from './linux-fd-scan.js';
import { planFamilyReads } from './linux-owner-family.js';

/**
 * How the processes holding sockets are looked for:
 * - `exhaustive`: read every fd of every process (exact; the cost of `ss -p`)
 * - `family`: read each process's low-numbered fds only until each socket has a holder, then
 *   the holders' families (see {@link planFamilyReads}): whole, the tree below the topmost
 *   ancestor holding the socket and, for orphaned workers, the session; only below fd 256,
 *   the wider family (the tree below the holder's topmost ancestor under init, its session).
 *   Sockets are shared by fork, so this finds every holder of a pre-forked server. A socket
 *   init holds (socket activation) makes every process a relative. A socket handed to an
 *   unrelated process over a Unix socket (SCM_RIGHTS), or moved to a high fd in a sibling,
 *   is found only by `exhaustive`.
 */
export type OwnerSearch = 'exhaustive' | 'family';

/** The first pass reads each process's fds numbered below this: listeners are opened early. */
const SKIM_FDS = 256;

/**
 * Moves the fds numbered below `limit` to the front of the cursor's unread part and returns
 * the index where they end. The directory listing is in string order ("1", "10", "100", …),
 * so without this a skim would read fd 1000 before fd 20.
 */
function lowFdsFirst(cursor: FdCursor, limit: number): number {
  const low: string[] = [];
  const high: string[] = [];
  for (let i = cursor.next; i < cursor.fds.length; i++) {
    const fd = cursor.fds[i]!;
    (Number(fd) < limit ? low : high).push(fd);
  }
  if (high.length === 0) return cursor.fds.length;
  cursor.fds = [...cursor.fds.slice(0, cursor.next), ...low, ...high];
  return cursor.next + low.length;
}

/**
 * Finds the pids holding the sockets in `wanted` by reading only as much of /proc as the
 * search mode needs (see {@link OwnerSearch}). The first pass reads only every process's
 * low-numbered fds, so one process with thousands of connections does not delay finding the
 * others' listeners. A socket without a visible holder always costs a full scan, since only that
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
    const upTo = lowFdsFirst(cursor, SKIM_FDS);
    readFdLinks(pid, cursor, found, { stopWhenFound: true, upTo });
    if (remaining.size === 0) break;
  }
  if (remaining.size > 0) {
    for (const [pid, cursor] of cursors) {
      readFdLinks(pid, cursor, found, { stopWhenFound: true });
      if (remaining.size === 0) break;
    }
  }
  if (remaining.size > 0) return sorted(found.owners); // every process was read whole
  const cursorOf = (pid: number) => {
    if (!cursors.has(pid)) {
      const { cursor } = openFdCursor(pid, procRoot);
      if (cursor) cursors.set(pid, cursor);
    }
    return cursors.get(pid);
  };
  const readWhole = (pid: number) => {
    const cursor = cursorOf(pid);
    if (cursor) readFdLinks(pid, cursor, found);
  };
  // Init's family is everything: no need to read every process's stat to learn that.
  const initHolds = [...found.owners.values()].some((list) => list.some((pid) => pid <= 1));
  const plan = initHolds
    ? undefined
    : planFamilyReads(found.owners, readProcessTree(procRoot), readWhole);
  for (const pid of plan ? plan.whole : pids) readWhole(pid);
  for (const pid of plan?.low ?? []) {
    const cursor = cursorOf(pid);
    if (cursor) readFdLinks(pid, cursor, found, { upTo: lowFdsFirst(cursor, SKIM_FDS) });
  }
  return sorted(found.owners);
}

function sorted(owners: Map<number, number[]>): FdScanResult {
  sortOwners(owners);
  return { owners, unreadable: [] };
}
