import { readdirSync, readlinkSync } from 'node:fs';

/** What a scan of /proc/<pid>/fd found. */
export interface FdScanResult {
  /** Socket inode → every pid holding it, in pid order. */
  owners: Map<number, number[]>;
  /** Pids whose fd table could not be read (another user's process without privilege). */
  unreadable: number[];
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

/** A position in one process's fd table, so a scan can stop and resume. */
export interface FdCursor {
  dir: string;
  fds: string[];
  next: number;
}

/** Opens the fd table of `pid`; `error` is set when it cannot be listed (gone, another user's). */
export function openFdCursor(
  pid: number,
  procRoot = '/proc',
): { cursor?: FdCursor; error?: string } {
  const dir = `${procRoot}/${pid}/fd/`;
  try {
    return { cursor: { dir, fds: readdirSync(dir), next: 0 } };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN' };
  }
}

/** How far {@link readFdLinks} reads. */
export interface ReadFdLinksOptions {
  /** Wanted sockets without a holder yet; each found one is deleted. */
  remaining?: Set<number>;
  /** Stop as soon as `remaining` is empty. */
  stopWhenFound?: boolean;
}

/**
 * Reads fd links from the cursor on and records which wanted socket inodes `pid` holds.
 * Sync on purpose: thousands of tiny readlink calls are several times faster than the
 * thread-pool round trips of their async forms.
 */
export function readFdLinks(
  pid: number,
  cursor: FdCursor,
  wanted: ReadonlySet<number>,
  owners: Map<number, number[]>,
  options: ReadFdLinksOptions = {},
): void {
  const { remaining, stopWhenFound = false } = options;
  while (cursor.next < cursor.fds.length) {
    let link: string;
    try {
      link = readlinkSync(cursor.dir + cursor.fds[cursor.next++]);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Access is decided per process, so one denied fd means all are: stop rather than
      // pay a thrown error for each of them.
      if (code === 'EACCES' || code === 'EPERM') cursor.next = cursor.fds.length;
      continue; // else closed while we looked
    }
    if (!link.startsWith(SOCKET_PREFIX)) continue;
    const inode = Number(link.slice(SOCKET_PREFIX.length, -1));
    if (!wanted.has(inode)) continue;
    const list = owners.get(inode);
    if (!list) owners.set(inode, [pid]);
    else if (!list.includes(pid)) list.push(pid);
    remaining?.delete(inode);
    if (stopWhenFound && remaining?.size === 0) return;
  }
}

/** Finds which pids hold the socket inodes in `wanted` by reading every /proc/<pid>/fd link. */
export function scanSocketOwners(wanted: ReadonlySet<number>, procRoot = '/proc'): FdScanResult {
  const owners = new Map<number, number[]>();
  const unreadable: number[] = [];
  if (wanted.size === 0) return { owners, unreadable };
  for (const pid of listPids(procRoot)) {
    const { cursor, error } = openFdCursor(pid, procRoot);
    if (cursor) readFdLinks(pid, cursor, wanted, owners);
    else if (error !== 'ENOENT') unreadable.push(pid);
  }
  return { owners, unreadable };
}
