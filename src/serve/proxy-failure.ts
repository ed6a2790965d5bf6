/** Why a request could not be forwarded to its backend. */
export type ProxyFailureKind =
  /** Nothing listens on the backend's port (ECONNREFUSED). */
  | 'refused'
  /** The backend's host could not be resolved or routed to (ENOTFOUND, EHOSTUNREACH…). */
  | 'unreachable'
  /** The backend did not accept the TCP connection within the connect timeout. */
  | 'connect-timeout'
  /** The backend accepted the connection but stayed silent past the response timeout. */
  | 'response-timeout'
  /** The backend closed or reset the connection before it answered. */
  | 'reset'
  /** The TLS handshake with an https/wss backend failed (certificate, protocol). */
  | 'tls'
  /** The backend answered with something that is not valid HTTP. */
  | 'bad-response'
  /** The proxy was closed (portier is shutting down); nothing was sent. */
  | 'closed'
  /** Any other error; `errno` names it. */
  | 'failed';

/** A failed forward, as shown on the error page. */
export interface ProxyFailure {
  kind: ProxyFailureKind;
  /** HTTP status for the client: 504 for timeouts, 503 when closed, 502 otherwise. */
  status: 502 | 503 | 504;
  /** The error code (`ECONNREFUSED`, `ETIMEDOUT`, `HPE_INVALID_CONSTANT`, …). */
  errno: string;
  /** The timeout that ran out, ms; only for the two timeout kinds. */
  timeoutMs?: number;
}

const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
  'EPERM',
  'EACCES',
]);

const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function isTlsCode(code: string): boolean {
  return (
    code === 'EPROTO' ||
    /^ERR_(SSL|TLS)_/.test(code) ||
    /CERT|^UNABLE_TO_|^DEPTH_ZERO_SELF_SIGNED|^SELF_SIGNED/.test(code)
  );
}

function kindOf(code: string): ProxyFailureKind {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ETIMEDOUT') return 'connect-timeout';
  if (UNREACHABLE.has(code)) return 'unreachable';
  if (RESET.has(code)) return 'reset';
  if (code.startsWith('HPE_')) return 'bad-response';
  if (isTlsCode(code)) return 'tls';
  return 'failed';
}

function statusOf(kind: ProxyFailureKind): ProxyFailure['status'] {
  if (kind === 'connect-timeout' || kind === 'response-timeout') return 504;
  return kind === 'closed' ? 503 : 502;
}

/** A failure of a known kind, e.g. a timeout the proxy ran out itself. */
export function proxyFailure(
  kind: ProxyFailureKind,
  errno: string,
  timeoutMs?: number,
): ProxyFailure {
  const failure: ProxyFailure = { kind, status: statusOf(kind), errno };
  if (timeoutMs !== undefined) failure.timeoutMs = timeoutMs;
  return failure;
}

/** Classifies an error from a backend request or socket by its `code`. */
export function classifyProxyError(error: unknown): ProxyFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const errno =
    typeof code === 'string' && code !== ''
      ? code
      : error instanceof Error
        ? error.name
        : 'UNKNOWN';
  return proxyFailure(kindOf(errno), errno);
}
