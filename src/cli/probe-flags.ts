import { PortierError } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import type { OptionSpec, ParsedArgs } from './command.js';

/** Flags shared by check, wait and doctor. */
export const PROBE_FLAGS: Record<string, OptionSpec> = {
  timeout: {
    type: 'string',
    short: 't',
    value: 'DURATION',
    description: 'give up after this long',
  },
  accept: {
    type: 'string',
    value: 'LIST',
    description: 'HTTP statuses counted as ready, e.g. 200-299,404 (default 200-399)',
  },
  follow: { type: 'boolean', description: 'follow HTTP redirects to the same host' },
};

/** Reads `--accept 200-299,404` into a predicate; INVALID_OPTION for anything else. */
export function parseAcceptStatus(text: string): (status: number) => boolean {
  const ranges = text.split(',').map((part) => {
    const match = /^\s*(\d{3})(?:-(\d{3}))?\s*$/.exec(part);
    if (!match)
      throw new PortierError(
        'INVALID_OPTION',
        `Invalid --accept "${text}": expected statuses or ranges like 200-299,404.`,
      );
    return [Number(match[1]), Number(match[2] ?? match[1])] as const;
  });
  return (status) => ranges.some(([from, to]) => status >= from && status <= to);
}

/** Probe options from the shared flags. */
export function probeFlags(values: ParsedArgs['values'], defaultTimeoutMs: number) {
  const options: {
    timeoutMs: number;
    acceptStatus?: (status: number) => boolean;
    followRedirects?: boolean;
  } = {
    timeoutMs:
      typeof values.timeout === 'string'
        ? parseDuration(values.timeout, '--timeout')
        : defaultTimeoutMs,
  };
  if (typeof values.accept === 'string') options.acceptStatus = parseAcceptStatus(values.accept);
  if (values.follow === true) options.followRedirects = true;
  return options;
}
