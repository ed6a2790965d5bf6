import type { ExchangeResult } from '../types.js';
import { formatGreeting, guessServiceFromGreeting, SERVICE_NAMES } from './guess-service.js';

/** Longest reply line kept in details and summaries, in characters. */
export const MAX_FIRST_LINE_CHARS = 200;

/** The first line of a reply when it is printable text, else undefined. */
export function firstTextLine(bytes: Buffer): string | undefined {
  const end = bytes.findIndex((byte) => byte === 0x0a || byte === 0x0d);
  const line = bytes.subarray(0, end < 0 ? bytes.length : end);
  const printable = line.length > 0 && line.every((byte) => byte >= 0x20 && byte < 0x7f);
  return printable ? line.toString('latin1').slice(0, MAX_FIRST_LINE_CHARS) : undefined;
}

/**
 * The result for a reply in another protocol: not ready, `wrong-service`, with details in the
 * vocabulary the HTTP and TLS probes use (`service` from {@link guessServiceFromGreeting},
 * `firstBytes`). A TLS record is `plaintext-expected`: these probes speak plaintext first.
 * `expected` names the protocol the probe speaks (`PostgreSQL`).
 */
export function wrongServiceResult(expected: string, bytes: Buffer): ExchangeResult {
  const service = guessServiceFromGreeting(bytes);
  const firstBytes = formatGreeting(bytes);
  const speaks =
    service === 'unknown' ? 'answers in another protocol' : `speaks ${SERVICE_NAMES[service]}`;
  const sample = firstTextLine(bytes) ?? firstBytes;
  return {
    ready: false,
    problem: service === 'tls' ? 'plaintext-expected' : 'wrong-service',
    summary: `Not ${expected}: the server ${speaks} ("${sample}")`,
    details: { expected, service, firstBytes },
  };
}
