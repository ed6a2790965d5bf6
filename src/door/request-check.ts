/**
 * The checks a request passes before the door routes it, as pure functions of what node:http
 * parsed: one Host header, a framing llhttp accepts but a stricter reader would not, an
 * origin-form target. llhttp (strict mode) already refuses CL+TE, duplicate Content-Length,
 * obs-fold, bare LF/CR and malformed chunk sizes; these cover what it lets through.
 */
import { hostName } from '../serve/host-guard.js';

/** Header the door adds to every forwarded request, valued with the door's id (loop guard). */
export const DOOR_MARKER_HEADER = 'x-portier-door';

/** What the door reads from a request's raw headers before it decides anything. */
export interface RequestHeaderScan {
  /** The Host value when there is exactly one Host header; undefined when none or several. */
  host: string | undefined;
  /** How many Host headers there are (RFC 9112 §3.2: exactly one, else 400). */
  hostCount: number;
  /** The first Transfer-Encoding value, if any. */
  transferEncoding: string | undefined;
  /** How many Transfer-Encoding headers there are. */
  transferEncodingCount: number;
  /** True when a marker header carries this door's id: the request has been through it. */
  looped: boolean;
  /** True when a body follows: a Transfer-Encoding, or a Content-Length other than 0. */
  hasBody: boolean;
}

/**
 * One pass over `rawHeaders` (name, value, name, value…) for the Host, Transfer-Encoding and
 * Content-Length headers and this door's marker. Node keeps only the first of duplicate Host headers in
 * `req.headers`, so duplicates are counted here.
 */
export function scanRequestHeaders(
  rawHeaders: readonly string[],
  doorId: string,
): RequestHeaderScan {
  const scan: RequestHeaderScan = {
    host: undefined,
    hostCount: 0,
    transferEncoding: undefined,
    transferEncodingCount: 0,
    looped: false,
    hasBody: false,
  };
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Length first: most headers are none of the three, and this skips the lower-casing.
    if (name.length === 4 && name.toLowerCase() === 'host') {
      scan.hostCount += 1;
      scan.host = scan.hostCount === 1 ? rawHeaders[i + 1] : undefined;
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
      scan.transferEncodingCount += 1;
      scan.transferEncoding ??= rawHeaders[i + 1];
      scan.hasBody = true;
    } else if (name.length === 14 && name.toLowerCase() === 'content-length') {
      // llhttp has refused duplicates and anything but digits.
      if (rawHeaders[i + 1] !== '0') scan.hasBody = true;
    } else if (
      name.length === DOOR_MARKER_HEADER.length &&
      name.toLowerCase() === DOOR_MARKER_HEADER
    ) {
      if (rawHeaders[i + 1]!.split(',').some((id) => id.trim() === doorId)) scan.looped = true;
    }
  }
  return scan;
}

/** A request the door will route: the path to send upstream. */
export interface AcceptedTarget {
  ok: true;
  /** The origin-form target (`/x?y`), exactly as the client sent it, or cut from absolute form. */
  path: string;
}

/** A request the door refuses before routing, and why (shown on the 4xx/5xx page). */
export interface RefusedRequest {
  ok: false;
  status: 400 | 405 | 505;
  reason: string;
}

/** The parts of a parsed request {@link checkRequest} looks at. */
export interface ParsedRequest {
  method: string;
  /** `req.url`: the request target as sent. */
  url: string;
  /** `req.httpVersion`: `1.1`, `1.0`. */
  httpVersion: string;
}

/** Framing llhttp lets through that the door refuses: TE must be one `chunked`, on HTTP/1.1. */
function checkFraming(req: ParsedRequest, scan: RequestHeaderScan): RefusedRequest | undefined {
  if (req.httpVersion !== '1.1' && req.httpVersion !== '1.0')
    return {
      ok: false,
      status: 505,
      reason: `HTTP/${req.httpVersion} is not spoken here; use HTTP/1.1.`,
    };
  if (scan.transferEncodingCount === 0) return undefined;
  if (scan.transferEncodingCount > 1)
    return {
      ok: false,
      status: 400,
      reason: 'The request has more than one Transfer-Encoding header.',
    };
  // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
  if (req.httpVersion === '1.0')
    return { ok: false, status: 400, reason: 'Transfer-Encoding is not allowed in HTTP/1.0.' };
  // llhttp reads `,chunked` and `gzip, chunked` as chunked; an upstream might read them
  // otherwise (request smuggling), and the door cannot undo other codings. Only `chunked`.
  if (scan.transferEncoding!.trim().toLowerCase() !== 'chunked')
    return {
      ok: false,
      status: 400,
      reason: `Transfer-Encoding "${scan.transferEncoding}" is not supported; only "chunked" is.`,
    };
  return undefined;
}

/**
 * The request target as a path, or why it is refused: absolute form naming another host than
 * the Host header (the door is not a proxy), any other scheme, asterisk form (`OPTIONS *`) and
 * authority form. The path itself never chooses the upstream: `//evil.example/x` is a path.
 */
function checkTarget(req: ParsedRequest, host: string): AcceptedTarget | RefusedRequest {
  const url = req.url;
  if (url.startsWith('/')) return { ok: true, path: url };
  if (url === '*')
    return {
      ok: false,
      status: 400,
      reason: 'Asterisk-form requests (OPTIONS *) are not forwarded.',
    };
  const absolute = /^http:\/\/([^/?#]*)(.*)$/i.exec(url);
  // RFC 9112 §3.2.2: the authority of an absolute-form target replaces Host. Accepted only
  // when both name the same host, so the decision made from Host stands.
  if (absolute && hostName(absolute[1]) !== undefined && hostName(absolute[1]) === hostName(host)) {
    const rest = absolute[2]!;
    return { ok: true, path: rest.startsWith('/') ? rest : `/${rest}` };
  }
  return {
    ok: false,
    status: 400,
    reason: 'The request target names another host; the front door is not a proxy.',
  };
}

/**
 * Checks a request whose Host was accepted: method, HTTP version, framing, then target.
 * `CONNECT` is refused with 405.
 */
export function checkRequest(
  req: ParsedRequest,
  scan: RequestHeaderScan,
): AcceptedTarget | RefusedRequest {
  if (req.method === 'CONNECT')
    return { ok: false, status: 405, reason: 'CONNECT is refused; the front door is not a proxy.' };
  const framing = checkFraming(req, scan);
  if (framing) return framing;
  return checkTarget(req, scan.host ?? '');
}
