import { registerRoutes } from '../../door/registry.js';
import { routesOfStack } from '../../door/stack-routes.js';
import type { Route } from '../../door/types.js';
import { findLoopbackListeners } from '../../door/upstream-address.js';
import { isPortierError } from '../../errors.js';
import type { OpenStack } from '../../stack/open-stack.js';
import type { CliContext } from '../command.js';
import { namedUrl, startDoorForCommand } from '../door-start.js';

/**
 * Points a route at ::1 when its service, once healthy, listens there only (a server told
 * `localhost` may bind ::1 alone): the door dials the address a service really listens on.
 */
function followUpstreamFamilies(stateDir: string, handle: OpenStack, routes: Route[]): void {
  const byName = new Map(routes.map((r) => [r.name, r]));
  handle.stack.subscribe((event) => {
    if (event.type !== 'service' || event.status.state !== 'healthy') return;
    const route = byName.get(event.status.name);
    if (!route) return;
    void findLoopbackListeners(route.upstream.port).then(async (addresses) => {
      const address = addresses[0];
      if (!address || address === route.upstream.address) return;
      route.upstream = { ...route.upstream, address };
      await registerRoutes(stateDir, [route]).catch(() => {});
    });
  });
}

/**
 * Names the stack's services at the front door (`<service>.<project>.localhost`, and
 * `<service>.localhost` while no other stack claims it) and makes sure the door runs. Resolves
 * with each service's named URL; empty when the door cannot be used, after a warning: the
 * services still answer on their own ports.
 */
export async function routeStackThroughDoor(
  ctx: CliContext,
  handle: OpenStack,
): Promise<Map<string, string>> {
  const status = await handle.stack.status();
  const routes = routesOfStack(status, handle.record.socket);
  const urls = new Map<string, string>();
  if (routes.length === 0) return urls;
  try {
    await registerRoutes(ctx.stateDir, routes);
  } catch (error) {
    if (!isPortierError(error)) throw error;
    ctx.stderr.write(`${ctx.colorErr.yellow('warning:')} ${error.message}\n`);
    return urls;
  }
  followUpstreamFamilies(ctx.stateDir, handle, routes);
  const port = await startDoorForCommand(ctx);
  if (port === undefined) return urls;
  for (const route of routes)
    urls.set(route.name, namedUrl(`${route.name}.${route.project}.localhost`, port));
  return urls;
}
