import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { onTestFinished } from 'vitest';
import { pickPort } from '../../src/ports/pick-port.js';
import { killQuietly } from './fixtures.js';
import { tempDir } from './temp-dir.js';

/** Absolute path of redis-server, or undefined when it is not installed. */
export const REDIS_SERVER = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
})();

/** Why real Redis cannot run here, or undefined when it can. */
export function redisSkipReason(): string | undefined {
  return REDIS_SERVER ? undefined : 'redis-server is not installed (Debian package redis-server)';
}

/** A running redis-server. */
export interface RedisServer {
  port: number;
  child: ChildProcess;
  /** Its data directory (for an RDB file). */
  dir: string;
}

/** Settings of {@link startRedis}. */
export interface StartRedisOptions {
  /** Extra command-line settings, such as `['--requirepass', 'secret']`. */
  args?: string[];
  /** Data directory; default a fresh temporary one. */
  dir?: string;
  /** Log line meaning "started"; default "Ready to accept connections". */
  readyLine?: RegExp;
}

/**
 * Starts `redis-server` on 127.0.0.1 at a free port, without persistence, and resolves once
 * its log shows `readyLine`. Killed when the test ends.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const { port } = await pickPort({ lease: false });
  const dir = options.dir ?? tempDir('portier-redis-');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(REDIS_SERVER!, [...args, '--dir', dir, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => killQuietly(child.pid));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if ((options.readyLine ?? /Ready to accept connections/).test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
  });
  return { port, child, dir };
}

/**
 * Sends RESP commands on a new connection and resolves with everything received once
 * `replies` reply lines arrived (each command here answers one line).
 */
export function sendCommands(
  port: number,
  commands: string[][],
  replies = commands.length,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const encode = (argv: string[]) =>
      `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.split('\r\n').length - 1 >= replies) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.write(commands.map(encode).join(''));
  });
}

/**
 * Writes an RDB file of `keys` keys with 1 KiB random values into `dir`, by a throwaway
 * server and SAVE. Random values do not compress, so loading it takes `keys` steps.
 */
export async function writeRdb(dir: string, keys: number): Promise<void> {
  const maker = await startRedis({ dir });
  const sets = Array.from({ length: keys }, (_, i) => [
    'SET',
    `key:${i}`,
    randomBytes(512).toString('hex'),
  ]);
  const replies = await sendCommands(maker.port, [...sets, ['SAVE']]);
  if (!replies.endsWith('+OK\r\n')) throw new Error(`SAVE failed: ${replies.slice(-200)}`);
  killQuietly(maker.child.pid);
}
