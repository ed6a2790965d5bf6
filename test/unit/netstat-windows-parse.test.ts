import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SocketRow } from '../../src/sockets/model.js';
import { parseNetstatWindows, parseTasklistCsv } from '../../src/sockets/netstat-windows-parse.js';

// Hand-written in the column layout of Windows `netstat -ano` and `tasklist /FO CSV`, English
// and German display languages (CRLF line ends, as the tools write them).
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/captured/${name}`, import.meta.url), 'utf8');
const NETSTAT_EN = fixture('netstat-windows-en.txt');
const NETSTAT_DE = fixture('netstat-windows-de.txt');

type Row = [SocketRow['protocol'], string, number, string, number, SocketRow['state'], number];

function expected([protocol, address, port, ra, rp, state, pid]: Row): SocketRow {
  const family = address.includes(':') ? 'ipv6' : 'ipv4';
  return {
    protocol,
    family,
    address,
    port,
    remoteAddress: ra,
    remotePort: rp,
    state,
    pids: pid > 0 ? [pid] : [],
  };
}

/** What a listing shows: bound sockets, without the words that differ by language. */
const listeners = (rows: SocketRow[]): SocketRow[] =>
  rows.filter((row) => row.state === 'LISTEN' || row.state === 'unconnected');

describe('parseNetstatWindows on captured English output', () => {
  const rows = parseNetstatWindows(NETSTAT_EN);

  it.each<Row>([
    ['tcp', '0.0.0.0', 135, '0.0.0.0', 0, 'LISTEN', 1116],
    ['tcp', '0.0.0.0', 445, '0.0.0.0', 0, 'LISTEN', 4],
    ['tcp', '127.0.0.1', 3000, '0.0.0.0', 0, 'LISTEN', 14588],
    ['tcp', '127.0.0.1', 3000, '127.0.0.1', 51240, 'TIME_WAIT', 0],
    ['tcp', '127.0.0.1', 5432, '127.0.0.1', 51234, 'ESTABLISHED', 5712],
    ['tcp', '192.168.1.20', 8000, '0.0.0.0', 0, 'LISTEN', 15020],
    ['tcp', '192.168.1.20', 51190, '52.113.194.132', 443, 'CLOSE_WAIT', 12044],
    ['tcp', '192.168.1.20', 51320, '10.0.0.99', 8080, 'SYN_SENT', 14588],
    ['tcp', '::', 135, '::', 0, 'LISTEN', 1116],
    ['tcp', '::1', 5432, '::', 0, 'LISTEN', 5560],
    [
      'tcp',
      '2a02:8071:5b8c:1e00:d1c8:3f1a:7e52:9a10',
      51310,
      '2a00:1450:4001:82b::200e',
      443,
      'ESTABLISHED',
      9876,
    ],
    ['udp', '0.0.0.0', 5353, '0.0.0.0', 0, 'unconnected', 2340],
    ['udp', '127.0.0.1', 1900, '0.0.0.0', 0, 'unconnected', 4480],
    ['udp', '192.168.1.20', 137, '0.0.0.0', 0, 'unconnected', 4],
    ['udp', '::', 5355, '::', 0, 'unconnected', 2340],
    ['udp', '::1', 1900, '::', 0, 'unconnected', 4480],
    ['udp', 'fe80::1c2d:3e4f:5a6b:7c8d%12', 1900, '::', 0, 'unconnected', 4480],
  ])('reads %s %s:%i', (...row) => {
    expect(rows).toContainEqual(expected(row));
  });

  it('reads every socket row and skips the title, header and blank lines', () => {
    expect(rows).toHaveLength(36);
    expect(rows.filter((row) => row.protocol === 'udp')).toHaveLength(12);
  });
});

describe('parseNetstatWindows in other display languages', () => {
  const english = parseNetstatWindows(NETSTAT_EN);

  it('gives the same listeners for German output (ABHÖREN) as for English', () => {
    const german = parseNetstatWindows(NETSTAT_DE);
    expect(listeners(german)).toEqual(listeners(english));
    // 17 TCP listeners and 12 UDP sockets.
    expect(listeners(german)).toHaveLength(29);
  });

  it('keeps German connections with their addresses and pids, state unknown', () => {
    const german = parseNetstatWindows(NETSTAT_DE);
    expect(german).toHaveLength(36);
    expect(german).toContainEqual(
      expected(['tcp', '127.0.0.1', 3000, '127.0.0.1', 51240, 'unknown', 0]),
    );
    expect(german).toContainEqual(
      expected(['tcp', '192.168.1.20', 51190, '52.113.194.132', 443, 'unknown', 12044]),
    );
  });

  it.each([
    ['OEM code page read as UTF-8', (text: string) => text.replaceAll('Ö', '\uFFFD')],
    ['OEM code page read as Latin-1', (text: string) => text.replaceAll('Ö', '\u0099')],
    ['LF line ends', (text: string) => text.replaceAll('\r\n', '\n')],
  ])('gives the same listeners when German output arrives with %s', (_label, mangle) => {
    expect(listeners(parseNetstatWindows(mangle(NETSTAT_DE)))).toEqual(listeners(english));
  });

  it('reads French listeners (ÉCOUTE) by shape', () => {
    const text = [
      '',
      'Connexions actives',
      '',
      '  Proto  Adresse locale         Adresse distante       État           PID',
      '  TCP    127.0.0.1:3000         0.0.0.0:0              LISTENING       14588',
      '  TCP    [::1]:3000             [::]:0                 ÉCOUTE          14588',
      '  TCP    127.0.0.1:51234        127.0.0.1:5432         ÉTABLIE         14588',
    ].join('\r\n');
    expect(parseNetstatWindows(text).map((row) => [row.address, row.state])).toEqual([
      ['127.0.0.1', 'LISTEN'],
      ['::1', 'LISTEN'],
      ['127.0.0.1', 'unknown'],
    ]);
  });
});

describe('parseNetstatWindows on odd input', () => {
  it.each([
    ['empty text', ''],
    [
      'the English title and header',
      '\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        State           PID\r\n',
    ],
    [
      'the German title and header',
      'Aktive Verbindungen\n  Proto  Lokale Adresse         Remoteadresse          Status           PID',
    ],
    ['a TCP row without pid', '  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING'],
    [
      'a UDP row with a state',
      '  UDP    0.0.0.0:5353           *:*                    LISTENING       2340',
    ],
    [
      'an unbracketed IPv6 address',
      '  TCP    ::1:3000               [::]:0                 LISTENING       14588',
    ],
    [
      'a port out of range',
      '  TCP    0.0.0.0:70000          0.0.0.0:0              LISTENING       4',
    ],
    ['a -b image line', ' [svchost.exe]\r\n  RpcSs\r\n Can not obtain ownership information'],
    ['binary garbage', '\u0000TCP\u00ff  :  :  : 1\n  TCP    a    b    c    d'],
  ])('skips %s without throwing', (_label, text) => {
    expect(parseNetstatWindows(text)).toEqual([]);
  });
});

describe('parseTasklistCsv', () => {
  const english = parseTasklistCsv(fixture('tasklist-en.csv'));
  const german = parseTasklistCsv(fixture('tasklist-de.csv'));

  it.each([
    [0, 'System Idle Process'],
    [4, 'System'],
    [1116, 'svchost.exe'],
    [5560, 'postgres.exe'],
    [14588, 'node.exe'],
    [16212, 'Code - Insiders.exe'],
  ])('names pid %i %s in English and German output', (pid, name) => {
    expect(english.get(pid)).toEqual({ pid, name });
    expect(german.get(pid)).toEqual({ pid, name });
  });

  it('skips the German header row and reads the same processes as /NH output', () => {
    expect(german.size).toBe(19);
    expect(german).toEqual(english);
  });

  it.each([
    ['a comma inside quotes', '"My, App.exe","4242","Console","1","12,345 K"', 'My, App.exe'],
    ['doubled quotes', '"say ""hi"".exe","4242","Console","1","1.234 K"', 'say "hi".exe'],
    ['a byte-order mark', '\uFEFF"node.exe","4242","Console","1","87,332 K"', 'node.exe'],
    [
      'an English header first',
      '"Image Name","PID","Session Name","Session#","Mem Usage"\n"node.exe","4242","Console","1","8 K"',
      'node.exe',
    ],
  ])('reads %s', (_label, text, name) => {
    expect([...parseTasklistCsv(text).values()]).toEqual([{ pid: 4242, name }]);
  });

  it.each([
    ['empty text', ''],
    ['an info line', 'INFO: No tasks are running which match the specified criteria.'],
    ['a row without a pid', '"node.exe"'],
    ['a pid that is not a number', '"node.exe","n/a","Console","1","8 K"'],
    ['an unterminated quote', '"node.exe,"4242'],
  ])('skips %s without throwing', (_label, text) => {
    expect(parseTasklistCsv(text).size).toBe(0);
  });
});
