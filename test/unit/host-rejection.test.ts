import { describe, expect, it } from 'vitest';
import {
  detectHostRejection,
  detectPlainHttpOnTlsPort,
  type HostRejection,
} from '../../src/probes/protocols/host-rejection.js';

const VITE =
  'Blocked request. This host ("myapp.test") is not allowed.\nTo allow this host, add "myapp.test" to `server.allowedHosts` in vite.config.js.';
const DJANGO = `<!DOCTYPE html><html lang="en"><head><title>DisallowedHost
          at /</title><style>body { font: small sans-serif; }</style></head><body>
<h1>DisallowedHost at /</h1><pre class="exception_value">Invalid HTTP_HOST header: &#x27;myapp.test:8000&#x27;. You may need to add &#x27;myapp.test&#x27; to ALLOWED_HOSTS.</pre>`;
const RAILS =
  '<html><body><h1>Blocked hosts: myapp.test</h1><p>To allow requests to these hosts, make sure they are valid hostnames (containing only numbers, letters, dashes and dots), then add the following to your environment configuration:</p><pre>config.hosts &lt;&lt; "myapp.test"</pre></body></html>';

describe('detectHostRejection', () => {
  it.each<[string, number, string, HostRejection | undefined]>([
    [
      'webpack-dev-server 4/5 (403)',
      403,
      'Invalid Host header',
      { source: 'webpack-dev-server', evidence: 'Invalid Host header' },
    ],
    [
      'webpack-dev-server 3 (200, bare text)',
      200,
      'Invalid Host header',
      { source: 'webpack-dev-server', evidence: 'Invalid Host header' },
    ],
    [
      'webpack-dev-server websocket check',
      403,
      'Invalid Host/Origin header',
      { source: 'webpack-dev-server', evidence: 'Invalid Host/Origin header' },
    ],
    [
      'Starlette TrustedHostMiddleware',
      400,
      'Invalid host header',
      { source: 'webpack-dev-server', evidence: 'Invalid host header' },
    ],
    ['Vite', 403, VITE, { source: 'vite', evidence: VITE.replace('\n', ' ') }],
    [
      'Django DEBUG page',
      400,
      DJANGO,
      {
        source: 'django',
        evidence:
          "DisallowedHost at / Invalid HTTP_HOST header: 'myapp.test:8000'. You may need to add 'myapp.test' to ALLOWED_HOSTS.",
      },
    ],
    [
      'Rails HostAuthorization',
      403,
      RAILS,
      {
        source: 'rails',
        evidence:
          'Blocked hosts: myapp.test To allow requests to these hosts, make sure they are valid hostnames (containing only numbers, letters, dashes and dots), then add the following to your environment configura',
      },
    ],
    [
      '421 with a body',
      421,
      'Misdirected Request',
      { source: 'misdirected', evidence: 'Misdirected Request' },
    ],
    ['421 without a body', 421, '', { source: 'misdirected', evidence: '421 Misdirected Request' }],
    [
      'generic JSON',
      403,
      '{"error":"Forbidden: host not allowed"}',
      { source: 'generic', evidence: 'Forbidden: host not allowed' },
    ],
    [
      'a 200 page that mentions it',
      200,
      '<p>If you see Invalid Host header, add the host.</p>',
      undefined,
    ],
    ['a plain 403', 403, 'Forbidden', undefined],
    ['a 500 with the words', 500, 'Invalid Host header', undefined],
    ['an empty 400', 400, '', undefined],
    [
      'Django DisallowedHost title only',
      400,
      '<title>DisallowedHost at /</title>',
      { source: 'django', evidence: 'DisallowedHost at /' },
    ],
  ])('%s', (_name, status, body, expected) => {
    expect(detectHostRejection(status, body)).toEqual(expected);
  });
});

describe('detectPlainHttpOnTlsPort', () => {
  it.each([
    [
      'nginx',
      400,
      '<center>The plain HTTP request was sent to HTTPS port</center>',
      'plain HTTP request was sent to HTTPS port',
    ],
    [
      'Go net/http',
      400,
      'Client sent an HTTP request to an HTTPS server.\n',
      'Client sent an HTTP request to an HTTPS server',
    ],
    [
      'nginx 497',
      497,
      'The plain HTTP request was sent to HTTPS port',
      'plain HTTP request was sent to HTTPS port',
    ],
    ['an ordinary 400', 400, 'Bad Request', undefined],
    ['the words on a 200', 200, 'The plain HTTP request was sent to HTTPS port', undefined],
  ])('%s', (_name, status, body, expected) => {
    expect(detectPlainHttpOnTlsPort(status, body)).toBe(expected);
  });
});
