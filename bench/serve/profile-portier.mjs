// Where `portier serve` spends its CPU under wrk: runs it under `node --cpu-prof` for one case,
// stops it (SIGTERM: it exits cleanly and Node writes the profile), and prints the functions
// with the most self time, grouped by where they live. Not part of the timed bench.
// Usage: node bench/serve/profile-portier.mjs [--file 1k.txt] [--connections 64]
//        [--seconds 5] [--log] [--reload] [--top 25] [--floor]
// (`npm run build` first. --floor profiles bench/serve/floor-server.mjs instead.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from '../children.mjs';
import { printProfileReport } from '../shared/cpu-profile.mjs';
import { stringFlag, wholeNumberFlag } from '../shared/flags.mjs';
import { createSnapshot } from '../snapshot.mjs';
import { checkServedFiles, waitUntilServing } from './http-check.mjs';
import { freePort, startServerProcess, stopServerProcess } from './server-process.mjs';
import { createSite } from './site.mjs';
import { runWrk } from './wrk.mjs';

async function main(argv) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const file = stringFlag(argv, '--file', '1k.txt');
  const connections = wholeNumberFlag(argv, '--connections', 64);
  const seconds = wholeNumberFlag(argv, '--seconds', 5);
  const top = wholeNumberFlag(argv, '--top', 25);
  const site = createSite();
  const snapshot = createSnapshot(root);
  const profDir = mkdtempSync(join(tmpdir(), 'portier-serve-prof-'));
  try {
    const port = await freePort();
    const flags = ['--strict-port', ...(argv.includes('--log') ? [] : ['--quiet'])];
    if (!argv.includes('--reload')) flags.push('--no-reload');
    const target = argv.includes('--floor')
      ? [fileURLToPath(new URL('./floor-server.mjs', import.meta.url)), site.dir, `${port}`]
      : [join(snapshot.dir, 'bin/portier.cjs'), 'serve', site.dir, '--port', `${port}`, ...flags];
    const server = startServerProcess({
      command: process.execPath,
      args: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, ...target],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitUntilServing(`${base}/1k.txt`, server.exited);
    const problems = await checkServedFiles(base, site.files);
    if (problems.length) throw new Error(problems.join('; '));
    const warm = await runWrk({ url: `${base}/${file}`, connections: 16, durationS: 2 });
    const r = await runWrk({ url: `${base}/${file}`, connections, durationS: seconds });
    await stopServerProcess(server);
    printProfileReport({ profDir, file, connections, seconds, warm, run: r, top, what: 'server' });
  } finally {
    await stopAllChildren();
    snapshot.remove();
    site.remove();
    rmSync(profDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
