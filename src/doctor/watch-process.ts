import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { parseTarget, type Target } from '../net/target.js';
import { isPidAlive } from '../ports/process-liveness.js';
import { descendantsOf, readParentMap } from '../ports/process-tree.js';
import { waitFor } from '../probes/wait.js';
import { listListeners } from '../sockets/list-listeners.js';
import { diagnose } from './diagnose.js';
import type { DiagnoseOptions } from './target-facts.js';
import type { DoctorReport, WatchedProcess } from './types.js';

/** Lines of output kept from a watched command. */
export const OUTPUT_TAIL_LINES = 40;

/** Options of {@link diagnoseWhileRunning}. */
export interface WatchOptions extends Omit<DiagnoseOptions, 'watched'> {
  /** Start this command (argv) and watch it. */
  command?: readonly string[];
  /** Or watch this running process. */
  pid?: number;
  /** How long to wait for the target to become reachable, in ms. Default 30 000. */
  waitMs?: number;
  /** Environment of the started command. Default: inherited. */
  spawnEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each line the command prints, as it prints it. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  spawn?: typeof nodeSpawn;
}

function collectLines(
  child: ChildProcess,
  tail: string[],
  onOutput: WatchOptions['onOutput'],
): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream]?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        onOutput?.(line, stream);
      }
      if (tail.length > OUTPUT_TAIL_LINES) tail.splice(0, tail.length - OUTPUT_TAIL_LINES);
    });
    child[stream]?.on('end', () => {
      if (partial) tail.push(partial);
    });
  }
}

/** TCP ports the process tree of `pid` listens on. */
async function treeListening(
  pid: number,
  options: WatchOptions,
): Promise<WatchedProcess['listening']> {
  const pids = new Set([pid, ...descendantsOf([pid], readParentMap(options.procRoot))]);
  const listeners = await listListeners({ procRoot: options.procRoot, platform: options.platform });
  return listeners
    .filter((l) => l.processes.some((p) => pids.has(p.pid)))
    .map((l) => ({ address: l.address, port: l.port }));
}

/** How often the watched tree's listeners are checked, in ms. */
const WRONG_PORT_CHECK_MS = 500;
/** How long the tree must listen only elsewhere before the wait ends early, in ms. */
const WRONG_PORT_GRACE_MS = 1_500;

/**
 * Ends the wait early when the watched process tree listens, but only on other ports, for
 * {@link WRONG_PORT_GRACE_MS}: it will not come to the target's port by itself.
 */
function watchForWrongPort(
  pid: () => number | undefined,
  port: number,
  options: WatchOptions,
  give: () => void,
): NodeJS.Timeout {
  let since: number | undefined;
  let busy = false;
  const timer = setInterval(async () => {
    const current = pid();
    if (current === undefined || busy) return;
    busy = true;
    try {
      const listening = await treeListening(current, options);
      const onlyElsewhere = listening.length > 0 && !listening.some((l) => l.port === port);
      since = onlyElsewhere ? (since ?? performance.now()) : undefined;
      if (since !== undefined && performance.now() - since >= WRONG_PORT_GRACE_MS) give();
    } catch {
      // The tree changed under the scan; the next tick looks again.
    } finally {
      busy = false;
    }
  }, WRONG_PORT_CHECK_MS);
  timer.unref();
  return timer;
}

/** Ends a started command and its process group (it was started detached, as a group leader). */
function stopChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

/**
 * Starts `command` (or watches `pid`) and waits for `target` to become reachable. If the
 * process exits first, the report says so at once with its exit code and last output lines
 * (PROCESS_EXITED); if it listens elsewhere, where (WRONG_PORT). A started command is stopped
 * (with its process group) before this resolves.
 */
export async function diagnoseWhileRunning(
  targetInput: Target | string,
  options: WatchOptions,
): Promise<DoctorReport> {
  const target = typeof targetInput === 'string' ? parseTarget(targetInput) : targetInput;
  const started = performance.now();
  const tail: string[] = [];
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  let child: ChildProcess | undefined;
  let exit: WatchedProcess['exit'];
  let pid = options.pid;
  if (options.command) {
    const [file, ...args] = options.command;
    child = (options.spawn ?? nodeSpawn)(file!, args, {
      cwd: options.cwd,
      env: options.spawnEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    pid = child.pid;
    collectLines(child, tail, options.onOutput);
    const exited = new Promise<void>((resolve) => child!.once('close', () => resolve()));
    child.once('error', (error) => {
      tail.push(`could not start: ${error.message}`);
      // A command that cannot be spawned (ENOENT) emits no 'exit': end the wait here.
      if (child!.pid === undefined && !exit) {
        exit = { code: null, signal: null, afterMs: performance.now() - started };
        stop.abort();
      }
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal, afterMs: performance.now() - started };
      // Keep the output that is still in the pipes: wait for them to close before deciding.
      void exited.then(() => stop.abort());
    });
  }
  const pollPid = options.command
    ? undefined
    : setInterval(() => {
        if (pid !== undefined && !isPidAlive(pid)) {
          exit = { code: null, signal: null, afterMs: performance.now() - started };
          stop.abort();
        }
      }, 20);
  const elsewhere = watchForWrongPort(
    () => pid,
    target.port,
    options,
    () => stop.abort(),
  );
  try {
    await waitFor([target], {
      ...options,
      timeoutMs: options.waitMs ?? 30_000,
      signal: stop.signal,
    });
    const watched: WatchedProcess = {
      pid: pid ?? -1,
      outputTail: tail,
      listening: exit || pid === undefined ? [] : await treeListening(pid, options),
    };
    if (options.command) watched.command = options.command.join(' ');
    if (exit) watched.exit = exit;
    const report = await diagnose(target, { ...options, watched });
    report.elapsedMs = Math.round((performance.now() - started) * 100) / 100;
    return report;
  } finally {
    if (pollPid) clearInterval(pollPid);
    clearInterval(elsewhere);
    if (child) stopChild(child);
  }
}
