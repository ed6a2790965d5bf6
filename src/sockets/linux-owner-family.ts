import { descendantsOf, type ProcessTree } from '../ports/process-tree.js';

/** Which processes the family search reads next, and how far. */
export interface FamilyReads {
  /** Read every fd: the processes that share a holder's sockets by fork. */
  whole: Set<number>;
  /** Read only the fds below the skim limit: wider relatives, where a socket is rarely seen. */
  low: Set<number>;
}

/** The topmost ancestor of `pid` below init (`pid` itself for a child of init). */
function familyRoot(pid: number, parents: ReadonlyMap<number, number>): number {
  let root = pid;
  for (
    let parent = parents.get(root);
    parent !== undefined && parent > 1;
    parent = parents.get(root)
  )
    root = parent;
  return root;
}

function sessionMembers(session: number, pids: readonly number[], tree: ProcessTree): number[] {
  return pids.filter((pid) => tree.sessions.get(pid) === session);
}

/**
 * Plans the reads that find every process sharing the sockets of the holders in `owners`
 * (socket inode → pids), or returns undefined when only reading every process will do.
 *
 * - Whole: the tree below the holder's topmost ancestor that holds one of its sockets (a
 *   pre-forked server's master and workers). `readWhole(pid)` is called on the way up to
 *   learn whether a parent holds one; it must record what it finds in `owners`. For a holder
 *   whose parent is init, its whole session too: workers whose master died were reparented
 *   there but keep the master's session. A child of init without a session (session 0 inside
 *   a container entered from outside) leaves nothing that links it to its siblings:
 *   undefined. So does a socket init holds (socket activation).
 * - Low: the rest of the tree below the holder's topmost ancestor under init, and its
 *   session: siblings handed the socket by a launcher that closed its own copy get it at the
 *   launcher's fd number, which is low in practice.
 *
 * A relative already holding all the holder's sockets is not read again: the rest of its fds
 * could only name itself (a busy server's thousands of connections are skipped that way).
 */
export function planFamilyReads(
  owners: ReadonlyMap<number, readonly number[]>,
  pids: readonly number[],
  tree: ProcessTree,
  readWhole: (pid: number) => void,
): FamilyReads | undefined {
  const socketsOf = new Map<number, number[]>();
  for (const [inode, list] of owners)
    for (const pid of list) {
      if (pid <= 1) return undefined;
      const held = socketsOf.get(pid);
      if (held) held.push(inode);
      else socketsOf.set(pid, [inode]);
    }
  const reads: FamilyReads = { whole: new Set(), low: new Set() };
  const holdsAll = (pid: number, sockets: readonly number[]) =>
    sockets.every((inode) => owners.get(inode)?.includes(pid));
  for (const [holder, sockets] of socketsOf) {
    let top = holder;
    for (;;) {
      const parent = tree.parents.get(top);
      if (parent === undefined || parent <= 1) break;
      readWhole(parent);
      if (!sockets.some((inode) => owners.get(inode)?.includes(parent))) break;
      top = parent;
    }
    // Session 0 is the kernel's; session 1 would be everything init started without setsid.
    const session = tree.sessions.get(holder) ?? 0;
    const whole = [top, ...descendantsOf([top], tree.parents)];
    if ((tree.parents.get(top) ?? 0) <= 1) {
      if (session <= 1) return undefined;
      whole.push(...sessionMembers(session, pids, tree));
    }
    for (const pid of whole) if (!holdsAll(pid, sockets)) reads.whole.add(pid);
    const root = familyRoot(holder, tree.parents);
    const wider = [root, ...descendantsOf([root], tree.parents)];
    if (session > 1) wider.push(...sessionMembers(session, pids, tree));
    for (const pid of wider) if (!reads.whole.has(pid)) reads.low.add(pid);
  }
  for (const pid of reads.whole) reads.low.delete(pid);
  return reads;
}
