import {
  type Agent,
  type ClientRequest,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { acceptsHtml, renderProxyErrorPage } from './error-page.js';
import { forwardedProto, forwardRequestHeaders, forwardResponseHeaders } from './hop-headers.js';
import { classifyProxyError, type ProxyFailure, proxyFailure } from './proxy-failure.js';
import { backendAddress, type ProxyRoute, upstreamPath } from './proxy-route.js';

/** What one forward needs from the proxy that runs it. */
export interface ForwardSettings {
  /** The keep-alive agent for the route's backend; it dials TLS itself for https/wss. */
  agent: () => Agent;
  /** After connecting, how long the backend may stay silent before its response headers, ms. */
  timeoutMs: number;
  /** How long a new TCP connection to the backend may take, ms. */
  connectTimeoutMs: number;
  /** True once the proxy is closed: the request gets a 503 page and is not sent. */
  isClosed: () => boolean;
}

/** Methods safe to send twice; only these are retried on a stale keep-alive socket. */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** True when the request carries a body (RFC 9112 §6.3: a length or a transfer coding). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function timeoutError(): Error {
  return Object.assign(new Error('backend timed out'), { code: 'ETIMEDOUT' });
}

/**
 * Forwards one request to the route's backend and streams the answer back. Never throws: a
 * failure before the response starts becomes an error page (502/503/504); one after it started
 * destroys the client connection so the truncation shows. A client that goes away destroys the
 * backend request.
 */
export function forwardHttp(
  req: IncomingMessage,
  res: ServerResponse,
  route: ProxyRoute,
  settings: ForwardSettings,
): void {
  let clientGone = false;
  let failed = false;
  res.once('close', () => {
    clientGone = true;
  });
  const fail = (failure: ProxyFailure) => {
    if (failed || clientGone) return;
    failed = true;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Drain what is left of the body so the connection can carry the next request.
    if (!req.complete) req.unpipe().resume();
    const page = renderProxyErrorPage(failure, route, acceptsHtml(req.headers.accept));
    res.writeHead(page.status, page.headers).end(page.body);
  };
  if (settings.isClosed()) {
    fail(proxyFailure('closed', 'ECLOSED'));
    return;
  }
  send(req, res, route, settings, { fail, clientGone: () => clientGone, retried: false });
}

interface Attempt {
  fail: (failure: ProxyFailure) => void;
  clientGone: () => boolean;
  retried: boolean;
}

/** Ends the connect phase with `onTimeout` unless a new socket connects within `ms`. */
function watchConnect(upstream: ClientRequest, socket: Socket, ms: number, onTimeout: () => void) {
  if (!socket.connecting) return; // a reused keep-alive socket
  const timer = setTimeout(onTimeout, ms);
  const clear = () => clearTimeout(timer);
  socket.once('connect', clear);
  upstream.once('close', clear);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  route: ProxyRoute,
  settings: ForwardSettings,
  attempt: Attempt,
): void {
  const { host, port } = backendAddress(route.target);
  let upstream: ClientRequest;
  try {
    // Always node:http: the agent's dialer returns a TLS socket for https backends.
    upstream = httpRequest({
      host,
      port,
      method: req.method,
      path: upstreamPath(route, req.url ?? '/'),
      headers: forwardRequestHeaders(req.rawHeaders, {
        clientAddress: req.socket.remoteAddress,
        originalHost: req.headers.host,
        proto: forwardedProto(req.socket),
        targetHost: route.target.host,
        upgrade: false,
      }),
      agent: settings.agent(),
    });
  } catch (error) {
    attempt.fail(classifyProxyError(error));
    return;
  }
  let timedOut: ProxyFailure | undefined;
  let responded = false;
  const timeOut = (failure: ProxyFailure) => {
    timedOut = failure;
    upstream.destroy(timeoutError());
  };
  const onClientClose = () => {
    if (!res.writableFinished) upstream.destroy();
  };
  res.once('close', onClientClose);
  upstream.once('socket', (socket: Socket) =>
    watchConnect(upstream, socket, settings.connectTimeoutMs, () =>
      timeOut(proxyFailure('connect-timeout', 'ETIMEDOUT', settings.connectTimeoutMs)),
    ),
  );
  // Node starts this clock once the socket is connected; it is cleared by the response.
  upstream.setTimeout(settings.timeoutMs, () =>
    timeOut(proxyFailure('response-timeout', 'ETIMEDOUT', settings.timeoutMs)),
  );
  upstream.once('response', (upstreamRes) => {
    responded = true;
    upstream.setTimeout(0);
    try {
      res.writeHead(
        upstreamRes.statusCode ?? 502,
        upstreamRes.statusMessage,
        forwardResponseHeaders(upstreamRes.rawHeaders),
      );
    } catch (error) {
      upstreamRes.destroy();
      attempt.fail(proxyFailure('bad-response', classifyProxyError(error).errno));
      return;
    }
    // An upstream that dies mid-body errors the pipeline, which destroys `res`: the client
    // sees a cut connection, never a short body that looks complete.
    pipeline(upstreamRes, res, (error) => {
      if (error) upstream.destroy();
    });
  });
  upstream.on('error', (error) => {
    res.removeListener('close', onClientClose);
    if (timedOut) return attempt.fail(timedOut);
    // A keep-alive socket the backend closed while idle fails at once with ECONNRESET; Node's
    // docs recommend one retry on a fresh socket for requests that are safe to repeat.
    const stale =
      upstream.reusedSocket && (error as { code?: string }).code === 'ECONNRESET' && !responded;
    if (
      stale &&
      !attempt.retried &&
      !attempt.clientGone() &&
      RETRYABLE_METHODS.has(req.method ?? '') &&
      !hasBody(req)
    ) {
      send(req, res, route, settings, { ...attempt, retried: true });
      return;
    }
    attempt.fail(classifyProxyError(error));
  });
  if (hasBody(req)) req.pipe(upstream);
  else upstream.end();
}
