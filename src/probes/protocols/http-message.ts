/** An HTTP/1.x response status line and headers (names lower-cased, repeats joined by `, `). */
export interface ResponseHead {
  version: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** Bytes of the status line and headers, including the blank line. */
  headBytes: number;
}

/**
 * Result of reading a response head from the bytes received so far:
 * - `incomplete`: no blank line yet (more bytes may come)
 * - `invalid`: the bytes are not an HTTP/1.x response
 */
export type HeadParse = { kind: 'head'; head: ResponseHead } | { kind: 'incomplete' | 'invalid' };

/** Heads larger than this are not a response we want to wait for. */
export const MAX_HEAD_BYTES = 16_384;

/**
 * The request bytes. We write them ourselves on the socket the orchestrator connected, so no
 * proxy environment variable (HTTP_PROXY, http_proxy, ALL_PROXY) can divert a loopback probe.
 */
export function formatRequest(options: {
  method?: 'GET' | 'HEAD';
  path: string;
  hostHeader: string;
  keepAlive?: boolean;
}): string {
  return [
    `${options.method ?? 'GET'} ${options.path} HTTP/1.1`,
    `Host: ${options.hostHeader}`,
    'User-Agent: portier',
    'Accept: */*',
    // Compressed error pages would hide the text host-check rejections are recognised by.
    'Accept-Encoding: identity',
    `Connection: ${options.keepAlive ? 'keep-alive' : 'close'}`,
    '',
    '',
  ].join('\r\n');
}

/** True while `bytes` could still become `HTTP/`: decides early that a reply is not HTTP. */
export function couldBeHttp(bytes: Uint8Array): boolean {
  const prefix = 'HTTP/';
  for (let i = 0; i < Math.min(bytes.length, prefix.length); i++) {
    if (bytes[i] !== prefix.charCodeAt(i)) return false;
  }
  return true;
}

/** Parses the status line and headers from the start of `bytes`. Pure. */
export function parseResponseHead(bytes: Buffer): HeadParse {
  if (!couldBeHttp(bytes)) return { kind: 'invalid' };
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return { kind: bytes.length > MAX_HEAD_BYTES ? 'invalid' : 'incomplete' };
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^(HTTP\/\d(?:\.\d)?) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!match) return { kind: 'invalid' };
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return {
    kind: 'head',
    head: {
      version: match[1]!,
      status: Number(match[2]),
      statusText: match[3] ?? '',
      headers,
      headBytes: end + 4,
    },
  };
}

/**
 * How the body is delimited (RFC 9112 §6.3): a byte count (0 for HEAD, 1xx, 204, 304),
 * `chunked`, or `until-close`.
 */
export function bodyFraming(
  head: ResponseHead,
  method = 'GET',
): number | 'chunked' | 'until-close' {
  const { status, headers } = head;
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return 0;
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) return 'chunked';
  const length = headers['content-length'];
  if (length !== undefined && /^\d+$/.test(length)) return Number(length);
  return 'until-close';
}

/** A chunked body read so far: the data of its complete chunks, and its length once complete. */
export interface ChunkedBody {
  data: Buffer;
  /** Bytes of the whole chunked body (last chunk and trailers included), once all arrived. */
  length?: number;
}

/** Decodes the complete chunks at the start of a chunked body (RFC 9112 §7.1). Pure. */
export function decodeChunked(bytes: Buffer): ChunkedBody {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    // parseInt stops at a chunk extension (`5;name=value`).
    const size = Number.parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) {
      // The last chunk, then optional trailer fields, then a blank line.
      const end = bytes.indexOf('\r\n\r\n', lineEnd);
      const data = Buffer.concat(parts);
      return end >= 0 ? { data, length: end + 4 } : { data };
    }
    if (!(size > 0) || lineEnd + 2 + size > bytes.length) break;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return { data: Buffer.concat(parts) };
}

/** The body of one response as received so far. */
export interface BodySoFar {
  /** Body data received so far, chunked framing removed. */
  data: Buffer;
  /** Head plus body length, once the whole body arrived (never for `until-close`). */
  messageLength?: number;
}

/** The body following `head` at the start of `bytes`. Pure. */
export function bodySoFar(bytes: Buffer, head: ResponseHead, method = 'GET'): BodySoFar {
  const framing = bodyFraming(head, method);
  const body = bytes.subarray(head.headBytes);
  if (framing === 'until-close') return { data: body };
  if (framing === 'chunked') {
    const chunked = decodeChunked(body);
    return chunked.length === undefined
      ? { data: chunked.data }
      : { data: chunked.data, messageLength: head.headBytes + chunked.length };
  }
  const data = body.subarray(0, framing);
  return data.length === framing ? { data, messageLength: head.headBytes + framing } : { data };
}

/** Whether the server keeps the connection open after this response (RFC 9112 §9.3). */
export function keepsAlive(head: ResponseHead): boolean {
  const connection = head.headers.connection ?? '';
  if (/\bclose\b/i.test(connection)) return false;
  return head.version !== 'HTTP/1.0' || /\bkeep-alive\b/i.test(connection);
}

/**
 * The path to request next for a redirect, when `location` stays on the same scheme, host and
 * port as `base` (`http://127.0.0.1:3000/`); undefined for another origin or a bad URL.
 */
export function sameOriginRedirect(location: string, base: string): string | undefined {
  try {
    const from = new URL(base);
    const to = new URL(location, from);
    return to.origin === from.origin ? `${to.pathname}${to.search}` : undefined;
  } catch {
    return undefined;
  }
}
