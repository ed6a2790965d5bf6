import { isIP } from 'node:net';

const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
] as const;

/** A proxy variable that would carry requests for some loopback names. */
export interface ProxyInterception {
  variable: string;
  proxy: string;
  noProxy?: string;
  uncovered: string[];
}

function stripBrackets(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function cidrCovers(cidr: string, host: string): boolean {
  const [base = '', bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(base) !== 4 || isIP(host) !== 4 || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (ipv4ToNumber(base) & mask) >>> 0 === (ipv4ToNumber(host) & mask) >>> 0;
}

/**
 * True when a NO_PROXY list exempts `host`, as curl and most clients read it: `*`, exact names,
 * domain suffixes (`.example` and `example` both match `a.example`), IPs and IPv4 CIDR ranges.
 */
export function noProxyCovers(noProxy: string, host: string): boolean {
  const want = stripBrackets(host);
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      // `host:port` entries name a host; a bare IPv6 address has colons of its own.
      const unbracketed = stripBrackets(raw.startsWith('[') ? raw.replace(/\]:\d+$/, ']') : raw);
      const entry = isIP(unbracketed) === 6 ? unbracketed : unbracketed.replace(/:\d+$/, '');
      if (entry === '*') return true;
      if (entry.includes('/')) return cidrCovers(entry, want);
      const bare = entry.replace(/^\*?\./, '');
      return want === bare || want.endsWith(`.${bare}`);
    });
}

/**
 * The first proxy variable that would intercept requests to one of `hosts` (NO_PROXY does not
 * cover it), or undefined. Takes the environment as a value: the library never reads it itself.
 */
export function proxyInterception(
  env: Readonly<Record<string, string | undefined>>,
  hosts: readonly string[],
): ProxyInterception | undefined {
  const noProxy = env.NO_PROXY ?? env.no_proxy;
  for (const variable of PROXY_VARIABLES) {
    const proxy = env[variable];
    if (!proxy) continue;
    const uncovered = hosts.filter((h) => !(noProxy && noProxyCovers(noProxy, h)));
    if (uncovered.length > 0)
      return { variable, proxy, ...(noProxy ? { noProxy } : {}), uncovered };
  }
  return undefined;
}
