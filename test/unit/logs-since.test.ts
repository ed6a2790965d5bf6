import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/commands/logs.js';

describe('logs --since', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  it.each([
    ['90s', now - 90_000],
    ['10m', now - 600_000],
    ['2h', now - 7_200_000],
    ['2026-11-26T11:00:00Z', Date.parse('2026-11-26T11:00:00Z')],
  ])('%s', (text, expected) => {
    expect(parseSince(text, now)).toBe(expected);
  });

  it('rejects what is neither a duration nor a date', () => {
    expect(() => parseSince('soon', now)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });
});
