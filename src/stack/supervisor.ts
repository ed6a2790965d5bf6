import { randomBytes } from 'node:crypto';
import { allocatePorts } from './allocate-ports.js';
import { type StackClock, systemClock } from './clock.js';
import type { ResolvedService, ResolvedStackConfig } from './config/types.js';
import { waitForCondition } from './dependency-wait.js';
import { createEventBus } from './event-bus.js';
import { type FailureSummary, summariseFailure } from './failure-summary.js';
import { planStartOrder } from './graph.js';
import type { LogHub } from './logs/index.js';
import { listeningPortsOf } from './port-drift.js';
import { type Lifeline, startLifeline } from './process/lifeline.js';
import { ensureProjectDir, readRememberedPorts, rememberPorts } from './project-state.js';
import { serviceClosure } from './service-closure.js';
import { createServicePreparer, type ServicePreparer } from './service-prepare.js';
import { type RunnerContext, ServiceRunner } from './service-runner.js';
import { FAILED_STATES, SETTLED_STATES } from './service-states.js';
import type {
  LogQuery,
  ServiceStatus,
  StackControl,
  StackEvent,
  StackPhase,
  StackStatus,
} from './types.js';

export type { FailureSummary } from './failure-summary.js';

/** Options of {@link createStack}. */
export interface CreateStackOptions {
  config: ResolvedStackConfig;
  /** Global state dir (lease ledger). */
  stateDir: string;
  /** This project's dir (ports, logs, database data). */
  projectDir: string;
  /** The environment services start from (the CLI passes process.env). Default `{}`. */
  baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Children may colour their output (`FORCE_COLOR=1`). Default false. */
  color?: boolean;
  /** Wipe built-in database data before starting. Default false. */
  fresh?: boolean;
  /** Where service output goes (the log hub). */
  logs: LogHub;
  clock?: StackClock;
  random?: () => number;
  /** The front door's port, when services are routed through it (PORTIER_URL is then named). */
  doorPort?: number;
  /** Start the no-orphans watchdog. Default true. */
  lifeline?: boolean;
  procRoot?: string;
}

/** A stack supervised in this process. */
export interface Stack extends StackControl {
  readonly config: ResolvedStackConfig;
  /** Resolves once each named service (default all started) is settled: ready, done or failed. */
  settled(services?: readonly string[]): Promise<ServiceStatus[]>;
  /** The first failure since the stack started, if any. */
  firstFailure(): FailureSummary | undefined;
  /** Stops everything and releases the watchdog; the stack cannot be used after. */
  close(): Promise<void>;
}

/** The supervisor: one {@link ServiceRunner} per service, ordered by `depends_on`. */
class StackSupervisor implements Stack {
  readonly config: ResolvedStackConfig;
  private readonly options: CreateStackOptions;
  private readonly bus = createEventBus<StackEvent>();
  private readonly runners = new Map<string, ServiceRunner>();
  private readonly lifeline: Lifeline | undefined;
  private readonly preparer: ServicePreparer;
  private readonly runnerContext: RunnerContext;
  private readonly startedAt: number;
  private phase: StackPhase = 'starting';
  private failure: FailureSummary | undefined;
  private ports: Record<string, number> | undefined;
  private portProblems: Record<string, string> = {};

  constructor(options: CreateStackOptions) {
    this.options = options;
    this.config = options.config;
    const clock = options.clock ?? systemClock;
    this.startedAt = clock.now();
    const marker = `${this.config.name}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.lifeline = options.lifeline === false ? undefined : startLifeline({ marker });
    options.logs.subscribe((line) => this.bus.emit({ type: 'log', line }));
    this.preparer = createServicePreparer({
      config: this.config,
      projectDir: options.projectDir,
      baseEnv: options.baseEnv ?? {},
      color: options.color ?? false,
      fresh: options.fresh ?? false,
      ...(options.doorPort === undefined ? {} : { doorPort: options.doorPort }),
      marker,
      portOf: (name) => this.ports?.[name],
      portProblem: (name) => this.portProblems[name],
      byName: new Map(this.config.services.map((s) => [s.name, s])),
    });
    this.runnerContext = this.createRunnerContext(clock);
  }

  private createRunnerContext(clock: StackClock): RunnerContext {
    const { logs, random, procRoot } = this.options;
    return {
      clock,
      ...(random ? { random } : {}),
      output: {
        stream: (name, stream) => logs.stream(name, stream),
        note: (name, text) => logs.note(name, text),
        onLine: (name, listener) =>
          logs.subscribe((line) => {
            if (line.service === name && line.stream !== 'portier') listener(line.text);
          }),
      },
      emit: (status) => this.onStatus(status),
      prepare: (service) => this.preparer.prepare(service),
      waitForDependencies: (service, signal) =>
        waitForCondition(service, {
          statusOf: (name) => this.runners.get(name)?.status,
          subscribe: (fn) => this.bus.subscribe((e) => e.type === 'service' && fn(e.status)),
          signal,
        }),
      listeningPorts: (pid) => listeningPortsOf(pid, procRoot),
    };
  }

  private onStatus(status: ServiceStatus): void {
    if (!this.failure && FAILED_STATES.has(status.state) && this.phase !== 'stopping')
      this.failure = summariseFailure(status, this.options.logs);
    // The watchdog always knows the current process groups, whatever changed.
    this.lifeline?.track([...this.runners.values()].flatMap((r) => r.status.pid ?? []));
    this.bus.emit({ type: 'service', status });
    this.updatePhase();
  }

  private setPhase(next: StackPhase): void {
    if (this.phase === next) return;
    this.phase = next;
    this.bus.emit({ type: 'phase', phase: next });
  }

  private updatePhase(): void {
    if (this.phase === 'stopping' || this.phase === 'stopped') return;
    const all = [...this.runners.values()].map((r) => r.status);
    if (all.length > 0 && all.every((s) => SETTLED_STATES.has(s.state)))
      this.setPhase(all.some((s) => FAILED_STATES.has(s.state)) ? 'failed' : 'running');
    else this.setPhase('starting');
  }

  private runnerFor(service: ResolvedService): ServiceRunner {
    let runner = this.runners.get(service.name);
    if (!runner) {
      runner = new ServiceRunner(service, this.runnerContext, this.ports?.[service.name]);
      this.runners.set(service.name, runner);
    }
    return runner;
  }

  private async ensurePorts(): Promise<void> {
    if (this.ports) return;
    const { projectDir, stateDir, procRoot } = this.options;
    ensureProjectDir(projectDir);
    const remembered = readRememberedPorts(projectDir);
    const allocation = await allocatePorts(this.config.services, {
      project: this.config.name,
      stateDir,
      remembered,
      ...(procRoot ? { procRoot } : {}),
    });
    this.ports = allocation.ports;
    this.portProblems = allocation.problems;
    rememberPorts(projectDir, { ...remembered, ...this.ports });
  }

  /** Stops in reverse start order: dependents before what they depend on. */
  private async stopServices(services: readonly ResolvedService[]): Promise<void> {
    for (const wave of planStartOrder(services).reverse())
      await Promise.all(wave.map((name) => this.runners.get(name)?.stop()));
  }

  async start(names?: readonly string[]): Promise<void> {
    const services = serviceClosure(this.config, names);
    await this.ensurePorts();
    if (this.phase === 'stopped' || this.phase === 'stopping') return;
    this.setPhase('starting');
    // Dependencies first, so a dependent never sees one still `stopped` from a previous run.
    const byName = new Map(services.map((s) => [s.name, s]));
    for (const name of planStartOrder(services).flat())
      this.runnerFor(byName.get(name) as ResolvedService).start();
  }

  async stop(names?: readonly string[]): Promise<void> {
    if (names) serviceClosure(this.config, names);
    const services = names
      ? this.config.services.filter((s) => names.includes(s.name))
      : this.config.services;
    await this.stopServices(services);
    this.updatePhase();
  }

  async restart(name: string): Promise<void> {
    const service = serviceClosure(this.config, [name]).find((s) => s.name === name);
    const runner = this.runnerFor(service as ResolvedService);
    await runner.stop();
    await this.ensurePorts();
    runner.start();
  }

  async status(): Promise<StackStatus> {
    const pending = (s: ResolvedService): ServiceStatus => {
      const port = this.ports?.[s.name];
      return {
        name: s.name,
        state: 'pending',
        restarts: 0,
        ...(port === undefined ? {} : { port }),
      };
    };
    return {
      project: this.config.name,
      root: this.config.root,
      file: this.config.file,
      phase: this.phase,
      pid: process.pid,
      startedAt: this.startedAt,
      services: this.config.services.map((s) => this.runners.get(s.name)?.status ?? pending(s)),
    };
  }

  async logs(query: LogQuery = {}) {
    return this.options.logs.query(query);
  }

  subscribe(listener: (event: StackEvent) => void): () => void {
    return this.bus.subscribe(listener);
  }

  settled(names?: readonly string[]): Promise<ServiceStatus[]> {
    const wanted = names ?? [...this.runners.keys()];
    const current = () => wanted.flatMap((n) => this.runners.get(n)?.status ?? []);
    const isSettled = () => current().every((s) => SETTLED_STATES.has(s.state));
    if (isSettled()) return Promise.resolve(current());
    return new Promise((resolve) => {
      const off = this.bus.subscribe(() => {
        if (!isSettled()) return;
        off();
        resolve(current());
      });
    });
  }

  firstFailure(): FailureSummary | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    this.setPhase('stopping');
    await this.stopServices(this.config.services);
    this.setPhase('stopped');
    await this.lifeline?.release();
  }
}

/** Creates the supervisor of one stack. Nothing starts until `start()`. */
export function createStack(options: CreateStackOptions): Stack {
  return new StackSupervisor(options);
}
