import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeProcAddress,
  formatIpv6,
  PROC_STATE_LISTEN,
  parseProcNet,
} from '../../src/sockets/linux-proc-net.js';
import type { SocketRow } from '../../src/sockets/model.js';

// Captured from this project's test machine (Linux 6.x) while fixtures listened on 127.0.0.1,
// 0.0.0.0, 127.0.0.2, ::1, ::, ::ffff:127.0.0.1 and fd00::2, with an ESTABLISHED pair, TIME_WAIT
// leftovers and a uid-1000 listener holding 3 unaccepted connections. Header lines included.
const captured = (name: string) =>
  readFileSync(new URL(`../fixtures/captured/${name}`, import.meta.url), 'latin1');
const TCP = captured('proc-net-tcp.txt');
const TCP6 = captured('proc-net-tcp6.txt');
const UDP = captured('proc-net-udp.txt');
const UDP6 = captured('proc-net-udp6.txt');

describe('decodeProcAddress', () => {
  it.each([
    ['0100007F', '127.0.0.1'],
    ['0200007F', '127.0.0.2'],
    ['00000000', '0.0.0.0'],
    ['1401A8C0', '192.168.1.20'],
    ['00000000000000000000000001000000', '::1'],
    ['00000000000000000000000000000000', '::'],
    ['0000000000000000FFFF00000100007F', '::ffff:127.0.0.1'],
    ['000000FD000000000000000002000000', 'fd00::2'],
    ['000080FE00000000FF00FC00010000FE', 'fe80::fc:ff:fe00:1'],
    ['B80D0120000000000000000001000000', '2001:db8::1'],
  ])('%s is %s', (hex, address) => {
    expect(decodeProcAddress(hex)).toBe(address);
  });
});

describe('formatIpv6', () => {
  const bytes = (...groups: number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);

  it.each([
    [bytes(0, 0, 0, 0, 0, 0, 0, 1), '::1'],
    [bytes(0, 0, 0, 0, 0, 0, 0, 0), '::'],
    [bytes(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1), '2001:db8::1:0:0:1'], // first of equal runs (RFC 5952 4.2.3)
    [bytes(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1), '2001:db8:0:1:1:1:1:1'], // one zero group stays (4.2.2)
    [bytes(0x2001, 0, 0, 1, 0, 0, 0, 1), '2001:0:0:1::1'], // the longest run wins (4.2.3)
    [bytes(1, 0, 0, 0, 0, 0, 0, 0), '1::'],
    [bytes(0xfe80, 0, 0, 0, 0xfc, 0xff, 0xfe00, 1), 'fe80::fc:ff:fe00:1'],
    [bytes(0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0114), '::ffff:192.168.1.20'],
  ])('%j is %s', (input, text) => {
    expect(formatIpv6(input)).toBe(text);
  });
});

type Expected = Pick<SocketRow, 'address' | 'port' | 'state' | 'uid' | 'inode' | 'acceptQueue'> &
  Partial<SocketRow>;

describe('parseProcNet on captured /proc/net/tcp', () => {
  const rows = parseProcNet(TCP, 'tcp', 'ipv4');

  it('reads every row and skips the header', () => {
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.protocol === 'tcp' && r.family === 'ipv4')).toBe(true);
  });

  it.each<Expected>([
    { address: '127.0.0.2', port: 44271, state: 'LISTEN', uid: 0, inode: 43742, acceptQueue: 0 },
    { address: '127.0.0.1', port: 39941, state: 'LISTEN', uid: 0, inode: 43745, acceptQueue: 0 },
    { address: '0.0.0.0', port: 35889, state: 'LISTEN', uid: 0, inode: 43741, acceptQueue: 0 },
    { address: '127.0.0.1', port: 46247, state: 'LISTEN', uid: 1000, inode: 45356, acceptQueue: 3 },
    {
      address: '127.0.0.1',
      port: 45063,
      state: 'ESTABLISHED',
      uid: 0,
      inode: 43748,
      acceptQueue: 0,
      remoteAddress: '127.0.0.1',
      remotePort: 46530,
    },
    {
      address: '127.0.0.1',
      port: 43033,
      state: 'TIME_WAIT',
      uid: 0,
      inode: 0,
      acceptQueue: 0,
      remoteAddress: '127.0.0.1',
      remotePort: 58302,
    },
    // Accepted by the kernel, not yet by the process: ESTABLISHED without an inode.
    {
      address: '127.0.0.1',
      port: 46247,
      state: 'ESTABLISHED',
      uid: 1000,
      inode: 0,
      acceptQueue: 0,
    },
  ])('has $state $address:$port (uid $uid, inode $inode)', (want) => {
    expect(rows).toContainEqual(expect.objectContaining(want));
  });

  it('gives a listener the wildcard remote address and port 0', () => {
    const listener = rows.find((r) => r.address === '0.0.0.0')!;
    expect(listener).toMatchObject({ remoteAddress: '0.0.0.0', remotePort: 0 });
  });

  it('keeps only the asked states', () => {
    const listening = parseProcNet(TCP, 'tcp', 'ipv4', { states: [PROC_STATE_LISTEN] });
    expect(listening).toHaveLength(6);
    expect(listening.every((r) => r.state === 'LISTEN')).toBe(true);
    expect(parseProcNet(TCP, 'tcp', 'ipv4', { states: ['06'] }).map((r) => r.port)).toEqual([
      43033,
    ]);
  });

  it('keeps only the asked local port, never a matching remote port', () => {
    // 45063 is the local port of a listener and an ESTABLISHED row, and the remote port of another.
    const onPort = parseProcNet(TCP, 'tcp', 'ipv4', { port: 45063 });
    expect(onPort.map((r) => r.state).sort()).toEqual(['ESTABLISHED', 'LISTEN']);
    expect(onPort.every((r) => r.port === 45063)).toBe(true);
  });

  it('combines the port and state filters', () => {
    const rows46247 = parseProcNet(TCP, 'tcp', 'ipv4', { port: 46247, states: ['0A'] });
    expect(rows46247).toEqual([expect.objectContaining({ inode: 45356, acceptQueue: 3 })]);
  });

  it('finds nothing on a port no row uses', () => {
    expect(parseProcNet(TCP, 'tcp', 'ipv4', { port: 1 })).toEqual([]);
  });

  it('reads a row once when the port is its local and remote port, and a last row cut short', () => {
    const header = TCP.slice(0, TCP.indexOf('\n') + 1);
    const self =
      '   0: 0100007F:1F90 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 7 1 0000000000000000 20 4 30 10 -1';
    const last =
      '   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 8 1';
    const rows = parseProcNet(`${header}${self}\n${last}`, 'tcp', 'ipv4', { port: 8080 });
    expect(rows.map((r) => [r.inode, r.state])).toEqual([
      [7, 'ESTABLISHED'],
      [8, 'LISTEN'],
    ]);
  });
});

describe('parseProcNet on captured /proc/net/tcp6', () => {
  const rows = parseProcNet(TCP6, 'tcp', 'ipv6');

  it('keeps only the asked local port in IPv6 rows too', () => {
    const onPort = parseProcNet(TCP6, 'tcp', 'ipv6', { port: 46281 });
    expect(onPort).toEqual([expect.objectContaining({ address: 'fd00::2', port: 46281 })]);
  });

  it.each<Expected>([
    { address: 'fd00::2', port: 46281, state: 'LISTEN', uid: 0, inode: 43753, acceptQueue: 0 },
    { address: '::', port: 33787, state: 'LISTEN', uid: 0, inode: 43744, acceptQueue: 0 },
    { address: '::1', port: 35515, state: 'LISTEN', uid: 0, inode: 43743, acceptQueue: 0 },
    {
      address: '::ffff:127.0.0.1',
      port: 42101,
      state: 'LISTEN',
      uid: 0,
      inode: 45360,
      acceptQueue: 0,
    },
    {
      address: '::ffff:127.0.0.1',
      port: 33787,
      state: 'TIME_WAIT',
      uid: 0,
      inode: 0,
      acceptQueue: 0,
      remoteAddress: '::ffff:127.0.0.1',
      remotePort: 57522,
    },
  ])('has $state [$address]:$port', (want) => {
    expect(rows).toContainEqual(expect.objectContaining({ family: 'ipv6', ...want }));
  });

  it('reads every row', () => {
    expect(rows).toHaveLength(5);
  });
});

describe('parseProcNet on captured /proc/net/udp and udp6', () => {
  it('reads a bound socket as unconnected and a connected one as ESTABLISHED', () => {
    const rows = parseProcNet(UDP, 'udp', 'ipv4');
    expect(rows).toEqual([
      expect.objectContaining({
        address: '127.0.0.1',
        port: 36310,
        state: 'ESTABLISHED',
        remotePort: 41652,
        inode: 43756,
      }),
      expect.objectContaining({
        address: '127.0.0.1',
        port: 41652,
        state: 'unconnected',
        remoteAddress: '0.0.0.0',
        inode: 43754,
      }),
    ]);
  });

  it('reads a 5-digit slot number that leaves no leading space', () => {
    expect(parseProcNet(UDP6, 'udp', 'ipv6')).toEqual([
      expect.objectContaining({ address: '::1', port: 46365, state: 'unconnected', inode: 43755 }),
    ]);
  });

  it('keeps only bound sockets with the state filter', () => {
    expect(parseProcNet(UDP, 'udp', 'ipv4', { states: ['07'] }).map((r) => r.port)).toEqual([
      41652,
    ]);
  });
});

describe('parseProcNet on damaged text', () => {
  const header = TCP.slice(0, TCP.indexOf('\n') + 1);
  const good =
    '   0: 0100007F:9C05 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 43745 1 00000000dd5f38ac 100 0 0 10 0';

  it.each([
    [
      'a line cut short (a truncated read)',
      '   1: 0100007F:9C05 00000000:0000 0A 00000000:00000000 00',
    ],
    [
      'a local address without a port',
      '   1: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
    ],
    [
      'a local address that is not hex',
      '   1: ZZZZZZZZ:9C05 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
    ],
    [
      'an address of the wrong length',
      '   1: 00007F:9C05 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
    ],
    [
      'a port that is not hex',
      '   1: 0100007F:XYZW 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
    ],
    [
      'a uid that is not a number',
      '   1: 0100007F:9C06 00000000:0000 0A 00000000:00000000 00:00000000 00000000     x        0 1 1 0',
    ],
    [
      'an inode that is not a number',
      '   1: 0100007F:9C06 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 x 1 0',
    ],
    ['an empty line', ''],
  ])('skips %s and keeps the good rows', (_what, bad) => {
    const rows = parseProcNet(`${header}${bad}\n${good}\n`, 'tcp', 'ipv4');
    expect(rows).toEqual([
      expect.objectContaining({ address: '127.0.0.1', port: 39941, inode: 43745 }),
    ]);
  });

  it('reads text without a trailing newline', () => {
    expect(parseProcNet(`${header}${good}`, 'tcp', 'ipv4')).toHaveLength(1);
  });

  it.each([
    ['empty text', ''],
    ['a header only', header],
  ])('gives no rows for %s', (_what, text) => {
    expect(parseProcNet(text, 'tcp', 'ipv4')).toEqual([]);
  });
});
