import { readFileSync, statSync } from 'node:fs';
import { isSameProcessAlive } from '../ports/process-liveness.js';
import { type RegistryOptions, routesPath } from './registry.js';
import { parseRouteFile, pruneRoutes } from './route-rules.js';
import { createRouteTable, type RouteTable } from './route-table.js';
import type { Route } from './types.js';

/**
 * The door's view of the registry, cheap enough to ask on every request: the file is
 * `stat`ed at most every {@link ROUTE_CHECK_INTERVAL_MS} and read only when it changed; owners
 * are re-checked for liveness every {@link OWNER_CHECK_INTERVAL_MS} (a `run` killed with
 * SIGKILL cannot unregister, so its route disappears from the door within that time). The
 * route table is rebuilt only when the live routes change.
 */

/** How often the registry file is checked for changes, at most, in ms. */
export const ROUTE_CHECK_INTERVAL_MS = 200;
/** How often route owners are checked for liveness, at most, in ms. */
export const OWNER_CHECK_INTERVAL_MS = 1_000;

/** The live routes at one moment, with their table. */
export interface RouteSnapshot {
  routes: readonly Route[];
  table: RouteTable;
  /** Grows by one whenever the live routes change. */
  version: number;
}

/** Options of {@link createRouteWatcher}; all optional. */
export interface RouteWatcherOptions extends RegistryOptions {
  /** Default {@link ROUTE_CHECK_INTERVAL_MS}; 0 checks on every call. */
  checkIntervalMs?: number;
  /** Default {@link OWNER_CHECK_INTERVAL_MS}; 0 checks on every call. */
  ownerCheckIntervalMs?: number;
  /** Clock in ms. Default `performance.now`. */
  now?: () => number;
}

/** Keeps a current {@link RouteSnapshot} of the registry for a hot path. */
export interface RouteWatcher {
  /** The live routes now; re-reads only when due and changed. */
  snapshot(): RouteSnapshot;
  /** Forgets the timers so the next {@link snapshot} checks the file and owners at once. */
  refresh(): void;
}

/** Identity of the file's current version; a new inode per atomic rename makes changes visible. */
function fileStamp(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}

function readAll(path: string): Route[] {
  try {
    return parseRouteFile(readFileSync(path, 'utf8')) ?? [];
  } catch {
    return [];
  }
}

function sameRoutes(a: readonly Route[], b: readonly Route[]): boolean {
  return a.length === b.length && a.every((route, i) => route === b[i]);
}

/** Watches `routes.json` in `stateDir` by polling on demand (no timers, no fs.watch). */
export function createRouteWatcher(
  stateDir: string,
  options: RouteWatcherOptions = {},
): RouteWatcher {
  const path = routesPath(stateDir);
  const now = options.now ?? (() => performance.now());
  const checkEvery = options.checkIntervalMs ?? ROUTE_CHECK_INTERVAL_MS;
  const ownersEvery = options.ownerCheckIntervalMs ?? OWNER_CHECK_INTERVAL_MS;
  const isAlive =
    options.isAlive ?? ((owner: { pid: number }) => isSameProcessAlive(owner, options.procRoot));
  let stamp: string | undefined;
  let stored: Route[] = [];
  let checkedAt = Number.NEGATIVE_INFINITY;
  let ownersAt = Number.NEGATIVE_INFINITY;
  let current: RouteSnapshot = { routes: [], table: createRouteTable([]), version: 0 };

  return {
    snapshot() {
      const t = now();
      if (t - checkedAt < checkEvery) return current;
      checkedAt = t;
      const next = fileStamp(path);
      const changed = next !== stamp;
      if (changed) {
        stamp = next;
        stored = readAll(path);
      }
      if (!changed && t - ownersAt < ownersEvery) return current;
      ownersAt = t;
      const live = pruneRoutes(stored, isAlive);
      if (!sameRoutes(live, current.routes)) {
        current = { routes: live, table: createRouteTable(live), version: current.version + 1 };
      }
      return current;
    },
    refresh() {
      checkedAt = Number.NEGATIVE_INFINITY;
      ownersAt = Number.NEGATIVE_INFINITY;
    },
  };
}
