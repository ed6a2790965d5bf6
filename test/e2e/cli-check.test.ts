import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startFixture } from '../helpers/fixtures.js';
import { listenHere } from '../helpers/servers.js';

describe('portier check', () => {
  it('exits 0 for a listening tcp target and prints the attempt', async () => {
    const fixture = await startFixture('listen.mjs', ['::1', '0']);
    const run = await runCli(['check', `[::1]:${fixture.port}`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ready');
    expect(run.stdout).toContain(`connect [::1]:${fixture.port} → connected`);
  });

  it('exits 1 for a refused target, records the outcome per address and points at doctor', async () => {
    const { port, server } = await listenHere('127.0.0.1');
    await new Promise((resolve) => server.close(resolve));
    const run = await runCli(['check', `127.0.0.1:${port}`, '--json']);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('down');
    expect(result.attempts).toEqual([
      expect.objectContaining({ address: '127.0.0.1', outcome: 'refused', errno: 'ECONNREFUSED' }),
    ]);
    const human = await runCli(['check', `127.0.0.1:${port}`]);
    expect(human.stdout).toContain(`portier doctor 127.0.0.1:${port}`);
  });

  it.each([':80', '[::1:80', 'host:99999', 'ftp://x'])(
    'rejects %s with INVALID_TARGET, exit 2',
    async (target) => {
      const run = await runCli(['check', target, '--json']);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout).error.code).toBe('INVALID_TARGET');
    },
  );

  it('rejects a malformed --accept list', async () => {
    const run = await runCli(['check', 'http://127.0.0.1:9', '--accept', '2xx', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error.code).toBe('INVALID_OPTION');
  });
});
