import { describe, expect, it } from 'vitest';
import { withoutStackTraces } from '../../src/state/read-optional.js';

describe('withoutStackTraces', () => {
  it('takes no stack for errors thrown inside, and restores the limit after', () => {
    const before = Error.stackTraceLimit;
    const stack = withoutStackTraces(() => {
      try {
        throw new Error('expected');
      } catch (error) {
        return (error as Error).stack ?? '';
      }
    });
    expect(stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('restores the limit when the read throws, and passes the error on', () => {
    const before = Error.stackTraceLimit;
    expect(() =>
      withoutStackTraces(() => {
        throw new Error('unexpected');
      }),
    ).toThrow('unexpected');
    expect(Error.stackTraceLimit).toBe(before);
  });
});
