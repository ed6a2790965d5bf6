import { PortierError } from '../errors.js';

/** The part of a service the dependency graph needs: its name and the names it depends on. */
export interface GraphNode {
  name: string;
  /** Dependency name → anything (the condition); only the keys matter here. */
  dependsOn: Readonly<Record<string, unknown>>;
}

/**
 * Every dependency cycle, one per strongly connected group of services, each as the path
 * that closes it: `['api', 'worker', 'api']`. A service depending on itself is `['a', 'a']`.
 * Each cycle starts at its service that comes first in `services` and is the shortest way
 * back to it. Names not in `services` are ignored (they are a different problem).
 */
export function findDependencyCycles(services: readonly GraphNode[]): string[][] {
  const index = new Map(services.map((service, i) => [service.name, i]));
  const edges = services.map((service) =>
    Object.keys(service.dependsOn).filter((name) => index.has(name)),
  );
  const groups = stronglyConnected(
    services.map((s) => s.name),
    edges,
    index,
  );
  const cycles: string[][] = [];
  for (const group of groups) {
    const first = Math.min(...group.map((name) => index.get(name)!));
    const start = services[first]!.name;
    const cyclic = group.length > 1 || edges[first]!.includes(start);
    if (cyclic) cycles.push(shortestCycle(start, new Set(group), edges, index));
  }
  return cycles.sort((a, b) => index.get(a[0]!)! - index.get(b[0]!)!);
}

/** The first dependency cycle (see {@link findDependencyCycles}), or `undefined` if none. */
export function findDependencyCycle(services: readonly GraphNode[]): string[] | undefined {
  return findDependencyCycles(services)[0];
}

/**
 * Start order as waves: every service of a wave depends only on services of earlier waves,
 * so a wave can start together. Within a wave, services keep their order in `services`.
 * Dependencies not in `services` are taken as already satisfied, so a subset (the services
 * being stopped, say) can be ordered on its own. Throws `STACK_CONFIG_INVALID` for a cycle,
 * which a resolved config never has.
 */
export function planStartOrder(services: readonly GraphNode[]): string[][] {
  const cycle = findDependencyCycle(services);
  if (cycle) {
    throw new PortierError(
      'STACK_CONFIG_INVALID',
      `Services depend on each other in a cycle: ${cycle.join(' → ')}.`,
      { service: cycle[0]!, hint: 'Remove one of the depends_on entries of the cycle.' },
    );
  }
  const names = new Set(services.map((service) => service.name));
  const placed = new Set<string>();
  const waiting = (service: GraphNode) =>
    Object.keys(service.dependsOn).some((dep) => names.has(dep) && !placed.has(dep));
  const waves: string[][] = [];
  while (placed.size < names.size) {
    const wave = services
      .filter((service) => !placed.has(service.name) && !waiting(service))
      .map((service) => service.name);
    if (wave.length === 0) break; // cannot happen without a cycle; never loop forever
    for (const name of wave) placed.add(name);
    waves.push(wave);
  }
  return waves;
}

/** Tarjan's algorithm, iterative so a long chain of services cannot overflow the stack. */
function stronglyConnected(
  names: readonly string[],
  edges: readonly string[][],
  index: ReadonlyMap<string, number>,
): string[][] {
  const order = new Array<number>(names.length).fill(-1);
  const low = new Array<number>(names.length).fill(0);
  const onStack = new Array<boolean>(names.length).fill(false);
  const stack: number[] = [];
  const groups: string[][] = [];
  let counter = 0;
  for (let root = 0; root < names.length; root++) {
    if (order[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, next] = frame;
      if (next === 0) {
        order[node] = low[node] = counter++;
        stack.push(node);
        onStack[node] = true;
      }
      const neighbours = edges[node]!;
      if (next < neighbours.length) {
        frame[1] = next + 1;
        const target = index.get(neighbours[next]!)!;
        if (order[target] === -1) work.push([target, 0]);
        else if (onStack[target]) low[node] = Math.min(low[node]!, order[target]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[node]!);
      if (low[node] === order[node]) groups.push(popGroup(node, stack, onStack, names));
    }
  }
  return groups;
}

function popGroup(
  node: number,
  stack: number[],
  onStack: boolean[],
  names: readonly string[],
): string[] {
  const group: string[] = [];
  let member: number;
  do {
    member = stack.pop()!;
    onStack[member] = false;
    group.push(names[member]!);
  } while (member !== node);
  return group;
}

/** Breadth-first from `start` inside its group, back to `start`: the shortest cycle through it. */
function shortestCycle(
  start: string,
  group: ReadonlySet<string>,
  edges: readonly string[][],
  index: ReadonlyMap<string, number>,
): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    for (const to of edges[index.get(from)!]!) {
      if (!group.has(to)) continue;
      if (to === start) return [...pathTo(from, previous, start), start];
      if (previous.has(to)) continue;
      previous.set(to, from);
      queue.push(to);
    }
  }
  return [start, start]; // unreachable for a real cycle; keeps the type total
}

function pathTo(end: string, previous: ReadonlyMap<string, string>, start: string): string[] {
  const path = [end];
  while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
  return path;
}
