/**
 * The front door's model: routes (name → loopback upstream), what a Host header decides, and
 * what the door needs to know about a routed service's state. Shared by the registry, the
 * route table, the server and the CLI.
 */

/** The front door's port on 127.0.0.1 and ::1. */
export const DOOR_PORT = 57573;

/** Where a route's traffic goes: the address the service really listens on. */
export interface Upstream {
  /** `127.0.0.1` or `::1`, never a name. */
  address: string;
  port: number;
}

/** Who registered a route. */
export type RouteKind =
  /** A service of a stack run by `portier up`. */
  | 'stack'
  /** One app run by `portier run <name> -- cmd`. */
  | 'run'
  /** Something portier does not run, named by `portier alias <name> <port>`. */
  | 'alias';

/** One named route. */
export interface Route {
  /** The service or app name: `api`. */
  name: string;
  /** The stack's project name (`shop`), for `api.shop.localhost`; absent for run/alias. */
  project?: string;
  kind: RouteKind;
  upstream: Upstream;
  /** The process that owns the route; the route dies with it (aliases have none). */
  owner?: { pid: number; startTime?: number };
  /** Control socket of the owning supervisor, for the service's state and log tail. */
  control?: string;
  /** Epoch ms of registration. */
  since: number;
}

/** What the door does with a request, decided from its Host header alone. */
export type RouteDecision =
  /** Forward to this route. */
  | { kind: 'forward'; route: Route }
  /** `portier.localhost`, or a bare address with no single served app: the dashboard. */
  | { kind: 'dashboard' }
  /**
   * A `*.localhost` name nothing is registered under: 404 page listing the live routes. When
   * the short name is held by several projects, `candidates` are their full names.
   */
  | { kind: 'unknown'; name: string; candidates?: string[] }
  /** Not a name of this machine (DNS rebinding), malformed or missing Host: refused. */
  | { kind: 'reject'; status: 400 | 403 | 421; reason: string };

/** A routed service's state as the door needs it to hold, serve or explain. */
export interface RouteHealth {
  /** `starting`/`backoff`/`waiting`: hold requests; `healthy`: serve; others: status page. */
  state: string;
  exitCode?: number | null;
  signal?: string | null;
  reason?: string;
  /** The service's last lines of output, for the status page. */
  lastLines?: string[];
}
