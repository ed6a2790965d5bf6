import { describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/probe.js';
import { startFixture } from '../helpers/fixtures.js';

// No MySQL server is installed here (Debian ships MariaDB only), so a fixture plays the first
// packet: a MySQL 8.0.42 greeting or an ERR. The probe sends nothing to a server that greets.

const TIMEOUT_MS = 3_000;

describe('mysql probe against a fake MySQL server', () => {
  it('is ready on a greeting and reports the server version', async () => {
    const server = await startFixture('fake-mysql.mjs', ['greeting']);
    const result = await probe(`mysql://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({
      status: 'ready',
      summary: 'MySQL 8.0.42 greeted the probe (protocol 10, caching_sha2_password)',
    });
    expect(result.details).toMatchObject({
      serverVersion: '8.0.42',
      protocolVersion: 10,
      connectionId: 13,
      ssl: true,
    });
  });

  it('reads a greeting that arrives one byte at a time', async () => {
    const server = await startFixture('fake-mysql.mjs', ['greeting', '--split']);
    const result = await probe(`mysql://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result.details).toMatchObject({ serverVersion: '8.0.42' });
  });

  it('reports ERR 1130 (host not allowed) as refused by the service', async () => {
    const server = await startFixture('fake-mysql.mjs', ['err-1130']);
    const result = await probe(`mysql://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'refused-by-service' });
    expect(result.details).toEqual({
      errorCode: 1130,
      message: "Host '127.0.0.1' is not allowed to connect to this MySQL server",
    });
  });

  it('reports ERR 1040 (too many connections) as refused by the service', async () => {
    const server = await startFixture('fake-mysql.mjs', ['err-1040']);
    const result = await probe(`mysql://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'refused-by-service',
      details: { errorCode: 1040 },
    });
    expect(result.summary).toBe('MySQL refused the connection: ERROR 1040: Too many connections');
  });
});
