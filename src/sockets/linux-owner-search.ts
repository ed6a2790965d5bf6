import { type ProcessTree, readProcessTree, readUptimeTicks } from '../ports/process-tree.js';
import {
  HIDDEN_PROOF_MAX_AGE_MS,
  type HiddenProofStore,
  readBootId,
  readerKey,
  usableReaders,
} from './hidden-proof.js';
import {
  closeFdCursor,
  type FdCursor,
  type FdScanResult,
  type FdSearch,
  LOW_FDS,
  listPids,
  openFdCursor,
  readFdLinks,
  type SocketFds,
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
 * - `first`: the newest processes first, and only until each socket has one holder: what a
 *   kill needs before it acts, since it checks the port once the holders exited and looks
 *   again while it is still held. A socket without a visible holder is proven as in `family`.
 */
export type OwnerSearch = 'exhaustive' | 'family' | 'first';

/** The first pass reads each process's fds numbered below this: listeners are opened early. */
const SKIM_FDS = LOW_FDS;

/**
 * Whether a process is covered by a proof without being one of its readers: it started after
 * the proof was saved, from a parent that is a reader or covered in turn, in the parent's
 * session. Such a process could have inherited the sockets only from a parent that did not
 * hold them by then. The session check keeps out a process whose parent died and left it to
 * a reader that adopts orphans (a subreaper): its real parent may not have been a reader.
 */
function coverage(
  tree: ProcessTree,
  readers: ReadonlySet<string> | undefined,
  savedAtTicks: number | undefined,
): (pid: number) => boolean {
  const memo = new Map<number, boolean>();
  const covered = (pid: number): boolean => {
    if (!readers || savedAtTicks === undefined) return false;
    const known = memo.get(pid);
    if (known !== undefined) return known;
    memo.set(pid, false); // a loop in the parent map (pid reuse) ends here
    const start = tree.startTimes.get(pid);
    const parent = tree.parents.get(pid);
    let result = start !== undefined && readers.has(readerKey(pid, start));
    // One tick of rounding in /proc/uptime aside.
    if (!result && start !== undefined && start > savedAtTicks + 1 && parent !== undefined)
      result =
        parent > 1 && tree.sessions.get(pid) === tree.sessions.get(parent) && covered(parent);
    memo.set(pid, result);
    return result;
  };
  return covered;
}

/**
 * Reads whole every process not proven by `proofs` (all of them without one) until each
 * socket in `remaining` has a holder, and leaves a proof for those still without one.
 * Returns whether every process was read (nothing left to plan).
 */
function proveHidden(
  found: FdSearch,
  pids: readonly number[],
  cursors: ReadonlyMap<number, FdCursor>,
  context: { procRoot: string; tree: ProcessTree; proofs?: HiddenProofStore },
): boolean {
  const remaining = found.remaining!;
  const { procRoot, proofs, tree } = context;
  const bootId = proofs ? readBootId(procRoot) : undefined;
  const now = Date.now();
  const keyOf = (pid: number) => {
    const start = tree.startTimes.get(pid);
    return start === undefined ? undefined : readerKey(pid, start);
  };
  const loaded = bootId ? proofs!.load() : undefined;
  const proven = bootId ? usableReaders(loaded, { bootId, procRoot, now }, remaining) : undefined;
  const covered = coverage(tree, proven, loaded?.savedAtTicks);
  const readers: string[] = [];
  let learnt = false;
  for (const pid of pids) {
    const cursor = cursors.get(pid);
    if (!cursor) continue;
    const key = keyOf(pid);
    if (key !== undefined && proven?.has(key)) {
      readers.push(key);
      continue;
    }
    if (covered(pid)) continue;
    readFdLinks(pid, cursor, found, { stopWhenFound: true });
    if (remaining.size === 0) return false;
    if (key !== undefined && !cursor.incomplete) {
      readers.push(key);
      learnt = true;
    }
  }
  // A search that read nothing new leaves the proof as it was: rewriting the same proof
  // would cost every `portier ls` a file write.
  if (bootId && (learnt || !proven)) {
    const savedAtTicks = readUptimeTicks(procRoot);
    proofs!.save({ bootId, procRoot, at: now, sockets: [...remaining], readers, savedAtTicks });
  }
  return proven === undefined;
}

/**
 * Finds the pids holding the sockets in `wanted` by reading only as much of /proc as the
 * search mode needs (see {@link OwnerSearch}). The first pass reads only every process's
 * low-numbered fds, so one process with thousands of connections does not delay finding the
 * others' listeners. A socket without a visible holder costs reading every process whole,
 * since only that proves nobody visible holds it; with `proofs`, a search within
 * {@link HIDDEN_PROOF_MAX_AGE_MS} of the last such proof reads only the processes started
 * since, the others being unable to have gained an existing socket but by fd passing.
 * `fds`, when given, gets the fd of every holding found.
 */
export function findSocketOwners(
  wanted: ReadonlySet<number>,
  procRoot = '/proc',
  search: OwnerSearch = 'exhaustive',
  proofs?: HiddenProofStore,
  tree?: ProcessTree,
  fds?: SocketFds,
): FdScanResult {
  if (search === 'exhaustive' || wanted.size === 0)
    return scanSocketOwners(wanted, procRoot, undefined, fds);
  const cursors = new Map<number, FdCursor>();
  try {
    // `first` reads the newest processes, rarely kernel threads: the tree only if it must.
    let known = tree;
    if (!known && search === 'family') known = readProcessTree(procRoot);
    const treeNow = () => {
      known ??= readProcessTree(procRoot);
      return known;
    };
    const found: FdSearch = { wanted, owners: new Map(), remaining: new Set(wanted), fds };
    return searchFamilies(found, procRoot, cursors, proofs, treeNow, search === 'family');
  } finally {
    for (const cursor of cursors.values()) closeFdCursor(cursor);
  }
}

function searchFamilies(
  found: FdSearch,
  procRoot: string,
  cursors: Map<number, FdCursor>,
  proofs: HiddenProofStore | undefined,
  treeNow: () => ProcessTree,
  family: boolean,
): FdScanResult {
  const remaining = found.remaining!;
  // Kernel threads (most of the processes on a quiet machine) have no fd table worth opening.
  const all = listPids(procRoot);
  const pids = family ? all.filter((pid) => !treeNow().kernelThreads.has(pid)) : all;
  // The server a kill is asked to stop was most often started last. The reading process
  // itself, newest of all, comes last: it holds a socket only if one was handed to it, and
  // a kill that leaves such a copy behind finds it in its second round and refuses it.
  if (!family) sortNewestFirst(pids, process.pid);
  for (const pid of pids) {
    const cursor = openFdCursor(pid, procRoot);
    if (!cursor) continue;
    cursors.set(pid, cursor);
    readFdLinks(pid, cursor, found, { stopWhenFound: true, below: SKIM_FDS });
    if (remaining.size === 0) break;
  }
  if (
    remaining.size > 0 &&
    proveHidden(found, pids, cursors, { procRoot, tree: treeNow(), proofs })
  )
    return sorted(found.owners); // every process was read whole
  if (!family) return sorted(found.owners);
  const cursorOf = (pid: number) => {
    if (!cursors.has(pid)) {
      const cursor = openFdCursor(pid, procRoot);
      if (cursor) cursors.set(pid, cursor);
    }
    return cursors.get(pid);
  };
  const readWhole = (pid: number) => {
    const cursor = cursorOf(pid);
    if (cursor) readFdLinks(pid, cursor, found);
  };
  // Init's family is every process: read them all whole.
  const initHolds = [...found.owners.values()].some((list) => list.some((pid) => pid <= 1));
  const plan = initHolds ? undefined : planFamilyReads(found.owners, treeNow(), readWhole);
  for (const pid of plan ? plan.whole : pids) readWhole(pid);
  for (const pid of plan?.low ?? []) {
    const cursor = cursorOf(pid);
    if (cursor) readFdLinks(pid, cursor, found, { below: SKIM_FDS });
  }
  return sorted(found.owners);
}

/** Above every pid Linux hands out (PID_MAX_LIMIT, 2^22 on 64-bit). */
const PID_SPACE = 4_194_304;

/**
 * Sorts `pids` from the most recently started down, as Linux hands them out: increasing from
 * the last one given, wrapping to the bottom past `pid_max` (32768 on many machines, soon
 * reached on a busy one). So the order runs down from `self` (just started) and, past the
 * wrap, down from the top: a process with a larger pid than `self` is older than every one
 * below it. Only a process that outlived a whole round of pids is placed as if younger.
 * `self` itself goes last.
 */
export function sortNewestFirst(pids: number[], self: number): number[] {
  const age = (pid: number) =>
    pid === self ? PID_SPACE : pid < self ? self - pid : self - pid + PID_SPACE;
  return pids.sort((a, b) => age(a) - age(b));
}

function sorted(owners: Map<number, number[]>): FdScanResult {
  sortOwners(owners);
  return { owners };
}
