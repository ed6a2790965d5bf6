/**
 * What the door does with a request for a service in a given state: forward it, hold it until
 * the service is ready, or show why it is down.
 */
import type { Route, RouteHealth } from './types.js';

/** The door's plan for a request, from the service's state. */
export type HealthPlan =
  /** Healthy, unknown (aliases) or any state where the process may answer: forward now. */
  | 'forward'
  /** On its way up: hold the request (bounded) until it is healthy. */
  | 'hold'
  /** Not running and not coming back by itself: the status page. */
  | 'down';

/** States in which the service is coming up (or back), so requests wait. */
const HOLD_STATES: ReadonlySet<string> = new Set(['pending', 'waiting', 'starting', 'backoff']);

/** States in which nothing will answer until someone starts it again. */
const DOWN_STATES: ReadonlySet<string> = new Set([
  'stopping',
  'stopped',
  'completed',
  'exited',
  'crashed',
  'failed',
]);

/**
 * The plan for a state. Unknown health forwards (an alias has none); `unhealthy` forwards too,
 * because a process failing its check may still answer, and its answer says more than a page.
 */
export function planFor(health: RouteHealth | undefined): HealthPlan {
  if (health === undefined) return 'forward';
  if (HOLD_STATES.has(health.state)) return 'hold';
  if (DOWN_STATES.has(health.state)) return 'down';
  return 'forward';
}

/** Reads a route's health, sync or async, never throwing: a failed lookup counts as unknown. */
export type HealthLookup = (
  route: Route,
) => Promise<RouteHealth | undefined> | RouteHealth | undefined;

/** True for a thenable, so sync health lookups stay off the promise path. */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** How often {@link pollUntilHealthy} asks, ms. */
export const HEALTH_POLL_MS = 100;

/**
 * The default `waitHealthy`: asks `health` every {@link HEALTH_POLL_MS} until the plan is
 * `forward` (true), `down` (false), the time is up or `signal` aborts (false).
 */
export function pollUntilHealthy(
  health: HealthLookup,
  route: Route,
  timeoutMs: number,
  signal: AbortSignal,
  pollMs = HEALTH_POLL_MS,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => finish(false);
    signal.addEventListener('abort', onAbort, { once: true });
    const check = async () => {
      let state: RouteHealth | undefined;
      try {
        state = await health(route);
      } catch {
        state = undefined;
      }
      if (signal.aborted) return;
      const plan = planFor(state);
      if (plan !== 'hold') return finish(plan === 'forward');
      if (Date.now() >= deadline) return finish(false);
      timer = setTimeout(check, Math.min(pollMs, Math.max(0, deadline - Date.now())));
    };
    if (signal.aborted) finish(false);
    else void check();
  });
}

/**
 * Waits for the route's service with `wait` (the injected `waitHealthy`), bounded by
 * `timeoutMs` whatever `wait` does: resolves true when it is healthy, false on timeout, crash,
 * abort or a rejected wait.
 */
export function holdUntilHealthy(
  wait: (route: Route, timeoutMs: number, signal: AbortSignal) => Promise<boolean>,
  route: Route,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    const settle = (ok: boolean) => {
      clearTimeout(timer);
      resolve(ok);
    };
    signal.addEventListener('abort', () => settle(false), { once: true });
    wait(route, timeoutMs, signal).then(
      (ok) => settle(ok === true),
      () => settle(false),
    );
  });
}
