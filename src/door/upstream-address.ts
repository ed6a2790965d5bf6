import { connectAttempt } from '../probes/connect.js';

/**
 * Which loopback address a service really listens on. A server told `localhost` may bind
 * only `::1` (Node 17+ keeps the resolver's order) and the door must dial that address, not
 * guess from the name.
 */

/** The loopback addresses the door can dial, in the order they are preferred. */
export const LOOPBACK_UPSTREAMS = ['127.0.0.1', '::1'] as const;
/** One connect attempt to a loopback address, at most, in ms. */
export const UPSTREAM_PROBE_TIMEOUT_MS = 500;
/** Pause between probes while waiting for a service to listen, in ms. */
const PROBE_INTERVAL_MS = 100;

/** A loopback address a route may point at. */
export type LoopbackUpstream = (typeof LOOPBACK_UPSTREAMS)[number];

/** The loopback addresses accepting connections on `port` (both, one or none), in preferred order. */
export async function findLoopbackListeners(
  port: number,
  timeoutMs = UPSTREAM_PROBE_TIMEOUT_MS,
): Promise<LoopbackUpstream[]> {
  const answers = await Promise.all(
    LOOPBACK_UPSTREAMS.map(async (address) => {
      const { attempt, socket } = await connectAttempt(
        address,
        address === '::1' ? 'ipv6' : 'ipv4',
        port,
        timeoutMs,
      );
      socket?.destroy();
      return attempt.outcome === 'connected';
    }),
  );
  return LOOPBACK_UPSTREAMS.filter((_, i) => answers[i]);
}

/**
 * Waits until something listens on `port` on 127.0.0.1 or ::1 and resolves with the address
 * to dial (127.0.0.1 when both answer); undefined when `signal` aborts first.
 */
export async function waitForLoopbackListener(
  port: number,
  signal: AbortSignal,
  intervalMs = PROBE_INTERVAL_MS,
): Promise<LoopbackUpstream | undefined> {
  while (!signal.aborted) {
    const [first] = await findLoopbackListeners(port);
    if (first) return first;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      signal.addEventListener('abort', done, { once: true });
    });
  }
  return undefined;
}
