import { describe, expect, it } from 'vitest';
import { leftoversOnLinux } from '../../src/ports/port-release.js';
import { parseSockstat } from '../../src/sockets/sockstat.js';
import { createFakeProc, TCP_HEADER, tcpLine } from '../helpers/fake-proc.js';

// What a kill leaves on port 57573 (E0E5): two TIME_WAIT rows and a connection someone else
// holds, beside a TIME_WAIT row of another port.
const TABLE = `${[
  TCP_HEADER,
  tcpLine(0, '0100007F:E0E5', '0100007F:9C41', '06', 0, 0),
  tcpLine(1, '0100007F:E0E5', '0100007F:9C42', '06', 0, 0),
  tcpLine(2, '0100007F:E0E5', '0100007F:9C43', '01', 1000, 501),
  tcpLine(3, '0100007F:1F90', '0100007F:9C44', '06', 0, 0),
].join('\n')}\n`;

const sockstat = (orphans: number, timeWait: number) =>
  `sockets: used 12\nTCP: inuse 3 orphan ${orphans} tw ${timeWait} alloc 5 mem 1\nUDP: inuse 0 mem 0\n`;

describe('parseSockstat', () => {
  it('reads in-use counts, and TIME_WAIT and orphans from the TCP line', () => {
    const text = `${sockstat(2, 7)}UDPLITE: inuse 0\nRAW: inuse 0\n`;
    expect(parseSockstat(text)).toEqual({ tcp: 3, udp: 0, tcpOrphans: 2, tcpTimeWait: 7 });
    expect(parseSockstat('TCP6: inuse 4\nUDP6: inuse 1\n')).toEqual({ tcp6: 4, udp6: 1 });
    expect(parseSockstat('')).toEqual({});
  });
});

describe('leftoversOnLinux', () => {
  it('counts TIME_WAIT and connection rows when the kernel reports TIME_WAIT', () => {
    const procRoot = createFakeProc({
      net: { tcp: TABLE },
      files: { 'net/sockstat': sockstat(0, 3) },
    });
    const left = leftoversOnLinux(57573, procRoot);
    expect(left).toMatchObject({
      status: 'connections-only',
      timeWait: 2,
      connectionsCounted: true,
    });
    expect(left.connections).toEqual([expect.objectContaining({ remotePort: 40003 })]);
  });

  it.each([
    ['closing sockets and no TIME_WAIT yet', { 'net/sockstat': sockstat(1, 0) }],
    ['no sockstat to read', {}],
  ])('reads the table when the kernel reports %s', (_what, files: Record<string, string>) => {
    const procRoot = createFakeProc({ net: { tcp: TABLE }, files });
    expect(leftoversOnLinux(57573, procRoot)).toMatchObject({
      timeWait: 2,
      connectionsCounted: true,
    });
  });

  it('skips the table when the kernel counts no TIME_WAIT and no orphans', () => {
    // The table here disagrees with the count on purpose: it shows the table was not read.
    const procRoot = createFakeProc({
      net: { tcp: TABLE },
      files: { 'net/sockstat': sockstat(0, 0) },
    });
    expect(leftoversOnLinux(57573, procRoot)).toEqual({
      port: 57573,
      status: 'free',
      listeners: [],
      timeWait: 0,
      connections: [],
      connectionsCounted: false,
    });
  });
});
