import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type KillEvent,
  keepsSockets,
  releasedSockets,
  stopAll,
} from '../../src/ports/stop-processes.js';
import type { SocketFds } from '../../src/sockets/linux-fd-scan.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A proc root where pid 42's fd table holds `links` (fd → link text). */
function procWith(links: Record<string, string>): string {
  const root = tempDir();
  mkdirSync(join(root, '42', 'fd'), { recursive: true });
  for (const [fd, link] of Object.entries(links)) symlinkSync(link, join(root, '42', 'fd', fd));
  return root;
}

const watching = (fds: Record<string, number>): SocketFds =>
  new Map([[42, new Map(Object.entries(fds))]]);

describe('releasedSockets', () => {
  it('is false while a recorded fd still names its socket', () => {
    const root = procWith({ '3': 'socket:[5000]', '4': 'socket:[6000]' });
    expect(releasedSockets(42, watching({ '3': 5000, '4': 6000 }), root)).toBe(false);
  });

  it('is false while any one of several recorded fds still names its socket', () => {
    const root = procWith({ '4': 'socket:[6000]' });
    expect(releasedSockets(42, watching({ '3': 5000, '4': 6000 }), root)).toBe(false);
  });

  it('is true once every recorded fd is closed, or reused for another file', () => {
    const root = procWith({ '4': '/dev/null', '5': 'socket:[7000]' });
    expect(releasedSockets(42, watching({ '3': 5000, '4': 6000 }), root)).toBe(true);
  });

  it('is false while the main thread is a zombie, whose fd table reads empty', () => {
    const root = procWith({});
    writeFileSync(
      join(root, '42', 'stat'),
      '42 (node) Z 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 3 0 7 0 0\n',
    );
    expect(releasedSockets(42, watching({ '3': 5000 }), root)).toBe(false);
  });

  it('is true once the process and its fd table are gone', () => {
    expect(releasedSockets(42, watching({ '3': 5000 }), tempDir())).toBe(true);
  });

  it('is false for a process with nothing recorded: only its exit can be seen', () => {
    const root = procWith({});
    expect(releasedSockets(42, new Map(), root)).toBe(false);
    expect(releasedSockets(42, new Map([[42, new Map()]]), root)).toBe(false);
  });
});

describe('keepsSockets', () => {
  /** A proc root where each thread of pid 42 has the fd links given (tid → fd → link). */
  function threads(tables: Record<string, Record<string, string>>): string {
    const root = tempDir();
    for (const [tid, links] of Object.entries(tables)) {
      const dir = join(root, '42', 'task', tid, 'fd');
      mkdirSync(dir, { recursive: true });
      for (const [fd, link] of Object.entries(links)) symlinkSync(link, join(dir, fd));
    }
    return root;
  }

  it.each([
    [
      'a connection above the standard descriptors',
      { '42': { '1': 'pipe:[1]', '7': 'socket:[9]' } },
      true,
    ],
    [
      'sockets only as stdio (a socket pair)',
      { '42': { '0': 'socket:[1]', '1': 'socket:[2]', '2': 'socket:[3]' } },
      false,
    ],
    ['pipes and an eventfd', { '42': { '5': 'pipe:[4]', '6': 'anon_inode:[eventfd]' } }, false],
    [
      'an empty table (a zombie main thread) and a thread still holding one',
      { '42': {}, '43': { '9': 'socket:[5]' } },
      true,
    ],
  ])('%s', (_what, tables, keeps) => {
    expect(keepsSockets(42, threads(tables))).toBe(keeps);
  });

  it('is false once the process is gone', () => {
    expect(keepsSockets(42, tempDir())).toBe(false);
  });
});

describe('stopAll', () => {
  it('counts a holder that let go of the port as stopped once every thread is in the exit path', async () => {
    // Pid 42 closed its socket (fd 3 is gone) and both its threads are exiting (PF_EXITING,
    // 0x4): what is left is the kernel freeing its memory, so nothing waits for that or sends
    // SIGKILL. In this fake /proc it would "run" until the timeout otherwise.
    const root = procWith({});
    const line = (pid: number) =>
      `${pid} (node) R 1 42 42 0 -1 ${0x40044c} 0 0 0 0 0 0 0 0 20 0 2 0 7 0 0\n`;
    writeFileSync(join(root, '42', 'stat'), line(42));
    for (const tid of [42, 43]) {
      mkdirSync(join(root, '42', 'task', String(tid)), { recursive: true });
      writeFileSync(join(root, '42', 'task', String(tid), 'stat'), line(tid));
    }
    const sent: string[] = [];
    const events: KillEvent['type'][] = [];
    const outcome = await stopAll(
      [42],
      {
        timeoutMs: 300,
        sendSignal: (pid, signal) => sent.push(`${pid} ${signal}`),
        onEvent: (event) => events.push(event.type),
      },
      4000,
      root,
      { socketFds: watching({ '3': 5000 }), stillListed: () => false },
    );
    expect(outcome).toEqual({ escalated: [], listed: false });
    expect(sent).toEqual(['42 SIGTERM']);
    expect(events).toEqual(['signal', 'released', 'exited']);
  });

  it('waits for the exit of a holder that keeps another socket open (a connection it served)', async () => {
    // As above, but fd 7 is a socket: the kernel closes it only as the exit ends, so the
    // holder counts as stopped only once it exited, which in this fake /proc it never does.
    const root = procWith({});
    const line = (pid: number) =>
      `${pid} (node) R 1 42 42 0 -1 ${0x40044c} 0 0 0 0 0 0 0 0 20 0 1 0 7 0 0\n`;
    writeFileSync(join(root, '42', 'stat'), line(42));
    mkdirSync(join(root, '42', 'task', '42', 'fd'), { recursive: true });
    writeFileSync(join(root, '42', 'task', '42', 'stat'), line(42));
    symlinkSync('socket:[8000]', join(root, '42', 'task', '42', 'fd', '7'));
    const sent: string[] = [];
    const outcome = await stopAll(
      [42],
      { timeoutMs: 100, sendSignal: (pid, signal) => sent.push(`${pid} ${signal}`) },
      4000,
      root,
      { socketFds: watching({ '3': 5000 }), stillListed: () => false },
    );
    expect(sent).toEqual(['42 SIGTERM', '42 SIGKILL']);
    expect(outcome.escalated).toEqual([42]);
  });
});
