// The serve bench itself: every contender in turn — start it, check what it serves, warm it
// up, run wrk for each of its cases, stop it — one server at a time, nothing else running.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSnapshot, describeMachine, otherWork } from '../machine.mjs';
import { entriesFor, runEntry } from '../shared/run-entry.mjs';
import { removeTempDirs, trackTempDirs } from '../shared/temp-dirs.mjs';
import { CASES, listContenders } from './contenders.mjs';
import { checkServedFiles, waitUntilServing } from './http-check.mjs';
import { treeCpuS } from './proc-tree.mjs';
import { freePort, startServerProcess, stopServerProcess } from './server-process.mjs';
import { createSite } from './site.mjs';
import { runWrk, WRK_THREADS, wrkArgs, wrkProblems } from './wrk.mjs';

/** Other processes above this share of the machine during a run make it busy (marked †). */
export const BUSY_SHARE = 0.1;
/** Seconds of each measured wrk run. */
export const RUN_S = { full: 10, quick: 3 };
/** Warm-up before the measured runs, seconds per file (JIT for the Node servers). */
export const WARMUP_S = { full: 2, quick: 1 };
/** Connections of the warm-up runs. */
const WARMUP_CONNECTIONS = 16;

/**
 * One measured wrk run, with the CPU the server tree (none: `server` undefined) and the trees
 * of `helperPids` (e.g. an upstream behind a proxy) used meanwhile, and other processes' share.
 * `headers` go with every request.
 */
export async function measure(server, url, connections, durationS, options = {}) {
  const { headers = [], helperPids = [] } = options;
  const serverCpu = () => (server ? treeCpuS(server.pid) : 0);
  const helperCpu = () => helperPids.reduce((sum, pid) => sum + treeCpuS(pid), 0);
  const cpuBefore = serverCpu();
  const helperBefore = helperCpu();
  const before = cpuSnapshot();
  const result = await runWrk({ url, connections, durationS, headers });
  const after = cpuSnapshot();
  const serverCpuS = serverCpu() - cpuBefore;
  const helperCpuS = helperCpu() - helperBefore;
  const shared = otherWork(before, after);
  const wallS = shared?.wallS ?? durationS;
  const { raw, ...numbers } = result;
  return {
    ...numbers,
    problems: wrkProblems(result),
    // Cores the server kept busy (1.0 = one core all the time).
    serverCores: serverCpuS / wallS,
    ...(helperPids.length ? { helperCores: helperCpuS / wallS } : {}),
    // Everything but the bench, wrk, the server and its helpers, as a share of the machine.
    otherShare: shared
      ? Math.max(0, shared.otherCpuS - serverCpuS - helperCpuS) / (wallS * describeMachine().cpus)
      : undefined,
  };
}

/** Starts one contender, checks it, warms it up, measures its cases, stops it. */
async function runContender(contender, { site, durationS, warmupS, log, signal }) {
  const port = await freePort();
  const spec = contender.launch(port);
  const launch = { ...spec, env: { ...contender.env, ...spec.env } };
  const base = `http://127.0.0.1:${port}`;
  const out = {
    command: [launch.command, ...launch.args].join(' '),
    cases: {},
  };
  // Checked right before every spawn: once the bench is told to stop, nothing new starts.
  signal?.throwIfAborted();
  const server = startServerProcess(launch);
  try {
    await waitUntilServing(`${base}/${site.files[0].name}`, server.exited);
    const problems = await checkServedFiles(base, site.files);
    if (problems.length) throw new Error(`serves the wrong thing: ${problems.join('; ')}`);
    for (const file of site.files) {
      signal?.throwIfAborted();
      await runWrk({
        url: `${base}/${file.name}`,
        connections: WARMUP_CONNECTIONS,
        durationS: warmupS,
      });
    }
    for (const id of contender.cases) {
      const c = CASES.find((x) => x.id === id);
      signal?.throwIfAborted();
      const result = await measure(server, `${base}/${c.file}`, c.connections, durationS);
      const gone = server.exited();
      if (gone) throw new Error(`the server died during ${c.label}: ${gone}`);
      out.cases[id] = result;
      log(
        `  ${contender.label} ${c.label}: ${Math.round(result.requestsPerS)} req/s, p99 ${result.latencyMs.p99.toFixed(2)} ms, server ${result.serverCores.toFixed(2)} cores${result.problems.length ? `, ${result.problems.join(', ')}` : ''}`,
      );
    }
  } finally {
    const killed = await stopServerProcess(server);
    if (killed.length) out.killedPids = killed;
  }
  return out;
}

/** The run with the median req/s of a case's rounds (its p99 and CPU stay with it). */
export function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.requestsPerS - b.requestsPerS);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The runs a cell is chosen from: those without wrk errors and with other processes under
 * {@link BUSY_SHARE} of the machine; failing that, those without errors; failing that, all.
 */
export function usableRuns(runs) {
  const clean = runs.filter((r) => r.problems.length === 0);
  const quiet = clean.filter((r) => !(r.otherShare > BUSY_SHARE));
  return quiet.length ? quiet : clean.length ? clean : runs;
}

/** Folds the rounds of one contender into its cases: the median usable run, plus every round. */
export function summariseRounds(entry) {
  for (const id of new Set(entry.rounds.flatMap((r) => Object.keys(r)))) {
    const runs = entry.rounds.map((r) => r[id]).filter(Boolean);
    entry.cases[id] = {
      ...medianRun(usableRuns(runs)),
      rounds: runs.map((r) => ({
        requestsPerS: r.requestsPerS,
        p99: r.latencyMs.p99,
        otherShare: r.otherShare,
      })),
    };
  }
}

/**
 * Runs the serve bench and resolves with everything measured (the JSON of the report).
 * `portierDir` holds the built package measured (bin/, dist/, package.json); `root` the
 * checkout, whose node_modules has the Node peers. `only` limits the contenders by id;
 * aborting `signal` stops the run before its next spawn (it then rejects).
 * With `rounds` > 1 every contender is measured once per round, in the same order each
 * round (so a busy spell on the machine is spread over several servers), and each cell is
 * the round with the median req/s among its quiet rounds ({@link usableRuns}).
 */
export async function runServeBench({
  root,
  portierDir,
  quick = false,
  rounds = 1,
  only,
  log = () => {},
  signal,
}) {
  const durationS = quick ? RUN_S.quick : RUN_S.full;
  const warmupS = quick ? WARMUP_S.quick : WARMUP_S.full;
  const site = createSite();
  const workDir = mkdtempSync(join(tmpdir(), 'portier-serve-bench-work-'));
  trackTempDirs(site.dir, workDir);
  const started = performance.now();
  const machine = describeMachine();
  const before = cpuSnapshot();
  const all = listContenders({ root, portierDir, siteDir: site.dir, workDir });
  const contenders = entriesFor(all, only, log);
  try {
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) log(`round ${round} of ${rounds}`);
      for (const [i, entry] of contenders.entries()) {
        if (entry.skip) continue;
        await runEntry(entry, (options) => runContender(all[i], options), {
          site,
          durationS,
          warmupS,
          log,
          signal,
        });
      }
    }
  } finally {
    removeTempDirs();
  }
  for (const entry of contenders) summariseRounds(entry);
  const after = cpuSnapshot();
  return {
    date: new Date().toISOString(),
    machine,
    loadAverageEnd: describeMachine().loadAverage,
    otherWork: otherWork(before, after),
    settings: {
      quick,
      rounds,
      durationS,
      warmupS,
      wrk: `wrk ${wrkArgs({ url: 'URL', connections: 'N', durationS }).join(' ')}`,
      wrkThreads: WRK_THREADS,
      files: site.files,
    },
    cases: CASES,
    contenders,
    totalS: (performance.now() - started) / 1000,
  };
}
