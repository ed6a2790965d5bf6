import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { identifyProcess } from '../../src/ports/process-liveness.js';
import { readableCopy } from './readable-copy.js';

/** What a listening fixture printed when ready. */
export interface FixtureReady {
  pid: number;
  address: string;
  port: number;
  children: number[];
  sharedWith?: number;
}

/** A running fixture process. */
export interface Fixture extends FixtureReady {
  child: ChildProcess;
}

/** Absolute path of a fixture script in test/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Ends a process we started, by pid, if it still runs. */
export function killQuietly(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts `node test/fixtures/<name> ...args` (optionally through a wrapper such as setpriv) and
 * resolves once it printed its ready line. Killed, with its children, when the test ends.
 */
export async function startFixture(
  name: string,
  args: string[] = [],
  wrapper: string[] = [],
): Promise<Fixture> {
  // Another user may not be able to read the checkout; it runs a world-readable copy.
  const script =
    wrapper.length > 0 ? join(readableCopy(), 'test/fixtures', name) : fixturePath(name);
  const argv = [...wrapper, process.execPath, script, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let ready: FixtureReady | undefined;
  onTestFinished(() => {
    for (const pid of [...(ready?.children ?? []), ready?.sharedWith]) killQuietly(pid);
    killQuietly(child.pid);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end >= 0) resolve(buffer.slice(0, end));
    });
    child.once('exit', (code) =>
      reject(new Error(`fixture ${name} exited with ${code}: ${stderr}`)),
    );
  });
  ready = JSON.parse(line) as FixtureReady;
  return { ...ready, child };
}

/** Resolves when the process exits. */
export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/**
 * Whether `pid` ends (a zombie counts as ended) within `timeoutMs`. A kill returns once the
 * port is free, which a holder's exit follows by a few ms.
 */
export async function endsSoon(pid: number, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (identifyProcess(pid) !== undefined) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}
