import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { searchLogFiles } from '../../src/stack/logs/index.js';
import { makeService, makeStack, nodeCommand, type TestStack } from '../helpers/stack.js';

let current: TestStack | undefined;
afterEach(async () => {
  await current?.cleanup();
  current = undefined;
});

const noteTexts = async (t: TestStack, service: string) =>
  (await t.stack.logs({ services: [service] }))
    .filter((l) => l.stream === 'portier')
    .map((l) => l.text);

describe('readiness checks and what they catch', () => {
  it('catches a service that ignores PORT and reports the port it really listens on', async () => {
    current = makeStack([
      makeService('vite-like', {
        command: nodeCommand('ignore-port.mjs'),
        ready: { kind: 'log', pattern: /ready on/ },
      }),
    ]);
    await current.stack.start();
    await current.reach('vite-like', 'healthy');
    let status = (await current.stack.status()).services[0]!;
    for (let i = 0; i < 100 && !status.listeningPorts; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await current.stack.status()).services[0]!;
    }
    const line = (await current.stack.logs({ services: ['vite-like'], grep: 'ready on' }))[0]!.text;
    const real = Number(/ready on (\d+)/.exec(line)![1]);
    expect(status.listeningPorts).toEqual([real]);
    expect(real).not.toBe(status.port);
    expect((await noteTexts(current, 'vite-like')).join('\n')).toMatch(
      new RegExp(`listens on ${real}, not on its PORT ${status.port}: it ignores PORT`),
    );
  });

  it('an exec check gates readiness on a command exiting 0', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portier-exec-check-'));
    onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
    current = makeStack([
      makeService('job', {
        command: { kind: 'shell', script: 'sleep 0.3; touch ready-flag; sleep 30' },
        cwd,
        port: 'none',
        ready: { kind: 'exec', command: 'test -f ready-flag && rm ready-flag' },
      }),
    ]);
    const { stack } = current;
    await stack.start();
    await current.reach('job', 'healthy');
    expect((await noteTexts(current, 'job')).some((t) => /ready after \d+ ms \(exec/.test(t))).toBe(
      true,
    );
  });

  it('becomes unhealthy after failureThreshold failed checks, and healthy again', async () => {
    // A clock whose sleeps end at the next turn of the event loop: checks run back to back.
    let now = 0;
    const clock = {
      now: () => now,
      sleep: (ms: number) =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            now += ms;
            resolve();
          }),
        ),
    };
    const cwd = mkdtempSync(join(tmpdir(), 'portier-flappy-'));
    onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
    current = makeStack(
      [
        makeService('flappy', {
          command: { kind: 'shell', script: 'touch up; sleep 30' },
          cwd,
          port: 'none',
          ready: { kind: 'exec', command: 'test -f up' },
          probe: {
            initialDelayMs: 0,
            periodMs: 20,
            timeoutMs: 1_000,
            successThreshold: 2,
            failureThreshold: 2,
          },
        }),
      ],
      { clock },
    );
    await current.stack.start();
    await current.reach('flappy', 'healthy');
    rmSync(join(cwd, 'up'));
    const unhealthy = await current.reach('flappy', 'unhealthy');
    expect(unhealthy.reason).toMatch(/exec `test -f up` failed 2 times/);
    writeFileSync(join(cwd, 'up'), '');
    await new Promise<void>((resolve) => {
      const off = current!.stack.subscribe((e) => {
        if (e.type === 'service' && e.status.state === 'healthy') {
          off();
          resolve();
        }
      });
    });
    expect(current.states('flappy')).toEqual([
      'waiting',
      'starting',
      'healthy',
      'unhealthy',
      'healthy',
    ]);
  });

  it('keeps every one of 200,000 lines, the last one included, in the service log file', async () => {
    current = makeStack([
      makeService('chatty', { command: nodeCommand('many-lines.mjs', '200000'), port: 'none' }),
    ]);
    await current.stack.start();
    await current.reach('chatty', 'completed');
    // The state can settle before the pipe is read to its end; the last line marks the end.
    const last = () => current!.logs.tail('chatty', 5).some((l) => l.text === 'line 200000');
    while (!last()) await new Promise((r) => setTimeout(r, 20));
    await current.logs.flush();
    const lines = await searchLogFiles(join(current.dir, 'project', 'logs'), {
      services: ['chatty'],
      limit: 300_000,
    });
    const out = lines.filter((l) => l.stream === 'stdout');
    expect(out).toHaveLength(200_000);
    expect(out[0]!.text).toBe('line 1');
    expect(out.at(-1)!.text).toBe('line 200000');
    expect(out.every((l, i) => l.text === `line ${i + 1}`)).toBe(true);
  });
});
