import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { identifyProcess, isSameProcessAlive } from '../ports/process-liveness.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { withFileLock } from '../state/file-lock.js';
import {
  formatRouteFile,
  mergeRoutes,
  parseRouteFile,
  pruneRoutes,
  validateRoute,
} from './route-rules.js';
import type { Route } from './types.js';

/**
 * The route registry: `routes.json` in the state directory, shared by every portier process
 * on the machine (each `portier up`, `run` and `alias`, and the door that reads it). Changes
 * take a lock file and write atomically; routes of owners that ended (pid and start time, so
 * a reused pid does not keep them) are pruned on every change; a damaged file is kept aside
 * as `routes.json.corrupt-<ms>`, never silently overwritten.
 */

/** File name of the registry inside the state directory. */
export const ROUTES_FILE = 'routes.json';

/** Options of the registry functions; all optional. */
export interface RegistryOptions {
  /** Where Linux process start times are read. Default `/proc`. */
  procRoot?: string;
  /** Whether an owner still runs. Default: same pid and start time ({@link isSameProcessAlive}). */
  isAlive?: (owner: NonNullable<Route['owner']>) => boolean;
}

/** Which routes {@link unregisterRoutes} removes: those `match` accepts, or those of a process. */
export type RouteSelector = ((route: Route) => boolean) | { pid: number };

/** The path of `routes.json` in `stateDir`. */
export function routesPath(stateDir: string): string {
  return join(stateDir, ROUTES_FILE);
}

function aliveCheck(options: RegistryOptions) {
  return (
    options.isAlive ?? ((owner: { pid: number }) => isSameProcessAlive(owner, options.procRoot))
  );
}

/** Reads the file for a change: missing is empty; damaged is moved aside and read as empty. */
function readForChange(path: string): Route[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const routes = parseRouteFile(text);
  if (routes) return routes;
  renameSync(path, `${path}.corrupt-${Date.now()}`);
  return [];
}

/**
 * Runs `change` on the live routes under the registry lock and stores what it returns. Routes
 * of dead owners are pruned first.
 */
export async function updateRoutes<T>(
  stateDir: string,
  change: (routes: Route[]) => { routes: Route[]; result: T },
  options: RegistryOptions = {},
): Promise<T> {
  const path = routesPath(stateDir);
  return withFileLock(`${path}.lock`, () => {
    const live = pruneRoutes(readForChange(path), aliveCheck(options));
    const { routes, result } = change(live);
    writeFileAtomic(path, formatRouteFile(routes));
    return result;
  });
}

/** Fills in the owner's start time when the caller gave only a pid, so pid reuse is caught. */
function withOwnerIdentity(route: Route, procRoot: string | undefined): Route {
  if (!route.owner || route.owner.startTime !== undefined) return route;
  const identity = identifyProcess(route.owner.pid, procRoot);
  if (identity?.startTime === undefined) return route;
  return { ...route, owner: { pid: route.owner.pid, startTime: identity.startTime } };
}

/**
 * Adds `routes` to the registry and resolves with them as stored (owner start times filled
 * in). A route replaces the one of the same host name and owner; a name that another live
 * owner holds (another `run`, an alias, the same project run from elsewhere) throws
 * `INVALID_OPTION` naming the holder, and nothing is stored. Invalid names or upstreams throw
 * `INVALID_OPTION` too.
 */
export async function registerRoutes(
  stateDir: string,
  routes: readonly Route[],
  options: RegistryOptions = {},
): Promise<Route[]> {
  for (const route of routes) validateRoute(route);
  const stored = routes.map((route) => withOwnerIdentity(route, options.procRoot));
  return updateRoutes(
    stateDir,
    (live) => ({ routes: mergeRoutes(live, stored), result: stored }),
    options,
  );
}

/** Removes the routes `selector` picks (every route of a pid, or a predicate's); resolves with how many. */
export async function unregisterRoutes(
  stateDir: string,
  selector: RouteSelector,
  options: RegistryOptions = {},
): Promise<number> {
  const match =
    typeof selector === 'function' ? selector : (route: Route) => route.owner?.pid === selector.pid;
  return updateRoutes(
    stateDir,
    (live) => {
      const kept = live.filter((route) => !match(route));
      return { routes: kept, result: live.length - kept.length };
    },
    options,
  );
}

/** The live routes, in registration order; prunes dead owners from the file while at it. */
export async function listRoutes(
  stateDir: string,
  options: RegistryOptions = {},
): Promise<Route[]> {
  return updateRoutes(stateDir, (routes) => ({ routes, result: routes }), options);
}

/**
 * The live routes without taking the lock or writing: for readers on a hot path (the door).
 * Atomic writes mean the file is always whole; a damaged or missing file reads as no routes
 * (the next change moves a damaged one aside).
 */
export function readRoutes(stateDir: string, options: RegistryOptions = {}): Route[] {
  let text: string;
  try {
    text = readFileSync(routesPath(stateDir), 'utf8');
  } catch {
    return [];
  }
  return pruneRoutes(parseRouteFile(text) ?? [], aliveCheck(options));
}
