import { describe, expect, it } from 'vitest';
import {
  describeUnanswered,
  type UnansweredFacts,
} from '../../src/probes/protocols/http-unanswered.js';
import type { ExchangeResult } from '../../src/probes/types.js';

const request = 'GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n';
const facts = (extra: Partial<UnansweredFacts>): UnansweredFacts => ({
  port: 8080,
  plaintext: true,
  request,
  bytes: Buffer.alloc(0),
  timedOut: false,
  timeoutMs: 4_000,
  ...extra,
});

describe('describeUnanswered', () => {
  it.each<[string, UnansweredFacts, Partial<ExchangeResult>]>([
    [
      'silence',
      facts({ timedOut: true }),
      {
        problem: 'no-response',
        summary:
          'The server on port 8080 accepted the connection but sent no HTTP response within 4000 ms',
      },
    ],
    [
      'half a head',
      facts({ timedOut: true, bytes: Buffer.from('HTTP/1.1 200') }),
      {
        problem: 'no-response',
        summary:
          'The server on port 8080 accepted the connection but sent an incomplete HTTP response head within 4000 ms',
      },
    ],
    [
      'a reset',
      facts({ end: { how: 'error', code: 'ECONNRESET' } }),
      { outcome: 'reset-after-connect' },
    ],
    [
      'a close over plaintext',
      facts({ end: { how: 'end' } }),
      {
        outcome: 'closed-before-data',
        details: { maybeTls: true },
        summary:
          'The server on port 8080 closed the connection without answering the HTTP request (a TLS server does this with plain HTTP; try https://)',
      },
    ],
    ['EPIPE', facts({ end: { how: 'error', code: 'EPIPE' } }), { outcome: 'closed-before-data' }],
    [
      'a close inside TLS',
      facts({ end: { how: 'end' }, plaintext: false }),
      {
        outcome: 'closed-before-data',
        summary: 'The server on port 8080 closed the connection without answering the HTTP request',
      },
    ],
    [
      'a close mid-head',
      facts({ end: { how: 'end' }, bytes: Buffer.from('HTTP/1.1 2') }),
      {
        summary: 'The server on port 8080 closed the connection in the middle of the response head',
      },
    ],
    [
      'a TLS alert over plaintext',
      facts({ bytes: Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]) }),
      {
        problem: 'plaintext-expected',
        summary: 'The server on port 8080 speaks TLS; use https://',
      },
    ],
    [
      'TLS bytes inside TLS',
      facts({ plaintext: false, bytes: Buffer.from([0x16, 0x03, 0x03, 0x00]) }),
      { problem: 'wrong-service' },
    ],
    [
      'Redis',
      facts({ bytes: Buffer.from("-ERR wrong number of arguments for 'get' command\r\n") }),
      {
        problem: 'wrong-service',
        summary: 'The server on port 8080 speaks Redis (RESP), not HTTP',
        details: { service: 'redis' },
      },
    ],
    [
      'an echo',
      facts({ bytes: Buffer.from(request) }),
      {
        problem: 'wrong-service',
        summary: 'The server on port 8080 sent our HTTP request back (an echo server?)',
      },
    ],
    [
      'noise',
      facts({ bytes: Buffer.from('220 ftp ready\r\n') }),
      {
        problem: 'wrong-service',
        summary: 'The server on port 8080 answered with non-HTTP bytes',
        details: { firstBytes: '220 ftp ready\\r\\n', service: 'unknown' },
      },
    ],
  ])('%s', (_name, input, expected) => {
    const result = describeUnanswered(input);
    expect(result.ready).toBe(false);
    expect(result).toMatchObject(expected);
  });
});
