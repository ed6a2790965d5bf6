import { isIP } from 'node:net';
import { PortierError } from '../errors.js';
import { isLoopbackAddress } from '../net/exposure.js';
import { isDnsLabel } from './route-host.js';
import { qualifiedName, RESERVED_ROUTE_NAMES } from './route-table.js';
import type { Route } from './types.js';

/**
 * What the registry accepts: valid names and upstreams, and one owner per host name. Pure:
 * liveness is decided by the caller and passed in.
 */

/**
 * The error code of a name another live owner holds. `INVALID_OPTION` (exit 2) until a
 * dedicated code exists: the fix is in the caller's hands (another name, or stop the owner).
 */
export const ROUTE_NAME_TAKEN_CODE = 'ROUTE_NAME_TAKEN' as const;

/** Throws `INVALID_OPTION` unless `name` can be a run or alias name: one DNS label, not reserved. */
export function validateRouteName(name: string, what = 'name'): void {
  if (!isDnsLabel(name)) {
    const suggestion = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63);
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid ${what} "${name}": it becomes a host name label, so it must be 1–63 lowercase letters, digits or "-", not starting or ending with "-".`,
      { hint: suggestion ? `Try "${suggestion}".` : 'Use a name like "api" or "web-2".' },
    );
  }
  if (RESERVED_ROUTE_NAMES.has(name)) {
    throw new PortierError(
      'INVALID_OPTION',
      `The ${what} "${name}" is reserved: ${name}.localhost is the dashboard.`,
      { hint: 'Choose another name.' },
    );
  }
}

/** Throws `INVALID_OPTION` when `route` cannot be stored: bad names, kind or upstream. */
export function validateRoute(route: Route): void {
  if (route.kind === 'stack') {
    if (!isDnsLabel(route.name)) validateRouteName(route.name, 'service name');
    if (!route.project || !isDnsLabel(route.project))
      validateRouteName(route.project ?? '', 'project name');
  } else if (route.kind === 'run' || route.kind === 'alias') {
    validateRouteName(route.name);
  } else {
    throw new PortierError('INVALID_OPTION', `Unknown route kind "${String(route.kind)}".`);
  }
  const { address, port } = route.upstream;
  if (isIP(address) === 0 || !isLoopbackAddress(address)) {
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid upstream address "${address}" for ${route.name}: expected a loopback address such as 127.0.0.1 or ::1.`,
      { host: address },
    );
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid upstream port ${port} for ${route.name}: expected 1–65535.`,
    );
  }
}

/** True when two routes belong to the same owner (the same process, or both ownerless aliases). */
export function sameOwner(a: Route, b: Route): boolean {
  if (!a.owner || !b.owner) return !a.owner && !b.owner;
  if (a.owner.pid !== b.owner.pid) return false;
  const [x, y] = [a.owner.startTime, b.owner.startTime];
  return x === undefined || y === undefined || x === y;
}

function takenError(name: string, holder: Route): PortierError {
  if (!holder.owner) {
    return new PortierError(
      ROUTE_NAME_TAKEN_CODE,
      `${name} is already an alias for ${holder.upstream.address} port ${holder.upstream.port}.`,
      {
        port: holder.upstream.port,
        hint: `Remove it first: \`portier alias ${holder.name} --remove\`.`,
      },
    );
  }
  const what = holder.kind === 'stack' ? `the stack ${holder.project}` : 'portier run';
  return new PortierError(
    ROUTE_NAME_TAKEN_CODE,
    `${name} is already taken by ${what} (pid ${holder.owner.pid}).`,
    { pid: holder.owner.pid, hint: `Choose another name, or stop pid ${holder.owner.pid} first.` },
  );
}

/**
 * The registry after adding `incoming` to the live `existing` routes: a route replaces the one
 * with the same host name and the same owner (re-registering updates the upstream); a name
 * held by another owner throws, with who holds it. `incoming` must be validated.
 */
export function mergeRoutes(existing: readonly Route[], incoming: readonly Route[]): Route[] {
  const fresh = new Map<string, Route>();
  for (const route of incoming) {
    const name = qualifiedName(route);
    if (fresh.has(name)) {
      throw new PortierError(ROUTE_NAME_TAKEN_CODE, `${name} is given twice in one registration.`);
    }
    fresh.set(name, route);
  }
  const kept: Route[] = [];
  for (const route of existing) {
    const replacement = fresh.get(qualifiedName(route));
    if (!replacement) kept.push(route);
    else if (!sameOwner(route, replacement)) throw takenError(qualifiedName(route), route);
  }
  return [...kept, ...fresh.values()];
}

/** Keeps routes without an owner (aliases) and those whose owner `isAlive`; asks once per owner. */
export function pruneRoutes(
  routes: readonly Route[],
  isAlive: (owner: NonNullable<Route['owner']>) => boolean,
): Route[] {
  const verdicts = new Map<string, boolean>();
  return routes.filter((route) => {
    if (!route.owner) return true;
    const key = `${route.owner.pid}/${route.owner.startTime ?? ''}`;
    let alive = verdicts.get(key);
    if (alive === undefined) {
      alive = isAlive(route.owner);
      verdicts.set(key, alive);
    }
    return alive;
  });
}

/** Reads `routes.json` text; anything that is not a valid route file yields `undefined`. */
export function parseRouteFile(text: string): Route[] | undefined {
  try {
    const data = JSON.parse(text) as { version?: unknown; routes?: unknown };
    if (data.version !== 1 || !Array.isArray(data.routes)) return undefined;
    return data.routes.filter(
      (r: Partial<Route>): r is Route =>
        typeof r?.name === 'string' &&
        typeof r.kind === 'string' &&
        typeof r.upstream?.address === 'string' &&
        typeof r.upstream.port === 'number' &&
        (r.owner === undefined || typeof r.owner.pid === 'number'),
    );
  } catch {
    return undefined;
  }
}

/** The text of `routes.json` for `routes`. */
export function formatRouteFile(routes: readonly Route[]): string {
  return `${JSON.stringify({ version: 1, routes }, null, 1)}\n`;
}
