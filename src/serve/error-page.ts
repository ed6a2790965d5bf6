import { STATUS_CODES } from 'node:http';
import type { ProxyFailure } from './proxy-failure.js';
import { backendAddress, backendOrigin, type ProxyRoute } from './proxy-route.js';

/** A rendered error response: status, headers and body. */
export interface ErrorPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/**
 * True when an Accept header asks for HTML (`text/html` or `application/xhtml+xml` with a
 * non-zero q). `*\/*` alone does not count: curl and fetch() get plain text.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'application/xhtml+xml') return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** One sentence saying what went wrong with the backend. */
function describe(failure: ProxyFailure, backend: string, hostPort: string): string {
  switch (failure.kind) {
    case 'refused':
      return `${backend} refused the connection: nothing is listening on ${hostPort}.`;
    case 'unreachable':
      return `${backend} could not be reached (${failure.errno}).`;
    case 'connect-timeout':
      return `${backend} did not accept the connection within ${failure.timeoutMs ?? '?'} ms.`;
    case 'response-timeout':
      return `${backend} accepted the connection but sent no response within ${failure.timeoutMs ?? '?'} ms.`;
    case 'reset':
      return `${backend} closed the connection before it answered.`;
    case 'tls':
      return `The TLS handshake with ${backend} failed (${failure.errno}).`;
    case 'bad-response':
      return `${backend} answered with something that is not HTTP (${failure.errno}).`;
    case 'closed':
      return `portier is shutting down; the request was not sent to ${backend}.`;
    default:
      return `The request to ${backend} failed (${failure.errno}).`;
  }
}

function hintFor(failure: ProxyFailure, origin: string): string {
  const doctor = `portier doctor ${origin}`;
  switch (failure.kind) {
    case 'refused':
    case 'connect-timeout':
      return `Is the backend running? Start it, or see why it cannot be reached: ${doctor}`;
    case 'response-timeout':
      return `The backend is slow or stuck; check its logs, or run ${doctor}`;
    case 'closed':
      return 'Restart portier serve.';
    default:
      return `See what is wrong with the backend: ${doctor}`;
  }
}

function renderHtml(title: string, summary: string, rows: [string, string][], hint: string) {
  const list = rows
    .map(([name, value]) => `<dt>${name}</dt><dd><code>${escapeHtml(value)}</code></dd>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · portier</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}dt{font-weight:600}dd{margin:0 0 .5rem}code{background:#8882;padding:0 .3em;border-radius:3px}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(summary)}</p>
<dl>${list}</dl>
<p>${escapeHtml(hint)}</p>
<p><small>portier serve: path proxy</small></p>
</body>
</html>
`;
}

/**
 * The page for a failed forward: status 502, 503 or 504, naming the backend URL, the prefix
 * and the error code, with a `portier doctor <backend>` hint. HTML (everything escaped) when
 * `html` is true, plain text otherwise. Never cached.
 */
export function renderProxyErrorPage(
  failure: ProxyFailure,
  route: ProxyRoute,
  html: boolean,
): ErrorPage {
  const backend = route.target.href;
  const { host, port } = backendAddress(route.target);
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const title = `${failure.status} ${STATUS_CODES[failure.status]}`;
  const summary = describe(failure, backend, hostPort);
  const hint = hintFor(failure, backendOrigin(route.target));
  const rows: [string, string][] = [
    ['Prefix', route.prefix],
    ['Backend', backend],
    ['Error', failure.errno],
  ];
  const body = html
    ? renderHtml(title, summary, rows, hint)
    : `${title}\n${summary}\n${rows.map(([name, value]) => `${`${name.toLowerCase()}:`.padEnd(9)}${value}`).join('\n')}\n${hint}\n`;
  return {
    status: failure.status,
    headers: {
      'Content-Type': `${html ? 'text/html' : 'text/plain'}; charset=utf-8`,
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
    body,
  };
}

/** A page as a whole HTTP/1.1 response, for writing on a raw socket; it closes the connection. */
export function formatRawResponse(page: ErrorPage): string {
  const lines = [`HTTP/1.1 ${page.status} ${STATUS_CODES[page.status] ?? ''}`];
  for (const [name, value] of Object.entries(page.headers)) lines.push(`${name}: ${value}`);
  lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${page.body}`;
}
