import type { ExchangeResult } from '../types.js';
import type { StreamEnd } from './byte-reader.js';
import { formatGreeting, guessServiceFromGreeting, SERVICE_NAMES } from './guess-service.js';
import { couldBeHttp } from './http-message.js';

/** What came back, if anything, when no HTTP response head could be read. */
export interface UnansweredFacts {
  port: number;
  /** The request went over plain TCP (an `http://` target), not TLS. */
  plaintext: boolean;
  /** The request that was sent, to recognise an echo. */
  request: string;
  /** Bytes received (possibly none). */
  bytes: Buffer;
  /** How the connection ended, if it did. */
  end?: StreamEnd;
  /** The deadline passed; with `timeoutMs`, the time that was given. */
  timedOut: boolean;
  timeoutMs: number;
}

/** The connection broke before any response byte: the attempt outcome says how. */
export function brokenResult(end: StreamEnd, port: number, plaintext: boolean): ExchangeResult {
  const on = `The server on port ${port}`;
  if (end.how === 'error' && end.code === 'ECONNRESET') {
    return {
      ready: false,
      outcome: 'reset-after-connect',
      summary: `${on} reset the connection without answering the HTTP request`,
    };
  }
  const result: ExchangeResult = {
    ready: false,
    outcome: 'closed-before-data',
    summary: `${on} closed the connection without answering the HTTP request`,
  };
  if (plaintext) {
    // Node's https.Server and others close silently on a plaintext request. The exchange has one
    // connection and cannot retry it with TLS, so it says so and the caller may probe https://.
    result.summary += ' (a TLS server does this with plain HTTP; try https://)';
    result.details = { maybeTls: true };
  }
  return result;
}

function notHttpResult(facts: UnansweredFacts): ExchangeResult {
  const { bytes } = facts;
  const service = guessServiceFromGreeting(bytes);
  const details = { firstBytes: formatGreeting(bytes), service };
  const on = `The server on port ${facts.port}`;
  if (service === 'tls' && facts.plaintext) {
    const summary = `${on} speaks TLS; use https://`;
    return { ready: false, problem: 'plaintext-expected', summary, details };
  }
  let summary = `${on} answered with non-HTTP bytes`;
  if (bytes.length >= 4 && facts.request.startsWith(bytes.subarray(0, 16).toString('latin1'))) {
    summary = `${on} sent our HTTP request back (an echo server?)`;
  } else if (service !== 'unknown') summary = `${on} speaks ${SERVICE_NAMES[service]}, not HTTP`;
  return { ready: false, problem: 'wrong-service', summary, details };
}

/**
 * Says why no HTTP response head came: another protocol answered (TLS → `plaintext-expected`,
 * else `wrong-service`), nothing came in time (`no-response`), the connection was reset or
 * closed before any byte (attempt outcome), or it closed mid-head. Pure.
 */
export function describeUnanswered(facts: UnansweredFacts): ExchangeResult {
  const on = `The server on port ${facts.port}`;
  if (!couldBeHttp(facts.bytes)) return notHttpResult(facts);
  if (facts.timedOut) {
    const what = facts.bytes.length > 0 ? 'an incomplete HTTP response head' : 'no HTTP response';
    const summary = `${on} accepted the connection but sent ${what} within ${Math.round(facts.timeoutMs)} ms`;
    return { ready: false, problem: 'no-response', summary };
  }
  if (facts.bytes.length === 0)
    return brokenResult(facts.end ?? { how: 'end' }, facts.port, facts.plaintext);
  return {
    ready: false,
    summary: `${on} closed the connection in the middle of the response head`,
    details: { firstBytes: formatGreeting(facts.bytes) },
  };
}
