import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** One process of a fake proc tree. */
export interface FakeProcess {
  pid: number;
  /** `comm`, written into `<pid>/stat` between parentheses. */
  name: string;
  ppid?: number;
  /** Session id (field 6 of `<pid>/stat`); default the pid itself (a session leader). */
  session?: number;
  /** Arguments, written NUL-separated into `<pid>/cmdline`. */
  argv?: string[];
  /** Target of the `<pid>/cwd` link. */
  cwd?: string;
  /** fd number → link target, e.g. `socket:[100]` or `/dev/null`. */
  fds?: Record<number, string>;
  /**
   * Make `<pid>/fd` unlistable. Root reads through mode 000, so the tree uses a plain file
   * where the directory should be (readdir fails with ENOTDIR, as EACCES would for a user).
   */
  fdUnreadable?: boolean;
  /** A kernel thread: PF_KTHREAD in the flags field of `<pid>/stat`. */
  kernelThread?: boolean;
}

/** Contents of a fake /proc: socket tables as kernel text, and processes. */
export interface FakeProcTree {
  net?: Partial<Record<'tcp' | 'tcp6' | 'udp' | 'udp6', string>>;
  processes?: FakeProcess[];
  /** Extra files relative to the root, e.g. `sys/net/ipv4/ip_local_port_range`. */
  files?: Record<string, string>;
}

/** Header line of /proc/net/tcp. */
export const TCP_HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

/** One /proc/net/tcp row in the kernel's layout, from hex fields. */
export function tcpLine(
  slot: number,
  local: string,
  remote: string,
  state: string,
  uid: number,
  inode: number,
): string {
  return `${String(slot).padStart(4)}: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
}

/**
 * Writes a fake proc root into a temp directory and returns its path; removed when the test
 * ends. Pass it as `procRoot` to the Linux scan.
 */
export function createFakeProc(tree: FakeProcTree): string {
  const root = mkdtempSync(join(tmpdir(), 'portier-fake-proc-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'net'));
  for (const [table, text] of Object.entries(tree.net ?? {})) {
    writeFileSync(join(root, 'net', table), text);
  }
  for (const p of tree.processes ?? []) {
    const dir = join(root, String(p.pid));
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'stat'),
      `${p.pid} (${p.name}) S ${p.ppid ?? 1} ${p.pid} ${p.session ?? p.pid} 0 -1 ${p.kernelThread ? 2129984 : 4194560} 0 0 0 0 0 0 0 0 20 0 1 0 1000 0 0\n`,
    );
    writeFileSync(join(dir, 'cmdline'), p.argv ? `${p.argv.join('\0')}\0` : '');
    if (p.cwd) symlinkSync(p.cwd, join(dir, 'cwd'));
    if (p.fdUnreadable) {
      writeFileSync(join(dir, 'fd'), '');
      continue;
    }
    mkdirSync(join(dir, 'fd'));
    for (const [fd, target] of Object.entries(p.fds ?? {})) {
      symlinkSync(target, join(dir, 'fd', fd));
    }
  }
  for (const [path, text] of Object.entries(tree.files ?? {})) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
