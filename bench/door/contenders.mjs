// The contenders of the door bench and how each is launched: every one a reverse proxy on
// 127.0.0.1 in front of the same upstream (plus "direct", wrk straight to the upstream), with
// the settings its docs recommend for proxying and everything else at its default.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxLaunch } from '../serve/nginx-config.mjs';
import { npmVersion, toolVersion } from '../shared/versions.mjs';
import { registerDoorRoute } from './door-route.mjs';
import {
  renderCaddyfile,
  renderNginxProxyConfig,
  UPSTREAM_IDLE_CONNECTIONS,
} from './proxy-configs.mjs';

/** Size of the large body, bytes. */
export const LARGE_BYTES = 64 * 1024;

/** The two bodies the upstream serves: a tiny text and 64 KiB of random (incompressible) bytes. */
export function bodyFiles(random = randomBytes) {
  return [
    { name: 'tiny.txt', body: Buffer.from('portier door ok\n'), label: 'tiny' },
    { name: '64k.bin', body: random(LARGE_BYTES), label: '64 KiB' },
  ];
}

/** The measured cases: each body at 1, 16 and 64 connections. `id` names them in the JSON. */
export const CASES = [1, 16, 64].flatMap((connections) =>
  [
    { size: 'tiny', file: 'tiny.txt', label: 'tiny' },
    { size: '64k', file: '64k.bin', label: '64 KiB' },
  ].map((body) => ({
    id: `${body.size}-c${connections}`,
    size: body.size,
    file: body.file,
    connections,
    label: `${body.label} × ${connections}`,
  })),
);

/** The route name every request asks the door for (`Host: up.localhost:<port>`). */
export const ROUTE_NAME = 'up';
const fixture = (name) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/**
 * Every contender: `group` is `direct`, `portier`, `node` (the Node peers the targets compare
 * with), `floor` (the bare node:http proxy) or `native` (nginx, Caddy). `launch(port)` gives
 * the command (none for `direct`); `prepare({ server, port })` runs once it is started;
 * `skip` says why a contender cannot run here.
 */
export function listDoorContenders({
  root,
  portierDir,
  workDir,
  upstream,
  node = process.execPath,
}) {
  const portierVersion = JSON.parse(readFileSync(join(portierDir, 'package.json'), 'utf8')).version;
  const nginxVersion = toolVersion('nginx', ['-v'], /nginx\/(\S+)/);
  const caddyVersion = toolVersion('caddy', ['version'], /^v?(\S+)/);
  const bin = join(portierDir, 'bin/portier.cjs');
  const library = (name, mode, settings) => {
    const version = npmVersion(root, name);
    return {
      version,
      settings,
      skip: version ? undefined : `${name} is not installed (npm install -D ${name})`,
      launch: (port) => ({
        command: node,
        args: [fixture('library-proxy.mjs'), name, mode, `${port}`, `${upstream.port}`],
      }),
    };
  };
  // A fresh state directory per door start: no record of an earlier door is ever read.
  const stateDirs = new Map();
  return [
    {
      id: 'direct',
      label: 'direct to the upstream',
      group: 'direct',
      version: nginxVersion,
      settings: 'no proxy: wrk to the upstream nginx itself',
    },
    {
      id: 'door',
      label: 'portier door',
      group: 'portier',
      version: portierVersion,
      settings: `\`portier door serve --port P --state-dir D\`, route added with \`portier alias ${ROUTE_NAME} <upstream port> --host 127.0.0.1\`; every other setting at its default`,
      launch: (port) => {
        const stateDir = mkdtempSync(join(workDir, 'door-state-'));
        stateDirs.set(port, stateDir);
        return {
          command: node,
          args: [bin, 'door', 'serve', '--port', `${port}`, '--state-dir', stateDir],
          env: { NO_COLOR: '1' },
        };
      },
      prepare: ({ server, port }) =>
        registerDoorRoute({
          bin,
          node,
          server,
          stateDir: stateDirs.get(port),
          doorPort: port,
          name: ROUTE_NAME,
          upstreamPort: upstream.port,
        }),
    },
    {
      id: 'http-proxy-ka',
      label: 'http-proxy, keep-alive agent',
      group: 'node',
      ...library(
        'http-proxy',
        'keep-alive',
        '`proxy.web(req, res)`, `agent: new http.Agent({ keepAlive: true })`',
      ),
    },
    {
      id: 'http-proxy',
      label: 'http-proxy, default',
      group: 'node',
      ...library(
        'http-proxy',
        'default',
        '`proxy.web(req, res)`, no agent (a new upstream connection per request)',
      ),
    },
    {
      id: 'http-proxy-3-ka',
      label: 'http-proxy-3, keep-alive agent',
      group: 'node',
      ...library(
        'http-proxy-3',
        'keep-alive',
        'as http-proxy, keep-alive agent; declares Node ≥ 22, run here on Node 20',
      ),
    },
    {
      id: 'http-proxy-3',
      label: 'http-proxy-3, default',
      group: 'node',
      ...library(
        'http-proxy-3',
        'default',
        'as http-proxy, no agent; declares Node ≥ 22, run here on Node 20',
      ),
    },
    {
      id: 'bare',
      label: 'bare node:http proxy',
      group: 'floor',
      version: process.version,
      settings:
        'bench/door/fixtures/bare-proxy.mjs: `http.request` + `pipe` both ways, global agent (keep-alive)',
      launch: (port) => ({
        command: node,
        args: [fixture('bare-proxy.mjs'), `${port}`, `${upstream.port}`],
      }),
    },
    {
      id: 'nginx',
      label: 'nginx',
      group: 'native',
      version: nginxVersion,
      skip: nginxVersion ? undefined : 'nginx is not installed (apt-get install nginx)',
      settings: `proxy_pass to an upstream block with \`keepalive ${UPSTREAM_IDLE_CONNECTIONS}\`, HTTP/1.1, \`Connection ""\`, \`proxy_buffers 16 8k\`; worker_processes auto (2); access_log off`,
      launch: (port) => {
        const dir = join(workDir, `nginx-proxy-${port}`);
        mkdirSync(dir, { recursive: true });
        return nginxLaunch(
          dir,
          renderNginxProxyConfig({ port, upstreamPort: upstream.port, workDir: dir }),
        );
      },
    },
    {
      id: 'caddy',
      label: 'Caddy',
      group: 'native',
      version: caddyVersion,
      skip: caddyVersion ? undefined : 'caddy is not installed (apt-get install caddy)',
      settings: `\`reverse_proxy\` with \`keepalive 2m\`, \`keepalive_idle_conns_per_host ${UPSTREAM_IDLE_CONNECTIONS}\`; admin off, auto_https off, no access log`,
      launch: (port) => {
        const file = join(workDir, `Caddyfile-${port}`);
        return {
          command: 'caddy',
          args: ['run', '--config', file, '--adapter', 'caddyfile'],
          files: { [file]: renderCaddyfile({ port, upstreamPort: upstream.port }) },
          // Caddy keeps state under $HOME / XDG dirs: keep it in the work dir.
          env: { HOME: workDir, XDG_DATA_HOME: workDir, XDG_CONFIG_HOME: workDir },
        };
      },
    },
  ];
}
