import { didYouMean } from './did-you-mean.js';
import { serviceNameProblem, toDnsLabel } from './names.js';
import type { ProblemList, Where } from './problems.js';
import { describeNode, entryOf, type RawMap, type RawNode } from './raw-tree.js';
import { readService } from './read-service.js';
import { knownEntries, readMap, scalarText } from './read-values.js';
import type { ServiceSpec, StackSpec } from './stack-spec.js';

const TOP_LEVEL_KEYS = ['name', 'services'];

/**
 * Reads a parsed stack file (YAML or JSON) into a {@link StackSpec}, recording every problem.
 * `root` is `undefined` for an empty file. Top-level keys starting with `x-` are ignored, as
 * in Docker Compose, so YAML anchors can be parked there.
 */
export function readStackSpec(
  root: RawNode | undefined,
  file: string,
  problems: ProblemList,
): StackSpec {
  const spec: StackSpec = { file, services: [] };
  const top: Where = { file, line: 1, column: 1, path: '' };
  if (!root) {
    problems.add(top, 'the file is empty; it needs a services: map');
    return spec;
  }
  const map = readMap(root, problems, 'a map with services:');
  if (!map) return spec;
  const own: RawMap = { ...map, entries: map.entries.filter((e) => !e.key.startsWith('x-')) };
  knownEntries(own, TOP_LEVEL_KEYS, problems);
  const name = entryOf(map, 'name');
  if (name) {
    const text = scalarText(name.value);
    if (typeof text === 'string' && text !== '')
      spec.name = { value: text, where: name.value.where };
    else
      problems.add(
        name.value.where,
        `name: expected a project name, got ${describeNode(name.value)}`,
      );
  }
  const services = entryOf(map, 'services');
  if (!services) {
    problems.add(
      top,
      'services: is missing; a stack needs at least one service',
      hintForServices(map),
    );
    return spec;
  }
  spec.services = readServices(services.value, services.keyWhere, problems);
  return spec;
}

function readServices(node: RawNode, keyWhere: Where, problems: ProblemList): ServiceSpec[] {
  if (node.kind === 'scalar' && node.value === null) {
    problems.add(keyWhere, 'services: is empty; a stack needs at least one service');
    return [];
  }
  const map = readMap(node, problems, 'a map of service name → settings');
  if (!map) return [];
  if (map.entries.length === 0) {
    problems.add(map.where, 'services: is empty; a stack needs at least one service');
    return [];
  }
  const out: ServiceSpec[] = [];
  const seen = new Map<string, string>();
  for (const entry of map.entries) {
    const name = entry.key.toLowerCase();
    const invalid = serviceNameProblem(entry.key);
    if (invalid) {
      const fixed = toDnsLabel(entry.key);
      problems.add(entry.keyWhere, invalid, fixed ? `did you mean "${fixed}"?` : undefined);
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      problems.add(
        entry.keyWhere,
        `service "${entry.key}" is defined twice (also as "${earlier}"); names ignore case`,
      );
      continue;
    }
    seen.set(name, entry.key);
    out.push(readService(name, entry.keyWhere, entry.value, problems));
  }
  return out;
}

/** A misspelt `services` key would otherwise give two problems with no link between them. */
function hintForServices(map: RawMap): string | undefined {
  for (const entry of map.entries) {
    if (entry.key !== 'services' && didYouMean(entry.key, ['services']))
      return 'did you mean "services"?';
  }
  return undefined;
}
