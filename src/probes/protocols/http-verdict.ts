import type { ExchangeResult } from '../types.js';
import { detectHostRejection, detectPlainHttpOnTlsPort } from './host-rejection.js';
import type { ResponseHead } from './http-message.js';

/** Statuses counted as ready when the caller gives no `acceptStatus`: 200–399. */
export const defaultAcceptStatus = (status: number): boolean => status >= 200 && status < 400;

/** A redirect that was followed on the same connection. */
export interface FollowedRedirect {
  status: number;
  location: string;
}

/** What {@link judgeHttpResponse} decides on. */
export interface HttpResponseFacts {
  head: ResponseHead;
  /** The first few KiB of the body as text (chunked framing already removed). */
  body: string;
  /** The Host header that was sent: `localhost:5173`, `[::1]:8080`. */
  hostHeader: string;
  /** True when the request went over plaintext (an `http://` target). */
  plaintext: boolean;
  acceptStatus?: (status: number) => boolean;
  redirects?: FollowedRedirect[];
}

function detailsOf(facts: HttpResponseFacts): Record<string, unknown> {
  const { head } = facts;
  const details: Record<string, unknown> = {
    status: head.status,
    statusText: head.statusText,
    hostHeader: facts.hostHeader,
  };
  if (head.headers.location !== undefined) details.location = head.headers.location;
  if (head.headers.server !== undefined) details.server = head.headers.server;
  if (head.headers['content-type'] !== undefined)
    details.contentType = head.headers['content-type'];
  if (facts.redirects && facts.redirects.length > 0) details.redirects = facts.redirects;
  return details;
}

/**
 * Decides what one HTTP response means. In order: a TLS server's "plain HTTP request sent to
 * HTTPS port" 400 (`plaintext-expected`), a dev server refusing the Host header
 * (`host-header-rejected`), then the status against `acceptStatus` (default 200–399; a 3xx
 * that was not followed counts as an answer). Pure.
 */
export function judgeHttpResponse(facts: HttpResponseFacts): ExchangeResult {
  const { head, body } = facts;
  const line = `HTTP ${head.status}${head.statusText ? ` ${head.statusText}` : ''}`;
  const details = detailsOf(facts);
  const plainOnTls = facts.plaintext ? detectPlainHttpOnTlsPort(head.status, body) : undefined;
  if (plainOnTls) {
    return {
      ready: false,
      problem: 'plaintext-expected',
      summary: `${line}: the server speaks TLS; use https:// ("${plainOnTls}")`,
      details: { ...details, evidence: plainOnTls },
    };
  }
  const rejection = detectHostRejection(head.status, body);
  if (rejection) {
    return {
      ready: false,
      problem: 'host-header-rejected',
      summary: `${line}: the server refused the Host header "${facts.hostHeader}" (${rejection.source}: ${rejection.evidence})`,
      details: { ...details, hostRejection: rejection.source, evidence: rejection.evidence },
    };
  }
  const accept = facts.acceptStatus ?? defaultAcceptStatus;
  if (!accept(head.status)) {
    return {
      ready: false,
      problem: 'http-status',
      summary: `${line}: status ${head.status} is not accepted`,
      details,
    };
  }
  const location = head.headers.location;
  return { ready: true, summary: location ? `${line} → ${location}` : line, details };
}
