// Runs one command of the stack bench as a tracked child (so the bench stops it however it
// ends) and reports when it exits or when a line of its stdout matches.
import { spawnTracked, stopChild } from '../children.mjs';

/** Output kept per stream: enough for `ps --json` of the stack, bounded for chatty services. */
const TAIL_CHARS = 256 * 1024;

/** Epoch ms with sub-ms precision, comparable with the supervisor's `Date.now()` stamps. */
export const epochNow = () => performance.timeOrigin + performance.now();

/** Spawns `node script ...args` with piped stdout and stderr, keeping the last output. */
export function startNode(script, args, { cwd, env }) {
  const child = spawnTracked(process.execPath, [script, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  for (const name of ['stdout', 'stderr'])
    child[name].on('data', (chunk) => {
      out[name] = (out[name] + chunk).slice(-TAIL_CHARS);
    });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() }));
  });
  return { child, out, exited };
}

/** Resolves after `ms` with `value`; `cancel()` stops the timer. */
function timer(ms, value) {
  let id;
  const promise = new Promise((resolve) => {
    id = setTimeout(() => resolve(value), ms);
  });
  return { promise, cancel: () => clearTimeout(id) };
}

/** Waits for `started` to exit, up to `timeoutMs`: `{ code, signal, atMs }` or `{ timedOut }`. */
export async function waitExit(started, timeoutMs) {
  const limit = timer(timeoutMs, { timedOut: true });
  const result = await Promise.race([started.exited, limit.promise]);
  limit.cancel();
  if (result.timedOut) stopChild(started.child.pid);
  return result;
}

/**
 * Resolves with `performance.now()` when a stdout line of `started` matches `pattern`, or
 * `{ error }` when it exits first or `timeoutMs` passes.
 */
export function waitForLine(started, pattern, timeoutMs) {
  return new Promise((resolve) => {
    let text = '';
    const limit = timer(timeoutMs, undefined);
    const done = (value) => {
      limit.cancel();
      started.child.stdout.off('data', onData);
      resolve(value);
    };
    const onData = (chunk) => {
      const at = performance.now();
      text += chunk;
      if (pattern.test(text)) done({ atMs: at, text });
      else text = text.slice(text.lastIndexOf('\n') + 1);
    };
    started.child.stdout.on('data', onData);
    limit.promise.then(() => done({ error: `no line matching ${pattern} in ${timeoutMs} ms` }));
    started.exited.then(({ code, signal }) =>
      done({ error: `exited (code ${code}, signal ${signal}) before ${pattern}` }),
    );
  });
}

/** Runs `node script ...args` to its end: `{ code, signal, ms, stdout, stderr }` or throws. */
export async function runNode(script, args, { cwd, env, timeoutMs = 30_000 }) {
  const startMs = performance.now();
  const started = startNode(script, args, { cwd, env });
  const result = await waitExit(started, timeoutMs);
  if (result.timedOut) throw new Error(`${args[0]} did not exit within ${timeoutMs} ms`);
  return { ...result, ms: result.atMs - startMs, ...started.out };
}
