import { isIP } from 'node:net';
import { canonicalAddress } from '../sockets/address-text.js';

/**
 * Reading a Host header for the front door, strictly. The grammar is RFC 9110 §7.2 /
 * RFC 3986 §3.2.2 (`host [":" port]`, host an IP literal in brackets, an IPv4 address or a
 * name), narrowed to what a name of this machine can be: DNS names under RFC 1123 §2.1
 * (letters, digits and `-` in labels of 1–63 characters, not starting or ending with `-`, at
 * most 253 in all). Anything else — userinfo (`evil@api.localhost`), spaces, commas (two Host
 * headers joined), `_`, `%`-escapes, non-ASCII, empty labels — is malformed: the door answers
 * 400 and routes nothing, because a lenient reader is how a Host check is bypassed.
 */

/** Longest DNS name in its text form, without the trailing dot (RFC 1035 §2.3.4). */
export const MAX_HOST_NAME_LENGTH = 253;
/** Longest DNS label (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63;

/** A Host header after {@link normaliseHost}. */
export type NormalisedHost =
  | {
      ok: true;
      /** `name`: a DNS name; `ipv4` / `ipv6`: an address literal (IPv6 in RFC 5952 form). */
      kind: 'name' | 'ipv4' | 'ipv6';
      /** Lowercase, without port, brackets or trailing dot: `api.localhost`, `::1`. */
      host: string;
      /** The port written after the host, when there was one. */
      port?: number;
    }
  | { ok: false; reason: string };

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DIGITS = /^\d{1,5}$/;
const ALL_DIGITS = /^\d+$/;

/** True when `text` is one DNS label (RFC 1123 §2.1): `api`, `web-2`, `3d`; never `_x` or `-a`. */
export function isDnsLabel(text: string): boolean {
  return LABEL.test(text);
}

function bad(reason: string): NormalisedHost {
  return { ok: false, reason };
}

/** Splits `host[:port]` (brackets kept on the host); a reason when the port part is wrong. */
function splitPort(text: string): { host: string; port?: number } | { reason: string } {
  const close = text.startsWith('[') ? text.indexOf(']') : -1;
  if (text.startsWith('[') && close < 0) return { reason: 'an IPv6 literal without "]"' };
  const colon = text.indexOf(':', close + 1);
  if (colon < 0) {
    return close >= 0 && close !== text.length - 1
      ? { reason: 'text after "]" that is not a port' }
      : { host: text };
  }
  if (close >= 0 && colon !== close + 1) return { reason: 'text between "]" and the port' };
  const portText = text.slice(colon + 1);
  const host = text.slice(0, colon);
  // RFC 3986 allows an empty port (`localhost:`); it means the scheme's default.
  if (portText === '') return { host };
  if (!DIGITS.test(portText) || Number(portText) > 65535)
    return { reason: `"${portText}" is not a port number` };
  return { host, port: Number(portText) };
}

function readName(text: string): { host: string } | { reason: string } {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name === '') return { reason: 'an empty host name' };
  if (name.length > MAX_HOST_NAME_LENGTH)
    return { reason: `a host name longer than ${MAX_HOST_NAME_LENGTH} characters` };
  const labels = name.split('.');
  for (const label of labels) {
    if (label === '') return { reason: 'an empty label ("..")' };
    if (label.length > MAX_LABEL_LENGTH)
      return { reason: `a label longer than ${MAX_LABEL_LENGTH} characters` };
    if (label.includes('_')) return { reason: '"_", which host names may not contain (RFC 1123)' };
    if (!isDnsLabel(label)) return { reason: `"${label}", which is not a DNS label (RFC 1123)` };
  }
  // A numeric last label is an IPv4 address in another spelling (`127.1`, `2130706433`),
  // which URL parsers read differently from each other: not a name (RFC 3696 §2).
  if (ALL_DIGITS.test(labels[labels.length - 1]!))
    return { reason: 'a numeric name that is not a dotted-quad IPv4 address' };
  return { host: name };
}

/**
 * Normalises a Host header value for exact matching: lowercase, port, brackets and one
 * trailing dot removed, IPv6 in RFC 5952 form (`[0:0::1]:57573` → `::1`). Refuses what is
 * malformed (see the module comment) with a reason for the 400 page; `undefined` or `''`
 * (no Host header) is refused too.
 */
export function normaliseHost(header: string | undefined): NormalisedHost {
  if (header === undefined || header === '') return bad('no Host header');
  // Printable ASCII only: spaces, tabs and controls would be trimmed or split differently by
  // other parsers; a comma means two Host headers were joined.
  if (!/^[\x21-\x7e]+$/.test(header)) return bad('a space, control or non-ASCII character');
  if (header.includes('@')) return bad('userinfo ("@"), which a Host header may not carry');
  if (header.includes(',')) return bad('a list of hosts (two Host headers?)');
  const parts = splitPort(header.toLowerCase());
  if ('reason' in parts) return bad(parts.reason);
  const port = parts.port === undefined ? {} : { port: parts.port };
  if (parts.host.startsWith('[')) {
    const inner = parts.host.slice(1, -1);
    // No zone ids (`%25eth0`) or IPvFuture (`[v1.x]`): neither names this machine's door.
    if (inner.includes('%') || isIP(inner) !== 6)
      return bad(`"${parts.host}" is not an IPv6 address`);
    return { ok: true, kind: 'ipv6', host: canonicalAddress(inner), ...port };
  }
  if (isIP(parts.host) === 4) return { ok: true, kind: 'ipv4', host: parts.host, ...port };
  const name = readName(parts.host);
  if ('reason' in name) return bad(name.reason);
  return { ok: true, kind: 'name', host: name.host, ...port };
}
