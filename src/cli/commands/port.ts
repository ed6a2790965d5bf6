import { parsePort } from '../../net/port-number.js';
import { describePort, type PortDescription } from '../../ports/describe-port.js';
import type { CommandSpec } from '../command.js';
import { renderHolders } from '../render/holders-text.js';

const RANGE_TEXT = {
  'well-known': 'well-known (0–1023)',
  registered: 'registered (1024–49151)',
  dynamic: 'dynamic (49152–65535)',
};

function renderDescription(d: PortDescription): string {
  const e = d.ephemeral;
  const lines = [
    `Port ${d.port}`,
    `  range       ${RANGE_TEXT[d.rangeClass]}`,
    `  service     ${d.service ?? 'none registered with IANA'}`,
    `  ephemeral   ${e.inRange ? 'yes' : 'no'}: the OS picks outgoing ports from ${e.range.from}–${e.range.to}${e.range.source === 'default' ? ' (platform default)' : ''}${e.inRange ? '; a client socket may take it before a server binds' : ''}`,
    `  browsers    ${d.browserBlocked ? 'BLOCKED: browsers refuse this port (ERR_UNSAFE_PORT); pick another for web apps' : 'allowed'}`,
    `  privileged  ${d.privileged.required ? `yes (below ${d.privileged.unprivilegedPortStart}); ${d.privileged.allowedHere ? 'this user may bind it' : 'this user may not bind it'}` : 'no'}`,
  ];
  const holders = renderHolders(d.holders);
  lines.push(`  holders     ${holders.length === 0 ? 'none, it is free' : holders[0]}`);
  for (const line of holders.slice(1)) lines.push(`              ${line}`);
  return `${lines.join('\n')}\n`;
}

/** `portier port <n>`: facts about a port number on this machine. */
export const portCommand: CommandSpec = {
  name: 'port',
  usage: 'portier port <port> [--json]',
  summary:
    'Facts about a port number: range class, IANA service, ephemeral range, browser blocking, privilege, holders.',
  options: {},
  portPositionals: true,
  minPositionals: 1,
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const description = await describePort(parsePort(positionals[0]!));
    ctx.stdout.write(
      values.json ? `${JSON.stringify(description, null, 2)}\n` : renderDescription(description),
    );
    return 0;
  },
};
