// The one upstream every contender proxies to: nginx (one worker) serving the bodies from a
// temporary folder on 127.0.0.1, started once per run and checked before each contender.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkServedFiles, waitUntilServing } from '../serve/http-check.mjs';
import { nginxLaunch } from '../serve/nginx-config.mjs';
import { freePort, startServerProcess, stopServerProcess } from '../serve/server-process.mjs';
import { renderUpstreamConfig } from './proxy-configs.mjs';

/**
 * Starts the upstream serving `site` (from `createSite`) and checks every body. Resolves with
 * `{ port, pid, server, exited(), stop() }`; `stop()` resolves with pids that needed SIGKILL.
 */
export async function startUpstream({ site, workDir }) {
  const dir = join(workDir, 'upstream');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const server = startServerProcess(
    nginxLaunch(dir, renderUpstreamConfig({ port, root: site.dir, workDir: dir })),
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(`${base}/${site.files[0].name}`, server.exited);
    const problems = await checkServedFiles(base, site.files);
    if (problems.length)
      throw new Error(`the upstream serves the wrong thing: ${problems.join('; ')}`);
  } catch (error) {
    await stopServerProcess(server);
    throw error;
  }
  return {
    port,
    pid: server.pid,
    server,
    command: `nginx -c ${join(dir, 'nginx.conf')} (worker_processes 1, sendfile on, tcp_nopush off, keepalive_requests 1000000)`,
    exited: server.exited,
    stop: () => stopServerProcess(server),
  };
}
