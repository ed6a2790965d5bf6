import { describe, expect, it } from 'vitest';
import { type ErrorCode, isPortierError } from '../../src/errors.js';
import {
  isValidPort,
  MAX_PORT,
  type PortRange,
  parsePort,
  parsePortRange,
  validatePort,
  validatePortRange,
} from '../../src/net/port-number.js';

/** The code of the PortierError `fn` throws; fails the test when it throws nothing or something else. */
function codeOf(fn: () => unknown): ErrorCode {
  try {
    fn();
  } catch (error) {
    if (isPortierError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a PortierError, nothing was thrown');
}

describe('parsePort', () => {
  it.each([
    ['1', 1],
    ['80', 80],
    ['57573', 57573],
    ['65535', 65535],
    ['08080', 8080],
    ['00001', 1],
  ])('reads %j as %i', (text, port) => {
    expect(parsePort(text)).toBe(port);
  });

  it.each([
    '0',
    '00000',
    '65536',
    '99999',
    '100000',
    '-1',
    'abc',
    '57573x',
    '',
    ' 80',
    '80 ',
    '8e3',
    '0x50',
    '80.0',
    '+80',
    '１２３', // full-width digits
  ])('rejects %j with INVALID_PORT', (text) => {
    expect(codeOf(() => parsePort(text))).toBe('INVALID_PORT');
  });
});

describe('validatePort and isValidPort', () => {
  it.each([1, 443, MAX_PORT])('accepts %i', (port) => {
    expect(isValidPort(port)).toBe(true);
    expect(validatePort(port)).toBe(port);
  });

  it.each([0, -1, 65536, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %s with INVALID_PORT',
    (port) => {
      expect(isValidPort(port)).toBe(false);
      expect(codeOf(() => validatePort(port))).toBe('INVALID_PORT');
    },
  );
});

describe('parsePortRange', () => {
  it.each<[string, PortRange]>([
    ['50000-50100', { from: 50000, to: 50100 }],
    ['1-65535', { from: 1, to: 65535 }],
    ['8080-8080', { from: 8080, to: 8080 }],
    ['3000', { from: 3000, to: 3000 }],
  ])('reads %j', (text, range) => {
    expect(parsePortRange(text)).toEqual(range);
  });

  it.each([
    '9-3', // backwards
    '1-99999',
    '0-10',
    '10-0',
    '65536',
    '',
    '-',
    '50000-',
    '-50100',
    '50000 - 50100',
    '50000..50100',
    '50000-50100-50200',
    'a-b',
  ])('rejects %j with INVALID_PORT_RANGE', (text) => {
    expect(codeOf(() => parsePortRange(text))).toBe('INVALID_PORT_RANGE');
  });
});

describe('validatePortRange', () => {
  it('accepts a forward range', () => {
    expect(validatePortRange({ from: 3000, to: 3010 })).toEqual({ from: 3000, to: 3010 });
  });

  it.each<PortRange>([
    { from: 10, to: 9 },
    { from: 0, to: 10 },
    { from: 1, to: 65536 },
  ])('rejects %j with INVALID_PORT_RANGE', (range) => {
    expect(codeOf(() => validatePortRange(range))).toBe('INVALID_PORT_RANGE');
  });
});
