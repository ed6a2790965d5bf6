import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { identifyProcess } from '../../src/ports/process-liveness.js';
import { runCli } from '../helpers/cli.js';
import { startFixture } from '../helpers/fixtures.js';
import { listenHere } from '../helpers/servers.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn(
    'cli-kill: the other-user test needs root to start processes as other uids (setpriv); it is skipped.',
  );

describe('portier kill', () => {
  it('frees a port whose holder ignores SIGTERM, via SIGKILL after --timeout', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--ignore-sigterm']);
    const run = await runCli(['kill', String(fixture.port), '--timeout', '300ms', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`pid ${fixture.pid}`);
    expect(run.stdout).toContain('SIGKILL');
    expect(run.stdout).toContain(`Port ${fixture.port} is free`);
    expect(identifyProcess(fixture.pid)).toBeUndefined();
  });

  it('stops a holder that closed its listener but keeps running, via SIGKILL after --timeout', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0', '--drain', '30000']);
    const run = await runCli(['kill', String(fixture.port), '--timeout', '300ms', '--yes']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Sent SIGKILL to ${fixture.pid}`);
    expect(run.stdout).toContain(`Port ${fixture.port} is free`);
    expect(identifyProcess(fixture.pid)).toBeUndefined();
  });

  it('says when connections the holder closed remain in TIME_WAIT', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    // The fixture ends each connection first, so its side of this one waits in TIME_WAIT.
    const client = connect(fixture.port, '127.0.0.1');
    client.resume();
    await once(client, 'close');
    const run = await runCli(['kill', String(fixture.port), '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.freed).toBe(true);
    expect(result.after).toMatchObject({ status: 'time-wait-only', connectionsCounted: true });
    expect(result.after.timeWait).toBeGreaterThanOrEqual(1);
  });

  it('reports the library result with --json', async () => {
    const fixture = await startFixture('listen.mjs', ['::1', '0']);
    const run = await runCli(['kill', String(fixture.port), '--json', '--signal', 'INT']);
    const result = JSON.parse(run.stdout);
    expect(run.code).toBe(0);
    expect(result).toMatchObject({ port: fixture.port, freed: true, dryRun: false, escalated: [] });
    expect(result.targets[0]).toMatchObject({ pid: fixture.pid, role: 'holder' });
  });

  it('shows what it would do with --dry-run and leaves the process running', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const run = await runCli(['kill', String(fixture.port), '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Would signal pid ${fixture.pid}`);
    expect(identifyProcess(fixture.pid)).toBeDefined();
  });

  it('exits 1 when nothing holds the port', async () => {
    const { port, server } = await listenHere('127.0.0.1');
    await new Promise((resolve) => server.close(resolve));
    const run = await runCli(['kill', String(port)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Nothing holds port ${port}`);
  });

  it.skipIf(!isRoot)(
    'explains a holder of another user it cannot see, without a stack',
    async () => {
      const fixture = await startFixture(
        'listen.mjs',
        ['127.0.0.1', '0'],
        ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
      );
      const wrapper = ['setpriv', '--reuid=1000', '--regid=1000', '--clear-groups'];
      const run = await runCli(['kill', String(fixture.port), '--json'], {
        wrapper,
        env: { HOME: '/tmp', PORTIER_STATE_DIR: '/tmp/portier-uid1000' },
      });
      expect(run.code).toBe(4);
      expect(JSON.parse(run.stdout).error.code).toBe('OWNER_NOT_VISIBLE');
      const human = await runCli(['kill', String(fixture.port)], {
        wrapper,
        env: { HOME: '/tmp' },
      });
      expect(human.stderr).toContain('sudo portier kill');
      expect(human.stderr).not.toMatch(/\n\s+at /);
      expect(identifyProcess(fixture.pid)).toBeDefined();
    },
  );
});
