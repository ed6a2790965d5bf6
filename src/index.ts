/**
 * portier — the doorman of 127.0.0.1. The library never prints, exits, or reads
 * `process.env`/argv: the CLI is one client of it among others.
 */

export { diagnose, reportFromFacts } from './doctor/diagnose.js';
export { type SelfTestReport, selfTest } from './doctor/self-test.js';
export type { DiagnoseOptions } from './doctor/target-facts.js';
export type {
  DoctorReport,
  Finding,
  FindingCode,
  Severity,
  TargetFacts,
  WatchedProcess,
} from './doctor/types.js';
export { diagnoseWhileRunning, type WatchOptions } from './doctor/watch-process.js';
export {
  ERROR_CODES,
  type ErrorCode,
  isPortierError,
  PortierError,
  type PortierErrorDetails,
} from './errors.js';
export { BROWSER_BLOCKED_PORTS, isBrowserBlockedPort } from './net/browser-blocked-ports.js';
export {
  classifyExposure,
  formatExposure,
  isLoopbackAddress,
  isWildcardAddress,
} from './net/exposure.js';
export { ianaServiceName } from './net/iana-services.js';
export {
  isValidPort,
  MAX_PORT,
  type PortRange,
  parsePort,
  parsePortRange,
} from './net/port-number.js';
export { type PortRangeClass, portRangeClass } from './net/port-range-class.js';
export {
  formatHostPort,
  parseTarget,
  TARGET_FORMS,
  type Target,
  type TargetKind,
} from './net/target.js';
export { type BindOutcome, isFreeOnLoopback, probeBind } from './ports/bind-probe.js';
export {
  type DescribePortOptions,
  describePort,
  type PortDescription,
} from './ports/describe-port.js';
export {
  type EphemeralRange,
  readEphemeralRange,
  readUnprivilegedPortStart,
} from './ports/kernel-port-settings.js';
export type { KillPlan, KillRefusal, KillRole, KillTarget } from './ports/kill-plan.js';
export {
  DEFAULT_KILL_TIMEOUT_MS,
  type KillEvent,
  type KillPortOptions,
  type KillResult,
  killPort,
} from './ports/kill-port.js';
export { type Lease, type LedgerOptions, listLeases, releasePorts } from './ports/lease-ledger.js';
export {
  DEFAULT_LEASE_TTL_MS,
  defaultPickRange,
  type PickPortOptions,
  type PickResult,
  pickPort,
} from './ports/pick-port.js';
export { DEFAULT_PROBE_TIMEOUT_MS, type ProbeOptions, probe } from './probes/probe.js';
export type { HostLookup, ResolvedAddress } from './probes/resolve-host.js';
export type {
  Attempt,
  AttemptOutcome,
  ProbeProblem,
  ProbeResult,
  ProbeStatus,
  ProtocolProbe,
} from './probes/types.js';
export {
  DEFAULT_WAIT_TIMEOUT_MS,
  type WaitOptions,
  type WaitResult,
  type WaitTargetState,
  waitFor,
} from './probes/wait.js';
export type { AccessLogEntry } from './serve/access-log.js';
export type { BoundAddress } from './serve/bind-servers.js';
export { createLiveReload, type LiveReload, type LiveReloadOptions } from './serve/live-reload.js';
export { createPathProxy, type PathProxy, type PathProxyOptions } from './serve/path-proxy.js';
export { type ProxyRoute, parseProxyRoute } from './serve/proxy-route.js';
export { resolveSafePath, type SafePath } from './serve/safe-path.js';
export { DEFAULT_SERVE_PORT, type RunningServer, type ServeOptions, serve } from './serve/serve.js';
export {
  createStaticHandler,
  type StaticHandler,
  type StaticHandlerOptions,
} from './serve/static-handler.js';
export { type ListListenersOptions, listListeners } from './sockets/list-listeners.js';
export type {
  ExposureKind,
  Family,
  Listener,
  ProcessInfo,
  Protocol,
  SocketRow,
  SocketState,
} from './sockets/model.js';
export type { RunCommand } from './sockets/run-command.js';
export {
  diffListeners,
  type ListenerChange,
  listenerKey,
  type WatchListenersOptions,
  watchListeners,
} from './sockets/watch-listeners.js';
export {
  decideHoldStatus,
  type HoldStatus,
  type PortConnection,
  type PortHolders,
  type WhoHoldsOptions,
  whoHolds,
} from './sockets/who-holds.js';
export { type StackClock, systemClock } from './stack/clock.js';
export {
  findStackFile,
  type LoadStackConfigOptions,
  loadStackConfig,
  planStartOrder,
} from './stack/config/load-stack-config.js';
export type {
  DependsCondition,
  PostgresSettings,
  ProbeTiming,
  ReadyCheck,
  ResolvedService,
  ResolvedStackConfig,
  RestartPolicy,
  RestartSettings,
  ServiceCommand,
  StackSource,
} from './stack/config/types.js';
export {
  CONTROL_TIMEOUT_MS,
  createStackClient,
  type StackClient,
} from './stack/control/control-client.js';
export type { ControlTarget } from './stack/control/control-server.js';
export { createLogHub, type LogHub, type LogHubOptions } from './stack/logs/index.js';
export {
  controlSocketPath,
  findRunningStack,
  type OpenStack,
  type OpenStackOptions,
  openStack,
} from './stack/open-stack.js';
export {
  type CreateStackOptions,
  createStack,
  type FailureSummary,
  type Stack,
} from './stack/supervisor.js';
export type {
  LogLine,
  LogQuery,
  LogStream,
  ServiceState,
  ServiceStatus,
  StackControl,
  StackEvent,
  StackPhase,
  StackStatus,
} from './stack/types.js';
export { resolveStateDir } from './state/state-dir.js';
