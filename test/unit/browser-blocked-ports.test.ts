import { describe, expect, it } from 'vitest';
import {
  BROWSER_BLOCKED_PORTS,
  isBrowserBlockedPort,
} from '../../src/net/browser-blocked-ports.js';

describe('isBrowserBlockedPort', () => {
  it.each([
    [0, true], // added to the Fetch spec in 2025 (whatwg/fetch#1847)
    [1, true],
    [21, true],
    [22, true],
    [25, true],
    [80, false],
    [443, false],
    [548, true],
    [1719, true],
    [1720, true],
    [2049, true],
    [3000, false],
    [4190, true],
    [5060, true],
    [5432, false],
    [6000, true],
    [6001, false], // only the first X11 display port is on the list
    [6566, true],
    [6664, false],
    [6665, true],
    [6669, true],
    [6670, false],
    [6679, true],
    [6697, true],
    [8080, false],
    [10080, true],
    [57573, false],
    [65535, false],
  ])('port %i blocked: %s', (port, blocked) => {
    expect(isBrowserBlockedPort(port)).toBe(blocked);
  });

  it('matches the Fetch spec table in size and order', () => {
    // The spec table has 83 rows (0 through 10080); a miscount here means a port was lost or added.
    expect(BROWSER_BLOCKED_PORTS.size).toBe(83);
    const ports = [...BROWSER_BLOCKED_PORTS];
    expect(ports).toEqual([...ports].sort((a, b) => a - b));
  });
});
