import {
  type Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
} from 'node:http';
import { onTestFinished } from 'vitest';
import {
  createPathProxy,
  type PathProxy,
  type PathProxyOptions,
} from '../../src/serve/path-proxy.js';
import { parseProxyRoute } from '../../src/serve/proxy-route.js';
import { startEchoServer } from '../helpers/echo-server.js';
import { listen } from '../helpers/servers.js';

export type { EchoedRequest } from '../helpers/echo-server.js';

/**
 * A node:http backend answering every request with JSON describing it, plus hop-by-hop headers
 * of its own (`Connection: keep-alive, X-Hop-Response`, `X-Hop-Response`, `Keep-Alive: timeout=99`,
 * `Proxy-Authenticate`) and two Set-Cookie headers. Records each request.
 */
export function startEchoBackend(host = '127.0.0.1') {
  return startEchoServer(host, () => ({
    status: 200,
    message: 'Echoed',
    headers: [
      'Content-Type',
      'application/json',
      'Connection',
      'keep-alive, X-Hop-Response',
      'X-Hop-Response',
      'secret',
      'Keep-Alive',
      'timeout=99',
      'Proxy-Authenticate',
      'Basic realm="x"',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'X-End-To-End',
      'kept',
    ],
  }));
}

/** Starts a node:http server that sends matching paths and upgrades through a path proxy. */
export async function startProxy(
  routes: string[] | PathProxyOptions['routes'],
  options: Omit<PathProxyOptions, 'routes'> = {},
): Promise<{ port: number; proxy: PathProxy; server: Server }> {
  const parsed = routes.map((route) =>
    typeof route === 'string' ? parseProxyRoute(route) : route,
  );
  const proxy = createPathProxy({ ...options, routes: parsed });
  onTestFinished(() => proxy.close());
  const server = createServer((req, res) => {
    const route = proxy.match((req.url ?? '/').split('?')[0]!);
    if (route) proxy.handle(req, res, route);
    else res.writeHead(404).end('not proxied');
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const route = proxy.match((req.url ?? '/').split('?')[0]!);
    if (route) proxy.upgrade(req, socket, head, route);
    else socket.destroy();
  });
  const port = await listen(server);
  return { port, proxy, server };
}

/** A response as the client saw it; `error` is set when the response was cut. */
export interface ClientOutcome {
  status: number;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  body: string;
  /** True when the body ended as framed (content-length reached or final chunk seen). */
  complete: boolean;
  /** The error the response or request raised, e.g. ECONNRESET "aborted". */
  error?: NodeJS.ErrnoException;
}

/** Options for {@link send}. */
export interface SendOptions {
  method?: string;
  /** Raw header list (`['Name', 'value', …]`) so forged and repeated headers go out as given. */
  headers?: string[];
  /** Body chunks; each is written separately (chunked unless Content-Length is given). */
  body?: string[];
  /** Agent for connection reuse; default none (a connection per request). */
  agent?: Agent;
}

/** Sends one request on its own connection and resolves when the response ends or breaks. */
export function send(
  port: number,
  path: string,
  options: SendOptions = {},
): Promise<ClientOutcome> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      method: options.method ?? 'GET',
      headers: ['Host', `127.0.0.1:${port}`, ...(options.headers ?? [])],
      agent: options.agent ?? false,
    });
    req.on('error', (error: NodeJS.ErrnoException) => reject(error));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let error: NodeJS.ErrnoException | undefined;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (caught: NodeJS.ErrnoException) => {
        error = caught;
      });
      res.on('close', () => {
        const outcome: ClientOutcome = {
          status: res.statusCode ?? 0,
          rawHeaders: res.rawHeaders,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          complete: res.complete,
        };
        if (error) outcome.error = error;
        resolve(outcome);
      });
    });
    for (const chunk of options.body ?? []) req.write(chunk);
    req.end();
  });
}

/** Header names in a raw list, lower-cased. */
export function headerNames(rawHeaders: readonly string[]): string[] {
  return rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
}
