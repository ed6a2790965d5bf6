import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { readableCopy } from './readable-copy.js';

/** The built CLI entry, as a user runs it. `npm test` builds first. */
export const CLI = fileURLToPath(new URL('../../bin/portier.cjs', import.meta.url));

/** Output and status of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `portier` with `args` and resolves when it exits. `wrapper` runs it through
 * another command (`setpriv …`); `nodeArgs` go to Node before the script (`-r probe.cjs`).
 */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    wrapper?: string[];
    nodeArgs?: string[];
    timeoutMs?: number;
  } = {},
): Promise<CliRun> {
  // Another user may not be able to read the checkout; it runs a world-readable copy.
  const cli = options.wrapper?.length ? join(readableCopy(), 'bin/portier.cjs') : CLI;
  const argv = [
    ...(options.wrapper ?? []),
    process.execPath,
    ...(options.nodeArgs ?? []),
    cli,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The bundled CLI that `bin/portier.cjs` loads; present only after `npm run build`. */
export const BUILT_CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

/** Throws with the fix when the CLI has not been built (`npm test` builds it first). */
export function assertCliBuilt(): void {
  if (!existsSync(BUILT_CLI)) {
    throw new Error(
      `${BUILT_CLI} is missing: run \`npm run build\` before the CLI tests (\`npm test\` does it for you).`,
    );
  }
}

/** A `portier` process that keeps running (`ls --watch`), read line by line. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far. */
  lines: string[];
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line (past or future) matching `match`; rejects after `timeoutMs`. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit status; rejects after `timeoutMs`. */
  exit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built `portier` with `args` without waiting for it; killed by pid when the test ends. */
export function startCli(
  args: string[],
  options: { env?: Record<string, string> } = {},
): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    child.stdout.emit('lines');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const withDeadline = <T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${stderr}`),
          ),
        timeoutMs,
      );
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  };
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs = 10_000) {
      const found = new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = lines.find(match);
          if (line === undefined) return false;
          child.stdout.off('lines', check);
          child.off('close', gone);
          resolve(line);
          return true;
        };
        const gone = () => {
          if (!check())
            reject(new Error(`portier exited before printing the line; stderr: ${stderr}`));
        };
        if (check()) return;
        child.stdout.on('lines', check);
        child.once('close', gone);
      });
      return withDeadline(found, timeoutMs, `a matching line from portier ${args.join(' ')}`);
    },
    exit(timeoutMs = 10_000) {
      return withDeadline(
        exited.then(([code, signal]) => ({ code, signal })),
        timeoutMs,
        `portier ${args.join(' ')} to exit`,
      );
    },
  };
}
