// The port waiters the wait case compares, and how to run one: as a child process that polls
// 127.0.0.1:<port> until it can connect (portier's `wait` CLI, the wait-on and wait-port CLIs),
// or in this process (portier's `waitFor()`). Each run exposes when it ended and how.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnTracked, stopChild } from './children.mjs';

const require = createRequire(import.meta.url);
const WAIT_PORT_FAST = new URL('./fixtures/wait-port-fast.cjs', import.meta.url).pathname;
/** Output kept per waiter, for error messages. */
const MAX_OUTPUT_CHARS = 4_096;

/** Wall-clock ms with sub-ms precision, comparable across processes on one machine. */
export const wallNow = () => performance.timeOrigin + performance.now();

/** The script a package names as its `name` binary, run with this Node (not the PATH's). */
function binScript(pkg, name = pkg) {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]);
}

/**
 * The contenders. `argv(port)` builds a child's command line; `inProcess` runs `waitFor()`
 * here. `settings` says which knobs are set; `readyLine` matches the line a waiter prints when
 * it is ready (to split detection from process exit), when it prints one. `cpuOnly` waiters
 * are measured for CPU only: the peers slowed to portier's 10 ms pace, to compare the cost of
 * one attempt.
 */
export function createWaiters(root) {
  const node = process.execPath;
  const waitOn = binScript('wait-on');
  const waitPort = binScript('wait-port');
  const host = (port) => `127.0.0.1:${port}`;
  return [
    {
      name: 'portier wait',
      settings: 'defaults: pause 2 ms doubling to 10 ms while loopback refuses',
      argv: (port) => [node, join(root, 'bin/portier.cjs'), 'wait', host(port), '--timeout', '10s'],
      readyLine: /ready after/,
    },
    {
      name: 'portier wait --interval 5ms',
      settings: 'pauses capped at 5 ms instead of 10 ms',
      argv: (port) => [
        node,
        join(root, 'bin/portier.cjs'),
        'wait',
        host(port),
        '--timeout',
        '10s',
        '--interval',
        '5ms',
      ],
      readyLine: /ready after/,
    },
    {
      name: 'wait-on',
      settings: 'defaults: --interval 250, --tcpTimeout 300',
      argv: (port) => [node, waitOn, `tcp:${host(port)}`],
    },
    {
      name: 'wait-port',
      settings: 'defaults: interval 1000 ms, dots output',
      argv: (port) => [node, waitPort, host(port)],
    },
    {
      name: 'wait-on --interval 1',
      settings: 'fastest: 1 ms interval (0 is the same 1 ms timer in Node)',
      argv: (port) => [node, waitOn, '--interval', '1', `tcp:${host(port)}`],
    },
    {
      name: 'wait-port interval 1',
      settings: 'fastest: library with interval 1, silent (the CLI has no interval flag)',
      argv: (port) => [node, WAIT_PORT_FAST, String(port)],
    },
    {
      name: 'wait-on --interval 10',
      settings: "10 ms interval: portier's pace while loopback refuses",
      argv: (port) => [node, waitOn, '--interval', '10', `tcp:${host(port)}`],
      cpuOnly: true,
    },
    {
      name: 'wait-port interval 10',
      settings: "library with interval 10, silent: portier's pace while loopback refuses",
      argv: (port) => [node, WAIT_PORT_FAST, String(port), '10'],
      cpuOnly: true,
    },
    {
      name: 'waitFor() in process',
      settings: "portier's library in the bench process, defaults",
      inProcess: true,
    },
  ];
}

/**
 * Starts `waiter` polling 127.0.0.1:`port`. Returns `{pid?, ended(), end, readyAt(), stop(),
 * output()}`: `end` resolves with `{at, code}` (wall-clock ms when the bench saw it end).
 */
export function startWaiter(waiter, { lib, port, cwd, onAttempt, timeoutMs = 60_000 }) {
  if (waiter.inProcess) return startInProcess(lib, port, onAttempt, timeoutMs);
  const [command, ...args] = waiter.argv(port);
  const child = spawnTracked(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let readyAt;
  const collect = (chunk) => {
    if (readyAt === undefined && waiter.readyLine?.test(chunk)) readyAt = wallNow();
    if (output.length < MAX_OUTPUT_CHARS) output += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  const end = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ at: wallNow(), code, signal })),
  );
  return {
    pid: child.pid,
    ended: () => child.exitCode !== null || child.signalCode !== null,
    end,
    readyAt: () => readyAt,
    stop: () => stopChild(child.pid),
    output: () => output.trim(),
  };
}

function startInProcess(lib, port, onAttempt, timeoutMs) {
  const controller = new AbortController();
  let ended = false;
  const end = lib
    .waitFor([`127.0.0.1:${port}`], { timeoutMs, signal: controller.signal, onAttempt })
    .then((result) => ({ at: wallNow(), code: result.ok ? 0 : 1 }))
    .finally(() => {
      ended = true;
    });
  return {
    ended: () => ended,
    end,
    readyAt: () => undefined,
    stop: () => controller.abort(),
    output: () => '',
  };
}

/** CPU time (user + system) of `pid` so far, in clock ticks, from /proc/<pid>/stat. */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // utime and stime are fields 14 and 15; the command name (field 2) may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
