// Where the door spends its CPU under wrk: runs `door serve` under `node --cpu-prof` in front
// of the bench's upstream for one case, stops it (SIGTERM: it exits cleanly and Node writes
// the profile), and prints the functions with the most self time, grouped by where they live.
// Not part of the timed bench.
// Usage: node bench/door/profile-door.mjs [--file tiny.txt|64k.bin] [--connections 64]
//        [--seconds 5] [--top 25] [--bare]   (`npm run build` first; --bare profiles the bare
//        node:http proxy fixture instead, for comparison)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from '../children.mjs';
import { checkServedFiles, waitUntilServing } from '../serve/http-check.mjs';
import { freePort, startServerProcess, stopServerProcess } from '../serve/server-process.mjs';
import { createSite } from '../serve/site.mjs';
import { runWrk } from '../serve/wrk.mjs';
import { printProfileReport } from '../shared/cpu-profile.mjs';
import { stringFlag, wholeNumberFlag } from '../shared/flags.mjs';
import { createSnapshot } from '../snapshot.mjs';
import { hostFor } from './contender-run.mjs';
import { bodyFiles, ROUTE_NAME } from './contenders.mjs';
import { registerDoorRoute } from './door-route.mjs';
import { startUpstream } from './upstream.mjs';

async function main(argv) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const file = stringFlag(argv, '--file', 'tiny.txt');
  const connections = wholeNumberFlag(argv, '--connections', 64);
  const seconds = wholeNumberFlag(argv, '--seconds', 5);
  const top = wholeNumberFlag(argv, '--top', 25);
  const site = createSite(bodyFiles());
  const snapshot = createSnapshot(root);
  const workDir = mkdtempSync(join(tmpdir(), 'portier-door-prof-'));
  const profDir = join(workDir, 'profile');
  let upstream;
  try {
    upstream = await startUpstream({ site, workDir });
    const port = await freePort();
    const bin = join(snapshot.dir, 'bin/portier.cjs');
    const stateDir = mkdtempSync(join(workDir, 'door-state-'));
    const bare = argv.includes('--bare');
    const target = bare
      ? [
          fileURLToPath(new URL('./fixtures/bare-proxy.mjs', import.meta.url)),
          `${port}`,
          `${upstream.port}`,
        ]
      : [bin, 'door', 'serve', '--port', `${port}`, '--state-dir', stateDir];
    const server = startServerProcess({
      command: process.execPath,
      args: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ...target],
    });
    if (!bare)
      await registerDoorRoute({
        bin,
        node: process.execPath,
        server,
        stateDir,
        doorPort: port,
        name: ROUTE_NAME,
        upstreamPort: upstream.port,
      });
    const host = hostFor(port);
    const base = `http://127.0.0.1:${port}`;
    await waitUntilServing(`${base}/${file}`, server.exited, undefined, { host });
    const problems = await checkServedFiles(base, site.files, { host });
    if (problems.length) throw new Error(problems.join('; '));
    const headers = [`Host: ${host}`];
    const url = `${base}/${file}`;
    const warm = await runWrk({ url, connections: 16, durationS: 2, headers });
    const r = await runWrk({ url, connections, durationS: seconds, headers });
    await stopServerProcess(server);
    printProfileReport({ profDir, file, connections, seconds, warm, run: r, top, what: 'door' });
  } finally {
    await upstream?.stop();
    await stopAllChildren();
    snapshot.remove();
    site.remove();
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
