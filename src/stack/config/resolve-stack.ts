import { basename, dirname } from 'node:path';
import { checkStack } from './check-stack.js';
import { applyServiceDefaults } from './config-defaults.js';
import { toDnsLabel } from './names.js';
import type { ProblemList } from './problems.js';
import { resolveServiceFiles } from './service-files.js';
import { nodeStackFs, type StackFs } from './stack-fs.js';
import type { StackSpec } from './stack-spec.js';
import type { ResolvedService, ResolvedStackConfig, StackSource } from './types.js';

/** How {@link resolveStackSpec} runs. */
export interface ResolveStackOptions {
  source: StackSource;
  /** Project directory. Default: the directory of `spec.file`. */
  root?: string;
  /** Environment for `env:` entries written without a value. Default `{}`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default: the real file system. */
  fs?: StackFs;
}

/**
 * The last steps of the pipeline: defaults, the file system (cwd, env files), the whole-stack
 * checks, then a deep-frozen {@link ResolvedStackConfig}. Returns `undefined` when `problems`
 * holds anything, including problems recorded before the call, so nothing partial escapes.
 */
export function resolveStackSpec(
  spec: StackSpec,
  problems: ProblemList,
  options: ResolveStackOptions,
): ResolvedStackConfig | undefined {
  const root = options.root ?? dirname(spec.file);
  const fs = options.fs ?? nodeStackFs;
  const name = resolveProjectName(spec, root, problems);
  const defaulted = spec.services.map(applyServiceDefaults);
  const services: ResolvedService[] = spec.services.map((serviceSpec, i) => ({
    ...defaulted[i]!,
    ...resolveServiceFiles(serviceSpec, root, options.env ?? {}, fs, problems),
  }));
  checkStack(spec.services, defaulted, problems);
  if (problems.size > 0) return undefined;
  return Object.freeze({
    name,
    root,
    file: spec.file,
    source: options.source,
    services: Object.freeze(services.map(freezeService)),
  });
}

function resolveProjectName(spec: StackSpec, root: string, problems: ProblemList): string {
  const written = spec.name?.value ?? basename(root);
  const name = toDnsLabel(written);
  if (name !== '') return name;
  const message = `project name "${written}" has no letters or digits, so it cannot be part of a hostname`;
  if (spec.name) problems.add(spec.name.where, message);
  else
    problems.add(
      { file: spec.file, line: 1, column: 1, path: '' },
      message,
      'add name: <project> to the file',
    );
  return name;
}

/** Freezes a service and everything in it, except a log pattern (a RegExp keeps state). */
function freezeService(service: ResolvedService): ResolvedService {
  const frozen: ResolvedService = {
    ...service,
    env: Object.freeze({ ...service.env }),
    envFiles: Object.freeze([...service.envFiles]),
    dependsOn: Object.freeze({ ...service.dependsOn }),
    probe: Object.freeze({ ...service.probe }),
    restart: Object.freeze({ ...service.restart }),
  };
  if (service.command) {
    frozen.command =
      service.command.kind === 'argv'
        ? Object.freeze({ kind: 'argv', argv: Object.freeze([...service.command.argv]) })
        : Object.freeze({ ...service.command });
  }
  if (service.postgres) {
    const settings = Object.freeze({ ...service.postgres.settings });
    frozen.postgres = Object.freeze({ ...service.postgres, settings });
  }
  if (service.ready) frozen.ready = Object.freeze({ ...service.ready });
  if (service.position) frozen.position = Object.freeze({ ...service.position });
  return Object.freeze(frozen);
}
