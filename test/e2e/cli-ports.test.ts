import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-table.js';
import { type Listener, listListeners, type PortHolders } from '../../src/index.js';
import { assertCliBuilt, CLI, runCli } from '../helpers/cli.js';
import { startFixture } from '../helpers/fixtures.js';

beforeAll(assertCliBuilt);

/** A port that was free a moment ago: bound on port 0, then closed. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('portier ls', () => {
  it('shows the fixture port as loopback in the table', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const run = await runCli(['ls']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^PROTO\s+ADDRESS\s+PORT\s+EXPOSURE\s+PID/);
    expect(run.stdout).toMatch(
      new RegExp(
        `^tcp\\s+127\\.0\\.0\\.1\\s+${fixture.port}\\s+loopback\\s+${fixture.pid}\\s`,
        'm',
      ),
    );
  });

  it('--json prints the library shape', async () => {
    const fixture = await startFixture('listen.mjs', ['::1', '0']);
    const run = await runCli(['ls', '--json']);
    expect(run.code).toBe(0);
    const fromCli = JSON.parse(run.stdout) as Listener[];
    const fromLibrary = await listListeners();
    const cliOne = fromCli.find((l) => l.port === fixture.port);
    const libraryOne = fromLibrary.find((l) => l.port === fixture.port);
    expect(cliOne).toBeDefined();
    expect(cliOne).toEqual(libraryOne);
    const keys = (l: object) => Object.keys(l).sort();
    for (const listener of fromCli) {
      const twin = fromLibrary.find((l) => l.inode === listener.inode);
      if (twin) expect(keys(listener)).toEqual(keys(twin));
    }
  });
});

describe('portier who', () => {
  it('exits 0 and names the pid of a held port', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const run = await runCli(['who', String(fixture.port)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Port ${fixture.port}: listening`);
    expect(run.stdout).toContain(`pid ${fixture.pid}`);
    expect(run.stdout).toContain('listen.mjs');
  });

  it('--json names the pid with the library shape', async () => {
    const fixture = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const run = await runCli(['who', String(fixture.port), '--json']);
    expect(run.code).toBe(0);
    const holders = JSON.parse(run.stdout) as PortHolders;
    expect(Object.keys(holders).sort()).toEqual([
      'connections',
      'connectionsCounted',
      'listeners',
      'port',
      'status',
      'timeWait',
    ]);
    expect(holders.listeners[0]!.processes.map((p) => p.pid)).toEqual([fixture.pid]);
  });

  it('exits 1 for a free port', async () => {
    const port = await freePort();
    const run = await runCli(['who', String(port)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Nothing holds port ${port}`);
  });
});

describe('portier port', () => {
  it('describes 57573 as dynamic with ephemeral, browsers and privileged lines', async () => {
    const run = await runCli(['port', '57573']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}range\s+dynamic \(49152–65535\)$/m);
    expect(run.stdout).toMatch(
      /^ {2}ephemeral\s+(yes|no): the OS picks outgoing ports from \d+–\d+/m,
    );
    expect(run.stdout).toMatch(/^ {2}browsers\s+allowed$/m);
    expect(run.stdout).toMatch(/^ {2}privileged\s+no$/m);
    expect(run.stdout).toMatch(/^ {2}holders\s+/m);
  });

  it('--json marks 6000 (X11) as browser-blocked', async () => {
    const run = await runCli(['port', '6000', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      port: 6000,
      rangeClass: 'registered',
      browserBlocked: true,
      holders: { port: 6000 },
    });
  });
});

describe('bad input', () => {
  // Each: argv, the error code, and the accepted form the message or hint must name.
  const corpus: Array<[string[], string, RegExp]> = [
    [['who', '0'], 'INVALID_PORT', /1 to 65535/],
    [['who', '65536'], 'INVALID_PORT', /1 to 65535/],
    [['who', '-1'], 'INVALID_PORT', /1 to 65535/],
    [['who', 'abc'], 'INVALID_PORT', /1 to 65535/],
    [['who', '57573x'], 'INVALID_PORT', /1 to 65535/],
    [['port', ''], 'INVALID_PORT', /1 to 65535/],
    [['pick', '--range', '9-3'], 'INVALID_PORT_RANGE', /3-9/],
    [['pick', '--range', '1-99999'], 'INVALID_PORT_RANGE', /FROM-TO/],
    [['pick', '--count', '0'], 'INVALID_OPTION', /1 to 1000/],
    // --dry-run: should validation ever regress, nothing on port 80 gets a signal from a test.
    [['kill', '80', '--signal', 'NOPE', '--dry-run'], 'INVALID_OPTION', /TERM/],
    [['kill', '80', '--timeout', 'soon', '--dry-run'], 'INVALID_OPTION', /500ms, 5s/],
    [['ls', '--bogus'], 'USAGE', /Usage: portier ls/],
    [['who'], 'USAGE', /Usage: portier who <port>/],
    [['frobnicate'], 'USAGE', /ls, who, port, pick, kill/],
  ];

  it.each(corpus)(
    'portier %j exits 2 with %s, naming the accepted form, no stack',
    async (argv, code, form) => {
      const run = await runCli(argv);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^portier: /);
      expect(run.stderr).toMatch(form);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stderr).not.toContain('internal error');

      const json = await runCli([...argv, '--json']);
      expect(json.code).toBe(2);
      const body = JSON.parse(json.stdout) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(json.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it.each<[string[], string]>([
    [['kill', '80', '--timeout', '-5s', '--dry-run'], 'USAGE'],
    [['kill', '80', '-t', '-5s', '--dry-run'], 'USAGE'],
    [['kill', '80', '--timeout=-5s', '--dry-run'], 'INVALID_OPTION'],
    [['kill', '-1', '--timeout', '5s', '--dry-run'], 'INVALID_PORT'],
  ])(
    'portier %j is a %s error: a value after a string option is not a port',
    async (argv, code) => {
      // Regression: `kill 80 --timeout -5s` said "Invalid port -5s": every `-<digit>` argument
      // of a port command was taken for the port, even the value of --timeout.
      const run = await runCli([...argv, '--json']);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stdout).error.code).toBe(code);
    },
  );
});

describe('colours', () => {
  it('colours errors on a terminal and never through a pipe or with NO_COLOR', async () => {
    // `script` gives the CLI a pseudo-terminal; its output reaches this test through a pipe.
    const onTerminal = (env: Record<string, string>) =>
      spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" who abc`, '/dev/null'], {
        env: { ...process.env, TERM: 'xterm', ...env },
        encoding: 'utf8',
        timeout: 15_000,
      });
    const coloured = await onTerminal({ NO_COLOR: '' });
    expect(coloured.stdout).toContain('\x1b[31mportier:\x1b[39m');
    const noColor = await onTerminal({ NO_COLOR: '1' });
    expect(noColor.stdout).toContain('portier: Invalid port');
    expect(noColor.stdout).not.toContain('\x1b[');
    const piped = await runCli(['who', 'abc'], { env: { NO_COLOR: '' } });
    expect(piped.stderr).toContain('portier: Invalid port');
    expect(piped.stderr).not.toContain('\x1b[');
  });
});

describe('--help', () => {
  it.each(COMMANDS.map((c) => [c.name]))(
    'portier %s --help exits 0 and lists every option',
    async (name) => {
      const spec = await COMMANDS.find((c) => c.name === name)!.load();
      const run = await runCli([name, '--help']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`Usage: portier ${name}`);
      for (const option of [...Object.keys(spec.options), 'json', 'help']) {
        expect(run.stdout).toContain(`--${option}`);
      }
    },
  );

  it('portier --version and -v print the version in package.json', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    );
    for (const flag of ['--version', '-v']) {
      const run = await runCli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  it('portier --help lists every command', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const c of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^ {2}${c.name}\\s`, 'm'));
  });
});
