import type { ServiceSpec } from './stack-spec.js';
import type {
  DependsCondition,
  ProbeTiming,
  ReadyCheck,
  ResolvedService,
  RestartSettings,
} from './types.js';

/** Probe timing when `ready:` gives none (Kubernetes vocabulary, tighter for local dev). */
export const DEFAULT_PROBE_TIMING: Readonly<ProbeTiming> = Object.freeze({
  initialDelayMs: 0,
  periodMs: 250,
  timeoutMs: 2_000,
  successThreshold: 1,
  failureThreshold: 3,
});

/**
 * Restart settings when `restart:` gives none. The policy is `on-failure`: a dev server that
 * crashes comes back by itself, while one that exits 0 (a build, a migration) stays done.
 */
export const DEFAULT_RESTART: Readonly<RestartSettings> = Object.freeze({
  policy: 'on-failure',
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  maxRestarts: 5,
  stableAfterMs: 10_000,
});

/** Signal sent on stop unless `stop_signal:` says otherwise. */
export const DEFAULT_STOP_SIGNAL: NodeJS.Signals = 'SIGTERM';
/** Grace after the stop signal before SIGKILL, ms. */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/** Database of a `postgres:` service unless given. */
export const DEFAULT_POSTGRES_DATABASE = 'app';
/** Superuser of a `postgres:` service unless given. */
export const DEFAULT_POSTGRES_USER = 'portier';
/** SIGINT is PostgreSQL's "fast shutdown": it rolls back open transactions and stops cleanly. */
export const POSTGRES_STOP_SIGNAL: NodeJS.Signals = 'SIGINT';
/** A checkpoint at shutdown can take a while on a busy database, ms. */
export const POSTGRES_STOP_TIMEOUT_MS = 30_000;
/** A `postgres:` service is ready when it accepts a startup message. */
export const POSTGRES_READY: Readonly<ReadyCheck> = Object.freeze({ kind: 'postgres' });

/** `depends_on` condition for a dependency listed by name only. */
export const DEFAULT_DEPENDS_CONDITION: DependsCondition = 'started';

/** A service with every default filled in; only what needs the file system is still missing. */
export type DefaultedService = Omit<ResolvedService, 'cwd' | 'env' | 'envFiles'>;

/**
 * Fills a service's defaults. A `postgres:` service runs the built-in database, so it defaults
 * to `ready: postgres`, SIGINT and a 30 s stop timeout; every service defaults to `port: auto`.
 */
export function applyServiceDefaults(spec: ServiceSpec): DefaultedService {
  const isPostgres = spec.postgres !== undefined;
  const service: DefaultedService = {
    name: spec.name,
    port: spec.port?.value ?? 'auto',
    dependsOn: Object.fromEntries(spec.dependsOn.map((dep) => [dep.name, dep.condition])),
    probe: { ...DEFAULT_PROBE_TIMING, ...spec.probe },
    restart: restartWithDefaults(spec.restart),
    stopSignal: spec.stopSignal ?? (isPostgres ? POSTGRES_STOP_SIGNAL : DEFAULT_STOP_SIGNAL),
    stopTimeoutMs:
      spec.stopTimeoutMs ?? (isPostgres ? POSTGRES_STOP_TIMEOUT_MS : DEFAULT_STOP_TIMEOUT_MS),
    position: { file: spec.where.file, line: spec.where.line, column: spec.where.column },
  };
  if (spec.command) service.command = spec.command;
  if (spec.postgres) {
    service.postgres = {
      database: spec.postgres.database ?? DEFAULT_POSTGRES_DATABASE,
      user: spec.postgres.user ?? DEFAULT_POSTGRES_USER,
      settings: spec.postgres.settings,
    };
  }
  // `ready: false` (null) turns the check off, also the postgres default.
  const ready = spec.ready ? spec.ready.value : isPostgres ? POSTGRES_READY : null;
  if (ready) service.ready = ready;
  return service;
}

function restartWithDefaults(given: Partial<RestartSettings>): RestartSettings {
  const restart = { ...DEFAULT_RESTART, ...given };
  // A first back-off longer than the default cap raises the cap rather than being cut short.
  if (given.backoffMaxMs === undefined) {
    restart.backoffMaxMs = Math.max(restart.backoffMaxMs, restart.backoffInitialMs);
  }
  return restart;
}
