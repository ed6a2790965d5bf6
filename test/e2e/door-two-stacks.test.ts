import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { readDoorRecord } from '../../src/door/door-record.js';
import { assertCliBuilt, runCli } from '../helpers/cli.js';
import { doorTestEnv, getThroughDoor } from '../helpers/door.js';
import { fixturePath } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

assertCliBuilt();

const execFileAsync = promisify(execFile);
/** Bound on waiting for the door to pick up a registry change, in ms. */
const ROUTE_CHANGE_WAIT_MS = 5_000;
/** `up -d` starts a supervisor and waits for health checks: more than the CLI default. */
const UP_TIMEOUT_MS = 30_000;

/** A service line block for portier.yaml running the project-service fixture. */
const service = (name: string, project: string) => [
  `  ${name}:`,
  `    command: ${process.execPath} ${fixturePath('door/project-service.mjs')} ${project}`,
  '    ready: { http: /health }',
];

/**
 * A project `name` with the given services in its own directory. Its `down` is registered
 * for the end of the test; registered after {@link doorTestEnv}, it runs before the state
 * directory is removed (onTestFinished runs last-registered first).
 */
function writeProject(name: string, services: string[], env: Record<string, string>): string {
  const file = join(tempDir(`portier-e2e-${name}-`), 'portier.yaml');
  writeFileSync(file, [`name: ${name}`, 'services:', ...services, ''].join('\n'));
  onTestFinished(async () => {
    await runCli(['down', '-f', file], { env });
  });
  return file;
}

/** GET through the door with curl, `host` pinned to 127.0.0.1 by `--resolve`: status and body. */
async function curl(doorPort: number, host: string, path = '/') {
  const { stdout } = await execFileAsync('curl', [
    '--silent',
    '--max-time',
    '10',
    '--resolve',
    `${host}:${doorPort}:127.0.0.1`,
    '--write-out',
    '\n%{http_code}',
    `http://${host}:${doorPort}${path}`,
  ]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

async function routesJson(env: Record<string, string>) {
  const run = await runCli(['routes', '--json'], { env });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as {
    name: string;
    project?: string;
    kind: string;
    urls: string[];
  }[];
}

describe('two stacks behind one front door', () => {
  it('routes qualified names to each project, refuses an ambiguous short name, and frees it on down', async () => {
    const { env, doorPort } = await doorTestEnv();
    onTestFinished(async () => {
      await runCli(['door', 'stop'], { env });
    });
    const alpha = writeProject(
      'alpha',
      [...service('api', 'alpha'), ...service('web', 'alpha')],
      env,
    );
    const beta = writeProject('beta', service('api', 'beta'), env);
    const url = (host: string) => `http://${host}:${doorPort}`;

    const upAlpha = await runCli(['up', '-d', '-f', alpha], { env, timeoutMs: UP_TIMEOUT_MS });
    expect(upAlpha.code, upAlpha.stderr).toBe(0);
    const door = readDoorRecord(env.PORTIER_STATE_DIR!);
    expect(door?.port).toBe(doorPort);
    const upBeta = await runCli(['up', '-d', '-f', beta], { env, timeoutMs: UP_TIMEOUT_MS });
    expect(upBeta.code, upBeta.stderr).toBe(0);
    // The second stack joined the running door rather than starting another.
    expect(readDoorRecord(env.PORTIER_STATE_DIR!)?.pid).toBe(door?.pid);
    const status = await runCli(['door', 'status', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      running: true,
      answering: true,
      pid: door?.pid,
      port: doorPort,
      routes: 3,
    });
    const statusText = await runCli(['door', 'status'], { env });
    expect(statusText.stdout.trim().split('\n')).toHaveLength(1);
    expect(statusText.stdout).toContain(`running, pid ${door?.pid}, on 127.0.0.1:${doorPort}`);

    const alphaApi = `api.alpha.localhost:${doorPort}`;
    const betaApi = `api.beta.localhost:${doorPort}`;
    expect(await curl(doorPort, 'api.alpha.localhost', '/who')).toEqual({
      status: 200,
      body: `alpha saw ${alphaApi} /who`,
    });
    expect(await curl(doorPort, 'api.beta.localhost', '/who')).toEqual({
      status: 200,
      body: `beta saw ${betaApi} /who`,
    });
    // A short name only one project has still reaches it.
    expect(await getThroughDoor(doorPort, `web.localhost:${doorPort}`, '/x')).toEqual({
      status: 200,
      body: `alpha saw web.localhost:${doorPort} /x`,
    });
    expect(await routesJson(env)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'api',
          project: 'alpha',
          kind: 'stack',
          urls: [url('api.alpha.localhost')],
        }),
        expect.objectContaining({
          name: 'web',
          project: 'alpha',
          urls: [url('web.localhost'), url('web.alpha.localhost')],
        }),
        expect.objectContaining({
          name: 'api',
          project: 'beta',
          urls: [url('api.beta.localhost')],
        }),
      ]),
    );
    expect(await routesJson(env)).toHaveLength(3);

    // Both projects have `api`: the short name goes to neither, and the 404 names both.
    const ambiguous = await curl(doorPort, 'api.localhost', '/who');
    expect(ambiguous.status).toBe(404);
    expect(ambiguous.body).not.toMatch(/ saw /);
    expect(ambiguous.body).toContain(url('api.alpha.localhost'));
    expect(ambiguous.body).toContain(url('api.beta.localhost'));
    expect(ambiguous.body).toContain('"api.localhost" is ambiguous');

    const down = await runCli(['down', '-f', beta], { env });
    expect(down.code, down.stderr).toBe(0);
    // The door re-reads the registry on change: api.localhost is alpha's alone now.
    await vi.waitFor(
      async () =>
        expect(await curl(doorPort, 'api.localhost', '/who')).toEqual({
          status: 200,
          body: `alpha saw api.localhost:${doorPort} /who`,
        }),
      { timeout: ROUTE_CHANGE_WAIT_MS, interval: 50 },
    );
    expect((await curl(doorPort, 'api.beta.localhost')).status).toBe(404);
    const after = await routesJson(env);
    expect(after.map((r) => `${r.name}.${r.project}`).sort()).toEqual(['api.alpha', 'web.alpha']);
    expect(after.find((r) => r.name === 'api')?.urls).toEqual([
      url('api.localhost'),
      url('api.alpha.localhost'),
    ]);
    // Still the one door, now with alpha's two routes.
    expect(JSON.parse((await runCli(['door', 'status', '--json'], { env })).stdout)).toMatchObject({
      running: true,
      pid: door?.pid,
      routes: 2,
    });

    expect((await runCli(['down', '-f', alpha], { env })).code).toBe(0);
    const stop = await runCli(['door', 'stop'], { env });
    expect(stop.stdout).toContain(`stopped the door (pid ${door?.pid}`);
  }, 60_000);
});
