import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listListeners, whoHolds } from '../../src/index.js';
import { scanSocketOwners } from '../../src/sockets/linux-fd-scan.js';
import { readProcessInfo } from '../../src/sockets/linux-process.js';
import { createFakeProc, TCP_HEADER, tcpLine } from '../helpers/fake-proc.js';

// A fake /proc: kernel-format socket tables plus <pid>/{stat,cmdline,cwd,fd/N} trees. It proves
// owners are found by socket inode, and what happens when an fd table cannot be read.
const TCP6_HEADER =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const UDP_HEADER =
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';

function fakeProc(): { procRoot: string; passwdPath: string } {
  const procRoot = createFakeProc({
    net: {
      tcp: `${[
        TCP_HEADER,
        tcpLine(0, '0100007F:E0E5', '00000000:0000', '0A', 1000, 100), // 127.0.0.1:57573
        tcpLine(1, '00000000:1F90', '00000000:0000', '0A', 65534, 200), // 0.0.0.0:8080
        tcpLine(2, '0100007F:E0E5', '0100007F:9C41', '01', 1000, 101), // a connection, not a listener
      ].join('\n')}\n`,
      tcp6: `${TCP6_HEADER}\n${tcpLine(0, '00000000000000000000000001000000:0BB8', '00000000000000000000000000000000:0000', '0A', 1000, 300)}\n`, // [::1]:3000
      udp: `${UDP_HEADER}\n${tcpLine(0, '0100007F:14E9', '00000000:0000', '07', 1000, 400)}\n`, // 127.0.0.1:5353
    },
    processes: [
      {
        pid: 812,
        name: 'node',
        argv: ['node', '/srv/app/server.js', '--port', '57573'],
        cwd: '/srv/app',
        fds: {
          0: '/dev/null',
          3: 'socket:[100]',
          4: 'socket:[300]',
          5: 'pipe:[77]',
          6: 'socket:[400]',
          7: 'socket:[101]',
        },
      },
      // A pre-forked worker sharing the [::1]:3000 socket; its name holds `) ` on purpose.
      { pid: 813, name: 'a) b', ppid: 812, argv: ['worker'], fds: { 3: 'socket:[300]' } },
      // Another user's process: its fd table cannot be listed.
      {
        pid: 900,
        name: 'python3',
        argv: ['python3', '-m', 'http.server', '8080'],
        fdUnreadable: true,
      },
      { pid: 950, name: 'sleep', argv: ['sleep', '1000'], fds: { 0: '/dev/null' } },
    ],
  });
  const passwdPath = join(procRoot, 'passwd');
  writeFileSync(
    passwdPath,
    'root:x:0:0::/root:/bin/sh\ndev:x:1000:1000::/home/dev:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n',
  );
  return { procRoot, passwdPath };
}

describe('the Linux scan on a fake proc tree', () => {
  it('resolves owners by inode and keeps an unreadable owner as ownerHidden with its uid', async () => {
    const { procRoot, passwdPath } = fakeProc();
    const listeners = await listListeners({ platform: 'linux', procRoot, passwdPath });
    const summary = listeners.map((l) => ({
      where: `${l.address} ${l.port}`,
      pids: l.processes.map((p) => p.pid),
      ownerHidden: l.ownerHidden,
      user: l.user,
    }));
    expect(summary).toEqual([
      { where: '::1 3000', pids: [812, 813], ownerHidden: false, user: 'dev' },
      { where: '0.0.0.0 8080', pids: [], ownerHidden: true, user: 'nobody' },
      { where: '127.0.0.1 57573', pids: [812], ownerHidden: false, user: 'dev' },
    ]);
    expect(listeners[1]).toMatchObject({ uid: 65534, exposure: 'all-interfaces', inode: 200 });
  });

  it('reads the process facts: name, command line, cwd, parent', async () => {
    const { procRoot, passwdPath } = fakeProc();
    const listeners = await listListeners({ platform: 'linux', procRoot, passwdPath });
    const shared = listeners.find((l) => l.port === 3000)!;
    expect(shared.processes).toEqual([
      {
        pid: 812,
        name: 'node',
        ppid: 1,
        command: 'node /srv/app/server.js --port 57573',
        cwd: '/srv/app',
        // The fake tree's directories belong to whoever runs the test.
        uid: process.getuid!(),
        user: expect.any(String),
      },
      expect.objectContaining({ pid: 813, name: 'a) b', ppid: 812, command: 'worker' }),
    ]);
  });

  it('adds bound UDP sockets with udp: true', async () => {
    const { procRoot, passwdPath } = fakeProc();
    const listeners = await listListeners({ platform: 'linux', procRoot, passwdPath, udp: true });
    expect(listeners.find((l) => l.protocol === 'udp')).toMatchObject({
      address: '127.0.0.1',
      port: 5353,
      processes: [expect.objectContaining({ pid: 812 })],
    });
  });

  it('whoHolds with full sees the listener and the connection on one port', async () => {
    const { procRoot, passwdPath } = fakeProc();
    const holders = await whoHolds(57573, { platform: 'linux', procRoot, passwdPath, full: true });
    expect(holders.connectionsCounted).toBe(true);
    expect(holders.status).toBe('listening');
    expect(holders.listeners.map((l) => l.inode)).toEqual([100]);
    expect(holders.connections).toEqual([
      expect.objectContaining({ remotePort: 40001, pids: [812] }),
    ]);
    // Without `full`, a held port is answered from the listeners alone.
    const quick = await whoHolds(57573, { platform: 'linux', procRoot, passwdPath });
    expect(quick).toMatchObject({
      status: 'listening',
      connections: [],
      connectionsCounted: false,
    });
  });

  it('whoHolds reports a port held only by the unreadable process as hidden-owner', async () => {
    const { procRoot, passwdPath } = fakeProc();
    const holders = await whoHolds(8080, { platform: 'linux', procRoot, passwdPath });
    expect(holders.status).toBe('hidden-owner');
    expect(holders.listeners[0]).toMatchObject({ uid: 65534, user: 'nobody', processes: [] });
  });
});

describe('scanSocketOwners', () => {
  it('finds every holder and passes over a pid whose fd table cannot be listed', () => {
    const { procRoot } = fakeProc();
    const { owners } = scanSocketOwners(new Set([100, 200, 300]), procRoot);
    expect(Object.fromEntries(owners)).toEqual({ 100: [812], 300: [812, 813] });
  });

  it('scans nothing when no inode is wanted', () => {
    const { procRoot } = fakeProc();
    expect(scanSocketOwners(new Set(), procRoot)).toEqual({ owners: new Map() });
  });
});

describe('readProcessInfo', () => {
  it('leaves out what it cannot read instead of guessing', () => {
    const procRoot = createFakeProc({ processes: [{ pid: 42, name: 'x', fds: {} }] });
    const info = readProcessInfo(42, { procRoot });
    expect(info).toMatchObject({ pid: 42, name: 'x', ppid: 1 });
    expect(info).not.toHaveProperty('command'); // empty cmdline: a kernel thread or a zombie
    expect(info.cwd).toBeUndefined();
  });

  it('gives only the pid for a process that is gone', () => {
    const procRoot = createFakeProc({});
    expect(readProcessInfo(4242, { procRoot })).toEqual({ pid: 4242 });
  });
});
