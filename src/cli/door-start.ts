import { ensureDoor } from '../door/door-process.js';
import { readDoorRecord } from '../door/door-record.js';
import { DOOR_PORT } from '../door/types.js';
import { isPortierError, PortierError } from '../errors.js';
import { parsePort } from '../net/port-number.js';
import type { CliContext } from './command.js';

/**
 * The CLI's side of the front door: which port it uses and starting it for a command. The
 * only place `PORTIER_DOOR_PORT` is read.
 */

/**
 * The door's port: `PORTIER_DOOR_PORT` when set (tests, or a machine where 57573 is taken by
 * something that must keep it), else {@link DOOR_PORT}.
 */
export function resolveDoorPort(env: CliContext['env']): number {
  const text = env.PORTIER_DOOR_PORT;
  return text ? parsePort(text, 'PORTIER_DOOR_PORT') : DOOR_PORT;
}

/** The port to show in URLs: the running door's, else the one it would start on. */
export function currentDoorPort(ctx: CliContext): number {
  return readDoorRecord(ctx.stateDir)?.port ?? resolveDoorPort(ctx.env);
}

/** Throws `INVALID_OPTION` when `port` is the door's own: a route there would loop through it. */
export function refuseDoorPort(port: number, ctx: CliContext): void {
  if (port !== currentDoorPort(ctx)) return;
  throw new PortierError(
    'INVALID_OPTION',
    `Port ${port} is the front door itself: a name for it would send requests round in a loop.`,
    { port, hint: 'Give the port the service itself listens on.' },
  );
}

/** `http://api.localhost:57573`. */
export function namedUrl(host: string, port: number): string {
  return `http://${host}:${port}`;
}

/**
 * Makes sure the door runs (this process's own script started as `door serve`) and resolves
 * with its port. When it cannot start, prints why as a warning and resolves undefined: the
 * app still runs on its own port, only the name does not work.
 */
export async function startDoorForCommand(ctx: CliContext): Promise<number | undefined> {
  try {
    const { record } = await ensureDoor(ctx.stateDir, {
      // The entry this CLI was started with (`bin/portier.cjs`): the door runs the same build.
      cliPath: process.argv[1] as string,
      port: resolveDoorPort(ctx.env),
    });
    return record.port;
  } catch (error) {
    if (!isPortierError(error) || error.code === 'INVALID_PORT') throw error;
    ctx.stderr.write(`${ctx.colorErr.yellow('warning:')} ${error.message}\n`);
    if (error.hint) ctx.stderr.write(`  ${ctx.colorErr.dim(error.hint)}\n`);
    return undefined;
  }
}
