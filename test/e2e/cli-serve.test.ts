import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { startFixture } from '../helpers/fixtures.js';

function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portier-site-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>t</title><body><h1>hello</h1></body>',
  );
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const listening = (line: string) => line.includes('"event":"listening"');

describe('portier serve', () => {
  it('serves on 127.0.0.1 and ::1, injects live reload, logs JSON lines and exits 0 on SIGINT', async () => {
    const cli = startCli(['serve', site(), '--port', '0', '--json']);
    const ready = JSON.parse(await cli.waitForLine(listening));
    expect(ready.urls).toEqual([`http://127.0.0.1:${ready.port}/`, `http://[::1]:${ready.port}/`]);
    const page = await (await fetch(ready.urls[1])).text();
    expect(page).toContain('<h1>hello</h1>');
    expect(page).toContain('/__portier/reload');
    const log = JSON.parse(await cli.waitForLine((l) => l.includes('"status":200')));
    expect(log).toMatchObject({ method: 'GET', path: '/', status: 200 });
    cli.child.kill('SIGINT');
    expect((await cli.exit()).code).toBe(0);
  });

  it('--open hands the first URL to the desktop opener (xdg-open here)', async () => {
    // A stand-in xdg-open first on PATH records what it was asked to open.
    const bin = mkdtempSync(join(tmpdir(), 'portier-opener-'));
    onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    const opened = join(bin, 'opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, {
      mode: 0o755,
    });
    const cli = startCli(['serve', site(), '--port', '0', '--json', '--open'], {
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    const ready = JSON.parse(await cli.waitForLine(listening));
    await vi.waitFor(() => expect(readFileSync(opened, 'utf8')).toBe(ready.urls[0]), {
      timeout: 5_000,
      interval: 20,
    });
    cli.child.kill('SIGINT');
    expect((await cli.exit()).code).toBe(0);
  });

  it('says who holds a taken port and moves to the next free one', async () => {
    const holder = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const cli = startCli(['serve', site(), '--port', String(holder.port), '--json', '--no-reload']);
    const ready = JSON.parse(await cli.waitForLine(listening));
    expect(ready.port).toBeGreaterThan(holder.port);
    // stderr and stdout are separate pipes: the note may arrive after the listening line.
    const note = `Port ${holder.port} is held by node (pid ${holder.pid})`;
    for (let i = 0; i < 100 && !cli.stderr().includes(note); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(cli.stderr()).toContain(note);
    cli.child.kill('SIGTERM');
    expect((await cli.exit()).code).toBe(0);
  });

  it('exits 3 with PORT_IN_USE naming the holder under --strict-port', async () => {
    const holder = await startFixture('listen.mjs', ['127.0.0.1', '0']);
    const run = await runCli(['serve', site(), '--port', String(holder.port), '--strict-port']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`pid ${holder.pid}`);
    const json = await runCli([
      'serve',
      site(),
      '--port',
      String(holder.port),
      '--strict-port',
      '--json',
    ]);
    expect(JSON.parse(json.stdout).error.code).toBe('PORT_IN_USE');
  });

  it('warns who can reach the files for a non-loopback --host, and fails cleanly when the address is not here', async () => {
    // 192.0.2.1 is TEST-NET-1: never configured here, so nothing is bound and no packet leaves.
    const run = await runCli(['serve', site(), '--host', '192.0.2.1', '--port', '0']);
    expect(run.stderr).toContain('anyone who can reach 192.0.2.1');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('EADDRNOTAVAIL');
  });

  it.each([['/not/a/folder'], ['--port=99999']])('rejects %s with exit 2', async (arg) => {
    const run = await runCli([
      'serve',
      arg.startsWith('--') ? site() : arg,
      ...(arg.startsWith('--') ? [arg] : []),
    ]);
    expect(run.code).toBe(2);
  });
});
