/**
 * One keep-alive TCP connection from the door to an upstream, carrying one exchange at a time:
 * the exchange writes its request, the connection reads the response with llhttp and hands it
 * over piece by piece. A connection that sends a byte it was not asked for (a second response,
 * bytes past Content-Length, anything while idle) is destroyed, never reused: those bytes must
 * not become the answer to another client's request.
 *
 * Why the connection reads into its own buffer: with Node's default reads every read allocates
 * a fresh 64 KiB buffer and llhttp's binding copies each body chunk once more, which made a
 * 64 KiB response cost the door about as much as a naive proxy. Reading into one buffer per
 * connection (net's `onread`) and passing Content-Length bodies on as views of it removes both
 * copies; the exchange says when a view is still queued behind a slow client, and the
 * connection then reads into a new buffer rather than overwrite bytes not yet sent.
 */
import { connect, type Socket } from 'node:net';
import { fixedBodyLength } from './fixed-length-body.js';
import {
  type BodyMode,
  createResponseParser,
  type ParseError,
  READ_BODY,
  type ResponseParser,
  SKIP_BODY,
  STOP_AFTER_HEAD,
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
  /** Body bytes the exchange owns (parsed by llhttp: chunked or close-delimited bodies). */
  onResponseBody(chunk: Buffer): void;
  /**
   * Body bytes of a Content-Length body as a view of the connection's read buffer, valid only
   * during the call; `last` when they complete the body (the exchange ends the response with
   * them, and `onResponseEnd` is not called). Returns true when the exchange still refers to
   * the view afterwards (queued behind a slow client): the connection then reads into a new
   * buffer. Never called on a connection dialled for an upgrade: it reads with `data` events,
   * and every body goes through `onResponseBody`.
   */
  onResponseView(view: Buffer, last: boolean): boolean;
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

/**
 * Size of a connection's read buffer, bytes: a 64 KiB body and its head arrive in one read.
 * Every connection holds one, idle pooled ones too (128 idle connections: 16 MiB of external
 * memory, though pages are only touched as reads fill them).
 */
export const READ_BUFFER_BYTES = 128 * 1024;

/**
 * Smallest body passed on as views: below it llhttp's copy costs less than restarting the
 * parser after each head.
 */
const VIEW_BODY_MIN_BYTES = 8 * 1024;

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
  /** Bytes of a Content-Length body still to come that this connection reads itself; -1: none. */
  private bodyLeft = -1;
  /** Where the next read lands; replaced when an exchange still refers to the current one. */
  private readBuffer: Buffer | undefined;
  /** Reads land in {@link readBuffer} (every connection but those that may become tunnels). */
  private readonly ownsReads: boolean;

  /**
   * `forUpgrade`: the socket may be handed over to a tunnel, so it is read the ordinary way
   * (`data` events), which a tunnel's pipes need.
   */
  constructor(
    readonly upstream: Upstream,
    private readonly owner: ConnectionOwner,
    maxHeaderBytes: number,
    forUpgrade = false,
  ) {
    this.ownsReads = !forUpgrade;
    this.socket = connect({
      host: upstream.address,
      port: upstream.port,
      noDelay: true,
      onread: forUpgrade ? undefined : { buffer: this.nextReadBuffer, callback: this.onRead },
    });
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
    if (forUpgrade) this.socket.on('data', this.onData);
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

  /**
   * Closes a connection whose response has ended but which sent bytes it was not asked for:
   * the exchange is let go first, so the close does not fail a response that is complete
   * (and may still be queued for a slow or pipelining client).
   */
  private discard(): void {
    this.poisoned = true;
    this.exchange = null;
    this.socket.destroy();
  }

  /** Pools the connection or closes it once both the request and the response are done. */
  private settle(): void {
    this.exchange = null;
    if (this.poisoned || !this.keepAlive || !this.requestDone) this.socket.destroy();
    else this.owner.release(this);
  }

  private readonly nextReadBuffer = (): Buffer => {
    this.readBuffer ??= Buffer.allocUnsafe(READ_BUFFER_BYTES);
    return this.readBuffer;
  };

  /** `data` events, for connections that may become tunnels. */
  private readonly onData = (chunk: Buffer): void => {
    this.parse(chunk);
  };

  /** A read into {@link readBuffer}; true to keep reading. */
  private readonly onRead = (length: number, buffer: Buffer): boolean => {
    const chunk = buffer.subarray(0, length);
    if (this.bodyLeft > 0) this.passBody(chunk);
    else this.parse(chunk);
    return true;
  };

  private parse(chunk: Buffer): void {
    // Bytes while no request is out: a misbehaving upstream; the connection cannot be trusted.
    if (this.exchange === null) return void this.socket.destroy();
    const result = this.parser.execute(chunk);
    // Garbage after a complete response spoils the connection, not the response.
    if (typeof result !== 'number')
      return void (this.completed ? this.discard() : this.fail(result));
    if (this.upgrade) return void this.handOver(chunk.subarray(result));
    if (this.stray) return void this.discard();
    if (this.exchange === null) return;
    if (this.bodyLeft > 0) {
      // llhttp stopped after the head; the body is read here, starting with what followed it.
      this.parser.reset();
      if (result < chunk.length) this.passBody(chunk.subarray(result));
      return;
    }
    if (this.completed) this.settle();
    else this.exchange.onReadEnd();
  }

  /** Passes on bytes of a Content-Length body; anything past its end poisons the connection. */
  private passBody(chunk: Buffer): void {
    const exchange = this.exchange;
    if (exchange === null) return void this.socket.destroy();
    const extra = chunk.length - this.bodyLeft;
    const view = extra > 0 ? chunk.subarray(0, this.bodyLeft) : chunk;
    this.bodyLeft -= view.length;
    const last = this.bodyLeft === 0;
    if (last) {
      this.bodyLeft = -1;
      this.completed = true;
    }
    if (exchange.onResponseView(view, last)) this.readBuffer = undefined;
    // Bytes past Content-Length: the client got its response; the connection is not reused.
    if (extra > 0) return void this.discard();
    if (last && this.exchange !== null) this.settle();
  }

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
  ): BodyMode {
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
    if (exchange.headRequest) return SKIP_BODY;
    // Content-Length bodies are read by the connection itself (see the file comment); llhttp
    // already knows 204 and 304 have none.
    if (!this.ownsReads || status === 204 || status === 304) return READ_BODY;
    const length = fixedBodyLength(rawHeaders);
    if (length < VIEW_BODY_MIN_BYTES || this.exchange === null) return READ_BODY;
    this.bodyLeft = length;
    return STOP_AFTER_HEAD;
  }

  private onBody(chunk: Buffer): void {
    if (!this.stray && !this.informational) this.exchange?.onResponseBody(chunk);
  }

  private onMessageComplete(): void {
    // After STOP_AFTER_HEAD llhttp completes the head-only message; the body is still to come.
    if (this.stray || this.upgrade || this.bodyLeft > 0) return;
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
    if (this.bodyLeft > 0)
      return void this.fail(upstreamError('ECONNRESET', 'upstream closed the connection mid-body'));
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
