import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI entry, as a user runs it. `npm test` builds first. */
export const CLI = fileURLToPath(new URL('../../bin/portier.cjs', import.meta.url));

/** Output and status of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `portier` with `args` and resolves when it exits. */
export function runCli(args: string[], options: { env?: Record<string, string>; wrapper?: string[]; timeoutMs?: number } = {}): Promise<CliRun> {
  const argv = [...(options.wrapper ?? []), process.execPath, CLI, ...args];
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
