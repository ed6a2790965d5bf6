import type { Where } from './problems.js';
import type {
  DependsCondition,
  ProbeTiming,
  ReadyCheck,
  RestartSettings,
  ServiceCommand,
} from './types.js';

/**
 * What a stack file says, checked and normalised field by field but with defaults not yet
 * applied and nothing read from disk: the middle of load → defaults → normalise → validate.
 * Procfiles and workspaces produce this too, so every source gets the same defaults and checks.
 */
export interface StackSpec {
  /** The file read. */
  file: string;
  /** `name:` as written, if given. */
  name?: { value: string; where: Where };
  services: ServiceSpec[];
}

/** A value with where it was written. */
export interface Located<T> {
  value: T;
  where: Where;
}

/** One dependency edge as written. */
export interface DependencySpec {
  /** Name of the dependency, lower-cased like service names. */
  name: string;
  condition: DependsCondition;
  where: Where;
}

/** `postgres:` as written; unset fields get their defaults later. */
export interface PostgresSpec {
  database?: string;
  user?: string;
  settings: Record<string, string>;
}

/** One service as written. */
export interface ServiceSpec {
  /** Lower-cased service name. */
  name: string;
  /** The service's key in the file. */
  where: Where;
  command?: ServiceCommand;
  postgres?: PostgresSpec;
  /** `cwd:` as written (relative to the file's directory unless absolute). */
  cwd?: Located<string>;
  /** `env:`; `null` means "take it from the environment portier runs in", as in Compose. */
  env: Record<string, string | null>;
  /** `env_file:` entries in order, as written. */
  envFiles: Located<string>[];
  port?: Located<'auto' | 'none' | number>;
  dependsOn: DependencySpec[];
  /** `null`: readiness explicitly off (`ready: false`). */
  ready?: Located<ReadyCheck | null>;
  probe: Partial<ProbeTiming>;
  restart: Partial<RestartSettings>;
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

/** An empty spec for a service, to be filled by a reader. */
export function emptyServiceSpec(name: string, where: Where): ServiceSpec {
  return { name, where, env: {}, envFiles: [], dependsOn: [], probe: {}, restart: {} };
}
