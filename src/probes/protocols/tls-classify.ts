import type { PeerCertificate } from 'node:tls';

/**
 * What a failed TLS handshake means:
 * - `not-tls`: the peer answered with something that is not TLS (a plaintext server)
 * - `connection`: the connection broke (reset, closed) before the handshake finished
 * - `handshake`: a TLS peer refused the handshake (alert: version, cipher, SNI, ALPN…)
 */
export type TlsFailureKind = 'not-tls' | 'connection' | 'handshake';

/** OpenSSL reasons for bytes that cannot be a TLS record from a server. */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNEXPECTED_MESSAGE',
  'ERR_SSL_UNEXPECTED_RECORD',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_HTTPS_PROXY_REQUEST',
]);
const NOT_TLS_MESSAGE =
  /wrong version number|packet length too long|unknown protocol|unexpected message|http request/i;
const CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

/**
 * Classifies a TLS handshake error by its Node/OpenSSL code (`ERR_SSL_WRONG_VERSION_NUMBER`,
 * `ECONNRESET`) and, for a bare `EPROTO`, by its OpenSSL message. Pure.
 */
export function classifyTlsError(code: string | undefined, message = ''): TlsFailureKind {
  if (code && NOT_TLS_CODES.has(code)) return 'not-tls';
  if (code && CONNECTION_CODES.has(code)) return 'connection';
  if ((code === 'EPROTO' || code === undefined) && NOT_TLS_MESSAGE.test(message)) return 'not-tls';
  return 'handshake';
}

/**
 * What the first bytes of a server's answer to our ClientHello are:
 * - `server-hello`: a TLS handshake record, as expected
 * - `alert`: a TLS alert record (the server speaks TLS and refused something)
 * - `client-hello`: a ClientHello came back: an echo server, not TLS
 * - `not-tls`: anything else (HTTP, SSH, a database greeting…)
 * - `empty`: nothing received
 */
export type TlsReply = 'server-hello' | 'alert' | 'client-hello' | 'not-tls' | 'empty';

/** Reads the record header of the first bytes received during a handshake. Pure. */
export function sniffTlsReply(bytes: Uint8Array): TlsReply {
  if (bytes.length === 0) return 'empty';
  if (bytes.length >= 2 && bytes[1] !== 0x03) return 'not-tls';
  if (bytes[0] === 0x15) return 'alert';
  if (bytes[0] !== 0x16) return 'not-tls';
  // Byte 5 is the handshake message type: 1 ClientHello (only clients send it), 2 ServerHello.
  return bytes.length > 5 && bytes[5] === 0x01 ? 'client-hello' : 'server-hello';
}

/**
 * Certificate verification results, from `tlsSocket.authorizationError`:
 * - `self-signed`: the leaf or a chain certificate signs itself (a dev certificate)
 * - `untrusted`: the issuer is not in the trust store (a private CA such as mkcert's)
 * - `expired`, `not-yet-valid`: outside its validity dates
 * - `name-mismatch`: valid, but not for the host name asked for
 * - `other`: another verification failure
 */
export type CertificateProblem =
  | 'self-signed'
  | 'untrusted'
  | 'expired'
  | 'not-yet-valid'
  | 'name-mismatch'
  | 'other';

/** Classifies `authorizationError` (`DEPTH_ZERO_SELF_SIGNED_CERT`, `CERT_HAS_EXPIRED`…). Pure. */
export function classifyCertificateError(code: string): CertificateProblem {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'self-signed';
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_UNTRUSTED':
      return 'untrusted';
    case 'CERT_HAS_EXPIRED':
      return 'expired';
    case 'CERT_NOT_YET_VALID':
      return 'not-yet-valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return 'name-mismatch';
    default:
      return 'other';
  }
}

/** The certificate facts a probe reports. Dates are ISO 8601; `expiresInDays` is negative once expired. */
export interface CertificateSummary {
  subject: string | undefined;
  subjectAltNames: string[];
  issuer: string | undefined;
  validFrom: string | undefined;
  validTo: string | undefined;
  expiresInDays: number | undefined;
  fingerprint256: string | undefined;
  /** Issuer equals subject: nobody but the server vouches for it. */
  selfSigned: boolean;
}

/** `DNS:localhost, IP Address:127.0.0.1` → `['DNS:localhost', 'IP:127.0.0.1']`. Pure. */
export function parseSubjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/,\s*/)
    .map((name) => name.trim().replace(/^IP Address:/, 'IP:'))
    .filter((name) => name !== '');
}

function isoDate(text: string | undefined): string | undefined {
  const ms = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const DAY_MS = 86_400_000;

/** The CN of a distinguished name (joined when repeated), else its O: what names a certificate. */
function nameOf(name: PeerCertificate['subject'] | undefined): string | undefined {
  const value = name?.CN ?? name?.O;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Summarises a peer certificate at time `nowMs` (default now). Pure given `nowMs`. */
export function describeCertificate(
  cert: PeerCertificate,
  nowMs: number = Date.now(),
): CertificateSummary {
  const validTo = isoDate(cert.valid_to);
  return {
    subject: nameOf(cert.subject),
    subjectAltNames: parseSubjectAltNames(cert.subjectaltname),
    issuer: nameOf(cert.issuer),
    validFrom: isoDate(cert.valid_from),
    validTo,
    expiresInDays: validTo ? Math.floor((Date.parse(validTo) - nowMs) / DAY_MS) : undefined,
    fingerprint256: cert.fingerprint256,
    selfSigned: JSON.stringify(cert.subject) === JSON.stringify(cert.issuer),
  };
}

/**
 * Why a certificate makes the service unusable regardless of trust, or undefined: browsers
 * and clients refuse an expired or not-yet-valid certificate even when the user trusts it.
 */
export function certificateValidityProblem(
  cert: CertificateSummary,
  nowMs: number = Date.now(),
): 'expired' | 'not-yet-valid' | undefined {
  if (cert.validTo && Date.parse(cert.validTo) < nowMs) return 'expired';
  if (cert.validFrom && Date.parse(cert.validFrom) > nowMs) return 'not-yet-valid';
  return undefined;
}
