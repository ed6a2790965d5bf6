import type { ProtocolProbe } from '../types.js';
import { takeMysqlGreeting } from './mysql-wire.js';
import { ignoreLateErrors, readReply } from './read-reply.js';
import { unfinishedReadResult } from './unfinished-read.js';

/**
 * Longest silence before the probe stops waiting for a greeting alone, in ms (at most half the
 * budget). MySQL greets as soon as it accepts, so a silent peer is another service or hung.
 */
export const MYSQL_GREETING_WAIT_MS = 1_000;

/**
 * Sent only to a peer that stayed silent, so that it says what it is: HTTP servers answer
 * `400 Bad Request` to an unknown method before any handler runs, Redis `-ERR unknown
 * command`. A MySQL server that greets late reads it as a bad handshake after its greeting,
 * which the probe has then already read.
 */
export const SILENCE_NUDGE = 'PORTIER\r\n\r\n';

/**
 * MySQL and MariaDB: reads the first packet the server sends on connect. A greeting
 * (protocol 10) is ready with the server version; an ERR packet (1130 host not allowed, 1040
 * too many connections) is refused. Sends no handshake response, so no credentials. Resolves
 * within `options.timeoutMs`.
 */
export const mysqlProbe: ProtocolProbe = {
  kind: 'mysql',
  async exchange(socket, _target, options) {
    const deadline = performance.now() + options.timeoutMs;
    const context = {
      service: 'MySQL',
      waitingFor: 'the server greeting',
      timeoutMs: options.timeoutMs,
    };
    ignoreLateErrors(socket);
    const waitMs = Math.min(MYSQL_GREETING_WAIT_MS, options.timeoutMs / 2);
    const first = await readReply(socket, takeMysqlGreeting, waitMs);
    if (first.kind === 'value') return first.value;
    if (first.kind !== 'timeout') return unfinishedReadResult(first, context);
    if (first.bytes.length === 0) socket.write(SILENCE_NUDGE);
    const left = Math.max(1, deadline - performance.now());
    const second = await readReply(socket, takeMysqlGreeting, left, first.bytes);
    if (second.kind === 'value') return second.value;
    return unfinishedReadResult(second, context);
  },
};
