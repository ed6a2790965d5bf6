import { describe, expect, it } from 'vitest';
import { checkRequest, scanRequestHeaders } from '../../src/door/request-check.js';

const ID = 'abc123';

describe('scanRequestHeaders', () => {
  const cases: [string, string[], Partial<ReturnType<typeof scanRequestHeaders>>][] = [
    [
      'one Host',
      ['Host', 'api.localhost'],
      { host: 'api.localhost', hostCount: 1, hasBody: false },
    ],
    ['Host in any case', ['hOsT', 'a.localhost'], { host: 'a.localhost', hostCount: 1 }],
    ['no Host', ['Accept', '*/*'], { host: undefined, hostCount: 0 }],
    ['two Hosts', ['Host', 'a', 'Host', 'a'], { host: undefined, hostCount: 2 }],
    [
      'Transfer-Encoding',
      ['Host', 'a', 'Transfer-Encoding', 'chunked'],
      { transferEncoding: 'chunked', transferEncodingCount: 1, hasBody: true },
    ],
    [
      'two Transfer-Encodings',
      ['transfer-encoding', 'identity', 'Transfer-Encoding', 'chunked'],
      { transferEncoding: 'identity', transferEncodingCount: 2 },
    ],
    ['Content-Length 0', ['Content-Length', '0'], { hasBody: false }],
    ['Content-Length 5', ['Content-Length', '5'], { hasBody: true }],
    ['its own marker', ['X-Portier-Door', ID], { looped: true }],
    ['its marker among others', ['x-portier-door', `other, ${ID}`], { looped: true }],
    ['another door only', ['x-portier-door', 'other'], { looped: false }],
    ['a marker that only contains the id', ['x-portier-door', `${ID}x`], { looped: false }],
  ];
  for (const [what, raw, expected] of cases)
    it(what, () => expect(scanRequestHeaders(raw, ID)).toMatchObject(expected));
});

describe('checkRequest', () => {
  const scan = (raw: string[] = []) =>
    scanRequestHeaders(['Host', 'api.localhost:57573', ...raw], ID);
  const ok: [string, string, string][] = [
    ['origin form', '/a?b=1', '/a?b=1'],
    ['a path that looks like an authority', '//evil.example/x', '//evil.example/x'],
    ['absolute form, same host and port', 'http://api.localhost:57573/p?q', '/p?q'],
    ['absolute form, same host in other case', 'HTTP://API.LOCALHOST:57573', '/'],
    ['absolute form with a query only', 'http://api.localhost:57573?q', '/?q'],
  ];
  for (const [what, url, path] of ok)
    it(`accepts ${what}`, () =>
      expect(checkRequest({ method: 'GET', url, httpVersion: '1.1' }, scan())).toEqual({
        ok: true,
        path,
      }));

  const refused: [
    string,
    { method?: string; url?: string; httpVersion?: string },
    string[],
    number,
  ][] = [
    ['absolute form to another host', { url: 'http://evil.example/' }, [], 400],
    ['absolute form with userinfo', { url: 'http://evil@api.localhost:57573/' }, [], 400],
    ['https absolute form', { url: 'https://api.localhost:57573/' }, [], 400],
    ['asterisk form', { method: 'OPTIONS', url: '*' }, [], 400],
    ['CONNECT', { method: 'CONNECT', url: 'api.localhost:443' }, [], 405],
    ['HTTP/2.0', { httpVersion: '2.0' }, [], 505],
    ['HTTP/0.9', { httpVersion: '0.9' }, [], 505],
    ['Transfer-Encoding: ,chunked', {}, ['Transfer-Encoding', ',chunked'], 400],
    ['Transfer-Encoding: gzip, chunked', {}, ['Transfer-Encoding', 'gzip, chunked'], 400],
    [
      'two Transfer-Encodings',
      {},
      ['Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked'],
      400,
    ],
    [
      'Transfer-Encoding on HTTP/1.0',
      { httpVersion: '1.0' },
      ['Transfer-Encoding', 'chunked'],
      400,
    ],
  ];
  for (const [what, req, raw, status] of refused)
    it(`refuses ${what} with ${status}`, () => {
      const result = checkRequest(
        { method: 'POST', url: '/', httpVersion: '1.1', ...req },
        scan(raw),
      );
      expect(result).toMatchObject({ ok: false, status });
    });

  it('accepts chunked in any case and with spaces', () => {
    expect(
      checkRequest(
        { method: 'POST', url: '/', httpVersion: '1.1' },
        scan(['Transfer-Encoding', ' Chunked ']),
      ),
    ).toMatchObject({ ok: true });
  });
});
