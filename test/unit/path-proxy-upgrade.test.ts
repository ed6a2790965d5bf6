import { describe, expect, it } from 'vitest';
import { declinedUpgrade } from '../../src/serve/upgrade-tunnel.js';

describe('declinedUpgrade', () => {
  it.each([
    ['HTTP/1.1 101 Switching Protocols\r\n', false],
    ['HTTP/1.0 101 Switching Protocols\r\n', false],
    ['HTTP/1.1 403 Forbidden\r\n', true],
    ['HTTP/1.1 200 OK\r\n', true],
    ['HTTP/1.1 10', false], // too short to tell: treated as switching
    ['\x81\x05hello', false],
  ])('%j → %s', (first, declined) => {
    expect(declinedUpgrade(Buffer.from(first, 'latin1'))).toBe(declined);
  });
});
