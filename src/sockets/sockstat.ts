import { readTextIfPresent } from '../state/read-optional.js';

/** Sockets in use per table, from /proc/net/sockstat{,6}; undefined where not reported. */
export interface SockstatCounts {
  tcp?: number;
  tcp6?: number;
  udp?: number;
  udp6?: number;
}

/** Parses `TCP: inuse 4 orphan 0 tw 2 …` / `TCP6: inuse 1` lines into in-use counts. */
export function parseSockstat(text: string): SockstatCounts {
  const counts: SockstatCounts = {};
  for (const match of text.matchAll(/^(TCP6?|UDP6?): inuse (\d+)/gm)) {
    counts[match[1]!.toLowerCase() as keyof SockstatCounts] = Number(match[2]);
  }
  return counts;
}

/**
 * In-use socket counts of this network namespace. They count listening and connected sockets
 * (not TIME_WAIT), so a zero lets a listener scan skip a table: reading an empty
 * /proc/net/tcp6 still walks the whole connection hash, several ms on a large machine.
 */
export function readSockstat(procRoot = '/proc'): SockstatCounts {
  return {
    ...parseSockstat(readTextIfPresent(`${procRoot}/net/sockstat`) ?? ''),
    ...parseSockstat(readTextIfPresent(`${procRoot}/net/sockstat6`) ?? ''),
  };
}
