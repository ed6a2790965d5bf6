/**
 * Upgrade requests (WebSocket: Vite's HMR) through the door. The handshake goes out on a new
 * upstream connection with the same head as any forwarded request (client's Host kept,
 * X-Forwarded-*, loop marker) and its answer is read with llhttp: a 101 turns the two sockets
 * into a byte tunnel; any other answer is passed back and the connection closed.
 *
 * Why not serve's openUpgradeTunnel: it sends the backend's address as Host (the door keeps
 * the client's, so Origin/Host checks such as Tornado's or SvelteKit's hold on both HTTP and
 * WebSocket) and answers failures with serve's path-proxy page.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { endSoon } from '../net/end-soon.js';
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

/** What a tunnel needs from the door that runs it. */
export interface TunnelSettings {
  pool: UpstreamPool;
  /** Silence allowed before the upstream answers the handshake, ms (then 504). */
  upstreamTimeoutMs: number;
  /** Answers a handshake that failed before the upstream answered; the socket is still open. */
  onFailure(client: Duplex, route: Route, failure: ProxyFailure): void;
  /** Registers the tunnel's sockets so the door can destroy them on close; returns the unregister. */
  track(sockets: Duplex[]): () => void;
}

/** Status line and headers as HTTP/1.1 text; throws when a name or value is not valid. */
function formatHead(status: number, message: string, rawHeaders: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    validateHeaderName(rawHeaders[i]!);
    validateHeaderValue(rawHeaders[i]!, rawHeaders[i + 1]!);
    head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  }
  if (/[\r\n]/.test(message))
    throw Object.assign(new Error('bad status message'), { code: 'ERR_INVALID_CHAR' });
  return head;
}

/** Where a tunnel is: waiting for the upstream's answer, passing on a refusal, open, failed. */
type TunnelState = 'waiting' | 'declined' | 'open' | 'failed';

class TunnelExchange implements UpstreamExchange {
  readonly headRequest = false;
  readonly upgradeRequest = true;
  private state: TunnelState = 'waiting';
  private connection: UpstreamConnection | undefined;
  private readonly untrack: () => void;

  constructor(
    private readonly client: Duplex,
    private readonly clientHead: Buffer,
    private readonly route: Route,
    private readonly settings: TunnelSettings,
  ) {
    this.untrack = settings.track([client]);
    client.on('error', () => {}); // 'close' does the clean-up
    // Nothing from the client goes upstream before the upstream has agreed to switch.
    client.pause();
  }

  start(head: string): void {
    const connection = this.settings.pool.dialForUpgrade(this.route.upstream);
    this.connection = connection;
    connection.begin(this, this.settings.upstreamTimeoutMs);
    connection.write(head);
    connection.endRequest();
    this.client.once('close', () => {
      this.untrack();
      if (this.state !== 'open') connection.abort();
    });
  }

  onUpgrade(upstream: Socket, message: string, rawHeaders: string[], rest: Buffer): void {
    const client = this.client;
    if (this.state !== 'waiting' || client.destroyed) return void upstream.destroy();
    let head: string;
    try {
      head = formatHead(101, message, rawHeaders);
    } catch {
      upstream.destroy();
      return void this.fail(proxyFailure('bad-response', 'ERR_INVALID_CHAR'));
    }
    this.state = 'open';
    const untrackUpstream = this.settings.track([upstream]);
    client.write(`${head}\r\n`);
    if (rest.length > 0) client.write(rest);
    if (this.clientHead.length > 0) upstream.write(this.clientHead);
    upstream.pipe(client, { end: false });
    client.pipe(upstream, { end: false });
    client.resume();
    // Half-closes travel through; a close on either side ends the other once it has flushed.
    upstream.once('end', () => endSoon(client));
    client.once('end', () => endSoon(upstream));
    upstream.once('close', () => {
      untrackUpstream();
      endSoon(client);
    });
    client.once('close', () => endSoon(upstream));
  }

  onResponseHead(status: number, message: string, rawHeaders: string[]): void {
    // The upstream declined to switch (426, 403, 404…): its answer goes back, then the end.
    let head: string;
    try {
      head = formatHead(status, message, forwardResponseHeaders(rawHeaders));
    } catch {
      this.connection?.abort();
      return void this.fail(proxyFailure('bad-response', 'ERR_INVALID_CHAR'));
    }
    this.state = 'declined';
    this.client.write(`${head}Connection: close\r\n\r\n`);
  }

  onResponseBody(chunk: Buffer): void {
    if (this.state === 'declined') this.client.write(chunk);
  }

  onResponseView(): boolean {
    return false; // never reached: a connection dialled for an upgrade reads with data events
  }

  onReadEnd(): void {}

  onResponseEnd(): void {
    if (this.state === 'declined') endSoon(this.client);
  }

  onUpstreamError(error: UpstreamError, context: FailureContext): void {
    if (this.state !== 'waiting') return void this.client.destroy();
    this.fail(upstreamFailure(error, context, this.settings.upstreamTimeoutMs));
  }

  private fail(failure: ProxyFailure): void {
    if (this.state !== 'waiting') return void this.client.destroy();
    this.state = 'failed';
    this.settings.onFailure(this.client, this.route, failure);
  }
}

/**
 * Sends an Upgrade request to the route's upstream on a new connection, `head` being the
 * request head ({@link formatUpstreamHead} with `upgrade`) and `clientHead` what the client
 * sent after it. Never throws; a failure before the upstream answers goes to
 * `settings.onFailure`.
 */
export function openTunnel(
  client: Duplex,
  clientHead: Buffer,
  route: Route,
  head: string,
  settings: TunnelSettings,
): void {
  new TunnelExchange(client, clientHead, route, settings).start(head);
}
