import { parseEnv } from 'node:util';

/** One problem in a `.env` file; `line` is 1-based. */
export interface EnvFileProblem {
  line: number;
  message: string;
}

/** A parsed `.env` file: its values, or the lines that are not `KEY=value`. */
export interface ParsedEnvFile {
  values: Record<string, string>;
  problems: EnvFileProblem[];
}

const ASSIGNMENT = /^\s*(?:export\s+)?([^\s=#]+)\s*=\s*(.*)$/;
const KEY = /^[\w.-]+$/;

/**
 * Parses a `.env` file with Node's `util.parseEnv` (no dotenv dependency). `parseEnv` never
 * reports errors — a stray line silently swallows the next keys, an unclosed quote drops the
 * rest of the file — so the lines are checked first: each is blank, a `#` comment, or
 * `[export ] KEY=value`, and every opened quote closes (quoted values may span lines).
 */
export function parseEnvFile(text: string): ParsedEnvFile {
  const problems: EnvFileProblem[] = [];
  const lines = text.split(/\r?\n/);
  let open: { quote: string; line: number } | undefined;
  lines.forEach((line, index) => {
    if (open) {
      if (line.includes(open.quote)) open = undefined;
      return;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      problems.push({
        line: index + 1,
        message: `expected KEY=value, got ${JSON.stringify(line.trim())}`,
      });
      return;
    }
    const [, key = '', value = ''] = match;
    if (!KEY.test(key)) {
      problems.push({ line: index + 1, message: `"${key}" is not a variable name` });
      return;
    }
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && !value.slice(1).includes(quote)) {
      open = { quote, line: index + 1 };
    }
  });
  if (open) {
    problems.push({ line: open.line, message: `the ${open.quote} opened here is never closed` });
  }
  if (problems.length > 0) return { values: {}, problems };
  return { values: { ...(parseEnv(text) as Record<string, string>) }, problems };
}
