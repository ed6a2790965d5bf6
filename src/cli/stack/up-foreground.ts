import { createLogPrinter } from '../../stack/logs/index.js';
import { openStack } from '../../stack/open-stack.js';
import type { StackEvent } from '../../stack/types.js';
import { formatDuration } from '../../time/duration.js';
import type { CliContext } from '../command.js';
import { resolveDoorPort } from '../door-start.js';
import { renderFailure, renderStackTable } from '../render/stack-text.js';
import { routeStackThroughDoor } from './stack-door.js';

/** What `portier up` in the foreground was asked. */
export interface UpRequest {
  file: string | undefined;
  cwd: string;
  services: string[];
  fresh: boolean;
  json: boolean;
  /** Do not route the services through the front door. */
  noDoor: boolean;
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * Runs the stack in this process until Ctrl-C, SIGTERM or `portier down`: prefixed output of
 * every service, a table of addresses once everything is up, a failure summary naming the
 * service that failed first. Exit 0 after a clean stop, 1 when a service failed.
 */
export async function runUpForeground(request: UpRequest, ctx: CliContext): Promise<number> {
  const color = ctx.color.enabled;
  const write = (text: string) => ctx.stdout.write(text);
  // Take over SIGINT/SIGTERM before anything starts, so a stop during start-up is orderly.
  const signal = ctx.signal;
  const handle = await openStack({
    ...(request.file ? { file: request.file } : {}),
    cwd: request.cwd,
    env: ctx.env,
    stateDir: ctx.stateDir,
    color,
    fresh: request.fresh,
    ...(request.noDoor ? {} : { doorPort: resolveDoorPort(ctx.env) }),
  });
  const { stack, config } = handle;
  const printer = createLogPrinter({ write, color, services: config.services.map((s) => s.name) });
  let failurePrinted = false;
  const onEvent = (event: StackEvent) => {
    if (request.json) return write(`${JSON.stringify(event)}\n`);
    if (event.type === 'log') printer(event.line);
    const failure = stack.firstFailure();
    if (failure && !failurePrinted) {
      failurePrinted = true;
      ctx.stderr.write(renderFailure(failure, ctx.colorErr));
    }
  };
  const unsubscribe = stack.subscribe(onEvent);
  const started = Date.now();
  if (!request.json)
    write(
      `${ctx.color.bold(`portier up ${config.name}`)}: ${config.services.length} services from ${config.file} (Ctrl-C to stop)\n`,
    );
  try {
    await stack.start(request.services.length ? request.services : undefined);
  } catch (error) {
    unsubscribe();
    await handle.close();
    throw error;
  }
  // The door starts while the services do; the table below shows the names once both are up.
  const named = request.noDoor
    ? Promise.resolve(new Map<string, string>())
    : routeStackThroughDoor(ctx, handle);
  const settled = stack.settled().then(async () => {
    if (request.json || signal.aborted) return;
    const status = await stack.status();
    const took = formatDuration(Date.now() - started);
    const active = { ...status, services: status.services.filter((s) => s.state !== 'pending') };
    const width = (ctx.stdout as { columns?: number }).columns;
    write(`\n${ctx.color.bold(`${config.name} settled in ${took}`)}\n`);
    const urls = await named;
    write(`${renderStackTable(active, ctx.color, Date.now(), width, urls)}\n\n`);
  });
  await Promise.race([aborted(signal), handle.downRequested]);
  if (!request.json) write(ctx.color.dim(`\nstopping ${config.name}…\n`));
  await handle.close();
  unsubscribe();
  await settled.catch(() => {});
  const failure = stack.firstFailure();
  if (failure && !request.json) {
    ctx.stderr.write(renderFailure(failure, ctx.colorErr));
    return 1;
  }
  if (!request.json) write(`stopped ${config.name}\n`);
  return failure ? 1 : 0;
}
