import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { Target } from '../../net/target.js';
import type { ExchangeResult } from '../types.js';
import type { StreamEnd } from './byte-reader.js';
import { formatGreeting, guessServiceFromGreeting, SERVICE_NAMES } from './guess-service.js';
import { tapSocket } from './socket-tap.js';
import {
  type CertificateProblem,
  type CertificateSummary,
  certificateValidityProblem,
  classifyCertificateError,
  classifyTlsError,
  describeCertificate,
  sniffTlsReply,
} from './tls-classify.js';

/** What a completed handshake showed: the session and the server's certificate. */
export interface TlsDetails extends CertificateSummary {
  /** `TLSv1.3`, `TLSv1.2`. */
  protocol: string | null;
  /** The ALPN protocol agreed (`http/1.1`, `h2`), or false when none was. */
  alpn: string | false;
  /** The chain verifies against the trust store and names the host. */
  authorized: boolean;
  /** Why not: `DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`. */
  authorizationError?: string;
  /** `authorizationError` in words the doctor can act on: `self-signed`, `untrusted`, `expired`… */
  trustProblem?: CertificateProblem;
  /** The certificate names the target host, whatever its trust. */
  nameMatches: boolean;
}

/** A handshake either gives a TLS socket (which the caller must destroy) or a finished result. */
export type HandshakeOutcome =
  | { ok: true; socket: TLSSocket; details: TlsDetails }
  | { ok: false; result: ExchangeResult };

/** What was seen when a handshake did not complete. */
export interface HandshakeFailureFacts {
  port: number;
  /** The TLS error code and message, absent on a timeout. */
  code?: string;
  message?: string;
  /** OpenSSL's reason text (`wrong version number`), from the error's `reason`. */
  reason?: string;
  /** The first bytes the server sent, raw. */
  firstBytes: Uint8Array;
  /** How the TCP connection ended underneath, if it did. */
  rawEnd?: StreamEnd;
}

function notTls(facts: HandshakeFailureFacts, details: Record<string, unknown>): ExchangeResult {
  const service = guessServiceFromGreeting(facts.firstBytes);
  const on = `The server on port ${facts.port}`;
  let summary = `${on} answered the TLS handshake with non-TLS bytes`;
  if (sniffTlsReply(facts.firstBytes) === 'client-hello') {
    summary = `${on} sent our TLS ClientHello back (an echo server?): it does not speak TLS`;
  } else if (service === 'http') summary = `${on} speaks plain HTTP, not TLS; use http://`;
  else if (service !== 'unknown') summary = `${on} speaks ${SERVICE_NAMES[service]}, not TLS`;
  return { ready: false, problem: 'tls-expected', summary, details: { ...details, service } };
}

/**
 * Says what a failed handshake means, first from the bytes the server sent (HTTP, SSH, an
 * echoed ClientHello → `tls-expected`; a TLS alert → `tls-error`), then from how the TCP
 * connection ended (`reset-after-connect`, `closed-before-data`), then from the TLS error code.
 * Pure.
 */
export function describeHandshakeFailure(facts: HandshakeFailureFacts): ExchangeResult {
  const details: Record<string, unknown> = {};
  if (facts.code) details.tlsErrorCode = facts.code;
  if (facts.firstBytes.length > 0) details.firstBytes = formatGreeting(facts.firstBytes);
  const reply = sniffTlsReply(facts.firstBytes);
  const on = `The server on port ${facts.port}`;
  if (reply === 'not-tls' || reply === 'client-hello') return notTls(facts, details);
  if (reply === 'empty' && facts.rawEnd) {
    const reset = facts.rawEnd.how === 'error' && facts.rawEnd.code === 'ECONNRESET';
    return reset
      ? {
          ready: false,
          outcome: 'reset-after-connect',
          details,
          summary: `${on} reset the connection during the TLS handshake`,
        }
      : {
          ready: false,
          outcome: 'closed-before-data',
          details,
          summary: `${on} closed the connection during the TLS handshake without answering`,
        };
  }
  if (facts.code === undefined) {
    return {
      ready: false,
      problem: 'no-response',
      details,
      summary: `${on} did not answer the TLS handshake before the timeout`,
    };
  }
  if (reply === 'empty' && classifyTlsError(facts.code, facts.message) === 'not-tls') {
    return notTls(facts, details);
  }
  // OpenSSL messages read `…:SSL routines:<function>:<reason>:<file>:<line>…`.
  const reason = facts.reason ?? /routines:[^:]*:([^:]+):/.exec(facts.message ?? '')?.[1];
  const summary = `TLS handshake with port ${facts.port} failed: ${facts.code}${reason ? ` (${reason})` : ''}`;
  return { ready: false, problem: 'tls-error', details, summary };
}

function sessionDetails(socket: TLSSocket, target: Target): TlsDetails {
  const cert = socket.getPeerCertificate();
  const details: TlsDetails = {
    protocol: socket.getProtocol(),
    alpn: socket.alpnProtocol ?? false,
    authorized: socket.authorized,
    nameMatches: checkServerIdentity(target.host, cert) === undefined,
    ...describeCertificate(cert),
  };
  // Typed as Error, but Node sets the OpenSSL verify code string (`DEPTH_ZERO_SELF_SIGNED_CERT`).
  if (socket.authorizationError) {
    details.authorizationError = String(socket.authorizationError);
    details.trustProblem = classifyCertificateError(details.authorizationError);
  }
  return details;
}

/**
 * Runs a TLS handshake over the connected `raw` socket until `deadline` (performance.now ms).
 * Never verifies: a self-signed development certificate is normal on loopback, so trust is
 * reported in the details instead (`authorized`, `authorizationError`). No SNI for an IP
 * literal (RFC 6066 §3 forbids it).
 */
export async function handshakeTls(
  raw: Socket,
  target: Target,
  deadline: number,
  alpn: string[],
): Promise<HandshakeOutcome> {
  const tap = tapSocket(raw);
  const socket = tlsConnect({
    socket: tap.stream,
    host: target.host,
    ...(isIP(target.host) ? {} : { servername: target.host }),
    rejectUnauthorized: false,
    ALPNProtocols: alpn,
  });
  const ended = await new Promise<NodeJS.ErrnoException | 'secure' | 'timeout'>((resolve) => {
    const settle = (value: NodeJS.ErrnoException | 'secure' | 'timeout') => {
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => settle('timeout'), Math.max(0, deadline - performance.now()));
    socket.once('secureConnect', () => settle('secure'));
    // Stays attached: an error after the exchange finished must not go uncaught.
    socket.on('error', settle);
  });
  if (ended === 'secure') return { ok: true, socket, details: sessionDetails(socket, target) };
  socket.destroy();
  const facts: HandshakeFailureFacts = { port: target.port, firstBytes: tap.firstBytes };
  if (tap.rawEnd) facts.rawEnd = tap.rawEnd;
  if (ended !== 'timeout') {
    facts.code = ended.code ?? 'EUNKNOWN';
    facts.message = ended.message;
    const reason = (ended as { reason?: unknown }).reason;
    if (typeof reason === 'string') facts.reason = reason;
  }
  return { ok: false, result: describeHandshakeFailure(facts) };
}

/** A not-ready result for a certificate that is expired or not yet valid, or undefined. */
export function certificateValidityResult(
  details: TlsDetails,
  port: number,
): ExchangeResult | undefined {
  const problem = certificateValidityProblem(details);
  if (!problem) return undefined;
  const days = Math.abs(details.expiresInDays ?? 0);
  const summary =
    problem === 'expired'
      ? `The TLS certificate on port ${port} (${details.subject ?? 'no CN'}) expired on ${details.validTo} (${days} days ago)`
      : `The TLS certificate on port ${port} (${details.subject ?? 'no CN'}) is not valid before ${details.validFrom}`;
  return {
    ready: false,
    problem: 'tls-error',
    summary,
    details: { ...details, certificateProblem: problem },
  };
}
