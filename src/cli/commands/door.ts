import { doorStatus, stopDoor } from '../../door/door-process.js';
import { readRoutes } from '../../door/registry.js';
import { PortierError } from '../../errors.js';
import { parsePort } from '../../net/port-number.js';
import { formatDuration, parseDuration } from '../../time/duration.js';
import type { CliContext, CommandSpec } from '../command.js';
import { resolveDoorPort } from '../door-start.js';

const USAGE = 'portier door status|stop [--json]';

async function status(ctx: CliContext, json: boolean): Promise<number> {
  const state = await doorStatus(ctx.stateDir);
  const routes = readRoutes(ctx.stateDir).length;
  if (json) {
    ctx.stdout.write(`${JSON.stringify({ ...state, routes }, null, 2)}\n`);
  } else if (state.running) {
    const answer = state.answering ? '' : ctx.color.red(' (not answering)');
    ctx.stdout.write(
      `door: ${ctx.color.green('running')}${answer}, pid ${state.pid}, on 127.0.0.1:${state.port} and [::1]:${state.port}, up ${formatDuration(Date.now() - state.startedAt)}, ${routes} route${routes === 1 ? '' : 's'}\n`,
    );
  } else {
    ctx.stdout.write(
      `door: not running${routes ? ` (${routes} route${routes === 1 ? '' : 's'} registered)` : ''}; \`portier run\`, \`portier alias\` or \`portier up\` start it\n`,
    );
  }
  return state.running ? 0 : 1;
}

async function stop(ctx: CliContext, json: boolean): Promise<number> {
  const stopped = await stopDoor(ctx.stateDir);
  if (json) ctx.stdout.write(`${JSON.stringify({ stopped: stopped !== undefined, ...stopped })}\n`);
  else
    ctx.stdout.write(
      stopped
        ? `stopped the door (pid ${stopped.pid}${stopped.forced ? ', killed after the timeout' : ''})\n`
        : 'the door is not running\n',
    );
  return 0;
}

/** `portier door status|stop`: the shared front door on 127.0.0.1:57573 and [::1]:57573. */
export const doorCommand: CommandSpec = {
  name: 'door',
  usage: USAGE,
  summary: 'The front door that serves http://<name>.localhost:57573: is it running, stop it.',
  details:
    'One door serves every portier process of this user (the state directory): started on demand\n' +
    'by `portier run`, `portier alias` and `portier up`, it ends by itself a minute after its\n' +
    'last route is gone (aliases keep it running), or when stopped.\n' +
    'status exits 0 when the door runs and 1 when it does not.\n\n' +
    'Examples:\n  portier door status\n  portier door stop',
  options: {
    // `door serve` (the door process itself) takes these; ensureDoor passes them.
    port: { type: 'string', value: 'N', description: 'serve: port to listen on (internal)' },
    'state-dir': {
      type: 'string',
      value: 'DIR',
      description: 'serve: registry directory (internal)',
    },
    'idle-exit': {
      type: 'string',
      value: 'DURATION',
      description: 'serve: end after this long without routes (internal; default 60s)',
    },
  },
  minPositionals: 1,
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const json = values.json === true;
    if (
      positionals[0] !== 'serve' &&
      (values.port !== undefined || values['state-dir'] !== undefined)
    )
      throw new PortierError('USAGE', '--port and --state-dir belong to `door serve` only.', {
        hint: `Usage: ${USAGE}; PORTIER_DOOR_PORT and PORTIER_STATE_DIR choose the door.`,
      });
    switch (positionals[0]) {
      case 'status':
        return status(ctx, json);
      case 'stop':
        return stop(ctx, json);
      case 'serve': {
        const port =
          typeof values.port === 'string'
            ? parsePort(values.port, '--port')
            : resolveDoorPort(ctx.env);
        const stateDir =
          typeof values['state-dir'] === 'string' ? values['state-dir'] : ctx.stateDir;
        // Loaded here: only the door process needs the server.
        const { serveDoor } = await import('../door-serve.js');
        const idle =
          typeof values['idle-exit'] === 'string'
            ? parseDuration(values['idle-exit'], '--idle-exit')
            : undefined;
        return serveDoor(ctx, stateDir, port, idle);
      }
      default:
        throw new PortierError(
          'USAGE',
          `Unknown door action "${positionals[0]}": expected status or stop.`,
          { hint: `Usage: ${USAGE}` },
        );
    }
  },
};
