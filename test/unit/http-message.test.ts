import { describe, expect, it } from 'vitest';
import {
  bodyFraming,
  bodySoFar,
  decodeChunked,
  formatRequest,
  keepsAlive,
  parseResponseHead,
  type ResponseHead,
  sameOriginRedirect,
} from '../../src/probes/protocols/http-message.js';

const text = (value: string) => Buffer.from(value, 'latin1');
const head = (
  status: number,
  headers: Record<string, string> = {},
  version = 'HTTP/1.1',
): ResponseHead => ({
  version,
  status,
  statusText: '',
  headers,
  headBytes: 10,
});

describe('formatRequest', () => {
  it('writes a GET with Host, User-Agent, identity encoding and Connection: close', () => {
    expect(formatRequest({ path: '/a?b=1', hostHeader: '[::1]:8080' })).toBe(
      'GET /a?b=1 HTTP/1.1\r\nHost: [::1]:8080\r\nUser-Agent: portier\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n',
    );
  });

  it('asks for keep-alive when redirects will be followed, and can send HEAD', () => {
    const request = formatRequest({
      method: 'HEAD',
      path: '/',
      hostHeader: 'localhost:80',
      keepAlive: true,
    });
    expect(request.startsWith('HEAD / HTTP/1.1\r\n')).toBe(true);
    expect(request).toContain('\r\nConnection: keep-alive\r\n');
  });
});

describe('parseResponseHead', () => {
  it('reads status, reason and headers, joining repeats', () => {
    const bytes = text(
      'HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Empty:\r\n\r\nbody',
    );
    expect(parseResponseHead(bytes)).toEqual({
      kind: 'head',
      head: {
        version: 'HTTP/1.1',
        status: 301,
        statusText: 'Moved Permanently',
        headers: { location: '/new', 'set-cookie': 'a=1, b=2', 'x-empty': '' },
        headBytes: bytes.length - 4,
      },
    });
  });

  it.each([
    ['', 'incomplete'],
    ['HT', 'incomplete'],
    ['HTTP/1.1 200 OK\r\nServer: x\r\n', 'incomplete'],
    ['SSH-2.0-OpenSSH\r\n', 'invalid'],
    ['HTTP/1.1 abc\r\n\r\n', 'invalid'],
    ['\x15\x03\x03\x00\x02', 'invalid'],
    [`HTTP/1.1 200 OK\r\n${'X-Long: y\r\n'.repeat(2_000)}`, 'invalid'],
  ])('%j is %s', (input, kind) => {
    expect(parseResponseHead(text(input)).kind).toBe(kind);
  });

  it('accepts a status line without a reason phrase', () => {
    expect(parseResponseHead(text('HTTP/1.1 204\r\n\r\n'))).toMatchObject({
      head: { status: 204, statusText: '' },
    });
  });
});

describe('bodyFraming', () => {
  it.each<[string, ResponseHead, string, number | string]>([
    ['Content-Length', head(200, { 'content-length': '12' }), 'GET', 12],
    ['chunked', head(200, { 'transfer-encoding': 'gzip, chunked' }), 'GET', 'chunked'],
    ['neither', head(200), 'GET', 'until-close'],
    ['204', head(204, { 'content-length': '5' }), 'GET', 0],
    ['304', head(304), 'GET', 0],
    ['1xx', head(103), 'GET', 0],
    ['HEAD', head(200, { 'content-length': '99' }), 'HEAD', 0],
    ['a bad length', head(200, { 'content-length': '1, 2' }), 'GET', 'until-close'],
  ])('%s', (_name, input, method, expected) => {
    expect(bodyFraming(input, method)).toBe(expected);
  });
});

describe('decodeChunked', () => {
  it.each<[string, string, { data: string; length?: number }]>([
    [
      'complete',
      '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n',
      { data: 'hello world', length: 32 },
    ],
    ['with a trailer', '2\r\nhi\r\n0\r\nX-Sum: 1\r\n\r\n', { data: 'hi', length: 22 }],
    ['a partial chunk', '5\r\nhello\r\n6\r\n wo', { data: 'hello' }],
    ['no end yet', '5\r\nhello\r\n0\r\n', { data: 'hello' }],
    ['nothing', '', { data: '' }],
    ['garbage', 'zz\r\nhello', { data: '' }],
  ])('%s', (_name, input, expected) => {
    const result = decodeChunked(text(input));
    expect({
      data: result.data.toString('latin1'),
      ...(result.length === undefined ? {} : { length: result.length }),
    }).toEqual(expected);
  });
});

describe('bodySoFar', () => {
  const headText = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n';
  const parsed = (input: string) => {
    const result = parseResponseHead(text(input));
    if (result.kind !== 'head') throw new Error('no head');
    return result.head;
  };

  it('knows the message length once the whole body is in', () => {
    const h = parsed(headText);
    expect(bodySoFar(text(`${headText}hel`), h)).toEqual({ data: text('hel') });
    expect(bodySoFar(text(`${headText}hello, next`), h)).toEqual({
      data: text('hello'),
      messageLength: headText.length + 5,
    });
  });

  it('never knows it for a body that runs until close', () => {
    const h = parsed('HTTP/1.1 200 OK\r\n\r\n');
    expect(bodySoFar(text('HTTP/1.1 200 OK\r\n\r\nabc'), h)).toEqual({ data: text('abc') });
  });
});

describe('keepsAlive', () => {
  it.each<[ResponseHead, boolean]>([
    [head(302), true],
    [head(302, { connection: 'close' }), false],
    [head(302, { connection: 'Keep-Alive, Close' }), false],
    [head(302, {}, 'HTTP/1.0'), false],
    [head(302, { connection: 'keep-alive' }, 'HTTP/1.0'), true],
  ])('%j → %s', (input, expected) => {
    expect(keepsAlive(input)).toBe(expected);
  });
});

describe('sameOriginRedirect', () => {
  it.each<[string, string, string | undefined]>([
    ['/login', 'http://127.0.0.1:3000/', '/login'],
    ['next?x=1', 'http://127.0.0.1:3000/a/b', '/a/next?x=1'],
    ['http://127.0.0.1:3000/c', 'http://127.0.0.1:3000/', '/c'],
    ['http://localhost:3000/c', 'http://127.0.0.1:3000/', undefined],
    ['https://127.0.0.1:3000/c', 'http://127.0.0.1:3000/', undefined],
    ['http://127.0.0.1:3001/c', 'http://127.0.0.1:3000/', undefined],
    ['//evil.test/', 'http://127.0.0.1:3000/', undefined],
    ['http://[::1]:8080/x', 'http://[::1]:8080/', '/x'],
    ['http://[', 'http://127.0.0.1:3000/', undefined],
  ])('%s from %s', (location, base, expected) => {
    expect(sameOriginRedirect(location, base)).toBe(expected);
  });
});
