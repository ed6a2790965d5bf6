import { createStackClient } from '../stack/control/control-client.js';
import type { StackStatus } from '../stack/types.js';
import type { Route, RouteHealth } from './types.js';

/** A stack's status is asked again after this long, ms: the door's requests share one answer. */
export const STACK_STATUS_TTL_MS = 250;
/** While holding a request for a starting service, its state is checked this often, ms. */
export const HOLD_POLL_MS = 100;
/** Lines of a failed service's output on the status page. */
const STATUS_PAGE_LINES = 20;

const WAITING = new Set(['pending', 'waiting', 'starting', 'backoff']);
const HEALTHY: RouteHealth = Object.freeze({ state: 'healthy' });

/** What the door asks about routed stack services. */
export interface StackHealth {
  /** The service's state (cached); undefined for routes that are not a stack's. */
  health(route: Route): RouteHealth | undefined | Promise<RouteHealth | undefined>;
  /** Resolves true once the service is healthy; false when it fails, or at the timeout. */
  waitHealthy(route: Route, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
}

interface Cached {
  at: number;
  status: Promise<StackStatus | undefined>;
  /** The answer once it came, so a fresh healthy state is returned without a promise. */
  settled?: StackStatus | undefined;
}

/**
 * Reads the state of stack routes from their supervisors' control sockets, sharing one status
 * request per stack for {@link STACK_STATUS_TTL_MS} so a burst of requests costs one call.
 */
export function createStackHealth(now: () => number = Date.now): StackHealth {
  const cache = new Map<string, Cached>();
  const statusOf = (control: string, fresh = false): Promise<StackStatus | undefined> => {
    const hit = cache.get(control);
    if (hit && !fresh && now() - hit.at < STACK_STATUS_TTL_MS) return hit.status;
    const entry: Cached = { at: now(), status: Promise.resolve(undefined) };
    entry.status = createStackClient(control)
      .status()
      .catch(() => undefined)
      .then((status) => {
        entry.settled = status;
        return status;
      });
    cache.set(control, entry);
    return entry.status;
  };
  /** The cached state of a healthy service, when fresh: the door's hot path stays synchronous. */
  const freshHealthy = (route: Route, control: string): RouteHealth | undefined => {
    const hit = cache.get(control);
    if (!hit?.settled || now() - hit.at >= STACK_STATUS_TTL_MS) return undefined;
    const state = hit.settled.services.find((s) => s.name === route.name)?.state;
    return state === 'healthy' ? HEALTHY : undefined;
  };
  const describe = async (
    route: Route,
    status: StackStatus | undefined,
  ): Promise<RouteHealth | undefined> => {
    const service = status?.services.find((s) => s.name === route.name);
    if (!service) return { state: 'stopped', reason: 'its stack is not running' };
    const health: RouteHealth = { state: service.state };
    if (service.exitCode !== undefined) health.exitCode = service.exitCode;
    if (service.signal !== undefined) health.signal = service.signal;
    if (service.reason) health.reason = service.reason;
    if (service.state !== 'healthy' && route.control) {
      const lines = await createStackClient(route.control)
        .logs({ services: [route.name], limit: STATUS_PAGE_LINES })
        .catch(() => []);
      health.lastLines = lines.map((l) => l.text);
    }
    return health;
  };
  return {
    health(route) {
      if (route.kind !== 'stack' || !route.control) return undefined;
      const control = route.control;
      // Not known healthy: ask now, so a service just started is held, not refused.
      return (
        freshHealthy(route, control) ??
        statusOf(control, true).then((status) => describe(route, status))
      );
    },
    async waitHealthy(route, timeoutMs, signal) {
      if (route.kind !== 'stack' || !route.control) return true;
      const deadline = now() + timeoutMs;
      while (!signal.aborted && now() < deadline) {
        const status = await statusOf(route.control, true);
        const state = status?.services.find((s) => s.name === route.name)?.state;
        if (state === 'healthy') return true;
        if (!state || !WAITING.has(state)) return false;
        await new Promise((r) => setTimeout(r, HOLD_POLL_MS));
      }
      return false;
    },
  };
}
