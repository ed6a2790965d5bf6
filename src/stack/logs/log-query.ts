import { PortierError } from '../../errors.js';
import type { LogLine, LogQuery } from '../types.js';

/** Lines a query returns when it sets no `limit` (1,000), the last ones. */
export const DEFAULT_LOG_LIMIT = 1_000;

/** A {@link LogQuery} made ready to test lines against. */
export interface CompiledLogQuery {
  /** The services asked for, or undefined for all. */
  services: ReadonlySet<string> | undefined;
  /** At most this many lines, the last ones. */
  limit: number;
  /** True when the line passes `services`, `since` and `grep`. */
  matches(line: LogLine): boolean;
}

/**
 * Compiles a query once for many lines: `grep` becomes a RegExp (JavaScript source,
 * case-sensitive, as {@link LogQuery} says), `limit` gets its default. Throws
 * `INVALID_OPTION` for a `grep` that is not a valid regular expression, or a `limit` that is not a whole
 * number of 0 or more (`Infinity` is allowed: every match).
 */
export function compileLogQuery(query: LogQuery): CompiledLogQuery {
  const services = query.services ? new Set(query.services) : undefined;
  const limit = query.limit ?? DEFAULT_LOG_LIMIT;
  if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0))) {
    throw new PortierError('INVALID_OPTION', `A log limit of ${limit} lines is not possible.`, {
      hint: 'Give a whole number of lines, 0 or more (--tail 200).',
    });
  }
  const pattern = compileGrep(query.grep);
  const since = query.since;
  return {
    services,
    limit,
    matches: (line) =>
      (services === undefined || services.has(line.service)) &&
      (since === undefined || line.time >= since) &&
      (pattern === undefined || pattern.test(line.text)),
  };
}

function compileGrep(grep: string | undefined): RegExp | undefined {
  if (grep === undefined || grep === '') return undefined;
  try {
    // No `g` flag: a global RegExp keeps lastIndex between test() calls and would skip lines.
    return new RegExp(grep);
  } catch (error) {
    throw new PortierError(
      'INVALID_OPTION',
      `--grep ${JSON.stringify(grep)} is not a valid regular expression: ${(error as Error).message}.`,
      {
        hint: 'Put a backslash before ( ) [ ] { } * + ? | to match it as text: --grep "\\(v1\\)".',
        cause: error,
      },
    );
  }
}

/**
 * Orders lines from several sources into one history: by `time`, then `seq` (which increases
 * across the stack, so it breaks ties within a millisecond). Sorts in place and returns `lines`.
 */
export function sortLogLines(lines: LogLine[]): LogLine[] {
  return lines.sort((a, b) => a.time - b.time || a.seq - b.seq);
}

/** The last `limit` of `lines` (all when `limit` is larger); `lines` itself when nothing is cut. */
export function lastLines<T>(lines: T[], limit: number): T[] {
  if (lines.length <= limit) return lines;
  return limit <= 0 ? [] : lines.slice(lines.length - limit);
}
