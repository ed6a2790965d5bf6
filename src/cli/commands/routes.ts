import { readDoorRecord } from '../../door/door-record.js';
import { listRoutes } from '../../door/registry.js';
import { createRouteTable } from '../../door/route-table.js';
import type { Route } from '../../door/types.js';
import type { CommandSpec } from '../command.js';
import { currentDoorPort, namedUrl } from '../door-start.js';
import { formatAddressPort } from '../render/listener-text.js';
import { renderTable } from '../render/table.js';

/** A route as `portier routes --json` prints it: the stored route and every URL reaching it. */
export interface ListedRoute extends Route {
  urls: string[];
}

/** The owner cell: the pid, or what keeps an ownerless route. */
function ownerText(route: Route): string {
  if (route.owner) return String(route.owner.pid);
  return route.kind === 'alias' ? '(alias)' : '-';
}

/** `portier routes`: every named URL the door serves. */
export const routesCommand: CommandSpec = {
  name: 'routes',
  usage: 'portier routes [--json]',
  summary: 'List the named URLs of the front door: URL, upstream, kind, owner pid.',
  details:
    'Routes come from every running stack (`portier up`), `portier run` and `portier alias`.\n' +
    'A route disappears when its owner process ends; aliases stay until `portier alias <name> --remove`.',
  options: {},
  maxPositionals: 0,
  async run({ values }, ctx) {
    const routes = await listRoutes(ctx.stateDir);
    const table = createRouteTable(routes);
    const port = currentDoorPort(ctx);
    const listed: ListedRoute[] = routes.map((route) => ({
      ...route,
      urls: table.namesOf(route).map((name) => namedUrl(name, port)),
    }));
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
      return 0;
    }
    if (listed.length === 0) {
      ctx.stdout.write(
        'No routes. Add one with `portier run <name> -- <cmd…>`, `portier alias <name> <port>` or `portier up`.\n',
      );
      return 0;
    }
    const rows = listed.map((route) => [
      route.urls.join(' '),
      formatAddressPort(route.upstream.address, route.upstream.port),
      route.kind === 'stack' ? `stack ${route.project}` : route.kind,
      ownerText(route),
    ]);
    const text = renderTable(
      [{ header: 'URL' }, { header: 'UPSTREAM' }, { header: 'KIND' }, { header: 'OWNER' }],
      rows,
      ctx.stdout.isTTY ? ctx.stdout.columns : undefined,
    );
    ctx.stdout.write(`${text}\n`);
    if (!readDoorRecord(ctx.stateDir))
      ctx.stderr.write('The door is not running: `portier door status` tells more.\n');
    return 0;
  },
};
