import { didYouMean } from './did-you-mean.js';
import type { ProblemList } from './problems.js';
import { describeNode, type RawNode } from './raw-tree.js';
import { knownEntries, label, readDurationMs, readInteger } from './read-values.js';
import type { RestartPolicy, RestartSettings } from './types.js';

const POLICIES: readonly RestartPolicy[] = ['no', 'on-failure', 'always'];
const RESTART_KEYS = ['policy', 'backoff', 'max_backoff', 'max_restarts', 'stable_after'] as const;

/**
 * Reads `restart`: a policy word (`no`, `on-failure`, `always`) or a map with `policy`,
 * `backoff`, `max_backoff`, `max_restarts` and `stable_after`. Unset fields stay unset (the
 * defaults come later). A boolean `false` is `no`: under a `%YAML 1.1` directive a bare `no`
 * is read as false, and the user meant the word.
 */
export function readRestart(node: RawNode, problems: ProblemList): Partial<RestartSettings> {
  if (node.kind !== 'map') {
    const policy = readPolicy(node, problems);
    return policy ? { policy } : {};
  }
  const out: Partial<RestartSettings> = {};
  for (const entry of knownEntries(node, RESTART_KEYS, problems)) {
    const value = entry.value;
    switch (entry.key as (typeof RESTART_KEYS)[number]) {
      case 'policy':
        out.policy = readPolicy(value, problems);
        break;
      case 'backoff':
        out.backoffInitialMs = readDurationMs(value, problems);
        break;
      case 'max_backoff':
        out.backoffMaxMs = readDurationMs(value, problems);
        break;
      case 'max_restarts':
        out.maxRestarts = readInteger(value, problems, 0);
        break;
      case 'stable_after':
        out.stableAfterMs = readDurationMs(value, problems);
        break;
    }
  }
  const { backoffInitialMs, backoffMaxMs } = out;
  if (
    backoffInitialMs !== undefined &&
    backoffMaxMs !== undefined &&
    backoffInitialMs > backoffMaxMs
  ) {
    problems.add(
      node.where,
      `${label(node)}: backoff (${backoffInitialMs} ms) is longer than max_backoff (${backoffMaxMs} ms)`,
    );
  }
  return dropUndefined(out);
}

function readPolicy(node: RawNode, problems: ProblemList): RestartPolicy | undefined {
  if (node.kind === 'scalar' && node.value === false) return 'no';
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const policy = POLICIES.find((p) => p === node.value);
    if (policy) return policy;
    const hint =
      node.value === 'unless-stopped' ? 'did you mean "always"?' : didYouMean(node.value, POLICIES);
    problems.add(
      node.where,
      `${label(node)}: unknown restart policy ${describeNode(node)}; expected no, on-failure or always`,
      hint,
    );
    return undefined;
  }
  problems.add(
    node.where,
    `${label(node)}: expected no, on-failure or always, got ${describeNode(node)}`,
  );
  return undefined;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
