import { PROC_STATE_LISTEN, PROC_STATE_UDP_BOUND } from '../sockets/linux-proc-net.js';
import { readSocketTable } from '../sockets/linux-table.js';
import { readSockstat } from '../sockets/sockstat.js';
import {
  decideHoldStatus,
  type PortConnection,
  type PortHolders,
  type WhoHoldsOptions,
  whoHolds,
} from '../sockets/who-holds.js';

/**
 * How long a socket may outlive its exited owner, in ms. The kernel closes the files of an
 * exiting process a moment after it is seen gone, so the table can still list the listener.
 */
export const RELEASE_WAIT_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True while the Linux socket table lists a listener (TCP) or bound socket (UDP) on `port`. */
export function stillListed(port: number, procRoot: string): boolean {
  const states = { tcp: [PROC_STATE_LISTEN], udp: [PROC_STATE_UDP_BOUND] };
  return readSocketTable({ procRoot, protocols: ['tcp', 'udp'], port, states }).length > 0;
}

/**
 * What is left on a port once nothing listens (Linux): TIME_WAIT and connection rows from the
 * table alone. Owners are not looked up — after a kill they are the processes just ended.
 * Every socket a kill closed is gone, closing (an orphan) or in TIME_WAIT, so when the kernel
 * counts neither TIME_WAIT nor orphans (sockstat) nothing the kill left holds the port, and the
 * whole connection table is not read: that read is most of a kill's own time on a machine with
 * thousands of connections (~16 ms with 4,000). Then `connectionsCounted` is false.
 */
export function leftoversOnLinux(port: number, procRoot: string): PortHolders {
  const counts = readSockstat(procRoot);
  if (counts.tcpTimeWait === 0 && counts.tcpOrphans === 0) {
    const connections: PortConnection[] = [];
    return {
      port,
      status: 'free',
      listeners: [],
      timeWait: 0,
      connections,
      connectionsCounted: false,
    };
  }
  const rows = readSocketTable({ procRoot, protocols: ['tcp'], port });
  const timeWait = rows.filter((r) => r.state === 'TIME_WAIT').length;
  const connections: PortConnection[] = rows
    .filter((r) => r.state !== 'TIME_WAIT' && r.state !== 'LISTEN')
    .map((r) => ({
      protocol: r.protocol,
      family: r.family,
      address: r.address,
      remoteAddress: r.remoteAddress,
      remotePort: r.remotePort,
      state: r.state,
      pids: [],
    }));
  return {
    port,
    status: decideHoldStatus([], timeWait, connections.length),
    listeners: [],
    timeWait,
    connections,
    connectionsCounted: true,
  };
}

/**
 * Re-reads `port` until no listener holds it or {@link RELEASE_WAIT_MS} passes, and returns
 * what holds it then. On Linux the polling reads only the listener section of the socket table
 * (no fd scan), which keeps a kill fast on a machine with thousands of connections.
 * `listedNow` is a reading of {@link stillListed} the caller just made, used as the first.
 */
export async function waitForRelease(
  port: number,
  options: WhoHoldsOptions,
  listedNow?: boolean,
): Promise<PortHolders> {
  const linux = (options.platform ?? process.platform) === 'linux';
  const procRoot = options.procRoot ?? '/proc';
  const deadline = Date.now() + RELEASE_WAIT_MS;
  let delayMs = 1;
  let known = linux ? listedNow : undefined;
  for (;;) {
    const listed = known ?? (linux && stillListed(port, procRoot));
    known = undefined;
    if (linux && !listed) return leftoversOnLinux(port, procRoot);
    if (!linux) {
      const holders = await whoHolds(port, options);
      if (holders.listeners.length === 0) return holders;
    }
    if (Date.now() >= deadline) return whoHolds(port, options);
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, 50);
  }
}
