import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickPort } from '../../src/ports/pick-port.js';
import { type PreparedPostgres, preparePostgres } from '../../src/stack/builtins/postgres.js';
import { loadStackConfig } from '../../src/stack/config/load-stack-config.js';
import {
  binariesOrSkipReason,
  makeTempDir,
  type RunningPostgres,
  startPrepared,
  stopChild,
} from './stack-postgres-fixtures.js';

// The demo stack of examples/ without the supervisor: the built-in PostgreSQL, then the
// commands of examples/portier.yaml run the way `portier up` runs them (through /bin/sh, in
// examples/, with the env it injects).
const repo = fileURLToPath(new URL('../../', import.meta.url));
const examples = join(repo, 'examples');
const found = await binariesOrSkipReason();
const skipReason =
  typeof found === 'string'
    ? found
    : existsSync(join(repo, 'dist/cli.cjs'))
      ? undefined
      : 'the CLI is not built (run npm run build) and the web service runs it';
if (skipReason) console.warn(`Skipping the demo stack test: ${skipReason}`);

// Through the real loader, so the demo's file stays valid as the schema evolves.
const config = loadStackConfig({ cwd: examples });
const service = (name: string) => config.services.find((s) => s.name === name)!;
const scriptOf = (name: string) => {
  const command = service(name).command;
  if (command?.kind !== 'shell') throw new Error(`${name}: expected a shell command`);
  return command.script;
};

/** A service process with its output; stopped (process group) in afterAll. */
interface Service {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

describe.skipIf(skipReason !== undefined)('the demo stack (examples/)', () => {
  const cleanups: (() => unknown)[] = [];
  const services: Service[] = [];
  let db: RunningPostgres;
  let prepared: PreparedPostgres;
  let apiPort: number;
  let webPort: number;

  /** The env `portier up` gives a service (PORT, HOST, PORTIER_URL, <DEP>_URL, DATABASE_URL). */
  const envFor = (port: number | undefined, deps: Record<string, string>) => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PORTIER_PROJECT: config.name,
    ...(port === undefined
      ? {}
      : { PORT: String(port), HOST: '127.0.0.1', PORTIER_URL: `http://127.0.0.1:${port}` }),
    ...deps,
  });

  /**
   * Runs a portier.yaml command through /bin/sh in examples/, in its own process group.
   * `direct`: run its words without the shell, so that signals reach the program itself.
   */
  const run = (name: string, env: Record<string, string>, direct = false): Service => {
    const command = scriptOf(name);
    const [file, ...args] = direct ? command.split(' ') : ['/bin/sh', '-c', command];
    const child = spawn(file!, args, {
      cwd: examples,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = { child, output: () => output, exited };
    services.push(started);
    return started;
  };

  /** Resolves once the service printed a line matching `pattern`; rejects if it exits first. */
  const waitForOutput = (service: Service, pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const streams = [service.child.stdout!, service.child.stderr!];
      const check = () => {
        if (!pattern.test(service.output())) return;
        for (const stream of streams) stream.off('data', check);
        resolve();
      };
      for (const stream of streams) stream.on('data', check);
      service.exited.then((code) => reject(new Error(`exited ${code}:\n${service.output()}`)));
      check();
    });

  const dbEnv = () => ({ DATABASE_URL: prepared.url, DB_URL: prepared.url });

  beforeAll(async () => {
    const dataRoot = join(makeTempDir('portier-demo-state-', cleanups), 'postgres', 'db');
    const sharedRoot = makeTempDir('portier-demo-shared-', cleanups, true);
    const { ports } = await pickPort({ lease: false, count: 3 });
    const [dbPort, api, web] = ports as [number, number, number];
    [apiPort, webPort] = [api, web];
    prepared = await preparePostgres({
      dataRoot,
      port: dbPort,
      settings: { database: 'app', user: 'portier', settings: {} },
      sharedRoot,
      binaries: typeof found === 'string' ? undefined : found,
    });
    db = await startPrepared(prepared);
  }, 60_000);

  afterAll(async () => {
    for (const service of services) {
      // By process group: the shell and what it started.
      if (service.child.exitCode === null && service.child.signalCode === null) {
        try {
          process.kill(-service.child.pid!, 'SIGTERM');
        } catch {}
      }
      await Promise.race([service.exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (service.child.exitCode === null) {
        try {
          process.kill(-service.child.pid!, 'SIGKILL');
        } catch {}
      }
    }
    await db?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('declares db, migrate → api → web in portier.yaml', () => {
    expect(config.name).toBe('demo');
    expect(service('db').postgres).toMatchObject({ database: 'app', user: 'portier' });
    expect(service('migrate').dependsOn).toEqual({ db: 'healthy' });
    expect(service('migrate').restart.policy).toBe('no');
    expect(service('api').dependsOn).toEqual({ db: 'healthy', migrate: 'completed' });
    expect(service('api').ready).toEqual({ kind: 'http', path: '/health' });
    expect(service('web').dependsOn).toEqual({ api: 'healthy' });
    // Run without a shell below; keep it a plain command so that stays the same thing.
    expect(scriptOf('api')).toBe('node api/server.mjs');
  });

  it('migrate creates and seeds the table, and a second run changes nothing', async () => {
    const first = run('migrate', envFor(undefined, dbEnv()));
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toContain('3 seeded, 3 in total');
    const second = run('migrate', envFor(undefined, dbEnv()));
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toContain('0 seeded, 3 in total');
  });

  it('api serves the rows from PostgreSQL and adds greetings', async () => {
    const api = run('api', envFor(apiPort, dbEnv()), true);
    await waitForOutput(api, /listening on/);
    const base = `http://127.0.0.1:${apiPort}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);

    const listed = await (await fetch(`${base}/api/greetings`)).json();
    const client = new pg.Client({ connectionString: prepared.url });
    await client.connect();
    try {
      const { rows } = await client.query('select id, text from greetings order by id');
      expect(listed.map((g: { id: number; text: string }) => ({ id: g.id, text: g.text }))).toEqual(
        rows,
      );
      expect(rows.map((row) => row.text)).toContain('Hello from PostgreSQL!');

      const created = await fetch(`${base}/api/greetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '  Hi from the test  ' }),
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ text: 'Hi from the test' });
      const after = await client.query(
        "select count(*)::int as n from greetings where text = 'Hi from the test'",
      );
      expect(after.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });

  it.each([
    ['{}', 400],
    ['{"text":"   "}', 400],
    [JSON.stringify({ text: 'x'.repeat(201) }), 400],
    ['{"text":', 400],
    ['[1]', 400],
  ])('api answers POST %s with %i and a JSON error', async (body, status) => {
    const response = await fetch(`http://127.0.0.1:${apiPort}/api/greetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(status);
    expect(typeof (await response.json()).error).toBe('string');
  });

  it('api answers unknown paths with 404 JSON', async () => {
    const response = await fetch(`http://127.0.0.1:${apiPort}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it('web serves the page and forwards /api to the api', async () => {
    const web = run('web', envFor(webPort, { API_URL: `http://127.0.0.1:${apiPort}` }));
    await waitForOutput(web, new RegExp(`127\\.0\\.0\\.1:${webPort}`));
    const page = await fetch(`http://127.0.0.1:${webPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Greetings');
    const viaProxy = await (await fetch(`http://127.0.0.1:${webPort}/api/greetings`)).json();
    expect(viaProxy.map((g: { text: string }) => g.text)).toContain('Hi from the test');
  });

  it('api exits 0 on SIGTERM after closing its server and pool', async () => {
    const api = services.find((s) => s.output().includes('api: listening'))!;
    await stopChild(api.child, 'SIGTERM');
    expect(api.child.exitCode).toBe(0);
    expect(api.output()).toContain('api: SIGTERM, closing');
  });
});
