import { isLoopbackAddress } from '../../net/exposure.js';
import { formatAttempt } from '../evidence.js';
import { localhostProblems, parseHostsFile } from '../hosts-file.js';
import { proxyInterception } from '../proxy-env.js';
import type { Check, Finding, MachineFacts, TargetFacts } from '../types.js';

/** HOSTS_FILE_BROKEN from machine facts: localhost maps to something that is not loopback. */
export function hostsFileFinding(
  m: MachineFacts,
  severity: 'error' | 'warning' = 'error',
): Finding | undefined {
  const problems =
    m.hostsText === undefined
      ? [`${m.hostsPath} cannot be read`]
      : localhostProblems(parseHostsFile(m.hostsText));
  const resolvedBad = m.localhost.addresses.filter((a) => !isLoopbackAddress(a));
  if (m.localhost.error) problems.push(`localhost does not resolve: ${m.localhost.error}`);
  if (resolvedBad.length > 0) problems.push(`localhost resolves to ${resolvedBad.join(', ')}`);
  const serious =
    resolvedBad.length > 0 ||
    m.localhost.error !== undefined ||
    problems.some((p) => p.includes('not a loopback'));
  if (!serious) return undefined;
  return {
    code: 'HOSTS_FILE_BROKEN',
    severity,
    summary: `"localhost" does not resolve to loopback only (${m.hostsPath}).`,
    evidence: problems,
    fix: `Make ${m.hostsPath} map localhost to loopback only: "127.0.0.1 localhost" and "::1 localhost".`,
  };
}

/** IPV6_DISABLED from machine facts. */
export function ipv6Finding(
  m: MachineFacts,
  severity: 'error' | 'warning' | 'info',
): Finding | undefined {
  if (m.ipv6.enabled) return undefined;
  return {
    code: 'IPV6_DISABLED',
    severity,
    summary:
      'IPv6 is disabled on loopback: ::1 cannot be reached, so clients that resolve localhost to ::1 first fail.',
    evidence: [m.ipv6.evidence],
    fix: 'Use 127.0.0.1 explicitly, or enable IPv6 on lo: `sysctl -w net.ipv6.conf.lo.disable_ipv6=0`.',
  };
}

/** PROXY_ENV_INTERCEPTS_LOCALHOST for the given host names. */
export function proxyFinding(
  m: MachineFacts,
  hosts: readonly string[],
  severity: 'error' | 'warning',
): Finding | undefined {
  const hit = proxyInterception(m.env, hosts);
  if (!hit) return undefined;
  return {
    code: 'PROXY_ENV_INTERCEPTS_LOCALHOST',
    severity,
    summary: `${hit.variable} is set and NO_PROXY does not cover ${hit.uncovered.join(', ')}: clients that honour proxy variables (curl, Python requests, Java, Node with EnvHttpProxyAgent) send these requests to ${hit.proxy}.`,
    evidence: [`${hit.variable}=${hit.proxy}`, `NO_PROXY=${hit.noProxy ?? '(unset)'}`],
    fix: `export NO_PROXY=localhost,127.0.0.1,::1${hit.noProxy ? `,${hit.noProxy}` : ''} (and no_proxy the same).`,
  };
}

const loopbackTarget = (f: TargetFacts) =>
  f.target.host === 'localhost' || f.probe.addresses.some(isLoopbackAddress);

/** HOSTS_FILE_BROKEN for a localhost target. */
export const hostsFile: Check = (f) =>
  f.target.host === 'localhost' ? hostsFileFinding(f.machine) : undefined;

/** IPV6_DISABLED when the target needs ::1. */
export const ipv6Disabled: Check = (f) => {
  const wantsV6 = f.probe.addresses.includes('::1') || f.target.host === '::1';
  return wantsV6 ? ipv6Finding(f.machine, f.probe.ok ? 'warning' : 'error') : undefined;
};

/** PROXY_ENV_INTERCEPTS_LOCALHOST for http(s) targets on loopback. */
export const proxyEnv: Check = (f) => {
  if ((f.target.kind !== 'http' && f.target.kind !== 'https') || !loopbackTarget(f))
    return undefined;
  return proxyFinding(f.machine, [f.target.host], 'warning');
};

/** DNS_FAILURE: the host name did not resolve. */
export const dnsFailure: Check = (f) => {
  const code = f.probe.details?.dnsError;
  if (typeof code !== 'string') return undefined;
  return {
    code: 'DNS_FAILURE',
    severity: 'error',
    summary: `"${f.target.host}" does not resolve (${code}).`,
    evidence: [
      `lookup ${f.target.host} → ${code}`,
      ...(f.target.host.endsWith('.localhost')
        ? ['*.localhost names resolve in browsers, not always in other programs']
        : []),
    ],
    fix: f.target.host.endsWith('.localhost')
      ? 'Use 127.0.0.1 from programs, or add the name to the hosts file.'
      : 'Check the spelling, or use the address directly (127.0.0.1).',
  };
};

/** EPHEMERAL_PORT_EXHAUSTION or EADDRNOTAVAIL from connect attempts. */
export const addressNotAvailable: Check = (f) => {
  const failed = f.probe.attempts.filter((a) => a.outcome === 'addrnotavail');
  if (failed.length === 0) return undefined;
  if (failed.every((a) => a.family === 'ipv6') && !f.machine.ipv6.enabled) return undefined; // IPV6_DISABLED says it
  const range = f.machine.ephemeral;
  const size = range.to - range.from + 1;
  const used = (f.socketCounts?.timeWait ?? 0) + (f.socketCounts?.established ?? 0);
  if (used >= size * 0.9) {
    return {
      code: 'EPHEMERAL_PORT_EXHAUSTION',
      severity: 'error',
      summary: `No local port is left to connect from: ${used} sockets use the ${size} ports of the ephemeral range ${range.from}–${range.to}.`,
      evidence: [
        ...failed.map(formatAttempt),
        `TIME_WAIT ${f.socketCounts?.timeWait ?? 0}, ESTABLISHED ${f.socketCounts?.established ?? 0}`,
      ],
      fix: 'Reuse connections (keep-alive pools) instead of opening one per request, or widen net.ipv4.ip_local_port_range.',
    };
  }
  return {
    code: 'EADDRNOTAVAIL',
    severity: 'error',
    summary: `The address ${failed[0]!.address} is not available on this machine (EADDRNOTAVAIL).`,
    evidence: failed.map(formatAttempt),
    fix: 'Use an address this machine has (127.0.0.1, ::1); `ip addr` lists them.',
  };
};
