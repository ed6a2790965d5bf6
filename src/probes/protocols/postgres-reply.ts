import type { ExchangeResult } from '../types.js';
import { wrongServiceResult } from './foreign-reply.js';
import {
  type ErrorFields,
  MAX_BACKEND_MESSAGE_BYTES,
  type PostgresAuth,
  parseAuthRequest,
  parseBackendMessage,
  parseErrorFields,
  parseParameterStatus,
} from './postgres-wire.js';

/**
 * What a PostgreSQL probe concluded, in `details.state`:
 * - `ready`: the session started (AuthenticationOk, then ReadyForQuery)
 * - `auth-required`: the server asks for a password or refused the role (SQLSTATE class 28);
 *   it is up
 * - `up-with-error`: the server is up but refused this session for its configuration, such as
 *   a database that does not exist (3D000)
 * - `starting-up` / `shutting-down`: SQLSTATE 57P03, "cannot connect now"
 * - `refused`: another error, such as 53300 too_many_connections
 * - `tls-error`: the server accepted SSL but the TLS handshake failed
 */
export type PostgresState =
  | 'ready'
  | 'auth-required'
  | 'up-with-error'
  | 'starting-up'
  | 'shutting-down'
  | 'refused'
  | 'tls-error';

/** What the probe asked for, quoted in results. */
export interface StartupContext {
  ssl: boolean;
  user: string;
  database: string;
}

/** A decision on the replies to the StartupMessage. */
export interface StartupDecision {
  result: ExchangeResult;
  /** Send Terminate before closing: only once a session exists, so the server logs nothing. */
  terminate: boolean;
}

/** The answer to the SSLRequest: `S` (go TLS), `N` (stay plaintext) or a decided result. */
export type SslAnswer =
  | { kind: 'ssl' }
  | { kind: 'plain' }
  | { kind: 'decided'; result: ExchangeResult };

const SERVICE = 'PostgreSQL';
/** Message types a server may send while a session starts. */
const STARTUP_TYPES = 'REvNSKZ';
/** Types that may come first: auth request, error, protocol negotiation, notice. */
const FIRST_TYPES = 'REvN';

/**
 * Judges the reply to an SSLRequest: exactly one byte, `S` or `N`. Anything after that byte
 * is refused, as libpq does ("received unencrypted data after SSL response"): an SSH banner
 * also starts with `S`. Servers older than 7.0 answer with an ErrorResponse.
 */
export function parseSslAnswer(bytes: Buffer, context: StartupContext): SslAnswer | undefined {
  if (bytes.length === 1 && bytes[0] === 0x53) return { kind: 'ssl' };
  if (bytes.length === 1 && bytes[0] === 0x4e) return { kind: 'plain' };
  if (bytes[0] === 0x45) {
    const decision = decideStartupReply(bytes, context);
    return decision && { kind: 'decided', result: decision.result };
  }
  return { kind: 'decided', result: wrongServiceResult(SERVICE, bytes) };
}

function stateOfError(code: string | undefined, message: string): PostgresState {
  if (code === '57P03') return /shutting down/i.test(message) ? 'shutting-down' : 'starting-up';
  if (code?.startsWith('28')) return 'auth-required';
  if (code === '3D000') return 'up-with-error';
  return 'refused';
}

function errorResult(
  fields: ErrorFields,
  context: StartupContext,
  auth: PostgresAuth | undefined,
): ExchangeResult {
  const message = fields.message ?? 'no message';
  const state = stateOfError(fields.code, message);
  const details: Record<string, unknown> = {
    state,
    ssl: context.ssl,
    sqlState: fields.code,
    severity: fields.severity,
    message,
  };
  if (fields.detail) details.detail = fields.detail;
  if (auth) details.auth = auth;
  const said = `${message} (${fields.code ?? 'no SQLSTATE'})`;
  switch (state) {
    case 'starting-up':
    case 'shutting-down':
      return {
        ready: false,
        problem: 'starting-up',
        summary: `PostgreSQL is not accepting connections: ${said}`,
        details,
      };
    case 'auth-required':
      return {
        ready: true,
        summary: `PostgreSQL is up; it refused user "${context.user}": ${said}`,
        details,
      };
    case 'up-with-error':
      return { ready: true, summary: `PostgreSQL is up; it refused the session: ${said}`, details };
    default:
      return {
        ready: false,
        problem: 'refused-by-service',
        summary: `PostgreSQL refused the connection: ${said}`,
        details,
      };
  }
}

function authResult(
  request: ReturnType<typeof parseAuthRequest>,
  context: StartupContext,
): ExchangeResult {
  const details: Record<string, unknown> = {
    state: 'auth-required',
    auth: request.auth,
    ssl: context.ssl,
    user: context.user,
  };
  if (request.mechanisms) details.mechanisms = request.mechanisms;
  return {
    ready: true,
    summary: `PostgreSQL is up; it asks user "${context.user}" to authenticate (${request.auth})`,
    details,
  };
}

function readyResult(context: StartupContext, serverVersion: string | undefined): ExchangeResult {
  const details: Record<string, unknown> = {
    state: 'ready',
    auth: 'ok',
    ssl: context.ssl,
    user: context.user,
    database: context.database,
  };
  if (serverVersion) details.serverVersion = serverVersion;
  const version = serverVersion ? ` ${serverVersion}` : '';
  const over = context.ssl ? ' over TLS' : '';
  return {
    ready: true,
    summary: `PostgreSQL${version} ready: user "${context.user}" connected to database "${context.database}"${over}`,
    details,
  };
}

/**
 * Judges the backend messages that answer a StartupMessage, from all bytes received so far;
 * `undefined` while a decision needs more. AuthenticationOk is not yet a verdict: with trust
 * auth a missing role (28000) or database (3D000) is reported after it, so the probe reads on
 * to ReadyForQuery or an ErrorResponse.
 */
export function decideStartupReply(
  bytes: Buffer,
  context: StartupContext,
): StartupDecision | undefined {
  let offset = 0;
  let auth: PostgresAuth | undefined;
  let serverVersion: string | undefined;
  for (;;) {
    const message = parseBackendMessage(bytes, offset);
    if (message === 'incomplete') {
      if (bytes.length <= MAX_BACKEND_MESSAGE_BYTES) return undefined;
      return { result: wrongServiceResult(SERVICE, bytes), terminate: false };
    }
    const allowed = offset === 0 ? FIRST_TYPES : STARTUP_TYPES;
    if (message === 'invalid' || !allowed.includes(message.type)) {
      return { result: wrongServiceResult(SERVICE, bytes), terminate: false };
    }
    offset += message.size;
    if (message.type === 'R') {
      const request = parseAuthRequest(message.body);
      if (request.code !== 0) return { result: authResult(request, context), terminate: false };
      auth = 'ok';
    } else if (message.type === 'E') {
      return {
        result: errorResult(parseErrorFields(message.body), context, auth),
        terminate: false,
      };
    } else if (message.type === 'S') {
      const parameter = parseParameterStatus(message.body);
      if (parameter.name === 'server_version') serverVersion = parameter.value;
    } else if (message.type === 'Z') {
      return { result: readyResult(context, serverVersion), terminate: true };
    }
  }
}
