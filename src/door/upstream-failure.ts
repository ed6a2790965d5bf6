import { classifyProxyError, type ProxyFailure, proxyFailure } from '../serve/proxy-failure.js';
import type { FailureContext, UpstreamError } from './upstream-connection.js';

/**
 * The proxy failure an exchange reports for `error`: a timeout is a connect or a response
 * timeout depending on whether the connection was made (`timeoutMs` names the limit).
 */
export function upstreamFailure(
  error: UpstreamError,
  context: FailureContext,
  timeoutMs: number,
): ProxyFailure {
  if (error.code !== 'ETIMEDOUT') return classifyProxyError(error);
  return proxyFailure(
    context.connected ? 'response-timeout' : 'connect-timeout',
    'ETIMEDOUT',
    timeoutMs,
  );
}
