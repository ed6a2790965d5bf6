import type { ExchangeResult } from '../types.js';
import { MAX_FIRST_LINE_CHARS, wrongServiceResult } from './foreign-reply.js';

/** PING as a RESP array of one bulk string, as redis-cli sends it. */
export const PING_COMMAND = '*1\r\n$4\r\nPING\r\n';

/** Longest first line accepted before the reply is judged not RESP, in bytes. */
const MAX_RESP_LINE_BYTES = 4096;

/** RESP2 and RESP3 type bytes. */
const RESP_TYPES = '+-:$*_,#!=(%~>|';

/** The first line of a RESP reply: its type byte and the text after it. */
export interface RespLine {
  /** `+` simple string, `-` error, `:` integer, `$` bulk, `*` array, or a RESP3 type. */
  type: string;
  /** The line after the type byte, without CRLF. */
  text: string;
}

/**
 * Reads the first line of a RESP reply: `incomplete` until CRLF arrives, `invalid` when the
 * first byte is no RESP type or no CRLF comes within {@link MAX_RESP_LINE_BYTES}.
 */
export function parseRespLine(text: string): RespLine | 'incomplete' | 'invalid' {
  if (text === '') return 'incomplete';
  if (!RESP_TYPES.includes(text[0]!)) return 'invalid';
  const end = text.indexOf('\r\n');
  if (end < 0) return text.length > MAX_RESP_LINE_BYTES ? 'invalid' : 'incomplete';
  return { type: text[0]!, text: text.slice(1, end) };
}

/**
 * Error prefixes meaning "up, but this client must authenticate": NOAUTH (requirepass),
 * WRONGPASS (ACL), and the "-ERR operation not permitted" of Redis before 2.8.
 */
const AUTH_ERROR = /^(NOAUTH|WRONGPASS)\b|^ERR (operation not permitted|.*\bAUTH\b)/;
/** Errors of a server that is up but not serving now: replica without master, busy script. */
const BUSY_ERROR = /^(MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN)\b/;

function errorResult(message: string, reply: string): ExchangeResult {
  if (/^LOADING\b/.test(message)) {
    return {
      ready: false,
      problem: 'starting-up',
      summary: `Redis is starting up: ${message}`,
      details: { reply, state: 'loading' },
    };
  }
  if (AUTH_ERROR.test(message)) {
    return {
      ready: true,
      summary: `Redis is up; it requires authentication: ${message}`,
      details: { reply, auth: 'required' },
    };
  }
  if (/^NOPERM\b/.test(message)) {
    return {
      ready: true,
      summary: `Redis is up; this user may not run PING: ${message}`,
      details: { reply, auth: 'no-permission' },
    };
  }
  const state = BUSY_ERROR.test(message) ? 'busy' : 'error';
  return {
    ready: false,
    problem: 'refused-by-service',
    summary: `Redis answered PING with an error: ${message}`,
    details: { reply, state },
  };
}

/**
 * Judges the first line of the reply to PING: `+PONG` is ready; `-LOADING` is starting up;
 * `-NOAUTH`/`-WRONGPASS` are up with auth required; other errors refuse; a RESP reply other
 * than PONG is not Redis.
 */
export function decideRedisReply(line: RespLine): ExchangeResult {
  const reply = `${line.type}${line.text}`.slice(0, MAX_FIRST_LINE_CHARS);
  if (line.type === '+' && line.text === 'PONG') {
    return { ready: true, summary: 'Redis answered PING with PONG', details: { reply } };
  }
  if (line.type === '-') return errorResult(line.text, reply);
  return {
    ready: false,
    problem: 'wrong-service',
    summary: `Not Redis: a RESP server answered PING with "${reply}" instead of +PONG`,
    details: { reply, expected: 'Redis', service: 'redis' },
  };
}

/** For {@link readReply}: the decision on the bytes so far, or `undefined` to read on. */
export function takeRedisReply(bytes: Buffer): ExchangeResult | undefined {
  const line = parseRespLine(bytes.toString('utf8'));
  if (line === 'incomplete') return undefined;
  if (line === 'invalid') return wrongServiceResult('Redis', bytes);
  return decideRedisReply(line);
}
