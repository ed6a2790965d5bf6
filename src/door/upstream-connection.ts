/**
 * One keep-alive TCP connection from the door to an upstream, carrying one exchange at a time:
 * the exchange writes its request, the connection reads the response with llhttp and hands it
 * over piece by piece. A connection that sends a byte it was not asked for (a second response,
 * bytes past Content-Length, anything while idle) is destroyed, never reused: those bytes must
 * not become the answer to another client's request.
 */
import { connect, type Socket } from 'node:net';
import {
  createResponseParser,
  type ParseError,
  READ_BODY,
  type ResponseParser,
  SKIP_BODY,
} from './response-parser.js';
import type { Upstream } from './types.js';

/** An error from the upstream side, with the errno or llhttp code (`ECONNREFUSED`, `HPE_…`). */
export type UpstreamError = Error & { code?: string };

/** What happened on the connection when an exchange failed. */
export interface FailureContext {
  /** The connection had carried an earlier exchange (a stale keep-alive socket may be why). */
  reused: boolean;
  /** The response head had been handed over. */
  responded: boolean;
  /** The TCP connection had been established (false: the failure came while connecting). */
  connected: boolean;
}

/** One request/response through a connection; the connection calls these in order. */
export interface UpstreamExchange {
  /** True for a HEAD request: the response has no body whatever its headers say. */
  readonly headRequest: boolean;
  /** True for an Upgrade request: a 101 hands the socket over through `onUpgrade`. */
  readonly upgradeRequest: boolean;
  /** The final response's status line and raw headers (1xx other than 101 are skipped). */
  onResponseHead(status: number, message: string, rawHeaders: string[]): void;
  onResponseBody(chunk: Buffer): void;
  /** One read from the upstream has been parsed and the response goes on: flush what is held. */
  onReadEnd(): void;
  onResponseEnd(): void;
  /** The connection failed before the response ended; it is already destroyed. */
  onUpstreamError(error: UpstreamError, context: FailureContext): void;
  /** 101 Switching Protocols: the socket is now the exchange's, `rest` is what followed the head. */
  onUpgrade(socket: Socket, message: string, rawHeaders: string[], rest: Buffer): void;
}

/** The pool a connection returns to. */
export interface ConnectionOwner {
  /** The exchange ended cleanly and the upstream keeps the connection open: pool it. */
  release(connection: UpstreamConnection): void;
  /** The connection closed or was handed over: drop it. */
  forget(connection: UpstreamConnection): void;
}

function upstreamError(code: string, message: string): UpstreamError {
  return Object.assign(new Error(message), { code });
}

/** A connection to `upstream`, dialled on its address exactly (never a name lookup). */
export class UpstreamConnection {
  readonly socket: Socket;
  private readonly parser: ResponseParser;
  private exchange: UpstreamExchange | null = null;
  private uses = 0;
  private responded = false;
  private completed = false;
  private requestDone = false;
  private informational = false;
  private keepAlive = false;
  /** Never to be pooled again (it carried an upgrade, or sent stray bytes). */
  private poisoned = false;
  /** A message began after the response ended: ignore it, destroy after this read. */
  private stray = false;
  private upgrade: { message: string; rawHeaders: string[] } | undefined;

  constructor(
    readonly upstream: Upstream,
    private readonly owner: ConnectionOwner,
    maxHeaderBytes: number,
  ) {
    this.socket = connect({ host: upstream.address, port: upstream.port, noDelay: true });
    this.parser = createResponseParser(
      {
        onMessageBegin: () => this.onMessageBegin(),
        onHeadersComplete: (status, message, raw, upgrade, keepAlive) =>
          this.onHead(status, message, raw, upgrade, keepAlive),
        onBody: (chunk) => this.onBody(chunk),
        onMessageComplete: () => this.onMessageComplete(),
      },
      maxHeaderBytes,
    );
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('timeout', this.onTimeout);
    this.socket.on('error', this.fail);
    this.socket.on('close', this.onClose);
  }

  /** True when the socket can carry another request. */
  get usable(): boolean {
    return !this.socket.destroyed && this.socket.writable && !this.poisoned;
  }

  /**
   * Starts an exchange: the upstream then has `timeoutMs` of silence before its response head
   * (a connect counts) before the exchange fails with `ETIMEDOUT`.
   */
  begin(exchange: UpstreamExchange, timeoutMs: number): void {
    this.exchange = exchange;
    this.uses += 1;
    this.responded = false;
    this.completed = false;
    this.requestDone = false;
    this.informational = false;
    // A connection that carried an Upgrade request is never pooled, whatever the answer.
    if (exchange.upgradeRequest) this.poisoned = true;
    this.socket.setTimeout(timeoutMs);
  }

  /** Writes request bytes; false when the socket's buffer is full (wait for `drain`). */
  write(data: string | Buffer): boolean {
    return this.socket.write(data);
  }

  /** The whole request is written; the connection is pooled once the response has ended too. */
  endRequest(): void {
    this.requestDone = true;
    if (this.completed && this.exchange) this.settle();
  }

  /** The exchange gives up (its client left, or the response was refused): destroy. */
  abort(): void {
    this.exchange = null;
    this.socket.destroy();
  }

  /** Pools the connection or closes it once both the request and the response are done. */
  private settle(): void {
    this.exchange = null;
    if (this.poisoned || !this.keepAlive || !this.requestDone) this.socket.destroy();
    else this.owner.release(this);
  }

  private readonly onData = (chunk: Buffer): void => {
    // Bytes while no request is out: a misbehaving upstream; the connection cannot be trusted.
    if (this.exchange === null) return void this.socket.destroy();
    const result = this.parser.execute(chunk);
    if (typeof result !== 'number') return void this.fail(result);
    if (this.upgrade) return void this.handOver(chunk.subarray(result));
    if (this.stray) return void this.socket.destroy();
    if (this.exchange === null) return;
    if (this.completed) this.settle();
    else this.exchange.onReadEnd();
  };

  private onMessageBegin(): void {
    // A message after the response ended, in the same read: a second response or bytes past
    // Content-Length. Its callbacks are ignored and the connection is destroyed after execute.
    if (this.exchange === null || this.completed) this.poisoned = this.stray = true;
  }

  private onHead(
    status: number,
    message: string,
    rawHeaders: string[],
    upgrade: boolean,
    keepAlive: boolean,
  ): 0 | 1 {
    const exchange = this.exchange;
    if (this.stray || exchange === null) return READ_BODY;
    if (status === 101 && upgrade && exchange.upgradeRequest) {
      this.upgrade = { message, rawHeaders };
      return READ_BODY;
    }
    // 100 Continue, 102, 103 Early Hints: interim, the final response follows (RFC 9110 §15.2).
    if (status >= 100 && status < 200 && status !== 101) {
      this.informational = true;
      return READ_BODY;
    }
    if (status === 101) {
      this.fail(upstreamError('HPE_UNEXPECTED_UPGRADE', 'upstream switched protocols unasked'));
      return READ_BODY;
    }
    this.responded = true;
    this.keepAlive = keepAlive;
    this.socket.setTimeout(0);
    exchange.onResponseHead(status, message, rawHeaders);
    return exchange.headRequest ? SKIP_BODY : READ_BODY;
  }

  private onBody(chunk: Buffer): void {
    if (!this.stray && !this.informational) this.exchange?.onResponseBody(chunk);
  }

  private onMessageComplete(): void {
    if (this.stray || this.upgrade) return;
    if (this.informational) {
      this.informational = false;
      return;
    }
    this.completed = true;
    this.exchange?.onResponseEnd();
  }

  private handOver(rest: Buffer): void {
    const exchange = this.exchange!;
    const { message, rawHeaders } = this.upgrade!;
    this.exchange = null;
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('timeout', this.onTimeout);
    this.socket.off('error', this.fail);
    this.socket.off('close', this.onClose);
    this.socket.setTimeout(0);
    this.socket.on('error', () => {}); // the tunnel listens from here on
    this.parser.close(); // execute() has returned
    this.owner.forget(this);
    exchange.onUpgrade(this.socket, message, rawHeaders, rest);
  }

  private readonly onEnd = (): void => {
    if (this.exchange === null || this.completed) return void this.socket.destroy();
    // A close-delimited body ends here; a message cut short is a parse error.
    const error = this.parser.finish();
    if (error) return void this.fail(error);
    if (!this.completed)
      return void this.fail(upstreamError('ECONNRESET', 'upstream closed the connection'));
    this.keepAlive = false;
    this.settle();
  };

  private readonly onTimeout = (): void => {
    if (this.exchange === null) return void this.socket.destroy(); // idle in the pool
    this.fail(upstreamError('ETIMEDOUT', 'upstream sent no response in time'));
  };

  private readonly fail = (error: UpstreamError | ParseError): void => {
    const exchange = this.exchange;
    const connected = !this.socket.connecting;
    this.exchange = null;
    this.socket.destroy();
    exchange?.onUpstreamError(error, {
      reused: this.uses > 1,
      responded: this.responded,
      connected,
    });
  };

  private readonly onClose = (): void => {
    if (this.exchange) this.fail(upstreamError('ECONNRESET', 'upstream closed the connection'));
    this.owner.forget(this);
    // Not from inside execute(): 'close' is emitted on a later tick than destroy().
    this.parser.close();
  };
}
