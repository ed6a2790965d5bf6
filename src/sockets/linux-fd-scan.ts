import { type Dir, type Dirent, opendirSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { withoutStackTraces } from '../state/read-optional.js';

/** What a scan of /proc/<pid>/fd found. */
export interface FdScanResult {
  /** Socket inode → every pid holding it, in pid order. */
  owners: Map<number, number[]>;
}

const SOCKET_PREFIX = 'socket:[';

/** Lists the numeric entries of the proc root: every visible pid. */
export function listPids(procRoot = '/proc'): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(procRoot)) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(name));
  }
  return pids;
}

/** The low fds a first pass reads: listeners are opened early. */
export const LOW_FDS = 256;

/** A table up to this many fds is listed at once; a longer one is read by parts. */
const LIST_WHOLE_FDS = 512;

/** `'0'` … `'255'`: the low fds of a long table, tried by number instead of listed. */
const LOW_FD_NAMES = Array.from({ length: LOW_FDS }, (_, fd) => String(fd));

/**
 * A position in one process's fd table, so a scan can stop and resume. Fds come in ascending
 * order. Under the real /proc, a long table (the kernel gives its length as the directory's
 * size, Linux 6.2 and later) is not listed to skim its low fds: those are tried by number
 * (in a cold process, listing 256 entries one `Dir.readSync` at a time costs more than
 * reading their links), and the rest is listed only as far as a scan reads.
 */
export interface FdCursor {
  dir: string;
  /** The fds listed (or, below `probedBelow`, to be tried) so far. */
  fds: string[];
  next: number;
  /** Set when reading stopped short: a link was refused, or the listing failed midway. */
  incomplete?: boolean;
  /** The directory still being listed; closed once exhausted or by {@link closeFdCursor}. */
  listing?: Dir;
  /** Fds below this are tried by number; the listing, opened once they are used up, skips them. */
  probedBelow?: number;
  /** Entries of the listing below this are skipped: they were tried by number. */
  skipBelow?: number;
}

/** Opens the fd table of `pid`; undefined when it cannot be read (gone, another user's). */
export function openFdCursor(pid: number, procRoot = '/proc'): FdCursor | undefined {
  const dir = `${procRoot}/${pid}/fd/`;
  // A table that cannot be read is common (kernel threads, other users'): no stack traces.
  return withoutStackTraces(() => {
    try {
      return openCursor(dir, procRoot);
    } catch {
      return undefined;
    }
  });
}

function openCursor(dir: string, procRoot: string): FdCursor {
  if (procRoot === '/proc') {
    const count = statSync(dir).size; // 0 before Linux 6.2: unknown
    // readdirSync sorts names as text ('10' before '2'): put them in fd order.
    if (count > 0 && count <= LIST_WHOLE_FDS)
      return { dir, fds: readdirSync(dir).sort(byNumber), next: 0 };
    // Another user's table: its first link is refused, and the cursor is left incomplete.
    if (count > LIST_WHOLE_FDS)
      return { dir, fds: [...LOW_FD_NAMES], next: 0, probedBelow: LOW_FDS };
    return { dir, fds: [], next: 0, listing: opendirSync(dir, { bufferSize: 64 }) };
  }
  // Any other root is a plain directory (a test's): listed whole, put in fd order.
  return { dir, fds: readdirSync(dir).sort(byNumber), next: 0 };
}

const byNumber = (a: string, b: string) => Number(a) - Number(b);

/** Closes the cursor's listing, if still open. Safe to call more than once. */
export function closeFdCursor(cursor: FdCursor): void {
  const { listing } = cursor;
  cursor.listing = undefined;
  try {
    listing?.closeSync();
  } catch {
    // Already closed: nothing to release.
  }
}

/** Lists one more fd into the cursor; false once the table is exhausted. */
function listNext(cursor: FdCursor): boolean {
  if (!cursor.listing) {
    if (cursor.probedBelow === undefined) return false;
    // The low fds were tried by number: list the rest of the table, past them.
    cursor.skipBelow = cursor.probedBelow;
    cursor.probedBelow = undefined;
    try {
      cursor.listing = opendirSync(cursor.dir, { bufferSize: 64 });
    } catch {
      cursor.incomplete = true;
      return false;
    }
  }
  for (;;) {
    let entry: Dirent | null = null;
    try {
      entry = cursor.listing.readSync();
    } catch {
      // The process ended while it was listed: what was read stands, but proves nothing.
      cursor.incomplete = true;
    }
    if (!entry) break;
    if (cursor.skipBelow !== undefined && Number(entry.name) < cursor.skipBelow) continue;
    cursor.fds.push(entry.name);
    return true;
  }
  closeFdCursor(cursor);
  return false;
}

/**
 * Where wanted sockets were found: pid → fd (its name under /proc/<pid>/fd) → socket inode.
 * A kill watches those links to see a holder close its copy before it has finished exiting.
 */
export type SocketFds = Map<number, Map<string, number>>;

/** What a search looks for and where it writes what it finds. */
export interface FdSearch {
  wanted: ReadonlySet<number>;
  /** Socket inode → the pids found holding it, filled in as links are read. */
  owners: Map<number, number[]>;
  /** Wanted sockets without a holder yet; each found one is deleted. */
  remaining?: Set<number>;
  /** Filled in with the fd of every wanted socket found, when given. */
  fds?: SocketFds;
}

/** How far {@link readFdLinks} reads. */
export interface ReadFdLinksOptions {
  /** Stop as soon as the search's `remaining` is empty. */
  stopWhenFound?: boolean;
  /** Read only the fds numbered below this (a skim of the low fds). */
  below?: number;
}

/** Records that `pid` holds the socket `link` names at `fd`, if it is wanted. */
function record(pid: number, fd: string, link: string, search: FdSearch): void {
  if (!link.startsWith(SOCKET_PREFIX)) return;
  const inode = Number(link.slice(SOCKET_PREFIX.length, -1));
  if (!search.wanted.has(inode)) return;
  if (search.fds) {
    const held = search.fds.get(pid);
    if (held) held.set(fd, inode);
    else search.fds.set(pid, new Map([[fd, inode]]));
  }
  // Only the last entry is checked: a process's fds are read one after another, and the rare
  // repeat (a process read in two passes) is dropped by sortOwners.
  const list = search.owners.get(inode);
  if (!list) search.owners.set(inode, [pid]);
  else if (list[list.length - 1] !== pid) list.push(pid);
  search.remaining?.delete(inode);
}

/**
 * Reads fd links from the cursor on and records which wanted socket inodes `pid` holds.
 * Sync on purpose: thousands of tiny readlink calls are several times faster than the
 * thread-pool round trips of their async forms, and splitting a long table with the pool
 * made it slower here (the threads contend for the same process's fd table).
 */
export function readFdLinks(
  pid: number,
  cursor: FdCursor,
  search: FdSearch,
  options: ReadFdLinksOptions = {},
): void {
  const { stopWhenFound = false, below } = options;
  // A fd tried by number may not exist: no stack trace for that error, which is expected.
  withoutStackTraces(() => readLinks(pid, cursor, search, stopWhenFound, below));
}

function readLinks(
  pid: number,
  cursor: FdCursor,
  search: FdSearch,
  stopWhenFound: boolean,
  below: number | undefined,
): void {
  for (;;) {
    if (cursor.next >= cursor.fds.length) {
      // The fds tried by number are used up, and the rest, not listed yet, are all past them.
      const probed = cursor.probedBelow;
      if (below !== undefined && probed !== undefined && below <= probed) return;
      if (!listNext(cursor)) return;
    }
    const fd = cursor.fds[cursor.next]!;
    if (below !== undefined && Number(fd) >= below) return; // ascending: the rest are too
    cursor.next++;
    let link: string;
    try {
      link = readlinkSync(cursor.dir + fd);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Access is decided per process, so one denied fd means all are: stop rather than
      // pay a thrown error for each of them.
      if (code === 'EACCES' || code === 'EPERM') {
        cursor.next = cursor.fds.length;
        cursor.incomplete = true;
        cursor.probedBelow = undefined;
        closeFdCursor(cursor);
      }
      continue; // else closed while we looked, or never open (a fd tried by number)
    }
    record(pid, fd, link, search);
    if (stopWhenFound && search.remaining?.size === 0) return;
  }
}

/**
 * Finds which pids hold the socket inodes in `wanted` by reading every /proc/<pid>/fd link of
 * `pids` (default: every process); `fds`, when given, gets where each was found.
 */
export function scanSocketOwners(
  wanted: ReadonlySet<number>,
  procRoot = '/proc',
  pids?: readonly number[],
  fds?: SocketFds,
): FdScanResult {
  const search: FdSearch = { wanted, owners: new Map(), fds };
  if (wanted.size === 0) return { owners: search.owners };
  for (const pid of pids ?? listPids(procRoot)) {
    // A table that cannot be listed (gone, another user's) holds nothing this user can show.
    const cursor = openFdCursor(pid, procRoot);
    if (!cursor) continue;
    readFdLinks(pid, cursor, search);
    closeFdCursor(cursor);
  }
  sortOwners(search.owners);
  return { owners: search.owners };
}

/** Sorts each socket's holders by pid and drops repeats, in place. */
export function sortOwners(owners: Map<number, number[]>): void {
  for (const [inode, list] of owners) {
    list.sort((a, b) => a - b);
    owners.set(
      inode,
      list.filter((pid, i) => i === 0 || pid !== list[i - 1]),
    );
  }
}
