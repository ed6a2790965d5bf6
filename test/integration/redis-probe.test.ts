import { describe, expect, it } from 'vitest';
import { pickPort } from '../../src/ports/pick-port.js';
import { probe } from '../../src/probes/probe.js';
import { redisSkipReason, sendCommands, startRedis, writeRdb } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp-dir.js';

const skipReason = redisSkipReason();
if (skipReason) console.warn(`Skipping the real Redis probe tests: ${skipReason}`);

const TIMEOUT_MS = 3_000;

describe.skipIf(skipReason !== undefined)('redis probe against real redis-server', () => {
  it('is ready when PING answers PONG', async () => {
    const server = await startRedis();
    const result = await probe(`redis://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({ status: 'ready', summary: 'Redis answered PING with PONG' });
    expect(result.details).toEqual({ reply: '+PONG' });
  });

  it('counts NOAUTH (requirepass) as up, auth required', async () => {
    const server = await startRedis({ args: ['--requirepass', 'secret'] });
    const result = await probe(`redis://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result.status).toBe('ready');
    expect(result.details).toMatchObject({
      auth: 'required',
      reply: expect.stringMatching(/^-NOAUTH/),
    });
  });

  it('says a server loading its dataset is starting up (-LOADING), for real', async () => {
    // 200 keys of 1 KiB, loaded with a 50 ms pause per key (key-load-delay, in µs): the
    // server listens and answers -LOADING for about 10 s. It is killed when the test ends.
    const dir = tempDir('portier-redis-');
    await writeRdb(dir, 200);
    const server = await startRedis({
      dir,
      args: ['--key-load-delay', '50000', '--loading-process-events-interval-bytes', '1024'],
      readyLine: /Loading RDB produced by/,
    });
    const result = await probe(`redis://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'starting-up' });
    expect(result.details).toMatchObject({
      state: 'loading',
      reply: expect.stringMatching(/^-LOADING/),
    });
  });

  it('says a replica cut off from its master is not ready (-MASTERDOWN)', async () => {
    // The master is a port nothing listens on; replica-serve-stale-data no refuses PING.
    const { port: nowhere } = await pickPort({ lease: false });
    const server = await startRedis({
      args: ['--replicaof', '127.0.0.1', String(nowhere), '--replica-serve-stale-data', 'no'],
    });
    const result = await probe(`redis://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'refused-by-service' });
    expect(result.details).toMatchObject({
      state: 'busy',
      reply: expect.stringMatching(/^-MASTERDOWN/),
    });
  });

  it('says a server stuck in a script is not ready (-BUSY)', async () => {
    const server = await startRedis({ args: ['--busy-reply-threshold', '100'] });
    // The script never returns; from 100 ms on, every other client gets -BUSY.
    void sendCommands(server.port, [['EVAL', 'while true do end', '0']]).catch(() => {});
    await expect
      .poll(
        async () =>
          (await probe(`redis://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS })).details
            ?.reply,
        { timeout: 5_000 },
      )
      .toMatch(/^-BUSY/);
    const result = await probe(`redis://127.0.0.1:${server.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({
      status: 'not-ready',
      problem: 'refused-by-service',
      details: { state: 'busy' },
    });
  });
});
