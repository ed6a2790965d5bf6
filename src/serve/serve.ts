import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import type { Duplex } from 'node:stream';
import { PortierError } from '../errors.js';
import { isLoopbackAddress } from '../net/exposure.js';
import { type PortHolders, whoHolds } from '../sockets/who-holds.js';
import type { AccessLogEntry } from './access-log.js';
import { BindError, type BoundAddress, bindServers } from './bind-servers.js';
import { type TreeWatch, watchTree } from './file-watcher.js';
import { isAllowedHost } from './host-guard.js';
import { createLiveReload, type LiveReload } from './live-reload.js';
import { createPathProxy, type PathProxy, type ProxyRoute } from './path-proxy.js';
import { createStaticHandler, type StaticHandlerOptions } from './static-handler.js';

/** The seed's address: http://127.0.0.1:57573. */
export const DEFAULT_SERVE_PORT = 57573;
/** How long in-flight requests may take to finish on close, in ms. */
const CLOSE_GRACE_MS = 10_000;
/** How many following ports are tried when the wanted one is taken. */
const PORT_ATTEMPTS = 20;

/** Options of {@link serve}; all optional. */
export interface ServeOptions
  extends Omit<StaticHandlerOptions, 'root' | 'boundAddresses' | 'injectHtml' | 'watched'> {
  /** Folder to serve. Default: the current directory. */
  root?: string;
  /** Port. Default 57573; 0 picks any. */
  port?: number;
  /** Bind this host only, instead of 127.0.0.1 and ::1. */
  host?: string;
  /** Fail instead of moving to the next port when the port is taken. */
  strictPort?: boolean;
  /** Live reload for HTML pages. Default true. */
  reload?: boolean;
  /** Path prefixes forwarded to backends. */
  proxy?: readonly ProxyRoute[];
  /** Called once per finished request. */
  log?: (entry: AccessLogEntry) => void;
  /** Called when the wanted port is taken and the server moves on. */
  onPortTaken?: (port: number, holders: PortHolders) => void;
  /** Cut off clients that have not sent their headers after this many ms. Default 10 000. */
  headersTimeoutMs?: number;
}

/** A running server. */
export interface RunningServer {
  port: number;
  addresses: BoundAddress[];
  /** `http://127.0.0.1:57573/`, `http://[::1]:57573/`. */
  urls: string[];
  /** Why live reload is off although it was asked for (a watcher error), if it is. */
  readonly reloadError: string | undefined;
  /** Stops accepting, lets in-flight requests finish, then closes everything. */
  close(): Promise<void>;
}

function urlOf(a: BoundAddress): string {
  return `http://${a.family === 'ipv6' ? `[${a.address}]` : a.address}:${a.port}/`;
}

function createRequestHandler(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  log: ServeOptions['log'],
) {
  if (!log) return handle;
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    // Bytes on the wire for this response (headers included): the socket count survives
    // keep-alive reuse, and writeHead(headers) leaves nothing for getHeader() to read.
    const before = req.socket.bytesWritten;
    res.once('finish', () => {
      const bytes = req.socket.bytesWritten - before;
      log({
        time: Date.now(),
        method: req.method ?? '?',
        path: req.url ?? '',
        status: res.statusCode,
        bytes,
        ms: performance.now() - started,
      });
    });
    handle(req, res);
  };
}

function bindFailed(error: unknown, hosts: string[], port: number): PortierError {
  const code = error instanceof BindError ? error.code : 'EUNKNOWN';
  const hint =
    code === 'EACCES'
      ? `Ports below 1024 need privilege; use --port ${DEFAULT_SERVE_PORT}.`
      : 'Check the address with `ip addr`, or run `portier doctor`.';
  return new PortierError(
    'SERVE_BIND_FAILED',
    `Cannot listen on ${hosts.join(' and ')} port ${port}: ${code}.`,
    { port, hint, cause: error },
  );
}

async function portTaken(port: number, hosts: string[]): Promise<PortierError> {
  const holders = await whoHolds(port);
  const p = holders.listeners.flatMap((l) => l.processes)[0];
  const who = p
    ? `${p.name ?? 'a process'} (pid ${p.pid}${p.command ? `, \`${p.command}\`` : ''})`
    : 'a process this user cannot see';
  return new PortierError(
    'PORT_IN_USE',
    `Port ${port} on ${hosts.join(' and ')} is held by ${who}.`,
    {
      port,
      hint: `Stop it with \`portier kill ${port}\`, or run without --strict-port to move to the next free port.`,
    },
  );
}

async function bindWithFallback(
  servers: Server[],
  hosts: string[],
  options: ServeOptions,
): Promise<BoundAddress[]> {
  const first = options.port ?? DEFAULT_SERVE_PORT;
  const optional = (host: string, code: string) =>
    hosts.length > 1 && host === '::1' && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT');
  for (let attempt = 0, port = first; ; attempt++, port = first === 0 ? 0 : port + 1) {
    try {
      return await bindServers(servers, hosts, port, optional);
    } catch (error) {
      if (!(error instanceof BindError) || error.code !== 'EADDRINUSE')
        throw bindFailed(error, hosts, port);
      // Port 0: the port 127.0.0.1 got may be taken on ::1; try another.
      if (first === 0 && attempt < PORT_ATTEMPTS) continue;
      if (options.strictPort || attempt >= PORT_ATTEMPTS || port >= 65535)
        throw await portTaken(port, hosts);
      options.onPortTaken?.(port, await whoHolds(port));
    }
  }
}

/**
 * Serves a folder on 127.0.0.1 and ::1 (port 57573 by default; the next free one when taken,
 * unless `strictPort`), with live reload, path proxies and an access log callback.
 */
export async function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const root = resolvePath(options.root ?? '.');
  const hosts = options.host ? [options.host] : ['127.0.0.1', '::1'];
  let addresses: BoundAddress[] = [];
  // Set once bound; the Host check reads it on every request.
  let boundHosts: string[] = [];
  const reload: LiveReload | undefined =
    options.reload === false ? undefined : createLiveReload({ root });
  const files = createStaticHandler({
    ...options,
    root,
    watched: () => watching(),
    injectHtml: reload ? (html) => reload.inject(html) : undefined,
    boundAddresses: () => boundHosts,
  });
  reload?.onChange((path) => files.invalidate(path));
  // Without live reload a watcher still keeps the file cache fresh, so requests need no stat.
  let treeWatch: TreeWatch | undefined;
  let watchBroken = false;
  if (!reload) {
    try {
      treeWatch = watchTree(
        root,
        (path) => files.invalidate(path),
        () => {
          watchBroken = true;
          files.invalidate();
        },
      );
    } catch {
      treeWatch = undefined;
    }
  }
  function watching(): boolean {
    return reload ? reload.lastError === undefined : treeWatch !== undefined && !watchBroken;
  }
  const proxy: PathProxy | undefined = options.proxy?.length
    ? createPathProxy({ routes: [...options.proxy] })
    : undefined;
  const handle = createRequestHandler((req, res) => {
    // The Host check guards every route (live reload and proxies too), not only files.
    if (!isAllowedHost(req.headers.host, boundHosts)) return files.handle(req, res);
    if (reload?.handle(req, res)) return;
    const route = proxy?.match((req.url ?? '/').split('?')[0]!);
    if (route) return proxy!.handle(req, res, route);
    files.handle(req, res);
  }, options.log);
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const servers = hosts.map(() => {
    const server = createServer(
      {
        headersTimeout,
        requestTimeout: 60_000,
        keepAliveTimeout: 5_000,
        // Node checks the timeouts on this period (default 30 s): too slow to cut a slow client.
        connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeout / 4))),
      },
      handle,
    );
    server.on('clientError', (_error, socket: Duplex) => {
      if (socket.writable)
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
      // WebSockets get the same DNS-rebinding defence as requests.
      if (!isAllowedHost(req.headers.host, boundHosts)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const route = proxy?.match((req.url ?? '/').split('?')[0]!);
      if (route) return proxy!.upgrade(req, socket, head, route);
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    return server;
  });
  try {
    addresses = await bindWithFallback(servers, hosts, options);
    boundHosts = addresses.map((a) => a.address);
  } catch (error) {
    await reload?.close();
    treeWatch?.close();
    proxy?.close();
    throw error;
  }
  const live = servers.filter((s) => s.listening);
  return {
    port: addresses[0]!.port,
    addresses,
    urls: addresses.map(urlOf),
    get reloadError() {
      return reload?.lastError?.message;
    },
    async close() {
      const closed = Promise.all(live.map((s) => new Promise((r) => s.close(r))));
      for (const s of live) s.closeIdleConnections();
      await reload?.close();
      treeWatch?.close();
      // In-flight requests (proxied ones too) get a grace period; a client that never finishes
      // does not hold us. The proxy closes last so requests in flight through it complete.
      const force = setTimeout(() => {
        for (const s of live) s.closeAllConnections();
      }, CLOSE_GRACE_MS);
      force.unref();
      await closed;
      clearTimeout(force);
      proxy?.close();
    },
  };
}

/** True when every bound address is loopback (nothing beyond this machine can connect). */
export function isLoopbackOnly(addresses: readonly BoundAddress[]): boolean {
  return addresses.every((a) => isLoopbackAddress(a.address));
}
