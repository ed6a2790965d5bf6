import { PortierError } from '../../errors.js';
import { parsePort, parsePortRange } from '../../net/port-number.js';
import { pickPort } from '../../ports/pick-port.js';
import { parseDuration } from '../../time/duration.js';
import type { CommandSpec } from '../command.js';

function parseCount(text: string): number {
  const count = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(count >= 1 && count <= 1000)) {
    throw new PortierError(
      'INVALID_OPTION',
      `Invalid --count "${text}": expected a whole number from 1 to 1000.`,
    );
  }
  return count;
}

/** `portier pick`: free loopback ports, leased in the cross-process ledger. */
export const pickCommand: CommandSpec = {
  name: 'pick',
  usage: 'portier pick [--prefer N] [--range A-B] [--count K] [--ttl 60s] [--json]',
  summary:
    'Print free port(s): free on 127.0.0.1 and ::1, not browser-blocked, not leased to another portier.',
  details:
    'Each port is leased in the state directory until --ttl passes or the calling process (the\n' +
    'shell or script that ran `portier pick`) ends, so concurrent picks never print the same port.\n' +
    'Default range: the dynamic ports (49152–65535) outside the OS ephemeral range.',
  options: {
    prefer: { type: 'string', value: 'N', description: 'try this port first' },
    range: { type: 'string', value: 'A-B', description: 'choose from this inclusive range' },
    count: { type: 'string', value: 'K', description: 'how many distinct ports (default 1)' },
    ttl: {
      type: 'string',
      value: 'DURATION',
      description: 'how long the lease lasts (default 60s)',
    },
    'no-lease': { type: 'boolean', description: 'do not record a lease' },
  },
  async run({ values }, ctx) {
    const result = await pickPort({
      prefer:
        typeof values.prefer === 'string' ? parsePort(values.prefer, '--prefer port') : undefined,
      range: typeof values.range === 'string' ? parsePortRange(values.range) : undefined,
      count: typeof values.count === 'string' ? parseCount(values.count) : 1,
      ttlMs: typeof values.ttl === 'string' ? parseDuration(values.ttl, '--ttl') : undefined,
      lease: values['no-lease'] !== true,
      // The lease belongs to whoever ran us: this process ends as soon as it prints.
      owner: process.ppid,
      stateDir: ctx.stateDir,
    });
    ctx.stdout.write(
      values.json ? `${JSON.stringify(result, null, 2)}\n` : `${result.ports.join('\n')}\n`,
    );
    return 0;
  },
};
