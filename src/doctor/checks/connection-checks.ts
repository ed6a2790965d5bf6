import { formatHostPort } from '../../net/target.js';
import { formatAttempt, formatListener, listenerCovers } from '../evidence.js';
import type { Check, TargetFacts } from '../types.js';

const tcpListeners = (f: TargetFacts) => f.holders.listeners.filter((l) => l.protocol === 'tcp');
const refused = (f: TargetFacts) => f.probe.attempts.filter((a) => a.outcome === 'refused');

/** NOTHING_LISTENING: every address refused and no socket on the port anywhere. */
export const nothingListening: Check = (f) => {
  if (f.probe.status !== 'down' || f.watched?.exit || (f.watched?.listening.length ?? 0) > 0)
    return undefined;
  if (f.probe.attempts.length === 0 || refused(f).length !== f.probe.attempts.length)
    return undefined;
  if (tcpListeners(f).length > 0 || f.otherNamespaces.length > 0) return undefined;
  return {
    code: 'NOTHING_LISTENING',
    severity: 'error',
    summary: `Nothing listens on port ${f.target.port}: every address refused the connection and the socket table has no listener on it.`,
    evidence: [
      ...f.probe.attempts.map(formatAttempt),
      `socket table: no TCP listener on port ${f.target.port} on any address`,
    ],
    fix: `Start the server and check the port it reports at start-up (\`portier ls\` lists what listens), or run \`portier doctor ${f.target.input} -- <start command>\` to watch it start.`,
  };
};

/** FAMILY_MISMATCH: the server listens on the other address family (::1 vs 127.0.0.1). */
export const familyMismatch: Check = (f) => {
  const failed = f.probe.attempts.filter(
    (a) => a.outcome === 'refused' || a.outcome === 'addrnotavail' || a.outcome === 'unreachable',
  );
  for (const attempt of failed) {
    const others = tcpListeners(f).filter(
      (l) =>
        l.exposure === 'loopback' &&
        l.family !== attempt.family &&
        !listenerCovers(l, attempt.address),
    );
    if (others.length === 0 || tcpListeners(f).some((l) => listenerCovers(l, attempt.address)))
      continue;
    const other = others[0]!;
    const hostHint =
      other.family === 'ipv6' ? `[::1]:${f.target.port}` : `127.0.0.1:${f.target.port}`;
    return {
      code: 'FAMILY_MISMATCH',
      severity: f.probe.status === 'down' ? 'error' : 'warning',
      summary: `The server listens on ${formatHostPort(other.address, other.port)} (${other.family}) but ${attempt.address} (${attempt.family}) was tried${f.probe.status === 'down' ? '' : ' first; clients that do not fall back to the other family fail'}.`,
      evidence: [
        formatAttempt(attempt),
        formatListener(other),
        ...(f.target.host === 'localhost'
          ? [`localhost resolves to ${f.probe.addresses.join(', ')} (in this order)`]
          : []),
      ],
      fix: `Connect to ${hostHint}, or make the server listen on both families (bind "localhost" resolves to one of them; bind 127.0.0.1 and ::1, or :: with dual-stack).`,
    };
  }
  return undefined;
};

/** BOUND_TO_OTHER_INTERFACE: a listener on the port, but only on addresses that were not tried. */
export const boundToOtherInterface: Check = (f) => {
  if (f.probe.status !== 'down' || refused(f).length === 0) return undefined;
  const listeners = tcpListeners(f);
  if (listeners.length === 0) return undefined;
  if (f.probe.attempts.some((a) => listeners.some((l) => listenerCovers(l, a.address))))
    return undefined;
  const elsewhere = listeners.filter(
    (l) => !(l.exposure === 'loopback' && (l.address === '::1' || l.address === '127.0.0.1')),
  );
  if (elsewhere.length === 0) return undefined; // the other loopback family: FAMILY_MISMATCH says it
  return {
    code: 'BOUND_TO_OTHER_INTERFACE',
    severity: 'error',
    summary: `The server listens on ${elsewhere.map((l) => formatHostPort(l.address, l.port)).join(', ')} only, not on ${f.probe.addresses.join(' or ')}.`,
    evidence: [...refused(f).map(formatAttempt), ...elsewhere.map(formatListener)],
    fix: `Connect to ${formatHostPort(elsewhere[0]!.address, f.target.port)}, or bind the server to 127.0.0.1 (and ::1).`,
  };
};

/** OTHER_NETNS: the port is served in another network namespace (a container, `ip netns`). */
export const otherNetns: Check = (f) => {
  if (f.probe.status !== 'down' || f.otherNamespaces.length === 0 || tcpListeners(f).length > 0)
    return undefined;
  const first = f.otherNamespaces[0]!;
  return {
    code: 'OTHER_NETNS',
    severity: 'error',
    summary: `Port ${f.target.port} is served in another network namespace (${first.namespace}), which this loopback cannot reach.`,
    evidence: [
      ...f.probe.attempts.map(formatAttempt),
      ...f.otherNamespaces.map(
        (n) =>
          `listener ${formatHostPort(n.address, n.port)} in ${n.namespace} (pid ${n.pid}${n.name ? ` ${n.name}` : ''})`,
      ),
    ],
    fix: `Publish the port to this host's loopback (\`docker run -p 127.0.0.1:${f.target.port}:${f.target.port} …\`), or run the client inside that namespace (\`nsenter -t ${first.pid} -n …\`).`,
  };
};
