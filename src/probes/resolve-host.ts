import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Family } from '../sockets/model.js';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: Family;
}

/** Resolves a host name to every address, in the resolver's order; injected in tests. */
export type HostLookup = (host: string) => Promise<ResolvedAddress[]>;

/**
 * The system resolver (getaddrinfo: hosts file, then DNS) with every address in its own
 * order — the order clients that do not race families will try.
 */
export const systemLookup: HostLookup = async (host) => {
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 'ipv6' : 'ipv4',
  }));
};

/** An address literal resolves to itself; anything else goes through `lookup`. */
export async function resolveHost(
  host: string,
  lookup: HostLookup = systemLookup,
): Promise<ResolvedAddress[]> {
  const version = isIP(host);
  if (version !== 0) return [{ address: host, family: version === 6 ? 'ipv6' : 'ipv4' }];
  return lookup(host);
}
