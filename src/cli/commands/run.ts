import {
  explicitPort,
  type FrameworkPlan,
  planFrameworkFlags,
} from '../../door/framework-flags.js';
import { registerRoutes, unregisterRoutes } from '../../door/registry.js';
import { validateRouteName } from '../../door/route-rules.js';
import type { Route } from '../../door/types.js';
import { waitForLoopbackListener } from '../../door/upstream-address.js';
import { PortierError } from '../../errors.js';
import { parsePort } from '../../net/port-number.js';
import { pickPort } from '../../ports/pick-port.js';
import type { CliContext, CommandSpec } from '../command.js';
import { namedUrl, refuseDoorPort, resolveDoorPort, startDoorForCommand } from '../door-start.js';
import { runAfter } from '../run-after.js';

/** The app's port lease lasts as long as this process, capped at a week, in ms. */
const RUN_LEASE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const USAGE = 'portier run <name> [--port N] -- <cmd…>';

/** The port to give the app: the one its command sets, `--port`, else a leased free one. */
async function choosePort(
  command: readonly string[],
  flag: unknown,
  ctx: CliContext,
  name: string,
) {
  const own = explicitPort(command);
  if (own !== undefined) return own;
  if (typeof flag === 'string') return parsePort(flag, '--port');
  const { port } = await pickPort({
    stateDir: ctx.stateDir,
    owner: process.pid,
    label: `run ${name}`,
    ttlMs: RUN_LEASE_TTL_MS,
  });
  return port;
}

/**
 * Re-points the route when the app turns out to listen on ::1 only (a server told `localhost`
 * on a resolver that answers ::1 first): the door dials the address it really listens on.
 */
async function followAddress(route: Route, ctx: CliContext, signal: AbortSignal): Promise<void> {
  const address = await waitForLoopbackListener(route.upstream.port, signal);
  if (!address || address === route.upstream.address || signal.aborted) return;
  await registerRoutes(ctx.stateDir, [{ ...route, upstream: { ...route.upstream, address } }]);
}

function announce(
  ctx: CliContext,
  json: boolean,
  facts: Record<string, unknown>,
  plan: FrameworkPlan,
) {
  if (json) {
    ctx.stdout.write(`${JSON.stringify(facts)}\n`);
    return;
  }
  const flags = plan.added.length ? `; ${plan.framework}: added ${plan.added.join(' ')}` : '';
  ctx.stderr.write(
    `${ctx.colorErr.green('➜')} ${ctx.colorErr.bold(String(facts.url))}  (port ${facts.port}${flags})\n`,
  );
}

/** `portier run <name> -- <cmd…>`: one app with a leased port and a named URL. */
export const runCommand: CommandSpec = {
  name: 'run',
  usage: USAGE,
  summary: 'Run one app on a free loopback port and serve it at http://<name>.localhost:57573.',
  details:
    'The app gets PORT=<port>, HOST=127.0.0.1 and PORTIER_URL. Dev servers that ignore PORT\n' +
    '(Vite, Astro, Angular, Next, webpack-dev-server, Storybook, Docusaurus, Gatsby, Hugo,\n' +
    'Jekyll, Flask, uvicorn, python -m http.server, manage.py runserver) also get --port/--host\n' +
    'flags. A command that sets --port itself keeps its port. Output, Ctrl-C and the exit status\n' +
    "are the app's; the name is released when it exits.\n\n" +
    'Examples:\n  portier run web -- npx vite\n  portier run api -- node server.js',
  options: {
    port: { type: 'string', value: 'N', description: 'use this port instead of a free one' },
  },
  acceptsCommand: true,
  minPositionals: 1,
  maxPositionals: 1,
  async run({ values, positionals, command }, ctx) {
    const name = positionals[0] as string;
    validateRouteName(name);
    if (!command)
      throw new PortierError('USAGE', 'Give the command to run after `--`.', {
        hint: `Usage: ${USAGE}, e.g. \`portier run web -- npx vite\`.`,
      });
    const port = await choosePort(command, values.port, ctx, name);
    refuseDoorPort(port, ctx);
    const plan = planFrameworkFlags(command, port);
    const route: Route = {
      name,
      kind: 'run',
      upstream: { address: '127.0.0.1', port },
      owner: { pid: process.pid },
      since: Date.now(),
    };
    const [stored] = await registerRoutes(ctx.stateDir, [route]);
    const following = new AbortController();
    let follower: Promise<void> = Promise.resolve();
    try {
      const doorPort = (await startDoorForCommand(ctx)) ?? resolveDoorPort(ctx.env);
      const url = namedUrl(`${name}.localhost`, doorPort);
      announce(
        ctx,
        values.json === true,
        { name, url, port, framework: plan.framework, added: plan.added, command: plan.argv },
        plan,
      );
      follower = followAddress(stored ?? route, ctx, following.signal).catch(() => {});
      const env = { ...ctx.env, PORT: String(port), HOST: '127.0.0.1', PORTIER_URL: url };
      return await runAfter(plan.argv, env);
    } finally {
      following.abort();
      await follower;
      await unregisterRoutes(
        ctx.stateDir,
        (r) => r.kind === 'run' && r.name === name && r.owner?.pid === process.pid,
      );
    }
  },
};
