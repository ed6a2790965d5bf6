import { PortierError } from '../errors.js';

/** Highest TCP/UDP port number. */
export const MAX_PORT = 65535;

/** An inclusive range of ports. */
export interface PortRange {
  from: number;
  to: number;
}

const DECIMAL = /^\d{1,5}$/;

/** True when `value` is an integer port 1–65535. */
export function isValidPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_PORT;
}

/**
 * Reads a port number written as decimal digits (`57573`). Throws `INVALID_PORT` naming the
 * accepted form for anything else: `0`, `65536`, `-1`, `abc`, `57573x`, ` 80`, `8e3`.
 */
export function parsePort(text: string, what = 'port'): number {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!isValidPort(value)) {
    throw new PortierError(
      'INVALID_PORT',
      `Invalid ${what} "${text}": expected a whole number from 1 to 65535, like 57573.`,
      {
        hint: 'Write the port as plain digits, for example `portier who 57573`.',
      },
    );
  }
  return value;
}

/** Throws `INVALID_PORT` when a number passed to the library is not a port 1–65535. */
export function validatePort(value: number, what = 'port'): number {
  if (!isValidPort(value)) {
    throw new PortierError(
      'INVALID_PORT',
      `Invalid ${what} ${String(value)}: expected a whole number from 1 to 65535.`,
    );
  }
  return value;
}

/**
 * Reads an inclusive range `A-B` (`50000-50100`); a single port `A` is the range `A-A`.
 * Throws `INVALID_PORT_RANGE` when malformed or backwards.
 */
export function parsePortRange(text: string): PortRange {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text) ?? /^(\d{1,5})$/.exec(text);
  const from = match ? Number(match[1]) : Number.NaN;
  const to = match ? Number(match[2] ?? match[1]) : Number.NaN;
  if (!isValidPort(from) || !isValidPort(to)) {
    throw new PortierError(
      'INVALID_PORT_RANGE',
      `Invalid port range "${text}": expected FROM-TO with ports 1–65535, like 50000-50100.`,
    );
  }
  if (from > to) {
    throw new PortierError(
      'INVALID_PORT_RANGE',
      `Invalid port range "${text}": it runs backwards (${from} > ${to}).`,
      {
        hint: `Write the lower port first: ${to}-${from}.`,
      },
    );
  }
  return { from, to };
}

/** Throws `INVALID_PORT_RANGE` when a range passed to the library is not a forward range. */
export function validatePortRange(range: PortRange): PortRange {
  if (!isValidPort(range.from) || !isValidPort(range.to) || range.from > range.to) {
    throw new PortierError(
      'INVALID_PORT_RANGE',
      `Invalid port range ${range.from}-${range.to}: expected ports 1–65535 with from <= to.`,
    );
  }
  return range;
}
