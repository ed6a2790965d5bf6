// Starting and stopping one server under test: a free port, a tracked child whose stdout goes
// to /dev/null, and a stop by pid that also ends every process the server started itself.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isRunning, spawnTracked } from '../children.mjs';
import { readProcessTable, treeOf } from './proc-tree.mjs';

/** How long a server gets to exit after SIGTERM before SIGKILL, in ms. */
const STOP_GRACE_MS = 5_000;
/** How much of a server's stderr is kept for error messages, in characters. */
const STDERR_TAIL_CHARS = 2_000;

/** A port free on 127.0.0.1 now (bound on port 0, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns the launch of a contender (`{ command, args, env, files }`; `files` are written
 * first). stdout goes to /dev/null: a server that logs still formats and writes every line,
 * as it would to a terminal, but nobody has to read them. stderr's tail is kept.
 */
export function startServerProcess(launch) {
  for (const [path, text] of Object.entries(launch.files ?? {})) writeFileSync(path, text);
  const env = { ...process.env, ...launch.env };
  // sirv-cli reads PORT and HOST from the environment before its flags.
  delete env.PORT;
  delete env.HOST;
  const child = spawnTracked(launch.command, launch.args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
    cwd: launch.cwd,
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  let exit;
  child.once('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.once('error', (error) => {
    exit = `spawn error: ${error.message}`;
  });
  return {
    pid: child.pid,
    child,
    /** Why it has exited, or undefined while it runs. */
    exited: () => (exit ? `${exit}${stderr ? `; stderr: ${stderr.trim()}` : ''}` : undefined),
    stderr: () => stderr,
  };
}

function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Stops a started server by pid: SIGTERM, SIGKILL after {@link STOP_GRACE_MS}, then SIGKILL
 * to any of its descendants (e.g. nginx workers) that outlived it. Resolves with the pids
 * that had to be killed, for the report.
 */
export async function stopServerProcess(server) {
  const family = treeOf(readProcessTable(), server.pid).filter((p) => p !== server.pid);
  const killed = [];
  try {
    process.kill(server.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  if (!(await waitExit(server.child, STOP_GRACE_MS))) {
    killed.push(server.pid);
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {}
    await waitExit(server.child, STOP_GRACE_MS);
  }
  const deadline = performance.now() + STOP_GRACE_MS;
  while (family.some(isRunning) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const pid of family.filter(isRunning)) {
    killed.push(pid);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return killed;
}
