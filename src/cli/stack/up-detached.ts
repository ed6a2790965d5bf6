import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readDoorRecord } from '../../door/door-record.js';
import { listRoutes } from '../../door/registry.js';
import { PortierError } from '../../errors.js';
import { loadStackConfig } from '../../stack/config/load-stack-config.js';
import { createStackClient, type StackClient } from '../../stack/control/control-client.js';
import { findRunningStack } from '../../stack/open-stack.js';
import { ensureProjectDir, projectStateDir } from '../../stack/project-state.js';
import { FAILED_STATES, SETTLED_STATES } from '../../stack/service-states.js';
import type { ServiceState, StackStatus } from '../../stack/types.js';
import { formatDuration } from '../../time/duration.js';
import type { CliContext } from '../command.js';
import { colorState, renderStackTable } from '../render/stack-text.js';
import type { UpRequest } from './up-foreground.js';

/** Waiting for the background supervisor to open its socket, at most, ms. */
const SUPERVISOR_START_TIMEOUT_MS = 15_000;

function tailOf(path: string, lines = 20): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** How long `up -d` waits for the supervisor's front door after the services settled, ms. */
const DOOR_WAIT_MS = 5_000;

/**
 * The named URLs of a project's services at the front door. The supervisor starts the door
 * while the services start, so it may come up a little after them: wait for it, bounded.
 */
async function namedUrlsOf(stateDir: string, project: string): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  const deadline = Date.now() + DOOR_WAIT_MS;
  let door = readDoorRecord(stateDir);
  while (!door && Date.now() < deadline) {
    await sleep(50);
    door = readDoorRecord(stateDir);
  }
  if (!door) return urls;
  for (const route of await listRoutes(stateDir))
    if (route.project === project)
      urls.set(route.name, `http://${route.name}.${project}.localhost:${door.port}`);
  return urls;
}

/** Longest wait between two status reads while the stack settles, ms. */
const EVENT_FALLBACK_MS = 1_000;

/** Settled when a service was started and every started one has reached a resting state. */
function isSettled(status: StackStatus): boolean {
  return (
    status.services.some((s) => s.state !== 'pending') &&
    status.services.every((s) => s.state === 'pending' || SETTLED_STATES.has(s.state))
  );
}

/**
 * Reads the stack's status until it has settled or `signal` aborts, handing each read to
 * `onStatus`. Woken by the supervisor's service and phase events rather than polling; the
 * timeout only covers an event stream that could not be opened or broke.
 */
async function waitUntilSettled(
  client: StackClient,
  signal: AbortSignal,
  onStatus: (status: StackStatus) => void,
): Promise<StackStatus> {
  let changed = false;
  let wake: (() => void) | undefined;
  const onChange = () => {
    changed = true;
    wake?.();
  };
  // Following before the first read: an event between the two cannot be missed.
  const stopFollowing = await client
    .follow((event) => {
      if (event.type !== 'log') onChange();
    }, onChange)
    .catch(() => undefined);
  signal.addEventListener('abort', onChange, { once: true });
  try {
    for (;;) {
      const status = await client.status();
      onStatus(status);
      if (signal.aborted || isSettled(status)) return status;
      // An event that came while the status was read counts: no wait then.
      if (!changed)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, EVENT_FALLBACK_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      changed = false;
      wake = undefined;
    }
  } finally {
    stopFollowing?.();
    signal.removeEventListener('abort', onChange);
  }
}

/**
 * `portier up -d`: checks the file here (so its problems show in this terminal), starts the
 * supervisor as a background process writing to `supervisor.log` in the project's state dir,
 * shows each service's progress until all have settled, and returns: 0 when all are up, 1
 * when one failed (the stack keeps running either way; `portier down` stops it).
 */
export async function runUpDetached(request: UpRequest, ctx: CliContext): Promise<number> {
  const config = loadStackConfig({
    ...(request.file ? { file: resolve(request.cwd, request.file) } : {}),
    cwd: request.cwd,
    env: ctx.env,
  });
  const projectDir = projectStateDir(ctx.stateDir, config.root);
  ensureProjectDir(projectDir);
  const running = findRunningStack(ctx.stateDir, config.root);
  if (running) {
    throw new PortierError(
      'STACK_ALREADY_RUNNING',
      `The stack ${config.name} is already running (supervisor pid ${running.record.pid}).`,
      {
        pid: running.record.pid,
        hint: '`portier ps` shows it; `portier down` stops it.',
      },
    );
  }
  const logPath = join(projectDir, 'supervisor.log');
  const out = openSync(logPath, 'a');
  const argv = [
    process.argv[1] as string,
    'up',
    '-f',
    config.file,
    ...(request.fresh ? ['--fresh'] : []),
    ...(request.noDoor ? ['--no-door'] : []),
    ...request.services,
  ];
  const child = spawn(process.execPath, argv, {
    cwd: request.cwd,
    env: { ...ctx.env, NO_COLOR: '1' } as NodeJS.ProcessEnv,
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? 1;
  });
  child.unref();
  const started = Date.now();
  let record = findRunningStack(ctx.stateDir, config.root)?.record;
  while (!record) {
    if (exited !== null || Date.now() - started > SUPERVISOR_START_TIMEOUT_MS)
      throw new PortierError(
        'STACK_START_FAILED',
        `The background supervisor of ${config.name} did not start:\n${tailOf(logPath)}`,
        {
          path: logPath,
        },
      );
    await sleep(50);
    record = findRunningStack(ctx.stateDir, config.root)?.record;
  }
  ctx.stderr.write(`${config.name}: supervisor pid ${record.pid}, log ${logPath}\n`);
  const client = createStackClient(record.socket);
  const seen = new Map<string, ServiceState>();
  const report = (s: StackStatus) => {
    for (const svc of s.services) {
      if (svc.state === 'pending' || seen.get(svc.name) === svc.state) continue;
      seen.set(svc.name, svc.state);
      if (!request.json)
        ctx.stderr.write(
          `  ${svc.name}: ${colorState(svc.state, ctx.colorErr)}${svc.reason ? ` — ${svc.reason}` : ''}\n`,
        );
    }
  };
  const status = await waitUntilSettled(client, ctx.signal, report);
  const failed = status.services.some((s) => FAILED_STATES.has(s.state));
  if (request.json) {
    ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  } else {
    ctx.stdout.write(
      `\n${ctx.color.bold(`${config.name} settled in ${formatDuration(Date.now() - started)}`)} (running in the background; \`portier down\` stops it)\n`,
    );
    const named = request.noDoor
      ? new Map<string, string>()
      : await namedUrlsOf(ctx.stateDir, config.name);
    ctx.stdout.write(`${renderStackTable(status, ctx.color, Date.now(), undefined, named)}\n`);
  }
  return failed ? 1 : 0;
}
