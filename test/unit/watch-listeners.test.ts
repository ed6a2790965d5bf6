import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Listener } from '../../src/sockets/model.js';
import type { RunCommand } from '../../src/sockets/run-command.js';
import {
  diffListeners,
  type ListenerChange,
  listenerKey,
  watchListeners,
} from '../../src/sockets/watch-listeners.js';

function listener(port: number, overrides: Partial<Listener> = {}): Listener {
  return {
    protocol: 'tcp',
    family: 'ipv4',
    address: '127.0.0.1',
    port,
    exposure: 'loopback',
    processes: [{ pid: 812 }],
    ownerHidden: false,
    inode: port * 10,
    ...overrides,
  };
}

const A = listener(3000);
const B = listener(4000);
const C = listener(5000);
const summary = (changes: ListenerChange[]) => changes.map((c) => `${c.type} ${c.listener.port}`);

describe('diffListeners', () => {
  it.each<[string, Listener[], Listener[], string[]]>([
    ['nothing to nothing', [], [], []],
    ['the first scan: everything is added', [], [A, B], ['added 3000', 'added 4000']],
    ['no change', [A, B], [A, B], []],
    ['one appears', [A], [A, B], ['added 4000']],
    ['one disappears', [A, B], [B], ['removed 3000']],
    ['everything goes', [A, B], [], ['removed 3000', 'removed 4000']],
    ['removals come before additions', [A, B], [B, C], ['removed 3000', 'added 5000']],
  ])('%s', (_what, before, after, changes) => {
    expect(summary(diffListeners(before, after))).toEqual(changes);
  });

  it('sees a restarted server (same port, new inode) as removed and added', () => {
    const restarted = listener(3000, { inode: 99 });
    expect(summary(diffListeners([A], [restarted]))).toEqual(['removed 3000', 'added 3000']);
  });

  it('ignores process facts that change between scans of the same socket', () => {
    const sameSocket = listener(3000, { processes: [{ pid: 812, command: 'node a.js' }] });
    expect(diffListeners([A], [sameSocket])).toEqual([]);
  });

  it('tells sockets without an inode apart by their pids', () => {
    const withoutInode = (pid: number) =>
      listener(3000, { inode: undefined, processes: [{ pid }] });
    expect(listenerKey(withoutInode(1))).not.toBe(listenerKey(withoutInode(2)));
    expect(summary(diffListeners([withoutInode(1)], [withoutInode(2)]))).toEqual([
      'removed 3000',
      'added 3000',
    ]);
  });

  it('tells TCP from UDP and addresses apart on one port', () => {
    const udp = listener(3000, { protocol: 'udp' });
    const v6 = listener(3000, { address: '::1', family: 'ipv6' });
    expect(new Set([A, udp, v6].map(listenerKey)).size).toBe(3);
  });
});

/** `lsof -F` output (the macOS backend) with one TCP listener per port. */
function lsofOutput(ports: number[]): string {
  const files = ports.map((port) => `f${port}\ntIPv4\nPTCP\nn127.0.0.1:${port}\nTST=LISTEN`);
  return ports.length === 0 ? '' : `p812\ncnode\nu501\nLdev\n${files.join('\n')}\n`;
}

describe('watchListeners', () => {
  it('reports appearing and disappearing listeners scan by scan, and stops on abort', async () => {
    const scans = [[3000], [3000, 4000], [4000], [4000]];
    const controller = new AbortController();
    const changes: ListenerChange[] = [];
    let calls = 0;
    let abortListenersAtLastScan = -1;
    const runCommand: RunCommand = async (file) => {
      if (file !== 'lsof') return '';
      const ports = scans[calls++];
      if (calls === scans.length) {
        abortListenersAtLastScan = getEventListeners(controller.signal, 'abort').length;
        controller.abort();
      }
      return lsofOutput(ports ?? []);
    };
    await watchListeners(
      { platform: 'darwin', runCommand, intervalMs: 1, signal: controller.signal },
      (change) => changes.push(change),
    );
    expect(summary(changes)).toEqual(['added 3000', 'added 4000', 'removed 3000']);
    expect(calls).toBe(scans.length);
    // Regression: every wait added an abort listener and none was removed, so a long
    // `portier ls --watch` printed MaxListenersExceededWarning after 11 scans.
    expect(abortListenersAtLastScan).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not scan at all when the signal is already aborted', async () => {
    let calls = 0;
    const runCommand: RunCommand = async () => {
      calls++;
      return '';
    };
    await watchListeners(
      { platform: 'darwin', runCommand, signal: AbortSignal.abort() },
      () => undefined,
    );
    expect(calls).toBe(0);
  });
});
