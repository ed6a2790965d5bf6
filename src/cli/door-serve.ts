import { readDoorRecord, removeDoorRecord, writeDoorRecord } from '../door/door-record.js';
import { startDoor } from '../door/door-server.js';
import { routesPath } from '../door/registry.js';
import { createRouteWatcher } from '../door/route-watcher.js';
import { createStackHealth } from '../door/stack-health.js';
import { PortierError } from '../errors.js';
import type { CliContext } from './command.js';

/** The addresses the door listens on: loopback of both families, never a wildcard. */
const DOOR_HOSTS = ['127.0.0.1', '::1'];
/**
 * The door ends by itself after this long with no live route, ms: it was started on demand,
 * and the stacks and runs that needed it are gone (aliases keep it up; they have no owner).
 */
export const DOOR_IDLE_EXIT_MS = 60_000;
/** How often the door looks whether it is idle, ms. */
const IDLE_CHECK_MS = 5_000;

/** Resolves once the registry has had no route for {@link DOOR_IDLE_EXIT_MS}. */
function idleFor(routeCount: () => number, idleMs: number): { done: Promise<void>; stop(): void } {
  let since = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setInterval(
      () => {
        if (routeCount() > 0) since = Date.now();
        else if (Date.now() - since >= idleMs) resolve();
      },
      Math.min(IDLE_CHECK_MS, idleMs),
    );
    timer.unref();
  });
  return { done, stop: () => clearInterval(timer) };
}

/**
 * `portier door serve`: the door process itself, normally started detached by `ensureDoor`.
 * Serves the routes of `stateDir`'s registry until SIGINT/SIGTERM, recording itself in
 * `door.json` while it listens.
 */
export async function serveDoor(
  ctx: CliContext,
  stateDir: string,
  port: number,
  idleMs = DOOR_IDLE_EXIT_MS,
): Promise<number> {
  const running = readDoorRecord(stateDir);
  if (running) {
    throw new PortierError(
      'PORT_IN_USE',
      `The front door already runs for ${stateDir} (pid ${running.pid}, port ${running.port}).`,
      { pid: running.pid, port: running.port, hint: '`portier door stop` stops it.' },
    );
  }
  // Take over SIGINT/SIGTERM before listening: a stop right after the start is graceful too.
  const stopped = new Promise<void>((resolve) =>
    ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const watcher = createRouteWatcher(stateDir);
  const stacks = createStackHealth();
  const door = await startDoor({
    health: (route) => stacks.health(route),
    waitHealthy: (route, timeoutMs, signal) => stacks.waitHealthy(route, timeoutMs, signal),
    port,
    hosts: DOOR_HOSTS,
    decide: (host: string | undefined) => watcher.snapshot().table.decide(host),
    // A copy: the 404 page may sort it; the snapshot is shared.
    routes: () => [...watcher.snapshot().routes],
  });
  writeDoorRecord(stateDir, port);
  ctx.stderr.write(
    `portier door: pid ${process.pid} listening on 127.0.0.1:${port} and [::1]:${port}; routes in ${routesPath(stateDir)}\n`,
  );
  const idle = idleFor(() => watcher.snapshot().routes.length, idleMs);
  await Promise.race([stopped, idle.done]);
  idle.stop();
  removeDoorRecord(stateDir);
  await door.close();
  return 0;
}
