import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalAddress, splitHostPort } from '../../src/sockets/address-text.js';
import { parseLsofFields } from '../../src/sockets/lsof-parse.js';
import type { Family, Protocol, SocketRow, SocketState } from '../../src/sockets/model.js';

// Hand-written in the layout of `sudo lsof -nP -iTCP -sTCP:LISTEN -iUDP -F pcuLftPnT` on macOS.
const LSOF = readFileSync(new URL('../fixtures/captured/lsof-macos.txt', import.meta.url), 'utf8');

function bound(
  protocol: Protocol,
  family: Family,
  address: string,
  port: number,
  pid: number,
  uid: number,
): SocketRow {
  const state: SocketState = protocol === 'tcp' ? 'LISTEN' : 'unconnected';
  const remoteAddress = family === 'ipv4' ? '0.0.0.0' : '::';
  return { protocol, family, address, port, remoteAddress, remotePort: 0, state, pids: [pid], uid };
}

describe('parseLsofFields on captured macOS output', () => {
  const { rows, processes } = parseLsofFields(LSOF);

  it.each<[string, SocketRow]>([
    ['mDNSResponder *:5353 IPv4', bound('udp', 'ipv4', '0.0.0.0', 5353, 394, 65)],
    ['mDNSResponder *:5353 IPv6', bound('udp', 'ipv6', '::', 5353, 394, 65)],
    ['ControlCenter dual-stack *:7000', bound('tcp', 'ipv6', '::', 7000, 603, 501)],
    ['rapportd *:49152 IPv4', bound('tcp', 'ipv4', '0.0.0.0', 49152, 610, 501)],
    ['postgres [::1]:5432', bound('tcp', 'ipv6', '::1', 5432, 812, 501)],
    ['postgres 127.0.0.1:5432', bound('tcp', 'ipv4', '127.0.0.1', 5432, 812, 501)],
    ['nginx master *:8080', bound('tcp', 'ipv4', '0.0.0.0', 8080, 1301, 0)],
    ['nginx worker *:8080, same socket', bound('tcp', 'ipv4', '0.0.0.0', 8080, 1302, 70)],
    ['nginx worker *:8080 IPv6', bound('tcp', 'ipv6', '::', 8080, 1302, 70)],
    ['vite 127.0.0.1:5173', bound('tcp', 'ipv4', '127.0.0.1', 5173, 48211, 501)],
    ['vite [::1]:5173', bound('tcp', 'ipv6', '::1', 5173, 48211, 501)],
    ['statsd client 127.0.0.1:8125', bound('udp', 'ipv4', '127.0.0.1', 8125, 48211, 501)],
    ['http.server on the LAN address', bound('tcp', 'ipv4', '192.168.1.20', 8000, 51002, 501)],
  ])('reads %s', (_label, expected) => {
    expect(rows).toContainEqual(expected);
  });

  it('reads a connected UDP socket with its remote end', () => {
    expect(rows).toContainEqual({
      protocol: 'udp',
      family: 'ipv4',
      address: '192.168.1.20',
      port: 58317,
      remoteAddress: '192.168.1.1',
      remotePort: 53,
      state: 'ESTABLISHED',
      pids: [394],
      uid: 65,
    });
  });

  it('keeps one row per (pid, fd): 17 sockets, the shared nginx socket twice', () => {
    expect(rows).toHaveLength(17);
    const nginx = rows.filter((row) => row.port === 8080 && row.family === 'ipv4');
    expect(nginx.map((row) => row.pids)).toEqual([[1301], [1302]]);
  });

  it.each([
    [394, { pid: 394, name: 'mDNSResponder', uid: 65, user: '_mdnsresponder' }],
    [1301, { pid: 1301, name: 'nginx', uid: 0, user: 'root' }],
    [1302, { pid: 1302, name: 'nginx', uid: 70, user: '_www' }],
    [51002, { pid: 51002, name: 'Python', uid: 501, user: 'alice' }],
  ])('names process %i', (pid, expected) => {
    expect(processes.get(pid)).toEqual(expected);
  });

  it('lists every process set', () => {
    expect([...processes.keys()]).toEqual([394, 603, 610, 812, 1301, 1302, 48211, 51002]);
  });
});

describe('parseLsofFields on single file sets', () => {
  const one = (fields: string): SocketRow | undefined =>
    parseLsofFields(`p7\ncnode\nu501\nLalice\n${fields}\n`).rows[0];

  it.each<[string, string, Partial<SocketRow>]>([
    [
      'a TCP connection',
      'f9\ntIPv4\nPTCP\nn127.0.0.1:52404->127.0.0.1:62646\nTST=ESTABLISHED',
      {
        address: '127.0.0.1',
        port: 52404,
        remoteAddress: '127.0.0.1',
        remotePort: 62646,
        state: 'ESTABLISHED',
      },
    ],
    [
      'an IPv6 connection',
      'f9\ntIPv6\nPTCP\nn[::1]:5432->[::1]:50111\nTST=CLOSE_WAIT',
      {
        family: 'ipv6',
        address: '::1',
        remoteAddress: '::1',
        remotePort: 50111,
        state: 'CLOSE_WAIT',
      },
    ],
    [
      'BSD SYN_RECEIVED',
      'f9\ntIPv4\nPTCP\nn127.0.0.1:80->127.0.0.1:5000\nTST=SYN_RECEIVED',
      { state: 'SYN_RECV' },
    ],
    [
      'BSD FIN_WAIT_1',
      'f9\ntIPv4\nPTCP\nn127.0.0.1:80->127.0.0.1:5000\nTST=FIN_WAIT_1',
      { state: 'FIN_WAIT1' },
    ],
    ['TCP without TCP info', 'f9\ntIPv4\nPTCP\nn127.0.0.1:80', { state: 'unknown' }],
    [
      'a zoned link-local address, canonicalised',
      'f9\ntIPv6\nPUDP\nn[FE80::AEDE:48FF:FE00:1122%en0]:5353',
      { family: 'ipv6', address: 'fe80::aede:48ff:fe00:1122%en0', state: 'unconnected' },
    ],
    [
      'an IPv4-mapped address, kept',
      'f9\ntIPv6\nPTCP\nn[::ffff:127.0.0.1]:80\nTST=LISTEN',
      { address: '::ffff:127.0.0.1' },
    ],
    [
      'no t field: family from the address',
      'f9\nPTCP\nn[::1]:80\nTST=LISTEN',
      { family: 'ipv6', address: '::1' },
    ],
  ])('reads %s', (_label, fields, expected) => {
    expect(one(fields)).toMatchObject({ pids: [7], uid: 501, ...expected });
  });

  it.each([
    ['LF', 'p7\nf9\ntIPv4\nPTCP\nn*:80\nTST=LISTEN\n'],
    ['CRLF', 'p7\r\nf9\r\ntIPv4\r\nPTCP\r\nn*:80\r\nTST=LISTEN\r\n'],
    ['NUL (-F0)', 'p7\0f9\0tIPv4\0PTCP\0n*:80\0TST=LISTEN\0\n'],
  ])('reads %s line ends', (_label, text) => {
    // No `u` field, so no uid: the row says only what lsof said.
    expect(parseLsofFields(text).rows).toEqual([
      {
        protocol: 'tcp',
        family: 'ipv4',
        address: '0.0.0.0',
        port: 80,
        remoteAddress: '0.0.0.0',
        remotePort: 0,
        state: 'LISTEN',
        pids: [7],
      },
    ]);
  });

  it.each([
    ['empty text', ''],
    ['noise', "lsof: WARNING: can't stat() nfs file system /Volumes/x\n\n   \n"],
    ['a file before any process', 'f3\nPTCP\nn*:80\nTST=LISTEN'],
    ['a pid that is not a number', 'pabc\nf3\nPTCP\nn*:80\nTST=LISTEN'],
    ['a port out of range', 'p1\nf3\nPTCP\nn*:99999\nTST=LISTEN'],
    ['a name without a port', 'p1\nf3\nPTCP\nnlocalhost'],
    ['an unbracketed IPv6 name', 'p1\nf3\nPTCP\nn::1:80'],
    ['a broken remote end', 'p1\nf3\nPUDP\nn127.0.0.1:5000->nowhere'],
    ['another protocol', 'p1\nf3\nPSCTP\nn*:80'],
    ['an unbound socket', 'p1\nf3\ntIPv4\nPUDP\nn*:*'],
    ['binary garbage', '\u0001\u0002p\u00ff\nf\n\n->\nn->->'],
  ])('skips %s without throwing', (_label, text) => {
    expect(parseLsofFields(text).rows).toEqual([]);
  });
});

describe('address-text helpers', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['FE80::1%lo0', 'fe80::1%lo0'],
    ['[fe80::1c2d:3e4f:5a6b:7c8d%12]', 'fe80::1c2d:3e4f:5a6b:7c8d%12'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2a02:8071:5b8c:1', '2a02:8071:5b8c:1'],
  ])('canonicalAddress(%s) is %s', (text, expected) => {
    expect(canonicalAddress(text)).toBe(expected);
  });

  it.each<[string, ':' | '.', ReturnType<typeof splitHostPort>]>([
    ['127.0.0.1:8080', ':', { address: '127.0.0.1', port: 8080 }],
    ['[::1]:8080', ':', { address: '::1', port: 8080 }],
    ['[fe80::1%4]:5353', ':', { address: 'fe80::1%4', port: 5353 }],
    ['*:*', ':', { address: '*', port: 0 }],
    ['127.0.0.1.57573', '.', { address: '127.0.0.1', port: 57573 }],
    ['fe80::1%lo0.5353', '.', { address: 'fe80::1%lo0', port: 5353 }],
    ['*.*', '.', { address: '*', port: 0 }],
    ['::1:8080', ':', undefined],
    ['8080', ':', undefined],
    [':8080', ':', undefined],
    ['host:65536', ':', undefined],
    ['host:http', ':', undefined],
  ])('splitHostPort(%s, %s)', (text, separator, expected) => {
    expect(splitHostPort(text, separator)).toEqual(expected);
  });
});
