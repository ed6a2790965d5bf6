import { isIP } from 'node:net';
import { isLoopbackAddress } from '../net/exposure.js';

/**
 * Splits a Host header into its name, lowercased, without port, brackets or a trailing dot;
 * undefined when malformed.
 */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let host = header.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return undefined;
    const rest = host.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    host = host.slice(1, end);
    return isIP(host) === 6 ? host : undefined;
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0) {
    if (!/^\d{1,5}$/.test(host.slice(colon + 1))) return undefined;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!/^[a-z0-9.-]+$/.test(host) || host === '') return undefined;
  return host;
}

/**
 * DNS-rebinding defence: a request is served only when its Host names this machine — a
 * loopback address, `localhost`, `*.localhost` — or one of the addresses the server is bound
 * to. A page on an attacker's domain that resolves to 127.0.0.1 sends its own Host and is refused.
 */
export function isAllowedHost(
  header: string | undefined,
  boundAddresses: readonly string[] = [],
): boolean {
  const host = hostName(header);
  if (host === undefined) return false;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) !== 0 && isLoopbackAddress(host)) return true;
  return boundAddresses.some((a) => a.toLowerCase() === host);
}
