import type { Socket } from 'node:net';
import type { Target, TargetKind } from '../net/target.js';
import type { Family } from '../sockets/model.js';

/**
 * What happened to one connection attempt to one address:
 * - `connected`: the TCP handshake completed
 * - `refused`: RST to the SYN (ECONNREFUSED): nothing listens on that address and port
 * - `timeout`: no answer before the attempt timeout (dropped SYN, full accept queue, firewall)
 * - `unreachable`: EHOSTUNREACH/ENETUNREACH: no route (interface down, address not here)
 * - `eperm`: EPERM/EACCES from connect: a local firewall rule or policy rejected it
 * - `addrnotavail`: EADDRNOTAVAIL: no local address or ephemeral port to connect from
 * - `reset-after-connect`: connected, then reset before the exchange finished
 * - `closed-before-data`: connected, then closed by the server before it answered
 */
export type AttemptOutcome =
  | 'connected'
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'eperm'
  | 'addrnotavail'
  | 'reset-after-connect'
  | 'closed-before-data';

/** One connection attempt to one resolved address. */
export interface Attempt {
  address: string;
  family: Family;
  port: number;
  outcome: AttemptOutcome;
  /** Time from the start of the attempt to its outcome, in ms. */
  ms: number;
  /** The errno code behind the outcome (`ECONNREFUSED`), when there was one. */
  errno?: string;
}

/**
 * Overall verdict of a probe:
 * - `ready`: the service answered as its protocol should (auth-required counts as up)
 * - `not-ready`: a connection was made but the service did not serve (starting up, wrong
 *   protocol, rejected request, no answer)
 * - `down`: no address accepted a connection
 */
export type ProbeStatus = 'ready' | 'not-ready' | 'down';

/**
 * Why a connected service was not ready, when the exchange could tell:
 * - `no-response`: connected, but nothing came back before the timeout
 * - `starting-up`: the service says it is not ready yet (PostgreSQL 57P03, Redis -LOADING)
 * - `tls-expected`: a TLS probe met a plaintext server
 * - `plaintext-expected`: a plaintext probe met a TLS server
 * - `tls-error`: the TLS handshake failed for another reason (certificate, version, cipher)
 * - `host-header-rejected`: an HTTP server refused the Host header (DNS-rebinding protection)
 * - `http-status`: an HTTP status outside the accepted ones
 * - `wrong-service`: something else answers on this port (another protocol)
 * - `refused-by-service`: the service answered with an error (MySQL ERR packet, Redis -ERR)
 */
export type ProbeProblem =
  | 'no-response'
  | 'starting-up'
  | 'tls-expected'
  | 'plaintext-expected'
  | 'tls-error'
  | 'host-header-rejected'
  | 'http-status'
  | 'wrong-service'
  | 'refused-by-service';

/** What a protocol exchange on a connected socket concluded. */
export interface ExchangeResult {
  ready: boolean;
  /** One line saying what was seen, with the values: `HTTP 200 OK`, `PostgreSQL is starting up`. */
  summary: string;
  problem?: ProbeProblem;
  /** Protocol facts (HTTP status, certificate, SQLSTATE, server version…). */
  details?: Record<string, unknown>;
  /** Set when the connection broke during the exchange. */
  outcome?: 'reset-after-connect' | 'closed-before-data';
}

/** Settings passed to an exchange. */
export interface ExchangeOptions {
  /** Time left for the exchange, in ms. */
  timeoutMs: number;
  /** HTTP statuses counted as ready. Default: 200–399. */
  acceptStatus?: (status: number) => boolean;
  /** Follow HTTP redirects (to the same host only). Default false. */
  followRedirects?: boolean;
}

/**
 * One protocol: talks over a connected TCP socket and classifies the answer. Adding a protocol
 * means adding one file that implements this and registering it in `protocols.ts`.
 */
export interface ProtocolProbe {
  kind: TargetKind;
  exchange(socket: Socket, target: Target, options: ExchangeOptions): Promise<ExchangeResult>;
}

/** The result of probing one target. */
export interface ProbeResult {
  target: Target;
  status: ProbeStatus;
  /** `status === 'ready'`. */
  ok: boolean;
  /** One line for humans. */
  summary: string;
  problem?: ProbeProblem;
  /** Every connection attempt, per resolved address, in order. */
  attempts: Attempt[];
  /** Addresses the host resolved to, in the order tried. */
  addresses: string[];
  /** Address the exchange ran on, when one connected. */
  address?: string;
  details?: Record<string, unknown>;
  /** Wall time of the whole probe, in ms. */
  elapsedMs: number;
}
