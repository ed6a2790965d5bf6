/**
 * What the front door's server is given: the route decisions and service states it is wired
 * to (injected, so the server knows nothing of the registry), its addresses and its limits.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PortierError } from '../errors.js';
import { DOOR_PORT, type Route, type RouteDecision, type RouteHealth } from './types.js';

/** Default for {@link DoorOptions.holdTimeoutMs}: how long a request waits for a starting service, 30 s. */
export const DOOR_HOLD_TIMEOUT_MS = 30_000;
/** Default for {@link DoorOptions.upstreamTimeoutMs}: 60 s for the upstream's response headers. */
export const DOOR_UPSTREAM_TIMEOUT_MS = 60_000;
/** Default for {@link DoorOptions.headersTimeoutMs}: 10 s for a client's request headers. */
export const DOOR_HEADERS_TIMEOUT_MS = 10_000;
/** Default for {@link DoorOptions.requestTimeoutMs}: 120 s for a whole request, body included. */
export const DOOR_REQUEST_TIMEOUT_MS = 120_000;
/** Default for {@link DoorOptions.keepAliveTimeoutMs}: 10 s idle between a client's requests. */
export const DOOR_KEEP_ALIVE_TIMEOUT_MS = 10_000;
/** Default for {@link DoorOptions.maxConnections}: 2,000 client connections at once. */
export const DOOR_MAX_CONNECTIONS = 2_000;
/** Default for {@link DoorOptions.maxHeaderBytes}: 16 KiB of request line and headers. */
export const DOOR_MAX_HEADER_BYTES = 16 * 1024;
/** Default for {@link DoorOptions.upstreamIdleTimeoutMs}: 4 s, under Node's 5 s keep-alive. */
export const DOOR_UPSTREAM_IDLE_TIMEOUT_MS = 4_000;
/** Default for {@link DoorOptions.maxIdlePerUpstream}: 128 idle pooled connections per upstream. */
export const DOOR_MAX_IDLE_PER_UPSTREAM = 128;

/** How the front door decides, waits and answers; only `decide` and `routes` are required. */
export interface DoorOptions {
  /**
   * Decides from the Host header's raw value (`api.localhost:57573`). Called with undefined
   * when the request has no Host header or more than one; the door answers those 400 whatever
   * this returns.
   */
  decide(host: string | undefined): RouteDecision;
  /**
   * State of a routed service; undefined means unknown and is treated as healthy (aliases).
   * Default: every route unknown.
   */
  health?(route: Route): Promise<RouteHealth | undefined> | RouteHealth | undefined;
  /**
   * Resolves true once the route's service is healthy; false (or a rejection) on timeout, crash
   * or abort. Default: polls `health` every 100 ms.
   */
  waitHealthy?(route: Route, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
  /** The live routes, listed on the 404 page. */
  routes(): Route[];
  /** Serves `portier.localhost` and the default route; default a placeholder page. */
  dashboard?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Addresses to bind, all on one port; default `['127.0.0.1', '::1']` (::1 skipped when absent). */
  hosts?: string[];
  /** Port; default {@link DOOR_PORT} (57573); 0 picks a free one (tests). */
  port?: number;
  /** Longest wait for a starting service before the status page, ms; default 30,000. */
  holdTimeoutMs?: number;
  /** Longest wait for an upstream's response headers before a 504, ms; default 60,000. */
  upstreamTimeoutMs?: number;
  /** Longest wait for a client's request headers (slowloris), ms; default 10,000. */
  headersTimeoutMs?: number;
  /** Longest a whole request (headers and body) may take to arrive, ms; default 120,000. */
  requestTimeoutMs?: number;
  /** How long an idle client connection is kept open, ms; default 10,000. */
  keepAliveTimeoutMs?: number;
  /** Client connections open at once over all addresses; default 2,000. More are closed at once. */
  maxConnections?: number;
  /** Largest request line plus headers, bytes; default 16 KiB. Larger get 431. */
  maxHeaderBytes?: number;
  /** How long a pooled upstream connection may sit idle before it is closed, ms; default 4,000. */
  upstreamIdleTimeoutMs?: number;
  /** Idle connections kept per upstream; default 128. */
  maxIdlePerUpstream?: number;
}

/** {@link DoorOptions} with every default filled in. */
export interface ResolvedDoorOptions
  extends Required<Omit<DoorOptions, 'health' | 'waitHealthy' | 'dashboard'>> {
  health: DoorOptions['health'];
  waitHealthy: DoorOptions['waitHealthy'];
  dashboard: DoorOptions['dashboard'];
}

/** Throws `INVALID_OPTION` unless `value` is a whole number from `min` to `max`. */
function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid front door option ${name} ${String(value)}: expected a whole number from ${min} to ${max}.`,
    );
  return value;
}

/** setTimeout fires at once for anything above 2^31-1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Fills in the defaults. Throws `INVALID_OPTION` when a timeout is not whole milliseconds from
 * 1 to 2^31-1, the port is not 0–65535, a limit is below 1, or the headers timeout exceeds the
 * request timeout (Node requires headers to arrive within the request's time).
 */
export function resolveDoorOptions(options: DoorOptions): ResolvedDoorOptions {
  const ms = (name: string, value: number) => whole(name, value, 1, MAX_TIMER_MS);
  const resolved: ResolvedDoorOptions = {
    decide: options.decide,
    routes: options.routes,
    health: options.health,
    waitHealthy: options.waitHealthy,
    dashboard: options.dashboard,
    hosts: options.hosts ?? ['127.0.0.1', '::1'],
    port: whole('port', options.port ?? DOOR_PORT, 0, 65_535),
    holdTimeoutMs: ms('holdTimeoutMs', options.holdTimeoutMs ?? DOOR_HOLD_TIMEOUT_MS),
    upstreamTimeoutMs: ms(
      'upstreamTimeoutMs',
      options.upstreamTimeoutMs ?? DOOR_UPSTREAM_TIMEOUT_MS,
    ),
    headersTimeoutMs: ms('headersTimeoutMs', options.headersTimeoutMs ?? DOOR_HEADERS_TIMEOUT_MS),
    requestTimeoutMs: ms('requestTimeoutMs', options.requestTimeoutMs ?? DOOR_REQUEST_TIMEOUT_MS),
    keepAliveTimeoutMs: ms(
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs ?? DOOR_KEEP_ALIVE_TIMEOUT_MS,
    ),
    maxConnections: whole('maxConnections', options.maxConnections ?? DOOR_MAX_CONNECTIONS, 1, 1e6),
    maxHeaderBytes: whole(
      'maxHeaderBytes',
      options.maxHeaderBytes ?? DOOR_MAX_HEADER_BYTES,
      1024,
      1 << 24,
    ),
    upstreamIdleTimeoutMs: ms(
      'upstreamIdleTimeoutMs',
      options.upstreamIdleTimeoutMs ?? DOOR_UPSTREAM_IDLE_TIMEOUT_MS,
    ),
    maxIdlePerUpstream: whole(
      'maxIdlePerUpstream',
      options.maxIdlePerUpstream ?? DOOR_MAX_IDLE_PER_UPSTREAM,
      0,
      65_535,
    ),
  };
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs)
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid front door option headersTimeoutMs ${resolved.headersTimeoutMs}: it exceeds requestTimeoutMs ${resolved.requestTimeoutMs}.`,
      { hint: 'Give the whole request at least as long as its headers.' },
    );
  return resolved;
}
