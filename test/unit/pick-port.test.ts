import { describe, expect, it } from 'vitest';
import { type Lease, parseLedger, pruneLeases } from '../../src/ports/lease-ledger.js';
import { candidatePorts, defaultPickRange } from '../../src/ports/pick-port.js';

describe('defaultPickRange', () => {
  it.each([
    [
      { from: 32768, to: 60999 },
      { from: 61000, to: 65535 },
    ],
    [
      { from: 49152, to: 65535 },
      { from: 49152, to: 65535 },
    ],
    [
      { from: 1024, to: 65535 },
      { from: 49152, to: 65535 },
    ],
    [
      { from: 50000, to: 65500 },
      { from: 49152, to: 49999 },
    ],
    [
      { from: 10000, to: 20000 },
      { from: 49152, to: 65535 },
    ],
  ])('ephemeral %o gives %o', (ephemeral, expected) => {
    expect(defaultPickRange({ ...ephemeral, source: 'kernel' })).toEqual(expected);
  });
});

describe('candidatePorts', () => {
  it('yields the preferred port first, then every port of the range once', () => {
    const ports = [...candidatePorts({ from: 100, to: 104 }, 102, () => 0.5)];
    expect(ports[0]).toBe(102);
    expect([...ports].sort()).toEqual([100, 101, 102, 103, 104]);
  });

  it('starts at a random offset and wraps', () => {
    expect([...candidatePorts({ from: 1, to: 4 }, undefined, () => 0.5)]).toEqual([3, 4, 1, 2]);
  });
});

describe('parseLedger', () => {
  it.each([
    [
      '{"version":1,"leases":[{"port":5,"pid":1,"expiresAt":9}]}',
      [{ port: 5, pid: 1, expiresAt: 9 }],
    ],
    ['{"version":1,"leases":[{"port":"5","pid":1,"expiresAt":9}, null]}', []],
    ['{"version":2,"leases":[]}', undefined],
    ['{"version":1}', undefined],
    ['{not json', undefined],
    ['', undefined],
    // A shorter line written over a longer one (racing writers after a broken stale lock).
    [
      '{"version":1,"leases":[{"port":6,"pid":2,"expiresAt":9}]}\n"port":5,"pid":1,"expiresAt":9}]}\n',
      [{ port: 6, pid: 2, expiresAt: 9 }],
    ],
  ])('%s', (text, expected) => {
    expect(parseLedger(text)).toEqual(expected);
  });
});

describe('pruneLeases', () => {
  const lease = (port: number, pid: number, expiresAt: number): Lease => ({ port, pid, expiresAt });

  it('drops expired leases and leases of dead owners, asking once per owner', () => {
    const asked: number[] = [];
    const kept = pruneLeases(
      [lease(1, 10, 100), lease(2, 10, 100), lease(3, 20, 100), lease(4, 30, 5)],
      50,
      (l) => {
        asked.push(l.pid);
        return l.pid !== 20;
      },
    );
    expect(kept.map((l) => l.port)).toEqual([1, 2]);
    expect(asked).toEqual([10, 20]);
  });
});
