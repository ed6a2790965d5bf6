/**
 * Between "this request is for route X" and forwarding it: ask the service's state, then
 * forward now, hold until it is ready, or answer with the status page. Shared by plain
 * requests and upgrades; sync all the way when `health` answers synchronously.
 */
import type { DoorPage } from './door-page.js';
import { serviceDownPage } from './door-pages.js';
import {
  type HealthLookup,
  holdUntilHealthy,
  isPromiseLike,
  planFor,
  pollUntilHealthy,
} from './route-health.js';
import type { Route, RouteHealth } from './types.js';

/** The side of a request that admission answers on: a response, or a raw upgrade socket. */
export interface Answerer {
  /** Sends a page and finishes the request. */
  page(page: DoorPage): void;
  /** True once the client has gone; nothing more is sent. */
  gone(): boolean;
  /** Calls `listener` when the client goes; returns a function that removes it. */
  onGone(listener: () => void): () => void;
}

/** What admission needs from the door. */
export interface AdmissionSettings {
  health: HealthLookup | undefined;
  waitHealthy:
    | ((route: Route, timeoutMs: number, signal: AbortSignal) => Promise<boolean>)
    | undefined;
  holdTimeoutMs: number;
  /** Aborted when the door closes: every held request is let go. */
  closing: AbortSignal;
}

/** Reads health, treating a lookup that throws or rejects as unknown. */
function readHealth(
  settings: AdmissionSettings,
  route: Route,
  then: (health: RouteHealth | undefined) => void,
): void {
  let result: ReturnType<HealthLookup>;
  try {
    result = settings.health?.(route);
  } catch {
    return void then(undefined);
  }
  if (isPromiseLike<RouteHealth | undefined>(result))
    return void result.then(then, () => then(undefined));
  then(result);
}

/** Holds until the service is healthy, then `forward`s; otherwise the status page. */
function hold(
  settings: AdmissionSettings,
  route: Route,
  answer: Answerer,
  forward: () => void,
): void {
  const controller = new AbortController();
  const stopWatching = answer.onGone(() => controller.abort());
  const signal = AbortSignal.any([controller.signal, settings.closing]);
  const wait =
    settings.waitHealthy ??
    ((r: Route, ms: number, s: AbortSignal) =>
      settings.health ? pollUntilHealthy(settings.health, r, ms, s) : Promise.resolve(true));
  void holdUntilHealthy(wait, route, settings.holdTimeoutMs, signal).then((ok) => {
    stopWatching();
    if (answer.gone()) return;
    if (ok && !settings.closing.aborted) return forward();
    readHealth(settings, route, (health) => {
      if (answer.gone()) return;
      const stillComing = planFor(health) === 'hold';
      answer.page(serviceDownPage(route, health, stillComing ? settings.holdTimeoutMs : undefined));
    });
  });
}

/**
 * Admits a request for `route`: `forward()` at once when the service is healthy or its state
 * unknown; after a bounded hold when it is starting (or restarting); a 503 status page when it
 * is down or still not ready after `holdTimeoutMs`.
 */
export function admitToRoute(
  settings: AdmissionSettings,
  route: Route,
  answer: Answerer,
  forward: () => void,
): void {
  if (!settings.health) return void forward();
  readHealth(settings, route, (health) => {
    if (answer.gone()) return;
    const plan = planFor(health);
    if (plan === 'forward') return forward();
    if (plan === 'hold') return hold(settings, route, answer, forward);
    answer.page(serviceDownPage(route, health));
  });
}

/**
 * After an upstream refused the connection: when the service is now starting (it was
 * restarting, and its state was stale), hold and `forward` again; when it is now down, the
 * status page; else `fail()` (the 502 page).
 */
export function holdAfterRefusal(
  settings: AdmissionSettings,
  route: Route,
  answer: Answerer,
  forward: () => void,
  fail: () => void,
): void {
  if (!settings.health) return void fail();
  readHealth(settings, route, (health) => {
    if (answer.gone()) return;
    const plan = planFor(health);
    if (plan === 'hold') return hold(settings, route, answer, forward);
    if (plan === 'down') return answer.page(serviceDownPage(route, health));
    fail();
  });
}
