import { PortierError } from '../errors.js';
import { isValidPort } from '../net/port-number.js';

/** A path prefix whose requests `portier serve` forwards to a backend. */
export interface ProxyRoute {
  /**
   * Request path prefix, starting with `/`: `/api` matches `/api` and `/api/x`, not `/apix`.
   * A trailing slash is ignored (`/api/` is `/api`); `/` matches every path.
   */
  prefix: string;
  /**
   * Backend URL: scheme `http`, `https`, `ws` or `wss` (ws is dialled as http, wss as https),
   * host exactly as dialled (`127.0.0.1`, `[::1]`, `localhost`), optional port (default 80 or
   * 443) and optional base path that forwarded paths are appended to.
   */
  target: URL;
  /** Strip the prefix before forwarding (`/api/x` → `/x`); default false. */
  strip?: boolean;
}

/** The accepted form of a proxy route, for messages and help. */
export const PROXY_ROUTE_FORM =
  'PREFIX=URL, like /api=http://127.0.0.1:3000, /ws=ws://[::1]:3000 or /api=http://localhost:3000/base';

const SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

// RFC 3986 pchar plus '/', without '=' (it separates the prefix from the URL).
const PREFIX_CHARS = /^\/[A-Za-z0-9\-._~!$&'()*+,;:@%/]*$/;

function invalid(text: string, why: string): PortierError {
  return new PortierError(
    'INVALID_OPTION',
    `Invalid proxy route "${text}": ${why}. Accepted: ${PROXY_ROUTE_FORM}.`,
    { hint: 'For example: portier serve ./dist --proxy /api=http://127.0.0.1:3000' },
  );
}

/** Trims trailing slashes: `/api/` → `/api`; `/` stays `/`. */
function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

function parsePrefix(text: string, prefix: string): string {
  if (prefix === '') throw invalid(text, 'no path prefix before "="');
  if (!prefix.startsWith('/')) throw invalid(text, `the prefix "${prefix}" does not start with /`);
  if (!PREFIX_CHARS.test(prefix))
    throw invalid(text, `the prefix "${prefix}" has characters a URL path cannot hold`);
  const normal = normalizePrefix(prefix);
  if (normal.includes('//')) throw invalid(text, `the prefix "${prefix}" has an empty segment`);
  if (normal.split('/').some((segment) => segment === '.' || segment === '..'))
    throw invalid(text, `the prefix "${prefix}" has a . or .. segment`);
  return normal;
}

function parseTargetUrl(text: string, target: string): URL {
  if (target === '') throw invalid(text, 'no backend URL after "="');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined)
    throw invalid(text, `the backend "${target}" is not a URL; write it like http://${target}`);
  if (!SCHEMES.has(`${scheme}:`))
    throw invalid(text, `the backend scheme "${scheme}" is not http, https, ws or wss`);
  // URL rejects 99999 only as "Invalid URL" and accepts 0, so read the explicit port here.
  const authority = target
    .slice(scheme.length + 3)
    .split(/[/?#]/, 1)[0]!
    .replace(/^.*@/, '');
  if (authority.startsWith('[') && !authority.includes(']'))
    throw invalid(text, 'an IPv6 address needs a closing bracket, like http://[::1]:3000');
  if (!authority.startsWith('[') && authority.split(':').length > 2)
    throw invalid(text, 'write an IPv6 address in brackets, like http://[::1]:3000');
  const port = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(authority)?.[1];
  if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && isValidPort(Number(port))))
    throw invalid(text, `the backend port "${port}" is not a number from 1 to 65535`);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw invalid(text, `the backend "${target}" is not a valid URL`);
  }
  if (url.hostname === '') throw invalid(text, 'the backend URL has no host');
  if (url.username !== '' || url.password !== '')
    throw invalid(text, 'credentials in the backend URL are not supported');
  if (url.search !== '' || url.hash !== '')
    throw invalid(text, 'the backend URL cannot have a query or a fragment');
  return url;
}

/**
 * Parses `PREFIX=URL`: `/api=http://127.0.0.1:3000`, `/api=http://[::1]:3000/base`,
 * `/ws=ws://127.0.0.1:3001`. The prefix loses trailing slashes; `strip` is left unset (false).
 * Throws `INVALID_OPTION` naming the accepted form when the `=` is missing, the prefix does
 * not start with `/` or is not a URL path, the URL's scheme is not http, https, ws or wss, its
 * port is not 1–65535, or it carries credentials, a query or a fragment.
 */
export function parseProxyRoute(text: string): ProxyRoute {
  const equals = text.indexOf('=');
  if (equals < 0) throw invalid(text, 'no "=" between the prefix and the backend URL');
  const prefix = parsePrefix(text, text.slice(0, equals).trim());
  const target = parseTargetUrl(text, text.slice(equals + 1).trim());
  return { prefix, target };
}

/** True when `prefix` covers `pathname`: `/api` covers `/api` and `/api/x`, not `/apix`. */
export function prefixCovers(prefix: string, pathname: string): boolean {
  const normal = normalizePrefix(prefix);
  return normal === '/' || pathname === normal || pathname.startsWith(`${normal}/`);
}

/**
 * The route for a request path: the longest covering prefix wins; undefined when none covers
 * it. Anything from `?` on is ignored, so a raw `req.url` may be passed.
 */
export function matchProxyRoute(
  routes: readonly ProxyRoute[],
  pathname: string,
): ProxyRoute | undefined {
  const path = pathname.split('?', 1)[0]!;
  let best: ProxyRoute | undefined;
  let bestLength = -1;
  for (const route of routes) {
    const length = normalizePrefix(route.prefix).length;
    if (length > bestLength && prefixCovers(route.prefix, path)) {
      best = route;
      bestLength = length;
    }
  }
  return best;
}

/**
 * Throws `INVALID_OPTION` when a route's prefix does not start with `/`, its target is not
 * http(s)/ws(s), or two routes share a prefix (which one would win is not obvious).
 */
export function validateProxyRoutes(routes: readonly ProxyRoute[]): void {
  const seen = new Map<string, ProxyRoute>();
  for (const route of routes) {
    if (!route.prefix.startsWith('/'))
      throw invalid(`${route.prefix}=${route.target.href}`, 'the prefix does not start with /');
    if (!SCHEMES.has(route.target.protocol))
      throw invalid(`${route.prefix}=${route.target.href}`, 'the scheme is not http(s) or ws(s)');
    const prefix = normalizePrefix(route.prefix);
    const earlier = seen.get(prefix);
    if (earlier)
      throw new PortierError(
        'INVALID_OPTION',
        `Two proxy routes share the prefix ${prefix}: ${earlier.target.href} and ${route.target.href}.`,
        { hint: 'Keep one --proxy per prefix.' },
      );
    seen.set(prefix, route);
  }
}

/**
 * The path (with query) to request from the backend for a request target: the target's base
 * path, then the request path, without the prefix when `strip` is set.
 * `/api/x?q=1` via `/api=http://h:1/base` → `/base/api/x?q=1`; with strip → `/base/x?q=1`.
 * An absolute-form request target (`http://host/api`) is reduced to its path first.
 */
export function upstreamPath(route: ProxyRoute, requestUrl: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(requestUrl)?.[0] ?? '';
  const rest = requestUrl.slice(origin.length);
  const queryAt = rest.indexOf('?');
  let path = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : rest.slice(queryAt);
  if (!path.startsWith('/')) path = `/${path}`;
  const prefix = normalizePrefix(route.prefix);
  if (route.strip && prefix !== '/' && prefixCovers(prefix, path)) path = path.slice(prefix.length);
  const base = route.target.pathname.replace(/\/+$/, '');
  if (path === '') return `${base || '/'}${query}`;
  return `${base}${path}${query}`;
}

/** Where and how a route's backend is dialled. */
export interface BackendAddress {
  /** Host exactly as written in the URL, without IPv6 brackets: `127.0.0.1`, `::1`. */
  host: string;
  /** The URL's port, or 80 (http, ws) / 443 (https, wss) when it names none. */
  port: number;
  /** True for https and wss: TLS to the backend. */
  secure: boolean;
}

/** The address to dial for a backend URL; ws is dialled as http and wss as https. */
export function backendAddress(target: URL): BackendAddress {
  const secure = target.protocol === 'https:' || target.protocol === 'wss:';
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return { host, port: target.port === '' ? (secure ? 443 : 80) : Number(target.port), secure };
}

/** The backend as an http(s) origin (`http://127.0.0.1:3000`), the form `portier doctor` takes. */
export function backendOrigin(target: URL): string {
  const { secure } = backendAddress(target);
  return `${secure ? 'https' : 'http'}://${target.host}`;
}
