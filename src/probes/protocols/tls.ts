import type { ProtocolProbe } from '../types.js';
import { endedBeforeExchange } from './byte-reader.js';
import { certificateValidityResult, handshakeTls, type TlsDetails } from './tls-handshake.js';

/** ALPN offered by the bare TLS probe: tells a web server's `h2` from `http/1.1`. */
const TLS_PROBE_ALPN = ['h2', 'http/1.1'];

function readySummary(port: number, tls: TlsDetails): string {
  const subject = tls.subject ?? tls.subjectAltNames[0] ?? 'no subject';
  const trust = tls.authorized
    ? 'trusted'
    : `not trusted: ${tls.authorizationError ?? 'unknown reason'}`;
  const expiry = tls.expiresInDays === undefined ? '' : `, expires in ${tls.expiresInDays} days`;
  return `${tls.protocol} handshake on port ${port}: certificate for ${subject} (${trust}${expiry})`;
}

/**
 * TLS: the handshake is the check. Ready when it completes, even with an untrusted
 * certificate (a self-signed or mkcert development certificate is normal on loopback; see
 * `details.authorized` / `authorizationError`), but not with an expired or not-yet-valid one
 * (`tls-error`): clients refuse those whatever the trust. A plaintext server is `tls-expected`.
 * Details: protocol, alpn, authorized, authorizationError, nameMatches, subject,
 * subjectAltNames, issuer, validFrom, validTo, expiresInDays, fingerprint256, selfSigned.
 */
export const tlsProbe: ProtocolProbe = {
  kind: 'tls',
  async exchange(socket, target, options) {
    const ended = endedBeforeExchange(socket);
    if (ended) {
      return ended.how === 'error' && ended.code === 'ECONNRESET'
        ? {
            ready: false,
            outcome: 'reset-after-connect',
            summary: `The server on port ${target.port} reset the connection before the TLS handshake`,
          }
        : {
            ready: false,
            outcome: 'closed-before-data',
            summary: `The server on port ${target.port} closed the connection before the TLS handshake`,
          };
    }
    const deadline = performance.now() + options.timeoutMs;
    const handshake = await handshakeTls(socket, target, deadline, TLS_PROBE_ALPN);
    if (!handshake.ok) return handshake.result;
    handshake.socket.destroy();
    const details = handshake.details;
    return (
      certificateValidityResult(details, target.port) ?? {
        ready: true,
        summary: readySummary(target.port, details),
        details: { ...details },
      }
    );
  },
};
