import { relative } from 'node:path';
import { PortierError, type ProblemDetail } from '../../errors.js';
import type { SourcePosition } from './types.js';

/** Where a value was written: its position in the file and its dotted path (`services.api.port`). */
export interface Where extends SourcePosition {
  /** Dotted path from the top of the file; `''` for the whole file. */
  path: string;
}

/**
 * Gathers the problems of one load, so validation can go on after the first one and the user
 * sees every problem at once (STYLE.md, "Config").
 */
export class ProblemList {
  readonly items: ProblemDetail[] = [];

  /** Records a problem at `where`; `hint` is a likely fix, such as `did you mean "cwd"?`. */
  add(where: Where | SourcePosition, message: string, hint?: string): void {
    const problem: ProblemDetail = {
      message,
      file: where.file,
      line: where.line,
      column: where.column,
    };
    if ('path' in where && where.path) problem.path = where.path;
    if (hint) problem.hint = hint;
    this.items.push(problem);
  }

  /** Records a problem about a whole file (no line), such as an unreadable one. */
  addForFile(file: string, message: string, hint?: string): void {
    this.items.push(hint ? { message, file, hint } : { message, file });
  }

  /** Takes over problems found elsewhere (by a pure parser). */
  addAll(problems: readonly ProblemDetail[]): void {
    this.items.push(...problems);
  }

  get size(): number {
    return this.items.length;
  }
}

/**
 * One problem as a line: `file:line:column: message (hint)`, the form editors and terminals
 * turn into a link. `file` is shown relative to `cwd` when it lies under it.
 */
export function formatProblem(problem: ProblemDetail, cwd?: string): string {
  let where = problem.file ? displayPath(problem.file, cwd) : '';
  if (problem.line !== undefined) where += `:${problem.line}`;
  if (problem.line !== undefined && problem.column !== undefined) where += `:${problem.column}`;
  const hint = problem.hint ? ` (${problem.hint})` : '';
  return `${where ? `${where}: ` : ''}${problem.message}${hint}`;
}

function displayPath(file: string, cwd: string | undefined): string {
  if (!cwd) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : file;
}

/** Problems sorted by file, line and column, so the list reads top to bottom. */
export function sortProblems(problems: readonly ProblemDetail[]): ProblemDetail[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/**
 * The one `STACK_CONFIG_INVALID` error for a load: its message lists every problem, one per
 * line, and `problems` holds them as data for `--json` and tests.
 */
export function createStackConfigError(
  file: string,
  problems: readonly ProblemDetail[],
  cwd?: string,
): PortierError {
  const sorted = sortProblems(problems);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  const lines = sorted.map((problem) => `  ${formatProblem(problem, cwd)}`);
  return new PortierError(
    'STACK_CONFIG_INVALID',
    `${displayPath(file, cwd)} has ${count}:\n${lines.join('\n')}`,
    {
      path: file,
      problems: sorted,
      hint: 'Fix each line above (file:line:column); no service starts until all are fixed.',
    },
  );
}
