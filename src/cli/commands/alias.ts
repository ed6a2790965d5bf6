import { registerRoutes, unregisterRoutes } from '../../door/registry.js';
import { validateRouteName } from '../../door/route-rules.js';
import type { Route } from '../../door/types.js';
import { findLoopbackListeners, type LoopbackUpstream } from '../../door/upstream-address.js';
import { PortierError } from '../../errors.js';
import { parsePort } from '../../net/port-number.js';
import type { CliContext, CommandSpec } from '../command.js';
import { namedUrl, refuseDoorPort, resolveDoorPort, startDoorForCommand } from '../door-start.js';
import { formatAddressPort } from '../render/listener-text.js';

/** Reads `--host`: one of the two loopback addresses the door dials. */
function parseHost(text: string): LoopbackUpstream {
  const host = text.replace(/^\[(.*)\]$/, '$1');
  if (host === '127.0.0.1' || host === '::1') return host;
  throw new PortierError(
    'INVALID_OPTION',
    `Invalid --host "${text}": expected 127.0.0.1 or ::1, the address the service listens on.`,
  );
}

/** The address the service at `port` listens on: probed, 127.0.0.1 when both answer. */
async function probeHost(port: number): Promise<LoopbackUpstream> {
  const [found] = await findLoopbackListeners(port);
  if (found) return found;
  throw new PortierError(
    'INVALID_TARGET',
    `Nothing listens on port ${port} on 127.0.0.1 or ::1, so there is nothing to name yet.`,
    { port, hint: `Start it first, or name it anyway with --host 127.0.0.1 (or ::1).` },
  );
}

async function remove(name: string, ctx: CliContext, json: boolean): Promise<number> {
  const removed = await unregisterRoutes(
    ctx.stateDir,
    (route) => route.kind === 'alias' && route.name === name,
  );
  if (json) ctx.stdout.write(`${JSON.stringify({ name, removed: removed > 0 })}\n`);
  else
    ctx.stdout.write(
      removed
        ? `removed the alias ${name}\n`
        : `no alias ${name} (\`portier routes\` lists them)\n`,
    );
  return removed ? 0 : 1;
}

/** `portier alias <name> <port>`: a name for something portier does not run. */
export const aliasCommand: CommandSpec = {
  name: 'alias',
  usage: 'portier alias <name> <port> [--host 127.0.0.1|::1] | portier alias <name> --remove',
  summary:
    'Name something portier does not run (a container, a database): http://<name>.localhost:57573.',
  details:
    'Without --host, portier connects to the port on 127.0.0.1 and ::1 and routes to the one\n' +
    'that answers. The alias stays until removed; it starts the front door if needed.\n\n' +
    'Examples:\n  portier alias adminer 8080\n  portier alias db 5432 --host ::1\n  portier alias adminer --remove',
  options: {
    host: {
      type: 'string',
      value: 'ADDR',
      description: 'the address it listens on: 127.0.0.1 or ::1 (default: probed)',
    },
    remove: { type: 'boolean', description: 'remove the alias instead' },
  },
  portPositionals: true,
  minPositionals: 1,
  maxPositionals: 2,
  async run({ values, positionals }, ctx) {
    const json = values.json === true;
    const [name, portText] = positionals as [string, string | undefined];
    validateRouteName(name);
    if (values.remove) {
      if (portText !== undefined)
        throw new PortierError(
          'USAGE',
          `--remove takes only the name: \`portier alias ${name} --remove\`.`,
        );
      return remove(name, ctx, json);
    }
    if (portText === undefined)
      throw new PortierError('USAGE', `Missing the port: \`portier alias ${name} <port>\`.`, {
        hint: `Usage: ${aliasCommand.usage}`,
      });
    const port = parsePort(portText);
    refuseDoorPort(port, ctx);
    const address =
      typeof values.host === 'string' ? parseHost(values.host) : await probeHost(port);
    const route: Route = { name, kind: 'alias', upstream: { address, port }, since: Date.now() };
    await registerRoutes(ctx.stateDir, [route]);
    const doorPort = (await startDoorForCommand(ctx)) ?? resolveDoorPort(ctx.env);
    const url = namedUrl(`${name}.localhost`, doorPort);
    if (json) ctx.stdout.write(`${JSON.stringify({ ...route, url }, null, 2)}\n`);
    else ctx.stdout.write(`${url} → ${formatAddressPort(address, port)}\n`);
    return 0;
  },
};
