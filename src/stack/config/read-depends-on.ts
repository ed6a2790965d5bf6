import { DEFAULT_DEPENDS_CONDITION } from './config-defaults.js';
import { didYouMean } from './did-you-mean.js';
import type { ProblemList } from './problems.js';
import { describeNode, type RawNode } from './raw-tree.js';
import { knownEntries, label } from './read-values.js';
import type { DependencySpec } from './stack-spec.js';
import type { DependsCondition } from './types.js';

/** Condition words accepted in `depends_on`, with Docker Compose's spellings as aliases. */
export const DEPENDS_CONDITIONS: Readonly<Record<string, DependsCondition>> = {
  started: 'started',
  healthy: 'healthy',
  completed: 'completed',
  service_started: 'started',
  service_healthy: 'healthy',
  service_completed_successfully: 'completed',
};

/**
 * Reads `depends_on`: a list of names (each `started`), or a map of name → condition, where
 * the condition is a word (`healthy`), empty (`started`) or Compose's long form
 * `{ condition: service_healthy }`. Names are lower-cased; whether they exist is checked later,
 * against the whole stack.
 */
export function readDependsOn(node: RawNode, problems: ProblemList): DependencySpec[] {
  const out: DependencySpec[] = [];
  const add = (name: string, condition: DependsCondition, where: DependencySpec['where']) => {
    const lower = name.toLowerCase();
    if (out.some((dep) => dep.name === lower)) {
      problems.add(where, `${label(node)}: "${name}" is listed twice`);
      return;
    }
    out.push({ name: lower, condition, where });
  };
  if (node.kind === 'seq') {
    for (const item of node.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string' && item.value !== '') {
        add(item.value, DEFAULT_DEPENDS_CONDITION, item.where);
      } else {
        problems.add(
          item.where,
          `${label(item)}: expected a service name, got ${describeNode(item)}`,
        );
      }
    }
    return out;
  }
  if (node.kind === 'map') {
    for (const entry of node.entries) {
      const condition = readCondition(entry.value, problems);
      if (condition) add(entry.key, condition, entry.keyWhere);
    }
    return out;
  }
  problems.add(
    node.where,
    `${label(node)}: expected a list of service names or a map of name: condition, got ${describeNode(node)}`,
  );
  return out;
}

function readCondition(node: RawNode, problems: ProblemList): DependsCondition | undefined {
  if (node.kind === 'scalar' && node.value === null) return DEFAULT_DEPENDS_CONDITION;
  if (node.kind === 'map') {
    const entries = knownEntries(node, ['condition'], problems);
    const condition = entries[0];
    if (condition) return readCondition(condition.value, problems);
    if (entries.length === 0 && node.entries.length === 0) return DEFAULT_DEPENDS_CONDITION;
    return undefined;
  }
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const found = DEPENDS_CONDITIONS[node.value];
    if (found && Object.hasOwn(DEPENDS_CONDITIONS, node.value)) return found;
    problems.add(
      node.where,
      `${label(node)}: unknown condition ${describeNode(node)}; expected started, healthy or completed`,
      didYouMean(node.value, Object.keys(DEPENDS_CONDITIONS)),
    );
    return undefined;
  }
  problems.add(
    node.where,
    `${label(node)}: expected started, healthy or completed, got ${describeNode(node)}`,
  );
  return undefined;
}
