import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPidAlive } from '../../src/ports/process-liveness.js';
import { makeService, makeStack, nodeCommand, type TestStack } from '../helpers/stack.js';

let current: TestStack | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

describe('stack supervisor with real processes', () => {
  it('starts in dependency order and gates dependents on readiness', async () => {
    current = makeStack([
      makeService('web', {
        command: nodeCommand('http-service.mjs'),
        dependsOn: { api: 'healthy' },
        ready: { kind: 'http', path: '/health' },
      }),
      makeService('api', {
        command: nodeCommand('http-service.mjs', '400'),
        ready: { kind: 'http', path: '/health' },
      }),
    ]);
    const { stack } = current;
    await stack.start();
    await current.reach('web', 'healthy');
    const order = current.events.flatMap((e) =>
      e.type === 'service' && ['starting', 'healthy'].includes(e.status.state)
        ? [`${e.status.name}:${e.status.state}`]
        : [],
    );
    // web is spawned only after api passed its check, although api listens 400 ms late.
    expect(order.indexOf('api:healthy')).toBeLessThan(order.indexOf('web:starting'));
    const status = await stack.status();
    const api = status.services.find((s) => s.name === 'api')!;
    const web = status.services.find((s) => s.name === 'web')!;
    expect(api.port).toBeGreaterThan(0);
    expect(web.port).not.toBe(api.port);
    const res = await fetch(`${api.url}/health`);
    expect(res.status).toBe(200);
  });

  it('gives dependents PORT, HOST and <DEP>_URL', async () => {
    current = makeStack([
      makeService('api', { command: nodeCommand('http-service.mjs'), ready: { kind: 'tcp' } }),
      makeService('env', {
        command: {
          kind: 'shell',
          script: 'echo "PORT=$PORT HOST=$HOST API_URL=$API_URL URL=$PORTIER_URL"',
        },
        dependsOn: { api: 'healthy' },
      }),
    ]);
    await current.stack.start();
    await current.reach('env', 'completed');
    const status = await current.stack.status();
    const port = (n: string) => status.services.find((s) => s.name === n)!.port;
    const lines = (await current.stack.logs({ services: ['env'] })).map((l) => l.text);
    expect(lines).toContain(
      `PORT=${port('env')} HOST=127.0.0.1 API_URL=http://127.0.0.1:${port('api')} URL=http://127.0.0.1:${port('env')}`,
    );
  });

  it('fails a dependent with the reason when its dependency fails', async () => {
    current = makeStack([
      makeService('db', { command: nodeCommand('exit-with.mjs', '3'), ready: { kind: 'tcp' } }),
      makeService('api', {
        command: nodeCommand('http-service.mjs'),
        dependsOn: { db: 'healthy' },
      }),
    ]);
    await current.stack.start();
    const api = await current.reach('api', 'failed');
    expect(api.reason).toMatch(/dependency db is exited/);
    const failure = current.stack.firstFailure()!;
    expect(failure.service).toBe('db');
    expect(failure.exitCode).toBe(3);
    expect(failure.lastLines.map((l) => l.text)).toContain('something went wrong');
  });

  it('a completed dependency lets `completed` dependents start', async () => {
    current = makeStack([
      makeService('migrate', { command: nodeCommand('exit-with.mjs', '0') }),
      makeService('api', {
        command: nodeCommand('http-service.mjs'),
        dependsOn: { migrate: 'completed' },
        ready: { kind: 'tcp' },
      }),
    ]);
    await current.stack.start();
    await current.reach('api', 'healthy');
    expect(current.states('migrate')).toContain('completed');
  });

  it('kills a service that ignores SIGTERM after stop_timeout, with exactly one SIGTERM', async () => {
    const record = join(tmpdir(), `portier-trap-${process.pid}-${Date.now()}`);
    current = makeStack([
      makeService('stubborn', {
        command: nodeCommand('trap-term.mjs', record),
        stopTimeoutMs: 300,
        port: 'none',
      }),
    ]);
    const { stack } = current;
    await stack.start();
    const { pid } = await current.reach('stubborn', 'healthy');
    // Wait until its handler is installed (it prints once it is).
    while (
      !(await stack.logs({ services: ['stubborn'] })).some((l) =>
        l.text.includes('SIGTERM will be ignored'),
      )
    )
      await new Promise((r) => setTimeout(r, 20));
    await stack.stop();
    expect(isPidAlive(pid!)).toBe(false);
    expect(current.states('stubborn')).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    const notes = (await stack.logs({ services: ['stubborn'] })).map((l) => l.text);
    expect(notes.some((t) => /killed \(SIGKILL\)/.test(t))).toBe(true);
    expect(readFileSync(record, 'utf8')).toBe('SIGTERM\n');
    (await import('node:fs')).rmSync(record, { force: true });
  });

  it('stops in reverse dependency order, one stop signal per service, no restart during shutdown', async () => {
    const record = join(tmpdir(), `portier-signals-${process.pid}-${Date.now()}`);
    const always = {
      policy: 'always' as const,
      backoffInitialMs: 10,
      backoffMaxMs: 10,
      maxRestarts: 5,
      stableAfterMs: 10_000,
    };
    current = makeStack([
      makeService('db', {
        command: nodeCommand('count-signals.mjs', record),
        restart: always,
        port: 'none',
      }),
      makeService('api', {
        command: nodeCommand('count-signals.mjs', record),
        dependsOn: { db: 'started' },
        restart: always,
        port: 'none',
      }),
    ]);
    const { stack } = current;
    await stack.start();
    const db = await current.reach('db', 'healthy');
    const api = await current.reach('api', 'healthy');
    for (const name of ['db', 'api'])
      while (!(await stack.logs({ services: [name] })).some((l) => l.text === 'ready'))
        await new Promise((r) => setTimeout(r, 20));
    await stack.stop();
    const lines = readFileSync(record, 'utf8').trim().split('\n');
    expect(lines).toEqual([`SIGTERM ${api.pid}`, `SIGTERM ${db.pid}`]);
    expect(current.states('db')).not.toContain('backoff');
    expect(current.states('api')).not.toContain('backoff');
    (await import('node:fs')).rmSync(record, { force: true });
  });

  it('reports a missing argv command and a missing cwd naming the service', async () => {
    current = makeStack([
      makeService('ghost', {
        command: { kind: 'argv', argv: ['portier-no-such-program'] },
        port: 'none',
      }),
      makeService('shell', {
        command: { kind: 'shell', script: 'portier-no-such-program --x' },
        port: 'none',
        restart: {
          policy: 'on-failure',
          backoffInitialMs: 10,
          backoffMaxMs: 10,
          maxRestarts: 3,
          stableAfterMs: 10_000,
        },
      }),
      makeService('lost', {
        command: nodeCommand('exit-with.mjs', '0'),
        cwd: '/nonexistent/portier-test',
        port: 'none',
      }),
    ]);
    await current.stack.start();
    const ghost = await current.reach('ghost', 'failed');
    expect(ghost.reason).toMatch(/command not found: portier-no-such-program/);
    const shell = await current.reach('shell', 'failed');
    expect(shell.reason).toMatch(/command not found/);
    expect(current.states('shell')).not.toContain('backoff');
    const lost = await current.reach('lost', 'failed');
    expect(lost.reason).toMatch(/lost: cwd \/nonexistent\/portier-test does not exist/);
  });

  it('writes every line to the service log file', async () => {
    current = makeStack([
      makeService('echo', {
        command: { kind: 'shell', script: 'echo one; echo two >&2; printf three' },
        port: 'none',
      }),
    ]);
    await current.stack.start();
    await current.reach('echo', 'completed');
    await current.stack.close();
    // The files are written in the background; the hub's owner flushes them (openStack does on
    // close), so the test does too before reading.
    await current.logs.flush();
    const file = join(current.dir, 'project', 'logs', 'echo.log');
    expect(existsSync(file)).toBe(true);
    const texts = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).text);
    expect(texts).toEqual(expect.arrayContaining(['one', 'two', 'three']));
  });
});

describe('restart back-off on an injected clock', () => {
  it('restarts a crashing service after 100, 200, 400 ms, then marks it crashed with its output', async () => {
    let now = 1_000_000;
    const slept: number[] = [];
    const clock = {
      now: () => now,
      async sleep(ms: number) {
        slept.push(ms);
        now += ms;
      },
    };
    current = makeStack(
      [
        makeService('flaky', {
          command: nodeCommand('exit-with.mjs', '2'),
          port: 'none',
          restart: {
            policy: 'on-failure',
            backoffInitialMs: 100,
            backoffMaxMs: 1_000,
            maxRestarts: 3,
            stableAfterMs: 10_000,
          },
        }),
      ],
      { clock, random: () => 0.5 },
    );
    await current.stack.start();
    const crashed = await current.reach('flaky', 'crashed');
    expect(slept).toEqual([100, 200, 400]);
    expect(crashed.restarts).toBe(3);
    expect(crashed.reason).toMatch(/exited 4 times in a row .* \(last: exit code 2\)/);
    const failure = current.stack.firstFailure()!;
    expect(failure.service).toBe('flaky');
    expect(failure.lastLines.map((l) => l.text)).toContain('something went wrong');
    expect(current.states('flaky').filter((s) => s === 'backoff')).toHaveLength(3);
  });
});
