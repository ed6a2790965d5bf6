import { listListeners } from '../../sockets/list-listeners.js';
import type { Listener } from '../../sockets/model.js';
import { watchListeners } from '../../sockets/watch-listeners.js';
import { parseDuration } from '../../time/duration.js';
import { type CliContext, type CommandSpec, hiddenProofFile } from '../command.js';
import { listenerCells } from '../render/listener-text.js';
import { renderTable } from '../render/table.js';

const COLUMNS = [
  { header: 'PROTO' },
  { header: 'ADDRESS' },
  { header: 'PORT' },
  { header: 'EXPOSURE' },
  { header: 'PID' },
  { header: 'USER' },
  { header: 'PROCESS' },
  { header: 'CWD' },
  { header: 'COMMAND', flexible: true },
];

function renderListeners(listeners: readonly Listener[], ctx: CliContext): string {
  if (listeners.length === 0) return 'No listening sockets found.\n';
  const text = renderTable(
    COLUMNS,
    listeners.map(listenerCells),
    ctx.stdout.isTTY ? ctx.stdout.columns : undefined,
  );
  const [header = '', ...rest] = text.split('\n');
  return `${[ctx.color.bold(header), ...rest].join('\n')}\n`;
}

async function watch(
  ctx: CliContext,
  scan: { udp: boolean; exhaustive: boolean },
  intervalMs: number,
  json: boolean,
): Promise<number> {
  // The proof stays in this process's memory: a file written on every tick would cost more.
  await watchListeners({ ...scan, intervalMs, signal: ctx.signal }, (change) => {
    if (json) {
      ctx.stdout.write(`${JSON.stringify(change)}\n`);
      return;
    }
    const mark = change.type === 'added' ? ctx.color.green('+') : ctx.color.red('-');
    ctx.stdout.write(`${mark} ${listenerCells(change.listener).filter(Boolean).join('  ')}\n`);
  });
  return 0;
}

/** `portier ls`: every listening socket with processes, user, cwd and exposure. */
export const lsCommand: CommandSpec = {
  name: 'ls',
  usage: 'portier ls [--udp] [--exhaustive] [--watch] [--interval 500ms] [--json]',
  summary:
    'List every listening TCP socket (and UDP with --udp), IPv4 and IPv6, with who holds it.',
  details:
    'EXPOSURE is loopback (this machine only), all-interfaces (anyone who can reach this machine)\n' +
    'or interface <addr>. Sockets of other users that cannot be inspected are listed as\n' +
    '"owner not visible" with their uid; run with sudo to see them. Holders are found by reading\n' +
    "fds until each socket has one, then only the holders' process families and sessions (forked\n" +
    'workers included); --exhaustive reads every process.',
  options: {
    udp: { type: 'boolean', description: 'include bound UDP sockets' },
    exhaustive: {
      type: 'boolean',
      description: 'read every process to find holders (sockets passed over Unix sockets)',
    },
    watch: {
      type: 'boolean',
      short: 'w',
      description: 'print listeners as they appear (+) and disappear (-) until Ctrl-C',
    },
    interval: {
      type: 'string',
      value: 'DURATION',
      description: 'time between scans with --watch (default 500ms)',
    },
  },
  async run({ values }, ctx) {
    const scan = { udp: values.udp === true, exhaustive: values.exhaustive === true };
    const json = values.json === true;
    if (values.watch) {
      const intervalMs = parseDuration(
        typeof values.interval === 'string' ? values.interval : '500ms',
        '--interval',
      );
      return watch(ctx, scan, intervalMs, json);
    }
    const listeners = await listListeners({ ...scan, hiddenProof: hiddenProofFile(ctx) });
    ctx.stdout.write(
      json ? `${JSON.stringify(listeners, null, 2)}\n` : renderListeners(listeners, ctx),
    );
    return 0;
  },
};
