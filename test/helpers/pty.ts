import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { CLI } from './cli.js';
import { killQuietly } from './fixtures.js';

/**
 * The built `portier` on a pseudo-terminal, through script(1): it then draws its progress line
 * ("waiting for 127.0.0.1:5173: … (attempt 3)"), which a test can wait on as the sign that the
 * command is in its loop, instead of sleeping.
 */

/** Absolute path of script(1), or undefined when it is not installed. */
export const SCRIPT = (() => {
  const found = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

/** Why a pseudo-terminal cannot be had here, or undefined when it can. */
export function ptySkipReason(): string | undefined {
  if (process.platform !== 'linux')
    return `script(1) options differ off Linux (this is ${process.platform})`;
  return SCRIPT ? undefined : 'script(1) is not installed (Debian package bsdutils)';
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** A `portier` run on a pseudo-terminal. */
export interface PtyCli {
  /** Everything the terminal showed so far (stdout and stderr together). */
  output(): string;
  /** Resolves with the output once it matches `pattern`; rejects after `timeoutMs` or at exit. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with portier's exit status (script -e passes it on); rejects after `timeoutMs`. */
  exit(timeoutMs?: number): Promise<number | null>;
}

/** Child pids of `pid` (Linux /proc), to end the command that script(1) started. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Starts `portier …args` on a pseudo-terminal; it and its child are killed by pid when the test ends. */
export function startCliInPty(
  args: string[],
  options: { env?: Record<string, string> } = {},
): PtyCli {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const child = spawn(SCRIPT!, ['-q', '-e', '-c', command, '/dev/null'], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    // stdin stays an open pipe: script(1) ends its session when its input reaches EOF.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    for (const pid of childrenOf(child.pid!)) killQuietly(pid);
    killQuietly(child.pid);
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    child.stdout.emit('grew');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    child.stdout.emit('grew');
  });
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const deadline = <T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; output: ${output}`),
          ),
        timeoutMs,
      );
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  };
  return {
    output: () => output,
    waitForOutput(pattern, timeoutMs = 10_000) {
      const found = new Promise<string>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return false;
          child.stdout.off('grew', check);
          child.off('close', gone);
          resolve(output);
          return true;
        };
        const gone = () => {
          if (!check())
            reject(new Error(`portier exited before printing ${pattern}; output: ${output}`));
        };
        if (check()) return;
        child.stdout.on('grew', check);
        child.once('close', gone);
      });
      return deadline(found, timeoutMs, `${pattern} from portier ${args.join(' ')}`);
    },
    exit(timeoutMs = 10_000) {
      return deadline(
        closed.then(([code]) => code),
        timeoutMs,
        `portier ${args.join(' ')} to exit`,
      );
    },
  };
}
