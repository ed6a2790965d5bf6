// Summarising a V8 .cpuprofile of a server under wrk: self time per function and per area,
// printed as markdown tables with the cost per request. Used by the serve and door profilers.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/**
 * Prints the profile written to `profDir` for a wrk run: `warm` and `run` are wrk results (the
 * profile covers start-up and the warm-up too, so per-request costs count both runs); `what`
 * names the profiled process in the error when no profile was written.
 */
export function printProfileReport({ profDir, file, connections, seconds, warm, run, top, what }) {
  const requests = warm.requests + run.requests;
  const name = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!name) throw new Error(`no .cpuprofile written (did the ${what} exit cleanly?)`);
  const summary = summariseProfile(JSON.parse(readFileSync(join(profDir, name), 'utf8')));
  const share = (ms) =>
    `${((ms / summary.totalMs) * 100).toFixed(1)}% | ${((ms * 1000) / requests).toFixed(2)}`;
  console.log(
    `${file} × ${connections}, ${seconds} s under --cpu-prof: ${Math.round(run.requestsPerS)} req/s, p99 ${run.latencyMs.p99} ms; profile ${(summary.totalMs / 1000).toFixed(1)} s over ${requests} requests (start-up and a 2 s warm-up included)\n`,
  );
  console.log('| area | self ms | share | µs/request |\n| --- | --- | --- | --- |');
  for (const [area, ms] of summary.areas.slice(0, 15))
    console.log(`| ${area} | ${ms.toFixed(0)} | ${share(ms)} |`);
  console.log('\n| function | self ms | share | µs/request |\n| --- | --- | --- | --- |');
  for (const [fn, ms] of summary.functions.slice(0, top))
    console.log(`| \`${fn}\` | ${ms.toFixed(0)} | ${share(ms)} |`);
}
