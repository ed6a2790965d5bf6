import type { Duplex } from 'node:stream';
import { formatHostPort, type Target } from '../../net/target.js';
import type { ExchangeOptions, ExchangeResult, ProtocolProbe } from '../types.js';
import { type ByteReader, createByteReader, endedBeforeExchange } from './byte-reader.js';
import {
  bodyFraming,
  bodySoFar,
  formatRequest,
  keepsAlive,
  parseResponseHead,
  type ResponseHead,
  sameOriginRedirect,
} from './http-message.js';
import { brokenResult, describeUnanswered, type UnansweredFacts } from './http-unanswered.js';
import { type FollowedRedirect, judgeHttpResponse } from './http-verdict.js';
import { certificateValidityResult, handshakeTls, type TlsDetails } from './tls-handshake.js';

/** Body bytes read for recognising host-check rejections. */
const BODY_SNIFF_BYTES = 4_096;
/** How long to wait for those body bytes once the head is in: rejection pages come at once. */
const BODY_GRACE_MS = 250;
const MAX_REDIRECTS = 5;
/** A redirect body is read whole before the next request on the connection; cap it. */
const MAX_REDIRECT_BODY_BYTES = 65_536;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Where one request/response round on a connection got to. */
type Round = { kind: 'head'; head: ResponseHead } | { kind: 'done'; result: ExchangeResult };

/** Reads one response head, or ends the exchange with what went wrong instead. */
async function readHead(
  reader: ByteReader,
  deadline: number,
  facts: Pick<UnansweredFacts, 'port' | 'plaintext' | 'request' | 'timeoutMs'>,
): Promise<Round> {
  const ready = (bytes: Buffer) => parseResponseHead(bytes).kind !== 'incomplete';
  const waited = await reader.wait(ready, deadline);
  const parsed = parseResponseHead(reader.bytes);
  if (parsed.kind === 'head') return parsed;
  const unanswered: UnansweredFacts = {
    ...facts,
    bytes: reader.bytes,
    timedOut: waited === 'timeout',
  };
  if (reader.ended) unanswered.end = reader.ended;
  return { kind: 'done', result: describeUnanswered(unanswered) };
}

/** Up to {@link BODY_SNIFF_BYTES} of the body as text, waiting at most {@link BODY_GRACE_MS}. */
async function readBodyText(
  reader: ByteReader,
  head: ResponseHead,
  deadline: number,
): Promise<string> {
  const enough = (bytes: Buffer) => {
    const body = bodySoFar(bytes, head);
    return body.messageLength !== undefined || body.data.length >= BODY_SNIFF_BYTES;
  };
  await reader.wait(enough, Math.min(deadline, performance.now() + BODY_GRACE_MS));
  return bodySoFar(reader.bytes, head).data.subarray(0, BODY_SNIFF_BYTES).toString('utf8');
}

/**
 * For a same-origin redirect on a connection that stays open: reads the whole redirect body,
 * drops the response and gives the path to request next; otherwise why it is not followed.
 */
async function followable(
  reader: ByteReader,
  head: ResponseHead,
  currentUrl: string,
  deadline: number,
): Promise<{ path?: string; reason?: string }> {
  const location = head.headers.location;
  if (!REDIRECT_STATUSES.has(head.status) || location === undefined) return {};
  const path = sameOriginRedirect(location, currentUrl);
  if (path === undefined) return { reason: `${location} is on another origin` };
  if (!keepsAlive(head) || reader.ended || bodyFraming(head) === 'until-close') {
    return { reason: 'the server closes the connection after the redirect' };
  }
  const limit = head.headBytes + MAX_REDIRECT_BODY_BYTES;
  await reader.wait(
    (bytes) => bodySoFar(bytes, head).messageLength !== undefined || bytes.length > limit,
    deadline,
  );
  const length = bodySoFar(reader.bytes, head).messageLength;
  if (length === undefined || length > limit)
    return { reason: 'the redirect body did not arrive whole' };
  reader.consume(length);
  return { path };
}

/**
 * One or more request/response rounds over `stream` (plain TCP or TLS). Redirects are followed
 * only with `followRedirects`, to the same origin, on the same keep-alive connection: the
 * exchange owns one connection and cannot open another.
 */
async function exchangeHttp(
  stream: Duplex,
  target: Target,
  options: ExchangeOptions,
  deadline: number,
  plaintext: boolean,
): Promise<ExchangeResult> {
  const reader = createByteReader(stream);
  const hostHeader = formatHostPort(target.host, target.port);
  const origin = `${plaintext ? 'http' : 'https'}://${hostHeader}`;
  const redirects: FollowedRedirect[] = [];
  let path = target.path;
  for (;;) {
    const keepAlive = options.followRedirects === true && redirects.length < MAX_REDIRECTS;
    const request = formatRequest({ path, hostHeader, keepAlive });
    if (!reader.ended) stream.write(request);
    const round = await readHead(reader, deadline, {
      port: target.port,
      plaintext,
      request,
      timeoutMs: options.timeoutMs,
    });
    if (round.kind === 'done') return round.result;
    const next = keepAlive
      ? await followable(reader, round.head, `${origin}${path}`, deadline)
      : {};
    if (next.path !== undefined) {
      redirects.push({ status: round.head.status, location: round.head.headers.location ?? '' });
      path = next.path;
      continue;
    }
    const body = await readBodyText(reader, round.head, deadline);
    const result = judgeHttpResponse({
      head: round.head,
      body,
      hostHeader,
      plaintext,
      acceptStatus: options.acceptStatus,
      redirects,
    });
    if (next.reason) result.details = { ...result.details, redirectNotFollowed: next.reason };
    return result;
  }
}

function withTls(result: ExchangeResult, tls: TlsDetails): ExchangeResult {
  const trust = tls.authorized
    ? ''
    : `; certificate not trusted (${tls.authorizationError ?? 'unknown reason'})`;
  return {
    ...result,
    summary: `${result.summary} over ${tls.protocol}${trust}`,
    details: { ...result.details, tls },
  };
}

/**
 * HTTP and HTTPS: sends `GET <path>` with `Host: <host>:<port>` and `User-Agent: portier` on the
 * connected socket and judges the response (see `judgeHttpResponse`). For `https` it first runs
 * a TLS handshake that reports, but does not enforce, certificate trust (`details.tls`); an
 * expired or not-yet-valid certificate is `tls-error`, a plaintext server is `tls-expected`.
 * The request bytes go straight to the socket, so proxy environment variables never apply.
 */
export const httpProbe: ProtocolProbe = {
  kind: 'http',
  async exchange(socket, target, options) {
    const deadline = performance.now() + options.timeoutMs;
    const ended = endedBeforeExchange(socket);
    if (ended) return brokenResult(ended, target.port, target.kind === 'http');
    if (target.kind !== 'https') return exchangeHttp(socket, target, options, deadline, true);
    const handshake = await handshakeTls(socket, target, deadline, ['http/1.1']);
    if (!handshake.ok) return handshake.result;
    try {
      const invalid = certificateValidityResult(handshake.details, target.port);
      // The TLS facts of an https probe always sit under `details.tls`.
      if (invalid) return { ...invalid, details: { tls: invalid.details } };
      const result = await exchangeHttp(handshake.socket, target, options, deadline, false);
      return withTls(result, handshake.details);
    } finally {
      handshake.socket.destroy();
    }
  },
};
