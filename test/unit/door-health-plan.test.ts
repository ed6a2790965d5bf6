import { describe, expect, it } from 'vitest';
import { holdUntilHealthy, planFor, pollUntilHealthy } from '../../src/door/route-health.js';
import type { Route, RouteHealth } from '../../src/door/types.js';

const route: Route = {
  name: 'api',
  kind: 'stack',
  upstream: { address: '127.0.0.1', port: 1 },
  since: 0,
};

describe('planFor', () => {
  const table: [RouteHealth | undefined, string][] = [
    [undefined, 'forward'],
    [{ state: 'healthy' }, 'forward'],
    [{ state: 'unhealthy' }, 'forward'],
    [{ state: 'something-new' }, 'forward'],
    [{ state: 'pending' }, 'hold'],
    [{ state: 'waiting' }, 'hold'],
    [{ state: 'starting' }, 'hold'],
    [{ state: 'backoff' }, 'hold'],
    [{ state: 'stopping' }, 'down'],
    [{ state: 'stopped' }, 'down'],
    [{ state: 'completed' }, 'down'],
    [{ state: 'exited' }, 'down'],
    [{ state: 'crashed' }, 'down'],
    [{ state: 'failed' }, 'down'],
  ];
  for (const [health, plan] of table)
    it(`${health?.state ?? 'unknown'} → ${plan}`, () => expect(planFor(health)).toBe(plan));
});

describe('holding', () => {
  it('polls until healthy', async () => {
    const states: RouteHealth[] = [
      { state: 'starting' },
      { state: 'starting' },
      { state: 'healthy' },
    ];
    const ok = await pollUntilHealthy(
      () => states.shift() ?? { state: 'healthy' },
      route,
      1_000,
      new AbortController().signal,
      5,
    );
    expect(ok).toBe(true);
    expect(states).toHaveLength(0);
  });

  it('polling stops false when the service goes down, or the time is up, or on abort', async () => {
    const signal = new AbortController().signal;
    expect(await pollUntilHealthy(() => ({ state: 'crashed' }), route, 1_000, signal, 5)).toBe(
      false,
    );
    expect(await pollUntilHealthy(() => ({ state: 'starting' }), route, 30, signal, 5)).toBe(false);
    const controller = new AbortController();
    const held = pollUntilHealthy(
      () => ({ state: 'starting' }),
      route,
      10_000,
      controller.signal,
      5,
    );
    controller.abort();
    expect(await held).toBe(false);
  });

  it('a lookup that throws counts as unknown (forward)', async () => {
    const ok = await pollUntilHealthy(
      () => {
        throw new Error('control socket gone');
      },
      route,
      100,
      new AbortController().signal,
      5,
    );
    expect(ok).toBe(true);
  });

  it('holdUntilHealthy is bounded even when the wait never settles, and false on rejection', async () => {
    const never = () => new Promise<boolean>(() => {});
    const started = Date.now();
    expect(await holdUntilHealthy(never, route, 50, new AbortController().signal)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(
      await holdUntilHealthy(
        () => Promise.reject(new Error('x')),
        route,
        1_000,
        new AbortController().signal,
      ),
    ).toBe(false);
    expect(
      await holdUntilHealthy(async () => true, route, 1_000, new AbortController().signal),
    ).toBe(true);
  });
});
