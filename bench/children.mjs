// Every process the bench starts goes through here, so the bench can stop exactly those — by
// pid, never by name — however it ends.
import { spawn } from 'node:child_process';

const started = new Map();

/** True while `pid` exists (a zombie counts as existing until it is reaped). */
export function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Spawns `node script ...args` with piped stdio and resolves with the child and its first
 * stdout line parsed as JSON, which every bench fixture prints when it is ready.
 */
export function startNodeChild(script, args = [], { readyTimeoutMs = 30_000 } = {}) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  started.set(child.pid, child);
  child.once('exit', () => started.delete(child.pid));
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      stopChild(child.pid);
      reject(new Error(`${script} did not report ready within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before it was ready (code ${code}, signal ${signal})`));
    });
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ child, ready: JSON.parse(text.slice(0, newline)) });
    });
  });
}

/**
 * Spawns any command (no shell) and tracks it like {@link startNodeChild}, so the bench stops
 * it however it ends. The caller handles its stdio.
 */
export function spawnTracked(command, args = [], options = {}) {
  const child = spawn(command, args, options);
  started.set(child.pid, child);
  child.once('exit', () => started.delete(child.pid));
  return child;
}

/**
 * Runs a command to its end, tracked, and resolves with its exit code and output; past
 * `timeoutMs` it is killed and the promise rejects, so no bench step waits on a hung tool.
 */
export function runTracked(command, args, { env, timeoutMs }) {
  const child = spawnTracked(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopChild(child.pid, 'SIGKILL');
      reject(new Error(`\`${[command, ...args].join(' ')}\` took over ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Sends SIGTERM to one started child (by pid) if it still runs. */
export function stopChild(pid, signal = 'SIGTERM') {
  const child = started.get(pid);
  if (!child) return;
  child.stdin?.end();
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops every child still running and waits (up to `timeoutMs`) for each to exit. */
export async function stopAllChildren(timeoutMs = 5_000) {
  const waits = [...started.values()].map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {}
          resolve();
        }, timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        stopChild(child.pid);
      }),
  );
  await Promise.all(waits);
}

/** Pids of the children still tracked (for the leak check at the end). */
export function runningChildren() {
  return [...started.keys()].filter(isRunning);
}
