/**
 * The resolved shape of a stack: what `portier.yaml`, a Procfile or package.json workspaces
 * become after load → defaults → normalise → validate. Everything the supervisor reads is here,
 * filled in and frozen; it never looks at the raw file.
 */

/** When a dependent may start, relative to one dependency. */
export type DependsCondition =
  /** The dependency's process has been spawned. */
  | 'started'
  /** The dependency passed its readiness check (or, without one, has been spawned). */
  | 'healthy'
  /** The dependency exited with code 0 (a migration, a build step). */
  | 'completed';

/** What happens when a service's process ends on its own. */
export type RestartPolicy =
  /** Never restart. */
  | 'no'
  /** Restart after a non-zero exit or a death by signal. */
  | 'on-failure'
  /** Restart after any exit. */
  | 'always';

/** How readiness is checked; one kind per service. */
export type ReadyCheck =
  /** A TCP connection to the service's port is accepted. */
  | { kind: 'tcp' }
  /** `GET <path>` on the service's port answers 2xx or 3xx. */
  | { kind: 'http'; path: string }
  /** The PostgreSQL on the service's port accepts a startup message. */
  | { kind: 'postgres' }
  /** The Redis on the service's port answers PING. */
  | { kind: 'redis' }
  /** A line of the service's output matches. */
  | { kind: 'log'; pattern: RegExp }
  /** A shell command exits 0 (run in the service's cwd with its env). */
  | { kind: 'exec'; command: string };

/** Probe timing in the Kubernetes vocabulary. */
export interface ProbeTiming {
  /** Wait before the first check, ms. Default 0. */
  initialDelayMs: number;
  /** Between checks, ms. Default 250. */
  periodMs: number;
  /** One check's budget, ms. Default 2,000. */
  timeoutMs: number;
  /** Consecutive successes to become healthy. Default 1. */
  successThreshold: number;
  /** Consecutive failures (after healthy) to become unhealthy. Default 3. */
  failureThreshold: number;
}

/** Restart back-off. */
export interface RestartSettings {
  policy: RestartPolicy;
  /** First back-off, ms. Default 500. */
  backoffInitialMs: number;
  /** Back-off cap, ms. Default 30,000. */
  backoffMaxMs: number;
  /**
   * Crash-loop cap: after this many restarts in a row whose run lasted less than
   * {@link RestartSettings.stableAfterMs}, the service is `crashed`. Default 5.
   */
  maxRestarts: number;
  /** A run this long resets the crash-loop count and the back-off, ms. Default 10,000. */
  stableAfterMs: number;
}

/** The command of a service. */
export type ServiceCommand =
  /** A string run through `/bin/sh -c` (so `$PORT`, pipes and `&&` work). */
  | { kind: 'shell'; script: string }
  /** An argv list run directly, no shell. */
  | { kind: 'argv'; argv: readonly string[] };

/** Built-in database services. */
export interface PostgresSettings {
  /** Database name. Default `app`. */
  database: string;
  /** Superuser name. Default `portier`. */
  user: string;
  /** Extra server settings (`-c name=value`). */
  settings: Readonly<Record<string, string>>;
}

/** Where a value of the resolved config came from, for error messages. */
export interface SourcePosition {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** One service, resolved. */
export interface ResolvedService {
  name: string;
  /** What runs. A postgres service has a command built at start (see `postgres`). */
  command?: ServiceCommand;
  /** Set for `postgres: {}` services. */
  postgres?: PostgresSettings;
  /** Absolute working directory. */
  cwd: string;
  /** Env from `env_file` (in order, later files win) then `env` (wins over files). */
  env: Readonly<Record<string, string>>;
  /** Absolute paths of the env files, for messages (already read into `env`). */
  envFiles: readonly string[];
  /** `auto` leases a port; a number is that port; `none` for services without one. */
  port: 'auto' | 'none' | number;
  dependsOn: Readonly<Record<string, DependsCondition>>;
  ready?: ReadyCheck;
  probe: ProbeTiming;
  restart: RestartSettings;
  /** Signal name sent to the process group on stop. Default `SIGTERM`. */
  stopSignal: NodeJS.Signals;
  /** Wait after the stop signal before SIGKILL, ms. Default 10,000. */
  stopTimeoutMs: number;
  /** Where the service was declared. */
  position?: SourcePosition;
}

/** Where the stack came from. */
export type StackSource =
  | 'portier.yaml'
  | 'portier.yml'
  | 'portier.json'
  | 'Procfile'
  | 'workspaces';

/** A whole stack, resolved and frozen. */
export interface ResolvedStackConfig {
  /** Project name: `name:` in the file, else the directory name, made DNS-safe. */
  name: string;
  /** Absolute directory of the config file (the project root). */
  root: string;
  /** Absolute path of the file read (package.json for workspaces). */
  file: string;
  source: StackSource;
  /** Services in file order. */
  services: readonly ResolvedService[];
}
