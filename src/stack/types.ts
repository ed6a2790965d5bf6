/**
 * The model a running stack shares with every client: service states, log lines, events, and
 * {@link StackControl}, the one interface the CLI, the front door and the dashboard drive.
 */

/** Lifecycle state of one service. */
export type ServiceState =
  /** Not started yet; waiting for its turn. */
  | 'pending'
  /** Waiting for its dependencies' conditions. */
  | 'waiting'
  /** Process spawned; readiness not yet confirmed. */
  | 'starting'
  /** Running and ready (passed its readiness check, or has none). */
  | 'healthy'
  /** Was healthy; its check now fails `failureThreshold` times in a row. */
  | 'unhealthy'
  /** Exited and waits out its restart back-off. */
  | 'backoff'
  /** Stop signal sent; waiting for the process group to end. */
  | 'stopping'
  /** Stopped on request (down, stop, Ctrl-C). */
  | 'stopped'
  /** Exited with code 0 and will not restart (a one-shot job). */
  | 'completed'
  /** Exited on its own and will not restart (policy `no`, or non-zero with `on-failure` used up). */
  | 'exited'
  /** Restarted too often in a short time; given up until `portier start`. */
  | 'crashed'
  /** Could not start at all (command missing, cwd missing, dependency failed). */
  | 'failed';

/** The status of one service as clients see it. */
export interface ServiceStatus {
  name: string;
  state: ServiceState;
  /** Pid of the service's process (its process group leader) while it runs. */
  pid?: number;
  /** The port portier gave it (`PORT`), if any. */
  port?: number;
  /** Ports its processes actually listen on, when they differ from `port` or it has none. */
  listeningPorts?: number[];
  /** Direct URL, `http://127.0.0.1:<port>`. */
  url?: string;
  /** Times it was restarted after exiting on its own. */
  restarts: number;
  /** Epoch ms of the current (or last) start. */
  startedAt?: number;
  /** Epoch ms when it became healthy. */
  readyAt?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** Why it is in this state, one sentence (`db failed`, `exited at every start`). */
  reason?: string;
}

/** Where a line came from. */
export type LogStream = 'stdout' | 'stderr' | 'portier';

/** One line of a service's output (or a note from portier about it). */
export interface LogLine {
  service: string;
  stream: LogStream;
  /** The line without its newline; ANSI colours kept. */
  text: string;
  /** Epoch ms when it was read. */
  time: number;
  /** Increases by one per line across the whole stack. */
  seq: number;
}

/** Whole-stack lifecycle. */
export type StackPhase = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** A snapshot of a stack. */
export interface StackStatus {
  project: string;
  root: string;
  file: string;
  phase: StackPhase;
  /** Supervisor pid. */
  pid: number;
  startedAt: number;
  services: ServiceStatus[];
}

/** What subscribers receive. */
export type StackEvent =
  | { type: 'service'; status: ServiceStatus }
  | { type: 'phase'; phase: StackPhase }
  | { type: 'log'; line: LogLine };

/** A query over a stack's logs. */
export interface LogQuery {
  /** Only these services. Default all. */
  services?: readonly string[];
  /** Only lines matching (JavaScript regular expression source, case-sensitive). */
  grep?: string;
  /** Only lines read at or after this epoch ms. */
  since?: number;
  /** At most this many lines, the last ones. Default 1,000. */
  limit?: number;
}

/**
 * Start, stop, restart, state, subscribe: the one control interface of a stack. Implemented
 * in process by the supervisor and remotely over its control socket, so every client (CLI,
 * front door, dashboard, library user) drives a stack the same way.
 */
export interface StackControl {
  /** Starts the named services (default all) and their dependencies; resolves once started. */
  start(services?: readonly string[]): Promise<void>;
  /** Stops the named services (default all, in reverse dependency order). */
  stop(services?: readonly string[]): Promise<void>;
  /** Stops then starts one service. */
  restart(service: string): Promise<void>;
  /** The current status. */
  status(): Promise<StackStatus>;
  /** Lines from the logs, oldest first. */
  logs(query?: LogQuery): Promise<LogLine[]>;
  /** Calls `listener` on every event until the returned function is called. */
  subscribe(listener: (event: StackEvent) => void): () => void;
}
