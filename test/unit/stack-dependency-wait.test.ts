import { describe, expect, it } from 'vitest';
import {
  conditionFailure,
  meetsCondition,
  waitForCondition,
} from '../../src/stack/dependency-wait.js';
import type { ServiceState, ServiceStatus } from '../../src/stack/types.js';
import { makeService } from '../helpers/stack.js';

const status = (state: ServiceState, reason?: string): ServiceStatus => ({
  name: 'db',
  state,
  restarts: 0,
  ...(reason ? { reason } : {}),
});

describe('dependency conditions', () => {
  it.each([
    ['started', 'starting', true],
    ['started', 'waiting', false],
    ['started', 'completed', true],
    ['healthy', 'starting', false],
    ['healthy', 'healthy', true],
    ['completed', 'healthy', false],
    ['completed', 'completed', true],
  ] as const)('%s is met by %s: %s', (condition, state, met) => {
    expect(meetsCondition(status(state), condition)).toBe(met);
  });

  it('names the dependency, its state and reason when it can no longer be met', () => {
    expect(conditionFailure('db', status('crashed', 'exited 6 times'), 'healthy')).toBe(
      'dependency db is crashed: exited 6 times (needed: healthy)',
    );
    expect(conditionFailure('db', status('exited'), 'completed')).toMatch(/db is exited/);
    expect(conditionFailure('db', status('starting'), 'healthy')).toBeUndefined();
    expect(conditionFailure('db', status('completed'), 'started')).toBeUndefined();
  });

  it('waits for events and rejects on abort', async () => {
    const listeners = new Set<(s: ServiceStatus) => void>();
    let db = status('starting');
    const controller = new AbortController();
    const waiting = waitForCondition(makeService('api', { dependsOn: { db: 'healthy' } }), {
      statusOf: () => db,
      subscribe: (fn) => {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
      signal: controller.signal,
    });
    db = status('healthy');
    for (const l of listeners) l(db);
    await expect(waiting).resolves.toBeUndefined();
    const stopped = waitForCondition(makeService('api', { dependsOn: { db: 'completed' } }), {
      statusOf: () => db,
      subscribe: () => () => {},
      signal: controller.signal,
    });
    controller.abort();
    await expect(stopped).rejects.toThrow(/stopped while waiting/);
  });
});
