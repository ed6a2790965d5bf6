import { describe, expect, it } from 'vitest';
import { resolveDoorOptions } from '../../src/door/door-options.js';
import { DOOR_PORT } from '../../src/door/types.js';

const base = { decide: () => ({ kind: 'dashboard' as const }), routes: () => [] };

describe('resolveDoorOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveDoorOptions(base)).toMatchObject({
      hosts: ['127.0.0.1', '::1'],
      port: DOOR_PORT,
      holdTimeoutMs: 30_000,
      upstreamTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 10_000,
      maxConnections: 2_000,
      maxHeaderBytes: 16_384,
    });
  });

  const bad: [string, Record<string, number>][] = [
    ['a negative port', { port: -1 }],
    ['a port above 65535', { port: 65_536 }],
    ['a zero timeout', { upstreamTimeoutMs: 0 }],
    ['a fractional timeout', { holdTimeoutMs: 1.5 }],
    ['a timeout setTimeout cannot hold', { holdTimeoutMs: 2 ** 31 }],
    ['no connections', { maxConnections: 0 }],
    ['headers longer than the request', { headersTimeoutMs: 10, requestTimeoutMs: 5 }],
  ];
  for (const [what, options] of bad)
    it(`refuses ${what} with INVALID_OPTION`, () =>
      expect(() => resolveDoorOptions({ ...base, ...options })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      ));
});
