import { didYouMean } from './did-you-mean.js';
import type { ProblemList } from './problems.js';
import { describeNode, type RawEntry, type RawNode } from './raw-tree.js';
import { knownEntries, label, readDurationMs, readInteger, readString } from './read-values.js';
import type { ProbeTiming, ReadyCheck } from './types.js';

const KIND_KEYS = ['tcp', 'http', 'postgres', 'redis', 'log', 'exec'] as const;
const TIMING_KEYS = [
  'initial_delay',
  'period',
  'timeout',
  'success_threshold',
  'failure_threshold',
] as const;
/** `ready: tcp` and friends: the kinds that need no argument. */
const SHORTHANDS = ['tcp', 'postgres', 'redis'] as const;

/** What `ready:` says: the check (`null` when turned off) and any timing given with it. */
export interface ReadySpec {
  /** `undefined` when the value had problems. */
  check: ReadyCheck | null | undefined;
  probe: Partial<ProbeTiming>;
}

/**
 * Reads `ready`: a shorthand word (`tcp`, `postgres`, `redis`), `false`/`none` for no check,
 * or a map with exactly one kind (`tcp: true`, `http: /path`, `postgres: true`,
 * `redis: true`, `log: "regex"`, `exec: "cmd"`) plus optional Kubernetes-style timing
 * (`initial_delay`, `period`, `timeout`, `success_threshold`, `failure_threshold`).
 */
export function readReady(node: RawNode, problems: ProblemList): ReadySpec {
  if (node.kind === 'map') return readReadyMap(node, problems);
  if (node.kind === 'scalar' && (node.value === false || node.value === 'none')) {
    return { check: null, probe: {} };
  }
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const word = node.value;
    const shorthand = SHORTHANDS.find((kind) => kind === word);
    if (shorthand) return { check: { kind: shorthand }, probe: {} };
    const needsArgument = KIND_KEYS.find((kind) => kind === word);
    const hint = needsArgument
      ? `write ready: { ${word}: ${example(needsArgument)} }`
      : didYouMean(word, [...SHORTHANDS, 'none']);
    problems.add(node.where, `${label(node)}: unknown readiness check ${describeNode(node)}`, hint);
    return { check: undefined, probe: {} };
  }
  problems.add(
    node.where,
    `${label(node)}: expected tcp, postgres, redis, none or a map like { http: /health }, got ${describeNode(node)}`,
  );
  return { check: undefined, probe: {} };
}

function readReadyMap(node: RawNode & { kind: 'map' }, problems: ProblemList): ReadySpec {
  const entries = knownEntries(node, [...KIND_KEYS, ...TIMING_KEYS], problems);
  const kinds = entries.filter((entry) => (KIND_KEYS as readonly string[]).includes(entry.key));
  const probe = readTiming(entries, problems);
  const first = kinds[0];
  if (!first) {
    problems.add(node.where, `${label(node)}: needs one check kind: ${KIND_KEYS.join(', ')}`);
    return { check: undefined, probe };
  }
  for (const extra of kinds.slice(1)) {
    problems.add(
      extra.keyWhere,
      `${label(node)}: has both ${first.key} and ${extra.key}; a service has one readiness check`,
    );
  }
  return { check: readKind(first, problems), probe };
}

function readKind(entry: RawEntry, problems: ProblemList): ReadyCheck | undefined {
  const { key, value } = entry;
  if (key === 'tcp' || key === 'postgres' || key === 'redis') {
    if (value.kind === 'scalar' && value.value === true) return { kind: key };
    problems.add(value.where, `${label(value)}: expected true, got ${describeNode(value)}`);
    return undefined;
  }
  const text = readString(value, problems, key === 'http' ? 'a path like /health' : 'a string');
  if (text === undefined) return undefined;
  if (key === 'http') {
    if (text.startsWith('/')) return { kind: 'http', path: text };
    problems.add(
      value.where,
      `${label(value)}: the path must start with "/", got ${describeNode(value)}`,
      `did you mean "/${text}"?`,
    );
    return undefined;
  }
  if (key === 'exec') return { kind: 'exec', command: text };
  try {
    return { kind: 'log', pattern: new RegExp(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.add(value.where, `${label(value)}: not a valid regular expression: ${reason}`);
    return undefined;
  }
}

type Reader = (node: RawNode, problems: ProblemList) => number | undefined;

/** Timing key → field of {@link ProbeTiming} and its reader (period and timeout must be > 0). */
const TIMING_FIELDS: Record<(typeof TIMING_KEYS)[number], [keyof ProbeTiming, Reader]> = {
  initial_delay: ['initialDelayMs', (node, problems) => readDurationMs(node, problems)],
  period: ['periodMs', (node, problems) => readDurationMs(node, problems, 1)],
  timeout: ['timeoutMs', (node, problems) => readDurationMs(node, problems, 1)],
  success_threshold: ['successThreshold', (node, problems) => readInteger(node, problems, 1)],
  failure_threshold: ['failureThreshold', (node, problems) => readInteger(node, problems, 1)],
};

function readTiming(entries: RawEntry[], problems: ProblemList): Partial<ProbeTiming> {
  const probe: Partial<ProbeTiming> = {};
  for (const { key, value } of entries) {
    if (!Object.hasOwn(TIMING_FIELDS, key)) continue;
    const [field, read] = TIMING_FIELDS[key as keyof typeof TIMING_FIELDS];
    const ms = read(value, problems);
    if (ms !== undefined) probe[field] = ms;
  }
  return probe;
}

function example(kind: (typeof KIND_KEYS)[number]): string {
  if (kind === 'http') return '/health';
  if (kind === 'log') return '"listening on"';
  if (kind === 'exec') return '"pg_isready"';
  return 'true';
}
