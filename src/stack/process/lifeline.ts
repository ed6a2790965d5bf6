import { type ChildProcess, spawn } from 'node:child_process';

/**
 * The lifeline: one tiny `/bin/sh` watchdog per supervisor that ends the stack when the
 * supervisor ends, however it ends. Its stdin is a pipe whose only writer is the supervisor;
 * the kernel closes that pipe when the supervisor dies, even by SIGKILL, and the watchdog's
 * `read` then sees end-of-file. A process group alone cannot do this: nobody would be left to
 * signal it.
 *
 * On end-of-file the watchdog signals every process group it was last told about, plus every
 * process whose environment carries the stack's marker (grandchildren that left the group with
 * setsid still inherit the environment), waits the grace period, then SIGKILLs the same set.
 * A shell, not a second Node process: it costs ~1 MB and ~1 ms, where Node costs ~40 MB.
 */

/** Environment variable set in every service: `PORTIER_STACK=<stack id>`. */
export const STACK_MARKER_ENV = 'PORTIER_STACK';
/** Grace between the watchdog's SIGTERM and SIGKILL, in ms. */
export const LIFELINE_GRACE_MS = 1_000;

// $1: marker value, $2: grace in seconds. Each stdin line replaces the set of process groups
// ("-123 -456"). The /proc scan matches the whole NUL-separated environment entry.
const WATCHDOG_SCRIPT = `
groups=""
while IFS= read -r line; do groups="$line"; done
marked() {
  for f in $(grep -lzx "${STACK_MARKER_ENV}=$1" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; echo "\${p%/environ}"
  done
}
targets="$groups $(marked "$1")"
[ -n "$(echo $targets)" ] || exit 0
kill -TERM $targets 2>/dev/null
sleep "$2"
kill -KILL $groups $(marked "$1") 2>/dev/null
exit 0
`;

/** The watchdog of one supervisor. */
export interface Lifeline {
  /** Pid of the watchdog shell. */
  readonly pid: number | undefined;
  /** Tells the watchdog which process groups (by leader pid) to end if the supervisor dies. */
  track(groupLeaders: Iterable<number>): void;
  /**
   * Releases the watchdog after a clean shutdown: it still ends marked processes that escaped
   * (there should be none), then exits. Resolves when it has exited.
   */
  release(): Promise<void>;
}

/** Options of {@link startLifeline}. */
export interface LifelineOptions {
  /** The marker value services carry in {@link STACK_MARKER_ENV}. */
  marker: string;
  /** Grace before SIGKILL, ms. Default {@link LIFELINE_GRACE_MS}. */
  graceMs?: number;
  spawnFn?: typeof spawn;
}

/** Starts the watchdog. Nothing happens until the supervisor exits or calls `release()`. */
export function startLifeline(options: LifelineOptions): Lifeline {
  const graceS = ((options.graceMs ?? LIFELINE_GRACE_MS) / 1000).toFixed(3);
  const child: ChildProcess = (options.spawnFn ?? spawn)(
    '/bin/sh',
    ['-c', WATCHDOG_SCRIPT, 'portier-lifeline', options.marker, graceS],
    // Its own process group: Ctrl-C in the terminal must not take the watchdog down with the
    // supervisor's group. A minimal env keeps the marker out of its own environment.
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true, env: { PATH: '/usr/bin:/bin' } },
  );
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  child.unref();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    pid: child.pid,
    track(groupLeaders) {
      const line = [...groupLeaders].map((pid) => `-${pid}`).join(' ');
      child.stdin?.write(`${line}\n`);
    },
    async release() {
      child.stdin?.end('\n');
      await exited;
    },
  };
}
