import { randomBytes } from 'node:crypto';
import { PortierError } from '../errors.js';
import { allocatePorts } from './allocate-ports.js';
import { type StackClock, systemClock } from './clock.js';
import type { ResolvedService, ResolvedStackConfig } from './config/types.js';
import { waitForCondition } from './dependency-wait.js';
import { planStartOrder } from './graph.js';
import { listeningPortsOf } from './port-drift.js';
import { type Lifeline, startLifeline } from './process/lifeline.js';
import type { ProcessSpec } from './process/process-group.js';
import { ensureProjectDir, readRememberedPorts, rememberPorts } from './project-state.js';
import { createServicePreparer } from './service-prepare.js';
import { ServiceRunner } from './service-runner.js';
import type { StackLogs } from './stack-logs.js';
import type {
  LogLine,
  LogQuery,
  ServiceStatus,
  StackControl,
  StackEvent,
  StackPhase,
  StackStatus,
} from './types.js';

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
  logs: StackLogs;
  clock?: StackClock;
  random?: () => number;
  /** Start the no-orphans watchdog. Default true. */
  lifeline?: boolean;
  procRoot?: string;
}

/** The first service that failed, for the end-of-run summary. */
export interface FailureSummary {
  service: string;
  state: ServiceStatus['state'];
  reason: string;
  exitCode?: number | null;
  signal?: string | null;
  /** Its last lines of output. */
  lastLines: LogLine[];
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

const FAILED_STATES = new Set(['failed', 'crashed', 'exited']);
const SETTLED_STATES = new Set(['healthy', 'unhealthy', 'completed', 'stopped', ...FAILED_STATES]);
const SUMMARY_LINES = 15;

/** Creates the supervisor of one stack. Nothing starts until `start()`. */
export function createStack(options: CreateStackOptions): Stack {
  const { config, logs } = options;
  const clock = options.clock ?? systemClock;
  const listeners = new Set<(event: StackEvent) => void>();
  const marker = `${config.name}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const lifeline: Lifeline | undefined =
    options.lifeline === false ? undefined : startLifeline({ marker });
  const runners = new Map<string, ServiceRunner>();
  const byName = new Map(config.services.map((s) => [s.name, s]));
  const startedAt = clock.now();
  let phase: StackPhase = 'starting';
  let failure: FailureSummary | undefined;
  let ports: Record<string, number> | undefined;
  let portProblems: Record<string, string> = {};

  const emit = (event: StackEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {}
    }
  };
  logs.subscribe((line) => emit({ type: 'log', line }));
  const setPhase = (next: StackPhase) => {
    if (phase === next) return;
    phase = next;
    emit({ type: 'phase', phase });
  };
  const trackGroups = () =>
    lifeline?.track([...runners.values()].flatMap((r) => (r.status.pid ? [r.status.pid] : [])));

  const onStatus = (status: ServiceStatus) => {
    if (!failure && FAILED_STATES.has(status.state) && phase !== 'stopping') {
      failure = {
        service: status.name,
        state: status.state,
        reason: status.reason ?? status.state,
        ...(status.exitCode === undefined ? {} : { exitCode: status.exitCode }),
        ...(status.signal === undefined ? {} : { signal: status.signal }),
        // The service's own output: portier's notes about it are in `reason` already.
        lastLines: logs
          .tail(status.name, SUMMARY_LINES * 4)
          .filter((l) => l.stream !== 'portier')
          .slice(-SUMMARY_LINES),
      };
    }
    if (status.state === 'starting' || status.state === 'stopped' || status.state === 'backoff')
      trackGroups();
    emit({ type: 'service', status });
    updatePhase();
  };
  const updatePhase = () => {
    if (phase === 'stopping' || phase === 'stopped') return;
    const all = [...runners.values()].map((r) => r.status);
    if (all.length > 0 && all.every((s) => SETTLED_STATES.has(s.state)))
      setPhase(all.some((s) => FAILED_STATES.has(s.state)) ? 'failed' : 'running');
    else setPhase('starting');
  };

  const preparer = createServicePreparer({
    config,
    projectDir: options.projectDir,
    baseEnv: options.baseEnv ?? {},
    color: options.color ?? false,
    fresh: options.fresh ?? false,
    marker,
    portOf: (name) => ports?.[name],
    portProblem: (name) => portProblems[name],
    byName,
    runnerOf: (name) => runners.get(name),
  });

  const runnerFor = (service: ResolvedService): ServiceRunner => {
    let runner = runners.get(service.name);
    if (runner) return runner;
    runner = new ServiceRunner(
      service,
      {
        clock,
        ...(options.random ? { random: options.random } : {}),
        output: {
          stream: (name, stream) => logs.stream(name, stream),
          note: (name, text) => logs.note(name, text),
          onLine: (name, listener) =>
            logs.subscribe((line) => {
              if (line.service === name && line.stream !== 'portier') listener(line.text);
            }),
        },
        emit: onStatus,
        prepare: (s): Promise<ProcessSpec> => preparer.prepare(s),
        waitForDependencies: (s, signal) =>
          waitForCondition(s, {
            statusOf: (name) => runners.get(name)?.status,
            subscribe: (fn) => {
              const l = (e: StackEvent) => e.type === 'service' && fn(e.status);
              listeners.add(l);
              return () => listeners.delete(l);
            },
            signal,
          }),
        listeningPorts: (pid) => listeningPortsOf(pid, options.procRoot),
      },
      ports?.[service.name],
    );
    runners.set(service.name, runner);
    return runner;
  };

  const closure = (names: readonly string[] | undefined): ResolvedService[] => {
    const wanted = new Set<string>();
    const visit = (name: string) => {
      const service = byName.get(name);
      if (!service) {
        throw new PortierError('SERVICE_UNKNOWN', `No service "${name}" in ${config.file}.`, {
          service: name,
          hint: `Services: ${[...byName.keys()].join(', ')}.`,
        });
      }
      if (wanted.has(name)) return;
      wanted.add(name);
      for (const dep of Object.keys(service.dependsOn)) visit(dep);
    };
    for (const name of names ?? [...byName.keys()]) visit(name);
    return config.services.filter((s) => wanted.has(s.name));
  };

  const ensurePorts = async () => {
    if (ports) return;
    ensureProjectDir(options.projectDir);
    const remembered = readRememberedPorts(options.projectDir);
    const allocation = await allocatePorts(config.services, {
      project: config.name,
      stateDir: options.stateDir,
      remembered,
      ...(options.procRoot ? { procRoot: options.procRoot } : {}),
    });
    ports = allocation.ports;
    portProblems = allocation.problems;
    rememberPorts(options.projectDir, { ...remembered, ...ports });
  };

  const stopServices = async (services: readonly ResolvedService[]) => {
    // Reverse start order: dependents stop before what they depend on.
    const waves = planStartOrder(services).reverse();
    for (const wave of waves)
      await Promise.all(wave.map((name) => runners.get(name)?.stop() ?? Promise.resolve()));
  };

  const stack: Stack = {
    config,
    async start(names) {
      const services = closure(names);
      await ensurePorts();
      if (phase === 'stopped' || phase === 'stopping') return;
      setPhase('starting');
      // Dependencies first, so a dependent never sees one still `stopped` from a previous run.
      const order = planStartOrder(services).flat();
      for (const name of order) runnerFor(byName.get(name) as ResolvedService).start();
    },
    async stop(names) {
      const services = names
        ? config.services.filter((s) => names.includes(s.name))
        : config.services;
      if (names) closure(names);
      await stopServices(services);
      updatePhase();
    },
    async restart(name) {
      const [service] = closure([name]).filter((s) => s.name === name);
      const runner = runnerFor(service as ResolvedService);
      await runner.stop();
      await ensurePorts();
      runner.start();
    },
    async status(): Promise<StackStatus> {
      return {
        project: config.name,
        root: config.root,
        file: config.file,
        phase,
        pid: process.pid,
        startedAt,
        services: config.services.map(
          (s) =>
            runners.get(s.name)?.status ?? {
              name: s.name,
              state: 'pending',
              restarts: 0,
              ...(ports?.[s.name] === undefined ? {} : { port: ports[s.name] }),
            },
        ),
      };
    },
    async logs(query: LogQuery = {}) {
      return logs.query(query);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settled(names) {
      const wanted = names ?? [...runners.keys()];
      const done = () =>
        wanted.map((n) => runners.get(n)?.status).filter((s): s is ServiceStatus => !!s);
      const isSettled = () => done().every((s) => SETTLED_STATES.has(s.state));
      if (isSettled()) return done();
      return new Promise((resolve) => {
        const l = () => {
          if (!isSettled()) return;
          listeners.delete(l);
          resolve(done());
        };
        listeners.add(l);
      });
    },
    firstFailure: () => failure,
    async close() {
      setPhase('stopping');
      await stopServices(config.services);
      setPhase('stopped');
      await lifeline?.release();
    },
  };
  return stack;
}
