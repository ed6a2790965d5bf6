/**
 * What the first bytes a server sent say about the protocol it speaks:
 * - `tls`: a TLS record (handshake 0x16 or alert 0x15, version 3.x)
 * - `http`: an HTTP/1.x response line (`HTTP/`)
 * - `ssh`: an SSH identification string (`SSH-2.0-…`)
 * - `redis`: a RESP simple string or error (`+OK`, `-ERR …`)
 * - `postgres`: a PostgreSQL ErrorResponse (`E` + length + fields) or authentication request
 * - `mysql`: a MySQL handshake (protocol 10) or ERR packet, which MySQL sends first
 * - `unknown`: nothing recognisable (or nothing at all)
 */
export type GuessedService = 'tls' | 'http' | 'ssh' | 'redis' | 'postgres' | 'mysql' | 'unknown';

/** Human names for messages: "the server speaks SSH". */
export const SERVICE_NAMES: Record<GuessedService, string> = {
  tls: 'TLS',
  http: 'HTTP',
  ssh: 'SSH',
  redis: 'Redis (RESP)',
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  unknown: 'an unknown protocol',
};

function startsWithText(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** TLS record: content type change_cipher_spec..application_data, then major version 3. */
function isTlsRecord(bytes: Uint8Array): boolean {
  const type = bytes[0]!;
  return type >= 0x14 && type <= 0x17 && (bytes.length < 2 || bytes[1] === 0x03);
}

/** PostgreSQL backend message: type byte + big-endian int32 length including itself. */
function isPostgresMessage(bytes: Uint8Array): boolean {
  if (bytes.length < 6 || (bytes[0] !== 0x45 && bytes[0] !== 0x52)) return false;
  const length = ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0;
  if (length < 8 || length > 65_536) return false;
  // ErrorResponse fields start with a field type: Severity, V (non-localised), Code, Message.
  return bytes[0] === 0x52 || 'SVCM'.includes(String.fromCharCode(bytes[5]!));
}

/** MySQL packet: 3-byte little-endian length, sequence 0, then protocol 10 or 0xff (ERR). */
function isMysqlGreeting(bytes: Uint8Array): boolean {
  if (bytes.length < 5 || bytes[3] !== 0) return false;
  const length = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16);
  return length > 0 && length < 65_536 && (bytes[4] === 0x0a || bytes[4] === 0xff);
}

/**
 * Guesses the protocol from the first bytes a server sent (a greeting, or its answer to a
 * request in another protocol). Pure; used to say "something else answers on this port".
 */
export function guessServiceFromGreeting(bytes: Uint8Array): GuessedService {
  if (bytes.length === 0) return 'unknown';
  if (isTlsRecord(bytes)) return 'tls';
  if (startsWithText(bytes, 'HTTP/')) return 'http';
  if (startsWithText(bytes, 'SSH-')) return 'ssh';
  if (isPostgresMessage(bytes)) return 'postgres';
  if (isMysqlGreeting(bytes)) return 'mysql';
  if (/^[-+][A-Z]/.test(String.fromCharCode(...bytes.subarray(0, 2)))) return 'redis';
  return 'unknown';
}

/**
 * The first bytes as printable text for evidence: ASCII kept, everything else as `\xNN`,
 * at most `maxBytes` (default 48) bytes.
 */
export function formatGreeting(bytes: Uint8Array, maxBytes = 48): string {
  let text = '';
  for (const byte of bytes.subarray(0, maxBytes)) {
    if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > maxBytes ? `${text}…` : text;
}
