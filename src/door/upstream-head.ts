/**
 * The request head the door writes to an upstream, as HTTP/1.1 text. The client's header
 * names and values were checked by llhttp (tokens, no CR/LF/NUL), so they are copied as they
 * came, in order, with their casing.
 */
import { connectionTokens, isHopByHop } from '../serve/hop-headers.js';
import { DOOR_MARKER_HEADER } from './request-check.js';

/** What the head needs besides the client's raw headers. */
export interface UpstreamHeadContext {
  method: string;
  /** Origin-form target, sent unchanged (`//evil.example/x` stays a path). */
  path: string;
  /** The client's Host value, sent unchanged and as X-Forwarded-Host. */
  host: string;
  /** The client's address, for X-Forwarded-For; omitted when unknown. */
  clientAddress: string | undefined;
  /** The door's port the client connected to, for X-Forwarded-Port. */
  localPort: number | undefined;
  /** This door's id, appended as the loop marker. */
  doorId: string;
  /** True for an Upgrade request: `Connection: Upgrade` and the client's Upgrade go along. */
  upgrade: boolean;
  /** True when the client's body was chunked: the door re-frames it as chunked. */
  chunked: boolean;
}

/** The Connection values that name no other header, so the fast path needs no token set. */
const PLAIN_CONNECTION =
  /^\s*(?:keep-alive|close|upgrade)(?:\s*,\s*(?:keep-alive|close|upgrade))*\s*$/i;

/** True for headers the door sets itself or never forwards (besides hop-by-hop ones). */
function isSetByDoor(lower: string): boolean {
  return (
    lower === 'host' ||
    lower === 'expect' ||
    lower === 'forwarded' ||
    lower.startsWith('x-forwarded-')
  );
}

/** Header names listed in Connection, unless they are only keep-alive/close/upgrade. */
function listedHopHeaders(rawHeaders: readonly string[]): ReadonlySet<string> {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (
      name.length === 10 &&
      name.toLowerCase() === 'connection' &&
      !PLAIN_CONNECTION.test(rawHeaders[i + 1]!)
    )
      return connectionTokens(rawHeaders);
  }
  return NONE;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The head to send upstream: request line, the client's Host, its end-to-end headers, then
 * X-Forwarded-For/-Host/-Port/-Proto (any the client sent are dropped, never appended to) and
 * the loop marker (appended to those of other doors). Hop-by-hop headers, Expect (Node's
 * server has already answered `100 Continue`) and `Forwarded` are dropped.
 */
export function formatUpstreamHead(
  rawHeaders: readonly string[],
  ctx: UpstreamHeadContext,
): string {
  const listed = listedHopHeaders(rawHeaders);
  let head = `${ctx.method} ${ctx.path} HTTP/1.1\r\nHost: ${ctx.host}\r\n`;
  let upgrades = '';
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (isHopByHop(name, listed)) {
      if (ctx.upgrade && name.length === 7 && name.toLowerCase() === 'upgrade')
        upgrades += `Upgrade: ${rawHeaders[i + 1]}\r\n`;
      continue;
    }
    if (isSetByDoor(name.toLowerCase())) continue;
    head += `${name}: ${rawHeaders[i + 1]}\r\n`;
  }
  if (ctx.upgrade) head += `Connection: Upgrade\r\n${upgrades}`;
  else if (ctx.chunked) head += 'Transfer-Encoding: chunked\r\n';
  if (ctx.clientAddress) head += `X-Forwarded-For: ${ctx.clientAddress}\r\n`;
  head += `X-Forwarded-Host: ${ctx.host}\r\n`;
  if (ctx.localPort !== undefined) head += `X-Forwarded-Port: ${ctx.localPort}\r\n`;
  return `${head}X-Forwarded-Proto: http\r\n${DOOR_MARKER_HEADER}: ${ctx.doorId}\r\n\r\n`;
}
