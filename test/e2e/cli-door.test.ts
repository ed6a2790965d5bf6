import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { assertCliBuilt, runCli, startCli } from '../helpers/cli.js';
import { doorTestEnv, getThroughDoor } from '../helpers/door.js';
import { fixturePath, killQuietly } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

assertCliBuilt();

/** The app's ready line (first JSON line on stdout) from a `portier run`. */
async function appReady(run: ReturnType<typeof startCli>) {
  const line = await run.waitForLine((l) => l.startsWith('{"pid"'), 15_000);
  const ready = JSON.parse(line) as {
    pid: number;
    port: number;
    address: string;
    argv: string[];
    env: Record<string, string | undefined>;
  };
  onTestFinished(() => killQuietly(ready.pid));
  return ready;
}

async function routesJson(env: Record<string, string>) {
  const run = await runCli(['routes', '--json'], { env });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as {
    name: string;
    kind: string;
    upstream: { address: string; port: number };
    owner?: { pid: number };
    urls: string[];
  }[];
}

describe('portier run', () => {
  it('runs the app on a leased port with PORT/HOST, serves it by name, releases it on Ctrl-C', async () => {
    const { env, doorPort } = await doorTestEnv();
    const run = startCli(['run', 'web', '--', process.execPath, fixturePath('named-app.mjs')], {
      env: { ...env, APP_NAME: 'web' },
    });
    const app = await appReady(run);
    const url = `http://web.localhost:${doorPort}`;
    expect(app.env).toEqual({ PORT: String(app.port), HOST: '127.0.0.1', PORTIER_URL: url });
    expect(run.stderr()).toContain(url);

    const routes = await routesJson(env);
    expect(routes).toMatchObject([
      {
        name: 'web',
        kind: 'run',
        upstream: { address: '127.0.0.1', port: app.port },
        owner: { pid: run.child.pid },
        urls: [url],
      },
    ]);
    const answer = await getThroughDoor(doorPort, `web.localhost:${doorPort}`, '/hello?x=1');
    expect(answer).toEqual({ status: 200, body: `web saw web.localhost:${doorPort} /hello?x=1` });
    // The single route is the default one.
    expect((await getThroughDoor(doorPort, `127.0.0.1:${doorPort}`)).body).toContain('web saw');

    run.child.kill('SIGINT');
    expect(await run.exit()).toEqual({ code: 0, signal: null });
    expect(await routesJson(env)).toEqual([]);
    // The door re-reads the registry within a fraction of a second.
    let after = await getThroughDoor(doorPort, `web.localhost:${doorPort}`);
    for (let i = 0; i < 40 && after.status !== 404; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await getThroughDoor(doorPort, `web.localhost:${doorPort}`);
    }
    expect(after.status).toBe(404);
  });

  it("exits with the app's status and unregisters", async () => {
    const { env } = await doorTestEnv();
    const run = await runCli(['run', 'job', '--', process.execPath, '-e', 'process.exit(7)'], {
      env,
    });
    expect(run.code, run.stderr).toBe(7);
    expect(await routesJson(env)).toEqual([]);
  });

  it('adds --port/--host/--strictPort for Vite, found by the command name', async () => {
    const { env, doorPort } = await doorTestEnv();
    const bin = tempDir();
    const vite = join(bin, 'vite');
    // A stand-in `vite` that would listen on its default port if it got no flag.
    writeFileSync(
      vite,
      `#!${process.execPath}\nprocess.env.PORT = '1';\nimport(${JSON.stringify(fixturePath('named-app.mjs'))});\n`,
    );
    chmodSync(vite, 0o755);
    const run = startCli(['run', 'site', '--', vite], { env });
    const app = await appReady(run);
    expect(app.argv).toEqual(['--port', String(app.port), '--host', '127.0.0.1', '--strictPort']);
    expect(app.port).not.toBe(1);
    expect(run.stderr()).toContain('vite: added --port');
    expect((await getThroughDoor(doorPort, `site.localhost:${doorPort}`)).body).toContain('saw');
    run.child.kill('SIGTERM');
    expect((await run.exit()).code).toBe(0);
  });

  it('routes to ::1 when the app listens there only', async () => {
    const { env, doorPort } = await doorTestEnv();
    const args = ['run', 'six', '--', process.execPath, fixturePath('named-app.mjs'), '--bind6'];
    const run = startCli(args, { env });
    const app = await appReady(run);
    expect(app.address).toBe('::1');
    let routes = await routesJson(env);
    for (let i = 0; i < 100 && routes[0]?.upstream.address !== '::1'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      routes = await routesJson(env);
    }
    expect(routes[0]?.upstream).toEqual({ address: '::1', port: app.port });
    expect((await getThroughDoor(doorPort, `six.localhost:${doorPort}`)).body).toContain('saw');
    run.child.kill('SIGINT');
    await run.exit();
  });

  it('refuses a name another run holds, naming its pid (exit 2)', async () => {
    const { env } = await doorTestEnv();
    const first = startCli(['run', 'api', '--', process.execPath, fixturePath('named-app.mjs')], {
      env,
    });
    await appReady(first);
    const second = await runCli(
      ['run', 'api', '--json', '--', process.execPath, fixturePath('named-app.mjs')],
      { env },
    );
    expect(second.code).toBe(3);
    const { error } = JSON.parse(second.stdout);
    expect(error).toMatchObject({ code: 'ROUTE_NAME_TAKEN', pid: first.child.pid });
    first.child.kill('SIGINT');
    await first.exit();
  });

  it.each([
    [['run', 'My_App', '--', 'node'], 'INVALID_OPTION'],
    [['run', 'portier', '--', 'node'], 'INVALID_OPTION'],
    [['run', 'web'], 'USAGE'],
    [['run', 'web', '--'], 'USAGE'],
    [['run', '--', 'node'], 'USAGE'],
    [['run', 'web', '--port', '99999', '--', 'node'], 'INVALID_PORT'],
    [['run', 'web', '--', 'no-such-command-here'], 'USAGE'],
  ])('%j exits 2 with %s', async (args, code) => {
    const { env } = await doorTestEnv();
    const run = await runCli([args[0]!, '--json', ...args.slice(1)], { env });
    expect(run.code, run.stderr).toBe(2);
    // A command that cannot start fails after the URL line: the error is the last document.
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{\n  "error"'))).error.code).toBe(code);
  });
});

describe('portier door', () => {
  it('status exits 1 while no door runs; stop stops a running one', async () => {
    const { env, doorPort } = await doorTestEnv();
    const before = await runCli(['door', 'status'], { env });
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('not running');
    const run = startCli(['run', 'web', '--', process.execPath, fixturePath('named-app.mjs')], {
      env,
    });
    await appReady(run);
    const status = await runCli(['door', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      running: true,
      answering: true,
      port: doorPort,
      routes: 1,
    });
    const stop = await runCli(['door', 'stop'], { env });
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('stopped the door');
    expect((await runCli(['door', 'status'], { env })).code).toBe(1);
    expect((await runCli(['door', 'stop'], { env })).stdout).toContain('not running');
    run.child.kill('SIGINT');
    await run.exit();
  });

  it('ends by itself once no route is left, and forgets its record', async () => {
    const { env, doorPort, stateDir } = await doorTestEnv();
    const door = startCli(
      ['door', 'serve', '--port', String(doorPort), '--state-dir', stateDir, '--idle-exit', '1s'],
      { env },
    );
    const { code } = await door.exit(10_000);
    expect(code).toBe(0);
    expect(door.stderr()).toContain(`listening on 127.0.0.1:${doorPort}`);
    expect((await runCli(['door', 'status'], { env })).code).toBe(1);
  });

  it('refuses an unknown action with exit 2', async () => {
    const { env } = await doorTestEnv();
    const run = await runCli(['door', 'restart', '--json'], { env });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error.code).toBe('USAGE');
  });

  it('lists run, alias, routes and door in the help', async () => {
    const help = await runCli(['--help']);
    for (const name of ['run', 'alias', 'routes', 'door'])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${name} `));
    const door = await runCli(['door', '--help']);
    expect(door.code).toBe(0);
    expect(door.stdout).toContain('Usage: portier door status|stop');
  });
});
