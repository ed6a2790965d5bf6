/**
 * The door's own pages (status, 404, refusals) as one small model rendered to HTML for
 * browsers and plain text for curl and fetch(). Every value is escaped; pages are never cached
 * and carry a CSP that allows nothing but their own inline style.
 */
import { createHash } from 'node:crypto';
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ErrorPage, escapeHtml, formatRawResponse } from '../serve/error-page.js';

/** What a door page says; rendered by {@link renderDoorPage}. */
export interface DoorPage {
  status: number;
  /** One line under the status: what happened, with the values. */
  summary: string;
  /** Facts as label/value pairs (`State: crashed`). */
  rows?: [string, string][];
  /** Output lines shown verbatim (a service's last log lines). */
  lines?: string[];
  /** Heading of {@link lines}; default "Last lines". */
  linesTitle?: string;
  /** Links as label and URL (the live routes). */
  links?: [string, string][];
  /** Heading of {@link links}. */
  linksTitle?: string;
  /** What to do about it, one or two sentences. */
  hint?: string;
  /** Reload the page every this many seconds (a service that is coming up); HTML only. */
  refreshS?: number;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:3rem auto;padding:0 1rem;color:#222;background:#fff}' +
  'h1{font-size:1.4rem}dt{font-weight:600}dd{margin:0 0 .5rem}code,pre{background:#8882;border-radius:3px}' +
  'code{padding:0 .3em}pre{padding:.6rem;overflow:auto;font-size:.85rem}footer{color:#777;font-size:.8rem;margin-top:2rem}' +
  '@media (prefers-color-scheme:dark){body{color:#ddd;background:#151515}a{color:#8bf}}';

/** The only thing the page may load or run: its own inline style, pinned by hash (CSP3). */
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function title(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trim();
}

function renderHtml(page: DoorPage): string {
  const parts = [
    `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">`,
    page.refreshS ? `<meta http-equiv="refresh" content="${page.refreshS}">` : '',
    `<title>${escapeHtml(title(page.status))} · portier</title><style>${STYLE}</style></head>\n<body>\n`,
    `<h1>${escapeHtml(title(page.status))}</h1>\n<p>${escapeHtml(page.summary)}</p>\n`,
  ];
  if (page.rows?.length)
    parts.push(
      `<dl>${page.rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd><code>${escapeHtml(v)}</code></dd>`).join('')}</dl>\n`,
    );
  if (page.lines?.length)
    parts.push(
      `<h2>${escapeHtml(page.linesTitle ?? 'Last lines')}</h2>\n<pre>${escapeHtml(page.lines.join('\n'))}</pre>\n`,
    );
  if (page.links)
    parts.push(
      `<h2>${escapeHtml(page.linksTitle ?? 'Links')}</h2>\n<ul>${page.links
        .map(
          ([label, url]) =>
            `<li><a href="${escapeHtml(url)}">${escapeHtml(label)}</a> <code>${escapeHtml(url)}</code></li>`,
        )
        .join('')}</ul>\n`,
    );
  if (page.hint) parts.push(`<p>${escapeHtml(page.hint)}</p>\n`);
  parts.push('<footer>portier front door</footer>\n</body>\n</html>\n');
  return parts.join('');
}

function renderText(page: DoorPage): string {
  const lines = [title(page.status), page.summary];
  for (const [k, v] of page.rows ?? []) lines.push(`${k}: ${v}`);
  if (page.lines?.length)
    lines.push(`${page.linesTitle ?? 'Last lines'}:`, ...page.lines.map((l) => `  ${l}`));
  if (page.links) {
    lines.push(`${page.linksTitle ?? 'Links'}:`);
    for (const [label, url] of page.links) lines.push(`  ${label}  ${url}`);
  }
  if (page.hint) lines.push(page.hint);
  return `${lines.join('\n')}\n`;
}

/**
 * The page as a response: HTML when `html` (the client's Accept asks for it), plain text
 * otherwise; `Cache-Control: no-store`, the CSP, nosniff.
 */
export function renderDoorPage(page: DoorPage, html: boolean): ErrorPage {
  const body = html ? renderHtml(page) : renderText(page);
  return {
    status: page.status,
    headers: {
      'Content-Type': `${html ? 'text/html' : 'text/plain'}; charset=utf-8`,
      'Content-Length': String(Buffer.byteLength(body)),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
    body,
  };
}

/**
 * Answers with a rendered page. `close` ends the client connection afterwards (a refused
 * request whose framing cannot be trusted).
 */
export function sendPage(res: ServerResponse, page: ErrorPage, close = false): void {
  if (res.headersSent || res.destroyed) return void res.destroy();
  const headers: Record<string, string> = close
    ? { ...page.headers, Connection: 'close' }
    : page.headers;
  res.writeHead(page.status, headers);
  res.end(res.req?.method === 'HEAD' ? undefined : page.body);
}

/** Answers on a raw socket (an upgrade request) and closes it. */
export function sendRawPage(socket: Duplex, page: ErrorPage): void {
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  socket.end(formatRawResponse(page));
  socket.once('finish', () => socket.destroy());
}
