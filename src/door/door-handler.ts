/**
 * What the door does with each request, upgrade and CONNECT: Host first, then the request's
 * own checks, then the route (forward, dashboard, 404), then the service's state. Nothing is
 * sent upstream before all of that has passed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { acceptsHtml } from '../serve/error-page.js';
import { responseAnswerer, socketAnswerer } from './door-answer.js';
import { createForwarder } from './door-forwarder.js';
import type { ResolvedDoorOptions } from './door-options.js';
import { renderDoorPage, sendPage, sendRawPage } from './door-page.js';
import { dashboardPlaceholderPage, internalErrorPage, refusedPage } from './door-pages.js';
import { routeRequest } from './door-routing.js';
import { scanRequestHeaders } from './request-check.js';
import { type AdmissionSettings, admitToRoute } from './route-admission.js';
import type { UpstreamPool } from './upstream-pool.js';

/** What the handlers need from the door. */
export interface DoorHandlerContext {
  options: ResolvedDoorOptions;
  /** This door's id, the value of its loop marker. */
  doorId: string;
  pool: UpstreamPool;
  /** The door's port, for the URLs on its pages. */
  port(): number;
  /** Aborted when the door closes. */
  closing: AbortSignal;
  /** Registers sockets to destroy on close; returns the unregister. */
  track(sockets: Duplex[]): () => void;
}

/** The door's listeners for node:http's `request`, `upgrade`, `connect` and `clientError`. */
export interface DoorHandlers {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  connect(req: IncomingMessage, socket: Duplex): void;
  clientError(error: Error & { code?: string }, socket: Duplex): void;
}

/**
 * node:http's parse errors and timeouts, answered as its default handler does but with the
 * door's page: 431 for headers over the limit, 408 for a request too slow, 400 otherwise.
 * Nothing is written into a response already under way, and a reset connection gets nothing.
 */
function answerClientError(
  error: Error & { code?: string },
  socket: Duplex,
  maxHeaderBytes: number,
  port: number,
): void {
  const busy = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage?.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || busy) return void socket.destroy();
  const [status, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `The request's headers are larger than ${maxHeaderBytes} bytes.`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : [400, `The request is malformed (${error.code ?? 'parse error'}).`];
  sendRawPage(socket, renderDoorPage(refusedPage(status, reason, port), false));
}

/** Builds the handlers; see {@link DoorHandlers}. */
export function createDoorHandlers(ctx: DoorHandlerContext): DoorHandlers {
  const { options } = ctx;
  // Connections whose framing was refused: requests pipelined behind the refusal are dropped,
  // and the connection closes once the refusal is out.
  const refused = new WeakSet<object>();
  const admission: AdmissionSettings = {
    health: options.health,
    waitHealthy: options.waitHealthy,
    holdTimeoutMs: options.holdTimeoutMs,
    closing: ctx.closing,
  };

  const forwarder = createForwarder({
    pool: ctx.pool,
    doorId: ctx.doorId,
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    admission,
    track: ctx.track,
  });

  const handleRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (refused.has(req.socket)) return;
    const scan = scanRequestHeaders(req.rawHeaders, ctx.doorId);
    const routing = routeRequest(ctx, req, scan);
    if (routing.kind === 'page') {
      if (routing.close) refused.add(req.socket);
      return sendPage(
        res,
        renderDoorPage(routing.page, acceptsHtml(req.headers.accept)),
        routing.close,
      );
    }
    if (routing.kind === 'dashboard') {
      if (options.dashboard) return options.dashboard(req, res);
      return responseAnswerer(req, res).page(
        dashboardPlaceholderPage(options.routes(), ctx.port()),
      );
    }
    const { route, path } = routing;
    if (!options.health) return forwarder.http(req, res, route, path, scan);
    admitToRoute(admission, route, responseAnswerer(req, res), () =>
      forwarder.http(req, res, route, path, scan),
    );
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const scan = scanRequestHeaders(req.rawHeaders, ctx.doorId);
    const routing = routeRequest(ctx, req, scan);
    const answer = socketAnswerer(req, socket);
    if (routing.kind === 'page') return answer.page(routing.page);
    if (routing.kind === 'dashboard')
      return answer.page(
        refusedPage(404, 'The dashboard does not take upgrade requests.', ctx.port()),
      );
    const { route, path } = routing;
    admitToRoute(admission, route, answer, () =>
      forwarder.upgrade(req, socket, head, route, path, scan),
    );
  };

  return {
    request(req, res) {
      try {
        handleRequest(req, res);
      } catch (error) {
        // An injected function (decide, routes, health, dashboard) threw: a 500, not a crash.
        sendPage(res, renderDoorPage(internalErrorPage(error), false), true);
      }
    },

    upgrade(req, socket, head) {
      try {
        handleUpgrade(req, socket, head);
      } catch (error) {
        sendRawPage(socket, renderDoorPage(internalErrorPage(error), false));
      }
    },

    connect(_req, socket) {
      sendRawPage(
        socket,
        renderDoorPage(
          refusedPage(405, 'CONNECT is refused; the front door is not a proxy.', ctx.port()),
          false,
        ),
      );
    },

    clientError: (error, socket) =>
      answerClientError(error, socket, options.maxHeaderBytes, ctx.port()),
  };
}
