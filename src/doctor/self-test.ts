import { getDefaultResultOrder } from 'node:dns';
import { getDefaultAutoSelectFamily } from 'node:net';
import { hostsFileFinding, ipv6Finding, proxyFinding } from './checks/machine-checks.js';
import { parseHostsFile } from './hosts-file.js';
import { loopbackEcho } from './loopback-echo.js';
import { gatherMachineFacts, type MachineFactsOptions } from './machine-facts.js';
import type { Finding, MachineFacts } from './types.js';

/** The loopback self-test report. */
export interface SelfTestReport {
  /** No error-level finding. */
  ok: boolean;
  findings: Finding[];
  machine: MachineFacts;
  elapsedMs: number;
}

function echoFinding(
  address: string,
  result: Awaited<ReturnType<typeof loopbackEcho>>,
  ipv6Off: boolean,
): Finding {
  if (result.ok) {
    return {
      code: 'LOOPBACK_ECHO',
      severity: 'ok',
      summary: `Echo round trip on ${address}: ${result.roundTripMs} ms.`,
      evidence: [`bind, connect, send and echo on ${address} port 0`],
    };
  }
  return {
    code: 'LOOPBACK_ECHO',
    severity: address === '::1' && ipv6Off ? 'warning' : 'error',
    summary: `Echo round trip on ${address} failed: ${result.error}.`,
    evidence: [`bind/connect on ${address} → ${result.error}`],
    fix:
      address === '::1'
        ? 'Enable IPv6 on lo, or use 127.0.0.1 everywhere.'
        : 'The loopback interface is down or filtered: `ip link set lo up`; check `nft list ruleset`.',
  };
}

function resolutionFinding(m: MachineFacts): Finding {
  const hosts = m.hostsText
    ? parseHostsFile(m.hostsText).entries.filter((e) => e.names.includes('localhost'))
    : [];
  return {
    code: 'LOCALHOST_RESOLUTION',
    severity: 'info',
    summary: m.localhost.error
      ? `localhost does not resolve: ${m.localhost.error}.`
      : `localhost resolves to ${m.localhost.addresses.join(', ')} (in this order).`,
    evidence: [
      ...hosts.map((e) => `${m.hostsPath} line ${e.line}: ${e.address} ${e.names.join(' ')}`),
      'order as getaddrinfo returns it: clients that do not race families try the first only',
    ],
  };
}

function settingFindings(m: MachineFacts): Finding[] {
  return [
    {
      code: 'NODE_ADDRESS_ORDER',
      severity: 'info',
      summary: `Node resolves in ${getDefaultResultOrder()} order; autoSelectFamily (happy eyeballs) is ${getDefaultAutoSelectFamily() ? 'on' : 'off'}.`,
      evidence: ['dns.getDefaultResultOrder(), net.getDefaultAutoSelectFamily()'],
    },
    {
      code: 'EPHEMERAL_RANGE',
      severity: 'info',
      summary: `Outgoing connections use local ports ${m.ephemeral.from}–${m.ephemeral.to}; a server on one of them can clash with a client.`,
      evidence: ['net.ipv4.ip_local_port_range'],
    },
    {
      code: 'UNPRIVILEGED_PORT_START',
      severity: 'info',
      summary: `Ports below ${m.unprivilegedPortStart} need privilege; this user ${m.canBindPrivileged ? 'has it' : 'does not'}.`,
      evidence: ['net.ipv4.ip_unprivileged_port_start', `uid ${m.uid}`],
    },
  ];
}

/**
 * The loopback self-test: echo round trips on 127.0.0.1 and ::1, how localhost resolves and
 * from where, hosts-file sanity, IPv6 state, proxy variables against NO_PROXY, the ephemeral
 * range, the first unprivileged port and Node's address-family selection. Each a finding.
 */
export async function selfTest(options: MachineFactsOptions = {}): Promise<SelfTestReport> {
  const started = performance.now();
  const [machine, v4, v6] = await Promise.all([
    gatherMachineFacts(options),
    loopbackEcho('127.0.0.1'),
    loopbackEcho('::1'),
  ]);
  const optional = [
    hostsFileFinding(machine),
    ipv6Finding(machine, 'warning'),
    proxyFinding(machine, ['localhost', '127.0.0.1', '::1'], 'warning'),
  ];
  const findings = [
    echoFinding('127.0.0.1', v4, false),
    echoFinding('::1', v6, !machine.ipv6.enabled),
    resolutionFinding(machine),
    ...optional.filter((f): f is Finding => f !== undefined),
    ...settingFindings(machine),
  ];
  const order = { error: 0, warning: 1, ok: 2, info: 3 };
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return {
    ok: !findings.some((f) => f.severity === 'error'),
    findings,
    machine,
    elapsedMs: Math.round((performance.now() - started) * 100) / 100,
  };
}
