import { didYouMean } from './did-you-mean.js';
import type { ProblemList, Where } from './problems.js';
import { describeNode, type RawNode } from './raw-tree.js';
import { readDependsOn } from './read-depends-on.js';
import { readPostgres } from './read-postgres.js';
import { readReady } from './read-ready.js';
import { readRestart } from './read-restart.js';
import {
  knownEntries,
  label,
  readDurationMs,
  readMap,
  readSignal,
  readString,
  readTextMap,
  scalarText,
} from './read-values.js';
import { emptyServiceSpec, type ServiceSpec } from './stack-spec.js';
import type { ServiceCommand } from './types.js';

type FieldReader = (node: RawNode, spec: ServiceSpec, problems: ProblemList) => void;

/** Every key a service may have, and how it is read into the spec. */
const FIELDS: Record<string, FieldReader> = {
  command: (node, spec, problems) => {
    spec.command = readCommand(node, problems);
  },
  postgres: (node, spec, problems) => {
    spec.postgres = readPostgres(node, problems);
  },
  cwd: (node, spec, problems) => {
    const cwd = readString(node, problems, 'a directory');
    if (cwd !== undefined) spec.cwd = { value: cwd, where: node.where };
  },
  env: (node, spec, problems) => {
    spec.env = readTextMap(node, problems, isEnvName, 'no "=" and not empty') ?? {};
  },
  env_file: (node, spec, problems) => {
    const items = node.kind === 'seq' ? node.items : [node];
    for (const item of items) {
      const path = readString(item, problems, 'a file path or a list of them');
      if (path !== undefined) spec.envFiles.push({ value: path, where: item.where });
    }
  },
  port: (node, spec, problems) => {
    const port = readPort(node, problems);
    if (port !== undefined) spec.port = { value: port, where: node.where };
  },
  depends_on: (node, spec, problems) => {
    spec.dependsOn = readDependsOn(node, problems);
  },
  ready: (node, spec, problems) => {
    const { check, probe } = readReady(node, problems);
    if (check !== undefined) spec.ready = { value: check, where: node.where };
    spec.probe = probe;
  },
  restart: (node, spec, problems) => {
    spec.restart = readRestart(node, problems);
  },
  stop_signal: (node, spec, problems) => {
    spec.stopSignal = readSignal(node, problems);
  },
  stop_timeout: (node, spec, problems) => {
    spec.stopTimeoutMs = readDurationMs(node, problems);
  },
};

/** Service keys of other tools (Docker Compose, Kubernetes) and what portier calls them. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  environment: 'env',
  working_dir: 'cwd',
  workdir: 'cwd',
  healthcheck: 'ready',
  readiness: 'ready',
  readiness_probe: 'ready',
  cmd: 'command',
  script: 'command',
  dependencies: 'depends_on',
  stop_grace_period: 'stop_timeout',
  restart_policy: 'restart',
};

/**
 * Reads one service's map into a {@link ServiceSpec}, recording every problem. `where` is the
 * service's key; `name` is already checked and lower-cased.
 */
export function readService(
  name: string,
  where: Where,
  node: RawNode,
  problems: ProblemList,
): ServiceSpec {
  const spec = emptyServiceSpec(name, where);
  if (node.kind === 'scalar' && node.value === null) {
    problems.add(where, `service "${name}" is empty: it needs a command (or postgres: {})`);
    return spec;
  }
  const map = readMap(node, problems, 'a map of settings such as command:');
  if (!map) return spec;
  const entries = knownEntries(map, Object.keys(FIELDS), problems, KEY_ALIASES);
  for (const entry of entries) FIELDS[entry.key]!(entry.value, spec, problems);
  const command = entries.some((entry) => entry.key === 'command');
  // `postgres: false` is no database, so it does not count as one (nor clash with command).
  const postgres = entries.find((entry) => entry.key === 'postgres' && !isFalse(entry.value));
  if (command && postgres) {
    problems.add(
      postgres.keyWhere,
      `service "${name}" has both command and postgres; a postgres service runs the built-in database`,
      'remove one of them',
    );
  } else if (!command && !postgres) {
    problems.add(
      where,
      `service "${name}" needs a command (or postgres: {} for the built-in database)`,
    );
  }
  return spec;
}

/** `command`: a string runs through the shell, a list runs as argv with no shell. */
function readCommand(node: RawNode, problems: ProblemList): ServiceCommand | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string' && node.value.trim() !== '') {
    return { kind: 'shell', script: node.value };
  }
  if (node.kind === 'seq' && node.items.length > 0) {
    const argv: string[] = [];
    for (const item of node.items) {
      const text = scalarText(item);
      if (typeof text === 'string') argv.push(text);
      else problems.add(item.where, `${label(item)}: expected a string, got ${describeNode(item)}`);
    }
    if (argv.length !== node.items.length) return undefined;
    if (argv[0] !== '') return { kind: 'argv', argv };
    problems.add(node.items[0]!.where, `${label(node)}: the program name is empty`);
    return undefined;
  }
  problems.add(
    node.where,
    `${label(node)}: expected a shell command string or a non-empty list of arguments, got ${describeNode(node)}`,
  );
  return undefined;
}

/** `port`: `auto`, `none` (or false), or a port number 1–65535 (a quoted number is fine). */
function readPort(node: RawNode, problems: ProblemList): 'auto' | 'none' | number | undefined {
  if (node.kind === 'scalar') {
    const { value } = node;
    if (value === 'auto' || value === 'none') return value;
    if (value === false) return 'none';
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (Number.isInteger(number) && (number as number) >= 1 && (number as number) <= 65_535) {
      return number as number;
    }
  }
  const hint =
    node.kind === 'scalar' && typeof node.value === 'string'
      ? didYouMean(node.value, ['auto', 'none'])
      : undefined;
  problems.add(
    node.where,
    `${label(node)}: expected auto, none or a port number 1-65535, got ${describeNode(node)}`,
    hint,
  );
  return undefined;
}

function isFalse(node: RawNode): boolean {
  return node.kind === 'scalar' && node.value === false;
}

/** Environment names: anything a process can receive, so no `=` and no NUL. */
function isEnvName(name: string): boolean {
  return name !== '' && !/[=\0]/.test(name);
}
