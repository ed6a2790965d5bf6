import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { endSoon } from '../net/end-soon.js';
import type { BackendDialer } from './backend-dial.js';
import { acceptsHtml, formatRawResponse, renderProxyErrorPage } from './error-page.js';
import { forwardedProto, forwardRequestHeaders } from './hop-headers.js';
import { classifyProxyError, type ProxyFailure, proxyFailure } from './proxy-failure.js';
import { backendAddress, type ProxyRoute, upstreamPath } from './proxy-route.js';

/** What one tunnel needs from the proxy that runs it. */
export interface TunnelSettings {
  /** How long the TCP connection to the backend may take, ms. */
  connectTimeoutMs: number;
  /** After connecting, how long the backend may stay silent before its first byte, ms. */
  timeoutMs: number;
  /** True once the proxy is closed: the upgrade gets a 503 and no backend is dialled. */
  isClosed: () => boolean;
  /** Registers the tunnel's two sockets so the proxy can destroy them on close; returns the unregister. */
  track: (sockets: Duplex[]) => () => void;
  /** Opens the backend connection. */
  dial: BackendDialer;
}

/** The request line and headers for the backend, as HTTP/1.1 text. */
function requestHead(req: IncomingMessage, route: ProxyRoute): string {
  const headers = forwardRequestHeaders(req.rawHeaders, {
    clientAddress: req.socket.remoteAddress,
    originalHost: req.headers.host,
    proto: forwardedProto(req.socket),
    targetHost: route.target.host,
    upgrade: true,
  });
  const lines = [`${req.method} ${upstreamPath(route, req.url ?? '/')} HTTP/1.1`];
  for (let i = 0; i + 1 < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** True when the backend's first bytes are a status line other than 101 Switching Protocols. */
export function declinedUpgrade(firstChunk: Buffer): boolean {
  const line = firstChunk.toString('latin1', 0, 12);
  return /^HTTP\/\d\.\d \d{3}$/.test(line) && !line.endsWith(' 101');
}

/**
 * Tunnels an Upgrade request (WebSocket or any other) to the route's backend: dials it, writes
 * the request head with X-Forwarded-* and `head`, then pipes bytes both ways, the backend's
 * 101 included. Before the backend's first byte a failure is answered on `socket` with a
 * minimal HTTP 502/503/504 naming the backend; after it, an error on either side destroys both
 * and an end on either side ends both.
 */
export function openUpgradeTunnel(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  route: ProxyRoute,
  settings: TunnelSettings,
): void {
  socket.on('error', () => {}); // handled by 'close'; Node removed its own handler on upgrade
  const answer = (failure: ProxyFailure) => {
    const page = renderProxyErrorPage(failure, route, acceptsHtml(req.headers.accept));
    if (!socket.destroyed) socket.end(formatRawResponse(page));
    socket.once('finish', () => socket.destroy());
  };
  if (settings.isClosed()) {
    answer(proxyFailure('closed', 'ECLOSED'));
    return;
  }
  const address = backendAddress(route.target);
  const upstream = settings.dial(address);
  const untrack = settings.track([socket, upstream]);
  let answered = false; // the backend sent a byte, or the client got an error response
  const fail = (failure: ProxyFailure) => {
    clearTimeout(timer);
    upstream.destroy();
    if (answered) return void socket.destroy();
    answered = true;
    answer(failure);
  };
  let timer = setTimeout(() => {
    fail(proxyFailure('connect-timeout', 'ETIMEDOUT', settings.connectTimeoutMs));
  }, settings.connectTimeoutMs);
  upstream.once('connect', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      fail(proxyFailure('response-timeout', 'ETIMEDOUT', settings.timeoutMs));
    }, settings.timeoutMs);
  });
  // TLS sockets take writes before the handshake, but the head should follow it (one flight).
  upstream.once(address.secure ? 'secureConnect' : 'connect', () => {
    upstream.write(requestHead(req, route));
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream, { end: false });
  });
  upstream.once('data', (chunk: Buffer) => {
    clearTimeout(timer);
    answered = true;
    socket.write(chunk);
    upstream.pipe(socket, { end: false });
    // A backend that declines the upgrade answers with a plain response and may keep the
    // connection for more requests; those would reach it outside the prefix. Stop forwarding
    // the client and half-close, so the backend closes once its response is out.
    if (declinedUpgrade(chunk)) {
      socket.unpipe(upstream);
      upstream.end();
    }
  });
  upstream.on('error', (error) => fail(classifyProxyError(error)));
  upstream.once('end', () => {
    if (!answered) return fail(proxyFailure('reset', 'ECONNRESET'));
    endSoon(socket);
    endSoon(upstream);
  });
  upstream.once('close', () => {
    clearTimeout(timer);
    if (answered) endSoon(socket);
  });
  socket.once('end', () => {
    if (!answered) {
      clearTimeout(timer);
      upstream.destroy();
      socket.destroy();
      return;
    }
    endSoon(upstream);
    endSoon(socket);
  });
  socket.once('close', () => {
    clearTimeout(timer);
    untrack();
    if (answered) endSoon(upstream);
    else upstream.destroy();
  });
}
