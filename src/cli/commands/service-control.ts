import { PortierError } from '../../errors.js';
import type { StackClient } from '../../stack/control/control-client.js';
import type { CliContext, CommandSpec } from '../command.js';
import { renderStackTable } from '../render/stack-text.js';
import { connectToStack, FILE_OPTION } from '../stack/stack-project.js';

type Action = (client: StackClient, services: string[]) => Promise<void>;

async function act(
  values: Record<string, unknown>,
  services: string[],
  ctx: CliContext,
  action: Action,
): Promise<number> {
  const file = typeof values.file === 'string' ? values.file : undefined;
  const { client } = connectToStack(ctx.stateDir, file, process.cwd());
  const before = await client.status();
  const known = new Set(before.services.map((s) => s.name));
  const unknown = services.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw new PortierError(
      'SERVICE_UNKNOWN',
      `No service ${unknown.map((s) => `"${s}"`).join(', ')} in ${before.project}.`,
      {
        service: unknown[0] as string,
        hint: `Services: ${[...known].join(', ')}.`,
      },
    );
  }
  await action(client, services);
  const status = await client.status();
  if (values.json) ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  else {
    const shown = {
      ...status,
      services: status.services.filter((s) => services.length === 0 || services.includes(s.name)),
    };
    ctx.stdout.write(`${renderStackTable(shown, ctx.color, Date.now())}\n`);
  }
  return 0;
}

/** `portier restart <svc…>`. */
export const restartCommand: CommandSpec = {
  name: 'restart',
  usage: 'portier restart <service…> [-f FILE]',
  summary:
    'Stop and start services of the running stack (stop_signal, then SIGKILL after stop_timeout).',
  options: { ...FILE_OPTION },
  minPositionals: 1,
  maxPositionals: 100,
  run: ({ values, positionals }, ctx) =>
    act(values, positionals, ctx, async (client, services) => {
      for (const service of services) await client.restart(service);
    }),
};

/** `portier stop <svc…>`. */
export const stopCommand: CommandSpec = {
  name: 'stop',
  usage: 'portier stop <service…> [-f FILE]',
  summary: 'Stop services of the running stack, dependents first; the supervisor keeps running.',
  options: { ...FILE_OPTION },
  minPositionals: 1,
  maxPositionals: 100,
  run: ({ values, positionals }, ctx) =>
    act(values, positionals, ctx, (client, services) => client.stop(services)),
};

/** `portier start <svc…>`. */
export const startCommand: CommandSpec = {
  name: 'start',
  usage: 'portier start <service…> [-f FILE]',
  summary: 'Start stopped (or crashed) services of the running stack, with what they depend on.',
  options: { ...FILE_OPTION },
  minPositionals: 1,
  maxPositionals: 100,
  run: ({ values, positionals }, ctx) =>
    act(values, positionals, ctx, (client, services) => client.start(services)),
};
