import { formatExposure } from '../net/exposure.js';
import { formatHostPort } from '../net/target.js';
import type { Attempt } from '../probes/types.js';
import type { Listener } from '../sockets/model.js';

/** `connect 127.0.0.1:57573 → refused in 0.21 ms (ECONNREFUSED)`. */
export function formatAttempt(a: Attempt): string {
  return `connect ${formatHostPort(a.address, a.port)} → ${a.outcome} in ${a.ms} ms${a.errno ? ` (${a.errno})` : ''}`;
}

/** `listener [::1]:57573 (loopback) held by node (pid 812): node server.js`. */
export function formatListener(l: Listener): string {
  const where = `listener ${formatHostPort(l.address, l.port)} (${formatExposure(l.exposure, l.address)})`;
  if (l.ownerHidden) return `${where}, owner not visible (uid ${l.uid ?? '?'})`;
  const p = l.processes[0];
  const pids = l.processes.map((x) => x.pid).join(', ');
  return `${where} held by ${p?.name ?? '?'} (pid ${pids})${p?.command ? `: ${p.command}` : ''}`;
}

/** True when a listener on `listener` accepts connections addressed to `address` (same family rules as the kernel). */
export function listenerCovers(listener: Listener, address: string): boolean {
  if (listener.protocol !== 'tcp') return false;
  const v6 = address.includes(':');
  if (listener.address === address) return true;
  if (listener.address === '0.0.0.0') return !v6 || address.startsWith('::ffff:');
  // A `::` listener is dual-stack unless IPV6_V6ONLY; /proc cannot tell, so assume dual-stack.
  if (listener.address === '::') return true;
  return listener.address === `::ffff:${address}`;
}

/** Lines of the watched output tail, prefixed for evidence. */
export function tailEvidence(lines: readonly string[], max = 8): string[] {
  return lines.slice(-max).map((line) => `output: ${line}`);
}
