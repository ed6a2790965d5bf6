import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { doorTestEnv, getThroughDoor } from '../helpers/door.js';
import { stackFixture } from '../helpers/stack.js';

describe('portier up behind the door', () => {
  it('dials a service on ::1 when that is the only address it listens on', async () => {
    const { env, stateDir, doorPort } = await doorTestEnv();
    const file = join(stateDir, 'portier.yaml');
    writeFileSync(
      file,
      [
        'name: six',
        'services:',
        '  api:',
        `    command: ${process.execPath} ${stackFixture('http-service.mjs')}`,
        '    env: { HOST: "::1" }',
        '    ready: tcp',
        '',
      ].join('\n'),
    );
    onTestFinished(async () => {
      await runCli(['down', '-f', file], { env });
    });
    const up = await runCli(['up', '-d', '-f', file], { env, timeoutMs: 30_000 });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`http://api.six.localhost:${doorPort}`);
    let answer = { status: 0, body: '' };
    for (let i = 0; i < 100 && answer.status !== 200; i++) {
      answer = await getThroughDoor(doorPort, `api.six.localhost:${doorPort}`, '/health');
      if (answer.status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(answer).toEqual({ status: 200, body: 'ok' });
    const routes = JSON.parse((await runCli(['routes', '--json'], { env })).stdout) as {
      upstream: { address: string };
    }[];
    expect(routes.map((r) => r.upstream.address)).toEqual(['::1']);
  });
});
