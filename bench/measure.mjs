// Timing helpers: repeated runs after warm-up, summarised as median and p95 in ms.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The `q` quantile (0–1) of `values` by linear interpolation. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export const median = (values) => quantile(values, 0.5);
export const p95 = (values) => quantile(values, 0.95);

/** Median, p95, min and max of samples in ms, plus the samples themselves. */
export function summarize(samplesMs) {
  return {
    runs: samplesMs.length,
    medianMs: median(samplesMs),
    p95Ms: p95(samplesMs),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    samplesMs,
  };
}

/**
 * Lets the event loop turn between timed runs (outside the timing): awaiting a synchronous
 * function only queues microtasks, which would starve timers, child exits and signals.
 */
const turnEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Runs `fn` (sync or async) `warmup` times untimed, then `runs` times timed, one at a time. */
export async function measure(fn, { warmup = 3, runs = 30 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    await turnEventLoop();
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

/**
 * Like {@link measure} for several cases at once, interleaved: each round times every case
 * once (a case with fewer `runs` skips rounds evenly), in rotating order, so a busy spell on
 * the machine is shared by all instead of landing on one. `cases` maps name → {fn, runs}.
 */
export async function measureInterleaved(cases, { warmup = 3, runs = 30 } = {}) {
  const entries = Object.entries(cases);
  for (const [, c] of entries) for (let i = 0; i < warmup; i++) await c.fn();
  const samples = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (let round = 0; round < runs; round++) {
    for (const [name, c] of rotate(entries, round)) {
      const own = c.runs ?? runs;
      // Spread `own` runs evenly over `runs` rounds.
      if (Math.floor(((round + 1) * own) / runs) === Math.floor((round * own) / runs)) continue;
      await turnEventLoop();
      const start = performance.now();
      await c.fn();
      samples[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(entries.map(([name]) => [name, summarize(samples[name])]));
}

let hyperfineAvailable;
/** True when `hyperfine` is on PATH. */
export function hasHyperfine() {
  hyperfineAvailable ??= spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
  return hyperfineAvailable;
}

/** A whole-process run or hyperfine round that takes longer than this is stuck: give up. */
export const SPAWN_TIMEOUT_MS = 120_000;

/** Runs of each command per round; rounds alternate the commands so drift hits all alike. */
const RUNS_PER_ROUND = 5;

/** `commands` with the first `shift` entries moved to the end. */
function rotate(entries, shift) {
  const k = shift % entries.length;
  return [...entries.slice(k), ...entries.slice(0, k)];
}

/**
 * Wall time of whole processes (`argv` arrays, run without a shell). Uses `hyperfine -N` when
 * installed, else spawnSync around each run. Runs are taken in rounds of a few runs of every
 * command, in rotating order, so a busy spell on the machine does not land on one command only.
 * Exit codes are kept: a failing command's time means nothing, and the report says so.
 */
export function measureCommands(commands, { warmup = 3, runs = 30, cwd = process.cwd() } = {}) {
  const entries = Object.entries(commands);
  const samples = Object.fromEntries(entries.map(([name]) => [name, { times: [], codes: [] }]));
  const rounds = Math.ceil(runs / RUNS_PER_ROUND);
  const timeRound = hasHyperfine() ? hyperfineRound : spawnSyncRound;
  for (let round = 0; round < rounds; round++) {
    const perRound = Math.min(RUNS_PER_ROUND, runs - round * RUNS_PER_ROUND);
    const batch = rotate(entries, round);
    const out = timeRound(batch, { warmup: round === 0 ? warmup : 1, runs: perRound, cwd });
    for (const [name, { times, codes }] of Object.entries(out)) {
      samples[name].times.push(...times);
      samples[name].codes.push(...codes);
    }
  }
  return Object.fromEntries(
    entries.map(([name]) => [
      name,
      {
        ...summarize(samples[name].times),
        tool: hasHyperfine() ? 'hyperfine -N' : 'spawnSync',
        exitCodes: unique(samples[name].codes),
      },
    ]),
  );
}

function spawnSyncRound(entries, { warmup, runs, cwd }) {
  const out = {};
  for (const [name, argv] of entries) {
    out[name] = { times: [], codes: [] };
    for (let i = 0; i < warmup + runs; i++) {
      const start = performance.now();
      const run = spawnSync(argv[0], argv.slice(1), {
        cwd,
        stdio: 'ignore',
        timeout: SPAWN_TIMEOUT_MS,
      });
      const elapsed = performance.now() - start;
      if (i < warmup) continue;
      out[name].times.push(elapsed);
      out[name].codes.push(run.status);
    }
  }
  return out;
}

function hyperfineRound(entries, { warmup, runs, cwd }) {
  const dir = mkdtempSync(join(tmpdir(), 'portier-bench-hf-'));
  const exportPath = join(dir, 'hyperfine.json');
  const args = ['-N', '--style', 'none', '-i', '--warmup', String(warmup), '--runs', String(runs)];
  args.push('--export-json', exportPath);
  for (const [name, argv] of entries)
    args.push('--command-name', name, argv.map(shellWord).join(' '));
  try {
    const run = spawnSync('hyperfine', args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: SPAWN_TIMEOUT_MS,
    });
    if (run.status !== 0) throw new Error(`hyperfine failed: ${run.stderr}`);
    const { results } = JSON.parse(readFileSync(exportPath, 'utf8'));
    const out = {};
    for (const [i, result] of results.entries()) {
      out[entries[i][0]] = { times: result.times.map((s) => s * 1000), codes: result.exit_codes };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Quotes one argument for hyperfine's shell-words splitting (it runs no shell with -N). */
function shellWord(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function unique(values) {
  return [...new Set(values)];
}

/** Summarises records of named marks (`[{a: 1.2, b: 3}, …]`) into one summary per name. */
export function summarizeMarks(records) {
  const byName = new Map();
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      if (typeof value !== 'number') continue;
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(value);
    }
  }
  return Object.fromEntries([...byName].map(([name, values]) => [name, summarize(values)]));
}
