import { describe, expect, it } from 'vitest';
import {
  acceptsHtml,
  escapeHtml,
  formatRawResponse,
  renderProxyErrorPage,
} from '../../src/serve/error-page.js';
import { classifyProxyError, proxyFailure } from '../../src/serve/proxy-failure.js';
import type { ProxyRoute } from '../../src/serve/proxy-route.js';

const route: ProxyRoute = { prefix: '/api', target: new URL('http://127.0.0.1:3000') };
const refused = proxyFailure('refused', 'ECONNREFUSED');

describe('classifyProxyError', () => {
  it.each([
    ['ECONNREFUSED', 'refused', 502],
    ['ENOTFOUND', 'unreachable', 502],
    ['EHOSTUNREACH', 'unreachable', 502],
    ['EADDRNOTAVAIL', 'unreachable', 502],
    ['ETIMEDOUT', 'connect-timeout', 504],
    ['ECONNRESET', 'reset', 502],
    ['EPIPE', 'reset', 502],
    ['HPE_INVALID_CONSTANT', 'bad-response', 502],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 502],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', 502],
    ['CERT_HAS_EXPIRED', 'tls', 502],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', 502],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls', 502],
    ['EPROTO', 'tls', 502],
    ['ERR_SOMETHING_ELSE', 'failed', 502],
  ])('%s → %s (%d)', (code, kind, status) => {
    const error = Object.assign(new Error('x'), { code });
    expect(classifyProxyError(error)).toEqual({ kind, status, errno: code });
  });

  it('names an error without a code by its name', () => {
    expect(classifyProxyError(new TypeError('x'))).toMatchObject({
      kind: 'failed',
      errno: 'TypeError',
    });
    expect(classifyProxyError('weird')).toMatchObject({ kind: 'failed', errno: 'UNKNOWN' });
  });

  it('gives 504 for the timeouts and 503 when closed', () => {
    expect(proxyFailure('response-timeout', 'ETIMEDOUT', 300)).toEqual({
      kind: 'response-timeout',
      status: 504,
      errno: 'ETIMEDOUT',
      timeoutMs: 300,
    });
    expect(proxyFailure('closed', 'ECLOSED').status).toBe(503);
  });
});

describe('acceptsHtml', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['text/html', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['application/xhtml+xml', true],
    ['TEXT/HTML; charset=utf-8', true],
    ['text/html;q=0, text/plain', false],
    ['text/plain, text/html;q=0.1', true],
  ])('%j → %s', (accept, expected) => {
    expect(acceptsHtml(accept)).toBe(expected);
  });
});

describe('renderProxyErrorPage', () => {
  it('writes plain text naming the backend, prefix, errno and the doctor command', () => {
    const page = renderProxyErrorPage(refused, route, false);
    expect(page.status).toBe(502);
    expect(page.body).toBe(
      [
        '502 Bad Gateway',
        'http://127.0.0.1:3000/ refused the connection: nothing is listening on 127.0.0.1:3000.',
        'prefix:  /api',
        'backend: http://127.0.0.1:3000/',
        'error:   ECONNREFUSED',
        'Is the backend running? Start it, or see why it cannot be reached: portier doctor http://127.0.0.1:3000',
        '',
      ].join('\n'),
    );
    expect(page.headers).toMatchObject({
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(page.body)),
      'Cache-Control': 'no-store',
    });
  });

  it('names an IPv6 backend with brackets and its doctor target as an http URL', () => {
    const v6: ProxyRoute = { prefix: '/ws', target: new URL('ws://[::1]:3001/socket') };
    const page = renderProxyErrorPage(refused, v6, false);
    expect(page.body).toContain('nothing is listening on [::1]:3001');
    expect(page.body).toContain('portier doctor http://[::1]:3001');
  });

  it('says which timeout ran out', () => {
    const page = renderProxyErrorPage(
      proxyFailure('response-timeout', 'ETIMEDOUT', 250),
      route,
      false,
    );
    expect(page.status).toBe(504);
    expect(page.body).toContain('sent no response within 250 ms');
  });

  it('escapes everything it puts into the HTML page', () => {
    const hostile: ProxyRoute = {
      prefix: '/<script>alert(1)</script>',
      target: new URL('http://127.0.0.1:3000/a"b\'c'),
    };
    const page = renderProxyErrorPage(proxyFailure('failed', '<img src=x>'), hostile, true);
    expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.body).not.toContain('<script>');
    expect(page.body).not.toContain('<img');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).toContain('&lt;img src=x&gt;');
    expect(page.body).toContain('<h1>502 Bad Gateway</h1>');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('formatRawResponse', () => {
  it('writes a whole HTTP/1.1 response that closes the connection', () => {
    const raw = formatRawResponse(renderProxyErrorPage(refused, route, false));
    const [head, body] = raw.split('\r\n\r\n');
    expect(head!.split('\r\n')[0]).toBe('HTTP/1.1 502 Bad Gateway');
    expect(head).toContain('\r\nConnection: close');
    expect(head).toContain(`\r\nContent-Length: ${Buffer.byteLength(body!)}`);
  });
});
