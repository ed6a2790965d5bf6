import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SocketRow } from '../../src/sockets/model.js';
import { parseBsdTcpState, parseNetstatMacos } from '../../src/sockets/netstat-macos-parse.js';

// Hand-written with the printf widths of macOS 15 `netstat -anv -p tcp` / `-p udp` (network_cmds
// protopr: rxbytes/txbytes, then pid and epid).
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/captured/${name}`, import.meta.url), 'utf8');
const TCP = fixture('netstat-macos-tcp.txt');
const UDP = fixture('netstat-macos-udp.txt');

type Row = [string, string, number, string, number, SocketRow['state'], number];

/** [family, address, port, remote address, remote port, state, pid] to a TCP or UDP row. */
function expected(
  protocol: SocketRow['protocol'],
  [family, address, port, ra, rp, state, pid]: Row,
): SocketRow {
  return {
    protocol,
    family: family as SocketRow['family'],
    address,
    port,
    remoteAddress: ra,
    remotePort: rp,
    state,
    pids: pid > 0 ? [pid] : [],
  };
}

describe('parseNetstatMacos on captured TCP output', () => {
  const rows = parseNetstatMacos(TCP);

  it.each<Row>([
    ['ipv4', '127.0.0.1', 5173, '0.0.0.0', 0, 'LISTEN', 48211],
    ['ipv6', '::1', 5173, '::', 0, 'LISTEN', 48211],
    ['ipv4', '127.0.0.1', 5432, '127.0.0.1', 50412, 'ESTABLISHED', 50413],
    ['ipv4', '127.0.0.1', 50398, '127.0.0.1', 5173, 'TIME_WAIT', 48390],
    ['ipv6', '::1', 5173, '::1', 50401, 'TIME_WAIT', 48211],
    ['ipv4', '192.168.1.20', 8000, '0.0.0.0', 0, 'LISTEN', 51002],
    ['ipv4', '0.0.0.0', 8080, '0.0.0.0', 0, 'LISTEN', 1301],
    ['ipv6', '::', 8080, '::', 0, 'LISTEN', 1301],
    // tcp46: one dual-stack socket, reported as IPv6 `::`.
    ['ipv6', '::', 7000, '::', 0, 'LISTEN', 603],
    ['ipv4', '192.168.1.20', 50433, '17.57.146.52', 5223, 'CLOSE_WAIT', 421],
    ['ipv4', '192.168.1.20', 50631, '10.0.0.99', 8080, 'SYN_SENT', 48211],
    // Without -l netstat cuts IPv6 hosts to 16 characters; the text is kept as printed.
    ['ipv6', '2a02:8071:5b8c:1', 50611, '2a00:1450:4001:8', 443, 'ESTABLISHED', 733],
  ])('reads %s %s.%i', (...row) => {
    expect(rows).toContainEqual(expected('tcp', row));
  });

  it('reads every socket row and skips the title and header', () => {
    expect(rows).toHaveLength(19);
    expect(rows.every((row) => row.protocol === 'tcp')).toBe(true);
  });
});

describe('parseNetstatMacos on captured UDP output', () => {
  const rows = parseNetstatMacos(UDP);

  it.each<Row>([
    ['ipv4', '0.0.0.0', 5353, '0.0.0.0', 0, 'unconnected', 394],
    ['ipv6', '::', 5353, '::', 0, 'unconnected', 394],
    ['ipv4', '192.168.1.20', 58317, '192.168.1.1', 53, 'ESTABLISHED', 394],
    ['ipv6', '::', 41641, '::', 0, 'unconnected', 1010],
    ['ipv4', '127.0.0.1', 8125, '0.0.0.0', 0, 'unconnected', 50701],
    ['ipv4', '192.168.1.20', 123, '0.0.0.0', 0, 'unconnected', 352],
    ['ipv6', 'fe80::1%lo0', 123, '::', 0, 'unconnected', 352],
    ['ipv6', '::1', 8125, '::', 0, 'unconnected', 50701],
  ])('reads %s %s.%i with the pid one column earlier', (...row) => {
    expect(rows).toContainEqual(expected('udp', row));
  });

  it('skips the unbound *.* socket, which holds no port', () => {
    expect(rows).toHaveLength(8);
  });

  it('reads TCP and UDP output given one after the other', () => {
    expect(parseNetstatMacos(`${TCP}\n${UDP}`)).toHaveLength(27);
  });
});

const TITLE = 'Active Internet connections (including servers)';
const LAYOUTS: [string, string, string][] = [
  [
    'macOS 10.x (rhiwat shiwat pid epid state options)',
    'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)     rhiwat shiwat    pid   epid  state    options',
    'tcp4       0      0  127.0.0.1.5173         *.*                    LISTEN      131072 131072  48211      0 0x0100 0x00000106',
  ],
  [
    'macOS 12–14 (… gencnt flags flags1 usecnt rtncnt fltrs)',
    'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)      rhiwat  shiwat    pid   epid state  options           gencnt    flags   flags1 usecnt rtncnt fltrs',
    'tcp4       0      0  127.0.0.1.5173         *.*                    LISTEN       131072  131072  48211      0 00100 00000106 0000000000012c3a 00000000 00000800      1      0 000001',
  ],
  [
    'macOS 26 (process:pid)',
    'Proto Recv-Q Send-Q  Local Address                                 Foreign Address                               (state)          rxbytes      txbytes  rhiwat  shiwat          process:pid    state  options           gencnt    flags   flags1 usecnt rtncnt fltrs',
    'tcp4       0      0  127.0.0.1.5173         *.*                    LISTEN                 0            0  131072  131072             node:48211  00100 00000106 000000001afbe209 00000001 00000800      1      0 000000',
  ],
  [
    'macOS 26 with spaces in the process name',
    'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)          rxbytes      txbytes  rhiwat  shiwat          process:pid    state  options',
    'tcp4       0      0  127.0.0.1.5173         *.*                    LISTEN                 0            0  131072  131072 Code Helper (Plu:48211  00100 00000106',
  ],
];

describe('parseNetstatMacos across macOS versions', () => {
  it.each(LAYOUTS)('finds the pid by header name on %s', (_label, header, row) => {
    expect(parseNetstatMacos(`${TITLE}\n${header}\n${row}\n`)).toEqual([
      expected('tcp', ['ipv4', '127.0.0.1', 5173, '0.0.0.0', 0, 'LISTEN', 48211]),
    ]);
  });

  it('reads a macOS 26 UDP row, whose (state) column is blank', () => {
    const [, header = ''] = LAYOUTS[2]!;
    const row =
      'udp4       0      0  *.5353                 *.*                                      918222        40960  786896    9216    mDNSResponder:394    00100 00000000';
    expect(parseNetstatMacos(`${header}\n${row}`)[0]?.pids).toEqual([394]);
  });

  it('gives no pids without -v', () => {
    const text = `${TITLE}\nProto Recv-Q Send-Q  Local Address          Foreign Address        (state)\ntcp4       0      0  127.0.0.1.5173         *.*                    LISTEN\n`;
    const [row] = parseNetstatMacos(text);
    expect(row).toMatchObject({ address: '127.0.0.1', port: 5173, state: 'LISTEN' });
    expect(row?.pids).toBeUndefined();
  });

  it('gives pids [] for pid 0, a socket with no process behind it', () => {
    const [, header = '', row = ''] = LAYOUTS[1]!;
    expect(parseNetstatMacos(`${header}\n${row.replace('48211', '    0')}`)[0]?.pids).toEqual([]);
  });
});

describe('parseNetstatMacos on odd input', () => {
  it.each([
    ['empty text', ''],
    ['only a title and header', `${TITLE}\n${LAYOUTS[1]![1]}\n\n`],
    ['a socket-count warning', 'Some tcp sockets may have been created.\n'],
    ['another protocol family', 'icm6       0      0  *.*                    *.*'],
    ['a row cut short', 'tcp4       0      0  127.0.0.1.5173'],
    [
      'a port out of range',
      'tcp4       0      0  127.0.0.1.99999        *.*                    LISTEN',
    ],
    [
      'an address without a port',
      'tcp4       0      0  localhost              *.*                    LISTEN',
    ],
    ['binary garbage', '\u0000\u00ff tcp4 \t\t ...\n.\n*'],
  ])('skips %s without throwing', (_label, text) => {
    expect(parseNetstatMacos(text)).toEqual([]);
  });

  it('reads an unknown or numeric state as unknown', () => {
    const [row] = parseNetstatMacos(
      'tcp4       0      0  127.0.0.1.80           127.0.0.1.5000         12',
    );
    expect(row?.state).toBe('unknown');
  });
});

describe('parseBsdTcpState', () => {
  it.each([
    ['LISTEN', 'LISTEN'],
    ['ESTABLISHED', 'ESTABLISHED'],
    ['SYN_SENT', 'SYN_SENT'],
    ['SYN_RCVD', 'SYN_RECV'],
    ['SYN_RECEIVED', 'SYN_RECV'],
    ['FIN_WAIT_1', 'FIN_WAIT1'],
    ['FIN_WAIT_2', 'FIN_WAIT2'],
    ['CLOSING', 'CLOSING'],
    ['LAST_ACK', 'LAST_ACK'],
    ['TIME_WAIT', 'TIME_WAIT'],
    ['CLOSE_WAIT', 'CLOSE_WAIT'],
    ['CLOSED', 'CLOSE'],
    ['ESTABLISHED*', 'ESTABLISHED'],
    ['11', 'unknown'],
    ['', 'unknown'],
  ])('%s is %s', (word, state) => {
    expect(parseBsdTcpState(word)).toBe(state);
  });
});
