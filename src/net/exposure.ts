import type { ExposureKind } from '../sockets/model.js';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower.startsWith('127.')) return true;
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  return lower.startsWith('::ffff:127.');
}

/** True for the wildcard addresses that accept on every interface. */
export function isWildcardAddress(address: string): boolean {
  return (
    address === '0.0.0.0' || address === '::' || address === '*' || address === '::ffff:0.0.0.0'
  );
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
