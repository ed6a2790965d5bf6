import type { Family } from './model.js';

// Loaded on first use: `node:net` brings Node's stream modules with it (~1 ms), and an
// IPv4-only listing never needs it.
const net = () => process.getBuiltinModule('node:net');

/** A host and port read from a platform tool's address column. */
export interface HostPort {
  /** Address text as the tool wrote it, brackets removed (`127.0.0.1`, `::1`, `*`). */
  address: string;
  /** Port number; 0 when the tool wrote `*` (no port, as in a listener's foreign column). */
  port: number;
}

const PORT_TEXT = /^\d{1,5}$/;

/**
 * The canonical text of an address, so rows from lsof, netstat and /proc compare equal:
 * brackets stripped, IPv6 in RFC 5952 form (lowercase, longest zero run compressed),
 * IPv4-mapped addresses kept dotted (`::ffff:127.0.0.1`), zone ids kept (`fe80::1%lo0`).
 * Text that is not an IP address (a truncated netstat column, `*`) is only lowercased.
 */
export function canonicalAddress(text: string): string {
  let inner = text.trim();
  if (inner.startsWith('[') && inner.endsWith(']')) inner = inner.slice(1, -1);
  const zoneAt = inner.indexOf('%');
  const host = zoneAt < 0 ? inner : inner.slice(0, zoneAt);
  // Interface names are case-sensitive on macOS (`en0`), so the zone is kept verbatim.
  const zone = zoneAt < 0 ? '' : inner.slice(zoneAt);
  if (host.includes(':') && net().isIP(host) === 6) {
    return new (net().SocketAddress)({ address: host, family: 'ipv6' }).address + zone;
  }
  return host.toLowerCase() + zone;
}

/**
 * Splits `host<sep>port` at the LAST separator. With `':'` it reads `127.0.0.1:8080`,
 * `[::1]:8080`, `[fe80::1%4]:5353` and `*:*`; with `'.'` (BSD netstat) it reads
 * `127.0.0.1.8080`, `::1.8080`, `fe80::1%lo0.5353` and `*.*`. A port of `*` gives 0.
 * Returns undefined when there is no separator, the host is empty or the port is not 0–65535.
 */
export function splitHostPort(text: string, separator: ':' | '.'): HostPort | undefined {
  const at = text.lastIndexOf(separator);
  if (at <= 0) return undefined;
  const host = text.slice(0, at);
  const portText = text.slice(at + 1);
  let port = 0;
  if (portText !== '*') {
    if (!PORT_TEXT.test(portText)) return undefined;
    port = Number(portText);
    if (port > 65535) return undefined;
  }
  const bracketed = host.startsWith('[') && host.endsWith(']');
  const address = bracketed ? host.slice(1, -1) : host;
  // `::1:8080` without brackets is ambiguous; Windows and lsof always bracket IPv6.
  if (address === '' || (separator === ':' && !bracketed && address.includes(':'))) {
    return undefined;
  }
  return { address, port };
}

/** The any-address of a family: `0.0.0.0` or `::`, what tools print as `*`. */
export function wildcardAddress(family: Family): string {
  return family === 'ipv4' ? '0.0.0.0' : '::';
}

/**
 * The family an address text belongs to: IPv6 when it contains a colon (also truncated or
 * zoned IPv6 text that `isIP` rejects), else IPv4. `*` has no family of its own and gives
 * `fallback`.
 */
export function familyOfAddress(address: string, fallback: Family): Family {
  if (address === '*') return fallback;
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/** Canonical local or remote address: `*` becomes the family's wildcard. */
export function resolveAddress(address: string, family: Family): string {
  return address === '*' ? wildcardAddress(family) : canonicalAddress(address);
}
