import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedService, ResolvedStackConfig } from '../../src/stack/config/types.js';
import { createLogHub, type LogHub } from '../../src/stack/logs/index.js';
import { type CreateStackOptions, createStack, type Stack } from '../../src/stack/supervisor.js';
import type { ServiceState, ServiceStatus, StackEvent } from '../../src/stack/types.js';

/** Absolute path of a stack fixture script. */
export const stackFixture = (name: string): string =>
  join(import.meta.dirname, '..', 'fixtures', 'stack', name);

/** A resolved service with test defaults: fast probes, quick stop, no restart. */
export function makeService(
  name: string,
  overrides: Partial<ResolvedService> = {},
): ResolvedService {
  return {
    name,
    cwd: tmpdir(),
    env: {},
    envFiles: [],
    port: 'auto',
    dependsOn: {},
    probe: {
      initialDelayMs: 0,
      periodMs: 50,
      timeoutMs: 1_000,
      successThreshold: 1,
      failureThreshold: 3,
    },
    restart: {
      policy: 'no',
      backoffInitialMs: 100,
      backoffMaxMs: 1_000,
      maxRestarts: 3,
      stableAfterMs: 10_000,
    },
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 3_000,
    ...overrides,
  };
}

/** `node <fixture> args…` as an argv command. */
export function nodeCommand(fixture: string, ...args: string[]): ResolvedService['command'] {
  return { kind: 'argv', argv: [process.execPath, stackFixture(fixture), ...args] };
}

/** A stack in temp dirs; `cleanup()` closes it and removes the dirs. */
export interface TestStack {
  stack: Stack;
  logs: LogHub;
  dir: string;
  events: StackEvent[];
  /** States each service went through, in order. */
  states(service: string): ServiceState[];
  /** Resolves when `service` reaches `state`. */
  reach(service: string, state: ServiceState): Promise<ServiceStatus>;
  cleanup(): Promise<void>;
}

/** Starts nothing: builds the supervisor of `services` with its own state dir. */
export function makeStack(
  services: ResolvedService[],
  options: Partial<CreateStackOptions> = {},
): TestStack {
  const dir = mkdtempSync(join(tmpdir(), 'portier-stack-test-'));
  const config: ResolvedStackConfig = {
    name: 'test',
    root: dir,
    file: join(dir, 'portier.yaml'),
    source: 'portier.yaml',
    services,
  };
  const logs = createLogHub({ dir: join(dir, 'project', 'logs') });
  const stack = createStack({
    config,
    stateDir: dir,
    projectDir: join(dir, 'project'),
    logs,
    ...options,
  });
  const events: StackEvent[] = [];
  stack.subscribe((e) => events.push(e));
  const states = (name: string) =>
    events.flatMap((e) => (e.type === 'service' && e.status.name === name ? [e.status.state] : []));
  const reach = (name: string, state: ServiceState) =>
    new Promise<ServiceStatus>((resolve) => {
      const found = events.find(
        (e) => e.type === 'service' && e.status.name === name && e.status.state === state,
      );
      if (found?.type === 'service') return resolve(found.status);
      const off = stack.subscribe((e) => {
        if (e.type === 'service' && e.status.name === name && e.status.state === state) {
          off();
          resolve(e.status);
        }
      });
    });
  return {
    stack,
    logs,
    dir,
    events,
    states,
    reach,
    async cleanup() {
      await stack.close();
      await logs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
