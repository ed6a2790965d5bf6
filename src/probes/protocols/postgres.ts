import { isIP, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { Target } from '../../net/target.js';
import type { ExchangeResult, ProtocolProbe } from '../types.js';
import { decideStartupReply, parseSslAnswer, type StartupContext } from './postgres-reply.js';
import { buildSslRequest, buildStartupMessage, buildTerminate } from './postgres-wire.js';
import { ignoreLateErrors, readReply, writeAndFlush } from './read-reply.js';
import { unfinishedReadResult } from './unfinished-read.js';

/** User sent in the StartupMessage when the target names none. */
export const DEFAULT_PROBE_USER = 'portier';
/** `application_name`, so the probe is recognisable in pg_stat_activity and server logs. */
export const PROBE_APPLICATION_NAME = 'portier-probe';
/** Longest wait for the Terminate write to reach the kernel, in ms. */
const TERMINATE_FLUSH_MS = 100;

/** User and database as libpq would choose them: the database defaults to the user's name. */
export function resolveStartupContext(target: Target, ssl: boolean): StartupContext {
  const user = target.user ?? DEFAULT_PROBE_USER;
  return { ssl, user, database: target.database ?? target.user ?? 'postgres' };
}

type Upgrade = { ok: true; socket: TLSSocket } | { ok: false; error: string };

/** TLS over the connected socket after an `S`; the certificate is not checked (readiness only). */
function upgradeToTls(socket: Socket, host: string, timeoutMs: number): Promise<Upgrade> {
  return new Promise((resolve) => {
    // SNI carries host names only (RFC 6066); an empty servername sends none.
    const tls = tlsConnect({
      socket,
      rejectUnauthorized: false,
      servername: isIP(host) ? '' : host,
    });
    ignoreLateErrors(tls);
    const finish = (result: Upgrade) => {
      clearTimeout(timer);
      tls.off('secureConnect', onSecure);
      tls.off('error', onError);
      if (!result.ok) tls.destroy();
      resolve(result);
    };
    const onSecure = () => finish({ ok: true, socket: tls });
    const onError = (error: Error) => finish({ ok: false, error: error.message });
    const timer = setTimeout(
      () => finish({ ok: false, error: `no TLS handshake within ${Math.round(timeoutMs)} ms` }),
      Math.max(1, timeoutMs),
    );
    tls.once('secureConnect', onSecure);
    tls.once('error', onError);
  });
}

function tlsErrorResult(error: string, context: StartupContext): ExchangeResult {
  return {
    ready: false,
    problem: 'tls-error',
    summary: `PostgreSQL accepted SSL, but the TLS handshake failed: ${error}`,
    details: { state: 'tls-error', ssl: true, tlsError: error, user: context.user },
  };
}

/** StartupMessage on the (possibly TLS) stream, then the decisive reply; Terminate if polite. */
async function startSession(
  stream: Socket | TLSSocket,
  context: StartupContext,
  timeoutMs: number,
  left: () => number,
): Promise<ExchangeResult> {
  const params = {
    user: context.user,
    database: context.database,
    application_name: PROBE_APPLICATION_NAME,
  };
  stream.write(buildStartupMessage(params));
  const reply = await readReply(stream, (bytes) => decideStartupReply(bytes, context), left());
  if (reply.kind !== 'value') {
    const waitingFor = 'an answer to the StartupMessage';
    return unfinishedReadResult(reply, { service: 'PostgreSQL', waitingFor, timeoutMs });
  }
  if (reply.value.terminate) {
    await writeAndFlush(stream, buildTerminate(), Math.min(left(), TERMINATE_FLUSH_MS));
  }
  return reply.value.result;
}

/**
 * PostgreSQL: SSLRequest, then the StartupMessage (over TLS when the server answers `S`), then
 * the first decisive backend message. Never sends a password: an authentication request
 * already proves the server is up. Resolves within `options.timeoutMs`.
 */
export const postgresProbe: ProtocolProbe = {
  kind: 'postgres',
  async exchange(socket, target, options) {
    const deadline = performance.now() + options.timeoutMs;
    const left = () => Math.max(1, deadline - performance.now());
    const plain = resolveStartupContext(target, false);
    ignoreLateErrors(socket);
    socket.write(buildSslRequest());
    const answer = await readReply(socket, (bytes) => parseSslAnswer(bytes, plain), left());
    if (answer.kind !== 'value') {
      const waitingFor = 'an answer to SSLRequest';
      return unfinishedReadResult(answer, {
        service: 'PostgreSQL',
        waitingFor,
        timeoutMs: options.timeoutMs,
      });
    }
    if (answer.value.kind === 'decided') return answer.value.result;
    if (answer.value.kind === 'plain') return startSession(socket, plain, options.timeoutMs, left);
    const context = resolveStartupContext(target, true);
    const upgrade = await upgradeToTls(socket, target.host, left());
    if (!upgrade.ok) return tlsErrorResult(upgrade.error, context);
    try {
      return await startSession(upgrade.socket, context, options.timeoutMs, left);
    } finally {
      // The caller destroys the TCP socket; the TLS layer over it is ours to end.
      upgrade.socket.destroy();
    }
  },
};
