import { statSync } from 'node:fs';
import { readlinkIfPresent, readTextIfPresent } from '../state/read-optional.js';
import type { ProcessInfo } from './model.js';

/** Where Linux process facts are read from; tests point these at fixture trees. */
export interface ProcFsOptions {
  /** Root of the proc filesystem. Default `/proc`. */
  procRoot?: string;
  /** The passwd file used to name uids. Default `/etc/passwd`. */
  passwdPath?: string;
}

/** The kernel's per-task flag of a kernel thread (include/linux/sched.h). */
const PF_KTHREAD = 0x00200000;
/** The per-task flag of a task in the kernel's exit path: it runs no more user code. */
const PF_EXITING = 0x00000004;

/**
 * Parses /proc/<pid>/stat. The name field is in parentheses and may itself hold spaces and
 * parentheses, so fields are counted from the last `)`.
 */
export function parseProcStat(text: string):
  | {
      name: string;
      state: string;
      ppid: number;
      session: number;
      startTime: number;
      /** Threads of the process; a zombie leader counts the threads still exiting. */
      threads: number;
      /** A kernel thread (PF_KTHREAD): it has no open files. */
      kernelThread: boolean;
      /** This task (the main thread, in /proc/<pid>/stat) is in the exit path (PF_EXITING). */
      exiting: boolean;
    }
  | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  const flags = Number(rest[6]);
  return {
    name: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    session: Number(rest[3]),
    startTime: Number(rest[19]),
    threads: Number(rest[17]),
    kernelThread: (flags & PF_KTHREAD) !== 0,
    exiting: (flags & PF_EXITING) !== 0,
  };
}

/** Reads /proc/<pid>/stat; undefined when the process is gone. */
export function readProcStat(pid: number, procRoot = '/proc'): ReturnType<typeof parseProcStat> {
  const text = readTextIfPresent(`${procRoot}/${pid}/stat`);
  return text === undefined ? undefined : parseProcStat(text);
}

/** Parses /etc/passwd into uid → login name. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    // Digits only: Number('') is 0, so a NIS `+::::::` line would otherwise name root `+`.
    if (parts.length < 3 || line.startsWith('#') || !/^\d+$/.test(parts[2]!)) continue;
    const uid = Number(parts[2]);
    if (!users.has(uid)) users.set(uid, parts[0]!);
  }
  return users;
}

const passwdCache = new Map<string, Map<number, string>>();

/** Login name of `uid`, or the uid as text when it has no passwd entry. */
export function userName(uid: number, passwdPath = '/etc/passwd'): string {
  let users = passwdCache.get(passwdPath);
  if (!users) {
    users = parsePasswd(readTextIfPresent(passwdPath) ?? '');
    passwdCache.set(passwdPath, users);
  }
  return users.get(uid) ?? String(uid);
}

/**
 * Reads what can be seen of one process. Fields the caller may not read (another user's cwd)
 * stay undefined; nothing is guessed.
 */
export function readProcessInfo(pid: number, options: ProcFsOptions = {}): ProcessInfo {
  const procRoot = options.procRoot ?? '/proc';
  const base = `${procRoot}/${pid}`;
  const info: ProcessInfo = { pid };
  const stat = readProcStat(pid, procRoot);
  if (stat) {
    info.name = stat.name;
    info.ppid = stat.ppid;
  }
  const cmdline = readTextIfPresent(`${base}/cmdline`);
  if (cmdline) info.command = cmdline.replace(/\0+$/, '').split('\0').join(' ');
  try {
    info.uid = statSync(base).uid;
    info.user = userName(info.uid, options.passwdPath);
  } catch {
    // The process ended between the scan and this read.
  }
  info.cwd = readlinkIfPresent(`${base}/cwd`);
  return info;
}
