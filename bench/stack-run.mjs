// `node bench/stack-run.mjs` (after `npm run build`): the stack supervisor against plain
// concurrently + wait-on, 20 trivial services each. Prints a markdown report and writes the
// raw numbers to bench/results/stack-latest.json.
// Flags: --quick (2 rounds instead of 5), --rounds N, --update-docs (rewrite the stack section of
// docs/benchmarks.md), --strict (exit 1 when a target fails), --wait-quiet (first wait up to
// 2 minutes for other processes to use under 10% of the machine).
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runningChildren, stopAllChildren } from './children.mjs';
import { cpuSnapshot, describeMachine, otherWork, waitQuietIfAsked } from './machine.mjs';
import { runGuarded } from './shared/bench-guard.mjs';
import { roundsFlag } from './shared/flags.mjs';
import { npmVersion } from './shared/versions.mjs';
import { createSnapshot, describeSource } from './snapshot.mjs';
import { runIdleCases, runStartRounds } from './stack/cases.mjs';
import { adoptTree, runningAdopted, stopAdopted } from './stack/pids.mjs';
import { readStat } from './stack/procfs.mjs';
import { renderStackReport, updateStackDocs } from './stack/report.mjs';
import { writeStackFile } from './stack/stack-file.mjs';
import { evaluateStackTargets, targetPeer } from './stack/targets.mjs';

const SERVICES = 20;

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv);
const quick = flags.has('--quick');

const log = (message) => process.stderr.write(`bench:stack: ${message}\n`);
const settings = {
  count: SERVICES,
  rounds: roundsFlag(argv) ?? (quick ? 2 : 5),
  warmupRounds: 1,
  pauseMs: 500,
  idleSettleMs: 2_000,
  idleWindowMs: 10_000,
  quick,
};
/**
 * The bench stops itself after this long, whatever hangs: a round takes ~15 s and the idle
 * part ~30 s, so a default run ~2 minutes.
 */
const WATCHDOG_MS = 3 * 60_000 + settings.rounds * 30_000;

const bins = {
  concurrently: join(root, 'node_modules/concurrently/dist/bin/index.js'),
  waitOn: join(root, 'node_modules/wait-on/bin/wait-on'),
};

let snapshot;
let workDir;
const stop = new AbortController();

/** Supervisors recorded in the temporary state dir, adopted when their start time matches. */
function adoptRecordedSupervisors() {
  const stacks = workDir ? join(workDir, 'state', 'stacks') : undefined;
  if (!stacks || !existsSync(stacks)) return;
  for (const dir of readdirSync(stacks)) {
    try {
      const record = JSON.parse(readFileSync(join(stacks, dir, 'supervisor.json'), 'utf8'));
      const stat = readStat(record.pid);
      if (stat && (record.startTime === undefined || record.startTime === stat.startTicks))
        adoptTree(record.pid, 'portier supervisor (from its record)');
    } catch {
      // No record: nothing runs there.
    }
  }
}

/** Stops every process the bench started or adopted, by pid; the bench can go on after. */
async function stopEverything() {
  adoptRecordedSupervisors();
  for (const pid of runningChildren()) adoptTree(pid, 'child of the bench');
  const killed = await stopAdopted();
  await stopAllChildren();
  if (killed.length) log(`needed SIGKILL: ${killed.join(', ')}`);
}

/** Stops everything and removes the temporary files. */
async function cleanUp() {
  stop.abort();
  await stopEverything();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  snapshot?.remove();
  workDir = snapshot = undefined;
}

function setUp() {
  snapshot = createSnapshot(root);
  // A concurrent `npm run build` deletes dist/ first: make sure the copy is whole.
  for (const file of ['dist/cli.cjs', 'dist/commands/up.cjs', 'dist/commands/down.cjs'])
    if (!existsSync(join(snapshot.dir, file)))
      throw new Error(`${file} is missing (a build running?): run \`npm run build\` and retry`);
  workDir = mkdtempSync(join(tmpdir(), 'portier-stack-bench-'));
  // The fixture is copied too, so an edit of the checkout cannot change a run halfway.
  const fixture = join(workDir, 'health-server.mjs');
  cpSync(join(root, 'bench/fixtures/health-server.mjs'), fixture);
  const command = `${process.execPath} ${fixture}`;
  const file = writeStackFile(workDir, { name: 'bench', count: SERVICES, command });
  const env = { ...process.env, NO_COLOR: '1', HEALTH_SERVER_MAX_MS: String(WATCHDOG_MS) };
  delete env.FORCE_COLOR;
  const portierEnv = { ...env, PORTIER_STATE_DIR: join(workDir, 'state') };
  return {
    portierCtx: {
      bin: join(snapshot.dir, 'bin/portier.cjs'),
      file,
      count: SERVICES,
      cwd: workDir,
      env: portierEnv,
    },
    peerCtx: {
      concurrentlyBin: bins.concurrently,
      waitOnBin: bins.waitOn,
      command,
      count: SERVICES,
      cwd: workDir,
      env,
    },
  };
}

async function main() {
  for (const path of [
    join(root, 'dist/index.js'),
    join(root, 'bin/portier.cjs'),
    ...Object.values(bins),
  ])
    if (!existsSync(path))
      throw new Error(`${path} is missing: run \`npm install\` and \`npm run build\``);
  await waitQuietIfAsked(flags, log);
  const source = describeSource(root);
  const { portierCtx, peerCtx } = setUp();
  const started = performance.now();
  const machine = describeMachine();
  const cpuAtStart = cpuSnapshot();
  const common = {
    portierCtx,
    peerCtx,
    settings,
    log,
    signal: stop.signal,
    cleanUp: stopEverything,
  };
  const rounds = await runStartRounds(common);
  const idle = await runIdleCases(common);
  const cpuAtEnd = cpuSnapshot();
  const totalS = (performance.now() - started) / 1000;
  const detachedCpuS = rounds.detachedCpuS + idle.detachedCpuS;
  await cleanUp();
  const leftovers = [...runningChildren().map(String), ...runningAdopted()];
  const errors = [
    ...Object.entries(rounds.starts).flatMap(([id, c]) =>
      (c.errors ?? []).map((e) => `${id}: ${e}`),
    ),
    ...idle.errors,
    ...(leftovers.length ? [`still running after the bench: ${leftovers.join(', ')}`] : []),
  ];
  const run = {
    date: new Date().toISOString(),
    machine,
    loadAverageEnd: describeMachine().loadAverage,
    otherWork: otherWork(
      cpuAtStart,
      cpuAtEnd && { ...cpuAtEnd, ownS: cpuAtEnd.ownS + detachedCpuS },
    ),
    source,
    settings: {
      ...settings,
      versions: {
        concurrently: npmVersion(root, 'concurrently'),
        waitOn: npmVersion(root, 'wait-on'),
      },
    },
    starts: rounds.starts,
    phases: rounds.phases,
    targetPeer: targetPeer(rounds.starts),
    idle: idle.idle,
    errors,
    totalS,
  };
  const rows = evaluateStackTargets(run.starts, run.idle);
  const report = renderStackReport(run, rows);
  process.stdout.write(`${report}\n`);
  for (const r of rows.filter((x) => x.verdict !== 'info'))
    log(
      `${r.verdict}: ${r.what} ${r.value?.toFixed(1)} ${r.unit}${r.ratio === undefined ? '' : ` = ${r.ratio.toFixed(2)}× ${r.peer}`} (target ${r.target})`,
    );
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    join(root, 'bench/results/stack-latest.json'),
    `${JSON.stringify({ ...run, targets: rows }, null, 2)}\n`,
  );
  log('raw numbers: bench/results/stack-latest.json');
  if (flags.has('--update-docs')) {
    updateStackDocs(join(root, 'docs/benchmarks.md'), report);
    log('docs/benchmarks.md: stack section rewritten');
  }
  const failed = rows.some((r) => r.verdict === 'FAIL' || r.verdict === 'ERROR');
  return errors.length ? 1 : flags.has('--strict') && failed ? 1 : 0;
}

runGuarded({ main, cleanUp, log, watchdogMs: WATCHDOG_MS });
