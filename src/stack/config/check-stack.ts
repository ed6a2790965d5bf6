import { findDependencyCycles, type GraphNode } from '../graph.js';
import type { DefaultedService } from './config-defaults.js';
import { didYouMean } from './did-you-mean.js';
import type { ProblemList } from './problems.js';
import type { ServiceSpec } from './stack-spec.js';

/** Readiness checks that connect to the service's port, so need it to have one. */
const PORT_CHECKS = new Set(['tcp', 'http', 'postgres', 'redis']);

/**
 * The checks that need the whole stack: dependencies that exist (with a suggestion when
 * misspelt), no service depending on itself, no cycles (each named in full), port checks only
 * on services with a port, and no fixed port given to two services. `specs` and `services`
 * are parallel arrays.
 */
export function checkStack(
  specs: readonly ServiceSpec[],
  services: readonly DefaultedService[],
  problems: ProblemList,
): void {
  checkDependencies(specs, problems);
  checkCycles(specs, problems);
  for (const [i, spec] of specs.entries()) checkReadyHasPort(spec, services[i]!, problems);
  checkFixedPorts(specs, problems);
}

function checkDependencies(specs: readonly ServiceSpec[], problems: ProblemList): void {
  const names = specs.map((spec) => spec.name);
  for (const spec of specs) {
    for (const dep of spec.dependsOn) {
      if (dep.name === spec.name) {
        problems.add(dep.where, `service "${spec.name}" depends on itself`);
      } else if (!names.includes(dep.name)) {
        const others = names.filter((name) => name !== spec.name);
        problems.add(
          dep.where,
          `service "${spec.name}" depends on "${dep.name}", which is not a service of this stack`,
          didYouMean(dep.name, others),
        );
      }
    }
  }
}

function checkCycles(specs: readonly ServiceSpec[], problems: ProblemList): void {
  // Self-dependencies are reported on their own above, so they are left out of the graph.
  const graph: GraphNode[] = specs.map((spec) => ({
    name: spec.name,
    dependsOn: Object.fromEntries(
      spec.dependsOn.filter((dep) => dep.name !== spec.name).map((dep) => [dep.name, true]),
    ),
  }));
  for (const cycle of findDependencyCycles(graph)) {
    const from = specs.find((spec) => spec.name === cycle[0])!;
    const edge = from.dependsOn.find((dep) => dep.name === cycle[1])!;
    problems.add(
      edge.where,
      `dependency cycle: ${cycle.join(' → ')}; these services cannot start`,
      'remove one of these depends_on entries',
    );
  }
}

function checkReadyHasPort(
  spec: ServiceSpec,
  service: DefaultedService,
  problems: ProblemList,
): void {
  if (service.port !== 'none') return;
  if (service.postgres) {
    problems.add(
      spec.port?.where ?? spec.where,
      `service "${spec.name}" runs the built-in postgres, which listens on a port, but has port: none`,
      'use port: auto or a port number',
    );
    return;
  }
  if (!service.ready || !PORT_CHECKS.has(service.ready.kind)) return;
  const where = spec.ready?.where ?? spec.port?.where ?? spec.where;
  problems.add(
    where,
    `service "${spec.name}" has port: none, so its ready: ${service.ready.kind} check has nothing to connect to`,
    'use ready: { log: "regex" } or { exec: "cmd" }, or give it a port',
  );
}

function checkFixedPorts(specs: readonly ServiceSpec[], problems: ProblemList): void {
  const owners = new Map<number, string>();
  for (const spec of specs) {
    const port = spec.port?.value;
    if (typeof port !== 'number') continue;
    const owner = owners.get(port);
    if (owner === undefined) owners.set(port, spec.name);
    else
      problems.add(spec.port!.where, `port ${port} is given to both "${owner}" and "${spec.name}"`);
  }
}
