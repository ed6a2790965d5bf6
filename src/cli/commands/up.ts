import type { CommandSpec } from '../command.js';
import { FILE_OPTION } from '../stack/stack-project.js';
import { runUpDetached } from '../stack/up-detached.js';
import { runUpForeground, type UpRequest } from '../stack/up-foreground.js';

/** `portier up`: start the stack of this project, in order, each service on its own port. */
export const upCommand: CommandSpec = {
  name: 'up',
  usage: 'portier up [-f FILE] [-d] [--fresh] [service…]',
  summary:
    'Start the stack in portier.yaml (or a Procfile, or package.json workspaces) and keep it healthy.',
  details:
    'Services start in depends_on order, each on a leased loopback port (the same one every run\n' +
    'while it is free) with PORT, HOST=127.0.0.1, PORTIER_URL and <DEP>_URL / DATABASE_URL set.\n' +
    'Output is prefixed per service; Ctrl-C, SIGTERM or `portier down` stops every service in\n' +
    'reverse order (stop_signal, then SIGKILL after stop_timeout). Naming services starts those\n' +
    'and what they depend on. Nothing of the stack outlives the supervisor, even after kill -9.\n\n' +
    'Examples:\n  portier up\n  portier up -d && portier ps\n  portier up api --fresh',
  maxPositionals: 1000,
  options: {
    ...FILE_OPTION,
    detach: {
      type: 'boolean',
      short: 'd',
      description: 'run in the background; return once every service has settled',
    },
    fresh: { type: 'boolean', description: 'wipe built-in database data first' },
    'no-door': {
      type: 'boolean',
      description: 'do not name the services at the front door (127.0.0.1:57573)',
    },
  },
  async run({ values, positionals }, ctx) {
    const request: UpRequest = {
      file: typeof values.file === 'string' ? values.file : undefined,
      cwd: process.cwd(),
      services: positionals,
      fresh: values.fresh === true,
      json: values.json === true,
      noDoor: values['no-door'] === true,
    };
    return values.detach ? runUpDetached(request, ctx) : runUpForeground(request, ctx);
  },
};
