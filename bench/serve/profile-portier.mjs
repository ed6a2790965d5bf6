// Where `portier serve` spends its CPU under wrk: runs it under `node --cpu-prof` for one case,
// stops it (SIGTERM: it exits cleanly and Node writes the profile), and prints the functions
// with the most self time, grouped by where they live. Not part of the timed bench.
// Usage: node bench/serve/profile-portier.mjs [--file 1k.txt] [--connections 64]
//        [--seconds 5] [--log] [--reload] [--top 25] [--floor]
// (`npm run build` first. --floor profiles bench/serve/floor-server.mjs instead.)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from '../children.mjs';
import { createSnapshot } from '../snapshot.mjs';
import { checkServedFiles, waitUntilServing } from './http-check.mjs';
import { freePort, startServerProcess, stopServerProcess } from './server-process.mjs';
import { createSite } from './site.mjs';
import { runWrk } from './wrk.mjs';

/** Where a frame lives, from its script URL: a bucket name for the summary. */
export function frameArea(url, name) {
  if (!url) return name.startsWith('(') ? name : 'native/V8';
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:');
  if (url.includes('/dist/')) return 'portier';
  if (url.includes('floor-server')) return 'floor';
  return url.split('/').slice(-2).join('/');
}

/** Self time per function and per area from a .cpuprofile object, largest first, in ms. */
export function summariseProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const fns = new Map();
  const areas = new Map();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const name = functionName || '(anonymous)';
    const key =
      `${name} ${url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + ms);
    const area = frameArea(url, name);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    totalMs += ms;
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, functions: sorted(fns), areas: sorted(areas) };
}

function numberFlag(argv, name, fallback) {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : Number(argv[i + 1]);
}

async function main(argv) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const file = argv.includes('--file') ? argv[argv.indexOf('--file') + 1] : '1k.txt';
  const connections = numberFlag(argv, '--connections', 64);
  const seconds = numberFlag(argv, '--seconds', 5);
  const top = numberFlag(argv, '--top', 25);
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
    // The profile covers start-up and warm-up too: per-request costs count both runs.
    const requests = warm.requests + r.requests;
    await stopServerProcess(server);
    const name = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!name) throw new Error('no .cpuprofile written (did the server exit cleanly?)');
    const summary = summariseProfile(JSON.parse(readFileSync(join(profDir, name), 'utf8')));
    const share = (ms) =>
      `${((ms / summary.totalMs) * 100).toFixed(1)}% | ${((ms * 1000) / requests).toFixed(2)}`;
    console.log(
      `${file} × ${connections}, ${seconds} s under --cpu-prof: ${Math.round(r.requestsPerS)} req/s, p99 ${r.latencyMs.p99} ms; profile ${(summary.totalMs / 1000).toFixed(1)} s over ${requests} requests (start-up and a 2 s warm-up included)\n`,
    );
    console.log('| area | self ms | share | µs/request |\n| --- | --- | --- | --- |');
    for (const [area, ms] of summary.areas.slice(0, 15))
      console.log(`| ${area} | ${ms.toFixed(0)} | ${share(ms)} |`);
    console.log('\n| function | self ms | share | µs/request |\n| --- | --- | --- | --- |');
    for (const [fn, ms] of summary.functions.slice(0, top))
      console.log(`| \`${fn}\` | ${ms.toFixed(0)} | ${share(ms)} |`);
  } finally {
    await stopAllChildren();
    snapshot.remove();
    site.remove();
    rmSync(profDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
