import { describe, expect, it } from 'vitest';
import { type PortRangeClass, portRangeClass } from '../../src/net/port-range-class.js';

describe('portRangeClass', () => {
  it.each<[number, PortRangeClass]>([
    [0, 'well-known'],
    [22, 'well-known'],
    [443, 'well-known'],
    [1023, 'well-known'],
    [1024, 'registered'],
    [5432, 'registered'],
    [8080, 'registered'],
    [49151, 'registered'],
    [49152, 'dynamic'],
    [57573, 'dynamic'],
    [65535, 'dynamic'],
  ])('port %i is %s', (port, rangeClass) => {
    expect(portRangeClass(port)).toBe(rangeClass);
  });

  it.each([-1, 65536, 80.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws RangeError for %d, which is not a port number',
    (port) => {
      expect(() => portRangeClass(port)).toThrow(RangeError);
    },
  );
});
