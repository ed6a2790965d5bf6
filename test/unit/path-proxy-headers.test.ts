import { describe, expect, it } from 'vitest';
import {
  connectionTokens,
  type ForwardedFrom,
  forwardedProto,
  forwardRequestHeaders,
  forwardResponseHeaders,
} from '../../src/serve/hop-headers.js';

const from: ForwardedFrom = {
  clientAddress: '127.0.0.1',
  originalHost: '127.0.0.1:57573',
  proto: 'http',
  targetHost: '127.0.0.1:3000',
  upgrade: false,
};

/** Raw list → [name, value] pairs, for readable expectations. */
function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

describe('connectionTokens', () => {
  it.each([
    [[], []],
    [['Connection', 'keep-alive'], ['keep-alive']],
    [
      ['connection', 'Keep-Alive, X-Foo ,,x-bar'],
      ['keep-alive', 'x-foo', 'x-bar'],
    ],
    [
      ['Connection', 'close', 'CONNECTION', 'X-Two'],
      ['close', 'x-two'],
    ],
    [['X-Connection', 'x-not'], []],
  ])('%j', (raw, tokens) => {
    expect([...connectionTokens(raw)]).toEqual(tokens);
  });
});

describe('forwardRequestHeaders', () => {
  it('puts the backend Host first, keeps end-to-end headers in order, appends X-Forwarded-*', () => {
    const raw = ['Host', '127.0.0.1:57573', 'Accept', '*/*', 'Cookie', 'a=1', 'Cookie', 'b=2'];
    expect(pairs(forwardRequestHeaders(raw, from))).toEqual([
      ['Host', '127.0.0.1:3000'],
      ['Accept', '*/*'],
      ['Cookie', 'a=1'],
      ['Cookie', 'b=2'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Host', '127.0.0.1:57573'],
      ['X-Forwarded-Proto', 'http'],
    ]);
  });

  it.each([
    ['Connection', 'keep-alive'],
    ['Keep-Alive', 'timeout=5'],
    ['Proxy-Authorization', 'Basic x'],
    ['Proxy-Connection', 'keep-alive'],
    ['proxy-anything', 'x'],
    ['TE', 'trailers'],
    ['Trailer', 'X-Sum'],
    ['Transfer-Encoding', 'gzip, chunked'], // re-framed as plain chunked, tested below
    ['Upgrade', 'h2c'],
    ['X-Forwarded-For', '6.6.6.6'],
    ['x-forwarded-host', 'evil'],
    ['X-Forwarded-Proto', 'https'],
    ['Host', 'evil'],
    ['Expect', '100-continue'],
  ])('drops %s from the client', (name, value) => {
    const out = forwardRequestHeaders([name, value], from);
    expect(out.filter((_, i) => i % 2 === 1)).not.toContain(value);
  });

  it('drops the headers the client listed in Connection', () => {
    const raw = ['Connection', 'X-Hop, x-other', 'X-Hop', '1', 'X-Other', '2', 'X-Keep', '3'];
    expect(pairs(forwardRequestHeaders(raw, from)).map(([name]) => name)).toEqual([
      'Host',
      'X-Keep',
      'X-Forwarded-For',
      'X-Forwarded-Host',
      'X-Forwarded-Proto',
    ]);
  });

  it('re-frames a body of unknown length as chunked', () => {
    const out = pairs(forwardRequestHeaders(['Transfer-Encoding', 'chunked'], from));
    expect(out).toContainEqual(['Transfer-Encoding', 'chunked']);
  });

  it('keeps Connection: Upgrade and the Upgrade header for an upgrade, dropping the rest', () => {
    const raw = [
      'Connection',
      'keep-alive, Upgrade',
      'Upgrade',
      'websocket',
      'Keep-Alive',
      'timeout=5',
      'Sec-WebSocket-Key',
      'k',
    ];
    expect(pairs(forwardRequestHeaders(raw, { ...from, upgrade: true }))).toEqual([
      ['Host', '127.0.0.1:3000'],
      ['Sec-WebSocket-Key', 'k'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Host', '127.0.0.1:57573'],
      ['X-Forwarded-Proto', 'http'],
    ]);
  });

  it('omits X-Forwarded-For and -Host it does not know, and says https when it is', () => {
    const out = forwardRequestHeaders([], {
      ...from,
      clientAddress: undefined,
      originalHost: undefined,
      proto: 'https',
    });
    expect(pairs(out)).toEqual([
      ['Host', '127.0.0.1:3000'],
      ['X-Forwarded-Proto', 'https'],
    ]);
  });
});

describe('forwardResponseHeaders', () => {
  it('drops hop-by-hop headers and keeps repeated Set-Cookie in order', () => {
    const raw = [
      'Connection',
      'keep-alive, X-Hop',
      'Keep-Alive',
      'timeout=5',
      'Transfer-Encoding',
      'chunked',
      'Proxy-Authenticate',
      'Basic',
      'Trailer',
      'X-Sum',
      'X-Hop',
      '1',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Content-Type',
      'text/plain',
    ];
    expect(pairs(forwardResponseHeaders(raw))).toEqual([
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['Content-Type', 'text/plain'],
    ]);
  });
});

describe('forwardedProto', () => {
  it.each([
    [{}, 'http'],
    [{ encrypted: true }, 'https'],
    [{ encrypted: false }, 'http'],
  ])('%j → %s', (socket, proto) => {
    expect(forwardedProto(socket)).toBe(proto);
  });
});
