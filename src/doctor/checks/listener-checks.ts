import { formatAttempt, formatListener, listenerCovers } from '../evidence.js';
import type { Check, TargetFacts } from '../types.js';

/** Listeners in this namespace that accept connections for an attempted address. */
function coveringListeners(f: TargetFacts) {
  return f.holders.listeners.filter((l) =>
    f.probe.attempts.some((a) => listenerCovers(l, a.address)),
  );
}

function stoppedHolders(f: TargetFacts) {
  return coveringListeners(f)
    .flatMap((l) => l.processes)
    .filter((p) => /^[Tt]/.test(f.processStates[p.pid] ?? ''));
}

/**
 * Listeners whose accept queue is full. Linux /proc/net/tcp does not show a listener's backlog
 * limit (its tx_queue column reads 0), so a backlog of 0 means unknown: then connections waiting
 * in the queue while the connect timed out are the sign.
 */
function fullQueues(f: TargetFacts) {
  const timedOut = f.probe.attempts.some((a) => a.outcome === 'timeout');
  return coveringListeners(f).filter((l) => {
    const queued = l.acceptQueue ?? 0;
    return l.acceptBacklog ? queued >= l.acceptBacklog : queued > 0 && timedOut;
  });
}

const silent = (f: TargetFacts) =>
  f.probe.attempts.some((a) => a.outcome === 'timeout') || f.probe.problem === 'no-response';

/** LISTENER_STOPPED: the holder is stopped (SIGSTOP, a debugger, Ctrl-Z): the kernel accepts, nobody answers. */
export const listenerStopped: Check = (f) => {
  const stopped = stoppedHolders(f);
  if (stopped.length === 0) return undefined;
  const p = stopped[0]!;
  return {
    code: 'LISTENER_STOPPED',
    severity: 'error',
    summary: `The process holding port ${f.target.port} is stopped (pid ${p.pid}${p.name ? `, ${p.name}` : ''}): connections queue up but nothing answers.`,
    evidence: [
      ...f.probe.attempts.map(formatAttempt),
      `pid ${p.pid} state ${f.processStates[p.pid]} (stopped)`,
      ...coveringListeners(f).map(formatListener),
    ],
    fix: `Resume it with \`kill -CONT ${p.pid}\` (or \`fg\` in its terminal), or detach the debugger that paused it.`,
  };
};

/** LISTENER_SATURATED: the accept queue is full; the server does not accept fast enough (or at all). */
export const listenerSaturated: Check = (f) => {
  const full = fullQueues(f);
  if (full.length === 0 || stoppedHolders(f).length > 0 || !silent(f)) return undefined;
  const l = full[0]!;
  const limit = l.acceptBacklog ? `backlog ${l.acceptBacklog}` : 'the connect timed out';
  return {
    code: 'LISTENER_SATURATED',
    severity: 'error',
    summary: `The accept queue of port ${f.target.port} is full (${l.acceptQueue} waiting, ${limit}): new connections are dropped until the server accepts.`,
    evidence: [
      ...f.probe.attempts.map(formatAttempt),
      formatListener(l),
      l.acceptBacklog
        ? `accept queue ${l.acceptQueue} >= backlog ${l.acceptBacklog}`
        : `accept queue ${l.acceptQueue} waiting, none accepted`,
    ],
    fix: 'The server is blocked or overloaded: look for a busy event loop or a deadlock (`portier who` shows the pid), or raise its listen backlog.',
  };
};

/** FIREWALL_DROP: a listener is there and running, yet connections time out or are refused. */
export const firewallDrop: Check = (f) => {
  if (f.probe.status !== 'down') return undefined;
  const covering = coveringListeners(f);
  if (covering.length === 0 || stoppedHolders(f).length > 0 || fullQueues(f).length > 0)
    return undefined;
  const blocked = f.probe.attempts.filter(
    (a) =>
      ['timeout', 'refused', 'eperm'].includes(a.outcome) &&
      covering.some((l) => listenerCovers(l, a.address)),
  );
  if (blocked.length === 0) return undefined;
  const kind = blocked.some((a) => a.outcome === 'timeout') ? 'dropped (no answer)' : 'rejected';
  return {
    code: 'FIREWALL_DROP',
    severity: 'error',
    summary: `A listener holds port ${f.target.port}, but connections to it are ${kind}: a packet filter rule is in the way.`,
    evidence: [...blocked.map(formatAttempt), ...covering.map(formatListener)],
    fix: 'List the rules with `nft list ruleset` or `iptables -S` (and `ip6tables -S`) and allow loopback: `iptables -I INPUT -i lo -j ACCEPT`.',
  };
};

/** PORT_OPEN_BUT_NOT_READY: connected, but the service says it is starting, or does not answer. */
export const portOpenButNotReady: Check = (f) => {
  const problem = f.probe.problem;
  if (f.probe.status !== 'not-ready' || (problem !== 'starting-up' && problem !== 'no-response'))
    return undefined;
  if (stoppedHolders(f).length > 0 || fullQueues(f).length > 0) return undefined;
  const starting = problem === 'starting-up';
  return {
    code: 'PORT_OPEN_BUT_NOT_READY',
    severity: 'error',
    summary: starting
      ? `Port ${f.target.port} is open but the service is not ready yet: ${f.probe.summary}.`
      : `Port ${f.target.port} accepted the connection but the service did not answer in time.`,
    evidence: [
      ...f.probe.attempts.map(formatAttempt),
      `probe: ${f.probe.summary}`,
      ...coveringListeners(f).map(formatListener),
    ],
    fix: starting
      ? `Wait for it: \`portier wait ${f.target.input}\` returns when it is ready.`
      : 'The server is busy or stuck before answering; check its logs, or give it longer with --timeout.',
  };
};
