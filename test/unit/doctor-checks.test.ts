import { describe, expect, it } from 'vitest';
import {
  portInUse,
  privilegedPort,
  processExited,
  wrongPort,
} from '../../src/doctor/checks/bind-checks.js';
import {
  boundToOtherInterface,
  familyMismatch,
  nothingListening,
  otherNetns,
} from '../../src/doctor/checks/connection-checks.js';
import {
  firewallDrop,
  listenerSaturated,
  listenerStopped,
  portOpenButNotReady,
} from '../../src/doctor/checks/listener-checks.js';
import {
  addressNotAvailable,
  dnsFailure,
  hostsFile,
  ipv6Disabled,
  proxyEnv,
} from '../../src/doctor/checks/machine-checks.js';
import {
  hostHeaderRejected,
  httpErrorStatus,
  reachable,
  tlsMismatch,
  wrongService,
} from '../../src/doctor/checks/protocol-checks.js';
import { CHECKS } from '../../src/doctor/checks.js';
import { reportFromFacts } from '../../src/doctor/diagnose.js';
import { runChecks } from '../../src/doctor/rank.js';
import type {
  Check,
  Finding,
  FindingCode,
  MachineFacts,
  NetnsListener,
  TargetFacts,
  WatchedProcess,
} from '../../src/doctor/types.js';
import { classifyExposure } from '../../src/net/exposure.js';
import { parseTarget } from '../../src/net/target.js';
import type {
  Attempt,
  AttemptOutcome,
  ProbeProblem,
  ProbeResult,
  ProbeStatus,
} from '../../src/probes/types.js';
import type { Listener, ProcessInfo } from '../../src/sockets/model.js';
import { decideHoldStatus } from '../../src/sockets/who-holds.js';

// The checks are pure functions of TargetFacts: each row below builds the facts of one
// situation by hand and says which code the check gives (or that it stays quiet).

const PORT = 57573;

const GOOD_MACHINE: MachineFacts = {
  uid: 1000,
  env: {},
  hostsText: '127.0.0.1 localhost\n::1 localhost\n',
  hostsPath: '/etc/hosts',
  localhost: { addresses: ['127.0.0.1', '::1'] },
  ipv6: { enabled: true, loopbackHasV6: true, evidence: '::1 is configured on lo' },
  ephemeral: { from: 32768, to: 60999 },
  unprivilegedPortStart: 1024,
  canBindPrivileged: false,
};

function attempt(address: string, outcome: AttemptOutcome, port = PORT): Attempt {
  const errno: Partial<Record<AttemptOutcome, string>> = {
    refused: 'ECONNREFUSED',
    addrnotavail: 'EADDRNOTAVAIL',
    eperm: 'EPERM',
    unreachable: 'ENETUNREACH',
  };
  return {
    address,
    family: address.includes(':') ? 'ipv6' : 'ipv4',
    port,
    outcome,
    ms: outcome === 'timeout' ? 500 : 0.2,
    ...(errno[outcome] ? { errno: errno[outcome] } : {}),
  };
}

function listener(
  address: string,
  options: {
    port?: number;
    processes?: ProcessInfo[];
    ownerHidden?: boolean;
    uid?: number;
    user?: string;
    acceptQueue?: number;
    acceptBacklog?: number;
    protocol?: 'tcp' | 'udp';
  } = {},
): Listener {
  const hidden = options.ownerHidden ?? false;
  const l: Listener = {
    protocol: options.protocol ?? 'tcp',
    family: address.includes(':') ? 'ipv6' : 'ipv4',
    address,
    port: options.port ?? PORT,
    exposure: classifyExposure(address),
    processes: hidden
      ? []
      : (options.processes ?? [{ pid: 812, name: 'node', command: 'node server.js' }]),
    ownerHidden: hidden,
    uid: options.uid ?? 1000,
    // What Linux /proc/net/tcp gives: the queue length, and 0 where the backlog would be.
    acceptQueue: options.acceptQueue ?? 0,
    acceptBacklog: options.acceptBacklog ?? 0,
  };
  if (options.user) l.user = options.user;
  return l;
}

/** One situation; every field has a quiet default (127.0.0.1:57573 refused, nothing else). */
interface Situation {
  target?: string;
  attempts?: Attempt[];
  status?: ProbeStatus;
  problem?: ProbeProblem;
  summary?: string;
  details?: Record<string, unknown>;
  addresses?: string[];
  listeners?: Listener[];
  timeWait?: number;
  states?: Record<number, string>;
  otherNamespaces?: NetnsListener[];
  alternate?: { input: string; ok: boolean; summary?: string };
  watched?: Partial<WatchedProcess>;
  machine?: Partial<MachineFacts>;
  socketCounts?: { timeWait: number; established: number };
}

function facts(s: Situation = {}): TargetFacts {
  const target = parseTarget(s.target ?? `127.0.0.1:${PORT}`);
  const attempts = s.attempts ?? [attempt('127.0.0.1', 'refused', target.port)];
  const status = s.status ?? 'down';
  const probe: ProbeResult = {
    target,
    status,
    ok: status === 'ready',
    summary: s.summary ?? (status === 'down' ? 'Unable to connect' : 'answered'),
    attempts,
    addresses: s.addresses ?? [...new Set(attempts.map((a) => a.address))],
    elapsedMs: 1,
  };
  if (s.problem) probe.problem = s.problem;
  if (s.details) probe.details = s.details;
  const listeners = s.listeners ?? [];
  const timeWait = s.timeWait ?? 0;
  const result: TargetFacts = {
    target,
    probe,
    holders: {
      port: target.port,
      status: decideHoldStatus(listeners, timeWait, 0),
      listeners,
      timeWait,
      connections: [],
      connectionsCounted: true,
    },
    processStates: s.states ?? {},
    otherNamespaces: s.otherNamespaces ?? [],
    machine: { ...GOOD_MACHINE, ...s.machine },
  };
  if (s.alternate) {
    const alt = parseTarget(s.alternate.input);
    result.alternateProbe = {
      target: alt,
      status: s.alternate.ok ? 'ready' : 'down',
      ok: s.alternate.ok,
      summary: s.alternate.summary ?? 'HTTP 200 OK',
      attempts: [attempt('127.0.0.1', 'connected', alt.port)],
      addresses: ['127.0.0.1'],
      elapsedMs: 1,
    };
  }
  if (s.watched) {
    result.watched = {
      pid: 4242,
      command: 'node server.js',
      outputTail: [],
      listening: [],
      ...s.watched,
    };
  }
  if (s.socketCounts) result.socketCounts = s.socketCounts;
  return result;
}

function codesOf(result: Finding | Finding[] | undefined): FindingCode[] {
  return (Array.isArray(result) ? result : result ? [result] : []).map((f) => f.code);
}

const EXITED = { exit: { code: 1, signal: null, afterMs: 212 } };
const connected = [attempt('127.0.0.1', 'connected')];

type Row = [name: string, check: Check, situation: Situation, expected: FindingCode | undefined];

const ROWS: Row[] = [
  // PROCESS_EXITED
  ['exited watched process', processExited, { watched: EXITED }, 'PROCESS_EXITED'],
  [
    'killed watched process',
    processExited,
    { watched: { exit: { code: null, signal: 'SIGKILL', afterMs: 5 } } },
    'PROCESS_EXITED',
  ],
  ['watched process still running', processExited, { watched: {} }, undefined],
  ['nothing watched', processExited, {}, undefined],
  // WRONG_PORT
  [
    'watched listens on another port',
    wrongPort,
    { watched: { listening: [{ address: '127.0.0.1', port: 3001 }] } },
    'WRONG_PORT',
  ],
  [
    'watched listens on the target port too',
    wrongPort,
    {
      watched: {
        listening: [
          { address: '127.0.0.1', port: 3001 },
          { address: '::1', port: PORT },
        ],
      },
    },
    undefined,
  ],
  ['watched listens nowhere yet', wrongPort, { watched: {} }, undefined],
  [
    'target answers although watched listens elsewhere',
    wrongPort,
    {
      status: 'ready',
      attempts: connected,
      watched: { listening: [{ address: '127.0.0.1', port: 3001 }] },
    },
    undefined,
  ],
  // PRIVILEGED_PORT
  ['port 80 for uid 1000', privilegedPort, { target: '127.0.0.1:80' }, 'PRIVILEGED_PORT'],
  [
    'port 80 with CAP_NET_BIND_SERVICE',
    privilegedPort,
    { target: '127.0.0.1:80', machine: { canBindPrivileged: true } },
    undefined,
  ],
  [
    'port 80 where unprivileged ports start at 0 (containers)',
    privilegedPort,
    { target: '127.0.0.1:80', machine: { unprivilegedPortStart: 0 } },
    undefined,
  ],
  ['port 1024', privilegedPort, { target: '127.0.0.1:1024' }, undefined],
  [
    'watched server printed EACCES',
    privilegedPort,
    {
      target: '127.0.0.1:80',
      watched: { outputTail: ['Error: listen EACCES: permission denied 127.0.0.1:80'] },
    },
    'PRIVILEGED_PORT',
  ],
  [
    'watched server still starting on port 80',
    privilegedPort,
    { target: '127.0.0.1:80', watched: {} },
    undefined,
  ],
  [
    'port 80 answers',
    privilegedPort,
    { target: '127.0.0.1:80', status: 'ready', attempts: connected },
    undefined,
  ],
  // IN_USE_*
  [
    'EADDRINUSE, holder visible',
    portInUse,
    {
      status: 'ready',
      attempts: connected,
      listeners: [listener('127.0.0.1')],
      watched: { ...EXITED, outputTail: ['Error: listen EADDRINUSE: address already in use'] },
    },
    'IN_USE_BY_PID',
  ],
  [
    'EADDRINUSE, holder of another user',
    portInUse,
    {
      listeners: [listener('127.0.0.1', { ownerHidden: true, uid: 65534, user: 'nobody' })],
      watched: { ...EXITED, outputTail: ['Error: listen EADDRINUSE'] },
    },
    'IN_USE_BY_OTHER_USER',
  ],
  [
    'EADDRINUSE, holder is docker-proxy',
    portInUse,
    {
      listeners: [listener('0.0.0.0', { processes: [{ pid: 90, name: 'docker-proxy' }] })],
      watched: { ...EXITED, outputTail: ['Error: listen EADDRINUSE'] },
    },
    'IN_USE_BY_FORWARDER',
  ],
  ['only TIME_WAIT, nothing watched', portInUse, { timeWait: 2 }, 'IN_USE_TIME_WAIT_ONLY'],
  [
    'watched process listens on the target itself',
    portInUse,
    {
      status: 'ready',
      attempts: connected,
      listeners: [listener('127.0.0.1', { processes: [{ pid: 4242, name: 'node' }] })],
      watched: { listening: [{ address: '127.0.0.1', port: PORT }] },
    },
    undefined,
  ],
  ['free port, nothing watched', portInUse, {}, undefined],
  // DNS_FAILURE
  [
    'name does not resolve',
    dnsFailure,
    { target: `app.localhost:${PORT}`, attempts: [], details: { dnsError: 'ENOTFOUND' } },
    'DNS_FAILURE',
  ],
  ['address literal', dnsFailure, {}, undefined],
  // HOSTS_FILE_BROKEN
  [
    'localhost mapped to 10.1.2.3',
    hostsFile,
    {
      target: `localhost:${PORT}`,
      machine: {
        hostsText: '10.1.2.3 localhost\n',
        localhost: { addresses: ['10.1.2.3'] },
      },
    },
    'HOSTS_FILE_BROKEN',
  ],
  [
    'localhost does not resolve',
    hostsFile,
    {
      target: `localhost:${PORT}`,
      machine: { hostsText: '', localhost: { addresses: [], error: 'ENOTFOUND' } },
    },
    'HOSTS_FILE_BROKEN',
  ],
  ['sane hosts file', hostsFile, { target: `localhost:${PORT}` }, undefined],
  [
    'broken hosts file, but the target is an address',
    hostsFile,
    { machine: { localhost: { addresses: ['10.1.2.3'] } } },
    undefined,
  ],
  // IPV6_DISABLED
  [
    '::1 target with IPv6 off',
    ipv6Disabled,
    {
      target: `[::1]:${PORT}`,
      attempts: [attempt('::1', 'addrnotavail')],
      machine: {
        ipv6: {
          enabled: false,
          loopbackHasV6: false,
          evidence: 'net.ipv6.conf.lo.disable_ipv6 = 1',
        },
      },
    },
    'IPV6_DISABLED',
  ],
  [
    '::1 target with IPv6 on',
    ipv6Disabled,
    { target: `[::1]:${PORT}`, attempts: [attempt('::1', 'refused')] },
    undefined,
  ],
  // EADDRNOTAVAIL / EPHEMERAL_PORT_EXHAUSTION
  [
    'connect EADDRNOTAVAIL',
    addressNotAvailable,
    { attempts: [attempt('127.0.0.1', 'addrnotavail')] },
    'EADDRNOTAVAIL',
  ],
  [
    'connect EADDRNOTAVAIL with the ephemeral range used up',
    addressNotAvailable,
    {
      attempts: [attempt('127.0.0.1', 'addrnotavail')],
      socketCounts: { timeWait: 27_000, established: 1_000 },
    },
    'EPHEMERAL_PORT_EXHAUSTION',
  ],
  [
    '::1 EADDRNOTAVAIL with IPv6 off (IPV6_DISABLED says it)',
    addressNotAvailable,
    {
      target: `[::1]:${PORT}`,
      attempts: [attempt('::1', 'addrnotavail')],
      machine: { ipv6: { enabled: false, loopbackHasV6: false, evidence: 'off' } },
    },
    undefined,
  ],
  // OTHER_NETNS
  [
    'listener in a container only',
    otherNetns,
    {
      otherNamespaces: [
        { namespace: 'net:[4026532999]', pid: 999, name: 'node', address: '127.0.0.1', port: PORT },
      ],
    },
    'OTHER_NETNS',
  ],
  [
    'listener here and in a container',
    otherNetns,
    {
      listeners: [listener('127.0.0.2')],
      otherNamespaces: [
        { namespace: 'net:[4026532999]', pid: 999, address: '127.0.0.1', port: PORT },
      ],
    },
    undefined,
  ],
  // FAMILY_MISMATCH
  [
    '::1 only, 127.0.0.1 tried',
    familyMismatch,
    { listeners: [listener('::1')] },
    'FAMILY_MISMATCH',
  ],
  [
    '127.0.0.1 only, ::1 tried',
    familyMismatch,
    {
      target: `[::1]:${PORT}`,
      attempts: [attempt('::1', 'refused')],
      listeners: [listener('127.0.0.1')],
    },
    'FAMILY_MISMATCH',
  ],
  [
    '127.0.0.2 only (same family)',
    familyMismatch,
    { listeners: [listener('127.0.0.2')] },
    undefined,
  ],
  [
    'dual-stack wildcard covers the address',
    familyMismatch,
    { status: 'ready', attempts: connected, listeners: [listener('::')] },
    undefined,
  ],
  // BOUND_TO_OTHER_INTERFACE
  [
    '127.0.0.2 only',
    boundToOtherInterface,
    { listeners: [listener('127.0.0.2')] },
    'BOUND_TO_OTHER_INTERFACE',
  ],
  [
    'LAN address only',
    boundToOtherInterface,
    { listeners: [listener('192.168.1.20')] },
    'BOUND_TO_OTHER_INTERFACE',
  ],
  [
    '::1 only (FAMILY_MISMATCH says it)',
    boundToOtherInterface,
    { listeners: [listener('::1')] },
    undefined,
  ],
  ['no listener at all', boundToOtherInterface, {}, undefined],
  // LISTENER_STOPPED
  [
    'holder stopped (T)',
    listenerStopped,
    {
      status: 'not-ready',
      problem: 'no-response',
      attempts: connected,
      listeners: [listener('127.0.0.1')],
      states: { 812: 'T' },
    },
    'LISTENER_STOPPED',
  ],
  [
    'holder sleeping (S)',
    listenerStopped,
    {
      status: 'ready',
      attempts: connected,
      listeners: [listener('127.0.0.1')],
      states: { 812: 'S' },
    },
    undefined,
  ],
  // LISTENER_SATURATED
  [
    'queue holds connections and connect timed out (Linux: backlog unknown)',
    listenerSaturated,
    {
      attempts: [attempt('127.0.0.1', 'timeout')],
      listeners: [listener('127.0.0.1', { acceptQueue: 2 })],
      states: { 812: 'S' },
    },
    'LISTENER_SATURATED',
  ],
  [
    'queue at a known backlog, no answer',
    listenerSaturated,
    {
      status: 'not-ready',
      problem: 'no-response',
      attempts: connected,
      listeners: [listener('127.0.0.1', { acceptQueue: 129, acceptBacklog: 128 })],
    },
    'LISTENER_SATURATED',
  ],
  [
    // Regression: /proc/net/tcp reads 0 where the backlog would be, and 0 >= 0 made every
    // listener "full", so a DROP rule was reported as a saturated listener.
    'empty queue, backlog read as 0, connect timed out',
    listenerSaturated,
    { attempts: [attempt('127.0.0.1', 'timeout')], listeners: [listener('127.0.0.1')] },
    undefined,
  ],
  [
    'full queue of a stopped holder (LISTENER_STOPPED says it)',
    listenerSaturated,
    {
      attempts: [attempt('127.0.0.1', 'timeout')],
      listeners: [listener('127.0.0.1', { acceptQueue: 2 })],
      states: { 812: 'T' },
    },
    undefined,
  ],
  // FIREWALL_DROP
  [
    // Regression: was hidden behind the "full" queue of every Linux listener (see above).
    'running listener, connect timed out, queue empty',
    firewallDrop,
    {
      attempts: [attempt('127.0.0.1', 'timeout')],
      listeners: [listener('127.0.0.1')],
      states: { 812: 'S' },
    },
    'FIREWALL_DROP',
  ],
  [
    'running listener, connect refused (REJECT rule)',
    firewallDrop,
    { listeners: [listener('0.0.0.0')] },
    'FIREWALL_DROP',
  ],
  [
    'stopped listener',
    firewallDrop,
    {
      attempts: [attempt('127.0.0.1', 'timeout')],
      listeners: [listener('127.0.0.1')],
      states: { 812: 'T' },
    },
    undefined,
  ],
  ['listener on another address', firewallDrop, { listeners: [listener('127.0.0.2')] }, undefined],
  // TLS_MISMATCH
  [
    'https against plain HTTP',
    tlsMismatch,
    {
      target: `https://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      problem: 'tls-expected',
      attempts: connected,
    },
    'TLS_MISMATCH',
  ],
  [
    'http against TLS, the https re-probe worked',
    tlsMismatch,
    {
      target: `http://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      attempts: [attempt('127.0.0.1', 'closed-before-data')],
      alternate: { input: `https://127.0.0.1:${PORT}/`, ok: true },
    },
    'TLS_MISMATCH',
  ],
  [
    'http against a server that closes, https fails too',
    tlsMismatch,
    {
      target: `http://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      attempts: [attempt('127.0.0.1', 'closed-before-data')],
      alternate: { input: `https://127.0.0.1:${PORT}/`, ok: false },
    },
    undefined,
  ],
  // HOST_HEADER_REJECTED, WRONG_SERVICE_ON_PORT, HTTP_ERROR_STATUS
  [
    'Vite blocked request',
    hostHeaderRejected,
    {
      target: `http://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      problem: 'host-header-rejected',
      attempts: connected,
    },
    'HOST_HEADER_REJECTED',
  ],
  [
    'HTTP 403 without a Host complaint',
    hostHeaderRejected,
    {
      target: `http://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      problem: 'http-status',
      details: { status: 403 },
      attempts: connected,
    },
    undefined,
  ],
  [
    'SSH banner on an HTTP port',
    wrongService,
    {
      target: `http://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      problem: 'wrong-service',
      attempts: connected,
    },
    'WRONG_SERVICE_ON_PORT',
  ],
  [
    'HTTP answer on an HTTP port',
    wrongService,
    { target: `http://127.0.0.1:${PORT}/`, status: 'ready', attempts: connected },
    undefined,
  ],
  [
    'HTTP 500',
    httpErrorStatus,
    {
      target: `http://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      problem: 'http-status',
      details: { status: 500 },
      attempts: connected,
    },
    'HTTP_ERROR_STATUS',
  ],
  [
    'HTTP 200',
    httpErrorStatus,
    { target: `http://127.0.0.1:${PORT}/`, status: 'ready', attempts: connected },
    undefined,
  ],
  // PORT_OPEN_BUT_NOT_READY
  [
    'PostgreSQL 57P03',
    portOpenButNotReady,
    {
      target: `postgres://127.0.0.1:${PORT}`,
      status: 'not-ready',
      problem: 'starting-up',
      attempts: connected,
      listeners: [listener('127.0.0.1')],
    },
    'PORT_OPEN_BUT_NOT_READY',
  ],
  [
    // Regression: the visible listener's queue "0 >= backlog 0" suppressed this.
    'accepted, no answer, listener visible',
    portOpenButNotReady,
    {
      target: `http://127.0.0.1:${PORT}/`,
      status: 'not-ready',
      problem: 'no-response',
      attempts: connected,
      listeners: [listener('127.0.0.1')],
    },
    'PORT_OPEN_BUT_NOT_READY',
  ],
  [
    'no answer from a stopped holder (LISTENER_STOPPED says it)',
    portOpenButNotReady,
    {
      status: 'not-ready',
      problem: 'no-response',
      attempts: connected,
      listeners: [listener('127.0.0.1')],
      states: { 812: 'T' },
    },
    undefined,
  ],
  [
    'refused by the service (not a readiness problem)',
    portOpenButNotReady,
    { status: 'not-ready', problem: 'refused-by-service', attempts: connected },
    undefined,
  ],
  // NOTHING_LISTENING
  ['refused, no socket anywhere', nothingListening, {}, 'NOTHING_LISTENING'],
  [
    'refused, listener on another address',
    nothingListening,
    { listeners: [listener('127.0.0.2')] },
    undefined,
  ],
  ['refused, watched process exited', nothingListening, { watched: EXITED }, undefined],
  [
    'timed out (not a refusal)',
    nothingListening,
    { attempts: [attempt('127.0.0.1', 'timeout')] },
    undefined,
  ],
  [
    'refused, served in a container',
    nothingListening,
    { otherNamespaces: [{ namespace: 'net:[1]', pid: 9, address: '127.0.0.1', port: PORT }] },
    undefined,
  ],
  // PROXY_ENV_INTERCEPTS_LOCALHOST
  [
    'HTTP_PROXY without NO_PROXY',
    proxyEnv,
    { target: `http://127.0.0.1:${PORT}/`, machine: { env: { HTTP_PROXY: 'http://127.0.0.1:9' } } },
    'PROXY_ENV_INTERCEPTS_LOCALHOST',
  ],
  [
    'HTTP_PROXY with NO_PROXY covering loopback',
    proxyEnv,
    {
      target: `http://127.0.0.1:${PORT}/`,
      machine: { env: { HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: 'localhost,127.0.0.1,::1' } },
    },
    undefined,
  ],
  [
    'HTTP_PROXY, but a plain TCP target',
    proxyEnv,
    { machine: { env: { HTTP_PROXY: 'http://127.0.0.1:9' } } },
    undefined,
  ],
  // REACHABLE
  ['answered', reachable, { status: 'ready', attempts: connected }, 'REACHABLE'],
  ['down', reachable, {}, undefined],
];

describe('doctor checks, one situation at a time', () => {
  const table = ROWS.map(([name, check, situation, expected]) => ({
    name,
    check,
    situation,
    expected,
    outcome: expected ?? 'quiet',
  }));
  it.each(table)('$check.name: $name → $outcome', ({ check, situation, expected }) => {
    expect(codesOf(check(facts(situation)))).toEqual(expected ? [expected] : []);
  });

  it('every check in CHECKS is covered by a row that fires and one that stays quiet', () => {
    for (const check of CHECKS) {
      const rows = ROWS.filter((r) => r[1] === check);
      expect(
        rows.some((r) => r[3] !== undefined),
        check.name,
      ).toBe(true);
      expect(
        rows.some((r) => r[3] === undefined),
        check.name,
      ).toBe(true);
    }
  });

  it('severities: TIME_WAIT is info alone and an error for a watched server that failed to bind', () => {
    expect(portInUse(facts({ timeWait: 1 }))).toMatchObject({ severity: 'info' });
    expect(
      portInUse(
        facts({ timeWait: 1, watched: { ...EXITED, outputTail: ['Error: listen EADDRINUSE'] } }),
      ),
    ).toMatchObject({ code: 'IN_USE_TIME_WAIT_ONLY', severity: 'error' });
  });

  it('severities: FAMILY_MISMATCH is a warning when a later address of localhost answered', () => {
    const found = familyMismatch(
      facts({
        target: `localhost:${PORT}`,
        status: 'ready',
        attempts: [attempt('::1', 'refused'), attempt('127.0.0.1', 'connected')],
        listeners: [listener('127.0.0.1')],
      }),
    );
    expect(found).toMatchObject({ code: 'FAMILY_MISMATCH', severity: 'warning' });
  });

  it('severities: HTTP 404 is a warning, 500 an error', () => {
    const status = (code: number) =>
      httpErrorStatus(
        facts({
          target: `http://127.0.0.1:${PORT}/`,
          status: 'not-ready',
          problem: 'http-status',
          details: { status: code },
          attempts: connected,
        }),
      );
    expect(status(404)).toMatchObject({ severity: 'warning' });
    expect(status(500)).toMatchObject({ severity: 'error' });
  });

  it('PROCESS_EXITED carries the exit code and the last output lines as evidence', () => {
    const found = processExited(
      facts({ watched: { exit: { code: 3, signal: null, afterMs: 40 }, outputTail: ['boom'] } }),
    ) as Finding;
    expect(found.evidence).toContain('output: boom');
    expect(found.evidence.some((e) => e.includes('code 3'))).toBe(true);
  });
});

describe('reportFromFacts ranks the findings', () => {
  const ranked = (s: Situation) => reportFromFacts(facts(s), 1).findings.map((f) => f.code);

  it('errors before warnings before info', () => {
    expect(
      ranked({
        target: `http://127.0.0.1:${PORT}/`,
        timeWait: 3,
        machine: { env: { HTTP_PROXY: 'http://127.0.0.1:9' } },
      }),
    ).toEqual(['NOTHING_LISTENING', 'PROXY_ENV_INTERCEPTS_LOCALHOST', 'IN_USE_TIME_WAIT_ONLY']);
  });

  it('a watched process that exited ranks first and replaces NOTHING_LISTENING', () => {
    expect(ranked({})).toEqual(['NOTHING_LISTENING']);
    const codes = ranked({
      target: '127.0.0.1:80',
      watched: { ...EXITED, outputTail: ['Error: listen EACCES: permission denied 127.0.0.1:80'] },
    });
    expect(codes).toEqual(['PROCESS_EXITED', 'PRIVILEGED_PORT']);
  });

  it('PROCESS_EXITED before IN_USE_BY_PID before what the probe saw', () => {
    expect(
      ranked({
        target: `http://127.0.0.1:${PORT}/`,
        status: 'not-ready',
        problem: 'wrong-service',
        attempts: connected,
        listeners: [listener('127.0.0.1')],
        watched: { ...EXITED, outputTail: ['Error: listen EADDRINUSE: address already in use'] },
      }),
    ).toEqual(['PROCESS_EXITED', 'IN_USE_BY_PID', 'WRONG_SERVICE_ON_PORT']);
  });

  it('among equal severities the earlier check wins; a code appears once', () => {
    const make =
      (code: FindingCode, severity: Finding['severity']): Check =>
      () => ({ code, severity, summary: code, evidence: [] });
    const codes = runChecks(
      [
        make('NOTHING_LISTENING', 'error'),
        make('PROXY_ENV_INTERCEPTS_LOCALHOST', 'warning'),
        make('PROCESS_EXITED', 'error'),
        make('NOTHING_LISTENING', 'error'),
        make('REACHABLE', 'ok'),
        make('IN_USE_TIME_WAIT_ONLY', 'info'),
      ],
      facts(),
    ).map((f) => f.code);
    expect(codes).toEqual([
      'NOTHING_LISTENING',
      'PROCESS_EXITED',
      'PROXY_ENV_INTERCEPTS_LOCALHOST',
      'IN_USE_TIME_WAIT_ONLY',
      'REACHABLE',
    ]);
  });

  it('ok needs a ready probe and no error: a stopped holder of a TCP target is not ok', () => {
    const report = reportFromFacts(
      facts({
        status: 'ready',
        attempts: connected,
        listeners: [listener('127.0.0.1')],
        states: { 812: 'T' },
      }),
      1,
    );
    expect(report.findings.map((f) => f.code)).toEqual(['LISTENER_STOPPED', 'REACHABLE']);
    expect(report.ok).toBe(false);
    expect(reportFromFacts(facts({ status: 'ready', attempts: connected }), 1).ok).toBe(true);
  });
});
