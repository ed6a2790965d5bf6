import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/net/target.js';
import { probe } from '../../src/probes/probe.js';
import { mysqlProbe } from '../../src/probes/protocols/mysql.js';
import { postgresProbe } from '../../src/probes/protocols/postgres.js';
import { buildSslRequest, buildStartupMessage } from '../../src/probes/protocols/postgres-wire.js';
import { redisProbe } from '../../src/probes/protocols/redis.js';
import type { ProtocolProbe } from '../../src/probes/types.js';
import { PG18_REPLIES } from '../helpers/postgres-captured.js';
import { connectTo, dribble, httpServer, scriptedServer } from '../helpers/scripted-server.js';

// Peers that real servers cannot be made into on demand: other protocols, silence, hang-ups,
// resets, replies split into single bytes. Real PostgreSQL and Redis states are tested in
// postgres-probe.test.ts and redis-probe.test.ts.

const KINDS = [
  ['postgres', postgresProbe],
  ['redis', redisProbe],
  ['mysql', mysqlProbe],
] as const satisfies readonly (readonly [string, ProtocolProbe])[];

const SSH_BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n';

describe.each(KINDS)('%s probe against other peers', (kind, protocol) => {
  it('names an HTTP server on the port (wrong-service)', async () => {
    const port = await httpServer();
    const result = await probe(`${kind}://127.0.0.1:${port}`, { timeoutMs: 3_000 });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'wrong-service' });
    expect(result.details).toMatchObject({ service: 'http' });
    expect(result.summary).toContain('the server speaks HTTP ("HTTP/1.1 400 Bad Request")');
  });

  it('names an SSH server on the port (wrong-service)', async () => {
    const port = await scriptedServer((socket) => socket.write(SSH_BANNER));
    const result = await probe(`${kind}://127.0.0.1:${port}`, { timeoutMs: 3_000 });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'wrong-service' });
    expect(result.details).toMatchObject({ service: 'ssh' });
    expect(result.summary).toContain(`("${SSH_BANNER.trim()}")`);
  });

  it('gives up on a silent peer within timeoutMs 300 (no-response)', async () => {
    const port = await scriptedServer((socket) => socket.resume());
    const started = performance.now();
    const result = await probe(`${kind}://127.0.0.1:${port}`, { timeoutMs: 300 });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ status: 'not-ready', problem: 'no-response' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(450);
  });

  it('reports a peer that hangs up at once (closed-before-data)', async () => {
    const port = await scriptedServer((socket) => {
      // Read what the probe sends, so the close is a FIN and not a reset.
      socket.resume();
      socket.end();
    });
    const result = await probe(`${kind}://127.0.0.1:${port}`, { timeoutMs: 3_000 });
    expect(result.status).toBe('not-ready');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['closed-before-data']);
  });

  it('reports a peer that resets the connection (reset-after-connect)', async () => {
    let accepted!: (socket: Socket) => void;
    const serverSide = new Promise<Socket>((resolve) => {
      accepted = resolve;
    });
    const port = await scriptedServer(accepted);
    const socket = await connectTo(port);
    const exchange = protocol.exchange(socket, parseTarget(`${kind}://127.0.0.1:${port}`), {
      timeoutMs: 3_000,
    });
    // Reset only once the exchange listens; a reset before that is a refused connect.
    (await serverSide).resetAndDestroy();
    const result = await exchange;
    expect(result).toMatchObject({
      ready: false,
      outcome: 'reset-after-connect',
      details: { errno: 'ECONNRESET' },
    });
  });
});

describe('postgres probe wire behaviour', () => {
  const target = (port: number) => parseTarget(`postgres://app@127.0.0.1:${port}/shop`);

  it('reads replies that arrive one byte at a time', async () => {
    const port = await scriptedServer((socket) => {
      let step = 0;
      socket.on('data', () => {
        // First the SSL answer, then the captured PostgreSQL 18.4 session start.
        void dribble(
          socket,
          step++ === 0 ? Buffer.from('N') : Buffer.from(PG18_REPLIES.READY, 'hex'),
        );
      });
    });
    const result = await postgresProbe.exchange(await connectTo(port), target(port), {
      timeoutMs: 3_000,
    });
    expect(result).toMatchObject({
      ready: true,
      details: { state: 'ready', serverVersion: '18.4' },
    });
  });

  it('sends SSLRequest and StartupMessage only, never a password, then closes', async () => {
    let received = Buffer.alloc(0);
    let closed!: () => void;
    const done = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const port = await scriptedServer((socket) => {
      socket.on('data', (chunk) => {
        const first = received.length === 0;
        received = Buffer.concat([received, chunk]);
        socket.write(first ? 'N' : Buffer.from('520000000800000003', 'hex')); // cleartext password, please
      });
      socket.on('close', closed);
    });
    const socket = await connectTo(port);
    const result = await postgresProbe.exchange(socket, target(port), { timeoutMs: 3_000 });
    socket.destroy();
    await done;
    expect(result.details).toMatchObject({ state: 'auth-required', auth: 'password' });
    const startup = buildStartupMessage({
      user: 'app',
      database: 'shop',
      application_name: 'portier-probe',
    });
    expect(received.toString('hex')).toBe(
      Buffer.concat([buildSslRequest(), startup]).toString('hex'),
    );
  });

  it('sends Terminate after ReadyForQuery', async () => {
    let received = Buffer.alloc(0);
    const port = await scriptedServer((socket) => {
      let step = 0;
      socket.on('data', (chunk) => {
        received = Buffer.concat([received, chunk]);
        // The probe waits for each answer, so each of its messages is one chunk here.
        step += 1;
        if (step === 1) socket.write('N');
        if (step === 2) socket.write(Buffer.from(PG18_REPLIES.READY, 'hex'));
      });
    });
    await postgresProbe.exchange(await connectTo(port), target(port), { timeoutMs: 3_000 });
    await expect.poll(() => received.subarray(-5).toString('hex')).toBe('5800000004');
  });

  it('reports a TLS failure after S (tls-error)', async () => {
    const port = await scriptedServer((socket) => {
      socket.once('data', () => {
        socket.write('S');
        // The ClientHello comes next; answering it with plain text breaks the handshake.
        socket.once('data', () => socket.end('this is not TLS\n'));
      });
    });
    const result = await postgresProbe.exchange(await connectTo(port), target(port), {
      timeoutMs: 3_000,
    });
    expect(result).toMatchObject({
      ready: false,
      problem: 'tls-error',
      details: { state: 'tls-error', ssl: true },
    });
  });
});

describe('redis and mysql wire behaviour', () => {
  it('redis: reads a PONG split across segments', async () => {
    const port = await scriptedServer((socket) => {
      socket.once('data', () => void dribble(socket, Buffer.from('+PONG\r\n')));
    });
    const result = await probe(`redis://127.0.0.1:${port}`, { timeoutMs: 3_000 });
    expect(result).toMatchObject({ status: 'ready', details: { reply: '+PONG' } });
  });

  it('mysql: sends nothing to a server that greets', async () => {
    let received = 0;
    const port = await scriptedServer((socket) => {
      socket.on('data', (chunk) => {
        received += chunk.length;
      });
      socket.write(
        Buffer.from(
          '4a0000000a382e302e3432000d0000002f6a1c5e3b7d0a4400ffffff0200ffdf1500000000000000000000' +
            '61225a6b0c3e19274f5870210063616368696e675f736861325f70617373776f726400',
          'hex',
        ),
      );
    });
    const socket = await connectTo(port);
    const result = await mysqlProbe.exchange(socket, parseTarget(`mysql://127.0.0.1:${port}`), {
      timeoutMs: 3_000,
    });
    expect(result.ready).toBe(true);
    expect(received).toBe(0);
  });
});
