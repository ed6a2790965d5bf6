import { readTextIfPresent } from '../state/read-optional.js';

/** Socket counts from /proc/net/sockstat{,6}; undefined where not reported. */
export interface SockstatCounts {
  /** Sockets in use per table: listening and connected, not TIME_WAIT. */
  tcp?: number;
  tcp6?: number;
  udp?: number;
  udp6?: number;
  /** TCP sockets in TIME_WAIT, IPv4 and IPv6 together. */
  tcpTimeWait?: number;
  /** TCP sockets closed by their process and still closing (FIN_WAIT, LAST_ACK, …), both families. */
  tcpOrphans?: number;
}

type InUseTable = 'tcp' | 'tcp6' | 'udp' | 'udp6';

/** Parses `TCP: inuse 4 orphan 0 tw 2 …` / `TCP6: inuse 1` lines into counts. */
export function parseSockstat(text: string): SockstatCounts {
  const counts: SockstatCounts = {};
  for (const match of text.matchAll(/^(TCP6?|UDP6?): inuse (\d+)(?: orphan (\d+) tw (\d+))?/gm)) {
    counts[match[1]!.toLowerCase() as InUseTable] = Number(match[2]);
    if (match[1] === 'TCP' && match[4] !== undefined) {
      counts.tcpOrphans = Number(match[3]);
      counts.tcpTimeWait = Number(match[4]);
    }
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
