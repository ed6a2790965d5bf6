import { COMMON_OPTIONS, type CommandSpec } from './command.js';
import type { CommandEntry } from './command-table.js';

/** Top-level help: usage and one line per command. */
export function renderMainHelp(commands: readonly CommandEntry[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    `portier ${version} — the doorman of 127.0.0.1`,
    '',
    'Usage: portier <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json and --help. Exit status: 0 ok, 1 the thing checked is not ok,',
    '2 usage error, 3 and above a specific failure (see docs/errors.md).',
    '',
    'Run `portier <command> --help` for its options.',
  ];
  return `${lines.join('\n')}\n`;
}

/** Help of one command, generated from its option table. */
export function renderCommandHelp(spec: CommandSpec): string {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const labels = Object.entries(all).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...labels.map(([flag]) => flag.length));
  const lines = [`Usage: ${spec.usage}`, '', spec.summary, ''];
  if (spec.details) lines.push(spec.details, '');
  lines.push('Options:', ...labels.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  return `${lines.join('\n')}\n`;
}
