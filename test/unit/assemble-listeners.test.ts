import { describe, expect, it } from 'vitest';
import {
  assembleListeners,
  compareListeners,
  isListeningRow,
} from '../../src/sockets/assemble-listeners.js';
import type { Listener, ProcessInfo, SocketRow } from '../../src/sockets/model.js';

function row(overrides: Partial<SocketRow>): SocketRow {
  return {
    protocol: 'tcp',
    family: 'ipv4',
    address: '127.0.0.1',
    port: 57573,
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    state: 'LISTEN',
    uid: 1000,
    inode: 100,
    acceptQueue: 0,
    ...overrides,
  };
}

const NODE: ProcessInfo = {
  pid: 812,
  name: 'node',
  command: 'node server.js',
  uid: 1000,
  user: 'dev',
};
const WORKER: ProcessInfo = {
  pid: 813,
  name: 'node',
  command: 'node worker.js',
  uid: 1000,
  user: 'dev',
};
const processes = new Map([
  [812, NODE],
  [813, WORKER],
]);
const nameUser = (uid: number) => ({ 0: 'root', 1000: 'dev', 65534: 'nobody' })[uid] ?? String(uid);

describe('isListeningRow', () => {
  it.each<[Partial<SocketRow>, boolean]>([
    [{ state: 'LISTEN' }, true],
    [{ state: 'ESTABLISHED' }, false],
    [{ state: 'TIME_WAIT' }, false],
    [{ protocol: 'udp', state: 'unconnected' }, true],
    [{ protocol: 'udp', state: 'ESTABLISHED' }, false],
    [{ protocol: 'tcp', state: 'unconnected' }, false],
  ])('%j → %s', (overrides, listening) => {
    expect(isListeningRow(row(overrides))).toBe(listening);
  });
});

describe('assembleListeners', () => {
  it('resolves the owner through the inode and names the uid', () => {
    const [listener, ...rest] = assembleListeners({
      rows: [row({ acceptQueue: 2 })],
      owners: new Map([[100, [812]]]),
      processes,
      nameUser,
    });
    expect(rest).toEqual([]);
    expect(listener).toEqual<Listener>({
      protocol: 'tcp',
      family: 'ipv4',
      address: '127.0.0.1',
      port: 57573,
      exposure: 'loopback',
      processes: [NODE],
      ownerHidden: false,
      uid: 1000,
      user: 'dev',
      inode: 100,
      acceptQueue: 2,
    });
  });

  it('puts every pid sharing one socket on ONE listener', () => {
    const listeners = assembleListeners({
      rows: [row({})],
      owners: new Map([[100, [812, 813]]]),
      processes,
      nameUser,
    });
    expect(listeners).toHaveLength(1);
    expect(listeners[0]!.processes).toEqual([NODE, WORKER]);
  });

  it('keeps a socket without a visible owner, hidden, with its uid', () => {
    const listeners = assembleListeners({
      rows: [row({ uid: 65534, inode: 200 })],
      owners: new Map([[100, [812]]]),
      processes,
      nameUser,
    });
    expect(listeners).toEqual([
      expect.objectContaining({ processes: [], ownerHidden: true, uid: 65534, user: 'nobody' }),
    ]);
  });

  it('keeps a pid whose facts could not be read as a bare pid', () => {
    const listeners = assembleListeners({
      rows: [row({})],
      owners: new Map([[100, [999]]]),
      processes,
    });
    expect(listeners[0]).toMatchObject({ processes: [{ pid: 999 }], ownerHidden: false });
  });

  it('prefers pids on the row (macOS, Windows) over the inode map', () => {
    const listeners = assembleListeners({
      rows: [row({ pids: [813], inode: undefined, uid: undefined })],
      owners: new Map([[100, [812]]]),
      processes,
    });
    // No uid in the table: the first process's uid stands in; default naming is the uid as text.
    expect(listeners[0]).toMatchObject({ processes: [WORKER], uid: 1000, user: '1000' });
    expect(listeners[0]).not.toHaveProperty('inode');
  });

  it('leaves out uid and user when neither the row nor a process has one', () => {
    const listeners = assembleListeners({
      rows: [row({ uid: undefined, inode: 0 })],
      processes: new Map(),
    });
    expect(listeners[0]).toMatchObject({ ownerHidden: true });
    expect(Object.keys(listeners[0]!)).not.toContain('uid');
    expect(Object.keys(listeners[0]!)).not.toContain('user');
    expect(Object.keys(listeners[0]!)).not.toContain('inode');
  });

  it('drops rows that are not listening and gives UDP no accept queue', () => {
    const listeners = assembleListeners({
      rows: [
        row({ state: 'ESTABLISHED', inode: 101 }),
        row({ state: 'TIME_WAIT', inode: 0 }),
        row({ protocol: 'udp', state: 'unconnected', inode: 102, acceptQueue: 0 }),
        row({ protocol: 'udp', state: 'ESTABLISHED', inode: 103 }),
      ],
      processes,
    });
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({ protocol: 'udp', inode: 102 });
    expect(listeners[0]).not.toHaveProperty('acceptQueue');
  });

  it.each([
    ['0.0.0.0', 'all-interfaces'],
    ['::', 'all-interfaces'],
    ['::1', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['192.168.1.20', 'interface'],
  ])('classifies %s as %s', (address, exposure) => {
    const [listener] = assembleListeners({ rows: [row({ address })], processes });
    expect(listener!.exposure).toBe(exposure);
  });

  it('sorts by port, then protocol, then family (IPv4 first), then address', () => {
    const rows = [
      row({ port: 9000, protocol: 'udp', state: 'unconnected', inode: 1 }),
      row({ port: 9000, family: 'ipv6', address: '::1', inode: 2 }),
      row({ port: 9000, address: '127.0.0.2', inode: 3 }),
      row({ port: 9000, address: '127.0.0.1', inode: 4 }),
      row({ port: 80, address: '0.0.0.0', inode: 5 }),
    ];
    const order = assembleListeners({ rows, processes }).map((l) => l.inode);
    expect(order).toEqual([5, 4, 3, 2, 1]);
  });
});

describe('compareListeners', () => {
  it('is 0 for the same socket place', () => {
    const [a] = assembleListeners({ rows: [row({})], processes });
    expect(compareListeners(a!, { ...a!, inode: 999 })).toBe(0);
  });
});
