import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ArgvError, type ArgvOption, parseArgv } from '../../src/cli/argv.js';

const OPTIONS: Record<string, ArgvOption> = {
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean', short: 'n' },
  timeout: { type: 'string', short: 't' },
  proxy: { type: 'string', multiple: true },
};

/** What Node's own strict parser makes of the same command line. */
const node = (argv: string[]) => {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  return { values: { ...values }, positionals };
};

describe('parseArgv', () => {
  it.each([
    [['80']],
    [['80', '--yes', '--json']],
    [['80', '-y', '-n']],
    [['80', '-ny']],
    [['--timeout', '5s', '80']],
    [['--timeout=5s', '80']],
    [['--timeout=-5s', '80']],
    [['-t', '5s']],
    [['-t5s']],
    [['-nt5s']],
    [['--timeout', '1s', '--timeout', '2s']],
    [['--proxy', '/api=3000', '--proxy=/ws=3001']],
    [['80', '--', '--yes', '-t']],
    [['-']],
    [['--timeout', '-']],
    [[]],
  ])('reads %j as Node does', (argv) => {
    expect(parseArgv(argv, OPTIONS)).toEqual(node(argv));
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['-x'], "Unknown option '-x'"],
    [['-nx'], "Unknown option '-x'"],
    [['-5'], "Unknown option '-5'"],
    [['--json=1'], "Option '--json' does not take an argument"],
    [['--timeout'], "Option '-t, --timeout <value>' argument missing"],
    [['80', '-t'], "Option '-t, --timeout <value>' argument missing"],
    [['--timeout', '-5s'], "Option '-t, --timeout' argument is ambiguous"],
    [['--__proto__'], "Unknown option '--__proto__'"],
  ])('refuses %j as Node does', (argv, message) => {
    expect(() => node(argv)).toThrow();
    expect(() => parseArgv(argv, OPTIONS)).toThrow(ArgvError);
    expect(() => parseArgv(argv, OPTIONS)).toThrow(message);
  });

  it('keeps every value of a multiple option, in order', () => {
    expect(parseArgv(['--proxy', 'a', '--proxy', 'b'], OPTIONS).values.proxy).toEqual(['a', 'b']);
  });
});
