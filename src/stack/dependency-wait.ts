import type { DependsCondition, ResolvedService } from './config/types.js';
import { FAILED_STATES } from './service-states.js';
import type { ServiceState, ServiceStatus } from './types.js';

/** States past which a dependency will not meet any condition without a new start. */
const GIVEN_UP: ReadonlySet<ServiceState> = new Set([...FAILED_STATES, 'stopped', 'completed']);

/** True when `status` meets `condition`. */
export function meetsCondition(
  status: ServiceStatus | undefined,
  condition: DependsCondition,
): boolean {
  if (!status) return false;
  if (condition === 'completed') return status.state === 'completed';
  if (condition === 'healthy') return status.state === 'healthy';
  return ['starting', 'healthy', 'unhealthy', 'completed'].includes(status.state);
}

/** Why `status` can no longer meet `condition`, or undefined while it still may. */
export function conditionFailure(
  name: string,
  status: ServiceStatus | undefined,
  condition: DependsCondition,
): string | undefined {
  if (!status || !GIVEN_UP.has(status.state) || meetsCondition(status, condition)) return undefined;
  const why = status.reason ? `: ${status.reason}` : '';
  return `dependency ${name} is ${status.state}${why} (needed: ${condition})`;
}

/** What {@link waitForCondition} watches. */
export interface DependencyWatch {
  statusOf(name: string): ServiceStatus | undefined;
  subscribe(listener: (status: ServiceStatus) => void): () => void;
  signal: AbortSignal;
}

/**
 * Resolves once every `depends_on` condition of `service` holds; rejects with the reason as
 * soon as one dependency fails, so a dependent never waits forever on a crashed database.
 * Aborting rejects too (the service is being stopped).
 */
export function waitForCondition(service: ResolvedService, watch: DependencyWatch): Promise<void> {
  const deps = Object.entries(service.dependsOn);
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const finish = (error?: Error) => {
      unsubscribe();
      watch.signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const evaluate = () => {
      for (const [name, condition] of deps) {
        const failure = conditionFailure(name, watch.statusOf(name), condition);
        if (failure) return finish(new Error(failure));
      }
      if (deps.every(([name, condition]) => meetsCondition(watch.statusOf(name), condition)))
        finish();
    };
    const onAbort = () => finish(new Error('stopped while waiting for dependencies'));
    if (watch.signal.aborted) return onAbort();
    watch.signal.addEventListener('abort', onAbort, { once: true });
    unsubscribe = watch.subscribe(evaluate);
    evaluate();
  });
}
