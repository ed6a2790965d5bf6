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

/**
 * Finds which pids hold the socket inodes in `wanted` by reading every /proc/<pid>/fd link.
 * Sync reads on purpose: thousands of tiny readlink calls are several times faster than the
 * thread-pool round trips of their async forms.
 */
export function scanSocketOwners(wanted: ReadonlySet<number>, procRoot = '/proc'): FdScanResult {
  const owners = new Map<number, number[]>();
  const unreadable: number[] = [];
  if (wanted.size === 0) return { owners, unreadable };
  for (const pid of listPids(procRoot)) {
    const dir = `${procRoot}/${pid}/fd/`;
    let fds: string[];
    try {
      fds = readdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.push(pid);
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(dir + fd);
      } catch {
        continue; // closed while we looked
      }
      if (!link.startsWith(SOCKET_PREFIX)) continue;
      const inode = Number(link.slice(SOCKET_PREFIX.length, -1));
      if (!wanted.has(inode)) continue;
      const list = owners.get(inode);
      if (!list) owners.set(inode, [pid]);
      else if (!list.includes(pid)) list.push(pid);
    }
  }
  return { owners, unreadable };
}
