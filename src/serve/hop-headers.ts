/**
 * Header rewriting for the path proxy. Headers travel as Node's raw list (`rawHeaders`:
 * name, value, name, value …) so casing, order and repeated headers (Set-Cookie, Cookie)
 * survive the hop; `http.request` and `response.writeHead` both take that form.
 */

/** Headers describing one connection, never forwarded (RFC 9110 §7.6.1, RFC 9112 §9.6). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers the proxy sets itself: incoming values are dropped, never appended to. */
const SET_BY_PROXY = new Set(['host', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);

/** What the proxy knows about the incoming request, for the headers it sets. */
export interface ForwardedFrom {
  /** The client's address (`req.socket.remoteAddress`); X-Forwarded-For is omitted without it. */
  clientAddress: string | undefined;
  /** The Host the client sent; X-Forwarded-Host is omitted without it (HTTP/1.0). */
  originalHost: string | undefined;
  /** The scheme the client used to reach the proxy, for X-Forwarded-Proto. */
  proto: 'http' | 'https';
  /** The backend's `host[:port]` as in its URL (`127.0.0.1:3000`, `[::1]:3000`), sent as Host. */
  targetHost: string;
  /** True for an Upgrade request: `Connection: Upgrade` and `Upgrade` go to the backend. */
  upgrade: boolean;
}

/** The scheme the client used to reach the proxy: https on a TLS socket, http otherwise. */
export function forwardedProto(socket: object): 'http' | 'https' {
  return (socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
}

/** Lower-cased header names listed in the Connection headers of a raw list. */
export function connectionTokens(rawHeaders: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'connection') continue;
    for (const token of rawHeaders[i + 1]!.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') tokens.add(name);
    }
  }
  return tokens;
}

/** True for a header that belongs to one connection: the fixed set, Proxy-*, and those listed. */
export function isHopByHop(name: string, listed: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  return HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || listed.has(lower);
}

/** The raw headers without hop-by-hop ones and without those `drop` names (lower case). */
function withoutHopByHop(rawHeaders: readonly string[], drop: ReadonlySet<string>): string[] {
  const listed = connectionTokens(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (isHopByHop(name, listed) || drop.has(name.toLowerCase())) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  return out;
}

function valuesOf(rawHeaders: readonly string[], lowerName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    if (rawHeaders[i]!.toLowerCase() === lowerName) values.push(rawHeaders[i + 1]!);
  return values;
}

/**
 * Headers to send to the backend, as a raw list: Host first (the backend's), then the client's
 * end-to-end headers, then X-Forwarded-For/-Host/-Proto, replacing any the client sent.
 * Hop-by-hop headers are dropped; for an Upgrade request `Connection: Upgrade` and the client's
 * Upgrade header are sent instead. `Expect` is dropped too: Node's server has already answered
 * `100 Continue`, and a second one from the backend would only be discarded. A body of unknown
 * length (the client sent Transfer-Encoding) is re-framed as chunked, since Node only chunks
 * by default for methods that usually carry a body.
 */
export function forwardRequestHeaders(
  rawHeaders: readonly string[],
  from: ForwardedFrom,
): string[] {
  const drop = new Set([...SET_BY_PROXY, 'expect']);
  const out = ['Host', from.targetHost, ...withoutHopByHop(rawHeaders, drop)];
  if (from.upgrade) {
    out.push('Connection', 'Upgrade');
    for (const value of valuesOf(rawHeaders, 'upgrade')) out.push('Upgrade', value);
  } else if (valuesOf(rawHeaders, 'transfer-encoding').length > 0) {
    out.push('Transfer-Encoding', 'chunked');
  }
  if (from.clientAddress) out.push('X-Forwarded-For', from.clientAddress);
  if (from.originalHost) out.push('X-Forwarded-Host', from.originalHost);
  out.push('X-Forwarded-Proto', from.proto);
  return out;
}

/**
 * Headers to send back to the client, as a raw list: the backend's, without hop-by-hop ones
 * (Node's server frames the body and manages the connection itself).
 */
export function forwardResponseHeaders(rawHeaders: readonly string[]): string[] {
  return withoutHopByHop(rawHeaders, new Set());
}
