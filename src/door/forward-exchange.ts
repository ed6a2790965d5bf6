/**
 * Forwards one HTTP request through a pooled upstream connection and streams the response
 * back: the hot path of the door. No promises, no URL parsing, one head string written in one
 * go, and a small response sent as one write (head and body together).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardResponseHeaders } from '../serve/hop-headers.js';
import { type ProxyFailure, proxyFailure } from '../serve/proxy-failure.js';
import type { Route } from './types.js';
import type {
  FailureContext,
  UpstreamConnection,
  UpstreamError,
  UpstreamExchange,
} from './upstream-connection.js';
import { upstreamFailure } from './upstream-failure.js';
import type { UpstreamPool } from './upstream-pool.js';

/** What a forward needs from the door that runs it. */
export interface ForwardSettings {
  pool: UpstreamPool;
  /** Silence allowed before the upstream's response head, ms (then 504). */
  upstreamTimeoutMs: number;
  /**
   * Answers a forward that failed before the response started (refused, timed out, not
   * HTTP); `res` has not been written to. It may forward again (once the service is up).
   */
  onFailure(
    req: IncomingMessage,
    res: ServerResponse,
    forward: ForwardRequest,
    failure: ProxyFailure,
  ): void;
}

/** The parts of a request the forward needs besides `req` itself. */
export interface ForwardRequest {
  route: Route;
  /** The request head for the upstream ({@link formatUpstreamHead}). */
  head: string;
  /** True when a body follows the head. */
  hasBody: boolean;
  /** True when the body is re-framed as chunked (the client sent Transfer-Encoding). */
  chunked: boolean;
  /** Set once a refused forward has been held and sent again, so it is not held twice. */
  afterRefusal: boolean;
}

/** Methods safe to send twice (RFC 9110 §9.2.2): retried once after a stale keep-alive socket. */
const RETRYABLE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE']);
const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/** One request/response through an upstream connection; see {@link forwardHttp}. */
class HttpExchange implements UpstreamExchange {
  readonly headRequest: boolean;
  readonly upgradeRequest = false;
  private connection: UpstreamConnection | undefined;
  private held: Buffer | undefined;
  private done = false;
  private retried = false;
  /** Waiting for the client's socket to drain before reading more from the upstream. */
  private draining = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly forward: ForwardRequest,
    private readonly settings: ForwardSettings,
  ) {
    this.headRequest = req.method === 'HEAD';
    res.once('close', this.onClientClose);
  }

  start(connection: UpstreamConnection): void {
    this.connection = connection;
    connection.begin(this, this.settings.upstreamTimeoutMs);
    connection.write(this.forward.head);
    if (!this.forward.hasBody) return void connection.endRequest();
    this.req.on('data', this.onRequestData);
    this.req.once('end', this.onRequestEnd);
  }

  private readonly onRequestData = (chunk: Buffer): void => {
    const connection = this.connection!;
    let ok: boolean;
    if (this.forward.chunked) {
      connection.socket.cork();
      connection.write(`${chunk.length.toString(16)}\r\n`);
      connection.write(chunk);
      ok = connection.write(CRLF);
      connection.socket.uncork();
    } else {
      ok = connection.write(chunk);
    }
    if (!ok && !this.req.isPaused()) {
      this.req.pause();
      connection.socket.once('drain', () => this.req.resume());
    }
  };

  private readonly onRequestEnd = (): void => {
    if (this.forward.chunked) this.connection!.write(LAST_CHUNK);
    this.connection!.endRequest();
  };

  private readonly onClientClose = (): void => {
    if (this.done) return;
    this.done = true;
    this.connection?.abort();
  };

  onResponseHead(status: number, message: string, rawHeaders: string[]): void {
    try {
      // Node validates every name and value here: an upstream cannot smuggle CR/LF through.
      this.res.writeHead(status, message, forwardResponseHeaders(rawHeaders));
    } catch (error) {
      this.connection!.abort();
      this.fail(proxyFailure('bad-response', (error as UpstreamError).code ?? 'ERR_INVALID_CHAR'));
    }
  }

  onResponseBody(chunk: Buffer): void {
    if (this.held) this.send(this.held);
    this.held = chunk;
  }

  onReadEnd(): void {
    if (this.held) this.send(this.held);
    this.held = undefined;
  }

  private send(chunk: Buffer): void {
    if (this.res.write(chunk) || this.draining) return;
    this.draining = true;
    const socket = this.connection!.socket;
    socket.pause();
    this.res.once('drain', () => {
      this.draining = false;
      socket.resume();
    });
  }

  onResponseView(view: Buffer, last: boolean): boolean {
    if (last) this.end(view);
    else {
      this.send(view);
      // node:http corks the socket on every write until the next tick, which would keep this
      // view queued and cost the connection a new read buffer per read: send it now.
      const socket = this.res.socket;
      if (socket?.writableCorked) socket.uncork();
    }
    // Bytes the kernel did not take at once wait in the response or its socket, still as views.
    return this.res.writableLength > 0;
  }

  onResponseEnd(): void {
    const held = this.held;
    this.held = undefined;
    this.end(held);
  }

  /** Ends the response, with its last bytes when there are any. */
  private end(last: Buffer | undefined): void {
    this.done = true;
    if (last) this.res.end(last);
    else this.res.end();
    // The upstream answered before the whole body was sent: stop sending, keep reading the
    // client's body so its connection stays usable; the upstream connection is not reused.
    if (this.forward.hasBody && !this.req.complete) this.stopSendingBody();
  }

  /** Stops sending the client's body upstream; what is left of it is read and dropped. */
  private stopSendingBody(): void {
    this.req.off('data', this.onRequestData);
    this.req.off('end', this.onRequestEnd);
    this.req.resume();
  }

  onUpstreamError(error: UpstreamError, context: FailureContext): void {
    if (this.done && !context.responded) return;
    if (context.responded) {
      // Mid-body: cut the client's connection so the truncation shows.
      this.done = true;
      this.res.destroy();
      return;
    }
    const code = error.code ?? '';
    if (
      context.reused &&
      STALE_CODES.has(code) &&
      !this.retried &&
      !this.forward.hasBody &&
      RETRYABLE.has(this.req.method ?? '')
    ) {
      this.retried = true;
      return void this.start(this.settings.pool.dial(this.forward.route.upstream));
    }
    this.fail(upstreamFailure(error, context, this.settings.upstreamTimeoutMs));
  }

  onUpgrade(): void {
    // Never reached: only upgrade exchanges accept a 101.
  }

  private fail(failure: ProxyFailure): void {
    this.done = true;
    if (this.res.headersSent || this.res.destroyed) return void this.res.destroy();
    if (this.forward.hasBody) this.stopSendingBody();
    this.settings.onFailure(this.req, this.res, this.forward, failure);
  }
}

/**
 * Forwards `req` to its route's upstream over a pooled keep-alive connection and streams the
 * answer back. Never throws: a failure before the response starts goes to
 * `settings.onFailure` (a 502/504 page); one after it destroys the client connection. A client
 * that leaves destroys the upstream connection. A request without a body that meets a stale
 * pooled connection is retried once on a new one.
 */
export function forwardHttp(
  req: IncomingMessage,
  res: ServerResponse,
  forward: ForwardRequest,
  settings: ForwardSettings,
): void {
  const exchange = new HttpExchange(req, res, forward, settings);
  exchange.start(settings.pool.acquire(forward.route.upstream));
}
