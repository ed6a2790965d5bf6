/**
 * Every error portier raises on purpose carries a stable `code` from {@link ERROR_CODES}.
 * docs/errors.md documents each code (meaning and fix); test/unit/errors-doc.test.ts keeps the
 * two in step.
 */

/** Stable error codes with the process exit status the CLI uses for each. */
export const ERROR_CODES = {
  /** A port number outside 1–65535 or not a decimal integer. */
  INVALID_PORT: 2,
  /** A port range that is malformed or backwards. */
  INVALID_PORT_RANGE: 2,
  /** A flag or option value the command does not accept. */
  INVALID_OPTION: 2,
  /** A probe target that is not one of the accepted forms. */
  INVALID_TARGET: 2,
  /** Unknown command, unknown flag or missing argument. */
  USAGE: 2,
  /** No port in the requested range is free on every loopback address and family. */
  NO_FREE_PORT: 3,
  /** `serve --strict-port` or the front door: the port is taken (the message names who holds it). */
  PORT_IN_USE: 3,
  /** `serve` or the front door could not listen for another reason (privilege, address, crash at start). */
  SERVE_BIND_FAILED: 3,
  /** The lease ledger lock could not be taken in time. */
  LEDGER_LOCK_TIMEOUT: 3,
  /** The state directory cannot be created or written. */
  STATE_DIR_UNUSABLE: 3,
  /** `kill` will not signal this process (pid 0/1, itself, an ancestor, a port forwarder). */
  KILL_REFUSED: 4,
  /** The operating system refused the signal: the process belongs to another user. */
  KILL_PERMISSION_DENIED: 4,
  /** The port is held but its owner cannot be seen, so there is nothing portier can signal. */
  OWNER_NOT_VISIBLE: 4,
  /** After signalling every holder the port is still held by a listener. */
  PORT_STILL_HELD: 4,
  /** `portier.yaml` (or Procfile, package.json) has problems; the message lists every one. */
  STACK_CONFIG_INVALID: 2,
  /** No `portier.yaml`/`.yml`/`.json`, Procfile or package.json workspaces with `dev` scripts. */
  STACK_CONFIG_NOT_FOUND: 2,
  /** A service name that the stack does not have. */
  SERVICE_UNKNOWN: 2,
  /** No stack of this project is running (for `down`, `ps`, `logs`, `restart`, …). */
  STACK_NOT_RUNNING: 3,
  /** A supervisor for this project is already running (`portier up` twice). */
  STACK_ALREADY_RUNNING: 3,
  /** A service could not be started: missing command, cwd or env file, fixed port taken. */
  SERVICE_START_FAILED: 3,
  /** A service did not come up: it crashed, or a dependency failed, or `up` was stopped. */
  STACK_START_FAILED: 1,
  /** The built-in PostgreSQL cannot run here (binaries missing, initdb failed). */
  POSTGRES_UNAVAILABLE: 3,
  /** A front-door name is held by another live owner (a `run`, an alias, another project). */
  ROUTE_NAME_TAKEN: 3,
  /** The running supervisor did not answer on its control socket. */
  STACK_CONTROL_FAILED: 3,
  /** This operating system has no socket-table backend. */
  UNSUPPORTED_PLATFORM: 5,
  /** A platform command (`lsof`, `netstat`, `tasklist`) failed or is missing. */
  PLATFORM_COMMAND_FAILED: 5,
} as const;

/** One of the stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Values an error is about; all optional, shown by the CLI and kept in `--json`. */
export interface PortierErrorDetails {
  /** How to fix it, one sentence, shown by the CLI under the message. */
  hint?: string;
  port?: number;
  host?: string;
  pid?: number;
  path?: string;
  /** Service of a stack the error is about. */
  service?: string;
  /** Every problem found, for errors that gather several (an invalid stack file). */
  problems?: readonly ProblemDetail[];
  cause?: unknown;
}

/** One problem of several, with where it is. */
export interface ProblemDetail {
  message: string;
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** Dotted path in the file (`services.api.depends_on`). */
  path?: string;
  /** A likely fix (`did you mean "database"?`). */
  hint?: string;
}

/**
 * Marks portier errors across bundles: the CLI loads each command as its own bundle, each with
 * its own copy of this class, so `instanceof` alone would miss errors thrown by a command.
 */
const BRAND = Symbol.for('portier.error');

/** An expected failure: a stable code, a message with the values, and a hint to fix it. */
export class PortierError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly port: number | undefined;
  readonly host: string | undefined;
  readonly pid: number | undefined;
  readonly path: string | undefined;
  readonly service: string | undefined;
  readonly problems: readonly ProblemDetail[] | undefined;

  constructor(code: ErrorCode, message: string, details: PortierErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PortierError';
    this.code = code;
    this.hint = details.hint;
    this.port = details.port;
    this.host = details.host;
    this.pid = details.pid;
    this.path = details.path;
    this.service = details.service;
    this.problems = details.problems;
  }

  /** The CLI exit status for this error's code. */
  get exitCode(): number {
    return ERROR_CODES[this.code];
  }

  /** A plain object for `--json` output. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    for (const key of ['hint', 'port', 'host', 'pid', 'path', 'service', 'problems'] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

/** True when `value` is a {@link PortierError}, optionally with the given code. */
export function isPortierError(value: unknown, code?: ErrorCode): value is PortierError {
  const branded =
    value instanceof Error && (value as unknown as Record<symbol, unknown>)[BRAND] === true;
  return branded && (code === undefined || (value as PortierError).code === code);
}
