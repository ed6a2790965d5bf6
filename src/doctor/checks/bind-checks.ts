import { formatHostPort } from '../../net/target.js';
import { forwarderReason } from '../../ports/forwarders.js';
import { formatListener, tailEvidence } from '../evidence.js';
import type { Check, Finding, TargetFacts } from '../types.js';

const output = (f: TargetFacts) => f.watched?.outputTail.join('\n') ?? '';
const saysInUse = (f: TargetFacts) => /EADDRINUSE|address already in use/i.test(output(f));
const saysDenied = (f: TargetFacts) => /EACCES|permission denied/i.test(output(f));

/** PROCESS_EXITED: the process that should listen ended first — the real cause behind most timeouts. */
export const processExited: Check = (f) => {
  const w = f.watched;
  if (!w?.exit) return undefined;
  const how = w.exit.signal
    ? `was killed by ${w.exit.signal}`
    : w.exit.code === null
      ? 'exited'
      : `exited with code ${w.exit.code}`;
  return {
    code: 'PROCESS_EXITED',
    severity: 'error',
    summary: `The process that should listen on port ${f.target.port} (pid ${w.pid}${w.command ? `, \`${w.command}\`` : ''}) ${how} after ${Math.round(w.exit.afterMs)} ms, before it was reachable.`,
    evidence: [`pid ${w.pid} ${how}`, ...tailEvidence(w.outputTail)],
    fix: 'Fix the error in its output above, then start it again.',
  };
};

/** WRONG_PORT: the watched process listens, but on another port than the target's. */
export const wrongPort: Check = (f) => {
  const w = f.watched;
  if (
    !w ||
    f.probe.ok ||
    w.listening.length === 0 ||
    w.listening.some((l) => l.port === f.target.port)
  )
    return undefined;
  const where = w.listening.map((l) => formatHostPort(l.address, l.port)).join(', ');
  return {
    code: 'WRONG_PORT',
    severity: 'error',
    summary: `The process (pid ${w.pid}) listens on ${where}, not on port ${f.target.port}.`,
    evidence: [
      `pid ${w.pid} and its children listen on: ${where}`,
      `nothing of it listens on ${f.target.port}`,
    ],
    fix: `Point the client at port ${w.listening[0]!.port}, or start the server on ${f.target.port} (most read PORT: \`PORT=${f.target.port}\`; some need a flag such as --port).`,
  };
};

/** PRIVILEGED_PORT: a port below the unprivileged start, for a user who may not bind it. */
export const privilegedPort: Check = (f) => {
  const m = f.machine;
  if (f.target.port >= m.unprivilegedPortStart || m.canBindPrivileged || f.probe.ok)
    return undefined;
  if (f.watched && !saysDenied(f) && !f.watched.exit) return undefined;
  return {
    code: 'PRIVILEGED_PORT',
    severity: 'error',
    summary: `Port ${f.target.port} is privileged here (below ${m.unprivilegedPortStart}) and uid ${m.uid} may not bind it.`,
    evidence: [
      `net.ipv4.ip_unprivileged_port_start = ${m.unprivilegedPortStart}`,
      `uid ${m.uid} without CAP_NET_BIND_SERVICE`,
      ...(f.watched ? tailEvidence(f.watched.outputTail, 3) : []),
    ],
    fix: `Use a port of ${m.unprivilegedPortStart} or above (\`portier pick\`), or grant the binary the capability: \`sudo setcap cap_net_bind_service=+ep $(which node)\`.`,
  };
};

function inUseFinding(f: TargetFacts): Finding | undefined {
  const holders = f.holders;
  const listeners = holders.listeners.filter((l) => l.protocol === 'tcp');
  const w = f.watched;
  const evidence = [...listeners.map(formatListener), ...(w ? tailEvidence(w.outputTail, 3) : [])];
  const forwarder = listeners.flatMap((l) => l.processes).find((p) => forwarderReason(p));
  if (forwarder) {
    return {
      code: 'IN_USE_BY_FORWARDER',
      severity: 'error',
      summary: `Port ${f.target.port} is held by a port forwarder, ${forwarder.name} (pid ${forwarder.pid}): ${forwarderReason(forwarder)}`,
      evidence,
      fix: 'Stop the container or VM that publishes the port, or use another port.',
    };
  }
  if (listeners.length > 0 && listeners.every((l) => l.ownerHidden)) {
    const l = listeners[0]!;
    return {
      code: 'IN_USE_BY_OTHER_USER',
      severity: 'error',
      summary: `Port ${f.target.port} is held by a process of ${l.user ?? `uid ${l.uid}`} that this user cannot see.`,
      evidence,
      fix: `Ask that user to stop it, or look with \`sudo portier who ${f.target.port}\`; or use another port (\`portier pick\`).`,
    };
  }
  const p = listeners.flatMap((l) => l.processes)[0];
  if (p) {
    return {
      code: 'IN_USE_BY_PID',
      severity: 'error',
      summary: `Port ${f.target.port} is already held by ${p.name ?? 'a process'} (pid ${p.pid}${p.command ? `, \`${p.command}\`` : ''}).`,
      evidence,
      fix: `Stop it with \`portier kill ${f.target.port}\`, or start on another port (\`portier pick\`).`,
    };
  }
  if (holders.status === 'time-wait-only') {
    return {
      code: 'IN_USE_TIME_WAIT_ONLY',
      severity: w ? 'error' : 'info',
      summary: `Port ${f.target.port} has no listener, only ${holders.timeWait} closed connection(s) in TIME_WAIT.`,
      evidence: [`${holders.timeWait} TIME_WAIT socket(s) on port ${f.target.port}`, ...evidence],
      fix: 'They clear within 60 s; a server that sets SO_REUSEADDR (Node does) can bind now.',
    };
  }
  return undefined;
}

/** IN_USE_*: the port the watched server wanted is taken (or the target is held by a forwarder). */
export const portInUse: Check = (f) => {
  const w = f.watched;
  const held = f.holders.listeners.some((l) => l.protocol === 'tcp');
  if (w && (saysInUse(f) || (held && !w.listening.some((l) => l.port === f.target.port))))
    return inUseFinding(f);
  if (!w && f.holders.status === 'time-wait-only' && !f.probe.ok) return inUseFinding(f);
  return undefined;
};
