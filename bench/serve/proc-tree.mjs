// A server's process tree and its CPU time, from /proc: nginx runs a master and its workers,
// and every one of them must be counted while it runs and stopped when the bench ends.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

/** Reads one /proc/<pid>/stat line: pid, parent pid and CPU time (user + system, seconds). */
export function parseProcStat(text) {
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 4, 14 and 15 of stat (ppid, utime, stime) are 1, 11 and 12 after the name.
  return {
    pid,
    ppid: Number(fields[1]),
    cpuS: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S,
  };
}

/** Every process now: pid → { ppid, cpuS }. Processes that end while read are skipped. */
export function readProcessTable(procRoot = '/proc') {
  const table = new Map();
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`${procRoot}/${name}/stat`, 'utf8'));
      table.set(stat.pid, stat);
    } catch {
      // Gone between readdir and read.
    }
  }
  return table;
}

/** `pid` and all its descendants in `table`, parents first. */
export function treeOf(table, pid) {
  const children = new Map();
  for (const { pid: p, ppid } of table.values()) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(p);
  }
  const out = [];
  const queue = table.has(pid) ? [pid] : [];
  while (queue.length) {
    const p = queue.shift();
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/** CPU seconds used so far by `pid` and its descendants that still run. */
export function treeCpuS(pid, procRoot = '/proc') {
  const table = readProcessTable(procRoot);
  return treeOf(table, pid).reduce((sum, p) => sum + table.get(p).cpuS, 0);
}
