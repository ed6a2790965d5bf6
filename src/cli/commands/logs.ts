import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PortierError } from '../../errors.js';
import { loadStackConfig } from '../../stack/config/load-stack-config.js';
import { createStackClient } from '../../stack/control/control-client.js';
import { createLogPrinter, searchLogFiles } from '../../stack/logs/index.js';
import { findRunningStack } from '../../stack/open-stack.js';
import { projectStateDir } from '../../stack/project-state.js';
import type { LogLine, LogQuery } from '../../stack/types.js';
import { parseDuration } from '../../time/duration.js';
import type { CommandSpec } from '../command.js';
import { resolveProjectRoot } from '../stack/stack-project.js';

/** `--since 10m` or an ISO date → epoch ms. */
export function parseSince(text: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?(ms|s|m|h)?$/.test(text)) return now - parseDuration(text, '--since');
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid --since "${text}": expected a duration (90s, 10m, 2h) or a date (2026-11-26T14:00).`,
    );
  return time;
}

function parseLimit(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= 1_000_000))
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid --lines "${text}": expected a whole number from 1 to 1000000.`,
    );
  return n;
}

function validateGrep(grep: string): void {
  try {
    new RegExp(grep);
  } catch (error) {
    throw new PortierError('INVALID_OPTION', `Invalid --grep: ${(error as Error).message}.`);
  }
}

/** Every service with a log file in `dir` (services of a stack no longer running included). */
function servicesWithLogs(dir: string): string[] {
  try {
    const names = readdirSync(dir).map((n) => /^(.+)\.log(?:\.\d+)?$/.exec(n)?.[1]);
    return [...new Set(names.filter((n): n is string => n !== undefined))];
  } catch {
    return [];
  }
}

/** `portier logs`: search and follow the logs of the stack's services. */
export const logsCommand: CommandSpec = {
  name: 'logs',
  usage: 'portier logs [service…] [-f] [--grep RE] [--since 10m] [-n N] [--file FILE] [--json]',
  summary: "Show (and follow) the output of the stack's services, searched across all of them.",
  details:
    'Reads the log files in the state dir, so it works after the stack stopped and covers the\n' +
    'whole history (rotated files included). --grep takes a JavaScript regular expression.\n\n' +
    'Examples:\n  portier logs api -n 50\n  portier logs --grep "ERROR|timeout" --since 1h\n  portier logs -f',
  maxPositionals: 1000,
  options: {
    // -f follows, as in `docker compose logs -f` and `tail -f`; the file is --file here.
    file: {
      type: 'string',
      value: 'FILE',
      description: 'the stack file (default: found from here upward)',
    },
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'keep printing new lines (needs the stack running)',
    },
    grep: {
      type: 'string',
      value: 'RE',
      description: 'only lines matching this regular expression',
    },
    since: {
      type: 'string',
      value: 'TIME',
      description: 'only lines from this long ago (10m) or since a date',
    },
    lines: {
      type: 'string',
      short: 'n',
      value: 'N',
      description: 'the last N matching lines (default 200)',
    },
  },
  async run({ values, positionals }, ctx) {
    const file = typeof values.file === 'string' ? values.file : undefined;
    const root = resolveProjectRoot(file, process.cwd());
    const projectDir = projectStateDir(ctx.stateDir, root);
    const logDir = join(projectDir, 'logs');
    const query: LogQuery = {
      limit: typeof values.lines === 'string' ? parseLimit(values.lines) : 200,
    };
    if (typeof values.grep === 'string') {
      validateGrep(values.grep);
      query.grep = values.grep;
    }
    if (typeof values.since === 'string') query.since = parseSince(values.since);
    let known = servicesWithLogs(logDir);
    try {
      known = [
        ...new Set([
          ...loadStackConfig({ ...(file ? { file } : {}), cwd: root, env: ctx.env }).services.map(
            (s) => s.name,
          ),
          ...known,
        ]),
      ];
    } catch {}
    for (const name of positionals)
      if (!known.includes(name))
        throw new PortierError('SERVICE_UNKNOWN', `No service "${name}" with logs in ${root}.`, {
          service: name,
          hint: known.length
            ? `Services: ${known.join(', ')}.`
            : 'Start the stack with `portier up`.',
        });
    const services = positionals.length ? positionals : known;
    const lines = await searchLogFiles(logDir, { ...query, services });
    const color = ctx.color.enabled;
    const print = values.json
      ? (line: LogLine) => ctx.stdout.write(`${JSON.stringify(line)}\n`)
      : createLogPrinter({ write: (t) => ctx.stdout.write(t), color, services });
    for (const line of lines) print(line);
    if (!values.follow) return 0;
    const running = findRunningStack(ctx.stateDir, root);
    if (!running)
      throw new PortierError(
        'STACK_NOT_RUNNING',
        `No stack is running for ${root}; nothing to follow.`,
        {
          hint: 'Start it with `portier up -d`.',
        },
      );
    const matcher = query.grep ? new RegExp(query.grep) : undefined;
    const lastSeq = new Map<string, number>();
    const client = createStackClient(running.record.socket);
    await new Promise<void>((resolve) => {
      client
        .follow((event) => {
          if (event.type === 'skipped')
            return ctx.stderr.write(`… ${event.count} events skipped (reader too slow)\n`);
          if (event.type !== 'log') return;
          const line = event.line;
          if (!services.includes(line.service) || (matcher && !matcher.test(line.text))) return;
          if ((lastSeq.get(line.service) ?? -1) >= line.seq) return;
          lastSeq.set(line.service, line.seq);
          print(line);
        }, resolve)
        .then(
          (stop) =>
            ctx.signal.addEventListener(
              'abort',
              () => {
                stop();
                resolve();
              },
              { once: true },
            ),
          () => resolve(),
        );
    });
    return 0;
  },
};
