import { PortierError } from '../../errors.js';
import { parsePort } from '../../net/port-number.js';
import type { KillResult } from '../../ports/kill-port.js';
import { killPort } from '../../ports/kill-port.js';
import { whoHolds } from '../../sockets/who-holds.js';
import { formatDuration, parseDuration } from '../../time/duration.js';
import { type CliContext, type CommandSpec, hiddenProofFile } from '../command.js';
import { renderHolders } from '../render/holders-text.js';
import { parseSignal } from '../signal-name.js';

async function confirm(ctx: CliContext, port: number): Promise<boolean> {
  const holders = await whoHolds(port);
  if (holders.listeners.length === 0) return true;
  ctx.stderr.write(
    `Port ${port} is held by:\n${renderHolders(holders)
      .map((l) => `  ${l}`)
      .join('\n')}\n`,
  );
  // Loaded here: readline brings Node's stream modules, which `kill --yes` never needs.
  const { createInterface } = process.getBuiltinModule('node:readline/promises');
  const rl = createInterface({ input: ctx.stdin.stream, output: ctx.stderr.stream });
  try {
    const answer = await rl.question('Stop these processes (and their children)? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function renderResult(result: KillResult, ctx: CliContext, elapsedMs: number): string {
  const { port } = result;
  if (result.before.status === 'free') return `Nothing holds port ${port}.\n`;
  const lines: string[] = [];
  const verb = result.dryRun ? 'Would signal' : 'Signalled';
  for (const t of result.targets)
    lines.push(
      `${verb} pid ${t.pid}${t.name ? ` (${t.name})` : ''}${t.role === 'descendant' ? ' (child of a holder)' : ''}${t.command ? `: ${t.command}` : ''}`,
    );
  for (const r of result.refusals)
    lines.push(`Left pid ${r.pid}${r.name ? ` (${r.name})` : ''} alone: ${r.reason}`);
  if (result.escalated.length > 0)
    lines.push(
      `Sent SIGKILL to ${result.escalated.join(', ')}: still running after the grace period.`,
    );
  if (result.dryRun) lines.push('Dry run: nothing was sent.');
  else if (result.freed)
    lines.push(`${ctx.color.green(`Port ${port} is free`)} (${formatDuration(elapsedMs)}).`);
  if (!result.dryRun && result.after.timeWait > 0)
    lines.push(
      `${result.after.timeWait} connection(s) remain in TIME_WAIT; servers using SO_REUSEADDR (Node does) can bind now.`,
    );
  return `${lines.join('\n')}\n`;
}

/** `portier kill <port>`: stop every holder of a port and verify it is free. */
export const killCommand: CommandSpec = {
  name: 'kill',
  usage: 'portier kill <port> [--signal TERM] [--timeout 5s] [--dry-run] [--yes] [--json]',
  summary:
    'Free a port: send SIGTERM to every process sharing the socket and its children, SIGKILL after the timeout, then verify.',
  details:
    'Refuses pid 0/1, portier itself, its ancestors and port forwarders (docker-proxy, wslrelay, …).\n' +
    'On a terminal it asks before signalling unless --yes. Exit 0 freed, 1 nothing held it.',
  options: {
    signal: {
      type: 'string',
      short: 's',
      value: 'SIG',
      description: 'first signal (default TERM)',
    },
    timeout: {
      type: 'string',
      short: 't',
      value: 'DURATION',
      description: 'grace period before SIGKILL (default 5s)',
    },
    'dry-run': {
      type: 'boolean',
      short: 'n',
      description: 'show what would be signalled, send nothing',
    },
    yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
  },
  portPositionals: true,
  minPositionals: 1,
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const port = parsePort(positionals[0]!);
    const signal = typeof values.signal === 'string' ? parseSignal(values.signal) : 'SIGTERM';
    const timeoutMs =
      typeof values.timeout === 'string' ? parseDuration(values.timeout, '--timeout') : undefined;
    const dryRun = values['dry-run'] === true;
    // Asked in this order so `--yes` and `--dry-run` never look at the terminal.
    const ask = values.yes !== true && !dryRun && !values.json;
    if (ask && ctx.stdin.isTTY && ctx.stderr.isTTY && !(await confirm(ctx, port))) {
      ctx.stderr.write('Nothing was signalled.\n');
      return 1;
    }
    // hrtime, not performance.now(): the global `performance` loads perf_hooks (~1 ms) on first use.
    const started = process.hrtime.bigint();
    const result = await killPort(port, {
      hiddenProof: hiddenProofFile(ctx),
      signal,
      timeoutMs,
      dryRun,
      onEvent: (event) => {
        if (event.type === 'escalate' && !values.json)
          ctx.stderr.write(
            `Still running after the grace period: ${event.pids.join(', ')}; sending SIGKILL.\n`,
          );
      },
    });
    ctx.stdout.write(
      values.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : renderResult(result, ctx, Number(process.hrtime.bigint() - started) / 1e6),
    );
    if (result.before.status === 'free') return 1;
    if (!result.dryRun && !result.freed) {
      if (values.json) return 4; // the result above already says freed: false
      throw new PortierError(
        'PORT_STILL_HELD',
        `Port ${port} is still held after signalling every holder.`,
        {
          port,
          hint: `Run \`portier who ${port}\` to see what holds it now (a supervisor may have restarted it).`,
        },
      );
    }
    return 0;
  },
};
