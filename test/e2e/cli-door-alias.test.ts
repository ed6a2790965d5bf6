import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { assertCliBuilt, runCli } from '../helpers/cli.js';
import { doorTestEnv, getThroughDoor } from '../helpers/door.js';
import { listen } from '../helpers/servers.js';

assertCliBuilt();

/** An HTTP server on `host` that says who it is. */
function httpServer(host: string) {
  return listen(
    createServer((req, res) => res.end(`db admin on ${host} saw ${req.headers.host}`)),
    host,
  );
}

describe('portier alias', () => {
  it('names a server listening on ::1 only, routes to ::1, and removes the name', async () => {
    const { env, doorPort } = await doorTestEnv();
    const port = await httpServer('::1');
    const add = await runCli(['alias', 'adminer', String(port)], { env });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toBe(`http://adminer.localhost:${doorPort} → [::1]:${port}\n`);

    const list = await runCli(['routes'], { env });
    expect(list.stdout).toMatch(/^URL\s+UPSTREAM\s+KIND\s+OWNER\n/);
    expect(list.stdout).toContain(`http://adminer.localhost:${doorPort}  [::1]:${port}`);
    expect(list.stdout).toContain('(alias)');
    const answer = await getThroughDoor(doorPort, `adminer.localhost:${doorPort}`);
    expect(answer).toEqual({
      status: 200,
      body: `db admin on ::1 saw adminer.localhost:${doorPort}`,
    });

    const remove = await runCli(['alias', 'adminer', '--remove'], { env });
    expect(remove.code).toBe(0);
    expect(JSON.parse((await runCli(['routes', '--json'], { env })).stdout)).toEqual([]);
    const again = await runCli(['alias', 'adminer', '--remove'], { env });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('no alias adminer');
  });

  it('prefers 127.0.0.1 when both answer, and takes --host as given', async () => {
    const { env } = await doorTestEnv();
    const port = await httpServer('127.0.0.1');
    const json = await runCli(['alias', 'api', String(port), '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'api',
      kind: 'alias',
      upstream: { address: '127.0.0.1', port },
    });
    // Nothing listens there yet: named anyway with --host.
    const later = await runCli(['alias', 'later', '1', '--host', '[::1]', '--json'], { env });
    expect(later.code, later.stdout).toBe(0);
    expect(JSON.parse(later.stdout).upstream).toEqual({ address: '::1', port: 1 });
  });

  it('says nothing listens, with exit 2, when the port is not answered on loopback', async () => {
    const { env } = await doorTestEnv();
    const run = await runCli(['alias', 'ghost', '1', '--json'], { env });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'INVALID_TARGET', port: 1 });
  });

  it("refuses the door's own port, which would loop", async () => {
    const { env, doorPort } = await doorTestEnv();
    const run = await runCli(['alias', 'loop', String(doorPort), '--host', '127.0.0.1', '--json'], {
      env,
    });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'INVALID_OPTION', port: doorPort });
  });

  it.each([
    [['alias', 'Bad_Name', '8080'], 'INVALID_OPTION'],
    [['alias', 'api', 'abc'], 'INVALID_PORT'],
    [['alias', 'api', '-1'], 'INVALID_PORT'],
    [['alias', 'api', '8080', '--host', 'localhost'], 'INVALID_OPTION'],
    [['alias', 'api'], 'USAGE'],
    [['alias', 'api', '8080', '--remove'], 'USAGE'],
    [['alias'], 'USAGE'],
  ])('%j exits 2 with %s', async (args, code) => {
    const { env } = await doorTestEnv();
    const run = await runCli([...args, '--json'], { env });
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout).error.code).toBe(code);
  });
});

describe('portier routes', () => {
  it('says how to add a route when there is none', async () => {
    const { env } = await doorTestEnv();
    const run = await runCli(['routes'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('portier run <name> -- <cmd…>');
    expect(JSON.parse((await runCli(['routes', '--json'], { env })).stdout)).toEqual([]);
  });
});
