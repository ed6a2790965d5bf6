/**
 * Which software refused the Host header, when the response says:
 * - `webpack-dev-server`: "Invalid Host header" (also Angular CLI, Vue CLI, CRA, Starlette)
 * - `vite`: "Blocked request. This host ("…") is not allowed." (`server.allowedHosts`)
 * - `django`: "DisallowedHost" / "Invalid HTTP_HOST header" (`ALLOWED_HOSTS`, DEBUG pages)
 * - `rails`: "Blocked hosts: …" (`config.hosts`, ActionDispatch::HostAuthorization)
 * - `misdirected`: 421 Misdirected Request (RFC 9110 §15.5.20): wrong authority for this server
 * - `generic`: other "invalid host" / "host not allowed" wording on a 400/403
 */
export type HostRejectionSource =
  | 'webpack-dev-server'
  | 'vite'
  | 'django'
  | 'rails'
  | 'misdirected'
  | 'generic';

/** A recognised Host-header rejection with the text that showed it. */
export interface HostRejection {
  source: HostRejectionSource;
  /** The matching line of the body (tags stripped, at most 200 characters), or the status. */
  evidence: string;
}

const PATTERNS: { source: HostRejectionSource; pattern: RegExp }[] = [
  { source: 'vite', pattern: /Blocked request\. This host \(.*?\) is not allowed/i },
  // Django's message names the fix; its page title only the exception.
  { source: 'django', pattern: /Invalid HTTP_HOST header/i },
  { source: 'django', pattern: /DisallowedHost/ },
  { source: 'rails', pattern: /Blocked hosts?:/i },
  { source: 'webpack-dev-server', pattern: /Invalid Host(\/Origin)? header/i },
  {
    source: 'generic',
    pattern: /\binvalid host\b|\bhost (header )?(is )?not (allowed|permitted)|\bdisallowed host\b/i,
  },
];

/** Statuses a host check answers with; a page that merely mentions "invalid host" is a 200. */
const REJECTION_STATUSES = new Set([400, 403, 404, 421]);

const ENTITIES: Record<string, string> = {
  '&quot;': '"',
  '&#34;': '"',
  '&#x27;': "'",
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
};

/** Tags out, a few entities decoded, whitespace collapsed: what a human would read. */
function readableText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(quot|#34|#x27|#39|lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The phrase around a match, at most `maxChars` characters: from the start of the phrase (a
 * few words back, not past punctuation or markup) to the last full stop after the match, since
 * the fix often follows ("You may need to add 'x' to ALLOWED_HOSTS.").
 */
function evidenceFrom(text: string, match: RegExpExecArray, maxChars = 200): string {
  const lead = /[^.!?"{}<>]{0,40}$/.exec(text.slice(0, match.index))?.[0] ?? '';
  const start = match.index - lead.length;
  const window = text.slice(start, start + maxChars);
  let cut = window.length;
  for (const stop of window.matchAll(/[.!?](?=\s|$)/g)) {
    if (stop.index >= lead.length + match[0].length) cut = stop.index + 1;
  }
  // JSON bodies ({"error":"… host not allowed"}) leave quotes and braces at the end.
  return window
    .slice(0, cut)
    .trim()
    .replace(/["'}\]]+$/, '');
}

/**
 * Recognises a development server refusing the Host header it was sent (DNS-rebinding
 * protection), from the status and the first few KiB of the body. Pure. webpack-dev-server 3
 * answers 200 with the bare text "Invalid Host header", so a 2xx counts only when that is the
 * whole body.
 */
export function detectHostRejection(status: number, body: string): HostRejection | undefined {
  const text = readableText(body);
  if (status >= 200 && status < 300) {
    return /^invalid host header$/i.test(text)
      ? { source: 'webpack-dev-server', evidence: text }
      : undefined;
  }
  if (REJECTION_STATUSES.has(status)) {
    for (const { source, pattern } of PATTERNS) {
      const match = pattern.exec(text);
      if (match) return { source, evidence: evidenceFrom(text, match) };
    }
  }
  if (status === 421) {
    return { source: 'misdirected', evidence: text.slice(0, 200) || '421 Misdirected Request' };
  }
  return undefined;
}

/** The plaintext-on-a-TLS-port answers of nginx and Go's net/http (also Caddy, Traefik). */
const PLAIN_ON_TLS_PORT =
  /plain HTTP request was sent to HTTPS port|client sent an HTTP request to an HTTPS server/i;

/**
 * Recognises a TLS server answering our plaintext request with an HTTP 400 that says so
 * (nginx: "The plain HTTP request was sent to HTTPS port"). Returns the evidence text. Pure.
 */
export function detectPlainHttpOnTlsPort(status: number, body: string): string | undefined {
  if (status !== 400 && status !== 497) return undefined;
  const text = readableText(body);
  const match = PLAIN_ON_TLS_PORT.exec(text);
  return match ? match[0] : undefined;
}
