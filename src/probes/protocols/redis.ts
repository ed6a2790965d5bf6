import type { ProtocolProbe } from '../types.js';
import { ignoreLateErrors, readReply } from './read-reply.js';
import { PING_COMMAND, takeRedisReply } from './resp.js';
import { unfinishedReadResult } from './unfinished-read.js';

/**
 * Redis: sends PING and judges the first reply line (`+PONG`, `-LOADING`, `-NOAUTH`…). Sends
 * no credentials: NOAUTH already proves the server is up. Resolves within `options.timeoutMs`.
 */
export const redisProbe: ProtocolProbe = {
  kind: 'redis',
  async exchange(socket, _target, options) {
    ignoreLateErrors(socket);
    socket.write(PING_COMMAND);
    const reply = await readReply(socket, takeRedisReply, options.timeoutMs);
    if (reply.kind === 'value') return reply.value;
    return unfinishedReadResult(reply, {
      service: 'Redis',
      waitingFor: 'an answer to PING',
      timeoutMs: options.timeoutMs,
    });
  },
};
