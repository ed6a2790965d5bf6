import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackStatus } from '../../src/stack/types.js';
import { runCli } from '../helpers/cli.js';
import { postgresSkipReason } from '../helpers/postgres.js';

const DEMO = join(import.meta.dirname, '..', '..', 'examples', 'portier.yaml');
const skip = await postgresSkipReason();
if (skip) console.warn(`skipping the demo stack test: ${skip}`);

const stateDir = mkdtempSync(join(tmpdir(), 'portier-demo-state-'));
// As root the database runs as nobody, who must pass through the state dir to its data
// (mkdtemp makes it 0700; otherwise the data would move to /var/tmp).
chmodSync(stateDir, 0o711);
const env = { PORTIER_STATE_DIR: stateDir };
afterAll(async () => {
  await runCli(['down', '-f', DEMO], { env });
  rmSync(stateDir, { recursive: true, force: true });
});

async function up(extra: string[] = []): Promise<StackStatus> {
  const run = await runCli(['up', '--no-door', '-d', '-f', DEMO, ...extra], {
    env,
    timeoutMs: 60_000,
  });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toMatch(/demo settled in/);
  const ps = await runCli(['ps', '--json', '-f', DEMO], { env });
  return JSON.parse(ps.stdout) as StackStatus;
}

describe.skipIf(skip !== undefined)('the demo stack in examples/', () => {
  it('comes up in order and the web front end reaches the API, which answers from PostgreSQL', async () => {
    const status = await up(['--fresh']);
    const state = Object.fromEntries(status.services.map((s) => [s.name, s.state]));
    expect(state).toEqual({ db: 'healthy', migrate: 'completed', api: 'healthy', web: 'healthy' });
    const web = status.services.find((s) => s.name === 'web')!;
    const list = await fetch(`${web.url}/api/greetings`);
    expect(list.status).toBe(200);
    const rows = (await list.json()) as { text: string }[];
    expect(rows.map((r) => r.text)).toContain('Hello from PostgreSQL!');
    const added = await fetch(`${web.url}/api/greetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'kept across runs' }),
    });
    expect(added.status).toBe(201);
    const page = await fetch(`${web.url}/`);
    expect(await page.text()).toMatch(/<html/i);
    expect((await runCli(['down', '-f', DEMO], { env })).code).toBe(0);

    // Data lives in the project's state: a second run sees the row, --fresh starts empty.
    const again = await up();
    const url = again.services.find((s) => s.name === 'web')!.url!;
    expect(again.services.find((s) => s.name === 'web')!.port).toBe(web.port);
    const texts = ((await (await fetch(`${url}/api/greetings`)).json()) as { text: string }[]).map(
      (r) => r.text,
    );
    expect(texts).toContain('kept across runs');
    expect((await runCli(['down', '-f', DEMO], { env })).code).toBe(0);
    const fresh = await up(['--fresh']);
    const freshUrl = fresh.services.find((s) => s.name === 'web')!.url!;
    const freshTexts = (
      (await (await fetch(`${freshUrl}/api/greetings`)).json()) as { text: string }[]
    ).map((r) => r.text);
    expect(freshTexts).not.toContain('kept across runs');
  });
});
