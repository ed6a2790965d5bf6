import type { CommandSpec } from '../command.js';
import { renderStackTable } from '../render/stack-text.js';
import { connectToStack, FILE_OPTION } from '../stack/stack-project.js';

/** `portier ps`: the services of the running stack. */
export const psCommand: CommandSpec = {
  name: 'ps',
  usage: 'portier ps [-f FILE] [--json]',
  summary: 'Show each service of the running stack: state, pid, address, restarts, uptime.',
  options: { ...FILE_OPTION },
  maxPositionals: 0,
  async run({ values }, ctx) {
    const file = typeof values.file === 'string' ? values.file : undefined;
    const { client } = connectToStack(ctx.stateDir, file, process.cwd());
    const status = await client.status();
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return 0;
    }
    const width = ctx.stdout.isTTY ? ctx.stdout.columns : undefined;
    ctx.stdout.write(
      `${ctx.color.bold(status.project)} (${status.phase}, supervisor pid ${status.pid}, ${status.file})\n`,
    );
    ctx.stdout.write(`${renderStackTable(status, ctx.color, Date.now(), width)}\n`);
    return 0;
  },
};
