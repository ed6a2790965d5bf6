import { descendantsOf, readParentMap } from '../ports/process-tree.js';
import { listListeners } from '../sockets/list-listeners.js';

/**
 * TCP ports the processes of one service listen on: its leader and every descendant. This is
 * how a framework that ignores `PORT` is caught: its real port shows up here, not the given one.
 */
export async function listeningPortsOf(leaderPid: number, procRoot = '/proc'): Promise<number[]> {
  const pids = new Set([leaderPid, ...descendantsOf([leaderPid], readParentMap(procRoot))]);
  const listeners = await listListeners({ procRoot });
  const ports = new Set<number>();
  for (const listener of listeners) {
    if (listener.protocol !== 'tcp') continue;
    if (listener.processes.some((p) => pids.has(p.pid))) ports.add(listener.port);
  }
  return [...ports].sort((a, b) => a - b);
}
