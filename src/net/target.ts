import { isIP } from 'node:net';
import { PortierError } from '../errors.js';
import { isValidPort } from './port-number.js';

/** The protocol a target is probed with. */
export type TargetKind = 'tcp' | 'http' | 'https' | 'tls' | 'postgres' | 'redis' | 'mysql';

/** A parsed probe target. */
export interface Target {
  kind: TargetKind;
  /** Host as written, without brackets: `127.0.0.1`, `::1`, `localhost`. */
  host: string;
  port: number;
  /** Request path for http(s), with query; `/` by default. */
  path: string;
  /** The text the target was parsed from. */
  input: string;
  /** Username from a URL (`postgres://app@…`), used by the postgres startup message. */
  user?: string;
  /** Database name from a `postgres://…/db` URL. */
  database?: string;
}

const SCHEMES: Record<string, { kind: TargetKind; port: number }> = {
  'tcp:': { kind: 'tcp', port: 0 },
  'http:': { kind: 'http', port: 80 },
  'https:': { kind: 'https', port: 443 },
  'tls:': { kind: 'tls', port: 443 },
  'pg:': { kind: 'postgres', port: 5432 },
  'postgres:': { kind: 'postgres', port: 5432 },
  'postgresql:': { kind: 'postgres', port: 5432 },
  'redis:': { kind: 'redis', port: 6379 },
  'mysql:': { kind: 'mysql', port: 3306 },
};

/** The forms a target may take, for error messages and help. */
export const TARGET_FORMS =
  '57573, 127.0.0.1:57573, [::1]:8080, localhost:3000, or a URL: tcp://, http://, https://, tls://, pg:// (postgres://, postgresql://), redis://, mysql://';

function invalid(input: string, why: string): PortierError {
  return new PortierError(
    'INVALID_TARGET',
    `Invalid target "${input}": ${why}. Accepted: ${TARGET_FORMS}.`,
    {
      hint: 'For example: portier check 127.0.0.1:57573',
    },
  );
}

function parsePortText(input: string, text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!isValidPort(port)) throw invalid(input, `port "${text}" is not a number from 1 to 65535`);
  return port;
}

/** Parses `host:port`, `[v6]:port` or a bare port (meaning localhost). */
function parseHostPort(input: string): Target {
  if (/^\d+$/.test(input))
    return { kind: 'tcp', host: 'localhost', port: parsePortText(input, input), path: '/', input };
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(input);
  if (bracket) {
    if (isIP(bracket[1]!) !== 6) throw invalid(input, `"${bracket[1]}" is not an IPv6 address`);
    return {
      kind: 'tcp',
      host: bracket[1]!.toLowerCase(),
      port: parsePortText(input, bracket[2]!),
      path: '/',
      input,
    };
  }
  if (input.startsWith('['))
    throw invalid(input, 'an IPv6 address needs a closing bracket and a port, like [::1]:8080');
  const colon = input.lastIndexOf(':');
  if (colon < 0) throw invalid(input, 'no port given');
  const host = input.slice(0, colon);
  if (host === '') throw invalid(input, 'no host before the colon');
  if (host.includes(':'))
    throw invalid(input, 'write an IPv6 address in brackets, like [::1]:8080');
  if (!/^[a-zA-Z0-9.-]+$/.test(host))
    throw invalid(input, `"${host}" is not a host name or address`);
  return {
    kind: 'tcp',
    host: host.toLowerCase(),
    port: parsePortText(input, input.slice(colon + 1)),
    path: '/',
    input,
  };
}

function parseUrlTarget(input: string, scheme: string): Target {
  const known = SCHEMES[scheme];
  if (!known) throw invalid(input, `unknown scheme "${scheme.slice(0, -1)}"`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalid(input, 'not a valid URL');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === '') throw invalid(input, 'no host in the URL');
  // URL drops default ports (http://x:80 → port ""), so read the explicit one from the text too.
  const explicit = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(input)?.[1];
  const port = explicit !== undefined ? parsePortText(input, explicit) : known.port;
  if (port === 0) throw invalid(input, 'a tcp:// target needs a port');
  const target: Target = {
    kind: known.kind,
    host,
    port,
    path: `${url.pathname || '/'}${url.search}`,
    input,
  };
  if (url.username) target.user = decodeURIComponent(url.username);
  if (known.kind === 'postgres' && url.pathname.length > 1)
    target.database = decodeURIComponent(url.pathname.slice(1));
  return target;
}

/**
 * Reads a target: `57573` (localhost), `127.0.0.1:57573`, `[::1]:8080`, `localhost:3000`, or a
 * URL with scheme tcp, http, https, tls, pg/postgres/postgresql, redis or mysql. Throws
 * `INVALID_TARGET` listing the accepted forms for `:80`, `[::1:80`, `host:99999`, `ftp://x`.
 */
export function parseTarget(input: string): Target {
  const text = input.trim();
  if (text === '') throw invalid(input, 'it is empty');
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(text)?.[1]?.toLowerCase();
  return scheme ? parseUrlTarget(text, scheme) : parseHostPort(text);
}

/** `host:port` text for messages, IPv6 in brackets. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
