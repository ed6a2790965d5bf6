import { spawn } from 'node:child_process';

/** Keep at most this much of each output stream, in characters (the tail matters most). */
const MAX_OUTPUT_CHARS = 256 * 1024;

/** How a helper program (initdb, `postgres --single`, `postgres --version`) ended. */
export interface ProgramResult {
  /** Exit code, or null when it died by a signal or did not start. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when it could not be started (ENOENT, EACCES) or timed out. */
  error?: Error;
}

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /** Run as this user (needs root). */
  uid?: number;
  gid?: number;
  /** The complete environment. */
  env: Readonly<Record<string, string>>;
  /** Working directory. Default `/`: the server user may not enter the caller's. */
  cwd?: string;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Kill it (SIGKILL) after this long, ms. Default 120,000. */
  timeoutMs?: number;
}

/** Runs a program to completion without a shell, asynchronously (initdb takes most of a second). */
export type RunProgram = (
  file: string,
  args: readonly string[],
  options: RunProgramOptions,
) => Promise<ProgramResult>;

function keepTail(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? text.slice(-MAX_OUTPUT_CHARS) : text;
}

/** The default {@link RunProgram}, on `child_process.spawn`. Never rejects. */
export const runProgram: RunProgram = (file, args, options) =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let error: Error | undefined;
    const child = spawn(file, args, {
      cwd: options.cwd ?? '/',
      env: options.env,
      uid: options.uid,
      gid: options.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      error = new Error(`${file} did not finish within ${timeoutMs} ms`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keepTail(stdout + chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keepTail(stderr + chunk);
    });
    // A program that exits without reading its input makes the write fail with EPIPE; its exit
    // status tells what happened, so the write error is not interesting.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.once('error', (spawnError) => {
      error ??= spawnError;
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ...(error ? { error } : {}) });
    });
  });

/** The output of a result for a message: stderr and stdout trimmed, at most `maxLines` lines. */
export function formatProgramOutput(result: ProgramResult, maxLines = 30): string {
  const text = [result.stderr.trim(), result.stdout.trim()].filter(Boolean).join('\n');
  const lines = text.split('\n');
  const tail = lines.length > maxLines ? ['…', ...lines.slice(-maxLines)] : lines;
  const why = result.error?.message ?? (result.signal ? `killed by ${result.signal}` : undefined);
  return [...(why ? [why] : []), ...tail].join('\n').trim();
}
