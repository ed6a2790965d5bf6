import type { ProcessTree } from '../ports/process-tree.js';

/** Which processes the family search reads next, and how far. */
export interface FamilyReads {
  /** Read every fd: the processes that share a holder's sockets by fork. */
  whole: Set<number>;
  /** Read only the fds below the skim limit: wider relatives, where a socket is rarely seen. */
  low: Set<number>;
}

/** Family lookups over one process tree, each computed once however many holders ask. */
class Relatives {
  private readonly children = new Map<number, number[]>();
  private readonly bySession = new Map<number, number[]>();
  private readonly below = new Map<number, number[]>();

  constructor(readonly tree: ProcessTree) {
    for (const [pid, ppid] of tree.parents) {
      const list = this.children.get(ppid);
      if (list) list.push(pid);
      else this.children.set(ppid, [pid]);
    }
    for (const [pid, session] of tree.sessions) {
      const list = this.bySession.get(session);
      if (list) list.push(pid);
      else this.bySession.set(session, [pid]);
    }
  }

  /** `pid` and every descendant of it. */
  treeOf(pid: number): number[] {
    const cached = this.below.get(pid);
    if (cached) return cached;
    const out = [pid];
    const seen = new Set(out);
    for (let i = 0; i < out.length; i++)
      for (const child of this.children.get(out[i]!) ?? [])
        if (!seen.has(child)) {
          seen.add(child);
          out.push(child);
        }
    this.below.set(pid, out);
    return out;
  }

  session(id: number): readonly number[] {
    return this.bySession.get(id) ?? [];
  }

  /**
   * The topmost ancestor of `pid` below init (`pid` itself for a child of init), or undefined
   * when the parents loop: stat files read moments apart can disagree after pid reuse.
   */
  rootOf(pid: number): number | undefined {
    const seen = new Set<number>();
    let root = pid;
    for (;;) {
      const parent = this.tree.parents.get(root);
      if (parent === undefined || parent <= 1) return root;
      if (seen.has(parent)) return undefined;
      seen.add(root);
      root = parent;
    }
  }
}

/**
 * Plans the reads that find every process sharing the sockets of the holders in `owners`
 * (socket inode → pids), or returns undefined when only reading every process will do.
 * `readWhole(pid)` reads a process's every fd now and records what it finds in `owners`.
 *
 * - Whole: the tree below the topmost ancestor of the holder that holds one of its sockets
 *   (a pre-forked server's master and workers), found by climbing from the holder. And the
 *   holder's session when its leader is gone or that top is a child of init: workers whose
 *   master died keep the master's session wherever they were reparented (init or a
 *   subreaper). A child of init without a session (session 0 inside a container entered from
 *   outside) leaves nothing that links it to its siblings: undefined. So does a socket init
 *   holds (socket activation), and parents that loop.
 * - Low: the rest of the tree below the holder's topmost ancestor under init, and its
 *   session: siblings handed the socket by a launcher that closed its own copy get it at the
 *   launcher's fd number, which is low in practice.
 *
 * A relative already holding all of a holder's sockets is not read whole for that holder (a
 * busy server's thousands of connections are skipped that way).
 */
export function planFamilyReads(
  owners: ReadonlyMap<number, readonly number[]>,
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
  const relatives = new Relatives(tree);
  const holds = (pid: number, inode: number) => owners.get(inode)?.includes(pid) === true;
  // Whole reads, grouped: the sockets looked for in each tree top's tree and in each session.
  const byTop = new Map<number, Set<number>>();
  const bySession = new Map<number, Set<number>>();
  const low = new Set<number>();
  for (const [holder, sockets] of socketsOf) {
    let top = holder;
    const climbed = new Set([top]);
    for (;;) {
      const parent = tree.parents.get(top);
      if (parent === undefined || parent < 1) break;
      if (climbed.has(parent)) return undefined;
      readWhole(parent);
      if (!sockets.some((inode) => holds(parent, inode))) break;
      if (parent <= 1) return undefined; // init holds it: socket activation
      climbed.add(parent);
      top = parent;
    }
    // Session 0 is the kernel's; session 1 would be everything init started without setsid.
    const session = tree.sessions.get(holder) ?? 0;
    const topUnderInit = (tree.parents.get(top) ?? 0) <= 1;
    if (topUnderInit && session <= 1) return undefined;
    const root = relatives.rootOf(holder);
    if (root === undefined) return undefined;
    add(byTop, top, sockets);
    if (session > 1 && (topUnderInit || !tree.parents.has(session)))
      add(bySession, session, sockets);
    for (const pid of relatives.treeOf(root)) low.add(pid);
    if (session > 1) for (const pid of relatives.session(session)) low.add(pid);
  }
  // Nothing is read from here on: sets make "holds it already" cheap for a large worker pool.
  const holders = new Map<number, Set<number>>();
  for (const [inode, list] of owners) holders.set(inode, new Set(list));
  const whole = new Set<number>();
  const readFor = (members: readonly number[], sockets: ReadonlySet<number>) => {
    for (const pid of members) {
      if (whole.has(pid)) continue;
      for (const inode of sockets)
        if (!holders.get(inode)?.has(pid)) {
          whole.add(pid);
          break;
        }
    }
  };
  for (const [top, sockets] of byTop) readFor(relatives.treeOf(top), sockets);
  for (const [session, sockets] of bySession) readFor(relatives.session(session), sockets);
  for (const pid of whole) low.delete(pid);
  return { whole, low };
}

function add(groups: Map<number, Set<number>>, key: number, sockets: readonly number[]): void {
  const group = groups.get(key);
  if (group) for (const inode of sockets) group.add(inode);
  else groups.set(key, new Set(sockets));
}
