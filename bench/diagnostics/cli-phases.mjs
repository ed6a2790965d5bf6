// Where `portier ls` spends its time as a whole process: Node's start-up, loading the CLI
// bundle, and the cold (not yet optimised) scan, against the same scan warm.
import { spawnSync } from 'node:child_process';
import { measureCommands, SPAWN_TIMEOUT_MS, summarizeMarks } from '../measure.mjs';

const COLD_CLI = new URL('./cold-cli.cjs', import.meta.url).pathname;
const COLD_SCAN = new URL('./cold-scan.mjs', import.meta.url).pathname;

/** Runs `script` `runs` times in fresh processes; a summary of each mark it reports. */
export function marks(script, args, runs) {
  const records = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, [script, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: SPAWN_TIMEOUT_MS,
    });
    records.push(JSON.parse(run.stderr.toString().trim().split('\n').pop()));
  }
  return summarizeMarks(records);
}

/**
 * Marks of `runs` cold `portier <args…>` in fresh processes (bootMs, requireMs, mainMs,
 * exitMs): summaries per mark. `root` is the package whose dist/cli.cjs is loaded.
 */
export function coldCliMarks(root, args, runs) {
  return marks(COLD_CLI, [root, ...args], runs);
}

/** Whole-process times (hyperfine) and in-process marks of cold runs. */
export function runCliPhases({ root, runs }) {
  const node = process.execPath;
  const processes = measureCommands(
    {
      'node -e 0': [node, '-e', '0'],
      "node -e require('./dist/cli.cjs')": [node, '-e', "require('./dist/cli.cjs')"],
      'portier --help': [node, 'bin/portier.cjs', '--help'],
      'ss -ltn (no -p: socket table only; compare ss -ltnp above)': ['ss', '-ltn'],
    },
    { cwd: root, runs, warmup: 3 },
  );
  const coldLs = marks(COLD_CLI, [root, 'ls'], runs);
  const coldScan = marks(COLD_SCAN, [root], runs);
  return {
    processes,
    marks: {
      'cold ls: Node start-up until the first line of the script': coldLs.bootMs,
      'cold ls: load the CLI (dist/loader.cjs, then cli.cjs via the code cache)': coldLs.requireMs,
      "cold ls: main(['ls']) (scan + render + write)": coldLs.mainMs,
      'library: import(dist/index.js)': coldScan.importMs,
      'library: 1st listListeners() in a fresh process': coldScan.firstMs,
      'library: 2nd listListeners()': coldScan.secondMs,
      'library: 10th listListeners()': coldScan.tenthMs,
    },
  };
}
