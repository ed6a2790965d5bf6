import type { StackClock } from './clock.js';
import type { ResolvedService } from './config/types.js';
import {
  type ProcessGroup,
  type ProcessSpec,
  spawnProcessGroup,
  stopProcessGroup,
} from './process/process-group.js';
import { watchReadiness } from './readiness-loop.js';
import { decideRestart, describeExit } from './restart-policy.js';
import type { ServiceState, ServiceStatus } from './types.js';

/** How a service writes its output: the log hub's per-service streams. */
export interface OutputSink {
  stream(service: string, stream: 'stdout' | 'stderr'): { push(chunk: Buffer): void; end(): void };
  note(service: string, text: string): void;
  /** Calls `listener` with each later line of `service` until the returned function is called. */
  onLine(service: string, listener: (text: string) => void): () => void;
}

/** What a runner gets from its supervisor. */
export interface RunnerContext {
  clock: StackClock;
  random?: () => number;
  output: OutputSink;
  /** Called on every status change. */
  emit(status: ServiceStatus): void;
  /** Builds the process to run (env, argv, the built-in database) right before each spawn. */
  prepare(service: ResolvedService): Promise<ProcessSpec>;
  /** Resolves when every dependency's condition holds; rejects with the reason one failed. */
  waitForDependencies(service: ResolvedService, signal: AbortSignal): Promise<void>;
  /** Reports ports the service really listens on (a framework ignoring `PORT`). */
  listeningPorts?(pid: number): Promise<number[]>;
}

/** Exit code of `sh -c` when the command is not found. */
const COMMAND_NOT_FOUND = 127;
/** Wait for the last output after the process exits, ms: pipes close just after the exit. */
const OUTPUT_DRAIN_MS = 500;

const ACTIVE: ReadonlySet<ServiceState> = new Set([
  'waiting',
  'starting',
  'healthy',
  'unhealthy',
  'backoff',
  'stopping',
]);

/** States announced in the service's log with their reason. */
const NOTED: ReadonlySet<ServiceState> = new Set([
  'failed',
  'crashed',
  'backoff',
  'unhealthy',
  'exited',
]);

/** Runs one service through its lifecycle: wait for dependencies, spawn, check, restart, stop. */
export class ServiceRunner {
  readonly service: ResolvedService;
  private readonly ctx: RunnerContext;
  private current: ServiceStatus;
  private group: ProcessGroup | undefined;
  private lifecycle: Promise<void> | undefined;
  private abort = new AbortController();
  private stopRequested = false;

  constructor(service: ResolvedService, ctx: RunnerContext, port?: number) {
    this.service = service;
    this.ctx = ctx;
    this.current = { name: service.name, state: 'pending', restarts: 0 };
    if (port !== undefined) this.current.port = port;
    // A database's address is not an HTTP URL (and its URL would carry the password).
    if (port !== undefined && !service.postgres) this.current.url = `http://127.0.0.1:${port}`;
  }

  /** A copy of the current status. */
  get status(): ServiceStatus {
    return { ...this.current };
  }

  /** True while the service is waiting, running or between restarts. */
  get active(): boolean {
    return ACTIVE.has(this.current.state);
  }

  /** Starts the lifecycle unless it is already active. Resolves at once. */
  start(): void {
    if (this.active) return;
    this.stopRequested = false;
    this.abort = new AbortController();
    this.lifecycle = this.run().catch((error: Error) => {
      this.set('failed', { reason: `portier failed to supervise it: ${error.message}` });
    });
  }

  /** Stops it: one stop signal to its process group, SIGKILL after `stop_timeout`. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.abort.abort();
    const group = this.group;
    if (group?.alive()) {
      this.set('stopping');
      const { signal } = { signal: this.service.stopSignal };
      const outcome = await stopProcessGroup(group, {
        signal,
        timeoutMs: this.service.stopTimeoutMs,
      });
      if (outcome.killed)
        this.ctx.output.note(
          this.service.name,
          `still running ${this.service.stopTimeoutMs} ms after ${signal}: killed (SIGKILL)`,
        );
    }
    await this.lifecycle;
    if (this.active || this.current.state === 'pending')
      this.set('stopped', { reason: 'stopped on request' });
  }

  private set(state: ServiceState, extra: Partial<ServiceStatus> = {}): void {
    const next: ServiceStatus = { ...this.current, ...extra, state };
    if (!('reason' in extra)) delete next.reason;
    this.current = next;
    if (NOTED.has(state) && next.reason)
      this.ctx.output.note(this.service.name, `${state}: ${next.reason}`);
    this.ctx.emit(this.status);
  }

  private async run(): Promise<void> {
    this.set('waiting');
    try {
      await this.ctx.waitForDependencies(this.service, this.abort.signal);
    } catch (error) {
      if (!this.stopRequested) this.set('failed', { reason: (error as Error).message });
      return;
    }
    let quickRestarts = 0;
    while (!this.stopRequested) {
      const ended = await this.runOnce();
      if (!ended || this.stopRequested) return;
      const decision = decideRestart({
        settings: this.service.restart,
        exit: ended.exit,
        runMs: ended.runMs,
        quickRestarts,
        ...(this.ctx.random ? { random: this.ctx.random } : {}),
      });
      if (decision.action === 'stay') {
        this.set(decision.state, { reason: decision.reason });
        return;
      }
      quickRestarts = decision.attempt;
      this.set('backoff', {
        reason: `${describeExit(ended.exit)}; restarting in ${decision.delayMs} ms`,
      });
      await this.ctx.clock.sleep(decision.delayMs, this.abort.signal);
      if (this.stopRequested) return;
      this.current.restarts += 1;
    }
  }

  /** One spawn until exit. Undefined when it could not start (state is then `failed`). */
  private async runOnce() {
    let spec: ProcessSpec;
    let group: ProcessGroup;
    try {
      spec = await this.ctx.prepare(this.service);
      group = await spawnProcessGroup(spec);
    } catch (error) {
      this.set('failed', {
        reason: describeSpawnError(error as NodeJS.ErrnoException, this.service),
      });
      return undefined;
    }
    this.group = group;
    const startedAt = this.ctx.clock.now();
    this.set('starting', { pid: group.pid, startedAt, exitCode: undefined, signal: undefined });
    const drained = this.pipeOutput(group);
    const checking = watchReadiness(this.service, {
      ...this.ctx,
      pid: group.pid,
      port: this.current.port,
      env: spec.env,
      signal: this.abort.signal,
      exited: group.exited,
      onHealthy: (summary) => this.onHealthy(startedAt, summary),
      onUnhealthy: (summary) => this.set('unhealthy', { reason: summary }),
      onListening: (ports) => {
        this.current.listeningPorts = ports;
      },
    });
    const exit = await group.exited;
    // Real time, not the injected clock: this waits on pipes, not on a policy.
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      drained,
      new Promise((r) => (drainTimer = setTimeout(r, OUTPUT_DRAIN_MS))),
    ]);
    clearTimeout(drainTimer);
    await checking;
    const runMs = this.ctx.clock.now() - startedAt;
    this.current.exitCode = exit.code;
    this.current.signal = exit.signal;
    delete this.current.pid;
    if (this.stopRequested) return undefined;
    // The leader is gone; anything it left in its group would hold the port across a restart.
    if (group.alive())
      await stopProcessGroup(group, {
        signal: this.service.stopSignal,
        timeoutMs: this.service.stopTimeoutMs,
      });
    this.ctx.output.note(this.service.name, `exited with ${describeExit(exit)}`);
    if (
      exit.code === COMMAND_NOT_FOUND &&
      this.service.command?.kind === 'shell' &&
      runMs < 5_000
    ) {
      this.set('failed', { reason: `command not found: ${this.service.command.script}` });
      return undefined;
    }
    return { exit, runMs };
  }

  private onHealthy(startedAt: number, summary: string): void {
    const readyAt = this.ctx.clock.now();
    this.set('healthy', { readyAt });
    this.ctx.output.note(this.service.name, `ready after ${readyAt - startedAt} ms (${summary})`);
  }

  private pipeOutput(group: ProcessGroup): Promise<void> {
    const ends: Promise<void>[] = [];
    for (const name of ['stdout', 'stderr'] as const) {
      const source = group.child[name];
      if (!source) continue;
      const sink = this.ctx.output.stream(this.service.name, name);
      source.on('data', (chunk: Buffer) => sink.push(chunk));
      ends.push(
        new Promise((resolve) => {
          source.once('close', () => {
            sink.end();
            resolve();
          });
        }),
      );
    }
    return Promise.all(ends).then(() => {});
  }
}

/** A spawn failure as one sentence naming the service and what to fix. */
export function describeSpawnError(error: NodeJS.ErrnoException, service: ResolvedService): string {
  if (error.code === 'ENOENT' && service.command?.kind === 'argv')
    return `command not found: ${service.command.argv[0]} (service ${service.name}; check PATH or the command)`;
  if (error.code === 'ENOENT') return `cannot start in ${service.cwd}: no such directory`;
  if (error.code === 'EACCES') return `permission denied running the command of ${service.name}`;
  return error.message;
}
