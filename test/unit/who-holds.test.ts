import { describe, expect, it } from 'vitest';
import { isPortierError } from '../../src/errors.js';
import type { Listener } from '../../src/sockets/model.js';
import { decideHoldStatus, type HoldStatus, whoHolds } from '../../src/sockets/who-holds.js';
import { createFakeProc, TCP_HEADER, tcpLine } from '../helpers/fake-proc.js';

function listener(ownerHidden: boolean): Listener {
  return {
    protocol: 'tcp',
    family: 'ipv4',
    address: '127.0.0.1',
    port: 57573,
    exposure: 'loopback',
    processes: ownerHidden ? [] : [{ pid: 812 }],
    ownerHidden,
  };
}
const SEEN = listener(false);
const HIDDEN = listener(true);

describe('decideHoldStatus', () => {
  it.each<[string, Listener[], number, number, HoldStatus]>([
    ['nothing at all', [], 0, 0, 'free'],
    ['a visible listener', [SEEN], 0, 0, 'listening'],
    ['a visible and a hidden listener', [HIDDEN, SEEN], 0, 0, 'listening'],
    ['a visible listener with leftovers', [SEEN], 3, 2, 'listening'],
    ['only hidden listeners', [HIDDEN, HIDDEN], 0, 0, 'hidden-owner'],
    ['a hidden listener with connections', [HIDDEN], 1, 4, 'hidden-owner'],
    ['connections only', [], 0, 1, 'connections-only'],
    ['connections and TIME_WAIT', [], 5, 1, 'connections-only'],
    ['TIME_WAIT only', [], 1, 0, 'time-wait-only'],
  ])('%s → %s', (_what, listeners, timeWait, connections, status) => {
    expect(decideHoldStatus(listeners, timeWait, connections)).toBe(status);
  });
});

describe('whoHolds on a fake proc tree', () => {
  // Port 57573 = 0xE0E5; 127.0.0.1 = 0100007F.
  const LISTEN = tcpLine(0, '0100007F:E0E5', '00000000:0000', '0A', 1000, 100);
  const TIME_WAIT = tcpLine(1, '0100007F:E0E5', '0100007F:9C40', '06', 0, 0);
  const ESTABLISHED = tcpLine(2, '0100007F:E0E5', '0100007F:9C41', '01', 1000, 101);
  const CLIENT = tcpLine(3, '0100007F:9C41', '0100007F:E0E5', '01', 1000, 102);

  function proc(lines: string[], fds: Record<number, string> = {}): string {
    return createFakeProc({
      net: { tcp: `${[TCP_HEADER, ...lines].join('\n')}\n` },
      processes: [{ pid: 812, name: 'node', argv: ['node', 'server.js'], fds }],
    });
  }

  it('counts TIME_WAIT rows and reports time-wait-only', async () => {
    const procRoot = proc([TIME_WAIT, tcpLine(4, '0100007F:E0E5', '0100007F:9C42', '06', 0, 0)]);
    const holders = await whoHolds(57573, { procRoot, platform: 'linux' });
    expect(holders).toEqual({
      port: 57573,
      status: 'time-wait-only',
      listeners: [],
      timeWait: 2,
      connections: [],
      connectionsCounted: true,
    });
  });

  it('lists a connection on the port with its pid, and not the peer that only connects to it', async () => {
    const procRoot = proc([ESTABLISHED, CLIENT], { 5: 'socket:[101]', 6: 'socket:[102]' });
    const holders = await whoHolds(57573, { procRoot, platform: 'linux' });
    expect(holders.status).toBe('connections-only');
    expect(holders.connections).toEqual([
      {
        protocol: 'tcp',
        family: 'ipv4',
        address: '127.0.0.1',
        remoteAddress: '127.0.0.1',
        remotePort: 40001,
        state: 'ESTABLISHED',
        uid: 1000,
        pids: [812],
      },
    ]);
  });

  it('reports a listener whose fd it finds as listening, with the process', async () => {
    const procRoot = proc([LISTEN, TIME_WAIT], { 3: 'socket:[100]' });
    const holders = await whoHolds(57573, { procRoot, platform: 'linux', full: true });
    expect(holders.status).toBe('listening');
    expect(holders.timeWait).toBe(1);
    const quick = await whoHolds(57573, { procRoot, platform: 'linux' });
    expect(quick).toMatchObject({ status: 'listening', timeWait: 0, connectionsCounted: false });
    expect(holders.listeners[0]!.processes).toEqual([
      expect.objectContaining({ pid: 812, name: 'node', command: 'node server.js' }),
    ]);
  });

  it('reports a listener whose fd nobody holds as hidden-owner', async () => {
    const procRoot = proc([LISTEN], { 3: 'socket:[999]' });
    const holders = await whoHolds(57573, { procRoot, platform: 'linux' });
    expect(holders.status).toBe('hidden-owner');
    expect(holders.listeners[0]).toMatchObject({ ownerHidden: true, uid: 1000 });
  });

  it.each([0, 65536, -1, 1.5, Number.NaN])('rejects port %s with INVALID_PORT', async (port) => {
    const error = await whoHolds(port).catch((e: unknown) => e);
    expect(isPortierError(error, 'INVALID_PORT')).toBe(true);
  });
});
