/**
 * The pure parts of the built-in PostgreSQL: command lines, pg_hba.conf, the setup SQL run in
 * single-user mode, the reading of its output, and the connection URL.
 */

/** Where the server listens: loopback only, both families (a stack port is free on both). */
export const LISTEN_ADDRESSES = '127.0.0.1,::1';
/** Host in DATABASE_URL: IPv4 loopback, which every client resolves the same way. */
export const DATABASE_HOST = '127.0.0.1';

/**
 * initdb arguments: superuser `user`, UTF8 with the C locale (fast, identical everywhere), no
 * fsync (a new cluster is cheap to make again). `trust` is only what initdb writes into
 * pg_hba.conf; portier replaces that file with {@link HBA_CONF} before any server starts.
 */
export function initdbArgs(dataDir: string, user: string): string[] {
  return [
    '-D',
    dataDir,
    '-U',
    user,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
    '--no-instructions',
  ];
}

/** pg_hba.conf, rewritten on every start: TCP from loopback only, SCRAM passwords only. */
export const HBA_CONF = `# Written by portier on every start; edits here are lost.
# TCP from loopback only, SCRAM passwords only; there is no Unix socket.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  scram-sha-256
host    all       all   ::1/128       scram-sha-256
`;

function settingArgs(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/**
 * The server's argv, run in the foreground: loopback TCP only and no Unix socket (no lock files in
 * /tmp, nothing for other local users to reach), then the stack's own settings, which win
 * because PostgreSQL takes the last `-c` of a name.
 */
export function serverArgv(
  postgres: string,
  dataDir: string,
  port: number,
  settings: Readonly<Record<string, string>> = {},
): string[] {
  return [
    postgres,
    '-D',
    dataDir,
    '-p',
    String(port),
    ...settingArgs({ listen_addresses: LISTEN_ADDRESSES, unix_socket_directories: '' }),
    ...settingArgs(settings),
  ];
}

/**
 * Arguments of `postgres --single`: no network at all, SQLSTATE codes in messages (to tell
 * "already exists" from real failures), no checkpoint chatter. It connects to template1, which
 * every cluster has.
 */
export function singleUserArgs(dataDir: string): string[] {
  return [
    '--single',
    '-D',
    dataDir,
    ...settingArgs({
      listen_addresses: '',
      unix_socket_directories: '',
      log_error_verbosity: 'verbose',
      log_line_prefix: '',
      log_checkpoints: 'off',
    }),
    'template1',
  ];
}

/** `name` as an SQL identifier: `"a""b"`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as an SQL string literal (standard_conforming_strings is on): `'it''s'`. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** True when `text` has a character below U+0020 (newline, tab, NUL and the like). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Why a role or database name cannot be used, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  // PostgreSQL truncates names to NAMEDATALEN - 1 = 63 bytes, silently.
  if (Buffer.byteLength(name) > 63) return 'is longer than 63 bytes';
  // Single-user mode ends a statement at a newline.
  if (hasControlCharacter(name)) return 'has a control character';
  return undefined;
}

/**
 * Statements for single-user mode, one a line (a newline ends a statement there): make `user` a
 * superuser with `password`, and `database` owned by it. Run on every start, so a renamed user
 * or database, or a lost password file, fixes itself; "already exists" errors are expected.
 */
export function setupStatements(user: string, database: string, password: string): string {
  const role = quoteIdent(user);
  return [
    `CREATE ROLE ${role} SUPERUSER LOGIN`,
    `ALTER ROLE ${role} WITH SUPERUSER LOGIN PASSWORD ${quoteLiteral(password)}`,
    `CREATE DATABASE ${quoteIdent(database)} OWNER ${role}`,
    '',
  ].join('\n');
}

/** SQLSTATEs of the expected errors: role (duplicate_object) and database already exist. */
const EXPECTED_SQLSTATES = new Set(['42710', '42P04']);

/** One error message from a single-user session. */
export interface ServerMessage {
  severity: 'ERROR' | 'FATAL' | 'PANIC';
  sqlstate: string;
  message: string;
}

/** Error messages of a `postgres --single` run with {@link singleUserArgs}, expected ones left out. */
export function parseSingleUserErrors(stderr: string): ServerMessage[] {
  const found: ServerMessage[] = [];
  for (const match of stderr.matchAll(/^(ERROR|FATAL|PANIC):\s+([0-9A-Z]{5}):\s+(.*)$/gm)) {
    const [, severity, sqlstate, message] = match;
    if (!EXPECTED_SQLSTATES.has(sqlstate!))
      found.push({
        severity: severity as ServerMessage['severity'],
        sqlstate: sqlstate!,
        message: message!,
      });
  }
  return found;
}

/** Pid from PostgreSQL's lock-file hint `Is another postmaster (PID 123) running …`. */
export function parseLockHolder(stderr: string): number | undefined {
  const match = /another (?:postmaster|postgres) \(PID (\d+)\)/.exec(stderr);
  return match ? Number(match[1]) : undefined;
}

/** `postgres://user:password@127.0.0.1:port/database`, each part percent-encoded. */
export function databaseUrl(
  user: string,
  password: string,
  port: number,
  database: string,
): string {
  const enc = encodeURIComponent;
  return `postgres://${enc(user)}:${enc(password)}@${DATABASE_HOST}:${port}/${enc(database)}`;
}
