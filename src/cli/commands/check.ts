import { parseTarget } from '../../net/target.js';
import { DEFAULT_PROBE_TIMEOUT_MS, probe } from '../../probes/probe.js';
import type { CommandSpec } from '../command.js';
import { PROBE_FLAGS, probeFlags } from '../probe-flags.js';
import { renderAttempts } from '../render/findings-text.js';

/** `portier check <target>`: one probe, classified, with every attempt. */
export const checkCommand: CommandSpec = {
  name: 'check',
  usage: 'portier check <target> [--timeout 4500] [--accept 200-299] [--follow] [--json]',
  summary:
    'Probe a target once (tcp, http, https, tls, postgres, redis, mysql) and classify the outcome per address.',
  details:
    'Targets: 57573 (localhost), 127.0.0.1:57573, [::1]:8080, localhost:3000, http://…, https://…,\n' +
    'tcp://…, tls://…, pg://… (postgres://), redis://…, mysql://…. Exit 0 ready, 1 not ready or down.\n' +
    'For the cause and the fix, run `portier doctor <target>`.',
  options: { ...PROBE_FLAGS },
  minPositionals: 1,
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const target = parseTarget(positionals[0]!);
    const result = await probe(target, probeFlags(values, DEFAULT_PROBE_TIMEOUT_MS));
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const c = ctx.color;
      const verdict = {
        ready: c.green('ready'),
        'not-ready': c.yellow('not ready'),
        down: c.red('down'),
      }[result.status];
      ctx.stdout.write(
        `${target.input}: ${verdict} — ${result.summary} (${Math.round(result.elapsedMs)} ms)\n`,
      );
      for (const line of renderAttempts(result.attempts)) ctx.stdout.write(`  ${c.dim(line)}\n`);
      if (!result.ok)
        ctx.stdout.write(`  Run \`portier doctor ${target.input}\` for the cause and the fix.\n`);
    }
    return result.ok ? 0 : 1;
  },
};
