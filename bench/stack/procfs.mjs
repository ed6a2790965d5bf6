// What the stack bench reads from /proc: CPU time and start time of a process, its resident
// memory, and the clock-tick rate. Parsers take text, readers take a pid and `procRoot`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Fields of one /proc/<pid>/stat line: state, ppid, utime and stime (ticks) and the start time
 * (ticks since boot, which tells a process from a later one given the same pid).
 */
export function parseStat(text) {
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 3, 4, 14, 15 and 22 of stat are 0, 1, 11, 12 and 19 after the name.
  return {
    state: fields[0],
    ppid: Number(fields[1]),
    utime: Number(fields[11]),
    stime: Number(fields[12]),
    startTicks: Number(fields[19]),
  };
}

/** VmRSS of a /proc/<pid>/status text, in KiB (undefined for a zombie or kernel thread). */
export function parseVmRssKiB(text) {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** `getconf CLK_TCK`: the ticks a second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
export function clockTicksPerS() {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}

/** The parsed stat of `pid`, or undefined once it is gone. */
export function readStat(pid, procRoot = '/proc') {
  try {
    return parseStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** VmRSS of `pid` in KiB, or undefined once it is gone. */
export function readRssKiB(pid, procRoot = '/proc') {
  try {
    return parseVmRssKiB(readFileSync(`${procRoot}/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}
