import type { ResolvedService } from './config/types.js';
import { STACK_MARKER_ENV } from './process/lifeline.js';

/** What a service needs to know about one dependency to build its env. */
export interface DependencyEndpoint {
  name: string;
  port?: number;
  /** Set for a built-in PostgreSQL: its `postgres://` URL. */
  databaseUrl?: string;
  /** Set for a service whose readiness is `redis`. */
  redisUrl?: string;
}

/** Inputs of {@link buildServiceEnv}. */
export interface ServiceEnvInput {
  /** The environment `portier up` ran in (read once, at the CLI). */
  base: Readonly<Record<string, string | undefined>>;
  service: ResolvedService;
  project: string;
  /** Marker value of this supervisor, {@link STACK_MARKER_ENV}. */
  marker: string;
  port?: number;
  dependencies: readonly DependencyEndpoint[];
  /** We print to a terminal: ask children for colour (`FORCE_COLOR=1`) though they write to a pipe. */
  color: boolean;
  /** The front door's port: PORTIER_URL is then the service's named URL. */
  doorPort?: number;
}

/** `api-gateway` → `API_GATEWAY`. */
export function envNameOf(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Direct loopback URL of a port. */
export function directUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/**
 * The environment of one service: the caller's environment, then what portier injects (PORT,
 * HOST, PORTIER_URL, `<DEP>_URL`, DATABASE_URL, REDIS_URL), then the service's own `env_file`
 * and `env`, which win: the file is the user's last word. The stack marker always wins, since
 * the no-orphans guarantee depends on it.
 */
export function buildServiceEnv(input: ServiceEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.base)) if (value !== undefined) env[key] = value;
  if (input.color) env.FORCE_COLOR = '1';
  env.PORTIER_PROJECT = input.project;
  env.PORTIER_SERVICE = input.service.name;
  if (input.port !== undefined) {
    env.PORT = String(input.port);
    env.HOST = '127.0.0.1';
    env.PORTIER_URL =
      input.doorPort === undefined
        ? directUrl(input.port)
        : `http://${input.service.name}.${input.project}.localhost:${input.doorPort}`;
  }
  for (const dep of input.dependencies) {
    const name = envNameOf(dep.name);
    if (dep.databaseUrl) {
      env.DATABASE_URL = dep.databaseUrl;
      env[`${name}_URL`] = dep.databaseUrl;
    } else if (dep.redisUrl) {
      env.REDIS_URL = dep.redisUrl;
      env[`${name}_URL`] = dep.redisUrl;
    } else if (dep.port !== undefined) {
      env[`${name}_URL`] = directUrl(dep.port);
    }
  }
  Object.assign(env, input.service.env);
  env[STACK_MARKER_ENV] = input.marker;
  return env;
}
