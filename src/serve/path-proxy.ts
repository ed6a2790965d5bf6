import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { PortierError } from '../errors.js';
import { type BackendDialer, createBackendDialer } from './backend-dial.js';
import { forwardHttp } from './forward-http.js';
import {
  backendAddress,
  matchProxyRoute,
  type ProxyRoute,
  validateProxyRoutes,
} from './proxy-route.js';
import { openUpgradeTunnel } from './upgrade-tunnel.js';

export type { ProxyRoute } from './proxy-route.js';
export { parseProxyRoute } from './proxy-route.js';

/** Default for {@link PathProxyOptions.timeoutMs}: 30 s. */
export const PROXY_TIMEOUT_MS = 30_000;
/** Default for {@link PathProxyOptions.connectTimeoutMs}: 5 s. */
export const PROXY_CONNECT_TIMEOUT_MS = 5_000;

/** Options for {@link createPathProxy}. */
export interface PathProxyOptions {
  /** Prefixes and their backends; two routes may not share a prefix. */
  routes: ProxyRoute[];
  /**
   * Once connected, how long the backend may stay silent before its response headers (for an
   * upgrade: its first byte) before the client gets a 504, ms; default 30000
   * ({@link PROXY_TIMEOUT_MS}). A response that has started streams for as long as it lasts.
   */
  timeoutMs?: number;
  /** How long a new connection to the backend may take before a 504, ms; default 5000. */
  connectTimeoutMs?: number;
  /**
   * Extra CA certificates (PEM) trusted for https/wss backends, on top of Node's bundled ones
   * (a dev CA such as mkcert's, or the backend's self-signed certificate); default none.
   */
  ca?: string | Buffer | (string | Buffer)[];
  /**
   * Opens every backend connection, for HTTP and upgrades alike; default TCP, or TLS (with
   * `ca`) for https/wss, to the address exactly as written in the route.
   */
  dial?: BackendDialer;
}

/** Forwards requests under path prefixes to backends; built by {@link createPathProxy}. */
export interface PathProxy {
  /**
   * The route for a request path: the longest covering prefix wins (`/api` covers `/api` and
   * `/api/x`, not `/apix`); undefined when no route covers it. A query (`?…`) is ignored.
   */
  match(pathname: string): ProxyRoute | undefined;
  /**
   * Forwards an HTTP request and streams the response back. Never throws: a backend that
   * refuses or cannot be reached gets a 502 page naming the backend, the prefix and the errno
   * (HTML when the client accepts it, plain text otherwise), a timeout a 504. A backend that
   * dies mid-response destroys the client connection; a client that leaves destroys the
   * backend request.
   */
  handle(req: IncomingMessage, res: ServerResponse, route: ProxyRoute): void;
  /**
   * Tunnels an Upgrade request (WebSocket or any other) to the route's backend, `head` first.
   * On failure before the backend answers, writes a minimal HTTP 502/504 on `socket` and closes
   * it. Never throws.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, route: ProxyRoute): void;
  /**
   * Destroys the keep-alive agents (and the requests they carry) and every open tunnel. Later
   * requests get a 503 page without dialling the backend.
   */
  close(): void;
}

/** Throws `INVALID_OPTION` unless `value` is a whole number of ms from 1 to 2^31-1. */
function validateTimeout(name: string, value: number): number {
  // setTimeout fires at once for anything above 2^31-1 ms (about 24.8 days).
  if (!Number.isInteger(value) || value < 1 || value > 2 ** 31 - 1)
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid proxy ${name} ${String(value)}: expected whole milliseconds from 1 to 2147483647.`,
    );
  return value;
}

/**
 * Builds the path proxy for `portier serve --proxy`. Throws `INVALID_OPTION` when a route is
 * malformed, two routes share a prefix, or a timeout is not a whole number of ms above 0. Backends are dialled exactly as their URL says;
 * proxy environment variables are never read.
 */
export function createPathProxy(options: PathProxyOptions): PathProxy {
  validateProxyRoutes(options.routes);
  const routes = [...options.routes];
  const timeoutMs = validateTimeout('timeoutMs', options.timeoutMs ?? PROXY_TIMEOUT_MS);
  const connectTimeoutMs = validateTimeout(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? PROXY_CONNECT_TIMEOUT_MS,
  );
  const dial = options.dial ?? createBackendDialer(options.ca ? { ca: options.ca } : {});
  const agents = new Map<string, Agent>();
  const tunnels = new Set<Duplex[]>();
  let closed = false;
  const isClosed = () => closed;

  /** One keep-alive agent per backend scheme, host and port, dialling through `dial`. */
  const agentFor = (route: ProxyRoute): Agent => {
    const address = backendAddress(route.target);
    const key = `${address.secure ? 'https' : 'http'}|${address.host}|${address.port}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = new Agent({ keepAlive: true });
      agent.createConnection = () => dial(address);
      agents.set(key, agent);
    }
    return agent;
  };

  return {
    match: (pathname) => matchProxyRoute(routes, pathname),
    handle(req, res, route) {
      const agent = () => agentFor(route);
      forwardHttp(req, res, route, { agent, timeoutMs, connectTimeoutMs, isClosed });
    },
    upgrade(req, socket, head, route) {
      const track = (sockets: Duplex[]) => {
        tunnels.add(sockets);
        return () => tunnels.delete(sockets);
      };
      openUpgradeTunnel(req, socket, head, route, {
        timeoutMs,
        connectTimeoutMs,
        isClosed,
        track,
        dial,
      });
    },
    close() {
      closed = true;
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
      for (const sockets of tunnels) for (const socket of sockets) socket.destroy();
      tunnels.clear();
    },
  };
}
