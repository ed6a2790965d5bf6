import type { StackClock } from './clock.js';
import type { ResolvedService } from './config/types.js';
import type { ProcessExit } from './process/process-group.js';
import { describeCheck, runCheck } from './readiness.js';

/** Without readiness after this long, look at which ports the service really listens on, ms. */
export const PORT_DRIFT_AFTER_MS = 2_000;

/**
 * While nothing listens yet, checks repeat sooner than `period`: a refused loopback connect
 * costs microseconds, and a dependent's start waits on this. Pauses double from this up to
 * {@link DOWN_RECHECK_MAX_MS}, ms.
 */
export const DOWN_RECHECK_FIRST_MS = 5;
/** The longest pause between checks while nothing listens, ms (or the period, if shorter). */
export const DOWN_RECHECK_MAX_MS = 50;

/**
 * Once healthy, a service is checked again this often (or at its period, if longer), ms:
 * often enough to notice a hang, rarely enough not to fill its access log with probes.
 */
export const HEALTHY_RECHECK_MS = 10_000;

/** What {@link watchReadiness} reports to. */
export interface ReadinessWatch {
  clock: StackClock;
  pid: number;
  port: number | undefined;
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  exited: Promise<ProcessExit>;
  output: {
    note(service: string, text: string): void;
    onLine(service: string, listener: (text: string) => void): () => void;
  };
  onHealthy(summary: string): void;
  onUnhealthy(summary: string): void;
  onListening(ports: number[]): void;
  listeningPorts?(pid: number): Promise<number[]>;
}

/**
 * Checks a started service until it exits or the watch is aborted: healthy after
 * `successThreshold` passes in a row, unhealthy after `failureThreshold` failures in a row once
 * healthy, healthy again on the next pass. Without a check the service is healthy at once.
 * Also catches a service that ignores `PORT`: its real ports are noted when it is not ready
 * after {@link PORT_DRIFT_AFTER_MS}, and once ready when its check did not probe PORT itself
 * (`log`, `exec`, or no check).
 */
export async function watchReadiness(service: ResolvedService, w: ReadinessWatch): Promise<void> {
  const stop = new AbortController();
  const abortStop = () => stop.abort();
  w.signal.addEventListener('abort', abortStop, { once: true });
  void w.exited.then(abortStop);
  let matched = false;
  const ready = service.ready;
  const unsubscribe =
    ready?.kind === 'log'
      ? w.output.onLine(service.name, (text) => {
          if (ready.pattern.test(text)) matched = true;
        })
      : () => {};
  try {
    await checkLoop(service, w, stop.signal, () => matched);
  } finally {
    unsubscribe();
    w.signal.removeEventListener('abort', abortStop);
  }
}

async function checkLoop(
  service: ResolvedService,
  w: ReadinessWatch,
  signal: AbortSignal,
  logMatched: () => boolean,
): Promise<void> {
  const started = w.clock.now();
  let driftChecked = false;
  const checkDrift = async (ready: boolean) => {
    if (driftChecked || !w.listeningPorts) return;
    driftChecked = true;
    const ports = await w.listeningPorts(w.pid).catch((): number[] => []);
    if (signal.aborted) return;
    w.onListening(ports);
    if (w.port !== undefined && ports.length > 0 && !ports.includes(w.port))
      w.output.note(
        service.name,
        `listens on ${ports.join(', ')}, not on its PORT ${w.port}: it ignores PORT; pass the port to it (e.g. \`--port $PORT\`)`,
      );
    else if (!ready && w.port !== undefined && ports.length === 0)
      w.output.note(service.name, `not listening on any port yet (PORT is ${w.port})`);
  };
  const check = service.ready;
  if (!check) {
    w.onHealthy('started; no readiness check');
    if (w.port === undefined) return;
    await w.clock.sleep(PORT_DRIFT_AFTER_MS, signal);
    if (!signal.aborted) await checkDrift(true);
    return;
  }
  const timing = service.probe;
  await w.clock.sleep(timing.initialDelayMs, signal);
  let healthy = false;
  let passes = 0;
  let failures = 0;
  let downPause = DOWN_RECHECK_FIRST_MS;
  while (!signal.aborted) {
    const result = await runCheck(check, {
      ...(w.port === undefined ? {} : { port: w.port }),
      cwd: service.cwd,
      env: w.env,
      timeoutMs: timing.timeoutMs,
      logMatched,
    });
    if (signal.aborted) return;
    if (result.ok) {
      failures = 0;
      passes += 1;
      if (!healthy && passes >= timing.successThreshold) {
        healthy = true;
        w.onHealthy(`${describeCheck(check)}: ${result.summary}`);
        if (check.kind === 'log') return void (await checkDrift(true));
        // A check that passed on PORT proves the service listens there: no socket scan, which
        // reads every process's fds and costs more than the rest of a start.
        if (check.kind === 'exec') void checkDrift(true);
      }
    } else {
      passes = 0;
      if (healthy && ++failures >= timing.failureThreshold) {
        healthy = false;
        w.onUnhealthy(`${describeCheck(check)} failed ${failures} times: ${result.summary}`);
      }
      if (!healthy && w.clock.now() - started >= PORT_DRIFT_AFTER_MS) void checkDrift(false);
    }
    const quick = !healthy && result.down === true;
    const pause = healthy ? Math.max(timing.periodMs, HEALTHY_RECHECK_MS) : timing.periodMs;
    await w.clock.sleep(quick ? Math.min(downPause, timing.periodMs) : pause, signal);
    downPause = quick ? Math.min(downPause * 2, DOWN_RECHECK_MAX_MS) : DOWN_RECHECK_FIRST_MS;
  }
}
