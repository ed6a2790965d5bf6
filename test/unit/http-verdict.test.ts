import { describe, expect, it } from 'vitest';
import type { ResponseHead } from '../../src/probes/protocols/http-message.js';
import {
  type HttpResponseFacts,
  judgeHttpResponse,
} from '../../src/probes/protocols/http-verdict.js';
import type { ExchangeResult } from '../../src/probes/types.js';

const head = (
  status: number,
  statusText: string,
  headers: Record<string, string> = {},
): ResponseHead => ({
  version: 'HTTP/1.1',
  status,
  statusText,
  headers,
  headBytes: 0,
});
const facts = (
  status: number,
  statusText: string,
  body = '',
  extra: Partial<HttpResponseFacts> = {},
  headers: Record<string, string> = {},
): HttpResponseFacts => ({
  head: head(status, statusText, headers),
  body,
  hostHeader: 'localhost:5173',
  plaintext: true,
  ...extra,
});

describe('judgeHttpResponse', () => {
  it.each<[string, HttpResponseFacts, Partial<ExchangeResult>]>([
    ['200', facts(200, 'OK'), { ready: true, summary: 'HTTP 200 OK' }],
    ['204 without reason', facts(204, ''), { ready: true, summary: 'HTTP 204' }],
    [
      '302 not followed',
      facts(302, 'Found', '', {}, { location: '/login' }),
      { ready: true, summary: 'HTTP 302 Found → /login' },
    ],
    [
      '404',
      facts(404, 'Not Found'),
      {
        ready: false,
        problem: 'http-status',
        summary: 'HTTP 404 Not Found: status 404 is not accepted',
      },
    ],
    ['503', facts(503, 'Service Unavailable'), { ready: false, problem: 'http-status' }],
    [
      '404 accepted',
      facts(404, 'Not Found', '', { acceptStatus: (s) => s === 404 }),
      { ready: true },
    ],
    [
      '302 refused by acceptStatus',
      facts(302, 'Found', '', { acceptStatus: (s) => s === 200 }),
      { ready: false, problem: 'http-status' },
    ],
    [
      'a Vite rejection',
      facts(403, 'Forbidden', 'Blocked request. This host ("localhost") is not allowed.'),
      {
        ready: false,
        problem: 'host-header-rejected',
        summary:
          'HTTP 403 Forbidden: the server refused the Host header "localhost:5173" (vite: Blocked request. This host ("localhost") is not allowed.)',
      },
    ],
    [
      'a rejection even when acceptStatus takes 403',
      facts(403, 'Forbidden', 'Invalid Host header', { acceptStatus: () => true }),
      { ready: false, problem: 'host-header-rejected' },
    ],
    [
      "nginx's plain-on-TLS 400 over plaintext",
      facts(400, 'Bad Request', 'The plain HTTP request was sent to HTTPS port'),
      {
        ready: false,
        problem: 'plaintext-expected',
        summary:
          'HTTP 400 Bad Request: the server speaks TLS; use https:// ("plain HTTP request was sent to HTTPS port")',
      },
    ],
    [
      'the same text over TLS is just a 400',
      facts(400, 'Bad Request', 'The plain HTTP request was sent to HTTPS port', {
        plaintext: false,
      }),
      { ready: false, problem: 'http-status' },
    ],
  ])('%s', (_name, input, expected) => {
    expect(judgeHttpResponse(input)).toMatchObject(expected);
  });

  it('puts status, headers, Host and redirects in the details', () => {
    const result = judgeHttpResponse(
      facts(
        200,
        'OK',
        '',
        { redirects: [{ status: 302, location: '/login' }] },
        { server: 'nginx', 'content-type': 'text/html' },
      ),
    );
    expect(result.details).toEqual({
      status: 200,
      statusText: 'OK',
      hostHeader: 'localhost:5173',
      server: 'nginx',
      contentType: 'text/html',
      redirects: [{ status: 302, location: '/login' }],
    });
  });

  it('names the source and evidence of a Host rejection', () => {
    const result = judgeHttpResponse(facts(421, 'Misdirected Request'));
    expect(result.details).toMatchObject({
      hostRejection: 'misdirected',
      evidence: '421 Misdirected Request',
    });
  });
});
