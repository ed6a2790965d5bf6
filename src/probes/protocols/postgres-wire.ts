/**
 * PostgreSQL frontend/backend protocol 3.0, only what a readiness probe needs: the SSLRequest,
 * the StartupMessage, Terminate, and reading backend messages (protocol chapter "Message
 * Formats"). No passwords are ever built here.
 */

/** SSLRequest code: 1234 in the high 16 bits, 5679 in the low ones. */
export const SSL_REQUEST_CODE = 80_877_103;
/** Protocol version 3.0 (3 in the high 16 bits, 0 in the low ones). */
export const PROTOCOL_VERSION_3_0 = 196_608;
/**
 * Largest backend message accepted, in bytes. Startup replies are a few hundred bytes; a
 * length beyond this means the bytes are not PostgreSQL.
 */
export const MAX_BACKEND_MESSAGE_BYTES = 64 * 1024;

/** SSLRequest: int32 length 8, int32 {@link SSL_REQUEST_CODE}. */
export function buildSslRequest(): Buffer {
  const message = Buffer.alloc(8);
  message.writeInt32BE(8, 0);
  message.writeInt32BE(SSL_REQUEST_CODE, 4);
  return message;
}

/**
 * StartupMessage: int32 length, int32 protocol 3.0, then `name\0value\0` pairs and a final NUL.
 * Parameters with an empty value are left out, as libpq does.
 */
export function buildStartupMessage(params: Readonly<Record<string, string>>): Buffer {
  const pairs = Object.entries(params)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}\0${value}\0`)
    .join('');
  const body = Buffer.from(`${pairs}\0`, 'utf8');
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(PROTOCOL_VERSION_3_0, 4);
  return Buffer.concat([header, body]);
}

/** Terminate ('X', int32 4): the polite goodbye once a session is established. */
export function buildTerminate(): Buffer {
  return Buffer.from([0x58, 0, 0, 0, 4]);
}

/** One backend message: a type byte, then an int32 length that counts itself. */
export interface BackendMessage {
  /** The type byte as a character: `R`, `E`, `S`, `K`, `Z`, `N`, `v`. */
  type: string;
  /** The message body, after the length. */
  body: Buffer;
  /** Bytes the whole message takes, type byte included. */
  size: number;
}

/**
 * Reads the backend message at `offset`: `incomplete` when more bytes are needed, `invalid`
 * when the bytes cannot be a PostgreSQL message (type not a letter, length out of range).
 */
export function parseBackendMessage(
  bytes: Buffer,
  offset = 0,
): BackendMessage | 'incomplete' | 'invalid' {
  if (bytes.length <= offset) return 'incomplete';
  const type = String.fromCharCode(bytes[offset]!);
  if (!/[A-Za-z]/.test(type)) return 'invalid';
  if (bytes.length < offset + 5) return 'incomplete';
  const length = bytes.readInt32BE(offset + 1);
  if (length < 4 || length > MAX_BACKEND_MESSAGE_BYTES) return 'invalid';
  if (bytes.length < offset + 1 + length) return 'incomplete';
  return { type, body: bytes.subarray(offset + 5, offset + 1 + length), size: 1 + length };
}

/** The fields of an ErrorResponse or NoticeResponse that a probe reports. */
export interface ErrorFields {
  /** `S`: FATAL, ERROR, PANIC (localised); `V` (never localised) is preferred. */
  severity?: string;
  /** `C`: the SQLSTATE, such as `57P03`. */
  code?: string;
  /** `M`: the primary message. */
  message?: string;
  /** `D`: detail, such as "Hot standby mode is disabled." */
  detail?: string;
  /** `H`: hint. */
  hint?: string;
}

/**
 * Reads the body of an ErrorResponse/NoticeResponse: fields of a type byte and a NUL-terminated
 * string, ended by a NUL. Unknown field types are skipped, as the protocol asks.
 */
export function parseErrorFields(body: Buffer): ErrorFields {
  const fields: ErrorFields = {};
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const type = String.fromCharCode(body[offset]!);
    const end = body.indexOf(0, offset + 1);
    if (end < 0) break;
    const value = body.toString('utf8', offset + 1, end);
    if (type === 'V' || (type === 'S' && fields.severity === undefined)) fields.severity = value;
    else if (type === 'C') fields.code = value;
    else if (type === 'M') fields.message = value;
    else if (type === 'D') fields.detail = value;
    else if (type === 'H') fields.hint = value;
    offset = end + 1;
  }
  return fields;
}

/**
 * What an Authentication message asks for: `ok` (no password needed, as with trust),
 * `password` (cleartext), `md5`, `scram-sha-256`, another SASL mechanism (`sasl`), `kerberos`,
 * `gss`, `sspi`, or `code-N` for a subtype this probe does not know.
 */
export type PostgresAuth =
  | 'ok'
  | 'password'
  | 'md5'
  | 'scram-sha-256'
  | 'sasl'
  | 'kerberos'
  | 'gss'
  | 'sspi'
  | `code-${number}`;

/** Reads an Authentication ('R') body: an int32 subtype, then subtype data. */
export function parseAuthRequest(body: Buffer): {
  code: number;
  auth: PostgresAuth;
  mechanisms?: string[];
} {
  const code = body.length >= 4 ? body.readInt32BE(0) : -1;
  switch (code) {
    case 0:
      return { code, auth: 'ok' };
    case 2:
      return { code, auth: 'kerberos' };
    case 3:
      return { code, auth: 'password' };
    case 5:
      return { code, auth: 'md5' };
    case 7:
      return { code, auth: 'gss' };
    case 9:
      return { code, auth: 'sspi' };
    case 10: {
      // AuthenticationSASL: NUL-terminated mechanism names, ended by an empty one.
      const mechanisms = body.toString('utf8', 4).split('\0').filter(Boolean);
      return {
        code,
        auth: mechanisms.includes('SCRAM-SHA-256') ? 'scram-sha-256' : 'sasl',
        mechanisms,
      };
    }
    default:
      return { code, auth: `code-${code}` };
  }
}

/** Reads a ParameterStatus ('S') body: a name and a value, each NUL-terminated. */
export function parseParameterStatus(body: Buffer): { name: string; value: string } {
  const [name = '', value = ''] = body.toString('utf8').split('\0');
  return { name, value };
}
