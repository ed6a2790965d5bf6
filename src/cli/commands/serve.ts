import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PortierError } from '../../errors.js';
import { isLoopbackAddress, isWildcardAddress } from '../../net/exposure.js';
import { parsePort } from '../../net/port-number.js';
import { createBatchedWriter, formatAccessLine } from '../../serve/access-log.js';
import { parseProxyRoute } from '../../serve/path-proxy.js';
import { serve } from '../../serve/serve.js';
import type { CliContext, CommandSpec } from '../command.js';
import { formatProcesses } from '../render/listener-text.js';

function validateRoot(dir: string): string {
  const root = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir)
    throw new PortierError('INVALID_OPTION', `Cannot serve "${dir}": it is not a folder.`, {
      path: root,
      hint: 'Give a folder, e.g. `portier serve ./public`.',
    });
  return root;
}

function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(command, [url], { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref();
}

function waitForStop(ctx: CliContext): Promise<void> {
  return new Promise((done) => ctx.signal.addEventListener('abort', () => done(), { once: true }));
}

/** `portier serve [dir]`: the local web server on 127.0.0.1:57573. */
export const serveCommand: CommandSpec = {
  name: 'serve',
  usage:
    'portier serve [dir] [--port 57573] [--strict-port] [--host H] [--spa] [--proxy /api=http://127.0.0.1:3000] [--open]',
  summary:
    'Serve a folder on 127.0.0.1 and ::1 (port 57573): static files, live reload, SPA fallback, path proxy.',
  details:
    'If the port is taken it says who holds it and moves to the next free port (--strict-port: exit).\n' +
    'Only localhost, *.localhost and loopback addresses are answered (DNS-rebinding defence).\n' +
    'Ctrl-C lets in-flight requests finish, then exits 0.',
  options: {
    port: {
      type: 'string',
      short: 'p',
      value: 'N',
      description: 'port to listen on (default 57573)',
    },
    'strict-port': {
      type: 'boolean',
      description: 'exit if the port is taken instead of moving on',
    },
    host: {
      type: 'string',
      value: 'H',
      description: 'bind this address only (a non-loopback one exposes the files)',
    },
    spa: { type: 'boolean', description: 'serve /index.html for routes without a file extension' },
    'no-list': { type: 'boolean', description: 'no directory listings' },
    'no-reload': { type: 'boolean', description: 'no live reload' },
    dotfiles: { type: 'boolean', description: 'serve names starting with a dot' },
    'follow-symlinks': { type: 'boolean', description: 'follow links that leave the folder' },
    proxy: {
      type: 'string',
      multiple: true,
      value: '/P=URL',
      description: 'forward a path prefix to a backend (repeatable)',
    },
    open: { type: 'boolean', description: 'open the URL in the browser' },
    quiet: { type: 'boolean', short: 'q', description: 'no access log' },
  },
  maxPositionals: 1,
  async run({ values, positionals }, ctx) {
    const root = validateRoot(positionals[0] ?? '.');
    // Take over SIGINT/SIGTERM before listening: a stop that comes right after start is graceful too.
    const stopped = waitForStop(ctx);
    const json = values.json === true;
    const host = typeof values.host === 'string' ? values.host : undefined;
    if (host && !isLoopbackAddress(host)) {
      const who = isWildcardAddress(host)
        ? 'anyone who can reach this machine on any network'
        : `anyone who can reach ${host}`;
      ctx.stderr.write(
        `${ctx.colorErr.yellow('warning:')} binding ${host}: ${who} can now read these files.\n`,
      );
    }
    const write = createBatchedWriter((chunk) => ctx.stdout.write(chunk));
    const server = await serve({
      root,
      port:
        typeof values.port === 'string'
          ? values.port === '0'
            ? 0
            : parsePort(values.port, '--port')
          : undefined,
      host,
      strictPort: values['strict-port'] === true,
      spa: values.spa === true,
      list: values['no-list'] !== true,
      reload: values['no-reload'] !== true,
      dotfiles: values.dotfiles === true,
      followSymlinks: values['follow-symlinks'] === true,
      proxy: ((values.proxy as string[] | undefined) ?? []).map(parseProxyRoute),
      log: values.quiet
        ? undefined
        : (e) => write(json ? JSON.stringify(e) : formatAccessLine(e, ctx.color)),
      onPortTaken: (port, holders) => {
        const who =
          formatProcesses(holders.listeners.flatMap((l) => l.processes)) ||
          'a process this user cannot see';
        ctx.stderr.write(`Port ${port} is held by ${who}; trying ${port + 1}.\n`);
      },
    });
    if (json)
      ctx.stdout.write(
        `${JSON.stringify({ event: 'listening', root, port: server.port, urls: server.urls })}\n`,
      );
    else
      ctx.stderr.write(
        `Serving ${root}\n${server.urls.map((u) => `  ${ctx.colorErr.green('➜')} ${u}`).join('\n')}\n`,
      );
    if (server.reloadError)
      ctx.stderr.write(
        `${ctx.colorErr.yellow('warning:')} live reload is off: ${server.reloadError}\n`,
      );
    if (values.open) openBrowser(server.urls[0]!);
    await stopped;
    await server.close();
    return 0;
  },
};
