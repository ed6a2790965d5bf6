import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PortierError } from '../errors.js';
import { preparePostgres } from './builtins/postgres.js';
import type { ResolvedService, ResolvedStackConfig } from './config/types.js';
import type { ProcessSpec } from './process/process-group.js';
import { buildServiceEnv, type DependencyEndpoint } from './stack-env.js';

/** What the preparer reads from the supervisor. */
export interface PreparerOptions {
  config: ResolvedStackConfig;
  projectDir: string;
  baseEnv: Readonly<Record<string, string | undefined>>;
  color: boolean;
  fresh: boolean;
  doorPort?: number;
  marker: string;
  byName: ReadonlyMap<string, ResolvedService>;
  portOf(service: string): number | undefined;
  /** Why the service has no port (its fixed port is taken), if so. */
  portProblem(service: string): string | undefined;
}

/** Builds each service's process right before it is spawned. */
export interface ServicePreparer {
  prepare(service: ResolvedService): Promise<ProcessSpec>;
}

function fail(service: ResolvedService, message: string, hint?: string): never {
  throw new PortierError('SERVICE_START_FAILED', message, {
    service: service.name,
    ...(hint ? { hint } : {}),
  });
}

/** Creates the preparer; it remembers database URLs so dependents get `DATABASE_URL`. */
export function createServicePreparer(options: PreparerOptions): ServicePreparer {
  const databaseUrls = new Map<string, string>();
  // --fresh wipes each database once, at its first start, not at every restart.
  const wiped = new Set<string>();

  const endpoints = (service: ResolvedService): DependencyEndpoint[] =>
    Object.keys(service.dependsOn).map((name) => {
      const dep = options.byName.get(name);
      const port = options.portOf(name);
      const databaseUrl = databaseUrls.get(name);
      return {
        name,
        ...(port === undefined ? {} : { port }),
        ...(databaseUrl ? { databaseUrl } : {}),
        ...(dep?.ready?.kind === 'redis' && port !== undefined
          ? { redisUrl: `redis://127.0.0.1:${port}` }
          : {}),
      };
    });

  const envOf = (service: ResolvedService, port: number | undefined) =>
    buildServiceEnv({
      base: options.baseEnv,
      service,
      project: options.config.name,
      marker: options.marker,
      ...(port === undefined ? {} : { port }),
      dependencies: endpoints(service),
      color: options.color,
      ...(options.doorPort === undefined ? {} : { doorPort: options.doorPort }),
    });

  return {
    async prepare(service) {
      const problem = options.portProblem(service.name);
      if (problem) fail(service, `${service.name}: ${problem}`);
      if (!existsSync(service.cwd) || !statSync(service.cwd).isDirectory())
        fail(
          service,
          `${service.name}: cwd ${service.cwd} does not exist.`,
          'Fix `cwd` in the stack file.',
        );
      const port = options.portOf(service.name);
      const env = envOf(service, port);
      if (service.postgres) {
        if (port === undefined) fail(service, `${service.name}: a postgres service needs a port.`);
        const pg = await preparePostgres({
          dataRoot: join(options.projectDir, 'postgres', service.name),
          port,
          settings: service.postgres,
          fresh: options.fresh && !wiped.has(service.name),
        });
        wiped.add(service.name);
        databaseUrls.set(service.name, pg.url);
        return {
          argv: pg.argv,
          cwd: pg.cwd,
          env: { ...pg.env, PORTIER_STACK: env.PORTIER_STACK as string },
          ...(pg.uid === undefined ? {} : { uid: pg.uid }),
          ...(pg.gid === undefined ? {} : { gid: pg.gid }),
        };
      }
      const command = service.command;
      if (!command) fail(service, `${service.name}: no command.`);
      const argv = command.kind === 'shell' ? ['/bin/sh', '-c', command.script] : [...command.argv];
      return { argv, cwd: service.cwd, env };
    },
  };
}
