import { describe, expect, it } from 'vitest';
import { killPort } from '../../src/ports/kill-port.js';
import { createFakeProc, TCP_HEADER, tcpLine } from '../helpers/fake-proc.js';

// Port 8080 (1F90) on 127.0.0.1, socket inode 5000.
const TABLE = `${TCP_HEADER}\n${tcpLine(0, '0100007F:1F90', '00000000:0000', '0A', 0, 5000)}\n`;

describe('killPort on a fake /proc', () => {
  it("refuses, sending nothing, when init shares the socket as its server's parent", async () => {
    // A container's init that is also the server's master: the worker holds the listener it
    // inherited. The caller (a shell under init) does not read init's fds; the climb does.
    const procRoot = createFakeProc({
      net: { tcp: TABLE },
      processes: [
        { pid: 1, name: 'tini', ppid: 0, fds: { 3: 'socket:[5000]' } },
        { pid: 50, name: 'worker', ppid: 1, fds: { 0: '/dev/null', 3: 'socket:[5000]' } },
        { pid: 70, name: 'sh', ppid: 1, fds: { 0: '/dev/null' } },
      ],
    });
    const sent: number[] = [];
    const kill = killPort(8080, {
      platform: 'linux',
      procRoot,
      selfPid: 70,
      hiddenProof: false,
      timeoutMs: 100,
      sendSignal: (pid) => sent.push(pid),
    });
    await expect(kill).rejects.toMatchObject({ code: 'KILL_REFUSED', pid: 1 });
    expect(sent).toEqual([]);
  });
});
