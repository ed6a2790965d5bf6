import { describe, expect, it } from 'vitest';
import type { RestartSettings } from '../../src/stack/config/types.js';
import { backoffMs, decideRestart } from '../../src/stack/restart-policy.js';

const settings = (policy: RestartSettings['policy']): RestartSettings => ({
  policy,
  backoffInitialMs: 500,
  backoffMaxMs: 4_000,
  maxRestarts: 3,
  stableAfterMs: 10_000,
});
const failed = { code: 1, signal: null };
const clean = { code: 0, signal: null };
const mid = () => 0.5;

describe('decideRestart', () => {
  it.each([
    ['no', failed, 'exited'],
    ['no', clean, 'completed'],
    ['on-failure', clean, 'completed'],
  ] as const)('policy %s after %o stays %s', (policy, exit, state) => {
    const d = decideRestart({ settings: settings(policy), exit, runMs: 50, quickRestarts: 0 });
    expect(d).toMatchObject({ action: 'stay', state });
  });

  it('restarts on failure and always, including deaths by signal', () => {
    for (const [policy, exit] of [
      ['on-failure', failed],
      ['on-failure', { code: null, signal: 'SIGSEGV' as const }],
      ['always', clean],
    ] as const)
      expect(
        decideRestart({
          settings: settings(policy),
          exit,
          runMs: 50,
          quickRestarts: 0,
          random: mid,
        }),
      ).toEqual({
        action: 'restart',
        delayMs: 500,
        attempt: 1,
      });
  });

  it('doubles the back-off up to the cap, then declares a crash loop', () => {
    let quick = 0;
    const delays: number[] = [];
    for (;;) {
      const d = decideRestart({
        settings: settings('always'),
        exit: failed,
        runMs: 20,
        quickRestarts: quick,
        random: mid,
      });
      if (d.action === 'stay') {
        expect(d.state).toBe('crashed');
        expect(d.reason).toMatch(/4 times in a row/);
        break;
      }
      delays.push(d.delayMs);
      quick = d.attempt;
    }
    expect(delays).toEqual([500, 1_000, 2_000]);
  });

  it('a run that lasted stableAfterMs resets the count and the back-off', () => {
    const d = decideRestart({
      settings: settings('on-failure'),
      exit: failed,
      runMs: 60_000,
      quickRestarts: 3,
      random: mid,
    });
    expect(d).toEqual({ action: 'restart', delayMs: 500, attempt: 1 });
  });

  it('jitters by ±20 % and never passes the cap', () => {
    const s = settings('always');
    expect(backoffMs(s, 1, () => 0)).toBe(400);
    expect(backoffMs(s, 1, () => 0.999_999)).toBe(600);
    expect(backoffMs(s, 10, () => 0.5)).toBe(4_000);
  });
});
