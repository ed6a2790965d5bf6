import type { ExchangeResult } from '../types.js';
import { wrongServiceResult } from './foreign-reply.js';
import type { ReadResult } from './read-reply.js';

/** What the exchange was waiting for, for the messages. */
export interface ReadContext {
  /** Protocol name for messages: `PostgreSQL`. */
  service: string;
  /** What the probe waited for: `an answer to SSLRequest`. */
  waitingFor: string;
  /** The exchange's whole budget, in ms, quoted in the no-response message. */
  timeoutMs: number;
}

/**
 * The result when a read ended without a whole reply: nothing before the timeout
 * (`no-response`), the server closed first (`closed-before-data` when no byte came, else the
 * bytes are judged as another protocol), or the connection was reset (`reset-after-connect`).
 */
export function unfinishedReadResult(
  result: Exclude<ReadResult<unknown>, { kind: 'value' }>,
  context: ReadContext,
): ExchangeResult {
  const received = result.bytes.length;
  switch (result.kind) {
    case 'timeout':
      return {
        ready: false,
        problem: 'no-response',
        summary:
          received === 0
            ? `Connected, but ${context.service} sent nothing within ${context.timeoutMs} ms (waiting for ${context.waitingFor})`
            : `Connected, but the reply stopped after ${received} bytes and did not finish within ${context.timeoutMs} ms (waiting for ${context.waitingFor})`,
        details: { waitingFor: context.waitingFor, bytesReceived: received },
      };
    case 'closed':
      if (received > 0) return wrongServiceResult(context.service, result.bytes);
      return {
        ready: false,
        outcome: 'closed-before-data',
        summary: `Connected, but the server closed the connection before it answered (waiting for ${context.waitingFor})`,
        details: { waitingFor: context.waitingFor },
      };
    case 'reset':
      return {
        ready: false,
        outcome: 'reset-after-connect',
        summary: `Connected, but the connection was reset (${result.errno}) while waiting for ${context.waitingFor}`,
        details: { waitingFor: context.waitingFor, errno: result.errno, bytesReceived: received },
      };
  }
}
