import { beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/doctor/types.js';
import { pickPort } from '../../src/ports/pick-port.js';
import type { WaitResult } from '../../src/probes/wait.js';
import { assertCliBuilt, runCli } from '../helpers/cli.js';
import { killQuietly, startFixture } from '../helpers/fixtures.js';
import { ptySkipReason, startCliInPty } from '../helpers/pty.js';

// `portier wait` run like a user runs it. Where the order "wait first, server later" matters,
// the wait runs on a pseudo-terminal and the test acts once its progress line shows the wait
// is in its loop: no sleeps.

const ptySkip = ptySkipReason();
if (ptySkip)
  console.warn(`Skipping the \`portier wait\` tests that watch its progress line: ${ptySkip}.`);

async function freePort(): Promise<number> {
  return (await pickPort({ lease: false })).port;
}

function serve(port = 0) {
  return startFixture('doctor-server.mjs', ['127.0.0.1', String(port), 'http']);
}

describe('portier wait', () => {
  beforeAll(assertCliBuilt);

  it.skipIf(ptySkip !== undefined)('exits 0 when a listener appears during the wait', async () => {
    const port = await freePort();
    const wait = startCliInPty(['wait', `http://127.0.0.1:${port}/`, '--timeout', '15s']);
    // Its progress line: it has tried, been refused, and keeps waiting.
    await wait.waitForOutput(new RegExp(`waiting for http://127\\.0\\.0\\.1:${port}/: .*refused`));
    await serve(port);
    expect(await wait.exit()).toBe(0);
    expect(wait.output()).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}/ ready after`));
  });

  it('exits 1 on timeout and prints the diagnosis code on stderr', async () => {
    const port = await freePort();
    const run = await runCli(['wait', `127.0.0.1:${port}`, '--timeout', '300ms']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('NOTHING_LISTENING');
    expect(run.stdout).toBe('');
  });

  it('with --json, the timeout result carries the doctor diagnosis of each target not ready', async () => {
    const port = await freePort();
    const run = await runCli(['wait', `127.0.0.1:${port}`, '--timeout', '300ms', '--json']);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as WaitResult & { diagnoses: DoctorReport[] };
    expect(result.ok).toBe(false);
    expect(result.diagnoses.map((d) => d.findings[0]!.code)).toEqual(['NOTHING_LISTENING']);
  });

  it.skipIf(ptySkip !== undefined)(
    '--free exits 0 once the process holding the port is killed',
    async () => {
      const holder = await serve();
      const wait = startCliInPty([
        'wait',
        '--free',
        `127.0.0.1:${holder.port}`,
        '--timeout',
        '15s',
      ]);
      await wait.waitForOutput(/in use on 127\.0\.0\.1/);
      killQuietly(holder.pid);
      expect(await wait.exit()).toBe(0);
      expect(wait.output()).toMatch(new RegExp(`127\\.0\\.0\\.1:${holder.port} free after`));
    },
  );

  it('--free exits 1 while the port stays held', async () => {
    const holder = await serve();
    const run = await runCli(['wait', '--free', `127.0.0.1:${holder.port}`, '--timeout', '300ms']);
    expect(run.code).toBe(1);
  });

  it('-- cmd runs the command once ready and exits with its status', async () => {
    const server = await serve();
    const run = await runCli([
      'wait',
      `http://127.0.0.1:${server.port}/`,
      '--timeout',
      '10s',
      '--',
      process.execPath,
      '-e',
      'process.stdout.write("ran after ready"); process.exit(7)',
    ]);
    expect(run.code).toBe(7);
    expect(run.stdout).toBe('ran after ready');
  });

  it('-- cmd is not run when the wait times out', async () => {
    const port = await freePort();
    const run = await runCli([
      'wait',
      `127.0.0.1:${port}`,
      '--timeout',
      '200ms',
      '--',
      process.execPath,
      '-e',
      'process.stdout.write("should not run"); process.exit(7)',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('should not run');
  });

  it('waits for every target: exit 0 when all are ready', async () => {
    const [a, b] = await Promise.all([serve(), serve()]);
    const run = await runCli([
      'wait',
      `http://127.0.0.1:${a.port}/`,
      `127.0.0.1:${b.port}`,
      '--timeout',
      '10s',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as WaitResult;
    expect(result.targets.map((t) => t.done)).toEqual([true, true]);
  });

  it('waits for every target: exit 1 and a diagnosis for the one not ready', async () => {
    const ready = await serve();
    const missing = await freePort();
    const run = await runCli([
      'wait',
      `http://127.0.0.1:${ready.port}/`,
      `127.0.0.1:${missing}`,
      '--timeout',
      '300ms',
      '--json',
    ]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as WaitResult & { diagnoses: DoctorReport[] };
    expect(result.targets.map((t) => t.done)).toEqual([true, false]);
    expect(result.diagnoses.map((d) => d.target.port)).toEqual([missing]);
    expect(result.diagnoses[0]!.findings[0]!.code).toBe('NOTHING_LISTENING');
  });

  it('a malformed target exits 2 with INVALID_TARGET (--json)', async () => {
    const run = await runCli(['wait', 'http://[::1', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'INVALID_TARGET' } });
  });
});
