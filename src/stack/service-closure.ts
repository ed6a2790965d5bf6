import { PortierError } from '../errors.js';
import type { ResolvedService, ResolvedStackConfig } from './config/types.js';

/**
 * The named services (default all) and everything they depend on, in file order. Throws
 * SERVICE_UNKNOWN for a name the stack does not have.
 */
export function serviceClosure(
  config: ResolvedStackConfig,
  names: readonly string[] | undefined,
): ResolvedService[] {
  const byName = new Map(config.services.map((s) => [s.name, s]));
  const wanted = new Set<string>();
  const visit = (name: string) => {
    const service = byName.get(name);
    if (!service) {
      throw new PortierError('SERVICE_UNKNOWN', `No service "${name}" in ${config.file}.`, {
        service: name,
        hint: `Services: ${[...byName.keys()].join(', ')}.`,
      });
    }
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dep of Object.keys(service.dependsOn)) visit(dep);
  };
  for (const name of names ?? [...byName.keys()]) visit(name);
  return config.services.filter((s) => wanted.has(s.name));
}
