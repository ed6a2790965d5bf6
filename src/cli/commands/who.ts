import { parsePort } from '../../net/port-number.js';
import { whoHolds } from '../../sockets/who-holds.js';
import { type CommandSpec, hiddenProofFile } from '../command.js';
import { renderHolders } from '../render/holders-text.js';

/** `portier who <port>`: every holder of a port; exit 1 when nothing holds it. */
export const whoCommand: CommandSpec = {
  name: 'who',
  usage: 'portier who <port> [--full] [--exhaustive] [--json]',
  summary:
    'Show who holds a port on every address and family, TCP and UDP, including TIME_WAIT leftovers and sockets of other users.',
  details:
    'Exit status 0 when something holds the port, 1 when it is free. Holders are found by reading\n' +
    "the first holder's process family (forked workers included); --exhaustive reads every process.",
  options: {
    full: {
      type: 'boolean',
      description: 'also count TIME_WAIT and connections when a listener holds the port',
    },
    exhaustive: {
      type: 'boolean',
      description: 'read every process to find holders (sockets passed over Unix sockets)',
    },
  },
  portPositionals: true,
  minPositionals: 1,
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const port = parsePort(positionals[0]!);
    const holders = await whoHolds(port, {
      full: values.full === true,
      exhaustive: values.exhaustive === true,
      hiddenProof: hiddenProofFile(ctx),
    });
    if (values.json) {
      ctx.stdout.write(`${JSON.stringify(holders, null, 2)}\n`);
    } else if (holders.status === 'free') {
      ctx.stdout.write(`Nothing holds port ${port}.\n`);
    } else {
      ctx.stdout.write(
        `Port ${port}: ${holders.status}\n${renderHolders(holders)
          .map((l) => `  ${l}`)
          .join('\n')}\n`,
      );
    }
    return holders.status === 'free' ? 1 : 0;
  },
};
