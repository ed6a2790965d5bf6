/**
 * The front door: one node:http server per loopback address (127.0.0.1 and ::1, one port),
 * strict parser, tight timeouts and a connection cap, routing by Host to the upstreams it is
 * told about. The registry, route table and service states come in through {@link DoorOptions}.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PortierError } from '../errors.js';
import { BindError, type BoundAddress, bindServers } from '../serve/bind-servers.js';
import { createDoorHandlers, type DoorHandlers } from './door-handler.js';
import { type DoorOptions, type ResolvedDoorOptions, resolveDoorOptions } from './door-options.js';
import { createUpstreamPool } from './upstream-pool.js';

export type { DoorOptions } from './door-options.js';

/** A running front door. */
export interface RunningDoor {
  /** Where it listens: `127.0.0.1` and `::1` (when IPv6 is on), one port. */
  addresses: { address: string; port: number }[];
  /** The port, the same on every address. */
  port: number;
  /** This door's id, the value of the `x-portier-door` header it adds (loop guard). */
  id: string;
  /** Upstream connections open now, busy and idle (for status output and tests). */
  readonly upstreamConnections: number;
  /** Stops listening and destroys every connection: clients, upstreams, tunnels, held requests. */
  close(): Promise<void>;
}

/**
 * Largest response head accepted from an upstream, bytes: above Node's 16 KiB default, since
 * dev servers send long CSP and Set-Cookie headers; the syntax stays strict.
 */
const UPSTREAM_MAX_HEADER_BYTES = 64 * 1024;

/** Attempts at port 0 when the port 127.0.0.1 got is taken on ::1. */
const ANY_PORT_ATTEMPTS = 10;

function createDoorHttpServer(options: ResolvedDoorOptions, handlers: DoorHandlers): Server {
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // Node checks those timeouts on this period (default 30 s): too slow to cut a slowloris.
      connectionsCheckingInterval: Math.min(
        1_000,
        Math.max(50, Math.floor(options.headersTimeoutMs / 4)),
      ),
      maxHeaderSize: options.maxHeaderBytes,
      insecureHTTPParser: false,
      // The door answers a missing Host itself (400 with its page), after `decide`.
      requireHostHeader: false,
      noDelay: true,
    },
    handlers.request,
  );
  server.on('upgrade', handlers.upgrade);
  server.on('connect', handlers.connect);
  server.on('clientError', handlers.clientError);
  return server;
}

/**
 * Caps client connections over all servers: Node closes a new connection in its accept path
 * once a server holds `maxConnections`, so each server's limit is kept at the cap minus what
 * the others hold. (0 means "no limit" to Node, hence at least 1 and the check below.)
 */
function capConnections(servers: readonly Server[], cap: number): void {
  const open = servers.map(() => 0);
  let total = 0;
  const update = () => {
    servers.forEach((server, i) => {
      server.maxConnections = Math.max(1, cap - (total - open[i]!));
    });
  };
  servers.forEach((server, i) => {
    server.on('connection', (socket: Duplex) => {
      if (total >= cap) return void socket.destroy();
      open[i]! += 1;
      total += 1;
      update();
      socket.once('close', () => {
        open[i]! -= 1;
        total -= 1;
        update();
      });
    });
  });
  update();
}

function bindFailed(error: unknown, hosts: readonly string[], port: number): PortierError {
  const code = error instanceof BindError ? error.code : 'EUNKNOWN';
  const host = error instanceof BindError ? error.host : hosts.join(' and ');
  if (code === 'EADDRINUSE')
    return new PortierError('PORT_IN_USE', `The front door's port ${port} on ${host} is taken.`, {
      port,
      host,
      hint: `Another front door may be running (\`portier door status\`); or see who holds it with \`portier who ${port}\`.`,
      cause: error,
    });
  return new PortierError(
    'SERVE_BIND_FAILED',
    `The front door cannot listen on ${host}:${port} (${code}).`,
    {
      port,
      host,
      cause: error,
    },
  );
}

async function bindDoor(servers: Server[], hosts: string[], port: number): Promise<BoundAddress[]> {
  // ::1 is skipped where IPv6 is off; 127.0.0.1 alone still serves every *.localhost name.
  const optional = (host: string, code: string) =>
    hosts.length > 1 && host === '::1' && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT');
  for (let attempt = 1; ; attempt++) {
    try {
      return await bindServers(servers, hosts, port, optional);
    } catch (error) {
      const taken = error instanceof BindError && error.code === 'EADDRINUSE';
      if (port === 0 && taken && attempt < ANY_PORT_ATTEMPTS) continue;
      throw bindFailed(error, hosts, port);
    }
  }
}

/**
 * Starts the front door on `options.hosts` (127.0.0.1 and ::1) and `options.port` (57573).
 * Throws `PORT_IN_USE` when the port is taken, `SERVE_BIND_FAILED` for any other bind error,
 * `INVALID_OPTION` for a bad option.
 */
export async function startDoor(options: DoorOptions): Promise<RunningDoor> {
  const resolved = resolveDoorOptions(options);
  const id = randomBytes(8).toString('hex');
  const pool = createUpstreamPool({
    maxIdlePerUpstream: resolved.maxIdlePerUpstream,
    idleTimeoutMs: resolved.upstreamIdleTimeoutMs,
    maxHeaderBytes: UPSTREAM_MAX_HEADER_BYTES,
  });
  const closing = new AbortController();
  const tracked = new Set<Duplex>();
  let port = resolved.port;
  const handlers = createDoorHandlers({
    options: resolved,
    doorId: id,
    pool,
    port: () => port,
    closing: closing.signal,
    track(sockets) {
      for (const socket of sockets) tracked.add(socket);
      return () => {
        for (const socket of sockets) tracked.delete(socket);
      };
    },
  });
  const servers = resolved.hosts.map(() => createDoorHttpServer(resolved, handlers));
  capConnections(servers, resolved.maxConnections);
  const bound = await bindDoor(servers, resolved.hosts, resolved.port);
  port = bound[0]!.port;
  const live = servers.filter((server) => server.listening);
  return {
    addresses: bound.map((b) => ({ address: b.address, port: b.port })),
    port,
    id,
    get upstreamConnections() {
      return pool.size;
    },
    async close() {
      closing.abort();
      const closed = Promise.all(
        live.map((server) => new Promise((resolve) => server.close(resolve))),
      );
      for (const server of live) server.closeAllConnections();
      for (const socket of tracked) socket.destroy();
      tracked.clear();
      pool.destroy();
      await closed;
    },
  };
}
