// Starts and stops the background load (bench/load-server.mjs) and describes what it put in
// the kernel's socket table, so the report states the load that was really present.
import { readdirSync, readFileSync } from 'node:fs';
import { startNodeChild, stopChild } from './children.mjs';

/** ~200 listeners and ~2,000 idle established loopback connections, as the issue specifies. */
export const DEFAULT_LOAD = { listeners: 200, connections: 2000 };

/** Counts TCP rows by state in /proc/net/tcp and tcp6 (LISTEN `0A`, ESTABLISHED `01`). */
export function countTcpRows(procRoot = '/proc') {
  const counts = { listen: 0, established: 0, other: 0 };
  for (const file of ['tcp', 'tcp6']) {
    let text;
    try {
      text = readFileSync(`${procRoot}/net/${file}`, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const state = line.trim().split(/\s+/)[3];
      if (state === '0A') counts.listen++;
      else if (state === '01') counts.established++;
      else if (state) counts.other++;
    }
  }
  return counts;
}

/** Counts every fd of every visible process: the fd scan of `ss -p` and portier walks them all. */
export function countFds(procRoot = '/proc') {
  let pids = 0;
  let fds = 0;
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    pids++;
    try {
      fds += readdirSync(`${procRoot}/${name}/fd`).length;
    } catch {}
  }
  return { pids, fds };
}

/** Starts the load server and resolves once every listener and connection is up. */
export async function startLoad(options = DEFAULT_LOAD) {
  const script = new URL('./load-server.mjs', import.meta.url).pathname;
  const { child, ready } = await startNodeChild(script, [
    String(options.listeners),
    String(options.connections),
  ]);
  return {
    ...ready,
    listeners: options.listeners,
    table: countTcpRows(),
    fdTotals: countFds(),
    stop: () => stopChild(child.pid),
    child,
  };
}
