import type { ServiceState } from './types.js';

/** States that count as a failure of the service. */
export const FAILED_STATES: ReadonlySet<ServiceState> = new Set(['failed', 'crashed', 'exited']);

/** States a service rests in: ready, done, stopped or failed; nothing is pending on it. */
export const SETTLED_STATES: ReadonlySet<ServiceState> = new Set([
  'healthy',
  'unhealthy',
  'completed',
  'stopped',
  ...FAILED_STATES,
]);
