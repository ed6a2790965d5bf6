import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SelfTestReport } from '../../src/doctor/self-test.js';
import type { DoctorReport } from '../../src/doctor/types.js';
import { probeBind } from '../../src/ports/bind-probe.js';
import { pickPort } from '../../src/ports/pick-port.js';
import { assertCliBuilt, runCli } from '../helpers/cli.js';
import { fixturePath, killQuietly, startFixture } from '../helpers/fixtures.js';
import { asUid, NOBODY_UID, otherUserSkipReason, VIEWER_UID } from '../helpers/other-user.js';
import { ptySkipReason, startCliInPty } from '../helpers/pty.js';
import { readableCopy } from '../helpers/readable-copy.js';

// `portier doctor` run like a user runs it: the self-test, a target, and a target with the
// command that should serve it (`-- cmd`) or its pid. Assertions name finding codes.

async function freePort(): Promise<number> {
  return (await pickPort({ lease: false })).port;
}

const codes = (report: { findings: Array<{ code: string }> }) => report.findings.map((f) => f.code);

/** `node -e` source of a server that listens on 127.0.0.1:port and dies of the listen error. */
const listenOn = (port: number) => `require('net').createServer().listen(${port}, '127.0.0.1')`;

const ptySkip = ptySkipReason();
if (ptySkip)
  console.warn(
    `Skipping the \`portier doctor --pid\` test that watches its progress line: ${ptySkip}.`,
  );

describe('portier doctor', () => {
  beforeAll(assertCliBuilt);

  it('without a target runs the loopback self-test: exit 0, LOOPBACK_ECHO for both families', async () => {
    const run = await runCli(['doctor', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as SelfTestReport;
    expect(report.ok).toBe(true);
    const echoes = report.findings.filter((f) => f.code === 'LOOPBACK_ECHO');
    expect(echoes).toHaveLength(2);
    const v4 = echoes.find((f) => f.evidence.some((e) => e.includes('127.0.0.1')));
    const v6 = echoes.find((f) => f.evidence.some((e) => e.includes('::1')));
    expect(v4?.severity).toBe('ok');
    // ::1 may be off in a container: then the echo is a warning, never an error.
    expect(v6?.severity).toBe(report.machine.ipv6.enabled ? 'ok' : 'warning');
    expect(codes(report)).toEqual(
      expect.arrayContaining([
        'LOCALHOST_RESOLUTION',
        'EPHEMERAL_RANGE',
        'UNPRIVILEGED_PORT_START',
      ]),
    );
  });

  it('<target> while a server listens: exit 0 with REACHABLE', async () => {
    const server = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'http']);
    const run = await runCli(['doctor', `http://127.0.0.1:${server.port}/`, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(codes(report)).toEqual(['REACHABLE']);
    expect(report.ok).toBe(true);
  });

  it('<target> with nothing listening: exit 1, the text names NOTHING_LISTENING', async () => {
    const port = await freePort();
    const run = await runCli(['doctor', `127.0.0.1:${port}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOTHING_LISTENING');
  });

  it('<target> -- cmd that crashes before listening: PROCESS_EXITED with its exit code and output tail', async () => {
    const port = await freePort();
    const run = await runCli([
      'doctor',
      `127.0.0.1:${port}`,
      '--wait',
      '10s',
      '--json',
      '--',
      process.execPath,
      fixturePath('crash-before-listen.mjs'),
      '3',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(codes(report)).toEqual(['PROCESS_EXITED']);
    expect(report.watched?.exit).toMatchObject({ code: 3, signal: null });
    const evidence = report.findings[0]!.evidence;
    expect(evidence).toContain('output: starting portier-fixture server');
    expect(evidence).toContain('output: fixture: giving up with exit code 3');
  });

  it('<target> -- cmd that cannot be started: PROCESS_EXITED at once, not after --wait', async () => {
    // Regression: a spawn error (ENOENT) emits no 'exit', and the doctor waited all of --wait.
    const port = await freePort();
    const run = await runCli(
      ['doctor', `127.0.0.1:${port}`, '--wait', '30s', '--json', '--', '/nonexistent/portier-cmd'],
      { timeoutMs: 10_000 },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(codes(report)).toEqual(['PROCESS_EXITED']);
    expect(report.findings[0]!.evidence.join('\n')).toContain('ENOENT');
    expect(report.elapsedMs).toBeLessThan(5_000);
  });

  it.skipIf(ptySkip !== undefined)(
    '<target> --pid N of a process that dies during the wait: PROCESS_EXITED',
    async () => {
      const watched = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'never-answer']);
      const port = await freePort();
      const doctor = startCliInPty([
        'doctor',
        `127.0.0.1:${port}`,
        '--pid',
        String(watched.pid),
        '--wait',
        '15s',
      ]);
      // Its progress line says it is watching; then the process dies.
      await doctor.waitForOutput(new RegExp(`while watching pid ${watched.pid}`));
      killQuietly(watched.pid);
      expect(await doctor.exit()).toBe(1);
      expect(doctor.output()).toContain('PROCESS_EXITED');
      expect(doctor.output()).not.toContain('NOTHING_LISTENING');
    },
  );

  it('<target> -- cmd that listens on another port: WRONG_PORT naming that port', async () => {
    const port = await freePort();
    const run = await runCli([
      'doctor',
      `127.0.0.1:${port}`,
      // Long enough for node to start and listen; the doctor waits all of it for the target.
      '--wait',
      '2s',
      '--timeout',
      '500ms',
      '--json',
      '--',
      process.execPath,
      fixturePath('listen.mjs'),
      '127.0.0.1',
      '0',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    // The fixture printed the port it got; the doctor must name that one.
    const printed = JSON.parse(report.watched!.outputTail[0]!) as { port: number };
    expect(printed.port).not.toBe(port);
    expect(codes(report)).toEqual(['WRONG_PORT']);
    expect(report.watched?.listening).toEqual([{ address: '127.0.0.1', port: printed.port }]);
    expect(report.findings[0]!.summary).toContain(`127.0.0.1:${printed.port}`);
  });

  it('<target> --pid N of a process that listens elsewhere: WRONG_PORT', async () => {
    const other = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'http']);
    const port = await freePort();
    const run = await runCli([
      'doctor',
      `127.0.0.1:${port}`,
      '--pid',
      String(other.pid),
      '--wait',
      '500ms',
      '--json',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(codes(report)).toEqual(['WRONG_PORT']);
    expect(report.watched?.listening).toEqual([{ address: '127.0.0.1', port: other.port }]);
  });

  it('<target> -- cmd that fails with EADDRINUSE: PROCESS_EXITED, then IN_USE_BY_PID naming the holder', async () => {
    // The holder speaks another protocol, so the http target is not ready before the command
    // fails: the report is about the command, not about the holder answering.
    const holder = await startFixture('doctor-server.mjs', ['127.0.0.1', '0', 'banner']);
    const run = await runCli([
      'doctor',
      `http://127.0.0.1:${holder.port}/`,
      '--wait',
      '10s',
      '--timeout',
      '500ms',
      '--json',
      '--',
      process.execPath,
      '-e',
      listenOn(holder.port),
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(codes(report).slice(0, 2)).toEqual(['PROCESS_EXITED', 'IN_USE_BY_PID']);
    expect(report.findings[1]!.summary).toContain(`pid ${holder.pid}`);
    expect(report.watched?.outputTail.join('\n')).toContain('EADDRINUSE');
  });
});

const userSkip = otherUserSkipReason();
if (userSkip)
  console.warn(`Skipping the doctor's other-user and privileged-port situations: ${userSkip}.`);

/** A port below the unprivileged start that nothing uses, or why there is none. */
async function privilegedPort(): Promise<number | string> {
  const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
  if (!(start > 1))
    return `every port is unprivileged here (net.ipv4.ip_unprivileged_port_start = ${start})`;
  for (const port of [80, 81, 280, 591, 777, start - 1]) {
    if (port < start && (await probeBind('127.0.0.1', port)) === 'free') return port;
  }
  return 'no privileged port is free on 127.0.0.1';
}

describe.skipIf(userSkip !== undefined)('portier doctor as an unprivileged user (setpriv)', () => {
  beforeAll(assertCliBuilt);

  it('the port is held by another user: PROCESS_EXITED, then IN_USE_BY_OTHER_USER', async () => {
    const holder = await startFixture(
      'doctor-server.mjs',
      ['127.0.0.1', '0', 'banner'],
      asUid(NOBODY_UID),
    );
    const run = await runCli(
      [
        'doctor',
        `http://127.0.0.1:${holder.port}/`,
        '--wait',
        '10s',
        '--timeout',
        '500ms',
        '--json',
        '--',
        process.execPath,
        '-e',
        listenOn(holder.port),
      ],
      { wrapper: asUid(VIEWER_UID), env: { HOME: '/tmp' } },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(codes(report).slice(0, 2)).toEqual(['PROCESS_EXITED', 'IN_USE_BY_OTHER_USER']);
    expect(report.listeners[0]).toMatchObject({ ownerHidden: true, uid: NOBODY_UID });
  });

  it('a privileged port as uid 1000: PROCESS_EXITED, then PRIVILEGED_PORT', async (context) => {
    const port = await privilegedPort();
    if (typeof port === 'string') {
      console.warn(`Skipping the privileged-port situation: ${port}.`);
      context.skip();
      return;
    }
    const fixture = join(readableCopy(), 'test/fixtures/doctor-server.mjs');
    const run = await runCli(
      [
        'doctor',
        `127.0.0.1:${port}`,
        '--wait',
        '10s',
        '--timeout',
        '500ms',
        '--json',
        '--',
        process.execPath,
        fixture,
        '127.0.0.1',
        String(port),
        'http',
      ],
      { wrapper: asUid(VIEWER_UID), env: { HOME: '/tmp' } },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(codes(report)).toEqual(['PROCESS_EXITED', 'PRIVILEGED_PORT']);
    expect(report.watched?.outputTail.join('\n')).toContain('EACCES');
  });
});
