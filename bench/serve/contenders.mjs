// The servers of the serve bench and how each is launched: the same folder, 127.0.0.1, a port
// chosen by the bench, request logging off (except the portier rows that measure it), every
// other setting at the server's default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmVersion, toolVersion } from '../shared/versions.mjs';
import { nginxLaunch, renderNginxConfig } from './nginx-config.mjs';

/**
 * The four measured cases: each file at 16 and 64 connections. `id` names them in the JSON.
 */
export const CASES = [
  { id: '1k-c16', file: '1k.txt', connections: 16, label: '1 KiB × 16' },
  { id: '1k-c64', file: '1k.txt', connections: 64, label: '1 KiB × 64' },
  { id: '1m-c16', file: '1m.bin', connections: 16, label: '1 MiB × 16' },
  { id: '1m-c64', file: '1m.bin', connections: 64, label: '1 MiB × 64' },
];
const ALL_CASES = CASES.map((c) => c.id);

/**
 * Every contender: `group` is `portier`, `node` (the Node peers the targets compare with),
 * `native` (nginx, Caddy: info) or `floor` (a bare node:http server, info). `launch(port)`
 * gives the command; `skip` says why a contender cannot run here.
 */
export function listContenders({ root, portierDir, siteDir, workDir, node = process.execPath }) {
  const portier = (flags) => (port) => ({
    command: node,
    args: [
      join(portierDir, 'bin/portier.cjs'),
      'serve',
      siteDir,
      '--port',
      `${port}`,
      '--strict-port',
      ...flags,
    ],
  });
  const peer = (name, bin, args) => {
    const version = npmVersion(root, name);
    return {
      version,
      skip: version ? undefined : `${name} is not installed (npm install -D ${name})`,
      launch: (port) => ({
        command: node,
        args: [join(root, 'node_modules', name, bin), ...args(port)],
      }),
    };
  };
  const portierVersion = JSON.parse(readFileSync(join(portierDir, 'package.json'), 'utf8')).version;
  const nginxVersion = toolVersion('nginx', ['-v'], /nginx\/(\S+)/);
  const caddyVersion = toolVersion('caddy', ['version'], /^v?(\S+)/);
  return [
    {
      id: 'portier',
      label: 'portier serve',
      group: 'portier',
      version: portierVersion,
      settings: '--quiet --no-reload',
      cases: ALL_CASES,
      launch: portier(['--quiet', '--no-reload']),
    },
    {
      id: 'serve',
      label: 'serve',
      group: 'node',
      settings: '-L (no request logging) -n --no-port-switching',
      cases: ALL_CASES,
      ...peer('serve', 'build/main.js', (port) => [
        '-L',
        '-n',
        '--no-port-switching',
        '-l',
        `tcp://127.0.0.1:${port}`,
        siteDir,
      ]),
      // serve asks the npm registry for a newer version at start-up unless told not to.
      env: { NO_UPDATE_CHECK: '1' },
    },
    {
      id: 'http-server',
      label: 'http-server',
      group: 'node',
      settings: '-s (silent) -c-1 (Cache-Control: no-cache, as portier)',
      cases: ALL_CASES,
      ...peer('http-server', 'bin/http-server', (port) => [
        siteDir,
        '-a',
        '127.0.0.1',
        '-p',
        `${port}`,
        '-s',
        '-c-1',
      ]),
    },
    {
      id: 'sirv',
      label: 'sirv-cli',
      group: 'node',
      settings: '-q (no logs); default production mode (files listed once at start)',
      cases: ALL_CASES,
      ...peer('sirv-cli', 'bin.js', (port) => [siteDir, '-q', '-H', '127.0.0.1', '-p', `${port}`]),
    },
    {
      id: 'nginx',
      label: 'nginx',
      group: 'native',
      version: nginxVersion,
      skip: nginxVersion ? undefined : 'nginx is not installed (apt-get install nginx)',
      settings: 'access_log off; worker_processes auto (2); sendfile on',
      cases: ALL_CASES,
      launch: (port) => nginxLaunch(workDir, renderNginxConfig({ port, root: siteDir, workDir })),
    },
    {
      id: 'caddy',
      label: 'Caddy',
      group: 'native',
      version: caddyVersion,
      skip: caddyVersion ? undefined : 'caddy is not installed (apt-get install caddy)',
      settings: 'caddy file-server (no access log by default)',
      cases: ALL_CASES,
      launch: (port) => ({
        command: 'caddy',
        args: ['file-server', '--listen', `127.0.0.1:${port}`, '--root', siteDir],
        // Caddy keeps state under $HOME / XDG dirs: keep it in the work dir.
        env: { HOME: workDir, XDG_DATA_HOME: workDir, XDG_CONFIG_HOME: workDir },
      }),
    },
    {
      id: 'floor',
      label: 'node:http floor',
      group: 'floor',
      version: process.version,
      settings: 'bench/serve/floor-server.mjs: res.end(buffer), files read at start',
      cases: ALL_CASES,
      launch: (port) => ({
        command: node,
        args: [new URL('./floor-server.mjs', import.meta.url).pathname, siteDir, `${port}`],
      }),
    },
    {
      id: 'portier-reload',
      label: 'portier serve, live reload on',
      group: 'portier',
      version: portierVersion,
      settings:
        '--quiet; live reload on (its watcher invalidates the cache, so no stat per request)',
      cases: ['1k-c16', '1k-c64'],
      launch: portier(['--quiet']),
    },
    {
      id: 'portier-log',
      label: 'portier serve, access log on',
      group: 'portier',
      version: portierVersion,
      settings: '--no-reload; access log (default) to stdout = /dev/null',
      cases: ['1k-c64'],
      launch: portier(['--no-reload']),
    },
    {
      id: 'portier-defaults',
      label: 'portier serve, all defaults',
      group: 'portier',
      version: portierVersion,
      settings: 'access log (to /dev/null) and live reload on',
      cases: ['1k-c64'],
      launch: portier([]),
    },
  ];
}
