import { isLoopbackAddress } from '../net/exposure.js';
import { normaliseHost } from './route-host.js';
import type { Route, RouteDecision } from './types.js';

/**
 * The door's routing decision, from the Host header alone, by exact match on normalised names:
 *
 * - `<name>.localhost` reaches a `run` or `alias` route of that name.
 * - `<service>.<project>.localhost` always reaches a stack's service.
 * - `<service>.localhost` reaches a stack's service while exactly one running project has a
 *   service of that name and no run/alias holds the name. When two projects both have `api`,
 *   `api.localhost` is ambiguous: the decision is `unknown` (404) and
 *   {@link RouteTable.candidates} gives `api.blog.localhost` and `api.shop.localhost` for the
 *   page. Picking the first registered would make the URL depend on start order, silently.
 * - `portier.localhost` is the dashboard; `portier` is never a run or alias name.
 * - `localhost`, `127.0.0.1` (any of 127/8), `[::1]`, with any port: the single route when
 *   there is exactly one, else the dashboard.
 * - Any other `*.localhost` name: `unknown` (404 listing the live routes).
 * - Any other name or address (`rebind.attacker.example`, `api.localhost.evil.example`,
 *   `192.168.1.5`): 403, the DNS-rebinding defence. Malformed or missing Host: 400.
 */

/** The dashboard's name. */
export const DASHBOARD_HOST = 'portier.localhost';
/** Names no run or alias may take, because the door answers them itself. */
export const RESERVED_ROUTE_NAMES: ReadonlySet<string> = new Set(['portier']);
/** Decisions remembered per raw Host value, at most; the table is rebuilt on every change. */
const DECISION_CACHE_SIZE = 512;
const LOCALHOST_SUFFIX = '.localhost';

/** Routes indexed by name, and the decision for a Host header. Immutable once built. */
export interface RouteTable {
  /** The routes it was built from, in registration order. */
  readonly routes: readonly Route[];
  /** What the door does with a request carrying this Host header (`undefined`: none). */
  decide(host: string | undefined): RouteDecision;
  /** Every host name that reaches `route`, the short `<name>.localhost` first when it does. */
  namesOf(route: Route): string[];
  /** For an ambiguous `api.localhost`: the qualified names it could mean; else `[]`. */
  candidates(host: string): string[];
}

/** `api.shop.localhost` for a stack's service, `api.localhost` for a run or alias. */
export function qualifiedName(route: Route): string {
  return route.kind === 'stack' && route.project
    ? `${route.name}.${route.project}${LOCALHOST_SUFFIX}`
    : `${route.name}${LOCALHOST_SUFFIX}`;
}

function reject(status: 400 | 403, reason: string): RouteDecision {
  return { kind: 'reject', status, reason };
}

/** Builds the name index: run/alias names, qualified stack names, then unambiguous short ones. */
function indexNames(routes: readonly Route[]) {
  const byName = new Map<string, Route>();
  const ambiguous = new Map<string, string[]>();
  // Earlier registrations win a duplicate name; the registry refuses duplicates anyway.
  const claim = (name: string, route: Route) => {
    if (!byName.has(name)) byName.set(name, route);
  };
  for (const route of routes) claim(qualifiedName(route), route);
  const shortOwners = new Map<string, Route[]>();
  for (const route of routes) {
    if (route.kind !== 'stack' || !route.project) continue;
    const short = `${route.name}${LOCALHOST_SUFFIX}`;
    shortOwners.set(short, [...(shortOwners.get(short) ?? []), route]);
  }
  for (const [short, owners] of shortOwners) {
    if (byName.has(short) || short === DASHBOARD_HOST) continue;
    if (owners.length === 1) byName.set(short, owners[0]!);
    else ambiguous.set(short, owners.map(qualifiedName).sort());
  }
  return { byName, ambiguous };
}

/** Indexes `routes` for {@link RouteTable.decide}; O(1) per request after the first of a Host. */
export function createRouteTable(routes: readonly Route[]): RouteTable {
  const { byName, ambiguous } = indexNames(routes);
  const namesByRoute = new Map<Route, string[]>();
  for (const [name, route] of byName) {
    const names = namesByRoute.get(route) ?? [];
    // Shorter names first: `api.localhost` before `api.shop.localhost`.
    names.push(name);
    names.sort((a, b) => a.length - b.length);
    namesByRoute.set(route, names);
  }
  const defaultRoute = (): RouteDecision =>
    routes.length === 1 ? { kind: 'forward', route: routes[0]! } : { kind: 'dashboard' };

  const decideUncached = (header: string | undefined): RouteDecision => {
    const parsed = normaliseHost(header);
    if (!parsed.ok) return reject(400, `Bad Host header: ${parsed.reason}.`);
    const { host } = parsed;
    if (parsed.kind !== 'name') {
      return isLoopbackAddress(host)
        ? defaultRoute()
        : reject(403, `${host} is not a loopback address; the door serves this machine only.`);
    }
    if (host === 'localhost') return defaultRoute();
    if (host === DASHBOARD_HOST) return { kind: 'dashboard' };
    if (host.endsWith(LOCALHOST_SUFFIX)) {
      const route = byName.get(host);
      if (route) return { kind: 'forward', route };
      const candidates = ambiguous.get(host);
      return candidates?.length
        ? { kind: 'unknown', name: host, candidates: [...candidates] }
        : { kind: 'unknown', name: host };
    }
    return reject(
      403,
      `"${host}" is not a name of this machine: the door answers localhost, *.localhost and loopback addresses only (DNS-rebinding defence).`,
    );
  };

  const cache = new Map<string | undefined, RouteDecision>();
  return {
    routes,
    decide(header) {
      let decision = cache.get(header);
      if (decision === undefined) {
        decision = decideUncached(header);
        if (cache.size >= DECISION_CACHE_SIZE) cache.clear();
        cache.set(header, decision);
      }
      return decision;
    },
    namesOf: (route) => [...(namesByRoute.get(route) ?? [])],
    candidates: (host) => [...(ambiguous.get(host) ?? [])],
  };
}

/**
 * The decision for one Host header over `routes`. Builds the index each call: the door keeps
 * a {@link RouteTable} instead and rebuilds it when the registry changes.
 */
export function decideRoute(routes: readonly Route[], host: string | undefined): RouteDecision {
  return createRouteTable(routes).decide(host);
}
