import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortierError } from '../errors.js';
import type { StackClock } from './clock.js';
import { loadStackConfig } from './config/load-stack-config.js';
import type { ResolvedStackConfig } from './config/types.js';
import { type ControlTarget, startControlServer } from './control/control-server.js';
import { createLogHub, type LogHub } from './logs/index.js';
import {
  ensureProjectDir,
  projectStateDir,
  readSupervisorRecord,
  removeSupervisorRecord,
  type SupervisorRecord,
  writeSupervisorRecord,
} from './project-state.js';
import { createStack, type Stack } from './supervisor.js';

/** Unix socket paths longer than this fail to bind on Linux (108 with the NUL), bytes. */
const MAX_SOCKET_PATH = 100;

/** Options of {@link openStack}. */
export interface OpenStackOptions {
  /** The stack file; default: found in `cwd`. */
  file?: string;
  cwd: string;
  /** Environment services start from, and `env_file` interpolation context. */
  env: Readonly<Record<string, string | undefined>>;
  stateDir: string;
  color?: boolean;
  fresh?: boolean;
  clock?: StackClock;
  /** The front door's port, when the services are routed through it. */
  doorPort?: number;
  /** A config already loaded (skips loading `file`). */
  config?: ResolvedStackConfig;
}

/** A supervised stack with its control socket, logs and record in the state dir. */
export interface OpenStack {
  stack: Stack;
  config: ResolvedStackConfig;
  logs: LogHub;
  projectDir: string;
  record: SupervisorRecord;
  /** Resolves when someone asks the supervisor to stop (`portier down`). */
  downRequested: Promise<void>;
  /** Stops every service, closes the socket and the logs, removes the record. Idempotent. */
  close(): Promise<void>;
}

/** The control socket of a project: in its dir, or in the temp dir when that path is too long. */
export function controlSocketPath(projectDir: string): string {
  const path = join(projectDir, 'control.sock');
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) return path;
  const hash = createHash('sha256').update(projectDir).digest('hex').slice(0, 16);
  return join(tmpdir(), `portier-${process.getuid?.() ?? 'u'}-${hash}.sock`);
}

/**
 * Loads the stack file and sets up its supervisor in this process: project dir, log files,
 * control socket, record. Services start with `stack.start()`. Throws STACK_ALREADY_RUNNING
 * when another supervisor runs this project.
 */
export async function openStack(options: OpenStackOptions): Promise<OpenStack> {
  const config =
    options.config ??
    loadStackConfig({
      ...(options.file ? { file: options.file } : {}),
      cwd: options.cwd,
      env: options.env,
    });
  const projectDir = projectStateDir(options.stateDir, config.root);
  ensureProjectDir(projectDir);
  const running = readSupervisorRecord(projectDir);
  if (running) {
    throw new PortierError(
      'STACK_ALREADY_RUNNING',
      `The stack ${config.name} is already running (supervisor pid ${running.pid}, started ${new Date(running.startedAt).toISOString()}).`,
      { pid: running.pid, hint: '`portier ps` shows it; `portier down` stops it.' },
    );
  }
  const logs = createLogHub({ dir: join(projectDir, 'logs') });
  const stack = createStack({
    config,
    stateDir: options.stateDir,
    projectDir,
    baseEnv: options.env,
    color: options.color ?? false,
    fresh: options.fresh ?? false,
    logs,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.doorPort === undefined ? {} : { doorPort: options.doorPort }),
  });
  let requestDown: () => void = () => {};
  const downRequested = new Promise<void>((resolve) => {
    requestDown = resolve;
  });
  const target: ControlTarget = { ...bind(stack), down: async () => requestDown() };
  const socket = controlSocketPath(projectDir);
  let server: Server;
  try {
    server = await startControlServer(target, socket);
  } catch (error) {
    await stack.close();
    throw error;
  }
  const record = writeSupervisorRecord(projectDir, {
    project: config.name,
    root: config.root,
    file: config.file,
    socket,
    startedAt: Date.now(),
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await stack.close();
      removeSupervisorRecord(projectDir);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await logs.close();
    })();
    return closing;
  };
  return { stack, config, logs, projectDir, record, downRequested, close };
}

function bind(stack: Stack) {
  return {
    start: stack.start.bind(stack),
    stop: stack.stop.bind(stack),
    restart: stack.restart.bind(stack),
    status: stack.status.bind(stack),
    logs: stack.logs.bind(stack),
    subscribe: stack.subscribe.bind(stack),
  };
}

/** The running supervisor of the project whose stack file is found from `cwd` (or `file`). */
export function findRunningStack(
  stateDir: string,
  root: string,
): { record: SupervisorRecord; projectDir: string } | undefined {
  const projectDir = projectStateDir(stateDir, root);
  if (!existsSync(projectDir)) return undefined;
  const record = readSupervisorRecord(projectDir);
  return record ? { record, projectDir } : undefined;
}
