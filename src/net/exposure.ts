import { canonicalAddress } from '../sockets/address-text.js';
import type { ExposureKind } from '../sockets/model.js';

/**
 * IPv6 text in canonical form, so every spelling of an address compares equal (`0::1`,
 * `[::1]`, `::ffff:7f00:1`); IPv4 and `*` are returned as they are.
 */
function normalise(address: string): string {
  return address.includes(':') ? canonicalAddress(address) : address;
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`), in any IPv6 spelling. */
export function isLoopbackAddress(address: string): boolean {
  const text = normalise(address);
  return text.startsWith('127.') || text === '::1' || text.startsWith('::ffff:127.');
}

/** True for the wildcard addresses that accept on every interface, in any IPv6 spelling. */
export function isWildcardAddress(address: string): boolean {
  const text = normalise(address);
  return text === '0.0.0.0' || text === '::' || text === '*' || text === '::ffff:0.0.0.0';
}

/** Classifies who can reach a socket bound to `address`. */
export function classifyExposure(address: string): ExposureKind {
  if (isWildcardAddress(address)) return 'all-interfaces';
  if (isLoopbackAddress(address)) return 'loopback';
  return 'interface';
}

/** Human text for an exposure: `loopback`, `all-interfaces` or `interface 192.168.1.20`. */
export function formatExposure(kind: ExposureKind, address: string): string {
  return kind === 'interface' ? `interface ${address}` : kind;
}
