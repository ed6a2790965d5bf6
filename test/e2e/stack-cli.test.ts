import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StackStatus } from '../../src/stack/types.js';
import { runCli, startCli } from '../helpers/cli.js';
import { ptySkipReason, startCliInPty } from '../helpers/pty.js';
import { stackFixture } from '../helpers/stack.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A project dir with a portier.yaml; `down` runs at the end of the test whatever happens. */
function project(
  name: string,
  services: string[],
): { dir: string; file: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), `portier-e2e-${name}-`));
  const file = join(dir, 'portier.yaml');
  writeFileSync(file, [`name: ${name}`, 'services:', ...services, ''].join('\n'));
  const env = { PORTIER_STATE_DIR: join(dir, 'state') };
  cleanups.push(async () => {
    await runCli(['down', '-f', file], { env });
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, file, env };
}

const http = (name: string, extra: string[] = []) => [
  `  ${name}:`,
  `    command: ${process.execPath} ${stackFixture('http-service.mjs')}`,
  '    ready: { http: /health }',
  ...extra,
];

describe('portier up / ps / logs / restart / down', () => {
  it('runs a stack in the background and drives it from other commands', async () => {
    const { file, env } = project('shop', [
      ...http('api'),
      ...http('web', ['    depends_on: { api: healthy }']),
    ]);
    const up = await runCli(['up', '--no-door', '-d', '-f', file], { env, timeoutMs: 30_000 });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/shop settled in/);
    expect(up.stdout).toMatch(/api\s+healthy/);
    const ps = await runCli(['ps', '--json', '-f', file], { env });
    const status = JSON.parse(ps.stdout) as StackStatus;
    expect(status.project).toBe('shop');
    expect(status.services.map((s) => s.state)).toEqual(['healthy', 'healthy']);
    const api = status.services.find((s) => s.name === 'api')!;
    expect((await fetch(`${api.url}/health`)).status).toBe(200);

    const restarted = await runCli(['restart', 'api', '-f', file], { env });
    expect(restarted.code, restarted.stderr).toBe(0);
    const after = JSON.parse(
      (await runCli(['ps', '--json', '-f', file], { env })).stdout,
    ) as StackStatus;
    const api2 = after.services.find((s) => s.name === 'api')!;
    expect(api2.pid).not.toBe(api.pid);
    // The same port again: it is this service's lease.
    expect(api2.port).toBe(api.port);

    const logs = await runCli(['logs', 'api', '--grep', 'SIGTERM', '--file', file, '--json'], {
      env,
    });
    expect(logs.code, logs.stderr).toBe(0);
    const lines = logs.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.text)).toContain('got SIGTERM');
    expect(lines.every((l) => l.service === 'api')).toBe(true);

    const unknown = await runCli(['restart', 'nope', '-f', file], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No service "nope"/);

    const down = await runCli(['down', '-f', file], { env });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/stopped shop/);
    const gone = await runCli(['ps', '-f', file], { env });
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/No stack is running/);
  });

  it('runs two projects side by side without port collisions', async () => {
    const services = [...http('api'), ...http('web'), ...http('admin')];
    const a = project('alpha', services);
    const b = project('beta', services);
    // One state dir for both, as on a real machine: one lease ledger.
    const env = { PORTIER_STATE_DIR: join(a.dir, 'shared-state') };
    const [ra, rb] = await Promise.all([
      runCli(['up', '--no-door', '-d', '-f', a.file], { env, timeoutMs: 30_000 }),
      runCli(['up', '--no-door', '-d', '-f', b.file], { env, timeoutMs: 30_000 }),
    ]);
    cleanups.push(async () => {
      await runCli(['down', '-f', a.file], { env });
      await runCli(['down', '-f', b.file], { env });
    });
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const ports: number[] = [];
    for (const file of [a.file, b.file]) {
      const status = JSON.parse(
        (await runCli(['ps', '--json', '-f', file], { env })).stdout,
      ) as StackStatus;
      for (const s of status.services) {
        expect(s.state).toBe('healthy');
        ports.push(s.port!);
        expect((await fetch(`${s.url}/health`)).status).toBe(200);
      }
    }
    expect(new Set(ports).size).toBe(6);
  });

  it('stops on SIGINT in the foreground and names the service that failed first', async () => {
    const { file, env } = project('broken', [
      ...http('api'),
      '  worker:',
      `    command: ${process.execPath} ${stackFixture('exit-with.mjs')} 7`,
      '    restart: no',
      '    port: none',
    ]);
    const up = startCli(['up', '--no-door', '-f', file], { env });
    await up.waitForLine((l) => /settled in/.test(l), 20_000);
    // stderr is its own pipe: the summary may arrive after stdout's line.
    for (let i = 0; i < 200 && !/something went wrong/.test(up.stderr()); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(up.stderr()).toMatch(/worker failed first: exited, exit code 7/);
    expect(up.stderr()).toMatch(/something went wrong/);
    up.child.kill('SIGINT');
    const { code } = await up.exit(10_000);
    expect(code).toBe(1);
    expect(up.lines.join('\n'), up.lines.join('\n') + up.stderr()).toMatch(/api +\| got SIGTERM/);
  });

  it('refuses a second supervisor of the same project', async () => {
    const { file, env } = project('twice', http('api'));
    expect(
      (await runCli(['up', '--no-door', '-d', '-f', file], { env, timeoutMs: 30_000 })).code,
    ).toBe(0);
    const again = await runCli(['up', '--no-door', '-f', file], { env });
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already running \(supervisor pid \d+/);
  });
});

describe('portier up with a bad stack file', () => {
  it('reports every problem with line, column and a suggestion, starts nothing, exits 2', async () => {
    const { file, env } = project('bad', [
      '  database:',
      '    comand: node x.js',
      '  api:',
      `    command: ${process.execPath} ${stackFixture('http-service.mjs')}`,
      '    depends_on: { databse: healthy }',
    ]);
    const run = await runCli(['up', '--no-door', '-f', file, '--json'], { env });
    expect(run.code).toBe(2);
    const { error } = JSON.parse(run.stdout) as {
      error: { code: string; problems: { line: number; column: number; hint?: string }[] };
    };
    expect(error.code).toBe('STACK_CONFIG_INVALID');
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 4, column: 5, hint: 'did you mean "command"?' }),
        expect.objectContaining({ line: 7, hint: 'did you mean "database"?' }),
      ]),
    );
    const ps = await runCli(['ps', '-f', file], { env });
    expect(ps.code).toBe(3);
  });
});

describe('portier up without a portier.yaml', () => {
  it('runs a Procfile, each process on its own port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portier-e2e-procfile-'));
    const env = { PORTIER_STATE_DIR: join(dir, 'state') };
    writeFileSync(
      join(dir, 'Procfile'),
      `web: ${process.execPath} ${stackFixture('http-service.mjs')}\nworker: echo "worker on $PORT"; sleep 30\n`,
    );
    const file = join(dir, 'Procfile');
    cleanups.push(async () => {
      await runCli(['down', '-f', file], { env });
      rmSync(dir, { recursive: true, force: true });
    });
    const up = await runCli(['up', '--no-door', '-d', '-f', file], { env, timeoutMs: 30_000 });
    expect(up.code, up.stderr).toBe(0);
    const status = JSON.parse(
      (await runCli(['ps', '--json', '-f', file], { env })).stdout,
    ) as StackStatus;
    expect(status.services.map((s) => s.name)).toEqual(['web', 'worker']);
    const web = status.services[0]!;
    // No readiness check in a Procfile: wait for the server's own line, then ask it.
    let logs = '';
    for (let i = 0; i < 100 && !logs.includes('listening on'); i++) {
      logs = (await runCli(['logs', 'web', '--file', file], { env })).stdout;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await fetch(`${web.url}/health`)).status).toBe(200);
    const worker = (await runCli(['logs', 'worker', '--file', file], { env })).stdout;
    expect(worker).toContain(`worker on ${status.services[1]!.port}`);
  });
});

describe('portier logs -f, stop and start', () => {
  it('follows new lines, and stops and starts one service of the running stack', async () => {
    const { file, env } = project('follow', [
      '  ticker:',
      '    command: i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.1; done',
      '    port: none',
      ...http('api'),
    ]);
    expect(
      (await runCli(['up', '--no-door', '-d', '-f', file], { env, timeoutMs: 30_000 })).code,
    ).toBe(0);
    const follow = startCli(['logs', 'ticker', '-f', '-n', '1', '--file', file], { env });
    const first = await follow.waitForLine((l) => /tick \d+/.test(l), 10_000);
    const n = Number(/tick (\d+)/.exec(first)![1]);
    // A line written after `logs -f` started arrives through the follow stream.
    await follow.waitForLine((l) => new RegExp(`tick ${n + 3}$`).test(l), 10_000);
    expect(follow.lines.every((l) => l.startsWith('ticker'))).toBe(true);
    follow.child.kill('SIGINT');
    await follow.exit(5_000);

    const stopped = await runCli(['stop', 'ticker', '-f', file, '--json'], { env });
    expect(stopped.code, stopped.stderr).toBe(0);
    const afterStop = JSON.parse(stopped.stdout) as StackStatus;
    expect(afterStop.services.find((s) => s.name === 'ticker')!.state).toBe('stopped');
    expect(afterStop.services.find((s) => s.name === 'api')!.state).toBe('healthy');
    const started = await runCli(['start', 'ticker', '-f', file, '--json'], { env });
    expect(started.code, started.stderr).toBe(0);
    const ticker = (JSON.parse(started.stdout) as StackStatus).services.find(
      (s) => s.name === 'ticker',
    )!;
    expect(['starting', 'healthy']).toContain(ticker.state);

    // --since in the future finds nothing; a bad --since is a usage error.
    const none = await runCli(['logs', '--since', '2999-01-01T00:00', '--file', file], { env });
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect((await runCli(['logs', '--since', 'yesterday-ish', '--file', file], { env })).code).toBe(
      2,
    );
  });
});

/** The escape character that starts an ANSI colour sequence. */
const ESC = String.fromCharCode(27);
const ptySkip = ptySkipReason();
if (ptySkip) console.warn(`Skipping the terminal-colour test of portier up: ${ptySkip}.`);

describe.skipIf(ptySkip !== undefined)('portier up on a terminal', () => {
  it('colours each prefix, gives children FORCE_COLOR=1 and keeps their own colours', async () => {
    const { file, env } = project('colour', [
      '  paint:',
      `    command: printf 'FC=%s\\n' "$FORCE_COLOR"; printf '\\033[31mred\\033[0m\\n'; sleep 30`,
      '    port: none',
    ]);
    const up = startCliInPty(['up', '--no-door', '-f', file], { env: { ...env, NO_COLOR: '' } });
    const output = await up.waitForOutput(/red/, 20_000);
    expect(output).toMatch(/paint\S*\s*\S*\|\S* FC=1/);
    // The prefix is coloured by portier; the child's own red escape passes through untouched.
    expect(output).toMatch(new RegExp(`${ESC}\\[[0-9;]*mpaint`));
    expect(output).toContain('\x1b[31mred\x1b[0m');
  });
});
