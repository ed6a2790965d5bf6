import type { Target } from '../net/target.js';
import type { ProbeResult } from '../probes/types.js';
import type { PortHolders } from '../sockets/who-holds.js';

/**
 * How much a finding matters:
 * - `error`: explains why the target cannot be reached or used
 * - `warning`: will bite some clients or soon (a proxy variable, a family only some try)
 * - `info`: a fact worth knowing, nothing wrong
 * - `ok`: a self-test step that passed
 */
export type Severity = 'error' | 'warning' | 'info' | 'ok';

/** The cause codes the doctor tells apart; each is documented in docs/doctor.md. */
export const FINDING_CODES = [
  'NOTHING_LISTENING',
  'PROCESS_EXITED',
  'WRONG_PORT',
  'FAMILY_MISMATCH',
  'BOUND_TO_OTHER_INTERFACE',
  'OTHER_NETNS',
  'FIREWALL_DROP',
  'LISTENER_SATURATED',
  'LISTENER_STOPPED',
  'WRONG_SERVICE_ON_PORT',
  'TLS_MISMATCH',
  'HOST_HEADER_REJECTED',
  'PORT_OPEN_BUT_NOT_READY',
  'HTTP_ERROR_STATUS',
  'PRIVILEGED_PORT',
  'IN_USE_BY_PID',
  'IN_USE_BY_OTHER_USER',
  'IN_USE_TIME_WAIT_ONLY',
  'IN_USE_BY_FORWARDER',
  'EADDRNOTAVAIL',
  'IPV6_DISABLED',
  'PROXY_ENV_INTERCEPTS_LOCALHOST',
  'HOSTS_FILE_BROKEN',
  'DNS_FAILURE',
  'EPHEMERAL_PORT_EXHAUSTION',
  'REACHABLE',
  'LOOPBACK_ECHO',
  'LOCALHOST_RESOLUTION',
  'NODE_ADDRESS_ORDER',
  'EPHEMERAL_RANGE',
  'UNPRIVILEGED_PORT_START',
] as const;

/** One of {@link FINDING_CODES}. */
export type FindingCode = (typeof FINDING_CODES)[number];

/** One diagnosis: what, how sure, the evidence seen, and the fix. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  summary: string;
  evidence: string[];
  fix?: string;
}

/** A process the doctor watched (`-- cmd` or `--pid`). */
export interface WatchedProcess {
  pid: number;
  command?: string;
  /** Set when it exited before the target became ready. */
  exit?: { code: number | null; signal: string | null; afterMs: number };
  /** Last lines it printed (stdout and stderr interleaved), for `-- cmd`. */
  outputTail: string[];
  /** Ports its process tree listens on (TCP), with addresses. */
  listening: Array<{ address: string; port: number }>;
}

/** Another network namespace that has a listener on the port. */
export interface NetnsListener {
  /** The namespace, as `net:[4026532…]`. */
  namespace: string;
  /** A pid inside it, and its name. */
  pid: number;
  name?: string;
  address: string;
  port: number;
}

/** Machine facts the checks read; gathered once, pure data afterwards. */
export interface MachineFacts {
  uid: number | undefined;
  /** Environment variables relevant to connections (proxy variables). */
  env: Readonly<Record<string, string | undefined>>;
  /** Text of the hosts file, when readable. */
  hostsText?: string;
  hostsPath: string;
  /** How `localhost` resolved, in order; or the resolver error code. */
  localhost: { addresses: string[]; error?: string };
  /** IPv6 enabled on the loopback interface. */
  ipv6: { enabled: boolean; loopbackHasV6: boolean; evidence: string };
  ephemeral: { from: number; to: number };
  unprivilegedPortStart: number;
  canBindPrivileged: boolean;
}

/** Everything known about one target; checks are pure functions of this. */
export interface TargetFacts {
  target: Target;
  probe: ProbeResult;
  /** Sockets on the target's port on every address of this namespace. */
  holders: PortHolders;
  /** Process state letters (`R`, `S`, `T` stopped…) of the holders, by pid. */
  processStates: Record<number, string>;
  /** Listeners on the port in other network namespaces (containers), when looked for. */
  otherNamespaces: NetnsListener[];
  /** A second probe with the other TLS choice, when the first hinted at a TLS mismatch. */
  alternateProbe?: ProbeResult;
  watched?: WatchedProcess;
  /** Sockets of this machine by state, to judge ephemeral port use. */
  socketCounts?: { timeWait: number; established: number };
  machine: MachineFacts;
}

/** One cause: looks at the facts and returns its findings (usually zero or one). */
export type Check = (facts: TargetFacts) => Finding | Finding[] | undefined;

/** The doctor's report on a target. */
export interface DoctorReport {
  target: Target;
  /** True when the target is ready and no error-level finding stands. */
  ok: boolean;
  /** Ranked: errors first, then warnings, then info. */
  findings: Finding[];
  attempts: ProbeResult['attempts'];
  probe: ProbeResult;
  listeners: PortHolders['listeners'];
  watched?: WatchedProcess;
  elapsedMs: number;
}
